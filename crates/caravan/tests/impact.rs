//! `caravan impact` through the real binary: a closed crossing on the shipped network and the
//! shipped baseline (cut to a few countries), the zero scenario, and bad input.

mod common;

use assert_cmd::Command;
use common::{assert_matches_schema, Server};
use serde_json::Value;

fn caravan() -> Command {
    Command::cargo_bin("caravan").unwrap()
}

const FEW: &str = "CHN,IND,IRN,TUR,DEU,USA";

fn json(args: &[&str]) -> Value {
    let out = caravan()
        .args(["impact", "--countries", FEW, "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn country<'a>(v: &'a Value, c: &str) -> &'a Value {
    v["countries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["country"] == c)
        .unwrap()
}

#[test]
fn closing_bazargan_cuts_iran_turkey_trade_from_a_scenario_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("close.toml");
    std::fs::write(
        &file,
        "name = \"Bazargan closed\"\nclose_bcps = [\"bazargan-gurbulak\"]\n",
    )
    .unwrap();
    let v = json(&["--scenario", file.to_str().unwrap()]);
    assert_eq!(v["scenario"]["close_bcps"][0], "bazargan-gurbulak");
    assert!(v["changed_pairs"].as_u64().unwrap() >= 2);
    let irn_tur = v["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["exporter"] == "IRN" && p["importer"] == "TUR")
        .unwrap();
    assert_eq!(irn_tur["status"], "changed");
    assert!(irn_tur["trade_cost_pct"].as_f64().unwrap() > 0.0);
    assert!(country(&v, "IRN")["exports_pct"].as_f64().unwrap() < 0.0);
    assert!(country(&v, "TUR")["real_gdp_pct"].as_f64().unwrap() < 0.0);
    assert_eq!(
        v["coverage"]["not_routed_countries"],
        serde_json::json!(["DEU", "USA"])
    );
    let assumptions = v["assumptions"].as_array().unwrap();
    assert!(assumptions
        .iter()
        .any(|a| a.as_str().unwrap().contains("Hummels")));
    // The table names the changed pairs and lists the assumptions.
    let out = caravan()
        .args([
            "impact",
            "--countries",
            FEW,
            "--close-bcp",
            "bazargan-gurbulak",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("IRN  TUR"), "{text}");
    assert!(text.contains("Assumptions:"), "{text}");
}

/// Kazakhstan and Uzbekistan are not in the GE (the shared data has no domestic sales for them,
/// nor Uzbekistan's exports): closing their crossings names them as not covered, with why, and
/// gives no figures for them.
#[test]
fn a_scenario_on_countries_outside_the_ge_says_so() {
    let v = json(&[
        "--scenario",
        "../../examples/scenarios/kz_uz_road_closed.toml",
    ]);
    let cov = &v["coverage"];
    assert_eq!(
        cov["scenario_countries_not_in_ge"],
        serde_json::json!(["KZ", "UZ"])
    );
    let uz = cov["not_in_ge"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["country"] == "UZ")
        .unwrap();
    assert!(
        uz["reason"]
            .as_str()
            .unwrap()
            .contains("no row with UZB as exporter"),
        "{uz}"
    );
    assert!(v["assumptions"][0]
        .as_str()
        .unwrap()
        .starts_with("NOT COVERED: the scenario changes crossings on the borders of KZ, UZ"));
    for c in v["countries"].as_array().unwrap() {
        assert!(!["KAZ", "UZB", "KZ", "UZ"].contains(&c["country"].as_str().unwrap()));
    }
    let out = caravan()
        .args([
            "impact",
            "--countries",
            FEW,
            "--scenario",
            "../../examples/scenarios/kz_uz_road_closed.toml",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.contains("NOT COVERED: the scenario changes crossings on the borders of KZ, UZ"),
        "{text}"
    );
    // Iran and Turkey are in the GE: closing Bazargan leaves nothing uncovered.
    let v = json(&["--close-bcp", "bazargan-gurbulak"]);
    assert_eq!(
        v["coverage"]["scenario_countries_not_in_ge"],
        serde_json::json!([])
    );
}

#[test]
fn the_zero_scenario_changes_nothing() {
    let v = json(&[]);
    assert_eq!(v["changed_pairs"], 0);
    for c in v["countries"].as_array().unwrap() {
        for k in ["exports_pct", "imports_pct", "real_gdp_pct"] {
            assert!(c[k].as_f64().unwrap().abs() < 1e-9, "{c}");
        }
    }
}

#[test]
fn bad_input_exits_2_naming_what_is_wrong() {
    let cases: &[(&[&str], &str)] = &[
        (&["--close-bcp", "no-such-post"], "no-such-post"),
        (&["--reference", "ATL"], "ATL"),
        (&["--countries", "CHN,XYZ"], "XYZ"),
        (&["--sigma", "0.5"], "sigma"),
        (&["--centres", "9"], "centres"),
        (
            &[
                "--mapping",
                "distance-elasticity",
                "--distance-elasticity",
                "0.8",
            ],
            "negative",
        ),
        (&["--year", "2006"], "--baseline"),
    ];
    for (args, needle) in cases {
        let out = caravan().arg("impact").args(*args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("b.csv");
    std::fs::write(
        &file,
        "exporter,importer,trade\nCHN,CHN,10\nCHN,IND,x\nIND,IND,5\n",
    )
    .unwrap();
    let out = caravan()
        .args([
            "impact",
            "--reference",
            "CHN",
            "--baseline",
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 3") && err.contains("trade"), "{err}");
}

#[test]
fn impact_over_http_matches_its_schema() {
    let dir = tempfile::tempdir().unwrap();
    // A generous time limit: this checks the schema, and a loaded 2-core CI machine has
    // taken close to the default 10 s for the first impact request.
    let server = Server::start_with(
        &dir.path().join("s.sqlite"),
        &["--route-timeout-ms", "60000"],
    );
    let post = |body: Value| server.send("POST", "/v1/impact", &body);
    let countries: Vec<&str> = FEW.split(',').collect();
    let (status, v) = post(serde_json::json!({
        "scenario": {"close_bcps": ["bazargan-gurbulak"]},
        "countries": countries,
    }));
    assert_eq!(status, 200, "{v}");
    assert!(v["changed_pairs"].as_u64().unwrap() >= 2);
    let (status, err) = post(serde_json::json!({
        "scenario": {"close_bcps": ["nowhere"]}, "countries": countries,
    }));
    assert_eq!(status, 400, "{err}");
    assert!(err["error"]["message"]
        .as_str()
        .unwrap()
        .contains("nowhere"));
    let (status, err) =
        post(serde_json::json!({"scenario": {}, "countries": countries, "sigma": 0.5}));
    assert_eq!(status, 400, "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("sigma"));
    let (status, err) = post(serde_json::json!({"scenario": {}, "countries": ["CHN"]}));
    assert_eq!(status, 400, "{err}");
    assert!(err["error"]["message"]
        .as_str()
        .unwrap()
        .contains("countries"));
    let (_, doc) = server.get("/openapi.json");
    assert!(doc["paths"]["/v1/impact"]["post"].is_object());
    assert_matches_schema(&doc, "ImpactReport", &v);
}
