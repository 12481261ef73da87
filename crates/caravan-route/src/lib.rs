//! Caravan's freight router. Compiles a `caravan_net::Network` into a state graph once, then
//! answers route requests with per-request criteria, avoidances and scenario overlays, without
//! rebuilding anything. No I/O: callers load the network and print the results.

mod build;
mod compiled;
mod costing;
mod error;
mod graph;
mod hierarchy;
mod matrix;
mod request;
mod result;
mod search;
pub mod validate;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use caravan_net::geo::{haversine_km, to_unit_xyz};
use caravan_net::{Country, Layer, LinkClass, Network, PlaceIndex, PlaceKind};
use rstar::primitives::GeomWithData;
use rstar::RTree;

pub use compiled::{read_header, CompiledHeader, COMPILED_FORMAT};
pub use costing::Parts;
pub use error::{RouteError, Suggestion};
pub use hierarchy::MetricSource;
pub use matrix::{MatrixCell, MatrixEndpoint, MatrixOptions, MatrixRequest, MatrixResponse, Reach};
pub use request::*;
pub use result::*;

use costing::{Constraints, Pricing};
use graph::{ArcKind, Graph};
use search::{Endpoint, Found, Query, Workspace};

/// How far an origin or destination may be from the network node it is snapped to.
pub const MAX_SNAP_KM: f64 = 60.0;
/// How far an origin may be from a seaport to start at sea.
const MAX_PORT_ACCESS_KM: f64 = 40.0;
/// Searches one alternatives request may run.
const MAX_ALTERNATIVE_SEARCHES: usize = 48;

/// Stops a running search from another thread: a caller whose time limit passed cancels the
/// token, and the search ends within a few thousand settled nodes (well under a millisecond).
#[derive(Clone, Debug, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// How a route leaves its origin or reaches its destination.
#[derive(Clone, Debug)]
pub(crate) struct Access {
    pub layer: Layer,
    pub node: u32,
    pub snap_km: f64,
    pub parts: Parts,
    /// The terminal whose handling is charged (rail or sea access), if any.
    pub terminal: Option<usize>,
    pub handled: bool,
}

#[derive(Clone)]
pub(crate) struct Resolved {
    pub endpoint: ResolvedEndpoint,
    pub country: Country,
}

type PlacePoint = GeomWithData<[f64; 3], u32>;

/// The router: the network, its compiled graph and the place search index.
pub struct Router {
    net: Network,
    graph: Graph,
    places: PlaceIndex,
    /// Cities and ports used to name points along a route.
    landmarks: RTree<PlacePoint>,
    pool: Mutex<Vec<Workspace>>,
    /// The contraction hierarchy, once built or loaded; searches use it when it is there.
    hierarchy: OnceLock<hierarchy::Hierarchy>,
    engine: Engine,
}

/// Which search answers a route when the hierarchy has no metric for it yet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Engine {
    /// A* for metrics not yet customized (one-off routes: customizing costs more than it saves).
    #[default]
    AStar,
    /// Customize the hierarchy for every new metric (a server or a matrix reuses it).
    Hierarchy,
}

impl Router {
    pub fn new(net: Network) -> Router {
        let graph = Graph::build(&net);
        let places = PlaceIndex::new(&net.places);
        let landmarks = RTree::bulk_load(
            net.places
                .iter()
                .enumerate()
                .filter(|(_, p)| {
                    matches!(p.kind, PlaceKind::City | PlaceKind::Seaport)
                        && p.population.unwrap_or(0) >= 50_000
                        || p.kind == PlaceKind::Seaport
                })
                .map(|(i, p)| PlacePoint::new(to_unit_xyz(p.lat, p.lon), i as u32))
                .collect(),
        );
        tracing::debug!(
            nodes = graph.node_count(),
            arcs = graph.arcs.len(),
            "routing graph compiled"
        );
        Router {
            net,
            graph,
            places,
            landmarks,
            pool: Mutex::new(Vec::new()),
            hierarchy: OnceLock::new(),
            engine: Engine::AStar,
        }
    }

    /// Sets what answers a route whose metric the hierarchy has not customized yet.
    pub fn with_engine(mut self, engine: Engine) -> Router {
        self.engine = engine;
        self
    }

    /// Builds the contraction hierarchy now if it is not there (seconds on the full network).
    pub fn ensure_hierarchy(&self) {
        self.hierarchy
            .get_or_init(|| hierarchy::Hierarchy::build(&self.net, &self.graph));
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
        let weights = hierarchy::arc_weights(&self.net, &self.graph, &p.pricing, &p.constraints);
        h.metric(key, weights, true)
            .map(|(_, _, s)| s)
            .ok_or_else(|| RouteError::Hierarchy("no metric".into()))
    }

    pub fn network(&self) -> &Network {
        &self.net
    }

    pub fn places(&self) -> &PlaceIndex {
        &self.places
    }

    /// Number of nodes and arcs of the compiled state graph.
    pub fn graph_size(&self) -> (usize, usize) {
        (self.graph.node_count(), self.graph.arcs.len())
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

    /// Answers a route request: the best route and up to `alternatives` genuinely different
    /// ones, or an error that says why there is none.
    pub fn route(&self, req: &RouteRequest) -> Result<RouteResponse, RouteError> {
        self.route_cancellable(req, &CancelToken::new())
    }

    /// `route`, ending early with `RouteError::Cancelled` once `cancel` is cancelled.
    pub fn route_cancellable(
        &self,
        req: &RouteRequest,
        cancel: &CancelToken,
    ) -> Result<RouteResponse, RouteError> {
        let mut prepared = self.prepare(req)?;
        prepared.cancel = Some(cancel.clone());
        let cancelled = || cancel.is_cancelled().then_some(RouteError::Cancelled);
        let best = match self.search(&prepared, &prepared.constraints) {
            Some(best) => best,
            None => return Err(cancelled().unwrap_or_else(|| self.diagnose(req, &prepared))),
        };
        let mut found = vec![(best, prepared.constraints.clone())];
        let mut warnings = prepared.warnings.clone();
        if req.alternatives > 0 {
            build::alternatives(self, &prepared, &mut found, req.alternatives + 1);
            if let Some(e) = cancelled() {
                return Err(e);
            }
            if found.len() < req.alternatives + 1 {
                warnings.push(format!(
                    "asked for {} alternatives, found {} that differ in their crossings, ports, terminals or modes",
                    req.alternatives,
                    found.len() - 1
                ));
            }
        }
        let routes: Vec<Route> = found
            .iter()
            .enumerate()
            .map(|(rank, (f, _))| build::route(self, &prepared, f, rank, &found[0].0))
            .collect();
        for r in &routes {
            if r.legs
                .iter()
                .any(|l| l.mode == LinkClass::InlandWater.as_str())
            {
                let w = format!(
                    "route {} uses inland waterways (the Volga and the Volga-Don canal): only river-sea vessels of about 5,000 t and 3.6 m draught, and only in the navigation season (about 1 April to early December; mode_params.csv)",
                    r.rank
                );
                warnings.push(w);
            }
            for b in &r.border_crossings {
                if b.status == "restricted" {
                    let w = format!(
                        "route {} crosses at {}, whose status is restricted",
                        r.rank, b.name
                    );
                    if !warnings.contains(&w) {
                        warnings.push(w);
                    }
                }
            }
        }
        let origin_snap = &prepared.origin_access[found[0].0.source.tag];
        let dest_snap = &prepared.dest_access[found[0].0.sink.tag];
        let mut origin = prepared.origin.endpoint.clone();
        origin.snapped_mode = origin_snap.layer.to_string();
        origin.snap_km = round(origin_snap.snap_km, 2);
        let mut destination = prepared.destination.endpoint.clone();
        destination.snapped_mode = dest_snap.layer.to_string();
        destination.snap_km = round(dest_snap.snap_km, 2);
        Ok(RouteResponse {
            origin,
            destination,
            optimize: req.optimize.as_str(),
            cargo_tonnes: req.cargo_tonnes,
            cargo_value_usd: req.cargo_value_usd,
            value_of_time_usd_per_hour: round(prepared.pricing.value_of_time_usd_per_h, 4),
            carbon_price_usd_per_t: round(prepared.pricing.carbon_price_usd_per_kg * 1000.0, 2),
            routes,
            warnings,
        })
    }

    pub(crate) fn search(&self, p: &Prepared, constraints: &Constraints) -> Option<Found> {
        let sources: Vec<Endpoint> =
            endpoints(&p.origin_access, &p.pricing, constraints, &self.net);
        let sinks: Vec<Endpoint> = endpoints(&p.dest_access, &p.pricing, constraints, &self.net);
        if sources.is_empty() || sinks.is_empty() {
            return None;
        }
        if let Some(h) = self.hierarchy.get() {
            // The request's own constraints may be customized in full; the variations tried
            // for alternatives and diagnosis only reuse or patch a metric, else A* runs.
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
        let (_, metric) = match h.cached(key) {
            Some(m) => m,
            None => {
                let w = hierarchy::arc_weights(&self.net, &self.graph, &p.pricing, constraints);
                let (w, m, source) = h.metric(key, w, allow_full)?;
                tracing::debug!(?source, "hierarchy metric");
                (w, m)
            }
        };
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
        let metric = match h.cached(key) {
            Some((_, m)) => m,
            None => {
                let w = hierarchy::arc_weights(
                    &self.net,
                    &self.graph,
                    &opts.pricing,
                    &opts.constraints,
                );
                h.metric(key, w, true)
                    .map(|(_, m, _)| m)
                    .ok_or_else(|| RouteError::Hierarchy("no metric".into()))?
            }
        };
        Ok(
            h.with_query(|q| q.path(&h.cch, &metric, &[(from, 0.0)], &[(to, 0.0)]))
                .map(|p| p.weight),
        )
    }

    /// Checks that a scenario names only known crossings and sensible values, so a saved
    /// scenario fails when it is saved rather than on every later route request.
    pub fn validate_scenario(&self, scenario: &Scenario) -> Result<(), RouteError> {
        for key in scenario.close_bcps.iter().chain(&scenario.open_bcps) {
            self.bcp_indices(key)?;
        }
        for change in &scenario.bcp_changes {
            self.bcp_indices(&change.bcp)?;
            for v in [change.wait_hours, change.wait_factor, change.fee_usd]
                .into_iter()
                .flatten()
            {
                if !(v.is_finite() && v >= 0.0) {
                    return Err(RouteError::InvalidRequest(format!(
                        "scenario change for {}: values must be non-negative",
                        change.bcp
                    )));
                }
            }
        }
        Ok(())
    }

    /// Validates a request and resolves everything a search needs.
    pub(crate) fn prepare(&self, req: &RouteRequest) -> Result<Prepared, RouteError> {
        let Options {
            constraints,
            pricing,
            mut warnings,
        } = self.options(req)?;
        let origin = self.resolve(&req.from)?;
        let destination = self.resolve(&req.to)?;
        let bad = |m: String| Err(RouteError::InvalidRequest(m));
        for c in &req.avoid_countries {
            if let Some(cc) = Country::parse(c) {
                for (end, which) in [(&origin, "origin"), (&destination, "destination")] {
                    if end.country == cc {
                        return bad(format!(
                            "the {which} {} is in {cc}, which the request avoids",
                            end.endpoint.name
                        ));
                    }
                }
            }
        }
        let class_allowed = constraints.class_allowed;
        let origin_access = self.access(&origin, &pricing, &class_allowed);
        let dest_access = self.access(&destination, &pricing, &class_allowed);
        for (acc, end) in [(&origin_access, &origin), (&dest_access, &destination)] {
            if acc.is_empty() {
                return Err(RouteError::OffNetwork {
                    query: end.endpoint.query.clone(),
                    max_km: MAX_SNAP_KM,
                    modes: modes_label(&class_allowed),
                });
            }
        }
        for (acc, end) in [(&origin_access, &origin), (&dest_access, &destination)] {
            if let Some(w) = self.foreign_access_warning(acc, end) {
                warnings.push(w);
            }
        }
        Ok(Prepared {
            origin,
            destination,
            origin_access,
            dest_access,
            pricing,
            constraints,
            warnings,
            cancel: None,
        })
    }

    /// The warning for an access leg that had to join another country's network.
    fn foreign_access_warning(&self, acc: &[Access], end: &Resolved) -> Option<String> {
        let a = acc.iter().filter(|a| a.terminal.is_none()).find(|a| {
            !end.country.is_none() && self.net.nodes[a.node as usize].country != end.country
        })?;
        Some(format!(
            "{} is joined to the {} network in {} ({:.0} km away): {} has no {} node within {MAX_SNAP_KM} km",
            end.endpoint.name,
            a.layer.as_str(),
            self.net.nodes[a.node as usize].country,
            a.snap_km,
            end.country,
            a.layer.as_str()
        ))
    }

    /// Validates everything in a request but its endpoints, and prices it.
    pub(crate) fn options(&self, req: &RouteRequest) -> Result<Options, RouteError> {
        let bad = |m: String| Err(RouteError::InvalidRequest(m));
        self.validate_scenario(&req.scenario)?;
        if !(req.cargo_tonnes.is_finite()
            && req.cargo_tonnes > 0.0
            && req.cargo_tonnes <= 100_000.0)
        {
            return bad(format!(
                "cargo tonnes must be in (0, 100000], got {}",
                req.cargo_tonnes
            ));
        }
        if !(req.cargo_value_usd.is_finite() && req.cargo_value_usd >= 0.0) {
            return bad(format!(
                "cargo value must be a non-negative amount, got {}",
                req.cargo_value_usd
            ));
        }
        if req.alternatives > MAX_ALTERNATIVES {
            return bad(format!(
                "at most {MAX_ALTERNATIVES} alternatives, got {}",
                req.alternatives
            ));
        }
        let vot = req
            .vot_day_share
            .unwrap_or(self.net.params.vot_day_share.value);
        let carbon = req
            .carbon_price_usd_per_t
            .unwrap_or(self.net.params.carbon_price_usd_per_t.value);
        if !(vot.is_finite() && (0.0..=1.0).contains(&vot)) {
            return bad(format!(
                "value-of-time share per day must be in [0, 1], got {vot}"
            ));
        }
        if !(carbon.is_finite() && carbon >= 0.0) {
            return bad(format!("carbon price must be non-negative, got {carbon}"));
        }

        let mut warnings = Vec::new();

        let mut class_allowed = [true; LinkClass::COUNT];
        if !req.modes.is_empty() {
            for c in LinkClass::ALL {
                class_allowed[c.index()] = req.modes.contains(&c.layer());
            }
        }
        class_allowed[LinkClass::InlandWater.index()] = req.inland_water;

        let mut avoid_countries = Vec::new();
        for c in &req.avoid_countries {
            let cc = Country::parse(c).ok_or_else(|| {
                RouteError::InvalidRequest(format!(
                    "`{c}` is not an ISO 3166 alpha-2 country code (e.g. AF, PK)"
                ))
            })?;
            avoid_countries.push(cc);
        }

        let n_bcp = self.net.bcps.len();
        let mut bcp_blocked: Vec<bool> = self
            .net
            .bcps
            .iter()
            .map(|b| b.status == caravan_net::BcpStatus::Closed)
            .collect();
        for key in &req.scenario.open_bcps {
            for i in self.bcp_indices(key)? {
                bcp_blocked[i as usize] = false;
            }
        }
        for key in req.scenario.close_bcps.iter().chain(&req.avoid_bcps) {
            for i in self.bcp_indices(key)? {
                bcp_blocked[i as usize] = true;
            }
        }
        let mut constraints = Constraints {
            class_allowed,
            bcp_blocked,
            terminal_blocked: vec![false; self.net.terminals.len()],
            avoid_countries,
        };
        constraints.close_orphaned_unlisted(&self.net);
        debug_assert_eq!(constraints.bcp_blocked.len(), n_bcp);

        let mut pricing = Pricing::new(
            &self.net,
            req.optimize,
            req.cargo_tonnes,
            req.cargo_value_usd,
            vot,
            carbon,
        );
        for change in &req.scenario.bcp_changes {
            let idx = self.bcp_indices(&change.bcp)?;
            for i in idx {
                let i = i as usize;
                if let Some(h) = change.wait_hours {
                    pricing.bcp_wait[i] = [h, h];
                }
                if let Some(f) = change.wait_factor {
                    pricing.bcp_wait[i] = pricing.bcp_wait[i].map(|h| h * f);
                }
                if let Some(fee) = change.fee_usd {
                    let vehicles = (req.cargo_tonnes
                        / self
                            .net
                            .params
                            .class(if self.net.bcps[i].mode == Layer::Rail {
                                LinkClass::Rail
                            } else {
                                LinkClass::Road
                            })
                            .payload_t
                            .value)
                        .ceil()
                        .max(1.0);
                    pricing.bcp_fee[i] = [fee * vehicles; 2];
                }
            }
        }

        pricing.refresh_weights();
        if req.cargo_value_usd == 0.0 && req.optimize == Criterion::Generalized {
            warnings
                .push("cargo value is 0, so time has no cost in the generalized criterion".into());
        }
        Ok(Options {
            constraints,
            pricing,
            warnings,
        })
    }

    fn bcp_indices(&self, key: &str) -> Result<Vec<u32>, RouteError> {
        let found = self.net.find_bcps(key);
        if found.is_empty() {
            return Err(RouteError::UnknownBcp {
                key: key.to_owned(),
                suggestions: self.net.suggest_bcps(key, 5),
            });
        }
        Ok(found)
    }

    pub(crate) fn resolve(&self, loc: &Location) -> Result<Resolved, RouteError> {
        match loc {
            Location::Coordinate { lat, lon } => {
                if !(lat.is_finite()
                    && lon.is_finite()
                    && (-90.0..=90.0).contains(lat)
                    && (-180.0..=180.0).contains(lon))
                {
                    return Err(RouteError::InvalidRequest(format!(
                        "coordinate {lat},{lon} is not a valid latitude,longitude"
                    )));
                }
                let near = self.landmark_name(*lat, *lon, 50.0);
                let country = self.country_near(*lat, *lon);
                Ok(Resolved {
                    endpoint: ResolvedEndpoint {
                        query: loc.to_string(),
                        place_id: None,
                        name: near.map_or_else(
                            || format!("{lat:.4},{lon:.4}"),
                            |n| format!("{lat:.4},{lon:.4} (near {n})"),
                        ),
                        country: country.to_string(),
                        lat: *lat,
                        lon: *lon,
                        snapped_mode: String::new(),
                        snap_km: 0.0,
                    },
                    country,
                })
            }
            Location::Place(q) => {
                if q.trim().is_empty() {
                    return Err(RouteError::InvalidRequest(
                        "an origin and a destination are required".into(),
                    ));
                }
                match self.places.resolve(q) {
                    Ok(i) => {
                        let p = &self.net.places[i];
                        Ok(Resolved {
                            endpoint: ResolvedEndpoint {
                                query: q.clone(),
                                place_id: Some(p.id.clone()),
                                name: p.name.clone(),
                                country: p.country.to_string(),
                                lat: p.lat,
                                lon: p.lon,
                                snapped_mode: String::new(),
                                snap_km: 0.0,
                            },
                            country: p.country,
                        })
                    }
                    Err(cands) => Err(RouteError::UnknownPlace {
                        query: q.clone(),
                        suggestions: cands
                            .iter()
                            .take(5)
                            .map(|m| {
                                let p = &self.net.places[m.index];
                                Suggestion {
                                    id: p.id.clone(),
                                    name: p.name.clone(),
                                    country: p.country.to_string(),
                                }
                            })
                            .collect(),
                    }),
                }
            }
        }
    }

    /// The country of the nearest land node (a coordinate query has no country of its own).
    fn country_near(&self, lat: f64, lon: f64) -> Country {
        self.graph
            .nearest(Layer::Road, lat, lon, 1, 200.0)
            .first()
            .map_or(Country::NONE, |(n, _)| self.net.nodes[*n as usize].country)
    }

    pub(crate) fn landmark_name(&self, lat: f64, lon: f64, max_km: f64) -> Option<String> {
        let p = to_unit_xyz(lat, lon);
        self.landmarks.nearest_neighbor(&p).and_then(|pp| {
            let place = &self.net.places[pp.data as usize];
            (haversine_km(lat, lon, place.lat, place.lon) <= max_km).then(|| place.name.clone())
        })
    }

    /// Ways to leave or reach a point: the nearest road and rail nodes (rail pays loading at a
    /// terminal), and the sea node of a port next to it.
    pub(crate) fn access(
        &self,
        end: &Resolved,
        pricing: &Pricing,
        allowed: &[bool; LinkClass::COUNT],
    ) -> Vec<Access> {
        let (lat, lon) = (end.endpoint.lat, end.endpoint.lon);
        let mut out = Vec::new();
        for (layer, k) in [(Layer::Road, 4), (Layer::Rail, 3)] {
            let allowed_layer = LinkClass::ALL
                .iter()
                .any(|c| allowed[c.index()] && c.layer() == layer);
            if !allowed_layer {
                continue;
            }
            // An access leg never crosses a border: the nodes of the endpoint's own country
            // come first, and another country's only where its own has none in reach.
            let near = self.graph.nearest(layer, lat, lon, k * 8, MAX_SNAP_KM);
            let own: Vec<(u32, f64)> = near
                .iter()
                .copied()
                .filter(|(n, _)| {
                    end.country.is_none() || self.net.nodes[*n as usize].country == end.country
                })
                .collect();
            let chosen = if own.is_empty() { near } else { own };
            for (node, km) in chosen.into_iter().take(k) {
                let mut parts = pricing.drayage(km);
                let handled = layer == Layer::Rail;
                if handled {
                    let (h, usd) = pricing.road_rail_default(&self.net);
                    parts.transfer_hours = h;
                    parts.transfer_usd = usd;
                }
                out.push(Access {
                    layer,
                    node,
                    snap_km: km,
                    parts,
                    terminal: None,
                    handled,
                });
            }
        }
        if LinkClass::ALL
            .iter()
            .any(|c| allowed[c.index()] && c.layer() == Layer::Sea)
        {
            for (ti, t) in self.net.terminals.iter().enumerate() {
                let Some((node, sea_km)) = self.graph.terminal_nodes[ti][Layer::Sea as usize]
                else {
                    continue;
                };
                let km = haversine_km(lat, lon, t.lat, t.lon);
                if km > MAX_PORT_ACCESS_KM {
                    continue;
                }
                let mut parts = pricing.drayage(km);
                let (h, usd) = pricing.terminal_parts(ti);
                parts.transfer_hours = h;
                parts.transfer_usd = usd;
                out.push(Access {
                    layer: Layer::Sea,
                    node,
                    snap_km: km + sea_km,
                    parts,
                    terminal: Some(ti),
                    handled: true,
                });
            }
        }
        out
    }

    /// Explains why a request has no route, by relaxing one constraint at a time.
    fn diagnose(&self, req: &RouteRequest, p: &Prepared) -> RouteError {
        let o = &p.origin.endpoint.name;
        let d = &p.destination.endpoint.name;
        // 1. Closed or avoided crossings?
        let mut open_all = p.constraints.clone();
        open_all.bcp_blocked.iter_mut().for_each(|b| *b = false);
        if let Some(f) = self.search(p, &open_all) {
            let mut closed = BTreeSet::new();
            let mut pairs = BTreeSet::new();
            for &a in &f.arcs {
                if let ArcKind::Border { bcp, .. } = self.graph.arcs[a as usize].kind {
                    if p.constraints.bcp_blocked[bcp as usize] {
                        let b = &self.net.bcps[bcp as usize];
                        closed.insert(format!(
                            "{} ({}-{}, {})",
                            b.name,
                            b.country_a,
                            b.country_b,
                            if b.status_note.is_empty() {
                                b.status.as_str()
                            } else {
                                b.status_note.as_str()
                            }
                        ));
                        pairs.insert((b.pair(), b.mode));
                    }
                }
            }
            let mut reason = format!("no route from {o} to {d}: every route needs a border crossing that is closed or avoided in this request");
            for ((a, b), mode) in &pairs {
                let listed: Vec<_> = self
                    .net
                    .bcps
                    .iter()
                    .enumerate()
                    .filter(|(_, x)| x.listed && x.pair() == (*a, *b) && x.mode == *mode)
                    .collect();
                if listed.iter().all(|(i, _)| p.constraints.bcp_blocked[*i]) {
                    reason.push_str(&format!(
                        "; every {mode} crossing between {a} and {b} is closed ({})",
                        listed
                            .iter()
                            .map(|(_, x)| x.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
            return RouteError::NoRoute {
                reason,
                blocking: closed.into_iter().collect(),
            };
        }
        // 2. Avoided countries?
        if !p.constraints.avoid_countries.is_empty() {
            let mut relaxed = p.constraints.clone();
            relaxed.avoid_countries.clear();
            if self.search(p, &relaxed).is_some() {
                return RouteError::NoRoute {
                    reason: format!(
                        "no route from {o} to {d} that avoids {}: every route passes through an avoided country",
                        req.avoid_countries.join(", ")
                    ),
                    blocking: req.avoid_countries.clone(),
                };
            }
        }
        // 3. Modes?
        if p.constraints.class_allowed.iter().any(|a| !a) {
            let mut relaxed = p.constraints.clone();
            relaxed.class_allowed = [true; LinkClass::COUNT];
            let all = p.with_access_for(self, &relaxed);
            if let Some(f) = self.search(&all, &relaxed) {
                let modes: BTreeSet<_> = f
                    .arcs
                    .iter()
                    .map(|a| match self.graph.arcs[*a as usize].class {
                        LinkClass::InlandWater => "inland_water",
                        c => c.layer().as_str(),
                    })
                    .collect();
                return RouteError::NoRoute {
                    reason: format!(
                        "no route from {o} to {d} using only {}; one exists using {}",
                        modes_label(&p.constraints.class_allowed),
                        modes.into_iter().collect::<Vec<_>>().join(" + ")
                    ),
                    blocking: Vec::new(),
                };
            }
        }
        RouteError::NoRoute {
            reason: format!(
                "{o} and {d} are in parts of the network that no link, crossing or port joins"
            ),
            blocking: Vec::new(),
        }
    }
}

/// A request's validated options: what it may use and how it prices it.
pub(crate) struct Options {
    pub constraints: Constraints,
    pub pricing: Pricing,
    pub warnings: Vec<String>,
}

/// Resolved request state shared by the best-route search, alternatives and diagnosis.
#[derive(Clone)]
pub(crate) struct Prepared {
    pub origin: Resolved,
    pub destination: Resolved,
    pub origin_access: Vec<Access>,
    pub dest_access: Vec<Access>,
    pub pricing: Pricing,
    pub constraints: Constraints,
    pub warnings: Vec<String>,
    /// Set by `route_cancellable`; every search of the request checks it.
    pub cancel: Option<CancelToken>,
}

impl Prepared {
    /// The same request with origin and destination access recomputed for other modes.
    fn with_access_for(&self, router: &Router, c: &Constraints) -> Prepared {
        let mut p = self.clone();
        p.constraints = c.clone();
        p.origin_access = router.access(&self.origin, &self.pricing, &c.class_allowed);
        p.dest_access = router.access(&self.destination, &self.pricing, &c.class_allowed);
        p
    }
}

fn endpoints(
    access: &[Access],
    pricing: &Pricing,
    c: &Constraints,
    net: &Network,
) -> Vec<Endpoint> {
    access
        .iter()
        .enumerate()
        .filter(|(_, a)| a.terminal.is_none_or(|t| !c.terminal_blocked[t]))
        .filter(|(_, a)| {
            c.avoid_countries.is_empty()
                || !c
                    .avoid_countries
                    .contains(&net.nodes[a.node as usize].country)
        })
        .map(|(i, a)| Endpoint {
            node: a.node,
            weight: pricing.weight(&a.parts),
            tag: i,
        })
        .collect()
}

pub(crate) fn modes_label(allowed: &[bool; LinkClass::COUNT]) -> String {
    let mut v: Vec<&str> = LinkClass::ALL
        .iter()
        .filter(|c| allowed[c.index()])
        .map(|c| c.layer().as_str())
        .collect();
    v.dedup();
    v.join(", ")
}

pub(crate) fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}
