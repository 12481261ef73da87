//! Multi-source, multi-target A* over the routing graph with per-request weights.
//!
//! The potential is the great-circle chord from a node to the destination (less the largest
//! egress snap distance) times the cheapest weight per km of any allowed class. Link lengths are
//! never shorter than the chord between their ends and transfers pay at least their drayage,
//! so the potential is consistent and the first time the sink is settled the route is optimal.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use caravan_net::geo::EARTH_RADIUS_KM;
use caravan_net::{Country, Network};

use crate::costing::{Constraints, Pricing};
use crate::graph::{ArcKind, Graph};

/// A starting or ending point of the search, with its access/egress weight.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Endpoint {
    pub node: u32,
    pub weight: f64,
    /// Index into the caller's access list, to know how the route starts or ends.
    pub tag: usize,
}

#[derive(Clone, Copy)]
struct Entry {
    key: f64,
    node: u32,
}

impl PartialEq for Entry {
    fn eq(&self, o: &Self) -> bool {
        self.key == o.key
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Entry {
    fn cmp(&self, o: &Self) -> Ordering {
        o.key.total_cmp(&self.key).then(o.node.cmp(&self.node))
    }
}

/// Per-node search state, kept together so that a relaxation touches one cache line.
#[derive(Clone, Copy)]
struct NodeState {
    dist: f64,
    parent_arc: u32,
    /// `2 * generation` when reached in this search, `2 * generation + 1` once settled.
    mark: u32,
}

/// Reusable search memory; a generation stamp avoids clearing the arrays between queries.
pub(crate) struct Workspace {
    state: Vec<NodeState>,
    generation: u32,
    heap: BinaryHeap<Entry>,
    pub settled_count: usize,
}

const NONE: u32 = u32::MAX;

impl Workspace {
    pub fn new(n: usize) -> Workspace {
        Workspace {
            state: vec![
                NodeState {
                    dist: f64::INFINITY,
                    parent_arc: NONE,
                    mark: 0,
                };
                n
            ],
            generation: 0,
            heap: BinaryHeap::new(),
            settled_count: 0,
        }
    }

    fn reset(&mut self) {
        self.generation += 1;
        if self.generation >= u32::MAX / 2 {
            self.state.iter_mut().for_each(|s| s.mark = 0);
            self.generation = 1;
        }
        self.heap.clear();
        self.settled_count = 0;
    }

    fn reached(&self, v: u32) -> f64 {
        let s = &self.state[v as usize];
        if s.mark >> 1 == self.generation {
            s.dist
        } else {
            f64::INFINITY
        }
    }

    fn settled(&self, v: u32) -> bool {
        self.state[v as usize].mark == self.generation * 2 + 1
    }

    fn set(&mut self, v: u32, dist: f64, parent_arc: u32) {
        self.state[v as usize] = NodeState {
            dist,
            parent_arc,
            mark: self.generation * 2,
        };
    }
}

/// The arcs of the best route, in order, and where it starts and ends.
pub(crate) struct Found {
    pub arcs: Vec<u32>,
    pub source: Endpoint,
    pub sink: Endpoint,
    pub weight: f64,
}

pub(crate) struct Query<'a> {
    pub net: &'a Network,
    pub graph: &'a Graph,
    pub pricing: &'a Pricing,
    pub constraints: &'a Constraints,
    pub sources: &'a [Endpoint],
    pub sinks: &'a [Endpoint],
    /// Destination point for the potential, as unit-sphere xyz, and the largest egress snap.
    pub target_xyz: [f64; 3],
    pub target_slack_km: f64,
    /// A* when true, plain Dijkstra when false (for checking the potential).
    pub use_potential: bool,
    /// Exact weights to the sinks under a metric nowhere heavier than this search's (CH
    /// potentials from the hierarchy), used instead of the great-circle bound: consistent,
    /// and so close that a search for an alternative settles little more than its path.
    pub exact_potential: Option<&'a dyn Fn(u32) -> f64>,
    /// Checked every `CANCEL_CHECK_POPS` pops; a cancelled search finds nothing.
    pub cancel: Option<&'a crate::CancelToken>,
}

/// Heap pops between two looks at the cancellation flag: a few hundred microseconds of work,
/// and a relaxed atomic load is free next to that.
const CANCEL_CHECK_POPS: usize = 4096;

fn blocked_country(avoid: &[Country], c: Country) -> bool {
    avoid.contains(&c)
}

impl Query<'_> {
    fn potential(&self, v: u32, slope: f64) -> f64 {
        if let Some(exact) = self.exact_potential {
            return exact(v);
        }
        if slope == 0.0 {
            return 0.0;
        }
        let p = self.graph.xyz[v as usize];
        let d2 = (p[0] as f64 - self.target_xyz[0]).powi(2)
            + (p[1] as f64 - self.target_xyz[1]).powi(2)
            + (p[2] as f64 - self.target_xyz[2]).powi(2);
        // The chord is shorter than the arc; f32 coordinates lose ~1 m, covered by 0.999.
        let km = d2.sqrt() * EARTH_RADIUS_KM * 0.999 - self.target_slack_km;
        km.max(0.0) * slope
    }

    pub fn run(&self, ws: &mut Workspace) -> Option<Found> {
        ws.reset();
        let g = self.graph;
        let c = self.constraints;
        let slope = if self.use_potential {
            self.pricing.min_weight_per_km(&c.class_allowed)
        } else {
            0.0
        };
        for s in self.sources {
            let key = s.weight + self.potential(s.node, slope);
            // An infinite potential: the sinks cannot be reached from there.
            if s.weight < ws.reached(s.node) && key < f64::INFINITY {
                ws.set(s.node, s.weight, NONE);
                ws.heap.push(Entry { key, node: s.node });
            }
        }
        let mut best: Option<(f64, Endpoint)> = None;
        let mut pops = 0usize;
        while let Some(Entry { key, node }) = ws.heap.pop() {
            if best.is_some_and(|(w, _)| key >= w) {
                break;
            }
            if pops % CANCEL_CHECK_POPS == 0 && self.cancel.is_some_and(|c| c.is_cancelled()) {
                return None;
            }
            pops += 1;
            if ws.settled(node) {
                continue;
            }
            ws.state[node as usize].mark += 1;
            ws.settled_count += 1;
            let d = ws.state[node as usize].dist;
            for sink in self.sinks.iter().filter(|s| s.node == node) {
                if best.is_none_or(|(w, _)| d + sink.weight < w) {
                    best = Some((d + sink.weight, *sink));
                }
            }
            for ai in g.out_arcs(node) {
                let arc = &g.arcs[ai];
                if !c.class_allowed[arc.class.index()]
                    && !matches!(arc.kind, ArcKind::Transfer { .. })
                {
                    continue;
                }
                let head = arc.head;
                if ws.settled(head) || !c.link_on(arc.link) {
                    continue;
                }
                match arc.kind {
                    ArcKind::Border { bcp, .. } if c.bcp_blocked[bcp as usize] => continue,
                    ArcKind::Transfer { terminal } => {
                        let layer = self.net.nodes[head as usize].layer;
                        let layer_ok = c.class_allowed.iter().enumerate().any(|(ci, ok)| {
                            *ok && caravan_net::LinkClass::ALL[ci].layer() == layer
                        });
                        if c.terminal_blocked[terminal as usize] || !layer_ok {
                            continue;
                        }
                    }
                    _ => {}
                }
                if !c.avoid_countries.is_empty()
                    && blocked_country(&c.avoid_countries, self.net.nodes[head as usize].country)
                {
                    continue;
                }
                let w = self.pricing.arc_weight(arc);
                let nd = d + w;
                if nd < ws.reached(head) {
                    let key = nd + self.potential(head, slope);
                    if key < f64::INFINITY {
                        ws.set(head, nd, ai as u32);
                        ws.heap.push(Entry { key, node: head });
                    }
                }
            }
        }
        let (weight, sink) = best?;
        let mut arcs = Vec::new();
        let mut v = sink.node;
        while ws.state[v as usize].parent_arc != NONE {
            let a = ws.state[v as usize].parent_arc;
            arcs.push(a);
            v = g.tails[a as usize];
        }
        arcs.reverse();
        let source = *self
            .sources
            .iter()
            .filter(|s| s.node == v)
            .min_by(|a, b| a.weight.total_cmp(&b.weight))?;
        Some(Found {
            arcs,
            source,
            sink,
            weight,
        })
    }
}
