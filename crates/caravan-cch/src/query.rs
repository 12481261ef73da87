//! Queries on a customized hierarchy: both searches climb the elimination tree from their
//! seeds (every upper neighbour of a node is one of its ancestors), so a search touches only
//! the ancestors of its seeds, in rank order, with no priority queue.

use crate::customize::{Metric, ARC_BIT};
use crate::topology::{Cch, NONE};

/// A starting (or ending) node with the weight already spent to reach (or leave) it, and
/// additive attributes carried along (e.g. hours, USD, km, kg CO2e).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Seed<const K: usize> {
    pub node: u32,
    pub weight: f64,
    pub attrs: [f64; K],
}

/// One direction's search memory, reused across queries (generation stamps, no clearing).
#[derive(Clone, Debug)]
pub(crate) struct Side<const K: usize> {
    pub dist: Vec<f64>,
    pub attrs: Vec<[f64; K]>,
    pub parent: Vec<u32>,
    stamp: Vec<u32>,
    generation: u32,
    /// Ranks reached in this search, ascending after `run`.
    pub visited: Vec<u32>,
}

impl<const K: usize> Side<K> {
    pub fn new(n: usize) -> Self {
        Side {
            dist: vec![f64::INFINITY; n],
            attrs: vec![[0.0; K]; n],
            parent: vec![NONE; n],
            stamp: vec![0; n],
            generation: 0,
            visited: Vec::new(),
        }
    }

    /// Relaxes the upward graph from the seeds: `upward` uses lower-to-upper weights (a
    /// forward search), otherwise upper-to-lower ones (a backward search towards targets).
    /// `edge_attrs` (per edge, per direction) are summed along when given.
    pub fn run(
        &mut self,
        cch: &Cch,
        metric: &Metric,
        seeds: &[Seed<K>],
        upward: bool,
        edge_attrs: Option<&EdgeAttrs<K>>,
    ) {
        self.init(cch, seeds);
        for i in 0..self.visited.len() {
            let x = self.visited[i];
            self.relax_from(cch, metric, x, upward, edge_attrs);
        }
    }

    /// The weight this search gave rank `x` (infinite when it did not reach it).
    pub fn weight_at(&self, x: u32) -> f64 {
        if self.stamp[x as usize] == self.generation {
            self.dist[x as usize]
        } else {
            f64::INFINITY
        }
    }

    /// Marks the seeds' ancestors (every node the search can reach), ascending in `visited`,
    /// and sets the seeds' own weights.
    pub fn init(&mut self, cch: &Cch, seeds: &[Seed<K>]) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.generation = 1;
        }
        self.visited.clear();
        for s in seeds {
            let mut r = cch.rank[s.node as usize];
            while r != NONE && self.stamp[r as usize] != self.generation {
                self.stamp[r as usize] = self.generation;
                self.dist[r as usize] = f64::INFINITY;
                self.parent[r as usize] = NONE;
                self.visited.push(r);
                r = cch.parent[r as usize];
            }
        }
        for s in seeds {
            let r = cch.rank[s.node as usize] as usize;
            if s.weight < self.dist[r] {
                self.dist[r] = s.weight;
                self.attrs[r] = s.attrs;
            }
        }
        self.visited.sort_unstable();
    }

    /// Relaxes the upward edges of `x` (whose weight is final: every lower neighbour that can
    /// improve it has been relaxed).
    #[inline]
    pub fn relax_from(
        &mut self,
        cch: &Cch,
        metric: &Metric,
        x: u32,
        upward: bool,
        edge_attrs: Option<&EdgeAttrs<K>>,
    ) {
        let d = self.dist[x as usize];
        if d == f64::INFINITY {
            return;
        }
        let weights = if upward { &metric.up } else { &metric.down };
        for e in cch.up_range(x) {
            let h = cch.up_head[e] as usize;
            let nd = d + weights[e];
            if nd < self.dist[h] {
                self.dist[h] = nd;
                self.parent[h] = e as u32;
                if let Some(ea) = edge_attrs {
                    let add = if upward { &ea.up[e] } else { &ea.down[e] };
                    let mut a = self.attrs[x as usize];
                    for k in 0..K {
                        a[k] += add[k];
                    }
                    self.attrs[h] = a;
                }
            }
        }
    }
}

/// A best path: its weight, the input arcs in travel order, and the nodes it starts and ends at.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    pub weight: f64,
    pub arcs: Vec<u32>,
    pub first_node: u32,
    pub last_node: u32,
}

/// Reusable memory for point-to-point queries (one per thread).
pub struct Query {
    fwd: Side<0>,
    bwd: Side<0>,
}

impl Query {
    pub fn new(cch: &Cch) -> Query {
        Query {
            fwd: Side::new(cch.node_count()),
            bwd: Side::new(cch.node_count()),
        }
    }

    /// The least-weight path from any source to any target, each with its own start or end
    /// weight (`(node, weight)`); `None` when no target is reachable.
    pub fn path(
        &mut self,
        cch: &Cch,
        metric: &Metric,
        sources: &[(u32, f64)],
        targets: &[(u32, f64)],
    ) -> Option<Path> {
        let seeds = |v: &[(u32, f64)]| -> Vec<Seed<0>> {
            v.iter()
                .map(|&(node, weight)| Seed {
                    node,
                    weight,
                    attrs: [],
                })
                .collect()
        };
        self.fwd.init(cch, &seeds(sources));
        self.bwd.init(cch, &seeds(targets));
        // Both ancestor sets, merged in ascending rank: a node's weight is final when it is
        // reached, so the best meeting so far prunes every relaxation that cannot beat it
        // (weights are never negative) — most of the work near the top of the tree.
        let mut best = (f64::INFINITY, NONE);
        let (mut i, mut j) = (0usize, 0usize);
        let (nf, nb) = (self.fwd.visited.len(), self.bwd.visited.len());
        while i < nf || j < nb {
            let xf = if i < nf {
                self.fwd.visited[i]
            } else {
                u32::MAX
            };
            let xb = if j < nb {
                self.bwd.visited[j]
            } else {
                u32::MAX
            };
            let x = xf.min(xb);
            let (in_f, in_b) = (xf == x, xb == x);
            if in_f && in_b {
                let d = self.fwd.dist[x as usize] + self.bwd.dist[x as usize];
                if d < best.0 {
                    best = (d, x);
                }
            }
            if in_f {
                if self.fwd.dist[x as usize] < best.0 {
                    self.fwd.relax_from(cch, metric, x, true, None);
                }
                i += 1;
            }
            if in_b {
                if self.bwd.dist[x as usize] < best.0 {
                    self.bwd.relax_from(cch, metric, x, false, None);
                }
                j += 1;
            }
        }
        let (weight, meet) = best;
        if meet == NONE {
            return None;
        }
        let mut climbs = Vec::new();
        let mut x = meet;
        while self.fwd.parent[x as usize] != NONE {
            let e = self.fwd.parent[x as usize];
            climbs.push((e, true));
            x = cch.up_tail[e as usize];
        }
        let first_node = cch.order[x as usize];
        climbs.reverse();
        x = meet;
        while self.bwd.parent[x as usize] != NONE {
            let e = self.bwd.parent[x as usize];
            climbs.push((e, false));
            x = cch.up_tail[e as usize];
        }
        let last_node = cch.order[x as usize];
        let mut arcs = Vec::new();
        for (e, upward) in climbs {
            unpack(cch, metric, e, upward, &mut arcs);
        }
        Some(Path {
            weight,
            arcs,
            first_node,
            last_node,
        })
    }
}

/// Appends the input arcs of edge `e` in direction `upward`, in travel order.
pub(crate) fn unpack(cch: &Cch, metric: &Metric, e: u32, upward: bool, out: &mut Vec<u32>) {
    let mut stack = vec![(e, upward)];
    while let Some((e, upward)) = stack.pop() {
        let via = metric.via(e, upward);
        if via & ARC_BIT != 0 {
            out.push(via & !ARC_BIT);
            continue;
        }
        debug_assert_ne!(via, NONE, "an edge on a finite path has a way to be made");
        let (u, v) = (cch.up_tail[e as usize], cch.up_head[e as usize]);
        let (Some(e_wu), Some(e_wv)) = (cch.edge(via, u), cch.edge(via, v)) else {
            continue;
        };
        // Upward u -> w -> v; downward v -> w -> u. Pushed in reverse travel order.
        if upward {
            stack.push((e_wv, true));
            stack.push((e_wu, false));
        } else {
            stack.push((e_wu, true));
            stack.push((e_wv, false));
        }
    }
}

/// Additive attributes per edge and direction, summed over the input arcs each weight is made of.
#[derive(Clone, Debug)]
pub struct EdgeAttrs<const K: usize> {
    pub(crate) up: Vec<[f64; K]>,
    pub(crate) down: Vec<[f64; K]>,
}

impl<const K: usize> EdgeAttrs<K> {
    /// Attributes of every edge for a customized metric, from per-input-arc attributes.
    pub fn new(cch: &Cch, metric: &Metric, arc_attrs: &[[f64; K]]) -> EdgeAttrs<K> {
        let m = cch.edge_count();
        let mut ea = EdgeAttrs {
            up: vec![[0.0; K]; m],
            down: vec![[0.0; K]; m],
        };
        // Edge ids ascend with the lower end, and a shortcut is made of edges whose lower end
        // is its middle node, lower still: one ascending pass sees every part first.
        for e in 0..m {
            for upward in [true, false] {
                let via = metric.via(e as u32, upward);
                let value = if via == NONE {
                    [0.0; K]
                } else if via & ARC_BIT != 0 {
                    arc_attrs[(via & !ARC_BIT) as usize]
                } else {
                    let (u, v) = (cch.up_tail[e], cch.up_head[e]);
                    match (cch.edge(via, u), cch.edge(via, v)) {
                        (Some(e_wu), Some(e_wv)) => {
                            let (a, b) = if upward {
                                (ea.down[e_wu as usize], ea.up[e_wv as usize])
                            } else {
                                (ea.down[e_wv as usize], ea.up[e_wu as usize])
                            };
                            let mut s = a;
                            for k in 0..K {
                                s[k] += b[k];
                            }
                            s
                        }
                        _ => [0.0; K],
                    }
                };
                if upward {
                    ea.up[e] = value;
                } else {
                    ea.down[e] = value;
                }
            }
        }
        ea
    }
}
