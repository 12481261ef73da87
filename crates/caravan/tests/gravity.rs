//! `caravan gravity` through the real binary and over HTTP: estimates against the pyfixest
//! fixture, GE counterfactuals, and bad input (exit 2 / 400 with the line and column).

mod common;

use assert_cmd::Command;
use common::{assert_matches_schema, Server};
use serde_json::{json, Value};

const SYNTHETIC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../caravan-gravity/tests/fixtures/synthetic_ppml.csv"
);

fn caravan() -> Command {
    Command::cargo_bin("caravan").unwrap()
}

/// Three countries, flows including domestic sales, an RTA between A and B.
const THREE: &str = "exporter,importer,trade,RTA,DIST\n\
A,A,100,0,50\nA,B,20,1,800\nA,C,5,0,2000\n\
B,A,25,1,800\nB,B,120,0,60\nB,C,8,0,1500\n\
C,A,4,0,2000\nC,B,9,0,1500\nC,C,90,0,40\n";

#[test]
fn estimate_json_matches_the_pyfixest_fixture() {
    let out = caravan()
        .args(["gravity", "estimate", "--input", SYNTHETIC])
        .args(["--formula", "y ~ x1 + x2 | exp + imp^t", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let fixture: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../caravan-gravity/tests/fixtures/pyfixest_reference.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let m = &fixture["models"][0];
    assert_eq!(v["n_obs"], m["n_obs"]);
    for c in v["coefficients"].as_array().unwrap() {
        let t = c["term"].as_str().unwrap();
        assert!((c["estimate"].as_f64().unwrap() - m["coef"][t].as_f64().unwrap()).abs() < 1e-6);
        assert!((c["std_error"].as_f64().unwrap() - m["se"][t].as_f64().unwrap()).abs() < 1e-4);
    }
    let reasons: Vec<&str> = v["dropped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["fe_all_zero", "singleton"]);

    for (fmt, needle) in [
        ("table", "Observations: 396"),
        ("csv", "term,estimate,std_error"),
        ("latex", "\\begin{tabular}"),
    ] {
        caravan()
            .args([
                "gravity",
                "estimate",
                "-i",
                SYNTHETIC,
                "--cluster",
                "exp^imp",
            ])
            .args(["--formula", "y ~ x1 + x2 | exp + imp^t", "--format", fmt])
            .assert()
            .success()
            .stdout(predicates::str::contains(needle));
    }
}

#[test]
fn bad_input_exits_2_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "y,x,g\n1,2,a\n2,abc,b\n").unwrap();
    for (args, needle) in [
        (vec!["--formula", "y ~ x |"], "cannot parse formula"),
        (vec!["--formula", "y ~ z | g"], "unknown column `z`"),
        (
            vec!["--formula", "y ~ x | g"],
            "line 3, column `x`: `abc` is not a number",
        ),
    ] {
        caravan()
            .args(["gravity", "estimate", "--input"])
            .arg(&bad)
            .args(args)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(needle));
    }
}

#[test]
fn ge_counterfactual_from_a_coefficient_change() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("three.csv");
    std::fs::write(&f, THREE).unwrap();
    let out = caravan()
        .args(["gravity", "ge", "--input"])
        .arg(&f)
        .args(["--formula", "trade ~ log(DIST) + RTA | exporter + importer"])
        .args([
            "--counterfactual",
            "RTA=0",
            "--sigma",
            "7",
            "--reference",
            "C",
        ])
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let countries = v["countries"].as_array().unwrap();
    assert_eq!(countries.len(), 3);
    let rta = v["estimate"]["coefficients"][1]["estimate"]
        .as_f64()
        .unwrap();
    let a = &countries[0];
    assert_eq!(a["country"], "A");
    // Switching off an agreement with a positive effect lowers A's exports and real GDP.
    if rta > 0.0 {
        assert!(a["exports_pct"].as_f64().unwrap() < 0.0);
        assert!(a["real_gdp_pct"].as_f64().unwrap() < 0.0);
    }
    assert!(v["ge"]["max_market_clearing_error"].as_f64().unwrap() < 1e-9);
    assert!(countries[2]["imr_pct"].as_f64().unwrap().abs() < 1e-9);
    assert!(v["ge"]["conditional"][0]["omr_pct"].is_number());

    caravan()
        .args(["gravity", "ge", "--input"])
        .arg(&f)
        .args(["--formula", "trade ~ RTA | exporter + importer"])
        .args(["--counterfactual", "CNTG=1", "--reference", "C"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not a regressor"));
}

#[test]
fn gravity_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("s.sqlite"));
    let post = |path: &str, body: Value| server.send("POST", path, &body);
    let (status, est) = post(
        "/v1/gravity/estimate",
        json!({"formula": "trade ~ log(DIST) + RTA | exporter + importer", "csv": THREE}),
    );
    assert_eq!(status, 200, "{est}");
    assert_eq!(est["coefficients"][0]["term"], "log(DIST)");
    let (status, ge) = post(
        "/v1/gravity/ge",
        json!({"formula": "trade ~ log(DIST) + RTA | exporter + importer", "csv": THREE,
               "counterfactual": {"RTA": 0}, "pairs": ["A-B"], "reference": "C"}),
    );
    assert_eq!(status, 200, "{ge}");
    assert_eq!(ge["ge"]["full"].as_array().unwrap().len(), 3);
    let (status, err) = post(
        "/v1/gravity/estimate",
        json!({"formula": "trade ~ nope | exporter", "csv": THREE}),
    );
    assert_eq!(status, 400);
    assert_eq!(err["error"]["code"], "unknown_column");
    let (status, err) = post(
        "/v1/gravity/estimate",
        json!({"formula": "trade ~ RTA | exporter", "csv": "exporter,trade,RTA\nA,-1,0\nB,2,1\n"}),
    );
    assert_eq!(status, 400);
    assert_eq!(err["error"]["code"], "negative_outcome");
    let (_, doc) = server.get("/openapi.json");
    assert!(doc["paths"]["/v1/gravity/ge"]["post"].is_object());
    for (name, value) in [("Estimate", &est), ("Counterfactual", &ge)] {
        assert_matches_schema(&doc, name, value);
    }
}
