//! Many-to-many: one backward search per target leaves (target, weight, attributes) in a
//! bucket at every node it reaches; one forward search per source then scans the buckets of
//! the nodes it reaches (Knopp et al. 2007 on a hierarchy). Both phases run in parallel.

use rayon::prelude::*;

use crate::customize::Metric;
use crate::query::{EdgeAttrs, Seed, Side};
use crate::topology::Cch;

/// The best weight from a source to a target and the attributes summed along that path;
/// `weight` is infinite when the target cannot be reached.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cell<const K: usize> {
    pub weight: f64,
    pub attrs: [f64; K],
}

/// The weights (and attributes) from every source to every target, row-major by source.
/// Each source and target is a set of seeds (a place reached by several modes).
pub fn many_to_many<const K: usize>(
    cch: &Cch,
    metric: &Metric,
    edge_attrs: &EdgeAttrs<K>,
    sources: &[Vec<Seed<K>>],
    targets: &[Vec<Seed<K>>],
) -> Vec<Cell<K>> {
    many_to_many_with_progress(cch, metric, edge_attrs, sources, targets, &|_| {})
}

/// `many_to_many`, calling `progress(k)` as each batch of `k` searches (one per target,
/// then one per source) ends, from whichever thread ran them.
pub fn many_to_many_with_progress<const K: usize>(
    cch: &Cch,
    metric: &Metric,
    edge_attrs: &EdgeAttrs<K>,
    sources: &[Vec<Seed<K>>],
    targets: &[Vec<Seed<K>>],
    progress: &(dyn Fn(u64) + Sync),
) -> Vec<Cell<K>> {
    let n = cch.node_count();
    // Backward searches, in parallel chunks, each thread with its own memory.
    let entries: Vec<(u32, u32, f64, [f64; K])> = targets
        .par_iter()
        .enumerate()
        .map_init(
            || Side::<K>::new(n),
            |side, (t, seeds)| {
                side.run(cch, metric, seeds, false, Some(edge_attrs));
                progress(1);
                side.visited
                    .iter()
                    .filter(|&&x| side.dist[x as usize] < f64::INFINITY)
                    .map(|&x| (x, t as u32, side.dist[x as usize], side.attrs[x as usize]))
                    .collect::<Vec<_>>()
            },
        )
        .flatten()
        .collect();
    let mut first = vec![0u32; n + 1];
    for e in &entries {
        first[e.0 as usize + 1] += 1;
    }
    for i in 0..n {
        first[i + 1] += first[i];
    }
    let mut fill = first.clone();
    let mut bucket: Vec<(u32, f64, [f64; K])> = vec![(0, 0.0, [0.0; K]); entries.len()];
    for (x, t, d, a) in entries {
        bucket[fill[x as usize] as usize] = (t, d, a);
        fill[x as usize] += 1;
    }
    let cols = targets.len();
    sources
        .par_iter()
        .map_init(
            || Side::<K>::new(n),
            |side, seeds| {
                let mut row = vec![
                    Cell {
                        weight: f64::INFINITY,
                        attrs: [0.0; K],
                    };
                    cols
                ];
                side.run(cch, metric, seeds, true, Some(edge_attrs));
                progress(1);
                for &x in &side.visited {
                    let d = side.dist[x as usize];
                    if d == f64::INFINITY {
                        continue;
                    }
                    let fa = side.attrs[x as usize];
                    for &(t, bd, ba) in
                        &bucket[first[x as usize] as usize..first[x as usize + 1] as usize]
                    {
                        let w = d + bd;
                        let cell = &mut row[t as usize];
                        if w < cell.weight {
                            cell.weight = w;
                            for k in 0..K {
                                cell.attrs[k] = fa[k] + ba[k];
                            }
                        }
                    }
                }
                row
            },
        )
        .flatten()
        .collect()
}

/// Weights (and attributes) from a set of seeds to every node, indexed by node: an upward
/// search, then one sweep down the ranks (PHAST, Delling et al. 2011). Unreachable nodes have
/// an infinite weight.
pub fn one_to_all<const K: usize>(
    cch: &Cch,
    metric: &Metric,
    edge_attrs: &EdgeAttrs<K>,
    seeds: &[Seed<K>],
) -> Vec<Cell<K>> {
    let n = cch.node_count();
    let mut side = Side::<K>::new(n);
    side.run(cch, metric, seeds, true, Some(edge_attrs));
    let mut by_rank = vec![
        Cell {
            weight: f64::INFINITY,
            attrs: [0.0; K],
        };
        n
    ];
    for &x in &side.visited {
        by_rank[x as usize] = Cell {
            weight: side.dist[x as usize],
            attrs: side.attrs[x as usize],
        };
    }
    for r in (0..n).rev() {
        let mut best = by_rank[r];
        for e in cch.up_range(r as u32) {
            let h = by_rank[cch.up_head[e] as usize];
            let w = h.weight + metric.down[e];
            if w < best.weight {
                best.weight = w;
                for k in 0..K {
                    best.attrs[k] = h.attrs[k] + edge_attrs.down[e][k];
                }
            }
        }
        by_rank[r] = best;
    }
    (0..n).map(|v| by_rank[cch.rank[v] as usize]).collect()
}

/// The weight from every node to the nearest of `targets` (each with the weight still due
/// from it), indexed by node: a backward search up from the targets, then one sweep down the
/// ranks (backward PHAST). Unreachable nodes have an infinite weight. Exact distances to the
/// target make the best A* potential for any metric that is nowhere lighter than this one
/// (Strasser and Zeitz's CH potentials).
pub fn all_to_targets(cch: &Cch, metric: &Metric, targets: &[(u32, f64)]) -> Vec<f64> {
    let n = cch.node_count();
    let seeds: Vec<Seed<0>> = targets
        .iter()
        .map(|&(node, weight)| Seed {
            node,
            weight,
            attrs: [],
        })
        .collect();
    let mut side = Side::<0>::new(n);
    side.run(cch, metric, &seeds, false, None);
    let mut by_rank = vec![f64::INFINITY; n];
    for &x in &side.visited {
        by_rank[x as usize] = side.dist[x as usize];
    }
    for r in (0..n).rev() {
        let mut best = by_rank[r];
        for e in cch.up_range(r as u32) {
            let w = by_rank[cch.up_head[e] as usize] + metric.up[e];
            if w < best {
                best = w;
            }
        }
        by_rank[r] = best;
    }
    (0..n).map(|v| by_rank[cch.rank[v] as usize]).collect()
}
