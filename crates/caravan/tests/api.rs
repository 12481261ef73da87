//! The HTTP API, end to end: the real `caravan serve` binary on an ephemeral loopback port,
//! every endpoint, bad inputs, scenario persistence across a restart, and real responses
//! checked against the server's own OpenAPI document.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{assert_matches_schema, read_json, Server};

use serde_json::{json, Value};

fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("state/scenarios.sqlite");
    (dir, db)
}

fn crossing_ids(route: &Value) -> Vec<String> {
    route["border_crossings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn openapi_document_is_consistent_and_describes_every_endpoint() {
    let (_dir, db) = temp_db();
    let s = Server::start(&db);
    let (status, doc) = s.get("/openapi.json");
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));

    // Every $ref points at a schema that exists.
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    if k == "$ref" {
                        out.push(x.as_str().unwrap().to_owned());
                    }
                    refs(x, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 20);
    for r in &all {
        let name = r.strip_prefix("#/components/schemas/").unwrap();
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "dangling {r}"
        );
    }

    // The document lists exactly the API, and each operation names its responses.
    let paths: Vec<&String> = doc["paths"].as_object().unwrap().keys().collect();
    for p in [
        "/health",
        "/v1/route",
        "/v1/places",
        "/v1/places/{id}",
        "/v1/bcps",
        "/v1/bcps/{id}",
        "/v1/scenarios",
        "/v1/scenarios/{id}",
    ] {
        assert!(paths.iter().any(|x| *x == p), "{p} missing from {paths:?}");
    }
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            assert!(
                op["responses"].as_object().is_some_and(|r| !r.is_empty()),
                "{method} {path} documents no responses"
            );
            // And the server really routes it (not the 404 or 405 fallback).
            let concrete = path.replace("{id}", "nonexistent");
            let status = match method.as_str() {
                "get" => s.get(&concrete).0,
                "post" => s.send("POST", &concrete, &json!({})).0,
                "put" => s.send("PUT", &concrete, &json!({})).0,
                "delete" => s.delete(&concrete),
                m => panic!("unexpected method {m}"),
            };
            assert_ne!(status, 405, "{method} {path}");
        }
    }
    let (status, body) = s.get("/v1/does-not-exist");
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_found");
}

#[test]
fn health_places_and_bcps() {
    let (_dir, db) = temp_db();
    let s = Server::start(&db);
    let (_, doc) = s.get("/openapi.json");

    let (status, health) = s.get("/health");
    assert_eq!(status, 200);
    assert_eq!(health["status"], "ok");
    assert!(health["network"]["nodes"].as_u64().unwrap() > 200_000);
    assert_matches_schema(&doc, "Health", &health);

    // Fuzzy search: a typo still finds Tashkent first.
    let (status, found) = s.get("/v1/places?q=Tashkient&limit=3");
    assert_eq!(status, 200);
    assert_eq!(found["places"][0]["id"], "UZTAS");
    assert!(found["places"].as_array().unwrap().len() <= 3);
    assert_matches_schema(&doc, "PlaceList", &found);

    let (status, place) = s.get("/v1/places/pkkhi");
    assert_eq!(status, 200);
    assert_eq!(place["name"], "Karachi");
    assert_eq!(place["country"], "PK");
    assert_matches_schema(&doc, "PlaceOut", &place);

    let (status, missing) = s.get("/v1/places/Karachii");
    assert_eq!(status, 404);
    assert_eq!(missing["error"]["suggestions"][0]["id"], "PKKHI");
    assert_matches_schema(&doc, "ErrorBody", &missing);

    let (status, empty) = s.get("/v1/places?q=%20");
    assert_eq!(status, 400);
    assert_eq!(empty["error"]["code"], "invalid_request");
    let (status, _) = s.get("/v1/places");
    assert_eq!(status, 400, "q is required");

    let (status, listed) = s.get("/v1/bcps");
    assert_eq!(status, 200);
    let listed = listed["bcps"].as_array().unwrap().clone();
    assert_eq!(listed.len(), 71, "the curated table has 71 rows");
    assert!(listed.iter().all(|b| b["listed"] == true));
    let (_, all) = s.get("/v1/bcps?all=true");
    assert!(all["bcps"].as_array().unwrap().len() > listed.len());
    let (_, af_road) = s.get("/v1/bcps?country=AF&mode=road");
    let af_road = af_road["bcps"].as_array().unwrap();
    assert!(!af_road.is_empty());
    assert!(af_road
        .iter()
        .all(|b| b["mode"] == "road" && (b["country_a"] == "AF" || b["country_b"] == "AF")));
    assert_matches_schema(&doc, "BcpList", &json!({ "bcps": af_road }));

    let (status, torkham) = s.get("/v1/bcps/torkham");
    assert_eq!(status, 200);
    assert_eq!(torkham["bcps"][0]["id"], "torkham");
    let (status, bad) = s.get("/v1/bcps/torkam");
    assert_eq!(status, 404);
    assert_eq!(bad["error"]["suggestions"][0]["id"], "torkham");
    let (status, _) = s.get("/v1/bcps?country=Afghanistan");
    assert_eq!(status, 400);
    let (status, _) = s.get("/v1/bcps?mode=sea");
    assert_eq!(status, 400);
}

#[test]
fn route_get_and_post_answer_the_same_json_as_the_cli() {
    let (_dir, db) = temp_db();
    let s = Server::start(&db);
    let (_, doc) = s.get("/openapi.json");

    let (status, got) =
        s.get("/v1/route?from=Tashkent&to=Karachi&modes=road&alternatives=2&optimize=generalized");
    assert_eq!(status, 200, "{got}");
    assert_matches_schema(&doc, "RouteResponse", &got);

    let cli = Command::new(env!("CARGO_BIN_EXE_caravan"))
        .args([
            "route",
            "--from",
            "Tashkent",
            "--to",
            "Karachi",
            "--modes",
            "road",
            "--alternatives",
            "2",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(cli.status.success());
    let cli: Value = serde_json::from_slice(&cli.stdout).unwrap();
    // Alternatives' searches run A* guided by the hierarchy's exact weights once it has the
    // request's metric, else by the great-circle bound: where two paths weigh the same they
    // may take either (seen: one street vertex apart in Tashkent). Everything else must be
    // identical, including the best route's geometry.
    let without_alternative_geometry = |resp: &Value| {
        let mut resp = resp.clone();
        for r in resp["routes"].as_array_mut().unwrap().iter_mut().skip(1) {
            for leg in r["legs"].as_array_mut().unwrap() {
                leg["geometry"] = Value::Null;
            }
        }
        resp
    };
    assert_eq!(
        without_alternative_geometry(&got),
        without_alternative_geometry(&cli),
        "GET /v1/route and `caravan route --format json` differ"
    );

    let body = json!({"from": "Tashkent", "to": "Karachi", "modes": ["road"], "alternatives": 2});
    let (status, posted) = s.send("POST", "/v1/route", &body);
    assert_eq!(status, 200);
    assert_eq!(
        without_alternative_geometry(&posted),
        without_alternative_geometry(&got)
    );

    // GeoJSON order in geometry: the first point of the first leg is Tashkent's lon,lat.
    let first = &got["routes"][0]["legs"][0]["geometry"][0];
    assert!((first[0].as_f64().unwrap() - 69.29).abs() < 0.1, "{first}");
    assert!((first[1].as_f64().unwrap() - 41.31).abs() < 0.1, "{first}");

    // A coordinate origin works too.
    let (status, by_coord) = s.get("/v1/route?from=41.31,69.28&to=Karachi&modes=road");
    assert_eq!(status, 200, "{by_coord}");
    assert!(by_coord["origin"]["place_id"].is_null());
}

#[test]
fn an_inline_scenario_moves_the_route_to_another_crossing() {
    let (_dir, db) = temp_db();
    let s = Server::start(&db);
    let (_, base) = s.get("/v1/route?from=Tashkent&to=Karachi&modes=road");
    let base_ids = crossing_ids(&base["routes"][0]);
    let closed = base_ids[0].clone();

    let body = json!({"from": "Tashkent", "to": "Karachi", "modes": ["road"],
                      "scenario": {"close_bcps": [closed]}});
    let (status, moved) = s.send("POST", "/v1/route", &body);
    assert_eq!(status, 200, "{moved}");
    let moved_ids = crossing_ids(&moved["routes"][0]);
    assert!(
        !moved_ids.contains(&closed),
        "{moved_ids:?} still uses {closed}"
    );
    assert!(
        moved["routes"][0]["summary"]["objective"].as_f64().unwrap()
            >= base["routes"][0]["summary"]["objective"].as_f64().unwrap() - 1e-6,
        "closing a crossing cannot make the best route better"
    );

    // The same closure through the GET parameter.
    let (status, via_get) = s.get(&format!(
        "/v1/route?from=Tashkent&to=Karachi&modes=road&close_bcps={closed}"
    ));
    assert_eq!(status, 200);
    assert_eq!(crossing_ids(&via_get["routes"][0]), moved_ids);
}

#[test]
fn bad_route_requests_get_json_errors_with_the_right_status() {
    let (_dir, db) = temp_db();
    let s = Server::start(&db);
    let (_, doc) = s.get("/openapi.json");

    let cases: &[(&str, u16, &str)] = &[
        ("/v1/route?from=Tashkentt&to=Karachi", 400, "unknown_place"),
        ("/v1/route?from=Tashkent", 400, "invalid_query"),
        (
            "/v1/route?from=Tashkent&to=Karachi&modes=camel",
            400,
            "invalid_request",
        ),
        (
            "/v1/route?from=Tashkent&to=Karachi&optimize=prettiest",
            400,
            "invalid_request",
        ),
        (
            "/v1/route?from=Tashkent&to=Karachi&alternatives=99",
            400,
            "invalid_request",
        ),
        (
            "/v1/route?from=Tashkent&to=Karachi&alternatives=-1",
            400,
            "invalid_query",
        ),
        (
            "/v1/route?from=Tashkent&to=Karachi&cargo_tonnes=-5",
            400,
            "invalid_request",
        ),
        (
            "/v1/route?from=Tashkent&to=Karachi&cargo_tonnes=abc",
            400,
            "invalid_query",
        ),
        ("/v1/route?from=95,200&to=Karachi", 400, "invalid_request"),
        (
            "/v1/route?from=Tashkent&to=Karachi&close_bcps=nowhere",
            400,
            "unknown_bcp",
        ),
        (
            "/v1/route?from=Tashkent&to=Karachi&avoid_countries=XX1",
            400,
            "invalid_request",
        ),
        (
            "/v1/route?from=Tashkent&to=Karachi&scenario=sc_missing",
            404,
            "not_found",
        ),
        (
            "/v1/route?from=Kabul&to=Peshawar&modes=road&avoid_countries=IR,CN",
            422,
            "no_route",
        ),
    ];
    for (path, want_status, want_code) in cases {
        let (status, body) = s.get(path);
        assert_eq!(status, *want_status, "{path}: {body}");
        assert_eq!(body["error"]["code"], *want_code, "{path}: {body}");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
        assert_matches_schema(&doc, "ErrorBody", &body);
    }
    let (_, unknown) = s.get("/v1/route?from=Tashkentt&to=Karachi");
    assert_eq!(unknown["error"]["suggestions"][0]["id"], "UZTAS");
    let (_, blocked) = s.get("/v1/route?from=Kabul&to=Peshawar&modes=road&avoid_countries=IR,CN");
    assert!(!blocked["error"]["blocking"].as_array().unwrap().is_empty());

    // The oversized body is just over the 64 KiB limit, so it fits in the loopback socket
    // buffers and the client reads the 413 instead of a reset.
    let posts: &[(&str, Vec<u8>, u16, &str)] = &[
        (
            "application/json",
            b"{not json".to_vec(),
            400,
            "invalid_json",
        ),
        (
            "application/json",
            br#"{"from":"A","to":"B","bogus":1}"#.to_vec(),
            422,
            "invalid_json",
        ),
        (
            "application/json",
            br#"{"from":"Tashkent","to":"Karachi","modes":["camel"]}"#.to_vec(),
            422,
            "invalid_json",
        ),
        (
            "text/plain",
            br#"{"from":"Tashkent","to":"Karachi"}"#.to_vec(),
            415,
            "unsupported_media_type",
        ),
        (
            "application/json",
            vec![b' '; 70 * 1024],
            413,
            "body_too_large",
        ),
    ];
    for (ct, body, want_status, want_code) in posts {
        let (status, got) = s.raw_post("/v1/route", ct, body.clone());
        assert_eq!(status, *want_status, "{got}");
        assert_eq!(got["error"]["code"], *want_code, "{got}");
    }

    // The server is still healthy after all that.
    assert_eq!(s.get("/health").0, 200);
}

#[test]
fn scenarios_crud_persist_across_a_restart_and_apply_to_routes() {
    let (_dir, db) = temp_db();
    let (_, base) = {
        let s = Server::start(&db);
        s.get("/v1/route?from=Tashkent&to=Karachi&modes=road")
    };
    let first_crossing = crossing_ids(&base["routes"][0])[0].clone();

    let id;
    {
        let s = Server::start(&db);
        let (_, doc) = s.get("/openapi.json");
        let (status, created) = s.send(
            "POST",
            "/v1/scenarios",
            &json!({"name": "First crossing shut", "description": "test",
                    "close_bcps": [first_crossing],
                    "bcp_changes": [{"bcp": "sarakhs", "wait_hours": 6.0}]}),
        );
        assert_eq!(status, 201, "{created}");
        assert_matches_schema(&doc, "ScenarioOut", &created);
        assert_eq!(created["version"], 1);
        id = created["id"].as_str().unwrap().to_owned();

        let (status, updated) = s.send(
            "PUT",
            &format!("/v1/scenarios/{id}"),
            &json!({"name": "First crossing shut (v2)", "close_bcps": [first_crossing],
                    "version": 1}),
        );
        assert_eq!(status, 200, "{updated}");
        assert_eq!(updated["version"], 2);
        let (status, stale) = s.send(
            "PUT",
            &format!("/v1/scenarios/{id}"),
            &json!({"name": "lost update", "version": 1}),
        );
        assert_eq!(status, 409, "{stale}");
        assert_eq!(stale["error"]["code"], "version_conflict");

        for (body, code) in [
            (json!({"name": ""}), 400),
            (json!({"name": "x", "close_bcps": ["atlantis"]}), 400),
            (
                json!({"name": "x", "bcp_changes": [{"bcp": "torkham", "wait_hours": -1}]}),
                400,
            ),
            (json!({"name": "x", "colour": "red"}), 422),
        ] {
            let (status, err) = s.send("POST", "/v1/scenarios", &body);
            assert_eq!(status, code, "{body}: {err}");
        }
        let (status, _) = s.send("PUT", "/v1/scenarios/sc_nope", &json!({"name": "x"}));
        assert_eq!(status, 404);
        assert_eq!(s.delete("/v1/scenarios/sc_nope"), 404);
    } // the server stops here

    let s = Server::start(&db);
    let (status, got) = s.get(&format!("/v1/scenarios/{id}"));
    assert_eq!(status, 200, "{got}");
    assert_eq!(got["name"], "First crossing shut (v2)");
    assert_eq!(got["version"], 2);
    let (_, listed) = s.get("/v1/scenarios");
    assert_eq!(listed["scenarios"].as_array().unwrap().len(), 1);

    // A saved scenario applies by id, through GET and POST.
    let (status, moved) = s.get(&format!(
        "/v1/route?from=Tashkent&to=Karachi&modes=road&scenario={id}"
    ));
    assert_eq!(status, 200, "{moved}");
    assert!(!crossing_ids(&moved["routes"][0]).contains(&first_crossing));
    let (status, posted) = s.send(
        "POST",
        &format!("/v1/route?scenario={id}"),
        &json!({"from": "Tashkent", "to": "Karachi", "modes": ["road"]}),
    );
    assert_eq!(status, 200);
    assert_eq!(
        posted["routes"][0]["border_crossings"],
        moved["routes"][0]["border_crossings"]
    );

    assert_eq!(s.delete(&format!("/v1/scenarios/{id}")), 204);
    assert_eq!(s.get(&format!("/v1/scenarios/{id}")).0, 404);
}

#[test]
fn concurrent_scenario_writes_through_the_api_are_all_kept() {
    let (_dir, db) = temp_db();
    let s = Server::start(&db);
    std::thread::scope(|scope| {
        for t in 0..8 {
            let s = &s;
            scope.spawn(move || {
                for i in 0..10 {
                    let (status, body) = s.send(
                        "POST",
                        "/v1/scenarios",
                        &json!({"name": format!("writer {t} #{i}"), "close_bcps": ["torkham"]}),
                    );
                    assert_eq!(status, 201, "{body}");
                }
            });
        }
    });
    let (_, listed) = s.get("/v1/scenarios");
    assert_eq!(listed["scenarios"].as_array().unwrap().len(), 80);
}

#[test]
fn the_web_map_is_served_at_the_root() {
    let (_dir, db) = temp_db();
    let s = Server::start(&db);
    let mut r = s.agent.get(&format!("{}/", s.base)).call().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let ct = r.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(ct.starts_with("text/html"), "{ct}");
    let html = r.body_mut().read_to_string().unwrap();
    assert!(html.contains("Caravan"), "{html}");
}

#[test]
fn landed_cost_and_hs_search_over_http() {
    let (_dir, db) = temp_db();
    let s = Server::start(&db);
    let (_, doc) = s.get("/openapi.json");
    assert!(doc["paths"]["/v1/cost"]["post"].is_object());

    let (status, hs) = s.get("/v1/hs?q=cotton%20t-shirts&limit=3");
    assert_eq!(status, 200);
    assert_eq!(hs["codes"][0]["entry"]["code"], "610910");
    assert_matches_schema(&doc, "HsList", &hs);
    assert_eq!(s.get("/v1/hs?q=").0, 400);

    // The CPFTA known answer: same figures as the engine and the CLI.
    let body = json!({"hs": "7208.10", "value": 50000, "incoterm": "CIF", "origin": "CN",
                      "destination": "PK", "date": "2020-06-15"});
    let (status, cost) = s.send("POST", "/v1/cost", &body);
    assert_eq!(status, 200, "{cost}");
    assert_matches_schema(&doc, "LandedCost", &cost);
    assert_eq!(cost["total"]["amount"], 62595.0);
    assert_eq!(cost["duty_basis"]["agreement"]["id"], "cpfta");

    // Freight from a route: the server plans Tashkent -> Almaty by road.
    let body = json!({"hs": "610910", "value": 20000, "origin": "UZ", "destination": "KZ",
                      "date": "2026-11-23", "weight_kg": 5000, "transport": {"insurance_usd": 40}});
    let (status, routed) = s.send(
        "POST",
        "/v1/cost?route_from=Tashkent&route_to=Almaty&route_modes=road",
        &body,
    );
    assert_eq!(status, 200, "{routed}");
    let freight = routed["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "freight")
        .unwrap()
        .clone();
    assert!(freight["amount"].as_f64().unwrap() > 0.0);
    assert!(freight["source"]
        .as_str()
        .unwrap()
        .starts_with("Caravan route"));

    // A national line of the EAEU tariff: cotton T-shirts to Kazakhstan, 1.75 EUR per kg
    // (ru.61_2022_25.04.2022.pdf p. 12): 500 kg x 1.75 / 0.8587 = 1018.98 USD; VAT 16 % on
    // 10000 + 1018.98 = 1763.04.
    let body = json!({"hs": "6109100000", "value": 10000, "origin": "CN", "destination": "KZ",
                      "date": "2026-11-23", "weight_kg": 500});
    let (status, cost) = s.send("POST", "/v1/cost", &body);
    assert_eq!(status, 200, "{cost}");
    assert_matches_schema(&doc, "LandedCost", &cost);
    let line = |kind: &str| {
        cost["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["kind"] == kind)
            .unwrap()
            .clone()
    };
    assert_eq!(line("duty")["amount"], 1018.98);
    assert!(line("duty")["source"]
        .as_str()
        .unwrap()
        .contains("ru.61_2022_25.04.2022.pdf"));
    assert_eq!(line("vat")["amount"], 1763.04);
    assert_eq!(line("vat")["base"], 11018.98);
    assert_eq!(cost["duty_basis"]["level"], "national_line");
    // A 6-digit code over lines with different rates: listed, never one picked.
    let body = json!({"hs": "870323", "value": 20000, "origin": "CN", "destination": "RU",
                      "date": "2026-11-23", "engine_cm3": 2000});
    let (status, cost) = s.send("POST", "/v1/cost", &body);
    assert_eq!(status, 200, "{cost}");
    assert!(cost["national_lines"].as_array().unwrap().len() > 5);
    assert!(cost["duty_range"]["max_usd"].as_f64().unwrap() > 0.0);
    let (_, hs) = s.get("/v1/hs?q=%D1%84%D1%83%D1%82%D0%B1%D0%BE%D0%BB%D0%BA%D0%B8&limit=5");
    assert!(hs["national_lines"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["hs"] == "6109100000"));

    // Bad input: clear 4xx errors, never a number.
    for (body, status, code) in [
        (
            json!({"hs": "999999", "value": 1, "origin": "CN", "destination": "KZ", "date": "2026-01-01"}),
            400,
            "unknown_hs_code",
        ),
        (
            json!({"hs": "610910", "value": 1, "origin": "CN", "destination": "US", "date": "2026-01-01"}),
            400,
            "no_country_data",
        ),
        (
            json!({"hs": "610910", "value": -1, "origin": "CN", "destination": "KZ", "date": "2026-01-01"}),
            400,
            "invalid_request",
        ),
        (
            json!({"hs": "610910", "value": 1, "origin": "CN", "destination": "KZ", "date": "2026-02-30"}),
            422,
            "invalid_json",
        ),
    ] {
        let (got_status, err) = s.send("POST", "/v1/cost", &body);
        assert_eq!(got_status, status, "{body}: {err}");
        assert_eq!(err["error"]["code"], code, "{err}");
        assert_matches_schema(&doc, "ErrorBody", &err);
    }
    let (status, _) = s.send(
        "POST",
        "/v1/cost?route_from=Tashkent",
        &json!({"hs": "610910", "value": 1, "origin": "UZ", "destination": "KZ", "date": "2026-01-01", "weight_kg": 10}),
    );
    assert_eq!(status, 400, "route_from without route_to");
}

/// Sends raw bytes and reads until the server answers or closes; returns what it answered
/// (empty when it closed without a word) and how long that took.
fn raw_exchange(
    base: &str,
    bytes: &[u8],
    wait: std::time::Duration,
) -> (String, std::time::Duration) {
    use std::io::{Read, Write};
    let addr = base.trim_start_matches("http://");
    let mut sock = std::net::TcpStream::connect(addr).unwrap();
    sock.set_read_timeout(Some(wait)).unwrap();
    let t = std::time::Instant::now();
    sock.write_all(bytes).unwrap();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = sock.read(&mut buf) {
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
        if out.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    (String::from_utf8_lossy(&out).into_owned(), t.elapsed())
}

#[test]
fn every_response_has_security_headers_and_foreign_hosts_are_refused() {
    let (_dir, db) = temp_db();
    let s = Server::start(&db);
    for path in ["/", "/health", "/v1/nothing", "/openapi.json"] {
        let r = s.agent.get(&format!("{}{path}", s.base)).call().unwrap();
        let h = r.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        // MapLibre GL runs its workers from blob: URLs and sets inline styles.
        assert!(csp.contains("worker-src 'self' blob:"), "{csp}");
    }
    // A DNS-rebinding page reaches the server under its own name: refused, headers still set.
    let mut r = s
        .agent
        .get(&format!("{}/v1/scenarios", s.base))
        .header("host", "evil.example")
        .call()
        .unwrap();
    assert!([403, 421].contains(&r.status().as_u16()));
    assert_eq!(r.headers()["x-frame-options"], "DENY");
    let body = read_json(&mut r);
    assert_eq!(body["error"]["code"], "host_not_allowed");
    let (answer, _) = raw_exchange(
        &s.base,
        b"DELETE /v1/scenarios/x HTTP/1.1\r\nHost: evil.example:8080\r\n\r\n",
        std::time::Duration::from_secs(5),
    );
    assert!(answer.starts_with("HTTP/1.1 421"), "{answer}");
    // Loopback names with a port are fine.
    let r = s
        .agent
        .get(&format!("{}/health", s.base))
        .header("host", "localhost:1234")
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);

    // Unknown and wrongly cased paths are JSON 404s, never the map's HTML.
    for path in [
        "/V1/bcps",
        "/health/x",
        "/openapi.json/x",
        "/v1",
        "/nothing",
    ] {
        let (status, body) = s.get(path);
        assert_eq!(status, 404, "{path}");
        assert_eq!(body["error"]["code"], "not_found", "{path}");
    }
}

#[test]
fn limits_are_checked_at_the_edge_and_named() {
    let (_dir, db) = temp_db();
    let s = Server::start(&db);
    let (_, doc) = s.get("/openapi.json");
    let long = "a".repeat(101);
    let cases: Vec<(String, u16, &str)> = vec![
        (format!("/v1/places?q={long}"), 400, "100"),
        (format!("/v1/hs?q={long}"), 400, "100"),
        ("/v1/places?q=tash&limit=51".into(), 400, "50"),
        ("/v1/places?q=tash&limit=0".into(), 400, "50"),
        (format!("/v1/places/{long}"), 400, "100"),
        (
            format!("/v1/places?q={}", "a".repeat(60 * 1024)),
            400,
            "8192",
        ),
        (
            "/v1/route?from=Tashkent&to=Karachi&cargo_value_usd=1e308".into(),
            400,
            "cargo_value_usd",
        ),
        (
            "/v1/route?from=Tashkent&to=Karachi&carbon_price_usd_per_t=1e300".into(),
            400,
            "carbon_price_usd_per_t",
        ),
        (
            "/v1/route?from=Tashkent&to=Karachi&avoid_countries=ZZ".into(),
            400,
            "ZZ",
        ),
        (
            "/v1/route?from=Tashkent&to=Karachi&close_bcps=torkham&open_bcps=torkham".into(),
            400,
            "both closed and opened",
        ),
    ];
    for (path, want, mentions) in &cases {
        let (status, body) = s.get(path);
        assert_eq!(status, *want, "{path}: {body}");
        let msg = body["error"]["message"].as_str().unwrap();
        assert!(msg.contains(mentions), "{path}: {msg}");
        assert_matches_schema(&doc, "ErrorBody", &body);
    }
    let cost = json!({"hs": "610910", "value": 1e300, "origin": "UZ", "destination": "KZ",
                      "date": "2026-11-23"});
    let (status, body) = s.send("POST", "/v1/cost", &cost);
    assert_eq!(status, 400, "{body}");
    let cost = json!({"hs": "610910", "value": 1000, "origin": "UZ", "destination": "KZ",
                      "date": "2026-11-23",
                      "transport": {"freight_usd": 100, "freight_to_border_usd": 500}});
    let (status, body) = s.send("POST", "/v1/cost", &cost);
    assert_eq!(status, 400, "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("freight_to_border_usd"));
    // The limits are in the published schemas.
    let places = &doc["paths"]["/v1/places"]["get"]["parameters"];
    let q = places
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "q")
        .unwrap();
    assert_eq!(q["schema"]["maxLength"], 100);
    assert_eq!(
        doc["components"]["schemas"]["RouteRequest"]["properties"]["cargo_value_usd"]["maximum"]
            .as_f64(),
        Some(1e12)
    );
    assert!(doc["paths"]["/v1/route"]["get"]["responses"]["503"].is_object());
    assert!(doc["paths"]["/v1/scenarios"]["post"]["responses"]["401"].is_object());

    // A crossing the request opens is labelled so, never `closed`.
    let (status, route) =
        s.get("/v1/route?from=Tashkent&to=Karachi&modes=road&open_bcps=torkham,chaman-spin-boldak");
    assert_eq!(status, 200, "{route}");
    for r in route["routes"].as_array().unwrap() {
        for b in r["border_crossings"].as_array().unwrap() {
            assert_ne!(b["status"], "closed", "{b}");
        }
    }
    assert_eq!(s.get("/health").0, 200);
}

#[test]
fn api_keys_guard_writes_and_the_rate_limit_answers_429() {
    let (dir, db) = temp_db();
    let keys = dir.path().join("keys.txt");
    std::fs::write(&keys, "# keys\nsecret-one\n\nsecret-two\n").unwrap();
    let s = Server::start_with(
        &db,
        &[
            "--api-key-file",
            keys.to_str().unwrap(),
            "--rate-limit",
            "1",
        ],
    );
    let sc = json!({"name": "keyed"});
    let url = format!("{}/v1/scenarios", s.base);
    let r = s.agent.post(&url).send_json(&sc).unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert!(r.headers().contains_key("www-authenticate"));
    let r = s
        .agent
        .post(&url)
        .header("authorization", "Bearer secret-three")
        .send_json(&sc)
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let r = s
        .agent
        .post(&url)
        .header("authorization", "Bearer secret-two")
        .send_json(&sc)
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let r = s
        .agent
        .post(&url)
        .header("x-api-key", "secret-one")
        .send_json(&sc)
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    // Reads need no key.
    assert_eq!(s.get("/v1/scenarios").0, 200);
    // A burst of two, then 429 with Retry-After.
    let statuses: Vec<u16> = (0..4).map(|_| s.get("/v1/places?q=tashkent").0).collect();
    assert!(statuses.contains(&429), "{statuses:?}");
    assert_eq!(s.get("/health").0, 200);
}

#[test]
fn slow_clients_are_cut_off_and_sigterm_ends_the_server_quickly() {
    let (_dir, db) = temp_db();
    let mut s = Server::start_with(&db, &["--client-timeout-s", "1"]);
    // Headers that never end: the connection is closed after the header-read timeout.
    let (answer, took) = raw_exchange(
        &s.base,
        b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ",
        std::time::Duration::from_secs(10),
    );
    assert!(
        took < std::time::Duration::from_secs(4),
        "{took:?} {answer}"
    );
    // A body that never ends: 408 after the body timeout.
    let (answer, took) = raw_exchange(
        &s.base,
        b"POST /v1/route HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
        std::time::Duration::from_secs(10),
    );
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(took < std::time::Duration::from_secs(4), "{took:?}");

    // SIGTERM with a client mid-request: the process ends within the grace period.
    let addr = s.base.trim_start_matches("http://").to_owned();
    let _held = std::thread::spawn(move || {
        use std::io::Write;
        let mut sock = std::net::TcpStream::connect(addr).unwrap();
        let _ = sock.write_all(
            b"POST /v1/route HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 50\r\n\r\n{",
        );
        std::thread::sleep(std::time::Duration::from_secs(10));
    });
    std::thread::sleep(std::time::Duration::from_millis(200));
    let t = std::time::Instant::now();
    let ok = Command::new("kill")
        .args(["-TERM", &s.child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
    loop {
        if let Some(status) = s.child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        assert!(
            t.elapsed() < std::time::Duration::from_secs(5),
            "still running 5 s after SIGTERM"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn matrix_cells_match_routes_and_the_schema() {
    let (_dir, db) = temp_db();
    // Without a compiled file the first matrix waits for the hierarchy to be built.
    let s = Server::start_with(&db, &["--route-timeout-ms", "120000"]);
    let (_, doc) = s.get("/openapi.json");
    let body = json!({
        "sources": ["Tashkent", {"lat": 43.24, "lon": 76.9}],
        "targets": ["Bishkek", "Urumqi"],
        "options": {"optimize": "fastest", "modes": ["road"]}
    });
    let (status, m) = s.send("POST", "/v1/matrix", &body);
    assert_eq!(status, 200, "{m}");
    assert_matches_schema(&doc, "MatrixResponse", &m);
    let cells = m["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 4);
    let (status, r) = s.send(
        "POST",
        "/v1/route",
        &json!({"from": "Tashkent", "to": "Urumqi", "optimize": "fastest", "modes": ["road"]}),
    );
    assert_eq!(status, 200);
    let summary = &r["routes"][0]["summary"];
    let cell = &cells[1];
    for (c, k) in [
        ("hours", "hours"),
        ("cost_usd", "cost_usd"),
        ("distance_km", "distance_km"),
    ] {
        let (a, b) = (cell[c].as_f64().unwrap(), summary[k].as_f64().unwrap());
        assert!((a - b).abs() <= 0.011, "{c}: {a} vs {b}");
    }
    // Bad input answers 400 with a message that names the problem.
    for (bad, needle) in [
        (
            json!({"sources": [], "targets": ["Bishkek"]}),
            "`sources` is empty",
        ),
        (
            json!({"sources": ["Tashkent"], "targets": ["Bishkek"], "pairs": [[0, 5]]}),
            "out of range",
        ),
        (
            json!({"sources": ["Tashkentt"], "targets": ["Bishkek"]}),
            "did you mean",
        ),
        (
            json!({"sources": ["Tashkent"], "targets": ["Bishkek"], "options": {"cargo_tonnes": -1}}),
            "cargo_tonnes",
        ),
    ] {
        let (status, e) = s.send("POST", "/v1/matrix", &bad);
        assert_eq!(status, 400, "{bad}: {e}");
        assert!(
            e["error"]["message"].as_str().unwrap().contains(needle),
            "{e}"
        );
    }
}

#[test]
fn the_library_comparisons_and_accessibility_over_http() {
    let (_dir, db) = temp_db();
    let s = Server::start_with(&db, &["--route-timeout-ms", "120000"]);
    let (_, doc) = s.get("/openapi.json");
    let (status, lib) = s.get("/v1/library");
    assert_eq!(status, 200);
    assert_matches_schema(&doc, "LibraryList", &lib);
    assert!(lib["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["id"] == "trans-afghan-railway" && e["kind"] == "project"));
    let (status, one) = s.get("/v1/library/trans-afghan-railway");
    assert_eq!(status, 200);
    let lines = one["geometry"]["features"].as_array().unwrap();
    assert_eq!(lines.len(), 7);
    assert_eq!(lines[0]["geometry"]["type"], "LineString");
    let (status, e) = s.get("/v1/library/trans-afghan-railwya");
    assert_eq!(status, 404, "{e}");

    // A library id is a scenario wherever one is taken.
    let (status, r) =
        s.get("/v1/route?from=Termez&to=Peshawar&modes=rail&scenario=trans-afghan-railway");
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["routes"][0]["projects"][0], "trans-afghan-railway");
    assert!(crossing_ids(&r["routes"][0]).contains(&"kharlachi".to_string()));
    let (status, r) = s.get("/v1/route?from=Termez&to=Peshawar&modes=rail");
    assert_eq!(status, 200);
    assert!(!crossing_ids(&r["routes"][0]).contains(&"kharlachi".to_string()));

    let (status, c) = s.get("/v1/compare?scenario=trans-afghan-railway&from=top:30");
    assert_eq!(status, 200, "{c}");
    assert_matches_schema(&doc, "CompareOut", &c);
    assert_eq!(c["sources"].as_array().unwrap().len(), 30);
    assert!(c["improved_pairs"].as_u64().unwrap() > 0);
    assert_eq!(c["worsened_pairs"], 0);

    let (status, a) =
        s.get("/v1/access?scenario=trans-afghan-railway&from=Kabul,Peshawar&markets=50");
    assert_eq!(status, 200, "{a}");
    assert_matches_schema(&doc, "AccessReport", &a);
    assert!(a["places"][0]["delta_market_access_pct"].as_f64().unwrap() > 0.0);

    for (path, status_want, needle) in [
        ("/v1/compare?scenario=nope", 404, "no scenario `nope`"),
        (
            "/v1/compare?scenario=trans-afghan-railway&from=top:999",
            400,
            "top:N",
        ),
        (
            "/v1/access?scenario=trans-afghan-railway&markets=0",
            400,
            "markets",
        ),
        (
            "/v1/access?scenario=trans-afghan-railway&modes=boat",
            400,
            "unknown mode",
        ),
        (
            "/v1/compare?scenario=trans-afghan-railway&from=Kabbul",
            400,
            "did you mean",
        ),
    ] {
        let (status, e) = s.get(path);
        assert_eq!(status, status_want, "{path}: {e}");
        assert!(
            e["error"]["message"].as_str().unwrap().contains(needle),
            "{path}: {e}"
        );
    }
}
