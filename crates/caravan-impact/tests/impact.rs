//! The impact model on the shipped network and the shipped baseline.

use std::path::PathBuf;
use std::sync::OnceLock;

use caravan_impact::{fitted_distance_elasticity, pair_costs, run, Baseline, ImpactSpec, Mapping};
use caravan_net::Network;
use caravan_route::{BcpChange, Location, RouteRequest, Router, Scenario};

fn router() -> &'static Router {
    static R: OnceLock<Router> = OnceLock::new();
    R.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data");
        Router::new(Network::load_dir(&dir).expect("the shipped network loads"))
    })
}

/// The shipped baseline cut to the countries the network joins (and two it does not), so
/// the tests route few pairs.
fn baseline() -> Baseline {
    let keep: Vec<String> = ["CHN", "IND", "IRN", "TUR", "DEU", "USA"]
        .map(String::from)
        .to_vec();
    Baseline::agtpa_ch2_2006().unwrap().subset(&keep).unwrap()
}

fn spec(scenario: Scenario) -> ImpactSpec {
    ImpactSpec {
        scenario,
        template: RouteRequest::default(),
        centres_per_country: 1,
        mapping: Mapping::AdValorem,
        sigma: 7.0,
        reference: "DEU".into(),
    }
}

fn close(id: &str) -> Scenario {
    Scenario {
        close_bcps: vec![id.into()],
        ..Scenario::default()
    }
}

#[test]
fn a_zero_scenario_changes_nothing() {
    let base = baseline();
    let t = std::time::Instant::now();
    let r = run(router(), &base, &spec(Scenario::default())).unwrap();
    eprintln!("zero scenario: {:?}, {} pairs", t.elapsed(), r.pairs.len());

    assert_eq!(r.changed_pairs, 0);
    assert!(r.pairs.iter().all(|p| p.trade_shock == 1.0));
    for c in r.ge.full.iter().chain(&r.ge.conditional) {
        for v in [c.exports_pct, c.imports_pct, c.real_gdp_pct]
            .into_iter()
            .flatten()
        {
            assert!(v.abs() < 1e-9, "{}: {v}", c.country);
        }
    }
    // Routing the same places twice gives the same answer (the empty scenario is not a
    // shortcut in pair_costs).
    let places: Vec<Location> = ["Istanbul", "Tehran", "Tabriz"]
        .iter()
        .map(|s| Location::Place(s.to_string()))
        .collect();
    let a = pair_costs(
        router(),
        &places,
        &places,
        &RouteRequest::default(),
        &Scenario::default(),
    )
    .unwrap();
    let b = pair_costs(
        router(),
        &places,
        &places,
        &RouteRequest::default(),
        &Scenario::default(),
    )
    .unwrap();
    assert_eq!(a, b);
    assert_eq!(a.len(), 9);
}

#[test]
fn closing_a_crossing_raises_the_costs_of_pairs_that_used_it_and_lowers_none() {
    let base = baseline();
    let zero = run(router(), &base, &spec(Scenario::default())).unwrap();
    let users: Vec<_> = zero
        .pairs
        .iter()
        .filter(|p| {
            p.bcps_base
                .iter()
                .any(|b| b.starts_with("bazargan-gurbulak:"))
        })
        .map(|p| (p.exporter.clone(), p.importer.clone()))
        .collect();
    assert!(
        !users.is_empty(),
        "some pair routes through Bazargan-Gurbulak"
    );
    let r = run(router(), &base, &spec(close("bazargan-gurbulak"))).unwrap();
    for p in &r.pairs {
        assert!(
            p.trade_cost_pct >= 0.0,
            "{}-{}: {}",
            p.exporter,
            p.importer,
            p.trade_cost_pct
        );
        assert!(p.trade_shock <= 1.0);
        if let (Some(b), Some(s)) = (&p.base, &p.scenario) {
            assert!(s.generalized_usd >= b.generalized_usd - 1e-6);
        }
        let used = users.contains(&(p.exporter.clone(), p.importer.clone()));
        if used {
            assert!(
                p.trade_cost_pct > 0.0,
                "{}-{} used the crossing",
                p.exporter,
                p.importer
            );
            assert!(p
                .bcps_scenario
                .iter()
                .all(|b| !b.starts_with("bazargan-gurbulak:")));
        } else {
            assert_eq!(
                p.trade_cost_pct, 0.0,
                "{}-{} did not use it",
                p.exporter, p.importer
            );
        }
    }
    // The shortcut in `run` (pairs avoiding a closed crossing are not routed again) holds on
    // the full matrix: every centre pair routed under the scenario.
    let places: Vec<Location> = r
        .centres
        .iter()
        .map(|c| Location::Place(c.place_id.clone()))
        .collect();
    let t = RouteRequest {
        carbon_price_usd_per_t: Some(0.0),
        ..RouteRequest::default()
    };
    let b = pair_costs(router(), &places, &places, &t, &Scenario::default()).unwrap();
    let s = pair_costs(router(), &places, &places, &t, &close("bazargan-gurbulak")).unwrap();
    for (p0, p1) in b.iter().zip(&s) {
        match (p0, p1) {
            (Some(p0), Some(p1)) => {
                assert!(p1.generalized_usd >= p0.generalized_usd - 1e-6);
                if !p0.bcps.iter().any(|x| x.starts_with("bazargan-gurbulak:")) {
                    assert_eq!(p0.generalized_usd, p1.generalized_usd);
                }
            }
            (None, p1) => assert!(p1.is_none()),
            (Some(_), None) => {}
        }
    }
    let irn = r.ge.full.iter().find(|c| c.country == "IRN").unwrap();
    assert!(irn.exports_pct.unwrap() < 0.0);
    assert!(r.ge.max_market_clearing_error < 1e-8);
}

#[test]
fn a_faster_crossing_lowers_costs_and_the_distance_mapping_agrees_in_sign() {
    let base = baseline();
    let faster = Scenario {
        bcp_changes: vec![BcpChange {
            bcp: "bazargan-gurbulak".into(),
            wait_factor: Some(0.5),
            ..BcpChange::default()
        }],
        ..Scenario::default()
    };
    let ad = run(router(), &base, &spec(faster.clone())).unwrap();
    assert!(ad.changed_pairs > 0);
    assert!(ad.pairs.iter().all(|p| p.trade_cost_pct <= 0.0));
    let d = fitted_distance_elasticity().unwrap();
    assert!(
        d.elasticity < 0.0 && d.elasticity > -2.0,
        "{}",
        d.elasticity
    );
    let de = run(
        router(),
        &base,
        &ImpactSpec {
            mapping: Mapping::DistanceElasticity(d),
            ..spec(faster)
        },
    )
    .unwrap();
    assert_eq!(de.changed_pairs, ad.changed_pairs);
    assert!(de.pairs.iter().all(|p| p.trade_shock >= 1.0));
}

#[test]
fn bad_input_is_named() {
    let base = baseline();
    let e = run(router(), &base, &spec(close("no-such-crossing"))).unwrap_err();
    assert!(e.to_string().contains("no-such-crossing"), "{e}");
    assert!(e.is_bad_input());
    let e = run(
        router(),
        &base,
        &ImpactSpec {
            reference: "XXX".into(),
            ..spec(Scenario::default())
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("XXX"), "{e}");
    let e = Baseline::from_csv(
        "exporter,importer,trade\nA,A,1\nA,B,-2\nB,B,1\n".as_bytes(),
        "t",
        None,
    )
    .unwrap_err();
    assert!(e.to_string().contains("line 3"), "{e}");
    let e = Baseline::from_csv(
        "exporter,importer,trade\nA,A,1\nA,B,2\n".as_bytes(),
        "t",
        None,
    )
    .unwrap_err();
    assert!(e.to_string().contains("domestic"), "{e}");
}
