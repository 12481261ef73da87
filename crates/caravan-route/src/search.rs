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

/// Reusable search memory; a generation stamp avoids clearing the arrays between queries.
pub(crate) struct Workspace {
    dist: Vec<f64>,
    parent_arc: Vec<u32>,
    stamp: Vec<u32>,
    settled: Vec<u32>,
    generation: u32,
    heap: BinaryHeap<Entry>,
    pub settled_count: usize,
}

const NONE: u32 = u32::MAX;

impl Workspace {
    pub fn new(n: usize) -> Workspace {
        Workspace {
            dist: vec![f64::INFINITY; n],
            parent_arc: vec![NONE; n],
            stamp: vec![0; n],
            settled: vec![0; n],
            generation: 0,
            heap: BinaryHeap::new(),
            settled_count: 0,
        }
    }

    fn reset(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamp.fill(0);
            self.settled.fill(0);
            self.generation = 1;
        }
        self.heap.clear();
        self.settled_count = 0;
    }

    fn dist(&self, v: u32) -> f64 {
        if self.stamp[v as usize] == self.generation {
            self.dist[v as usize]
        } else {
            f64::INFINITY
        }
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
}

fn blocked_country(avoid: &[Country], c: Country) -> bool {
    !avoid.is_empty() && avoid.contains(&c)
}

impl Query<'_> {
    fn potential(&self, v: u32, slope: f64) -> f64 {
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
        let slope = self.pricing.min_weight_per_km(&c.class_allowed);
        let gen = ws.generation;
        for s in self.sources {
            if s.weight < ws.dist(s.node) {
                ws.dist[s.node as usize] = s.weight;
                ws.stamp[s.node as usize] = gen;
                ws.parent_arc[s.node as usize] = NONE;
                ws.heap.push(Entry {
                    key: s.weight + self.potential(s.node, slope),
                    node: s.node,
                });
            }
        }
        let mut best: Option<(f64, Endpoint)> = None;
        while let Some(Entry { key, node }) = ws.heap.pop() {
            if best.is_some_and(|(w, _)| key >= w) {
                break;
            }
            if ws.settled[node as usize] == gen {
                continue;
            }
            ws.settled[node as usize] = gen;
            ws.settled_count += 1;
            let d = ws.dist[node as usize];
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
                if ws.settled[head as usize] == gen {
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
                if blocked_country(&c.avoid_countries, self.net.nodes[head as usize].country) {
                    continue;
                }
                let w = self.pricing.weight(&self.pricing.arc_parts(arc));
                let nd = d + w;
                if nd < ws.dist(head) {
                    ws.dist[head as usize] = nd;
                    ws.stamp[head as usize] = gen;
                    ws.parent_arc[head as usize] = ai as u32;
                    ws.heap.push(Entry {
                        key: nd + self.potential(head, slope),
                        node: head,
                    });
                }
            }
        }
        let (weight, sink) = best?;
        let mut arcs = Vec::new();
        let mut v = sink.node;
        while ws.parent_arc[v as usize] != NONE {
            let a = ws.parent_arc[v as usize];
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
