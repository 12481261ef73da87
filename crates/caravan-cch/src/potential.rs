//! CH potentials (Strasser and Zeitz, "Faster and simpler A* with contraction hierarchy
//! potentials", 2021): the exact weight from a node to a set of targets under a customized
//! metric, computed lazily for just the nodes an A* search touches. The best A* potential for
//! any metric that is nowhere lighter than this one (a scenario or variant that only closes
//! or slows things down): consistent, and exact where nothing changed.
//!
//! One backward search from the targets climbs the elimination tree; the weight from `v` is
//! then the least of that search's weight at `v` and, over the upward edges `v -> h`, the
//! edge's weight plus the weight from `h`. Every upper neighbour is an ancestor, so a node's
//! weight needs only its ancestors': memoized nodes always form an ancestor-closed set.

use crate::customize::Metric;
use crate::query::{Seed, Side};
use crate::topology::{Cch, NONE};

/// Reusable memory for `TargetPotential` (generation stamps, no clearing between uses).
#[derive(Clone, Debug)]
pub struct PotentialMemory {
    back: Side<0>,
    memo: Vec<f64>,
    stamp: Vec<u32>,
    generation: u32,
    chain: Vec<u32>,
}

impl PotentialMemory {
    pub fn new(cch: &Cch) -> PotentialMemory {
        let n = cch.node_count();
        PotentialMemory {
            back: Side::new(n),
            memo: vec![f64::INFINITY; n],
            stamp: vec![0; n],
            generation: 0,
            chain: Vec::new(),
        }
    }
}

/// Exact weights to a set of targets, evaluated on demand.
pub struct TargetPotential<'a> {
    cch: &'a Cch,
    metric: &'a Metric,
    mem: &'a mut PotentialMemory,
}

impl<'a> TargetPotential<'a> {
    /// Prepares the weights to `targets` (node, weight still due from it) under `metric`.
    pub fn new(
        cch: &'a Cch,
        metric: &'a Metric,
        targets: &[(u32, f64)],
        mem: &'a mut PotentialMemory,
    ) -> TargetPotential<'a> {
        let seeds: Vec<Seed<0>> = targets
            .iter()
            .map(|&(node, weight)| Seed {
                node,
                weight,
                attrs: [],
            })
            .collect();
        mem.back.run(cch, metric, &seeds, false, None);
        mem.generation = mem.generation.wrapping_add(1);
        if mem.generation == 0 {
            mem.stamp.iter_mut().for_each(|s| *s = 0);
            mem.generation = 1;
        }
        TargetPotential { cch, metric, mem }
    }

    /// The least weight from `node` to the targets (infinite when none can be reached).
    pub fn get(&mut self, node: u32) -> f64 {
        let cch = self.cch;
        let m = &mut *self.mem;
        let mut r = cch.rank[node as usize];
        m.chain.clear();
        while r != NONE && m.stamp[r as usize] != m.generation {
            m.chain.push(r);
            r = cch.parent[r as usize];
        }
        // Top down, so every upper neighbour is known before the node below it.
        while let Some(x) = m.chain.pop() {
            let mut best = m.back.weight_at(x);
            for e in cch.up_range(x) {
                let w = self.metric.up[e] + m.memo[cch.up_head[e] as usize];
                if w < best {
                    best = w;
                }
            }
            m.memo[x as usize] = best;
            m.stamp[x as usize] = m.generation;
        }
        m.memo[cch.rank[node as usize] as usize]
    }
}
