//! The metric-independent part of the hierarchy: ranks, the chordal upward graph (every pair
//! of upper neighbours of a node is joined, so each shortcut has its lower triangles), the
//! elimination tree, and where each input arc lands.

use crate::order::{nested_dissection, UndirectedGraph};

pub(crate) const NONE: u32 = u32::MAX;

/// A customizable contraction hierarchy's topology over a directed input graph.
///
/// Nodes are handled in rank space inside; callers use their own node and arc ids.
#[derive(Clone, Debug, PartialEq)]
pub struct Cch {
    /// `rank[node]`, and `order[rank] = node`.
    pub(crate) rank: Vec<u32>,
    pub(crate) order: Vec<u32>,
    /// Upward edges by tail rank (forward star); heads are ranks, ascending per tail.
    pub(crate) first_up: Vec<u32>,
    pub(crate) up_head: Vec<u32>,
    pub(crate) up_tail: Vec<u32>,
    /// The elimination tree: the lowest upper neighbour of each rank (`NONE` at roots).
    pub(crate) parent: Vec<u32>,
    /// Per input arc: the edge it lies on (`NONE` for loops) and whether it runs upward.
    pub(crate) arc_edge: Vec<u32>,
    pub(crate) arc_up: Vec<bool>,
    /// Input arcs grouped by edge (forward star over edges), for partial customization.
    pub(crate) first_arc_of_edge: Vec<u32>,
    pub(crate) arcs_by_edge: Vec<u32>,
    /// Downward adjacency (by head rank): the lower tails and the edge ids, ascending by tail.
    pub(crate) first_down: Vec<u32>,
    pub(crate) down_tail: Vec<u32>,
    pub(crate) down_edge: Vec<u32>,
}

impl Cch {
    /// Builds the hierarchy for `node_count` nodes at `latlon` (degrees) and the input arcs
    /// `(tail, head)`. Arc ids are positions in `arcs`; parallel arcs and loops are allowed.
    pub fn build(latlon: &[[f64; 2]], arcs: &[(u32, u32)]) -> Cch {
        let g = UndirectedGraph::from_arcs(latlon, arcs.iter().copied());
        let order = nested_dissection(&g);
        Cch::with_order(order, arcs)
    }

    /// Builds the hierarchy for a given order (`order[rank] = node`).
    pub fn with_order(order: Vec<u32>, arcs: &[(u32, u32)]) -> Cch {
        let n = order.len();
        let mut rank = vec![0u32; n];
        for (r, &v) in order.iter().enumerate() {
            rank[v as usize] = r as u32;
        }
        let mut up: Vec<Vec<u32>> = vec![Vec::new(); n];
        for &(a, b) in arcs {
            let (ra, rb) = (rank[a as usize], rank[b as usize]);
            if ra != rb {
                up[ra.min(rb) as usize].push(ra.max(rb));
            }
        }
        // Chordal completion: eliminating a node joins its upper neighbours into a clique,
        // carried by the lowest of them (its parent in the elimination tree).
        let mut parent = vec![NONE; n];
        for r in 0..n {
            let mut list = std::mem::take(&mut up[r]);
            list.sort_unstable();
            list.dedup();
            if let Some((&p, rest)) = list.split_first() {
                parent[r] = p;
                up[p as usize].extend_from_slice(rest);
            }
            up[r] = list;
        }
        let mut first_up = Vec::with_capacity(n + 1);
        first_up.push(0u32);
        let mut up_head = Vec::new();
        let mut up_tail = Vec::new();
        for (r, list) in up.iter().enumerate() {
            up_head.extend_from_slice(list);
            up_tail.extend(std::iter::repeat_n(r as u32, list.len()));
            first_up.push(up_head.len() as u32);
        }
        drop(up);
        let m = up_head.len();

        let mut cch = Cch {
            rank,
            order,
            first_up,
            up_head,
            up_tail,
            parent,
            arc_edge: Vec::new(),
            arc_up: Vec::new(),
            first_arc_of_edge: Vec::new(),
            arcs_by_edge: Vec::new(),
            first_down: Vec::new(),
            down_tail: Vec::new(),
            down_edge: Vec::new(),
        };
        let mut arc_edge = Vec::with_capacity(arcs.len());
        let mut arc_up = Vec::with_capacity(arcs.len());
        for &(a, b) in arcs {
            let (ra, rb) = (cch.rank[a as usize], cch.rank[b as usize]);
            if ra == rb {
                arc_edge.push(NONE);
                arc_up.push(false);
            } else {
                arc_edge.push(cch.edge(ra.min(rb), ra.max(rb)).unwrap_or(NONE));
                arc_up.push(ra < rb);
            }
        }
        let (first_arc_of_edge, arcs_by_edge) = group(m, arc_edge.iter().copied());
        let (first_down, by_head) = group(n, cch.up_head.iter().copied());
        cch.down_tail = by_head.iter().map(|&e| cch.up_tail[e as usize]).collect();
        cch.down_edge = by_head;
        cch.first_down = first_down;
        cch.arc_edge = arc_edge;
        cch.arc_up = arc_up;
        cch.first_arc_of_edge = first_arc_of_edge;
        cch.arcs_by_edge = arcs_by_edge;
        cch
    }

    pub fn node_count(&self) -> usize {
        self.order.len()
    }

    pub fn arc_count(&self) -> usize {
        self.arc_edge.len()
    }

    /// Edges of the upward graph (input edges plus shortcuts).
    pub fn edge_count(&self) -> usize {
        self.up_head.len()
    }

    /// Height of the elimination tree (the longest chain from a node to its root).
    pub fn elimination_tree_height(&self) -> usize {
        let n = self.node_count();
        let mut depth = vec![0u32; n];
        let mut best = 0;
        for r in (0..n).rev() {
            let p = self.parent[r];
            if p != NONE {
                depth[r] = depth[p as usize] + 1;
            }
            best = best.max(depth[r] as usize + 1);
        }
        best
    }

    /// The contraction order: `order()[rank]` is the node of that rank (to compare orders
    /// with another implementation on the same graph).
    pub fn order(&self) -> &[u32] {
        &self.order
    }

    pub fn rank_of(&self, node: u32) -> u32 {
        self.rank[node as usize]
    }

    pub(crate) fn up_range(&self, r: u32) -> std::ops::Range<usize> {
        self.first_up[r as usize] as usize..self.first_up[r as usize + 1] as usize
    }

    pub(crate) fn down_range(&self, r: u32) -> std::ops::Range<usize> {
        self.first_down[r as usize] as usize..self.first_down[r as usize + 1] as usize
    }

    /// The edge between ranks `lo < hi`, if any.
    pub(crate) fn edge(&self, lo: u32, hi: u32) -> Option<u32> {
        let range = self.up_range(lo);
        let start = range.start;
        self.up_head[range]
            .binary_search(&hi)
            .ok()
            .map(|i| (start + i) as u32)
    }
}

/// Groups item ids by key into a forward star (`NONE` keys are left out).
fn group(keys: usize, items: impl Iterator<Item = u32>) -> (Vec<u32>, Vec<u32>) {
    let items: Vec<u32> = items.collect();
    let mut first = vec![0u32; keys + 1];
    for &k in &items {
        if k != NONE {
            first[k as usize + 1] += 1;
        }
    }
    for i in 0..keys {
        first[i + 1] += first[i];
    }
    let mut fill = first.clone();
    let mut out = vec![0u32; first[keys] as usize];
    for (i, &k) in items.iter().enumerate() {
        if k != NONE {
            out[fill[k as usize] as usize] = i as u32;
            fill[k as usize] += 1;
        }
    }
    (first, out)
}
