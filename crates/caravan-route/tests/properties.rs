//! Properties that must hold for any request on the shipped network, checked on random
//! requests (proptest, fixed number of cases so that CI time stays bounded).

use std::path::PathBuf;
use std::sync::OnceLock;

use caravan_net::{Layer, Network, PlaceKind};
use caravan_route::{Criterion, Location, RouteError, RouteRequest, Router};
use proptest::prelude::*;

fn router() -> &'static Router {
    static R: OnceLock<Router> = OnceLock::new();
    R.get_or_init(|| {
        let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data");
        Router::new(Network::load_dir(&data).expect("shipped network"))
    })
}

/// Ids of the larger cities of the core SCO / CAREC countries.
fn cities() -> &'static Vec<String> {
    static C: OnceLock<Vec<String>> = OnceLock::new();
    C.get_or_init(|| {
        let core = [
            "AF", "AZ", "CN", "GE", "IR", "KG", "KZ", "MN", "PK", "TJ", "TM", "TR", "UZ",
        ];
        router()
            .network()
            .places
            .iter()
            .filter(|p| p.kind == PlaceKind::City && p.population.unwrap_or(0) >= 300_000)
            .filter(|p| core.contains(&p.country.as_str()))
            .map(|p| p.id.clone())
            .collect()
    })
}

fn criterion() -> impl Strategy<Value = Criterion> {
    prop_oneof![
        Just(Criterion::Fastest),
        Just(Criterion::Cheapest),
        Just(Criterion::Greenest),
        Just(Criterion::Generalized)
    ]
}

fn modes() -> impl Strategy<Value = Vec<Layer>> {
    prop_oneof![
        Just(vec![Layer::Road]),
        Just(vec![Layer::Road, Layer::Rail]),
        Just(vec![])
    ]
}

fn request(
    a: usize,
    b: usize,
    optimize: Criterion,
    modes: Vec<Layer>,
    alternatives: usize,
) -> RouteRequest {
    let c = cities();
    RouteRequest {
        from: Location::Place(c[a % c.len()].clone()),
        to: Location::Place(c[b % c.len()].clone()),
        modes,
        optimize,
        alternatives,
        ..RouteRequest::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    /// The best route is never beaten by one of its alternatives on the requested criterion,
    /// and no two routes cross at the same set of places with the same modes.
    #[test]
    fn alternatives_never_beat_the_best(a in 0usize..10_000, b in 0usize..10_000, opt in criterion(), m in modes()) {
        let req = request(a, b, opt, m, 3);
        if let Ok(res) = router().route(&req) {
            let best = res.routes[0].summary.objective;
            for r in &res.routes[1..] {
                prop_assert!(r.summary.objective >= best - 1e-6 * best.abs().max(1.0));
            }
            let sigs: Vec<_> = res.routes.iter().map(|r| {
                let mut ids: Vec<_> = r.border_crossings.iter().map(|b| b.id.clone()).collect();
                ids.extend(r.transfers.iter().map(|t| t.at.clone()));
                ids.extend(r.summary.modes.iter().cloned());
                ids.sort();
                ids
            }).collect();
            for i in 0..sigs.len() {
                for j in 0..i {
                    prop_assert_ne!(&sigs[i], &sigs[j]);
                }
            }
        }
    }

    /// Closing a crossing the route uses never makes the best route cheaper on the criterion.
    #[test]
    fn closing_a_crossing_never_helps(a in 0usize..10_000, b in 0usize..10_000, opt in criterion(), m in modes()) {
        let req = request(a, b, opt, m, 0);
        if let Ok(res) = router().route(&req) {
            let best = res.routes[0].summary.objective;
            for bc in res.routes[0].border_crossings.iter().filter(|b| b.listed) {
                let mut closed = req.clone();
                closed.scenario.close_bcps.push(format!("{}:{}", bc.id, bc.mode));
                match router().route(&closed) {
                    Ok(r) => prop_assert!(r.routes[0].summary.objective >= best - 1e-6 * best.abs().max(1.0)),
                    Err(RouteError::NoRoute { .. }) => {}
                    Err(e) => prop_assert!(false, "unexpected error {e}"),
                }
            }
        }
    }

    /// A* with the great-circle potential finds the same optimum as plain Dijkstra.
    #[test]
    fn astar_matches_dijkstra(s in 0u32..250_000, t in 0u32..250_000, opt in criterion(), m in modes()) {
        let r = router();
        let n = r.graph_size().0 as u32;
        let req = request(0, 1, opt, m, 0);
        let a = r.node_to_node(&req, s % n, t % n, true).unwrap().map(|x| x.0);
        let d = r.node_to_node(&req, s % n, t % n, false).unwrap().map(|x| x.0);
        match (a, d) {
            (Some(a), Some(d)) => prop_assert!((a - d).abs() <= 1e-9 * d.abs().max(1.0), "{a} vs {d}"),
            (a, d) => prop_assert_eq!(a.is_some(), d.is_some()),
        }
    }
}
