//! A nested-dissection order by inertial flow (Schild and Sommer 2015): project the nodes on a
//! few directions, take the first and last quarter as source and sink, cut them apart with the
//! smallest set of nodes (a max flow with unit node capacities), keep the best direction,
//! recurse on what remains and put the separator above both halves.
//!
//! The order is metric-independent: it depends on the topology and the coordinates only, so it
//! is computed once per network and every metric reuses it.

/// Nodes with at most this many members are ordered by degree, not dissected.
const LEAF_SIZE: usize = 12;
/// Share of the projected nodes taken as source and as sink (the inertial-flow paper's 0.25).
const TERMINAL_SHARE: f64 = 0.25;

/// An undirected simple graph in forward-star form, with planar coordinates for projections.
pub struct UndirectedGraph {
    pub first: Vec<u32>,
    pub adj: Vec<u32>,
    pub xy: Vec<[f64; 2]>,
}

impl UndirectedGraph {
    /// Builds from arcs (either direction, duplicates and loops allowed) and lat/lon degrees.
    pub fn from_arcs(latlon: &[[f64; 2]], arcs: impl Iterator<Item = (u32, u32)>) -> Self {
        let n = latlon.len();
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        for (a, b) in arcs {
            if a != b {
                pairs.push((a, b));
                pairs.push((b, a));
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let mut first = vec![0u32; n + 1];
        for &(a, _) in &pairs {
            first[a as usize + 1] += 1;
        }
        for i in 0..n {
            first[i + 1] += first[i];
        }
        let adj = pairs.into_iter().map(|(_, b)| b).collect();
        let mean_lat = if n == 0 {
            0.0
        } else {
            latlon.iter().map(|p| p[0]).sum::<f64>() / n as f64
        };
        let kx = mean_lat.to_radians().cos();
        let xy = latlon.iter().map(|p| [p[1] * kx, p[0]]).collect();
        UndirectedGraph { first, adj, xy }
    }

    fn neighbours(&self, v: u32) -> &[u32] {
        &self.adj[self.first[v as usize] as usize..self.first[v as usize + 1] as usize]
    }

    pub fn node_count(&self) -> usize {
        self.first.len() - 1
    }
}

/// Nested-dissection order: `order[rank] = node`, separators ranked above the parts they split.
pub fn nested_dissection(g: &UndirectedGraph) -> Vec<u32> {
    let n = g.node_count();
    let mut ctx = Ctx {
        g,
        local: vec![u32::MAX; n],
        in_set: vec![false; n],
    };
    let all: Vec<u32> = (0..n as u32).collect();
    let mut order = Vec::with_capacity(n);
    for comp in ctx.components(&all) {
        ctx.dissect(comp, &mut order);
    }
    order
}

struct Ctx<'a> {
    g: &'a UndirectedGraph,
    /// Global -> local index inside the current subproblem (u32::MAX outside it).
    local: Vec<u32>,
    in_set: Vec<bool>,
}

/// The current subproblem as a local forward-star graph with reverse-entry indices.
struct Local {
    nodes: Vec<u32>,
    first: Vec<u32>,
    adj: Vec<u32>,
    rev: Vec<u32>,
}

impl Ctx<'_> {
    /// Connected components of `set` (as global ids).
    fn components(&mut self, set: &[u32]) -> Vec<Vec<u32>> {
        for &v in set {
            self.in_set[v as usize] = true;
        }
        let mut out = Vec::new();
        let mut stack = Vec::new();
        for &s in set {
            if !self.in_set[s as usize] {
                continue;
            }
            self.in_set[s as usize] = false;
            let mut comp = vec![s];
            stack.push(s);
            while let Some(v) = stack.pop() {
                for &u in self.g.neighbours(v) {
                    if self.in_set[u as usize] {
                        self.in_set[u as usize] = false;
                        comp.push(u);
                        stack.push(u);
                    }
                }
            }
            out.push(comp);
        }
        out
    }

    fn dissect(&mut self, nodes: Vec<u32>, order: &mut Vec<u32>) {
        if nodes.len() <= LEAF_SIZE {
            let mut nodes = nodes;
            nodes.sort_by_key(|&v| self.g.neighbours(v).len());
            order.extend(nodes);
            return;
        }
        let local = self.localise(&nodes);
        let separator = best_cut(&local, self.g);
        let mut is_sep = vec![false; local.nodes.len()];
        for &s in &separator {
            is_sep[s as usize] = true;
        }
        let rest: Vec<u32> = local
            .nodes
            .iter()
            .enumerate()
            .filter(|(i, _)| !is_sep[*i])
            .map(|(_, &v)| v)
            .collect();
        for &v in &local.nodes {
            self.local[v as usize] = u32::MAX;
        }
        let sep_global: Vec<u32> = separator.iter().map(|&s| local.nodes[s as usize]).collect();
        drop(local);
        for comp in self.components(&rest) {
            self.dissect(comp, order);
        }
        order.extend(sep_global);
    }

    fn localise(&mut self, nodes: &[u32]) -> Local {
        for (i, &v) in nodes.iter().enumerate() {
            self.local[v as usize] = i as u32;
        }
        let mut first = Vec::with_capacity(nodes.len() + 1);
        let mut adj = Vec::new();
        first.push(0u32);
        for &v in nodes {
            for &u in self.g.neighbours(v) {
                let lu = self.local[u as usize];
                if lu != u32::MAX {
                    adj.push(lu);
                }
            }
            first.push(adj.len() as u32);
        }
        // Adjacency lists are sorted by global id and the local map is monotone in
        // nothing, so sort each list to find reverse entries by binary search.
        for i in 0..nodes.len() {
            adj[first[i] as usize..first[i + 1] as usize].sort_unstable();
        }
        let mut rev = vec![0u32; adj.len()];
        for v in 0..nodes.len() {
            for e in first[v] as usize..first[v + 1] as usize {
                let u = adj[e] as usize;
                let list = &adj[first[u] as usize..first[u + 1] as usize];
                let pos = list.binary_search(&(v as u32)).unwrap_or(0);
                rev[e] = first[u] + pos as u32;
            }
        }
        Local {
            nodes: nodes.to_vec(),
            first,
            adj,
            rev,
        }
    }
}

/// The smallest separator over four projection directions (local indices).
fn best_cut(l: &Local, g: &UndirectedGraph) -> Vec<u32> {
    let n = l.nodes.len();
    let dirs: [[f64; 2]; 4] = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, -1.0]];
    let k = ((n as f64 * TERMINAL_SHARE) as usize).max(1);
    let mut best: Option<Vec<u32>> = None;
    let mut idx: Vec<u32> = (0..n as u32).collect();
    for d in dirs {
        let proj: Vec<f64> = l
            .nodes
            .iter()
            .map(|&v| g.xy[v as usize][0] * d[0] + g.xy[v as usize][1] * d[1])
            .collect();
        idx.sort_unstable_by(|&a, &b| {
            proj[a as usize]
                .total_cmp(&proj[b as usize])
                .then(a.cmp(&b))
        });
        let mut side = vec![0u8; n];
        for &i in &idx[..k] {
            side[i as usize] = 1;
        }
        for &i in &idx[n - k..] {
            side[i as usize] = 2;
        }
        let limit = best.as_ref().map_or(usize::MAX, |b| b.len());
        if let Some(cut) = min_vertex_cut(l, &side, limit) {
            if best.as_ref().is_none_or(|b| cut.len() < b.len()) {
                best = Some(cut);
            }
        }
    }
    // A connected subproblem always has a cut below `n` (all but the terminals), so `best` is set;
    // fall back to the middle node if a direction degenerates.
    best.unwrap_or_else(|| vec![idx[n / 2]])
}

/// Min vertex cut between side-1 and side-2 nodes by augmenting paths on the split graph;
/// `None` when the flow reaches `limit` (no better than a cut already found).
fn min_vertex_cut(l: &Local, side: &[u8], limit: usize) -> Option<Vec<u32>> {
    let n = l.nodes.len();
    let mut node_flow = vec![false; n];
    // Flow on each directed adjacency entry out(u) -> in(v); kept 0/1 with cancellation.
    let mut edge_flow = vec![false; l.adj.len()];
    // BFS state: index 2v = in(v), 2v+1 = out(v). Parent: (previous state, entry or u32::MAX).
    let mut seen = vec![u32::MAX; 2 * n];
    let mut parent_state = vec![u32::MAX; 2 * n];
    let mut parent_entry = vec![u32::MAX; 2 * n];
    let mut queue: Vec<u32> = Vec::with_capacity(2 * n);
    let mut flow = 0usize;
    let mut round = 0u32;
    loop {
        round += 1;
        queue.clear();
        for (v, _) in side.iter().enumerate().filter(|(_, &s)| s == 1) {
            {
                let s = 2 * v as u32 + 1;
                seen[s as usize] = round;
                parent_state[s as usize] = u32::MAX;
                queue.push(s);
            }
        }
        let mut head = 0;
        // The in-state of a sink node whose node arc completes the path. Sink nodes keep their
        // unit capacity, so a source next to a sink still gives a finite cut.
        let mut found: Option<u32> = None;
        'bfs: while head < queue.len() {
            let s = queue[head];
            head += 1;
            let v = (s / 2) as usize;
            if s % 2 == 1 {
                // out(v): along every edge to in(u) (infinite capacity).
                for e in l.first[v]..l.first[v + 1] {
                    let u = l.adj[e as usize] as usize;
                    if side[u] == 1 {
                        continue;
                    }
                    let t = 2 * u as u32;
                    if seen[t as usize] != round {
                        seen[t as usize] = round;
                        parent_state[t as usize] = s;
                        parent_entry[t as usize] = e;
                        queue.push(t);
                    }
                }
                // Back along the node arc if it carries flow.
                if side[v] == 0 && node_flow[v] {
                    let t = 2 * v as u32;
                    if seen[t as usize] != round {
                        seen[t as usize] = round;
                        parent_state[t as usize] = s;
                        parent_entry[t as usize] = u32::MAX;
                        queue.push(t);
                    }
                }
            } else {
                // in(v): through the node if unused, or back along an edge carrying flow into v.
                if !node_flow[v] {
                    if side[v] == 2 {
                        found = Some(s);
                        break 'bfs;
                    }
                    let t = 2 * v as u32 + 1;
                    if seen[t as usize] != round {
                        seen[t as usize] = round;
                        parent_state[t as usize] = s;
                        parent_entry[t as usize] = u32::MAX;
                        queue.push(t);
                    }
                }
                for e in l.first[v]..l.first[v + 1] {
                    let u = l.adj[e as usize] as usize;
                    // Flow u -> v lives on u's entry towards v, i.e. rev[e].
                    if side[u] == 0 && edge_flow[l.rev[e as usize] as usize] {
                        let t = 2 * u as u32 + 1;
                        if seen[t as usize] != round {
                            seen[t as usize] = round;
                            parent_state[t as usize] = s;
                            parent_entry[t as usize] = e | 0x8000_0000;
                            queue.push(t);
                        }
                    }
                }
            }
        }
        let Some(sink_in) = found else {
            break;
        };
        flow += 1;
        if flow >= limit {
            return None;
        }
        // Augment from the sink back to a source.
        node_flow[(sink_in / 2) as usize] = true;
        let mut s = sink_in;
        while parent_state[s as usize] != u32::MAX {
            let p = parent_state[s as usize];
            let e = parent_entry[s as usize];
            let v = (s / 2) as usize;
            if e == u32::MAX {
                // A node arc: in -> out adds flow, out -> in removes it.
                node_flow[v] = s % 2 == 1;
            } else if e & 0x8000_0000 != 0 {
                // Backward along an edge: cancel the flow u -> v.
                let e = e & 0x7fff_ffff;
                edge_flow[l.rev[e as usize] as usize] = false;
            } else {
                push_edge(&mut edge_flow, e);
            }
            s = p;
        }
    }
    // Min cut: nodes whose in-state is reachable from the source but whose out-state is not.
    let cut: Vec<u32> = (0..n)
        .filter(|&v| {
            side[v] != 1 && seen[2 * v] == round && seen[2 * v + 1] != round && node_flow[v]
        })
        .map(|v| v as u32)
        .collect();
    debug_assert_eq!(cut.len(), flow);
    Some(cut)
}

/// Adds one unit of flow on entry `e` (out(u) -> in(v)). Opposite flow out(v) -> in(u) is a
/// different arc of the split graph, so it is not netted against this one.
fn push_edge(edge_flow: &mut [bool], e: u32) {
    debug_assert!(
        !edge_flow[e as usize],
        "an edge arc carries at most one unit"
    );
    edge_flow[e as usize] = true;
}
