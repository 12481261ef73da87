//! Separation: data sets where a naive PPML never converges (coefficients drift to infinity),
//! and what the checks drop.

use caravan_gravity::{estimate, Formula, GravityError, PpmlOptions, Table};

fn table(rows: &[(f64, f64, f64, &str)]) -> Table {
    let mut csv = String::from("y,x1,x2,g\n");
    for (y, a, b, g) in rows {
        csv.push_str(&format!("{y},{a},{b},{g}\n"));
    }
    Table::read_csv(csv.as_bytes(), None).unwrap()
}

/// x1 is positive only where y = 0 (the classic case of Santos Silva and Tenreyro 2010): the
/// likelihood rises forever as the x1 coefficient goes to minus infinity.
fn regressor_separated() -> Table {
    table(&[
        (0.0, 1.0, 0.3, "a"),
        (0.0, 2.0, -0.2, "a"),
        (1.0, 0.0, 0.5, "a"),
        (3.0, 0.0, 1.1, "a"),
        (2.0, 0.0, 0.1, "b"),
        (0.0, 0.0, -0.4, "b"),
        (4.0, 0.0, 0.9, "b"),
        (1.0, 0.0, -0.3, "b"),
        (5.0, 0.0, 1.4, "c"),
        (2.0, 0.0, 0.2, "c"),
        (0.0, 0.0, -1.0, "c"),
        (3.0, 0.0, 0.6, "c"),
    ])
}

#[test]
fn naive_ppml_never_converges_on_separated_data() {
    let opts = PpmlOptions {
        separation_relu: false,
        ..PpmlOptions::default()
    };
    let f = Formula::parse("y ~ x1 + x2 | g").unwrap();
    match estimate(&regressor_separated(), &f, &opts) {
        Err(GravityError::NotConverged(m)) => assert!(m.contains("x1"), "{m}"),
        other => panic!("expected non-convergence, got {other:?}"),
    }
}

#[test]
fn relu_check_drops_the_separated_observations_and_the_term() {
    let f = Formula::parse("y ~ x1 + x2 | g").unwrap();
    let e = estimate(&regressor_separated(), &f, &PpmlOptions::default()).unwrap();
    let sep = e.dropped.iter().find(|d| d.reason == "separated").unwrap();
    assert_eq!(sep.count, 2);
    assert_eq!(sep.lines, vec![2, 3]);
    assert!(e
        .dropped
        .iter()
        .any(|d| d.reason == "collinear_after_separation" && d.detail.contains("x1")));
    assert_eq!(e.n_obs, 10);
    // The rest is an ordinary PPML: same estimate as fitting without the separated rows.
    let rest = table(&[
        (1.0, 0.0, 0.5, "a"),
        (3.0, 0.0, 1.1, "a"),
        (2.0, 0.0, 0.1, "b"),
        (0.0, 0.0, -0.4, "b"),
        (4.0, 0.0, 0.9, "b"),
        (1.0, 0.0, -0.3, "b"),
        (5.0, 0.0, 1.4, "c"),
        (2.0, 0.0, 0.2, "c"),
        (0.0, 0.0, -1.0, "c"),
        (3.0, 0.0, 0.6, "c"),
    ]);
    let f2 = Formula::parse("y ~ x2 | g").unwrap();
    let e2 = estimate(&rest, &f2, &PpmlOptions::default()).unwrap();
    let (a, b) = (
        e.coefficient("x2").unwrap().estimate,
        e2.coefficient("x2").unwrap().estimate,
    );
    assert!((a - b).abs() < 1e-9, "{a} vs {b}");
}

/// A fixed-effect group with only zeros (group `z`) separates through its fixed effect (its
/// coefficient would go to minus infinity); those rows are dropped and reported.
#[test]
fn fixed_effect_separation_is_reported() {
    let t = table(&[
        (0.0, 0.0, 0.3, "z"),
        (0.0, 0.0, -0.2, "z"),
        (1.0, 0.0, 0.5, "a"),
        (3.0, 1.0, 1.1, "a"),
        (2.0, 0.0, 0.1, "a"),
        (0.0, 2.0, -0.4, "b"),
        (4.0, 0.0, 0.9, "b"),
        (1.0, 0.0, -0.3, "b"),
        (5.0, 1.0, 1.4, "c"),
        (2.0, 0.0, 0.2, "c"),
        (0.0, 1.0, -1.0, "c"),
        (3.0, 0.0, 0.6, "c"),
    ]);
    let f = Formula::parse("y ~ x1 + x2 | g").unwrap();
    let e = estimate(&t, &f, &PpmlOptions::default()).unwrap();
    let fe = e
        .dropped
        .iter()
        .find(|d| d.reason == "fe_all_zero")
        .unwrap();
    assert_eq!((fe.count, fe.lines.clone()), (2, vec![2, 3]));
    assert!(e.converged);
}

#[test]
fn bad_input_is_named() {
    let t = Table::read_csv("y,x,g\n1,2,a\n-3,1,a\n2,0,b\n".as_bytes(), None).unwrap();
    let e = estimate(
        &t,
        &Formula::parse("y ~ x | g").unwrap(),
        &PpmlOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("line 3") && e.contains("negative"), "{e}");
    let e = estimate(
        &t,
        &Formula::parse("y ~ q | g").unwrap(),
        &PpmlOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("unknown column `q`"), "{e}");
    let t = Table::read_csv(
        "y,x,w,g\n1,2,4,a\n3,1,2,a\n2,0,0,b\n5,3,6,b\n".as_bytes(),
        None,
    )
    .unwrap();
    let e = estimate(
        &t,
        &Formula::parse("y ~ x + w | g").unwrap(),
        &PpmlOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&e, GravityError::Collinear { term, with } if term == "w" && with.contains("`x`")),
        "{e}"
    );
    let e = estimate(
        &t,
        &Formula::parse("y ~ log(x) | g").unwrap(),
        &PpmlOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("line 4") && e.contains("log(x)"), "{e}");
}
