//! The routing graph's customizable contraction hierarchy, and the metrics customized on it.
//!
//! A request's weights depend on its criterion, cargo, scenario and constraints. They are
//! keyed by the small pricing and constraint tables that produce them (not by the 850k arc
//! weights), so a repeated request finds its metric in microseconds. A new metric that differs
//! from a cached one on few arcs (a closed crossing, a changed wait) is re-customized from it;
//! anything else is customized in full.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use caravan_cch::{Cch, Metric, Query};
use caravan_net::{LinkClass, Network};

use crate::costing::{Constraints, Pricing};
use crate::graph::{ArcKind, Graph};

/// Customized metrics kept (each holds ~24 bytes per hierarchy edge plus 8 per arc).
const CACHE_SIZE: usize = 8;
/// Up to this share of changed arcs, re-customizing a cached metric beats starting over.
const PARTIAL_SHARE: f64 = 0.01;

pub(crate) struct CachedMetric {
    key: u64,
    pub weights: Arc<Vec<f64>>,
    pub metric: Arc<Metric>,
}

/// How a metric was obtained, for logs and benchmarks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricSource {
    Cached,
    Recustomized { changed_arcs: usize },
    Customized,
}

pub(crate) struct Hierarchy {
    pub cch: Cch,
    cache: Mutex<Vec<CachedMetric>>,
    queries: Mutex<Vec<Query>>,
    /// Memory for CH potentials (alternatives' guided A*), reused like `queries`.
    potentials: Mutex<Vec<caravan_cch::PotentialMemory>>,
}

impl Hierarchy {
    pub fn build(net: &Network, graph: &Graph) -> Hierarchy {
        let latlon: Vec<[f64; 2]> = net.nodes.iter().map(|n| [n.lat, n.lon]).collect();
        Hierarchy::new(Cch::build(&latlon, &input_arcs(graph)))
    }

    pub fn new(cch: Cch) -> Hierarchy {
        Hierarchy {
            cch,
            cache: Mutex::new(Vec::new()),
            queries: Mutex::new(Vec::new()),
            potentials: Mutex::new(Vec::new()),
        }
    }

    /// The cached metric for these tables, if any (no weights are computed).
    fn cached(&self, key: u64) -> Option<Arc<Metric>> {
        let mut cache = self.cache.lock().ok()?;
        let i = cache.iter().position(|c| c.key == key)?;
        // Most recently used last.
        let entry = cache.remove(i);
        let out = entry.metric.clone();
        cache.push(entry);
        Some(out)
    }

    /// The metric for the tables hashed in `key`: cached (the weights are never computed), or,
    /// when `make` is true, re-customized from a close cached one or customized in full from
    /// `weights()`. `None` when not cached and `make` is false: the variations tried for
    /// alternatives and diagnosis stay out of the cache (dozens of them would evict the
    /// metrics requests share, and A* answers each in milliseconds).
    pub fn metric(
        &self,
        key: u64,
        weights: impl FnOnce() -> Vec<f64>,
        make: bool,
    ) -> Option<(Arc<Metric>, MetricSource)> {
        if let Some(m) = self.cached(key) {
            return Some((m, MetricSource::Cached));
        }
        if !make {
            return None;
        }
        let weights = weights();
        let limit = (weights.len() as f64 * PARTIAL_SHARE) as usize;
        let close = self.cache.lock().ok().and_then(|cache| {
            cache
                .iter()
                .rev()
                .filter_map(|c| {
                    let changed = changed_arcs(&c.weights, &weights, limit)?;
                    Some((changed, c.metric.clone()))
                })
                .min_by_key(|(changed, _)| changed.len())
        });
        let (metric, source) = match close {
            Some((changed, base)) => {
                let m = base.recustomize(&self.cch, &weights, &changed);
                (
                    m,
                    MetricSource::Recustomized {
                        changed_arcs: changed.len(),
                    },
                )
            }
            None => (
                Metric::customize(&self.cch, &weights),
                MetricSource::Customized,
            ),
        };
        let (weights, metric) = (Arc::new(weights), Arc::new(metric));
        if let Ok(mut cache) = self.cache.lock() {
            if cache.len() >= CACHE_SIZE {
                cache.remove(0);
            }
            cache.push(CachedMetric {
                key,
                weights: weights.clone(),
                metric: metric.clone(),
            });
        }
        Some((metric, source))
    }

    pub fn with_potential_memory<T>(
        &self,
        f: impl FnOnce(&mut caravan_cch::PotentialMemory) -> T,
    ) -> T {
        let mut m = self
            .potentials
            .lock()
            .ok()
            .and_then(|mut p| p.pop())
            .unwrap_or_else(|| caravan_cch::PotentialMemory::new(&self.cch));
        let out = f(&mut m);
        if let Ok(mut p) = self.potentials.lock() {
            p.push(m);
        }
        out
    }

    pub fn with_query<T>(&self, f: impl FnOnce(&mut Query) -> T) -> T {
        let mut q = self
            .queries
            .lock()
            .ok()
            .and_then(|mut p| p.pop())
            .unwrap_or_else(|| Query::new(&self.cch));
        let out = f(&mut q);
        if let Ok(mut p) = self.queries.lock() {
            p.push(q);
        }
        out
    }
}

/// The graph's arcs as (tail, head) in arc order: the hierarchy's input arcs.
pub(crate) fn input_arcs(graph: &Graph) -> Vec<(u32, u32)> {
    graph
        .tails
        .iter()
        .zip(&graph.arcs)
        .map(|(&t, a)| (t, a.head))
        .collect()
}

/// The arcs whose weight differs, or `None` when more than `limit` do.
fn changed_arcs(a: &[f64], b: &[f64], limit: usize) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        if x.to_bits() != y.to_bits() {
            out.push(i as u32);
            if out.len() > limit {
                return None;
            }
        }
    }
    Some(out)
}

/// Whether a search under these constraints may use an arc.
pub(crate) fn usable(net: &Network, graph: &Graph, c: &Constraints, arc_index: usize) -> bool {
    let arc = &graph.arcs[arc_index];
    let ok = match arc.kind {
        ArcKind::Line => c.class_allowed[arc.class.index()],
        ArcKind::Border { bcp, .. } => {
            c.class_allowed[arc.class.index()] && !c.bcp_blocked[bcp as usize]
        }
        ArcKind::Transfer { terminal } => {
            let layer = net.nodes[arc.head as usize].layer;
            !c.terminal_blocked[terminal as usize]
                && LinkClass::ALL
                    .iter()
                    .any(|k| c.class_allowed[k.index()] && k.layer() == layer)
        }
    };
    ok && c.link_on(arc.link)
        && (c.avoid_countries.is_empty()
            || !c
                .avoid_countries
                .contains(&net.nodes[arc.head as usize].country))
}

/// Every arc's weight under a request's pricing and constraints (infinite when unusable).
pub(crate) fn arc_weights(
    net: &Network,
    graph: &Graph,
    pricing: &Pricing,
    c: &Constraints,
) -> Vec<f64> {
    (0..graph.arcs.len())
        .map(|i| {
            if usable(net, graph, c, i) {
                pricing.arc_weight(&graph.arcs[i])
            } else {
                f64::INFINITY
            }
        })
        .collect()
}

/// A key for the weights `arc_weights` would give: a hash of the tables they come from.
pub(crate) fn metric_key(pricing: &Pricing, c: &Constraints) -> u64 {
    let mut h = DefaultHasher::new();
    pricing.hash_tables(&mut h);
    c.class_allowed.hash(&mut h);
    c.bcp_blocked.hash(&mut h);
    c.terminal_blocked.hash(&mut h);
    c.avoid_countries.hash(&mut h);
    c.first_gated_link.hash(&mut h);
    c.link_open.hash(&mut h);
    h.finish()
}
