//! GE from a panel's pair fixed effects: the Advanced Guide's ch. 2 application 2 (NAFTA
//! removed, baseline 1994) against the book's own Stata results, and the scaling of trade costs
//! to output and expenditure by hand. The application reads ../shared/data and is skipped, with
//! a message, without it.

use std::path::{Path, PathBuf};

use caravan_gravity::counterfactual::{self, fit_to_margins, CounterfactualSpec, PairEffects};
use caravan_gravity::{Formula, Shock, Table};

fn panel_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/agtpa_ch2_rta_panel_1986_2006.csv")
}

/// Costs all 1, output (3, 1), expenditure (2, 2): x_ij = a_i b_j, so rows are 3/2 and 1/2 of
/// each column's 2 spread evenly: ((1.5, 1.5), (0.5, 0.5)).
#[test]
fn scaling_to_margins_by_hand() {
    let x = fit_to_margins(&[1.0; 4], &[3.0, 1.0], &[2.0, 2.0]).unwrap();
    for (a, b) in x.iter().zip([1.5, 1.5, 0.5, 0.5]) {
        assert!((a - b).abs() < 1e-12, "{x:?}");
    }
    // Costs that already fit come back unchanged, whatever their scale.
    let c = [4.0, 1.0, 2.0, 3.0];
    let x = fit_to_margins(&c.map(|v| v * 7.0), &[5.0, 5.0], &[6.0, 4.0]).unwrap();
    for (a, b) in x.iter().zip(c) {
        assert!((a - b).abs() < 1e-12, "{x:?}");
    }
    assert!(fit_to_margins(&[1.0; 4], &[3.0, 1.0], &[2.0, 3.0]).is_err());
}

/// RTAsEffects.do of the Advanced Guide (Yotov, Piermartini, Monteiro and Larch 2016, ch. 2
/// application 2), as run in pachadotdev/tradepolicy commit 342a655,
/// 00-application-files/Chapter2/Applications/2_RTAsEffects/Results/: RTAsEffects.log (the
/// coefficients) and 2_RTAsEffects_FULL.xls (the GE; it reports the effect of NAFTA, baseline
/// against the no-NAFTA counterfactual, 100 (BLN / CFL - 1)).
#[test]
fn nafta_application_matches_the_book() {
    let path = panel_path();
    if !path.exists() {
        eprintln!("skipping: {} not found", path.display());
        return;
    }
    let raw = Table::read_csv_path(&path, None).unwrap();
    // The do-file's pair id: one per unordered pair, one shared by every domestic pair.
    let (e, i) = (raw.text("exporter").unwrap(), raw.text("importer").unwrap());
    let pair: Vec<String> = e
        .iter()
        .zip(i)
        .map(|(a, b)| match a.cmp(b) {
            std::cmp::Ordering::Equal => "DOMESTIC".to_string(),
            std::cmp::Ordering::Less => format!("{a}-{b}"),
            std::cmp::Ordering::Greater => format!("{b}-{a}"),
        })
        .collect();
    let mut cols: Vec<(String, Vec<String>)> = raw
        .names()
        .iter()
        .map(|n| (n.clone(), raw.text(n).unwrap().to_vec()))
        .collect();
    cols.push(("pair".into(), pair));
    let table = Table::from_columns(cols).unwrap();
    let stage2 = Formula::parse("y ~ log(DIST) + CNTG + LANG + CLNY")
        .unwrap()
        .regressors;
    let nafta = ["CAN", "MEX", "USA"];
    let mut pairs = Vec::new();
    for a in nafta {
        for b in nafta {
            if a != b {
                pairs.push((a.to_string(), b.to_string()));
            }
        }
    }
    let spec = CounterfactualSpec {
        formula: Formula::parse("trade ~ RTA | exporter^year + importer^year + pair").unwrap(),
        exporter: "exporter".into(),
        importer: "importer".into(),
        filter: Some(("year".into(), "1994".into())),
        shock: Shock::Terms {
            assignments: vec![("RTA".into(), 0.0)],
            pairs,
        },
        sigma: 7.0,
        reference: "DEU".into(),
        pair_effects: Some(PairEffects {
            term: "pair".into(),
            stage2,
        }),
    };
    let r = counterfactual::run(&table, &spec).unwrap();
    let coef = |e: &caravan_gravity::Estimate, t: &str| e.coefficient(t).unwrap().estimate;
    // Printed to 7 digits in the log; both fits converge far tighter.
    assert!((coef(&r.estimate, "RTA") - 0.5571853).abs() < 1e-6);
    let s2 = r
        .stage2
        .as_ref()
        .expect("14 pairs never trade: a second stage");
    assert_eq!(s2.n_obs, 4678);
    for (t, b) in [
        ("log(DIST)", -0.8475027),
        ("CNTG", 0.2940831),
        ("LANG", 0.3632659),
        ("CLNY", 0.2394163),
    ] {
        assert!((coef(s2, t) - b).abs() < 1e-6, "{t}: {}", coef(s2, t));
    }
    // The baseline adds up to the year's observed output and expenditure.
    let n = r.ge.full.len();
    assert_eq!(n, 69);
    let year = table.text("year").unwrap();
    let trade = table.numeric("trade").unwrap();
    let c = |k: &str| r.ge.full.iter().position(|x| x.country == k).unwrap();
    let mut out = vec![0.0; n];
    for k in 0..table.n_rows() {
        if year[k] == "1994" {
            out[c(&e[k])] += trade[k].unwrap_or(0.0);
        }
    }
    for (i, y) in out.iter().enumerate() {
        let fitted: f64 = r.ge.bilateral[i * n..(i + 1) * n]
            .iter()
            .map(|b| b.baseline)
            .sum();
        assert!((fitted - y).abs() < 1e-9 * y, "{}", r.ge.full[i].country);
    }
    let flip = |pct: f64| 100.0 * (1.0 / (1.0 + pct / 100.0) - 1.0);
    // Conditional GE: the same system, solved exactly by both; agrees to 1e-4 pp.
    for (k, book) in [
        ("CAN", 34.99183120232583),
        ("MEX", 41.64077843554272),
        ("USA", 14.48084908706404),
        ("DEU", -0.13822224707731584),
        ("COL", -1.8004943205503727),
    ] {
        let ours = flip(r.ge.conditional[c(k)].exports_pct.unwrap());
        assert!((ours - book).abs() < 1e-4, "{k}: {ours} vs {book}");
    }
    // Full GE: the book stops its loop at a 0.01 tolerance and keeps E = phi Y; ours is solved
    // to 1e-13 with imbalances fixed relative to world output. The documented gaps (README):
    assert!(r.ge.max_market_clearing_error < 1e-8);
    for (k, book, tol) in [
        ("CAN", 3.403421955971004, 0.05),
        ("MEX", 3.810068107776241, 0.05),
        ("USA", 0.33463227372985965, 0.01),
    ] {
        let ours = flip(r.ge.full[c(k)].real_gdp_pct.unwrap());
        assert!((ours - book).abs() < tol, "{k}: real GDP {ours} vs {book}");
    }
}
