//! The README's worked examples and bad input, through the real `caravan` binary on the
//! shipped network.

use assert_cmd::Command;
use serde_json::{json, Value};

fn caravan() -> Command {
    let mut c = Command::cargo_bin("caravan").unwrap();
    c.env(
        "CARAVAN_DATA",
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../data"),
    );
    c
}

fn route_json(args: &[&str]) -> Value {
    let out = caravan()
        .arg("route")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn crossings(route: &Value) -> Vec<String> {
    route["border_crossings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap().to_owned())
        .collect()
}

fn modes(route: &Value) -> Vec<String> {
    route["legs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["mode"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn json_has_the_documented_shape() {
    let v = route_json(&["--from", "Tashkent", "--to", "Karachi", "--modes", "road"]);
    let r = &v["routes"][0];
    for k in ["distance_km", "hours", "cost_usd", "co2e_kg"] {
        assert!(r["summary"][k].as_f64().unwrap() > 0.0, "{k}");
    }
    for leg in r["legs"].as_array().unwrap() {
        for k in [
            "mode",
            "from",
            "to",
            "distance_km",
            "hours",
            "cost_usd",
            "co2e_kg",
        ] {
            assert!(!leg[k].is_null(), "leg.{k}");
        }
    }
    for b in r["border_crossings"].as_array().unwrap() {
        for k in ["id", "name", "countries", "mode", "wait_hours", "fee_usd"] {
            assert!(!b[k].is_null(), "border_crossings.{k}");
        }
    }
    assert!(r["transfers"].is_array());
    assert_eq!(r["summary"]["countries"][0], "UZ");
    assert_eq!(
        r["summary"]["countries"]
            .as_array()
            .unwrap()
            .last()
            .unwrap(),
        "PK"
    );
}

#[test]
fn tashkent_to_karachi_by_road_crosses_through_afghanistan_when_torkham_or_chaman_is_open() {
    // In the shipped data Torkham and Chaman are closed (since October 2025), so the base
    // answer goes round through Iran; reopening them gives the classic corridor.
    let base = route_json(&["--from", "Tashkent", "--to", "Karachi", "--modes", "road"]);
    let ids = crossings(&base["routes"][0]);
    assert!(
        !ids.iter()
            .any(|i| i == "torkham" || i == "chaman-spin-boldak"),
        "{ids:?}"
    );
    let open = route_json(&[
        "--from",
        "Tashkent",
        "--to",
        "Karachi",
        "--modes",
        "road",
        "--open-bcp",
        "torkham,chaman-spin-boldak",
    ]);
    let ids = crossings(&open["routes"][0]);
    assert!(
        ids.iter()
            .any(|i| i == "torkham" || i == "chaman-spin-boldak"),
        "{ids:?}"
    );
    assert!(
        open["routes"][0]["summary"]["hours"].as_f64().unwrap()
            < base["routes"][0]["summary"]["hours"].as_f64().unwrap()
    );
}

#[test]
fn almaty_to_urumqi_by_rail_changes_gauge_at_the_chinese_border() {
    let v = route_json(&["--from", "Almaty", "--to", "Urumqi", "--modes", "rail"]);
    let r = &v["routes"][0];
    let ids = crossings(r);
    assert!(
        ids == ["khorgos"] || ids == ["dostyk-alashankou"],
        "{ids:?}"
    );
    assert!(r["transfers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["kind"] == "gauge_change"));
    // Rail only, but the drive to and from the rail terminals is its own short road leg, so
    // the legs add up to the route's distance.
    let legs = r["legs"].as_array().unwrap();
    for (i, l) in legs.iter().enumerate() {
        if l["mode"] != "rail" {
            assert!(i == 0 || i == legs.len() - 1, "{l}");
            assert!(l["distance_km"].as_f64().unwrap() <= 60.0, "{l}");
        }
    }
    let sum: f64 = legs
        .iter()
        .map(|l| l["distance_km"].as_f64().unwrap())
        .sum();
    assert!((sum - r["summary"]["distance_km"].as_f64().unwrap()).abs() < 0.05);
}

#[test]
fn tashkent_to_nhava_sheva_goes_by_sea_from_an_iranian_or_pakistani_port() {
    let v = route_json(&["--from", "Tashkent", "--to", "Nhava Sheva"]);
    let r = &v["routes"][0];
    assert!(modes(r).contains(&"sea".to_owned()), "{:?}", modes(r));
    let ports: Vec<&Value> = r["transfers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"] == "seaport")
        .collect();
    assert!(!ports.is_empty());
    let countries = r["summary"]["countries"].as_array().unwrap();
    assert!(
        countries.iter().any(|c| c == "IR" || c == "PK"),
        "{countries:?}"
    );
}

#[test]
fn urumqi_to_tbilisi_crosses_the_caspian_when_russia_and_iran_are_avoided() {
    // With every land bridge open the road through Iran wins (the ferry waits for a sailing);
    // without Russia and Iran the Middle Corridor remains: Aktau or Kuryk to Baku or Alat.
    let v = route_json(&[
        "--from",
        "Urumqi",
        "--to",
        "Tbilisi",
        "--avoid-country",
        "RU,IR",
    ]);
    let r = &v["routes"][0];
    assert!(
        modes(r).contains(&"caspian_ferry".to_owned()),
        "{:?}",
        modes(r)
    );
    assert!(!r["summary"]["countries"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "RU" || c == "IR"));
    let ports = r["transfers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"] == "caspian_port")
        .count();
    assert_eq!(ports, 2);
}

#[test]
fn lianyungang_to_almaty_by_rail() {
    let v = route_json(&[
        "--from",
        "Lianyungang",
        "--to",
        "Almaty",
        "--modes",
        "rail",
        "--alternatives",
        "2",
    ]);
    let routes = v["routes"].as_array().unwrap();
    assert!(routes.len() >= 2);
    assert_ne!(crossings(&routes[0]), crossings(&routes[1]));
    let best = routes[0]["summary"]["objective"].as_f64().unwrap();
    for r in &routes[1..] {
        assert!(r["summary"]["objective"].as_f64().unwrap() >= best);
        assert!(!r["distinguished_by"].as_array().unwrap().is_empty());
    }
}

#[test]
fn geojson_and_tables_render() {
    let out = caravan()
        .args([
            "route", "--from", "Almaty", "--to", "Bishkek", "--format", "geojson",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["type"], "FeatureCollection");
    assert_eq!(v["features"][0]["geometry"]["type"], "LineString");
    caravan()
        .args(["route", "--from", "Almaty", "--to", "Bishkek"])
        .assert()
        .success()
        .stdout(predicates::str::contains("Best route"));
    caravan()
        .args(["places", "search", "mazar"])
        .assert()
        .success()
        .stdout(predicates::str::contains("AFMZR"));
    caravan()
        .args(["bcp", "show", "torkham"])
        .assert()
        .success()
        .stdout(predicates::str::contains("closed"));
    caravan()
        .args(["bcp", "list", "--country", "AF", "--format", "json"])
        .assert()
        .success()
        .stdout(predicates::str::contains("hairatan-termez"));
}

#[test]
fn typos_get_suggestions_and_exit_code_2() {
    let out = caravan()
        .args([
            "route", "--from", "Tashkemt", "--to", "Karachi", "--format", "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["code"], "unknown_place");
    assert_eq!(v["error"]["suggestions"][0]["id"], "UZTAS");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("did you mean") && err.contains("Tashkent"),
        "{err}"
    );
}

#[test]
fn other_bad_input_exits_2() {
    for args in [
        vec![
            "route", "--from", "Tashkent", "--to", "Karachi", "--modes", "plane",
        ],
        vec![
            "route",
            "--from",
            "Tashkent",
            "--to",
            "Karachi",
            "--optimize",
            "prettiest",
        ],
        vec![
            "route",
            "--from",
            "Tashkent",
            "--to",
            "Karachi",
            "--cargo-tonnes",
            "-3",
        ],
        vec![
            "route",
            "--from",
            "Tashkent",
            "--to",
            "Karachi",
            "--close-bcp",
            "torkam",
        ],
        vec![
            "route",
            "--from",
            "Tashkent",
            "--to",
            "Karachi",
            "--avoid-country",
            "Pakistan",
        ],
        vec![
            "route",
            "--from",
            "Tashkent",
            "--to",
            "Karachi",
            "--alternatives",
            "50",
        ],
        vec![
            "route",
            "--from",
            "Tashkent",
            "--to",
            "Karachi",
            "--bcp-wait",
            "torkham",
        ],
        vec!["bcp", "show", "torkam"],
    ] {
        let out = caravan().args(&args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stderr.is_empty());
    }
}

#[test]
fn no_route_explains_the_closed_border_and_exits_3() {
    // Kabul to Peshawar by road, with Iran and China avoided: only the AF-PK crossings remain,
    // and they are closed in the shipped data.
    let out = caravan()
        .args([
            "route",
            "--from",
            "Kabul",
            "--to",
            "Peshawar",
            "--modes",
            "road",
            "--avoid-country",
            "IR,CN",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("every road crossing between AF and PK is closed"),
        "{msg}"
    );
}

#[test]
fn cost_json_has_every_line_with_its_source_and_a_total() {
    // CPFTA example of the engine's known-answer tests, through the CLI.
    let out = caravan()
        .args([
            "cost",
            "--hs",
            "7208.10",
            "--value",
            "50000",
            "--incoterm",
            "CIF",
            "--from",
            "CN",
            "--to",
            "Karachi",
            "--date",
            "2020-06-15",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["destination"], "PK", "a place resolves to its country");
    assert_eq!(v["total"]["amount"], 62595.0);
    assert_eq!(v["total"]["currency"], "USD");
    assert_eq!(v["duty_basis"]["agreement"]["id"], "cpfta");
    for l in v["lines"].as_array().unwrap() {
        for key in ["kind", "base", "rate", "amount", "currency", "source"] {
            assert!(l.get(key).is_some(), "line without {key}: {l}");
        }
    }
    assert!(v["unknown"].as_array().unwrap().is_empty());
    let table = caravan()
        .args([
            "cost",
            "--hs",
            "720810",
            "--value",
            "50000",
            "--incoterm",
            "CIF",
            "--from",
            "CN",
            "--to",
            "PK",
            "--date",
            "2020-06-15",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("62595.00") && text.contains("cpfta"),
        "{text}"
    );
}

#[test]
fn cost_with_a_route_takes_the_freight_from_the_router() {
    let out = caravan()
        .args([
            "cost",
            "--hs",
            "610910",
            "--value",
            "20000",
            "--from",
            "Tashkent",
            "--to",
            "Almaty",
            "--weight-kg",
            "5000",
            "--route",
            "--modes",
            "road",
            "--date",
            "2026-11-23",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let freight = v["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "freight")
        .unwrap();
    assert!(freight["amount"].as_f64().unwrap() > 0.0);
    assert!(freight["source"]
        .as_str()
        .unwrap()
        .starts_with("Caravan route"));
    // CIF valuation includes the freight to the KZ border, not beyond it.
    let cv = v["customs_value_usd"].as_f64().unwrap();
    assert!(cv > 20_000.0 && cv < 20_000.0 + freight["amount"].as_f64().unwrap() + 1000.0);
}

#[test]
fn cost_bad_input_exits_2_with_a_json_error() {
    for (args, code) in [
        (
            vec![
                "--hs", "999999", "--value", "100", "--from", "CN", "--to", "KZ",
            ],
            "unknown_hs_code",
        ),
        (
            vec![
                "--hs", "610910", "--value", "100", "--from", "CN", "--to", "US",
            ],
            "no_country_data",
        ),
        (
            vec![
                "--hs", "610910", "--value", "-5", "--from", "CN", "--to", "KZ",
            ],
            "invalid_request",
        ),
    ] {
        let mut all = vec!["cost"];
        all.extend(args.iter().copied());
        all.extend(["--format", "json"]);
        let out = caravan().args(&all).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{all:?}");
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["error"]["code"], code, "{v}");
    }
    let out = caravan()
        .args([
            "cost", "--hs", "610910", "--value", "100", "--from", "CN", "--to", "Atlantis",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn hs_search_by_words_and_by_code() {
    let out = caravan()
        .args(["hs", "search", "cotton t-shirts", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["codes"][0]["entry"]["code"], "610910");
    let out = caravan()
        .args(["hs", "search", "8517.13"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("smartphones"));
}

/// The validation set must not lose ground: the floor is the pass rate measured when the
/// network work landed (53 of 75), less one fact for noise.
#[test]
fn validation_pass_rate_does_not_fall() {
    let out = caravan()
        .args([
            "data",
            "validate",
            "--set",
            "validation",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let passed = v["validation"]["passed"].as_u64().unwrap();
    let facts = v["validation"]["facts"].as_u64().unwrap();
    assert!(facts >= 60, "the validation set has {facts} facts");
    assert!(
        passed >= 69,
        "validation pass rate fell to {passed} of {facts}"
    );
    // Every result names its source.
    for r in v["results"].as_array().unwrap() {
        assert!(!r["source"].as_str().unwrap().is_empty());
    }
}

/// The corridors a forwarder checks first (issue: a network that matches the region).
#[test]
fn named_corridors_take_the_real_lines() {
    // Islamabad -> Kashgar over the Khunjerab Pass, not through Iran and Afghanistan.
    let v = route_json(&["--from", "Islamabad", "--to", "Kashgar", "--modes", "road"]);
    let r = &v["routes"][0];
    assert_eq!(crossings(r), vec!["khunjerab"]);
    let km = r["summary"]["distance_km"].as_f64().unwrap();
    assert!((1_000.0..1_600.0).contains(&km), "{km} km");

    // Ulaanbaatar -> Tianjin by rail via Zamyn-Uud / Erenhot with a gauge change.
    let v = route_json(&[
        "--from",
        "Ulaanbaatar",
        "--to",
        "Tianjin",
        "--modes",
        "rail",
    ]);
    let r = &v["routes"][0];
    assert!(crossings(r).contains(&"zamyn-uud-erenhot".to_owned()));
    assert!(r["border_crossings"][0]["gauge_change"].as_bool().unwrap());

    // Ganja by road: the city sat on a 15-node fragment of the road graph until small
    // fragments were joined to their country's network.
    let v = route_json(&["--from", "Ganja", "--to", "Baku", "--modes", "road"]);
    let km = v["routes"][0]["summary"]["distance_km"].as_f64().unwrap();
    assert!((300.0..500.0).contains(&km), "Ganja -> Baku {km} km");

    // Termez -> Naibabad by rail via Hairatan.
    let v = route_json(&[
        "--from",
        "Termez",
        "--to",
        "Mazar-i-Sharif",
        "--modes",
        "rail",
    ]);
    let r = &v["routes"][0];
    assert_eq!(crossings(r), vec!["hairatan-termez"]);
    assert!(modes(r).contains(&"rail".to_owned()));
    // To the Naibabad terminal itself the train runs to the end (it used to stop 14 km short
    // at another line's node and finish by truck): the last leg is rail, unloaded at Naibabad.
    let v = route_json(&["--from", "Termez", "--to", "Naibabad", "--modes", "rail"]);
    let r = &v["routes"][0];
    assert_eq!(crossings(r), vec!["hairatan-termez"]);
    let legs = r["legs"].as_array().unwrap();
    assert_eq!(legs.last().unwrap()["mode"], "rail", "{legs:?}");
    let last = r["transfers"].as_array().unwrap().last().unwrap().clone();
    assert!(
        last["at"].as_str().unwrap().starts_with("Naibabad"),
        "{last}"
    );

    // Urumqi -> Tashkent by rail through Kazakhstan only.
    let v = route_json(&["--from", "Urumqi", "--to", "Tashkent", "--modes", "rail"]);
    let r = &v["routes"][0];
    let countries: Vec<&str> = r["summary"]["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(countries, vec!["CN", "KZ", "UZ"]);

    // Chabahar -> Nhava Sheva by sea.
    let v = route_json(&[
        "--from",
        "Chabahar",
        "--to",
        "Nhava Sheva",
        "--modes",
        "sea",
    ]);
    assert!(modes(&v["routes"][0]).contains(&"sea".to_owned()));
    // Sea nodes have no country; the route still starts in Iran.
    assert_eq!(v["routes"][0]["summary"]["countries"], json!(["IR", "IN"]));

    // Tashkent -> Almaty: one crossing, paid once.
    let v = route_json(&["--from", "Tashkent", "--to", "Almaty", "--modes", "road"]);
    assert_eq!(crossings(&v["routes"][0]).len(), 1);

    // The Volga-Don is not sea: by sea alone the Caspian is closed; with inland_water the
    // route goes up the Volga and says what that means.
    caravan()
        .args([
            "route",
            "--from",
            "Aktau",
            "--to",
            "Novorossiysk",
            "--modes",
            "sea",
        ])
        .assert()
        .code(3);
    let v = route_json(&[
        "--from",
        "Aktau",
        "--to",
        "Novorossiysk",
        "--modes",
        "sea,inland_water",
    ]);
    assert!(modes(&v["routes"][0]).contains(&"inland_water".to_owned()));
    assert!(v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w.as_str().unwrap().contains("navigation season")));
}

/// Every border crossing carries a plausible range around its wait.
#[test]
fn border_waits_come_with_a_range() {
    let v = route_json(&["--from", "Urumqi", "--to", "Almaty", "--modes", "road"]);
    let r = &v["routes"][0];
    let s = &r["summary"];
    let (lo, mid, hi) = (
        s["hours_border_low"].as_f64().unwrap(),
        s["hours_border"].as_f64().unwrap(),
        s["hours_border_high"].as_f64().unwrap(),
    );
    assert!(lo <= mid && mid <= hi && hi > lo, "{lo} {mid} {hi}");
    for b in r["border_crossings"].as_array().unwrap() {
        assert!(b["wait_low_hours"].as_f64().unwrap() <= b["wait_hours"].as_f64().unwrap());
        assert!(!b["wait_source"].as_str().unwrap().is_empty());
    }
}

#[test]
fn cost_on_an_eaeu_national_line_and_russian_hs_search() {
    // The issue's example: 1.75 EUR/kg x 500 kg = 875 EUR = 1018.98 USD at 0.8587 EUR/USD.
    let out = caravan()
        .args([
            "cost",
            "--hs",
            "6109100000",
            "--value",
            "10000",
            "--weight-kg",
            "500",
            "--from",
            "CN",
            "--to",
            "KZ",
            "--date",
            "2026-11-23",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("1018.98") && text.contains("1.75 EUR/kg"),
        "{text}"
    );
    assert!(text.contains("ru.61_2022_25.04.2022.pdf, p. 12"), "{text}");
    assert!(text.contains("national_line"), "{text}");
    let out = caravan()
        .args(["hs", "search", "футболки"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("6109100000"), "{text}");
    let out = caravan().args(["data", "check"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("ЕТТ ЕАЭС") && text.contains("tariff coverage"),
        "{text}"
    );
}

#[test]
fn limits_and_contradictions_exit_2_with_a_message_that_names_them() {
    let dir = tempfile::tempdir().unwrap();
    let upper = dir.path().join("scenario.JSON");
    std::fs::write(
        &upper,
        r#"{"close_bcps": ["torkham"], "open_bcps": ["torkham"]}"#,
    )
    .unwrap();
    let big = dir.path().join("big.toml");
    std::fs::write(&big, "#".repeat(2 * 1024 * 1024)).unwrap();
    let long = "a".repeat(20_000);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "route",
                "--from",
                "Tashkent",
                "--to",
                "Karachi",
                "--cargo-tonnes",
                "-5",
            ],
            "cargo_tonnes",
        ),
        (
            vec![
                "route",
                "--from",
                "Tashkent",
                "--to",
                "Karachi",
                "--cargo-value-usd",
                "1e308",
            ],
            "1e308",
        ),
        (
            vec!["route", "--from", &long, "--to", "Karachi"],
            "100 characters",
        ),
        (
            vec![
                "route",
                "--from",
                "Tashkent",
                "--to",
                "Karachi",
                "--avoid-country",
                "ZZ",
            ],
            "ZZ",
        ),
        (
            vec![
                "route",
                "--from",
                "Tashkent",
                "--to",
                "Karachi",
                "--close-bcp",
                "torkham",
                "--open-bcp",
                "torkham",
            ],
            "both closed and opened",
        ),
        (
            vec![
                "route",
                "--from",
                "Tashkent",
                "--to",
                "Karachi",
                "--scenario",
                upper.to_str().unwrap(),
            ],
            "both closed and opened",
        ),
        (
            vec![
                "route",
                "--from",
                "Tashkent",
                "--to",
                "Karachi",
                "--scenario",
                big.to_str().unwrap(),
            ],
            "limit",
        ),
        (
            vec![
                "route",
                "--from",
                "Tashkent",
                "--to",
                "Karachi",
                "--alternatives",
                "-1",
            ],
            "alternatives",
        ),
        (vec!["places", "search", &long], "100 characters"),
        (
            vec!["hs", "search", "cotton", "--format", "geojson"],
            "geojson",
        ),
        (vec!["bcp", "list", "--mode", "sea"], "road or rail"),
        (
            vec![
                "cost", "--hs", "610910", "--value", "100", "--from", "CN", "--to", "KZ",
                "--format", "geojson",
            ],
            "geojson",
        ),
        (
            vec![
                "cost",
                "--hs",
                "610910",
                "--value",
                "100",
                "--from",
                "CN",
                "--to",
                "KZ",
                "--freight-usd",
                "10",
                "--freight-to-border-usd",
                "50",
            ],
            "freight_to_border_usd",
        ),
        (
            vec![
                "cost",
                "--hs",
                "610910",
                "--value",
                "100",
                "--from",
                "CN",
                "--to",
                "KZ",
                "--fx",
                "EUR=1e-300",
            ],
            "per_usd",
        ),
    ];
    for (args, mentions) in &cases {
        let out = caravan().args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(mentions), "{args:?}: {err}");
    }
    // A percentage is read as one; the fraction means the same.
    let pct = route_json(&[
        "--from",
        "Tashkent",
        "--to",
        "Almaty",
        "--modes",
        "road",
        "--vot-day-share",
        "1.35%",
    ]);
    let frac = route_json(&[
        "--from",
        "Tashkent",
        "--to",
        "Almaty",
        "--modes",
        "road",
        "--vot-day-share",
        "0.0135",
    ]);
    assert_eq!(
        pct["value_of_time_usd_per_hour"],
        frac["value_of_time_usd_per_hour"]
    );
    // A crossing the scenario opens is never labelled closed.
    let opened = route_json(&[
        "--from",
        "Kabul",
        "--to",
        "Peshawar",
        "--modes",
        "road",
        "--open-bcp",
        "torkham",
    ]);
    for r in opened["routes"].as_array().unwrap() {
        for b in r["border_crossings"].as_array().unwrap() {
            assert_ne!(b["status"], "closed", "{b}");
        }
    }
}

#[test]
fn tariff_reads_a_wits_export_and_names_the_line_and_field_of_a_bad_row() {
    // The fixture's layout and where it comes from: caravan-cost/tests/fixtures/wits/README.md
    // (the rates are made up).
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../caravan-cost/tests/fixtures/wits/tta_kaz_2022.csv"
    );
    let args = "cost --hs 6109100000 --value 10000 --weight-kg 500 --from CN --to KZ \
                --date 2026-03-01 --format json";
    let out = caravan()
        .args(args.split_whitespace())
        .args(["--tariff", fixture])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("WITS / TRAINS tariff export") && stderr.contains("AHS"),
        "the rows left out are said: {stderr}"
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["duty_basis"]["level"], "user_schedule");
    assert_eq!(v["duty_basis"]["rate"], "9.5%");
    assert!(v["duty_basis"]["source"]
        .as_str()
        .unwrap()
        .contains("tariff year 2022"));

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "Reporter,Product,Tariff Year,DutyType,Simple Average\n\
         398,610910,2022,MFN,9.5\n\
         398,610990,2022,MFN,n/a\n",
    )
    .unwrap();
    let out = caravan()
        .args("cost --hs 6109100000 --value 10000 --from CN --to KZ --tariff".split(' '))
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.csv:3") && stderr.contains("`Simple Average`"),
        "{stderr}"
    );
}
