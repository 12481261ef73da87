//! Scenarios on the shipped network: planned projects switched on per request, comparisons
//! of many places that agree with single routes, accessibility, and the invariants a
//! scenario must keep (closing never shortens, adding never lengthens).

use std::path::PathBuf;
use std::sync::OnceLock;

use caravan_impact::access::accessibility;
use caravan_impact::compare::{compare, largest_places};
use caravan_net::{Layer, Network};
use caravan_route::{
    BcpChange, Location, MatrixOptions, ModeChange, RemoveLinks, RouteRequest, Router, Scenario,
};

fn data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data")
}

fn router() -> &'static Router {
    static R: OnceLock<Router> = OnceLock::new();
    R.get_or_init(|| {
        let r = Router::new(Network::load_dir(&data()).expect("the shipped network loads"))
            .with_policies(
                "curated/scenarios.toml",
                &std::fs::read_to_string(data().join("curated/scenarios.toml")).unwrap(),
            )
            .expect("the policy scenarios load");
        r.ensure_hierarchy();
        r
    })
}

fn library(id: &str) -> Scenario {
    router()
        .library()
        .get(id)
        .unwrap_or_else(|| panic!("no library scenario {id}"))
        .scenario
        .clone()
}

fn rail(
    from: &str,
    to: &str,
    scenario: Scenario,
) -> Result<caravan_route::RouteResponse, caravan_route::RouteError> {
    router().route(&RouteRequest {
        from: Location::Place(from.into()),
        to: Location::Place(to.into()),
        modes: vec![Layer::Rail],
        scenario,
        ..RouteRequest::default()
    })
}

#[test]
fn every_library_scenario_is_valid_on_the_network() {
    let lib = router().library();
    assert!(lib.entries().len() >= 8, "{} entries", lib.entries().len());
    for e in lib.entries() {
        router()
            .validate_scenario(&e.scenario)
            .unwrap_or_else(|err| panic!("{}: {err}", e.id));
        assert!(!e.sources.is_empty(), "{} has no source", e.id);
    }
}

/// The case: the Trans-Afghan railway takes trains from Termez to Peshawar across
/// Afghanistan, with the 1,520 / 1,676 mm break of gauge at the Pakistan border; without it
/// no rail route uses that corridor (the base's goes round by Iran).
#[test]
fn termez_to_peshawar_by_rail_finds_the_trans_afghan_line_only_in_its_scenario() {
    let with = rail("Termez", "Peshawar", library("trans-afghan-railway")).unwrap();
    let r = &with.routes[0];
    assert_eq!(r.projects, vec!["trans-afghan-railway".to_string()]);
    assert_eq!(r.summary.countries, vec!["UZ", "AF", "PK"]);
    let kharlachi = r
        .border_crossings
        .iter()
        .find(|b| b.id == "kharlachi")
        .expect("crosses at Kharlachi");
    assert!(kharlachi.gauge_change, "{kharlachi:?}");
    assert!(r.transfers.iter().any(|t| t.kind == "gauge_change"
        && t.from_mode == "rail 1520 mm"
        && t.to_mode == "rail 1676 mm"));
    // Termez - Naibabad ~85 km, 572 km new line, 192 km to Kohat and the road on to Peshawar.
    assert!(
        (850.0..1300.0).contains(&r.summary.distance_km),
        "{} km",
        r.summary.distance_km
    );
    assert!(r
        .unsourced_or_default
        .iter()
        .any(|n| n.contains("planned project trans-afghan-railway")));

    let base = rail("Termez", "Peshawar", Scenario::default()).unwrap();
    let b = &base.routes[0];
    assert!(b.projects.is_empty());
    assert!(b.border_crossings.iter().all(|c| c.id != "kharlachi"));
    assert!(
        !b.summary.countries.contains(&"AF".to_string()),
        "{:?}",
        b.summary.countries
    );
    assert!(b.summary.hours > r.summary.hours);
}

#[test]
fn a_planned_node_is_no_endpoint_while_its_project_is_off() {
    // Maidan Shahr's rail station exists only in the scenario: Kabul is off the rail network.
    let off = rail("Kabul", "Tashkent", Scenario::default());
    assert!(
        off.is_err(),
        "{:?}",
        off.map(|r| r.routes[0].summary.distance_km)
    );
    let on = rail("Kabul", "Tashkent", library("trans-afghan-railway")).unwrap();
    assert_eq!(on.destination.country, "UZ");
    assert!(on.routes[0]
        .projects
        .contains(&"trans-afghan-railway".to_string()));
}

#[test]
fn a_country_pair_closure_closes_planned_crossings_too() {
    let mut s = library("trans-afghan-railway");
    s.close_country_pairs = vec!["AF-PK".into()];
    let r = rail("Termez", "Peshawar", s).unwrap();
    assert!(r.routes[0]
        .border_crossings
        .iter()
        .all(|c| c.id != "kharlachi"));
    // (The project's Pakistani branch to Kohat may still serve a route that comes round by
    // Iran; Afghanistan is left out.)
    assert!(!r.routes[0].summary.countries.contains(&"AF".to_string()));
}

/// Taking out the rail links at the Friendship Bridge leaves Termez - Mazar-i-Sharif by rail
/// to go round (or not at all), and a removal that catches nothing is refused.
#[test]
fn removed_links_are_not_used_and_a_removal_must_catch_something() {
    let base = rail("Termez", "Mazar-e Sharif", Scenario::default()).unwrap();
    assert!(base.routes[0]
        .border_crossings
        .iter()
        .any(|b| b.id == "hairatan-termez"));
    let bridge = Scenario {
        remove_links: vec![RemoveLinks {
            mode: "rail".into(),
            lat: 37.2344,
            lon: 67.4222,
            radius_km: Some(3.0),
            name: Some("Friendship Bridge".into()),
        }],
        ..Scenario::default()
    };
    match rail("Termez", "Mazar-e Sharif", bridge) {
        Ok(r) => {
            assert!(r.routes[0]
                .border_crossings
                .iter()
                .all(|b| b.id != "hairatan-termez"));
            assert!(r.routes[0].summary.objective > base.routes[0].summary.objective);
        }
        Err(e) => assert!(!e.is_bad_input(), "{e}"),
    }
    let nowhere = Scenario {
        remove_links: vec![RemoveLinks {
            mode: "rail".into(),
            lat: 10.0,
            lon: -30.0,
            radius_km: Some(5.0),
            name: None,
        }],
        ..Scenario::default()
    };
    let e = router()
        .validate_scenario(&nowhere)
        .unwrap_err()
        .to_string();
    assert!(e.contains("no rail link ends within 5 km"), "{e}");
}

#[test]
fn a_rail_tariff_cut_lowers_rail_costs_by_its_factor() {
    let base = rail("Tashkent", "Almaty", Scenario::default()).unwrap();
    let cut = rail(
        "Tashkent",
        "Almaty",
        Scenario {
            mode_changes: vec![ModeChange {
                mode: "rail".into(),
                cost_factor: Some(0.8),
                ..ModeChange::default()
            }],
            ..Scenario::default()
        },
    )
    .unwrap();
    let (b, c) = (&base.routes[0].summary, &cut.routes[0].summary);
    assert!((b.distance_km - c.distance_km).abs() < 1e-6, "same route");
    let rail_usd = |r: &caravan_route::Route| -> f64 {
        r.legs
            .iter()
            .filter(|l| l.mode == "rail")
            .map(|l| l.cost_usd)
            .sum()
    };
    let (rb, rc) = (rail_usd(&base.routes[0]), rail_usd(&cut.routes[0]));
    assert!((rc - 0.8 * rb).abs() < 0.05 * rb.max(1.0), "{rb} -> {rc}");
}

fn options() -> MatrixOptions {
    MatrixOptions::default()
}

fn places(n: usize) -> Vec<Location> {
    largest_places(router().network(), n)
        .into_iter()
        .map(Location::Place)
        .collect()
}

/// The 200 largest places, base vs every library scenario: each comparison's cells equal
/// single routes under the same scenario (checked on the pairs that change most).
#[test]
fn comparisons_of_the_200_largest_places_agree_with_single_routes() {
    let p = places(200);
    assert_eq!(p.len(), 200);
    for e in router().library().entries() {
        let c = compare(router(), p.clone(), p.clone(), &options(), &e.scenario).unwrap();
        assert_eq!(c.pairs.len(), 200 * 199, "{}", e.id);
        let mut changed: Vec<_> = c
            .pairs
            .iter()
            .filter(|d| d.delta_generalized_usd.is_some_and(|x| x.abs() > 0.01))
            .collect();
        changed.sort_by(|a, b| {
            a.delta_generalized_usd
                .unwrap()
                .abs()
                .total_cmp(&b.delta_generalized_usd.unwrap().abs())
                .reverse()
        });
        for d in changed.iter().take(3) {
            for (scenario, hours, cost) in [
                (Scenario::default(), d.base_hours, d.base_cost_usd),
                (e.scenario.clone(), d.scenario_hours, d.scenario_cost_usd),
            ] {
                let req = options().route(p[d.source].clone(), p[d.target].clone());
                let r = router().route(&RouteRequest { scenario, ..req }).unwrap();
                let s = &r.routes[0].summary;
                assert!(
                    (s.hours - hours.unwrap()).abs() < 0.02,
                    "{}: {} vs {:?}",
                    e.id,
                    s.hours,
                    hours
                );
                assert!(
                    (s.cost_usd - cost.unwrap()).abs() < 0.02,
                    "{}: {} vs {:?}",
                    e.id,
                    s.cost_usd,
                    cost
                );
            }
        }
        if e.id == "trans-afghan-railway" {
            assert!(c.improved_pairs > 100, "{}", c.improved_pairs);
            assert!(c.corridor_changed_share > 0.0);
            assert!(c
                .winners
                .iter()
                .any(|w| w.country == "AF" || w.country == "PK"));
        }
    }
}

fn every_cell(s: &Scenario, n: usize) -> Vec<Option<f64>> {
    let mut o = options();
    o.scenario = s.clone();
    let p = places(n);
    router()
        .matrix(&caravan_route::MatrixRequest {
            sources: p.clone(),
            targets: p,
            pairs: None,
            corridor_keys: false,
            options: o,
        })
        .unwrap()
        .cells
        .iter()
        .map(|c| c.objective)
        .collect()
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn listed_bcps() -> Vec<String> {
        let net = router().network();
        net.bcps
            .iter()
            .filter(|b| b.listed && b.project_free(net))
            .map(|b| b.key())
            .collect()
    }

    trait ProjectFree {
        fn project_free(&self, net: &Network) -> bool;
    }
    impl ProjectFree for caravan_net::Bcp {
        fn project_free(&self, net: &Network) -> bool {
            !net.projects.iter().any(|p| {
                p.bcps
                    .iter()
                    .any(|&i| net.bcps[i as usize].key() == self.key())
            })
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

        /// Closing crossings, closing country pairs, slowing borders and dearer modes never
        /// make a pair cheaper (or reachable when it was not).
        #[test]
        fn a_scenario_that_only_restricts_never_shortens_a_route(
            picks in proptest::collection::vec(0usize..1000, 1..6),
            factor in 1.0f64..3.0,
            pair in proptest::sample::select(vec!["AF-PK", "KZ-UZ", "CN-KZ", "IR-TM", "KG-UZ"]),
        ) {
            let bcps = listed_bcps();
            let s = Scenario {
                close_bcps: picks.iter().map(|i| bcps[i % bcps.len()].clone()).collect(),
                close_country_pairs: vec![pair.to_string()],
                bcp_changes: vec![BcpChange { bcp: bcps[picks[0] % bcps.len()].clone(), wait_factor: Some(factor), ..BcpChange::default() }],
                mode_changes: vec![ModeChange { mode: "road".into(), cost_factor: Some(factor), ..ModeChange::default() }],
                // The rail bridge at Termez, or the Salang tunnel's road.
                remove_links: vec![if picks[0] % 2 == 0 {
                    RemoveLinks { mode: "rail".into(), lat: 37.2344, lon: 67.4222, radius_km: Some(3.0), name: None }
                } else {
                    RemoveLinks { mode: "road".into(), lat: 35.36, lon: 68.96, radius_km: Some(5.0), name: None }
                }],
                ..Scenario::default()
            };
            prop_assert!(s.only_restricts());
            let (base, with) = (every_cell(&Scenario::default(), 40), every_cell(&s, 40));
            for (b, w) in base.iter().zip(&with) {
                match (b, w) {
                    (Some(b), Some(w)) => prop_assert!(w >= &(b - 1e-6 * b.abs().max(1.0)), "{b} -> {w}"),
                    (None, Some(w)) => prop_assert!(false, "unreachable became {w}"),
                    _ => {}
                }
            }
        }

        /// Switching projects on, opening crossings and faster borders never make a pair
        /// dearer (or unreachable).
        #[test]
        fn a_scenario_that_only_adds_never_lengthens_a_route(
            mask in 1u8..64,
            factor in 0.2f64..1.0,
        ) {
            let lib = router().library();
            let ids: Vec<String> = lib.entries().iter().filter(|e| e.kind == "project").map(|e| e.id.clone()).collect();
            let mut s = Scenario::default();
            for (i, id) in ids.iter().enumerate() {
                if mask & (1 << i) != 0 { s.projects.push(id.clone()); }
            }
            if mask & 16 != 0 { s.open_bcps = vec!["torkham".into(), "chaman-spin-boldak".into()]; }
            if mask & 32 != 0 {
                s.bcp_changes = vec![BcpChange { bcp: "khorgos".into(), wait_factor: Some(factor), ..BcpChange::default() }];
            }
            s.mode_changes = vec![ModeChange { mode: "rail".into(), speed_factor: Some(1.0 / factor), ..ModeChange::default() }];
            let (base, with) = (every_cell(&Scenario::default(), 40), every_cell(&s, 40));
            for (b, w) in base.iter().zip(&with) {
                match (b, w) {
                    (Some(b), Some(w)) => prop_assert!(w <= &(b + 1e-6 * b.abs().max(1.0)), "{b} -> {w}"),
                    (Some(b), None) => prop_assert!(false, "{b} became unreachable"),
                    _ => {}
                }
            }
        }
    }
}

#[test]
fn accessibility_rises_where_the_trans_afghan_line_runs_and_never_falls() {
    let e = caravan_impact::fitted_distance_elasticity().unwrap();
    let r = accessibility(
        router(),
        places(60),
        largest_places(router().network(), 100),
        &options(),
        &library("trans-afghan-railway"),
        (e.elasticity, e.source),
    )
    .unwrap();
    assert_eq!(r.places.len(), 60);
    let kabul = r
        .places
        .iter()
        .find(|p| p.name == "Kabul")
        .expect("Kabul is among the 60 largest");
    assert!(kabul.delta_market_access_pct.unwrap() > 1.0, "{kabul:?}");
    for p in &r.places {
        if let Some(d) = p.delta_market_access_pct {
            assert!(d >= -1e-6, "{}: {d}", p.name);
        }
        if let Some(d) = p.delta_port_hours {
            // Ports are chosen by generalized cost: the hours may move either way, the cost not.
            let (b, s) = (
                p.base.port_cost_usd.unwrap(),
                p.scenario.port_cost_usd.unwrap(),
            );
            let _ = d;
            assert!(
                s <= b + 0.01 || p.scenario.port != p.base.port,
                "{}: {b} -> {s}",
                p.name
            );
        }
    }
    // The closure of every AF-PK crossing lowers (never raises) accessibility.
    let closed = accessibility(
        router(),
        places(60),
        largest_places(router().network(), 100),
        &options(),
        &library("af-pk-closed"),
        (e.elasticity, "fit".into()),
    )
    .unwrap();
    for p in &closed.places {
        if let Some(d) = p.delta_market_access_pct {
            assert!(d <= 1e-6, "{}: {d}", p.name);
        }
    }
}
