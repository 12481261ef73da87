//! No route crosses a border and straight back, and none pays one crossing twice: checked on
//! 2,000 city pairs of the shipped network (a fixed, reproducible sample).

use std::path::PathBuf;

use caravan_net::{Network, PlaceKind};
use caravan_route::{Location, Route, RouteRequest, Router};

/// Two crossings closer than this, back into the country just left, are one passage that
/// hugs the border. A longer stretch through the neighbour is a real transit, paid as two
/// passages as it is on the ground (the Soviet-era roads of the Fergana valley run 20-25 km
/// through Uzbekistan between Kyrgyz towns).
const STRAIGHT_BACK_KM: f64 = 10.0;

fn problems(route: &Route) -> Vec<String> {
    let mut out = Vec::new();
    let c = &route.border_crossings;
    for (i, a) in c.iter().enumerate() {
        if c[i + 1..].iter().any(|b| b.id == a.id && b.mode == a.mode) {
            out.push(format!("pays {} twice", a.id));
        }
        if let Some(b) = c.get(i + 1) {
            if b.countries[0] == a.countries[1]
                && b.countries[1] == a.countries[0]
                && b.at_km - a.at_km < STRAIGHT_BACK_KM
            {
                out.push(format!(
                    "crosses {} ({} > {}) and straight back at {} {:.1} km later",
                    a.id,
                    a.countries[0],
                    a.countries[1],
                    b.id,
                    b.at_km - a.at_km
                ));
            }
        }
    }
    out
}

#[test]
fn no_route_crosses_a_border_and_straight_back() {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let router = Router::new(Network::load_dir(&data).expect("shipped network"));
    let core = [
        "AF", "AZ", "CN", "GE", "IR", "KG", "KZ", "MN", "PK", "TJ", "TM", "UZ",
    ];
    let cities: Vec<String> = router
        .network()
        .places
        .iter()
        .filter(|p| p.kind == PlaceKind::City && p.population.unwrap_or(0) >= 150_000)
        .filter(|p| core.contains(&p.country.as_str()))
        .map(|p| p.id.clone())
        .collect();
    assert!(cities.len() >= 100, "only {} cities", cities.len());
    // A fixed pseudo-random sample of ordered pairs (a linear congruential walk).
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut pairs = Vec::new();
    while pairs.len() < 2_000 {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        let a = (state >> 33) as usize % cities.len();
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        let b = (state >> 33) as usize % cities.len();
        if a != b {
            pairs.push((a, b));
        }
    }
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let chunk = pairs.len().div_ceil(threads);
    let found: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = pairs
            .chunks(chunk)
            .map(|part| {
                let (router, cities) = (&router, &cities);
                s.spawn(move || {
                    let mut bad = Vec::new();
                    for &(a, b) in part {
                        let req = RouteRequest {
                            from: Location::Place(cities[a].clone()),
                            to: Location::Place(cities[b].clone()),
                            ..RouteRequest::default()
                        };
                        if let Ok(resp) = router.route(&req) {
                            for p in problems(&resp.routes[0]) {
                                bad.push(format!("{} -> {}: {p}", cities[a], cities[b]));
                            }
                        }
                    }
                    bad
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker"))
            .collect()
    });
    assert!(
        found.is_empty(),
        "{} routes cross a border and straight back or pay twice, e.g.\n{}",
        found.len(),
        found
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
