//! Which search answers: the contraction hierarchy when it has (or may make) the request's
//! metric, else A*; and the hierarchy's installation, image and statistics.

use caravan_net::geo::to_unit_xyz;

use crate::astar::{Endpoint, Found, Query, Workspace};
use crate::costing::Constraints;
use crate::hierarchy;
use crate::{endpoints, Engine, MetricSource, Prepared, RouteError, RouteRequest, Router};

impl Router {
    /// Installs the contraction hierarchy now if it is not there: from the compiled file this
    /// router was loaded from, else built (seconds on the full network). Returns why the
    /// compiled file's hierarchy was not used, when there was one and it was not.
    pub fn ensure_hierarchy(&self) -> Option<String> {
        let mut why = None;
        self.install_hierarchy(|| {
            let image = self.compiled_image.as_ref()?;
            match image.cch().and_then(|cch| self.check_hierarchy(cch)) {
                Ok(cch) => Some(cch),
                Err(e) => {
                    tracing::warn!("{e}; building the hierarchy instead");
                    why = Some(e.to_string());
                    None
                }
            }
        });
        why
    }

    /// Whether this router came from a compiled file (and so can install its hierarchy
    /// without building it).
    pub fn is_compiled(&self) -> bool {
        self.compiled_image.is_some()
    }

    /// Installs a hierarchy from its image (see `hierarchy_image`); it must have been built
    /// for this very graph.
    pub fn load_hierarchy(&self, image: &[u8]) -> Result<(), RouteError> {
        let cch = self.hierarchy_from_image(image)?;
        self.install_hierarchy(|| Some(cch));
        Ok(())
    }

    /// Installs the hierarchy `make` gives, or builds one when it gives none, unless one is
    /// already there. Concurrent callers wait for the first installation instead of each
    /// building their own.
    pub(crate) fn install_hierarchy(&self, make: impl FnOnce() -> Option<caravan_cch::Cch>) {
        self.hierarchy.get_or_init(|| match make() {
            Some(cch) => hierarchy::Hierarchy::new(cch),
            None => hierarchy::Hierarchy::build(&self.net, &self.graph),
        });
    }

    pub(crate) fn hierarchy_from_image(
        &self,
        image: &[u8],
    ) -> Result<caravan_cch::Cch, RouteError> {
        let cch = caravan_cch::Cch::from_bytes(image)
            .map_err(|e| RouteError::Hierarchy(e.to_string()))?;
        self.check_hierarchy(cch)
    }

    fn check_hierarchy(&self, cch: caravan_cch::Cch) -> Result<caravan_cch::Cch, RouteError> {
        if cch.node_count() != self.graph.node_count() || cch.arc_count() != self.graph.arcs.len() {
            return Err(RouteError::Hierarchy(format!(
                "the hierarchy was built for {} nodes and {} arcs, the graph has {} and {}",
                cch.node_count(),
                cch.arc_count(),
                self.graph.node_count(),
                self.graph.arcs.len()
            )));
        }
        Ok(cch)
    }

    /// The hierarchy's image for a compiled network file (builds it if needed).
    pub fn hierarchy_image(&self) -> Vec<u8> {
        self.ensure_hierarchy();
        self.hierarchy
            .get()
            .map(|h| h.cch.to_bytes())
            .unwrap_or_default()
    }

    /// The hierarchy's contraction order (`[rank] = node`), if it is built.
    pub fn hierarchy_order(&self) -> Option<Vec<u32>> {
        self.hierarchy.get().map(|h| h.cch.order().to_vec())
    }

    /// Hierarchy size: (nodes, input arcs, upward edges with shortcuts, elimination-tree height).
    pub fn hierarchy_stats(&self) -> Option<(usize, usize, usize, usize)> {
        self.hierarchy.get().map(|h| {
            (
                h.cch.node_count(),
                h.cch.arc_count(),
                h.cch.edge_count(),
                h.cch.elimination_tree_height(),
            )
        })
    }

    /// Customizes (or finds) the hierarchy's metric for a request, saying how it was obtained;
    /// for benchmarks and logs. Builds the hierarchy if needed.
    pub fn customize_for(&self, req: &RouteRequest) -> Result<MetricSource, RouteError> {
        self.ensure_hierarchy();
        let p = self.prepare(req)?;
        let h = self
            .hierarchy
            .get()
            .ok_or_else(|| RouteError::Hierarchy("not built".into()))?;
        let key = hierarchy::metric_key(&p.pricing, &p.constraints);
        let weights = || hierarchy::arc_weights(&self.net, &self.graph, &p.pricing, &p.constraints);
        h.metric(key, weights, true)
            .map(|(_, s)| s)
            .ok_or_else(|| RouteError::Hierarchy("no metric".into()))
    }

    fn with_workspace<T>(&self, f: impl FnOnce(&mut Workspace) -> T) -> T {
        let mut ws = self
            .pool
            .lock()
            .ok()
            .and_then(|mut p| p.pop())
            .unwrap_or_else(|| Workspace::new(self.graph.node_count()));
        let out = f(&mut ws);
        if let Ok(mut p) = self.pool.lock() {
            p.push(ws);
        }
        out
    }

    pub(crate) fn search(&self, p: &Prepared, constraints: &Constraints) -> Option<Found> {
        self.search_guided(p, constraints, None)
    }

    /// Runs `f` with the exact weight from any node to the request's destination under its
    /// own metric (lazy CH potentials), when the hierarchy has that metric cached: an A*
    /// potential for any search whose constraints close everything the request's close (see
    /// `alternatives`). `f` gets `None` otherwise.
    pub(crate) fn with_potential_to_destination<T>(
        &self,
        p: &Prepared,
        f: impl FnOnce(Option<&dyn Fn(u32) -> f64>) -> T,
    ) -> T {
        let Some(h) = self.hierarchy.get() else {
            return f(None);
        };
        let key = hierarchy::metric_key(&p.pricing, &p.constraints);
        let Some((metric, _)) = h.metric(key, Vec::new, false) else {
            return f(None);
        };
        let sinks: Vec<(u32, f64)> =
            endpoints(&p.dest_access, &p.pricing, &p.constraints, &self.net)
                .iter()
                .map(|e| (e.node, e.weight))
                .collect();
        h.with_potential_memory(|mem| {
            let pot = std::cell::RefCell::new(caravan_cch::TargetPotential::new(
                &h.cch, &metric, &sinks, mem,
            ));
            f(Some(&|v| pot.borrow_mut().get(v)))
        })
    }

    /// `search`, with A* guided by `potential` (from `with_potential_to_destination`) when
    /// the hierarchy cannot answer. `constraints` must then close everything `p`'s close.
    pub(crate) fn search_guided(
        &self,
        p: &Prepared,
        constraints: &Constraints,
        potential: Option<&dyn Fn(u32) -> f64>,
    ) -> Option<Found> {
        let sources: Vec<Endpoint> =
            endpoints(&p.origin_access, &p.pricing, constraints, &self.net);
        let sinks: Vec<Endpoint> = endpoints(&p.dest_access, &p.pricing, constraints, &self.net);
        if sources.is_empty() || sinks.is_empty() {
            return None;
        }
        if let Some(h) = self.hierarchy.get() {
            // The request's own constraints may be customized in full; the variations tried
            // for alternatives and diagnosis only reuse a cached metric, else A* runs.
            let allow_full =
                self.engine == Engine::Hierarchy && std::ptr::eq(constraints, &p.constraints);
            if let Some(found) =
                self.search_hierarchy(h, p, constraints, &sources, &sinks, allow_full)
            {
                return found;
            }
        }
        let slack = p.dest_access.iter().map(|a| a.snap_km).fold(0.0, f64::max);
        let d = &p.destination.endpoint;
        let query = Query {
            net: &self.net,
            graph: &self.graph,
            pricing: &p.pricing,
            constraints,
            sources: &sources,
            sinks: &sinks,
            target_xyz: to_unit_xyz(d.lat, d.lon),
            target_slack_km: slack,
            use_potential: true,
            exact_potential: potential,
            cancel: p.cancel.as_ref(),
        };
        self.with_workspace(|ws| query.run(ws))
    }

    /// `Some(answer)` when the hierarchy has (or may make) a metric for these constraints.
    fn search_hierarchy(
        &self,
        h: &hierarchy::Hierarchy,
        p: &Prepared,
        constraints: &Constraints,
        sources: &[Endpoint],
        sinks: &[Endpoint],
        allow_full: bool,
    ) -> Option<Option<Found>> {
        let key = hierarchy::metric_key(&p.pricing, constraints);
        let weights = || hierarchy::arc_weights(&self.net, &self.graph, &p.pricing, constraints);
        let (metric, source) = h.metric(key, weights, allow_full)?;
        tracing::debug!(?source, "hierarchy metric");
        let s: Vec<(u32, f64)> = sources.iter().map(|e| (e.node, e.weight)).collect();
        let t: Vec<(u32, f64)> = sinks.iter().map(|e| (e.node, e.weight)).collect();
        let path = h.with_query(|q| q.path(&h.cch, &metric, &s, &t));
        Some(path.and_then(|path| {
            let pick = |list: &[Endpoint], node: u32| {
                list.iter()
                    .filter(|e| e.node == node)
                    .min_by(|a, b| a.weight.total_cmp(&b.weight))
                    .copied()
            };
            Some(Found {
                source: pick(sources, path.first_node)?,
                sink: pick(sinks, path.last_node)?,
                arcs: path.arcs,
                weight: path.weight,
            })
        }))
    }

    /// The weighted arcs of the state graph under a request's pricing and constraints, as
    /// (tail, head, weight): what an independent shortest-path tool needs to check this one.
    pub fn export_weighted_arcs(
        &self,
        req: &RouteRequest,
    ) -> Result<Vec<(u32, u32, f64)>, RouteError> {
        let p = self.prepare(req)?;
        let w = hierarchy::arc_weights(&self.net, &self.graph, &p.pricing, &p.constraints);
        let out = w
            .into_iter()
            .enumerate()
            .filter(|(_, w)| w.is_finite())
            .map(|(i, w)| (self.graph.tails[i], self.graph.arcs[i].head, w))
            .collect();
        Ok(out)
    }

    /// The least weight from one graph node to another under a request's pricing and
    /// constraints (A* when `use_potential`, else Dijkstra), and how many nodes it settled.
    pub fn node_to_node(
        &self,
        req: &RouteRequest,
        from: u32,
        to: u32,
        use_potential: bool,
    ) -> Result<Option<(f64, usize)>, RouteError> {
        let p = self.prepare(req)?;
        let n = &self.net.nodes[to as usize];
        let sources = [Endpoint {
            node: from,
            weight: 0.0,
            tag: 0,
        }];
        let sinks = [Endpoint {
            node: to,
            weight: 0.0,
            tag: 0,
        }];
        let query = Query {
            net: &self.net,
            graph: &self.graph,
            pricing: &p.pricing,
            constraints: &p.constraints,
            sources: &sources,
            sinks: &sinks,
            target_xyz: to_unit_xyz(n.lat, n.lon),
            target_slack_km: 0.0,
            use_potential,
            exact_potential: None,
            cancel: None,
        };
        Ok(self.with_workspace(|ws| query.run(ws).map(|f| (f.weight, ws.settled_count))))
    }

    /// The least weight from one graph node to another on the hierarchy, under a request's
    /// metric (customized on first use, then cached): the counterpart of `node_to_node` for
    /// benchmarks and checks. Builds the hierarchy if needed.
    pub fn node_to_node_hierarchy(
        &self,
        req: &RouteRequest,
        from: u32,
        to: u32,
    ) -> Result<Option<f64>, RouteError> {
        let opts = self.options(req)?;
        let h = self.hierarchy_ref()?;
        let key = hierarchy::metric_key(&opts.pricing, &opts.constraints);
        let weights =
            || hierarchy::arc_weights(&self.net, &self.graph, &opts.pricing, &opts.constraints);
        let (metric, _) = h
            .metric(key, weights, true)
            .ok_or_else(|| RouteError::Hierarchy("no metric".into()))?;
        Ok(
            h.with_query(|q| q.path(&h.cch, &metric, &[(from, 0.0)], &[(to, 0.0)]))
                .map(|p| p.weight),
        )
    }
}
