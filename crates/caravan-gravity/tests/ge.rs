//! GE counterfactuals: a 3-country system solved by hand, and invariants (market clearing,
//! zero shock, the ACR welfare identity, independence of the reference country in real terms).

use caravan_gravity::{GeOptions, GeProblem};
use proptest::prelude::*;

fn symmetric(a: f64, b: f64, c: f64, sigma: f64) -> GeProblem {
    let flows = vec![a, b, b, b, a, b, b, b, a];
    let shock = (0..9).map(|k| if k % 4 == 0 { 1.0 } else { c }).collect();
    GeProblem {
        countries: vec!["A".into(), "B".into(), "C".into()],
        flows,
        shock,
        sigma,
        reference: 0,
    }
}

/// By hand: three symmetric countries (domestic sales a = 6, each bilateral flow b = 2), every
/// international t^(1-sigma) multiplied by c = 1.5, sigma = 5 (theta = 4). Symmetry gives one
/// price p; P_ref = 1 gives p^-4 (a + 2b) / (a + 2bc) ... = 1, so p = (12/10)^(1/4), real GDP
/// p / P = 1.2^(1/4) (= the ACR formula with lambda_ii from 0.6 to 0.5), international flows x
/// c p (a + 2b) / (a + 2bc) = 1.5 p / 1.2, domestic sales x p / 1.2.
/// Conditional GE (Y, E fixed): Pi^(1-sigma) P^(1-sigma) = (a + 2bc) / (a + 2b) = 1.2 with
/// P_ref = 1, so Pi = 1.2^(-1/4) and international flows x 1.5 / 1.2.
#[test]
fn symmetric_three_country_system_solved_by_hand() {
    let r = symmetric(6.0, 2.0, 1.5, 5.0)
        .solve(GeOptions::default())
        .unwrap();
    let p = 1.2f64.powf(0.25);
    for c in &r.full {
        assert!((c.producer_price_pct.unwrap() - 100.0 * (p - 1.0)).abs() < 1e-9);
        assert!((c.real_gdp_pct.unwrap() - 100.0 * (p - 1.0)).abs() < 1e-9);
        assert!(c.imr_pct.abs() < 1e-9);
        assert!((c.exports_pct.unwrap() - 100.0 * (1.5 * p / 1.2 - 1.0)).abs() < 1e-9);
        assert!((c.domestic_sales_pct.unwrap() - 100.0 * (p / 1.2 - 1.0)).abs() < 1e-9);
    }
    for c in &r.conditional {
        assert!((c.exports_pct.unwrap() - 100.0 * (1.5 / 1.2 - 1.0)).abs() < 1e-9);
        assert!((c.omr_pct - 100.0 * (1.2f64.powf(-0.25) - 1.0)).abs() < 1e-9);
        assert!(c.output_pct.unwrap().abs() < 1e-9);
    }
    assert!(r.max_market_clearing_error < 1e-12);
}

fn problem(flows: Vec<f64>, shock: Vec<f64>, sigma: f64, reference: usize) -> GeProblem {
    let n = (flows.len() as f64).sqrt() as usize;
    GeProblem {
        countries: (0..n).map(|i| format!("C{i}")).collect(),
        flows,
        shock,
        sigma,
        reference,
    }
}

#[test]
fn a_zero_shock_changes_nothing() {
    let flows = vec![50.0, 3.0, 7.0, 2.0, 20.0, 1.0, 9.0, 4.0, 80.0];
    let r = problem(flows, vec![1.0; 9], 6.0, 1)
        .solve(GeOptions::default())
        .unwrap();
    for c in r.full.iter().chain(&r.conditional) {
        for v in [
            c.exports_pct,
            c.imports_pct,
            c.producer_price_pct,
            c.real_gdp_pct,
        ]
        .into_iter()
        .flatten()
        {
            assert!(v.abs() < 1e-9, "{c:?}");
        }
        assert!(c.omr_pct.abs() < 1e-9 && c.imr_pct.abs() < 1e-9);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// For any baseline and shock: markets clear; real GDP obeys the ACR identity
    /// (lambda_ii change)^(-1/theta); real GDP and flows relative to world output do not depend
    /// on the reference country.
    #[test]
    fn invariants_hold(
        n in 2usize..6,
        seed in proptest::collection::vec(0.1f64..100.0, 36),
        shocks in proptest::collection::vec(0.5f64..2.0, 36),
        sigma in 2.0f64..9.0,
    ) {
        let flows: Vec<f64> = (0..n * n).map(|k| seed[k] * if k % (n + 1) == 0 { 10.0 } else { 1.0 }).collect();
        let shock: Vec<f64> = (0..n * n).map(|k| if k % (n + 1) == 0 { 1.0 } else { shocks[k] }).collect();
        let r0 = problem(flows.clone(), shock.clone(), sigma, 0).solve(GeOptions::default()).unwrap();
        let r1 = problem(flows.clone(), shock, sigma, n - 1).solve(GeOptions::default()).unwrap();
        prop_assert!(r0.max_market_clearing_error < 1e-9);
        let theta = sigma - 1.0;
        let w0: f64 = r0.bilateral.iter().map(|b| b.full).sum();
        let w1: f64 = r1.bilateral.iter().map(|b| b.full).sum();
        for i in 0..n {
            let e0: f64 = (0..n).map(|r| flows[r * n + i]).sum();
            let e1: f64 = (0..n).map(|r| r0.bilateral[r * n + i].full).sum();
            let lam = (r0.bilateral[i * n + i].full / e1) / (flows[i * n + i] / e0);
            let acr = 100.0 * (lam.powf(-1.0 / theta) - 1.0);
            prop_assert!((r0.full[i].real_gdp_pct.unwrap() - acr).abs() < 1e-7);
            prop_assert!((r0.full[i].real_gdp_pct.unwrap() - r1.full[i].real_gdp_pct.unwrap()).abs() < 1e-7);
            for j in 0..n {
                let k = i * n + j;
                prop_assert!((r0.bilateral[k].full / w0 - r1.bilateral[k].full / w1).abs() < 1e-9);
                prop_assert!((r0.bilateral[k].conditional - r1.bilateral[k].conditional).abs() < 1e-7 * (1.0 + flows[k]));
            }
        }
    }
}
