//! Scenarios through the real `caravan` binary: the library, library ids and files with
//! projects of their own, `compare` and `access` in every format, and bad input.

use assert_cmd::Command;
use serde_json::Value;

fn caravan() -> Command {
    let mut c = Command::cargo_bin("caravan").unwrap();
    c.env(
        "CARAVAN_DATA",
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../data"),
    );
    c
}

fn ok(args: &[&str]) -> String {
    let out = caravan().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_library_lists_projects_and_policies_with_sources() {
    let v: Value = serde_json::from_str(&ok(&["scenario", "list", "--format", "json"])).unwrap();
    let ids: Vec<&str> = v["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    for id in [
        "trans-afghan-railway",
        "cku-railway",
        "khaf-herat-railway",
        "chabahar-zahedan-railway",
        "reopen-torkham-chaman",
        "carec-single-window",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    let show = ok(&["scenario", "show", "trans-afghan-railway"]);
    assert!(show.contains("tass.com"), "{show}");
    assert!(show.contains("rail kharlachi-af - kharlachi-pk"), "{show}");
    assert!(
        show.contains("projects = [\"trans-afghan-railway\"]"),
        "{show}"
    );
}

#[test]
fn a_library_id_works_as_a_scenario_and_a_typo_gets_suggestions() {
    let out = ok(&[
        "route",
        "--from",
        "Termez",
        "--to",
        "Peshawar",
        "--modes",
        "rail",
        "--scenario",
        "trans-afghan-railway",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["routes"][0]["projects"][0], "trans-afghan-railway");
    let out = caravan()
        .args([
            "route",
            "--from",
            "Termez",
            "--to",
            "Peshawar",
            "--scenario",
            "trans-afgan-railway",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did you mean: trans-afghan-railway"), "{err}");
}

/// A scenario file may bring a project of its own: here a road bypass between two points that
/// the library does not have, used only by the request that brings it.
#[test]
fn a_scenario_file_with_its_own_project_is_routed_on() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bridge.toml");
    std::fs::write(
        &file,
        r#"
name = "A second Termez - Hairatan rail bridge, faster"
projects = []

[[infrastructure]]
id = "my-rail-shortcut"
name = "Test shortcut: Termez - Naibabad direct"
sources = ["a test"]

[[infrastructure.points]]
id = "termez"
name = "Termez"
country = "UZ"
lat = 37.24
lon = 67.29
join = true

[[infrastructure.points]]
id = "uz-bank"
name = "Amu Darya, Uzbek bank"
country = "UZ"
lat = 37.20
lon = 67.38

[[infrastructure.points]]
id = "af-bank"
name = "Amu Darya, Afghan bank"
country = "AF"
lat = 37.19
lon = 67.39

[[infrastructure.points]]
id = "naibabad"
name = "Naibabad"
country = "AF"
lat = 36.80899
lon = 67.39130
join = true

[[infrastructure.links]]
mode = "rail"
from = "termez"
to = "uz-bank"

[[infrastructure.links]]
mode = "rail"
from = "uz-bank"
to = "af-bank"
crossing = "second-bridge"

[[infrastructure.links]]
mode = "rail"
from = "af-bank"
to = "naibabad"

[[infrastructure.crossings]]
id = "second-bridge"
mode = "rail"
name = "Second bridge"
country_a = "UZ"
country_b = "AF"
lat = 37.195
lon = 67.385
wait_hours = [1.0, 1.0]
fee_usd = [10.0, 10.0]
source = "a test"
"#,
    )
    .unwrap();
    let out = ok(&[
        "route",
        "--from",
        "Termez",
        "--to",
        "Mazar-e Sharif",
        "--modes",
        "rail",
        "--scenario",
        file.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["routes"][0]["projects"][0], "my-rail-shortcut", "{v}");
    assert_eq!(v["routes"][0]["border_crossings"][0]["id"], "second-bridge");
    // The compiled file is never rewritten with a scenario's own project.
    let again = ok(&[
        "route",
        "--from",
        "Termez",
        "--to",
        "Mazar-e Sharif",
        "--modes",
        "rail",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&again).unwrap();
    assert!(v["routes"][0]["projects"].is_null(), "{v}");
    // A broken reference is an error that names it.
    std::fs::write(
        &file,
        std::fs::read_to_string(&file).unwrap().replace(
            "crossing = \"second-bridge\"",
            "crossing = \"third-bridge\"",
        ),
    )
    .unwrap();
    let out = caravan()
        .args([
            "route",
            "--from",
            "Termez",
            "--to",
            "Mazar-e Sharif",
            "--scenario",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no rail crossing `third-bridge`"), "{err}");
}

#[test]
fn compare_writes_every_format_and_needs_a_scenario() {
    let csv = ok(&[
        "compare",
        "--scenario",
        "trans-afghan-railway",
        "--from",
        "Kabul,Tashkent,Peshawar,Karachi",
        "--to",
        "Kabul,Tashkent,Peshawar,Karachi",
        "--format",
        "csv",
    ]);
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("from,from_country,to,to_country,base_hours"),
        "{header}"
    );
    assert_eq!(lines.count(), 12, "4 x 4 less the diagonal");
    let table = ok(&[
        "compare",
        "--scenario",
        "trans-afghan-railway",
        "--from",
        "Kabul,Tashkent,Peshawar",
        "--to",
        "Kabul,Tashkent,Peshawar",
    ]);
    assert!(table.contains("best route changes corridor"), "{table}");
    assert!(table.contains("Places that gain most"), "{table}");
    let gj: Value = serde_json::from_str(&ok(&[
        "compare",
        "--scenario",
        "trans-afghan-railway",
        "--from",
        "Kabul,Peshawar",
        "--to",
        "Kabul,Peshawar",
        "--format",
        "geojson",
    ]))
    .unwrap();
    assert_eq!(gj["type"], "FeatureCollection");
    assert!(!gj["features"].as_array().unwrap().is_empty());
    let dir = tempfile::tempdir().unwrap();
    let pq = dir.path().join("c.parquet");
    ok(&[
        "compare",
        "--scenario",
        "reopen-torkham-chaman",
        "--from",
        "Kabul,Peshawar",
        "--to",
        "Kabul,Peshawar",
        "--format",
        "parquet",
        "--out",
        pq.to_str().unwrap(),
    ]);
    let bytes = std::fs::read(&pq).unwrap();
    assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"));
    let out = caravan()
        .args(["compare", "--from", "Kabul", "--to", "Peshawar"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("compare needs a scenario"));
}

#[test]
fn access_reports_ports_crossings_and_market_access() {
    let v: Value = serde_json::from_str(&ok(&[
        "access",
        "--scenario",
        "trans-afghan-railway",
        "--places",
        "Kabul,Tashkent",
        "--markets",
        "50",
        "--format",
        "json",
    ]))
    .unwrap();
    let kabul = &v["places"][0];
    assert_eq!(kabul["name"], "Kabul");
    assert!(kabul["base"]["port_hours"].as_f64().unwrap() > 10.0);
    assert!(kabul["base"]["border_hours"].as_f64().unwrap() > 0.0);
    assert!(
        kabul["delta_market_access_pct"].as_f64().unwrap() > 0.0,
        "{kabul}"
    );
    assert!(v["elasticity"].as_f64().unwrap() < 0.0);
    let csv = ok(&[
        "access",
        "--scenario",
        "carec-single-window",
        "--places",
        "top:5",
        "--format",
        "csv",
    ]);
    assert_eq!(csv.lines().count(), 6);
}
