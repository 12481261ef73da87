//! Customization: the weights of every upward edge in both directions for one metric, from
//! the input arcs and the lower triangles, plus how each weight is made (an input arc or a
//! middle node) so that paths unpack to input arcs.
//!
//! The pass is the "pull" form: the edges leaving a node are finished from the triangles below
//! them, so nodes at the same height of the elimination tree are independent and run in
//! parallel.

use rayon::prelude::*;

use crate::topology::{Cch, NONE};

/// `via` values with this bit set name an input arc; others name the middle node's rank.
pub(crate) const ARC_BIT: u32 = 0x8000_0000;

/// One metric customized on a hierarchy.
#[derive(Clone, Debug, PartialEq)]
pub struct Metric {
    /// Per edge: the weight from the lower end to the upper end, and back.
    pub(crate) up: Vec<f64>,
    pub(crate) down: Vec<f64>,
    pub(crate) up_via: Vec<u32>,
    pub(crate) down_via: Vec<u32>,
}

impl Metric {
    /// Customizes `cch` for input-arc weights (`f64::INFINITY` closes an arc; weights must not
    /// be negative or NaN).
    pub fn customize(cch: &Cch, arc_weights: &[f64]) -> Metric {
        assert_eq!(
            arc_weights.len(),
            cch.arc_count(),
            "one weight per input arc"
        );
        let m = cch.edge_count();
        let mut metric = Metric {
            up: vec![f64::INFINITY; m],
            down: vec![f64::INFINITY; m],
            up_via: vec![NONE; m],
            down_via: vec![NONE; m],
        };
        for (a, (&e, &w)) in cch.arc_edge.iter().zip(arc_weights).enumerate() {
            if e != NONE {
                metric.offer_arc(cch, e, a as u32, w);
            }
        }
        for level in levels(cch) {
            metric.pull_level(cch, &level);
        }
        metric
    }

    /// Re-customizes after some input arcs changed weight: only the edges those arcs lie on
    /// and what is built from them are recomputed, and propagation stops where nothing moved.
    pub fn recustomize(&self, cch: &Cch, arc_weights: &[f64], changed_arcs: &[u32]) -> Metric {
        let mut metric = self.clone();
        let mut heap = std::collections::BinaryHeap::new();
        let mut queued = vec![false; cch.node_count()];
        for &a in changed_arcs {
            let e = cch.arc_edge[a as usize];
            if e != NONE {
                let u = cch.up_tail[e as usize];
                if !queued[u as usize] {
                    queued[u as usize] = true;
                    heap.push(std::cmp::Reverse(u));
                }
            }
        }
        let mut buf = Vec::new();
        while let Some(std::cmp::Reverse(u)) = heap.pop() {
            let range = cch.up_range(u);
            buf.clear();
            buf.extend(range.clone().map(|e| (metric.up[e], metric.down[e])));
            for e in range.clone() {
                metric.up[e] = f64::INFINITY;
                metric.down[e] = f64::INFINITY;
                metric.up_via[e] = NONE;
                metric.down_via[e] = NONE;
                for &a in arcs_of(cch, e) {
                    metric.offer_arc(cch, e as u32, a, arc_weights[a as usize]);
                }
            }
            let start = range.start;
            metric.pull_level(cch, &[u]);
            let moved = range
                .clone()
                .any(|e| (metric.up[e], metric.down[e]) != buf[e - start]);
            if moved {
                // Every triangle with `u` as its lowest node feeds an edge between two of u's
                // upper neighbours, whose lower end is the tail to redo.
                let heads = &cch.up_head[range];
                for &v in heads.iter().take(heads.len().saturating_sub(1)) {
                    if !queued[v as usize] {
                        queued[v as usize] = true;
                        heap.push(std::cmp::Reverse(v));
                    }
                }
            }
        }
        metric
    }

    fn offer_arc(&mut self, cch: &Cch, e: u32, arc: u32, w: f64) {
        let e = e as usize;
        if cch.arc_up[arc as usize] {
            if w < self.up[e] {
                self.up[e] = w;
                self.up_via[e] = ARC_BIT | arc;
            }
        } else if w < self.down[e] {
            self.down[e] = w;
            self.down_via[e] = ARC_BIT | arc;
        }
    }

    fn pull_level(&mut self, cch: &Cch, level: &[u32]) {
        let out = EdgeWriter {
            up: self.up.as_mut_ptr(),
            down: self.down.as_mut_ptr(),
            up_via: self.up_via.as_mut_ptr(),
            down_via: self.down_via.as_mut_ptr(),
        };
        let work = |&u: &u32| {
            // SAFETY: `pull_node` writes only the edges whose lower end is `u` (one contiguous
            // range per node, disjoint between nodes) and reads only edges whose lower end is a
            // descendant of `u`, which lie in earlier levels and are not written now.
            unsafe { pull_node(cch, u, &out) }
        };
        if level.len() >= 64 {
            level.par_iter().for_each(work);
        } else {
            level.iter().for_each(work);
        }
    }

    pub(crate) fn via(&self, e: u32, upward: bool) -> u32 {
        if upward {
            self.up_via[e as usize]
        } else {
            self.down_via[e as usize]
        }
    }
}

fn arcs_of(cch: &Cch, e: usize) -> &[u32] {
    &cch.arcs_by_edge[cch.first_arc_of_edge[e] as usize..cch.first_arc_of_edge[e + 1] as usize]
}

/// Raw output pointers for the parallel pass (see the safety note in `pull_level`).
struct EdgeWriter {
    up: *mut f64,
    down: *mut f64,
    up_via: *mut u32,
    down_via: *mut u32,
}
// SAFETY: shared between threads that write disjoint ranges only.
unsafe impl Sync for EdgeWriter {}

/// Finishes the edges leaving `u` from their input-arc values (already in place) and every
/// lower triangle `w < u < v`, writing through `out`.
///
/// # Safety
/// No other thread may touch the edges leaving `u` or the edges below it, and `out` points at
/// arrays of `cch.edge_count()` elements.
unsafe fn pull_node(cch: &Cch, u: u32, out: &EdgeWriter) {
    let range = cch.up_range(u);
    let start = range.start;
    let u_heads = &cch.up_head[range];
    let (up, down, up_via, down_via) = (
        out.up.add(start),
        out.down.add(start),
        out.up_via.add(start),
        out.down_via.add(start),
    );
    let read = |p: *const f64, e: usize| *p.add(e);
    let (all_up, all_down) = (out.up as *const f64, out.down as *const f64);
    for d in cch.down_range(u) {
        let w = cch.down_tail[d];
        let e_wu = cch.down_edge[d] as usize;
        let (u_to_w, w_to_u) = (read(all_down, e_wu), read(all_up, e_wu));
        if u_to_w == f64::INFINITY && w_to_u == f64::INFINITY {
            continue;
        }
        // w's upper neighbours above u, merged against u's (all of them are u's neighbours).
        let mut k = 0usize;
        for e_wv in e_wu + 1..cch.first_up[w as usize + 1] as usize {
            let v = cch.up_head[e_wv];
            while u_heads[k] < v {
                k += 1;
            }
            let via_up = u_to_w + read(all_up, e_wv);
            if via_up < *up.add(k) {
                *up.add(k) = via_up;
                *up_via.add(k) = w;
            }
            let via_down = read(all_down, e_wv) + w_to_u;
            if via_down < *down.add(k) {
                *down.add(k) = via_down;
                *down_via.add(k) = w;
            }
        }
    }
}

/// Ranks grouped by height in the elimination tree, leaves first: a node's triangles only
/// involve its descendants, which sit in lower groups.
pub(crate) fn levels(cch: &Cch) -> Vec<Vec<u32>> {
    let n = cch.node_count();
    let mut height = vec![0u32; n];
    for r in 0..n {
        let p = cch.parent[r];
        if p != NONE {
            height[p as usize] = height[p as usize].max(height[r] + 1);
        }
    }
    let max = height.iter().copied().max().unwrap_or(0) as usize;
    let mut out = vec![Vec::new(); if n == 0 { 0 } else { max + 1 }];
    for (r, &h) in height.iter().enumerate() {
        out[h as usize].push(r as u32);
    }
    out
}
