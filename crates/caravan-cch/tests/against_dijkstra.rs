//! The hierarchy against plain Dijkstra on random directed graphs with parallel arcs, loops,
//! closed arcs (infinite weight), several components and multi-seed queries.

#![allow(clippy::needless_range_loop)]
// Index loops read clearer beside the graph arrays.

use caravan_cch::{
    all_to_targets, many_to_many, one_to_all, Cch, EdgeAttrs, Metric, PotentialMemory, Query, Seed,
    TargetPotential,
};
use proptest::prelude::*;
use rand::{rngs::StdRng, Rng, SeedableRng};

struct Graph {
    latlon: Vec<[f64; 2]>,
    arcs: Vec<(u32, u32)>,
}

fn random_graph(rng: &mut StdRng, n: usize) -> Graph {
    let latlon: Vec<[f64; 2]> = (0..n)
        .map(|_| [rng.gen_range(30.0..50.0), rng.gen_range(50.0..90.0)])
        .collect();
    let mut arcs = Vec::new();
    // Near neighbours (road-like), a few long links, parallel arcs and loops.
    for v in 0..n as u32 {
        let mut near: Vec<(f64, u32)> = (0..n as u32)
            .filter(|&u| u != v)
            .map(|u| {
                let (a, b) = (latlon[v as usize], latlon[u as usize]);
                ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2), u)
            })
            .collect();
        near.sort_by(|a, b| a.0.total_cmp(&b.0));
        for &(_, u) in near.iter().take(rng.gen_range(0..4)) {
            arcs.push((v, u));
            if rng.gen_bool(0.8) {
                arcs.push((u, v));
            }
        }
        if rng.gen_bool(0.03) {
            arcs.push((v, rng.gen_range(0..n as u32)));
        }
        if rng.gen_bool(0.02) {
            arcs.push((v, v));
        }
    }
    let extra: Vec<(u32, u32)> = arcs
        .iter()
        .copied()
        .filter(|_| rng.gen_bool(0.05))
        .collect();
    arcs.extend(extra);
    Graph { latlon, arcs }
}

fn random_weights(rng: &mut StdRng, m: usize) -> Vec<f64> {
    (0..m)
        .map(|_| {
            if rng.gen_bool(0.07) {
                f64::INFINITY
            } else {
                rng.gen_range(0.0..100.0)
            }
        })
        .collect()
}

/// Multi-source Dijkstra: best weight to every node.
fn dijkstra(n: usize, arcs: &[(u32, u32)], w: &[f64], seeds: &[(u32, f64)]) -> Vec<f64> {
    let mut dist = vec![f64::INFINITY; n];
    let mut done = vec![false; n];
    for &(s, d) in seeds {
        dist[s as usize] = dist[s as usize].min(d);
    }
    loop {
        let mut best = None;
        for v in 0..n {
            if !done[v] && dist[v] < f64::INFINITY && best.is_none_or(|b: usize| dist[v] < dist[b])
            {
                best = Some(v);
            }
        }
        let Some(v) = best else { break };
        done[v] = true;
        for (i, &(a, b)) in arcs.iter().enumerate() {
            if a as usize == v && dist[v] + w[i] < dist[b as usize] {
                dist[b as usize] = dist[v] + w[i];
            }
        }
    }
    dist
}

fn close(a: f64, b: f64) -> bool {
    (a.is_infinite() && b.is_infinite()) || (a - b).abs() <= 1e-9 * a.abs().max(1.0)
}

fn seeds(rng: &mut StdRng, n: usize) -> Vec<(u32, f64)> {
    (0..rng.gen_range(1..4))
        .map(|_| (rng.gen_range(0..n as u32), rng.gen_range(0.0..20.0)))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn paths_equal_dijkstra(seed in any::<u64>(), n in 2usize..120) {
        let mut rng = StdRng::seed_from_u64(seed);
        let g = random_graph(&mut rng, n);
        let cch = Cch::build(&g.latlon, &g.arcs);
        let w = random_weights(&mut rng, g.arcs.len());
        let metric = Metric::customize(&cch, &w);
        let mut q = Query::new(&cch);
        for _ in 0..10 {
            let sources = seeds(&mut rng, n);
            let targets = seeds(&mut rng, n);
            let dist = dijkstra(n, &g.arcs, &w, &sources);
            let expected = targets
                .iter()
                .map(|&(t, d)| dist[t as usize] + d)
                .fold(f64::INFINITY, f64::min);
            let got = q.path(&cch, &metric, &sources, &targets);
            match got {
                None => prop_assert!(expected.is_infinite(), "missed a path of {expected}"),
                Some(p) => {
                    prop_assert!(close(p.weight, expected), "{} vs {}", p.weight, expected);
                    // The unpacked arcs form a walk from a source to a target of that weight.
                    let mut at = p.first_node;
                    let mut sum = sources
                        .iter()
                        .filter(|s| s.0 == at)
                        .map(|s| s.1)
                        .fold(f64::INFINITY, f64::min);
                    for &a in &p.arcs {
                        let (tail, head) = g.arcs[a as usize];
                        prop_assert_eq!(tail, at);
                        sum += w[a as usize];
                        at = head;
                    }
                    prop_assert_eq!(at, p.last_node);
                    sum += targets
                        .iter()
                        .filter(|t| t.0 == at)
                        .map(|t| t.1)
                        .fold(f64::INFINITY, f64::min);
                    prop_assert!(close(sum, expected), "unpacked {} vs {}", sum, expected);
                }
            }
        }
    }

    #[test]
    fn recustomizing_equals_customizing(seed in any::<u64>(), n in 2usize..100) {
        let mut rng = StdRng::seed_from_u64(seed);
        let g = random_graph(&mut rng, n);
        let cch = Cch::build(&g.latlon, &g.arcs);
        let w = random_weights(&mut rng, g.arcs.len());
        let base = Metric::customize(&cch, &w);
        let mut w2 = w.clone();
        let mut changed = Vec::new();
        for a in 0..w2.len() {
            if rng.gen_bool(0.1) {
                w2[a] = if rng.gen_bool(0.5) { f64::INFINITY } else { rng.gen_range(0.0..100.0) };
                changed.push(a as u32);
            }
        }
        let full = Metric::customize(&cch, &w2);
        let partial = base.recustomize(&cch, &w2, &changed);
        let mut q = Query::new(&cch);
        for _ in 0..10 {
            let s = seeds(&mut rng, n);
            let t = seeds(&mut rng, n);
            let a = q.path(&cch, &full, &s, &t).map(|p| p.weight);
            let b = q.path(&cch, &partial, &s, &t).map(|p| p.weight);
            prop_assert_eq!(a, b);
        }
    }

    #[test]
    fn matrices_equal_dijkstra(seed in any::<u64>(), n in 2usize..80) {
        let mut rng = StdRng::seed_from_u64(seed);
        let g = random_graph(&mut rng, n);
        let cch = Cch::build(&g.latlon, &g.arcs);
        let w = random_weights(&mut rng, g.arcs.len());
        let metric = Metric::customize(&cch, &w);
        // One attribute: the number of arcs, and a second: the weight again.
        let attrs: Vec<[f64; 2]> = w.iter().map(|&x| [1.0, x]).collect();
        let ea = EdgeAttrs::new(&cch, &metric, &attrs);
        let to_seeds = |v: Vec<(u32, f64)>| -> Vec<Seed<2>> {
            v.into_iter().map(|(node, weight)| Seed { node, weight, attrs: [0.0, weight] }).collect()
        };
        let srcs: Vec<Vec<(u32, f64)>> = (0..5).map(|_| seeds(&mut rng, n)).collect();
        let tgts: Vec<Vec<(u32, f64)>> = (0..6).map(|_| seeds(&mut rng, n)).collect();
        let cells = many_to_many(
            &cch,
            &metric,
            &ea,
            &srcs.iter().cloned().map(to_seeds).collect::<Vec<_>>(),
            &tgts.iter().cloned().map(to_seeds).collect::<Vec<_>>(),
        );
        for (i, s) in srcs.iter().enumerate() {
            let dist = dijkstra(n, &g.arcs, &w, s);
            for (j, t) in tgts.iter().enumerate() {
                let expected = t.iter().map(|&(v, d)| dist[v as usize] + d).fold(f64::INFINITY, f64::min);
                let cell = cells[i * tgts.len() + j];
                prop_assert!(close(cell.weight, expected), "{} vs {}", cell.weight, expected);
                if expected.is_finite() {
                    // The carried copy of the weight adds up to the weight itself.
                    prop_assert!(close(cell.attrs[1], expected), "attrs {} vs {}", cell.attrs[1], expected);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn one_to_all_equals_dijkstra(seed in any::<u64>(), n in 2usize..120) {
        let mut rng = StdRng::seed_from_u64(seed);
        let g = random_graph(&mut rng, n);
        let cch = Cch::build(&g.latlon, &g.arcs);
        let w = random_weights(&mut rng, g.arcs.len());
        let metric = Metric::customize(&cch, &w);
        let attrs: Vec<[f64; 1]> = w.iter().map(|&x| [x]).collect();
        let ea = EdgeAttrs::new(&cch, &metric, &attrs);
        let s = seeds(&mut rng, n);
        let dist = dijkstra(n, &g.arcs, &w, &s);
        let seeds: Vec<Seed<1>> = s.iter().map(|&(node, weight)| Seed { node, weight, attrs: [weight] }).collect();
        let cells = one_to_all(&cch, &metric, &ea, &seeds);
        for v in 0..n {
            prop_assert!(close(cells[v].weight, dist[v]), "node {}: {} vs {}", v, cells[v].weight, dist[v]);
            if dist[v].is_finite() {
                prop_assert!(close(cells[v].attrs[0], dist[v]));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Backward PHAST: the weight from every node to the targets equals Dijkstra from the
    /// targets on the reversed graph.
    #[test]
    fn all_to_targets_equals_reverse_dijkstra(seed in any::<u64>(), n in 2usize..120) {
        let mut rng = StdRng::seed_from_u64(seed);
        let g = random_graph(&mut rng, n);
        let cch = Cch::build(&g.latlon, &g.arcs);
        let w = random_weights(&mut rng, g.arcs.len());
        let metric = Metric::customize(&cch, &w);
        let t = seeds(&mut rng, n);
        let reversed: Vec<(u32, u32)> = g.arcs.iter().map(|&(a, b)| (b, a)).collect();
        let dist = dijkstra(n, &reversed, &w, &t);
        let got = all_to_targets(&cch, &metric, &t);
        for v in 0..n {
            prop_assert!(close(got[v], dist[v]), "node {}: {} vs {}", v, got[v], dist[v]);
        }
        // The lazy CH potential gives the same weights, asked in any order, and its memory
        // is reused for another target set without clearing.
        let mut mem = PotentialMemory::new(&cch);
        for round in 0..2 {
            let t = if round == 0 { t.clone() } else { seeds(&mut rng, n) };
            let dist = dijkstra(n, &reversed, &w, &t);
            let mut pot = TargetPotential::new(&cch, &metric, &t, &mut mem);
            for k in 0..n {
                let v = (k * 7919 + round) % n;
                let p = pot.get(v as u32);
                prop_assert!(close(p, dist[v]), "lazy node {}: {} vs {}", v, p, dist[v]);
            }
        }
    }
}

#[test]
fn image_round_trips_and_damage_is_caught() {
    let mut rng = StdRng::seed_from_u64(7);
    let g = random_graph(&mut rng, 300);
    let cch = Cch::build(&g.latlon, &g.arcs);
    let bytes = cch.to_bytes();
    assert_eq!(Cch::from_bytes(&bytes).as_ref(), Ok(&cch));
    assert!(Cch::from_bytes(&bytes[..bytes.len() - 3]).is_err());
    assert!(Cch::from_bytes(b"nope").is_err());
    let mut bad = bytes.clone();
    bad[4] = 9;
    assert!(Cch::from_bytes(&bad).is_err());
    // Scramble the order array: the rank/order check must notice.
    let mut bad = bytes;
    let at = 8 + 8 + 4 * 300 + 8;
    bad[at] ^= 0x55;
    assert!(Cch::from_bytes(&bad).is_err());
}

/// A road-like grid large enough for many levels of dissection (the flow code's internal
/// checks run in test builds): the order is a permutation and paths are still exact.
#[test]
fn dissection_of_a_grid_is_exact() {
    let mut rng = StdRng::seed_from_u64(11);
    let side = 70u32;
    let id = |x: u32, y: u32| y * side + x;
    let mut latlon = Vec::new();
    for y in 0..side {
        for x in 0..side {
            latlon.push([
                35.0 + y as f64 * 0.1,
                60.0 + x as f64 * 0.1 + rng.gen_range(0.0..0.05),
            ]);
        }
    }
    let mut arcs = Vec::new();
    for y in 0..side {
        for x in 0..side {
            if x + 1 < side && rng.gen_bool(0.9) {
                arcs.push((id(x, y), id(x + 1, y)));
                arcs.push((id(x + 1, y), id(x, y)));
            }
            if y + 1 < side && rng.gen_bool(0.9) {
                arcs.push((id(x, y), id(x, y + 1)));
                arcs.push((id(x, y + 1), id(x, y)));
            }
            if x + 1 < side && y + 1 < side && rng.gen_bool(0.1) {
                arcs.push((id(x, y), id(x + 1, y + 1)));
            }
        }
    }
    let n = (side * side) as usize;
    let cch = Cch::build(&latlon, &arcs);
    assert_eq!(cch.node_count(), n);
    // A good order keeps the elimination tree shallow (a grid of n nodes: O(sqrt n) separators).
    assert!(
        cch.elimination_tree_height() < n / 8,
        "height {}",
        cch.elimination_tree_height()
    );
    let w = random_weights(&mut rng, arcs.len());
    let metric = Metric::customize(&cch, &w);
    let mut q = Query::new(&cch);
    for _ in 0..30 {
        let s = seeds(&mut rng, n);
        let t = seeds(&mut rng, n);
        let dist = dijkstra(n, &arcs, &w, &s);
        let expected = t
            .iter()
            .map(|&(v, d)| dist[v as usize] + d)
            .fold(f64::INFINITY, f64::min);
        let got = q
            .path(&cch, &metric, &s, &t)
            .map_or(f64::INFINITY, |p| p.weight);
        assert!(close(got, expected), "{got} vs {expected}");
    }
}
