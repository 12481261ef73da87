//! The OpenAPI 3 document, generated from the handler annotations and the wire types.

use serde_json::{json, Value};
use utoipa::OpenApi;

use crate::edge::*;
use crate::{analysis, api, gravity, impact};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Caravan API",
        description = "Multimodal freight routes across Central and South Asia: border crossings, \
                       transfers, time, cost and CO2e, with scenario overlays. Coordinates are \
                       `lat`/`lon` in objects and `[lon, lat]` in geometry arrays (GeoJSON order). \
                       Errors are `{\"error\": {\"code\", \"message\"}}`."
    ),
    paths(
        api::health,
        api::route_get,
        api::route_post,
        api::matrix_post,
        api::cost,
        api::hs_search,
        gravity::estimate,
        gravity::ge,
        impact::impact,
        api::places_search,
        api::place_get,
        api::bcps_list,
        api::bcp_get,
        api::scenarios_list,
        api::scenario_create,
        api::scenario_get,
        api::scenario_update,
        api::scenario_delete,
        analysis::library_list,
        analysis::library_get,
        analysis::compare,
        analysis::access,
    ),
    tags(
        (name = "route", description = "Plan routes"),
        (name = "cost", description = "Landed cost: duties, taxes, fees and freight, with sources"),
        (name = "gravity", description = "Structural gravity: PPML-HDFE estimates and GE trade counterfactuals; trade impact of network scenarios"),
        (name = "places", description = "Find origins and destinations"),
        (name = "bcps", description = "Border crossing points"),
        (name = "scenarios", description = "Scenarios: saved overlays, the library of planned projects and policies, base-vs-scenario comparisons and accessibility"),
        (name = "meta", description = "Health"),
    )
)]
pub struct ApiDoc;

/// The document as pretty JSON: the generated one with the edge's limits and the statuses the
/// guard and the pool answer (see `constrain`). Built once.
pub fn openapi_json() -> String {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
        constrain(&mut doc);
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    })
    .clone()
}

/// Constraints of a value: `minLength`, `maximum`, `maxItems`, ...
fn limits(pairs: &[(&str, Value)]) -> Value {
    Value::Object(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    )
}

fn range(min: f64, max: f64) -> Value {
    limits(&[("minimum", json!(min)), ("maximum", json!(max))])
}

fn text(max: usize) -> Value {
    limits(&[("maxLength", json!(max))])
}

fn merge(target: &mut Value, extra: &Value) {
    if let (Some(t), Some(e)) = (target.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            t.insert(k.clone(), v.clone());
        }
    }
}

/// A list of ids: at most `MAX_LIST_ITEMS` entries of at most `MAX_ID_CHARS` characters.
fn id_list() -> Value {
    json!({"maxItems": MAX_LIST_ITEMS, "items": {"type": "string", "maxLength": MAX_ID_CHARS}})
}

/// Puts the limits that `edge` and `guard` enforce into the document, and every status they
/// answer into the operations they answer it for.
fn constrain(doc: &mut Value) {
    let lists = MAX_LIST_ITEMS * (MAX_ID_CHARS + 1);
    let query: Vec<(&str, Value)> = vec![
        (
            "q",
            json!({"minLength": 1, "maxLength": MAX_QUERY_CHARS, "pattern": "\\S"}),
        ),
        ("limit", json!({"minimum": 1, "maximum": MAX_RESULTS})),
        (
            "from",
            json!({"minLength": 1, "maxLength": MAX_QUERY_CHARS, "pattern": "\\S"}),
        ),
        (
            "to",
            json!({"minLength": 1, "maxLength": MAX_QUERY_CHARS, "pattern": "\\S"}),
        ),
        ("route_from", text(MAX_QUERY_CHARS)),
        ("route_to", text(MAX_QUERY_CHARS)),
        ("modes", text(MAX_MODES_CHARS)),
        ("route_modes", text(MAX_MODES_CHARS)),
        ("optimize", text(MAX_MODES_CHARS)),
        (
            "alternatives",
            json!({"minimum": 0, "maximum": caravan_route::MAX_ALTERNATIVES}),
        ),
        ("cargo_tonnes", range(MIN_CARGO_TONNES, MAX_CARGO_TONNES)),
        ("cargo_value_usd", range(0.0, MAX_AMOUNT)),
        ("vot_day_share", range(0.0, 1.0)),
        (
            "carbon_price_usd_per_t",
            range(0.0, MAX_CARBON_PRICE_USD_PER_T),
        ),
        ("avoid_countries", text(lists)),
        ("avoid_bcps", text(lists)),
        ("close_bcps", text(lists)),
        ("open_bcps", text(lists)),
        ("scenario", text(MAX_ID_CHARS)),
        ("id", text(MAX_ID_CHARS)),
        ("country", text(MAX_MODES_CHARS)),
        ("mode", text(MAX_MODES_CHARS)),
    ];
    let schemas: Vec<(&str, &str, Value)> = vec![
        (
            "RouteRequest",
            "cargo_tonnes",
            range(MIN_CARGO_TONNES, MAX_CARGO_TONNES),
        ),
        ("RouteRequest", "cargo_value_usd", range(0.0, MAX_AMOUNT)),
        (
            "RouteRequest",
            "alternatives",
            json!({"maximum": caravan_route::MAX_ALTERNATIVES}),
        ),
        ("RouteRequest", "vot_day_share", range(0.0, 1.0)),
        (
            "RouteRequest",
            "carbon_price_usd_per_t",
            range(0.0, MAX_CARBON_PRICE_USD_PER_T),
        ),
        ("RouteRequest", "avoid_countries", id_list()),
        ("RouteRequest", "avoid_bcps", id_list()),
        ("Scenario", "name", text(MAX_NAME_CHARS)),
        ("Scenario", "close_bcps", id_list()),
        ("Scenario", "open_bcps", id_list()),
        (
            "Scenario",
            "bcp_changes",
            json!({"maxItems": MAX_LIST_ITEMS}),
        ),
        (
            "ScenarioIn",
            "name",
            json!({"minLength": 1, "maxLength": MAX_NAME_CHARS, "pattern": "\\S"}),
        ),
        ("ScenarioIn", "description", text(MAX_DESCRIPTION_CHARS)),
        ("ScenarioIn", "close_bcps", id_list()),
        ("ScenarioIn", "open_bcps", id_list()),
        (
            "ScenarioIn",
            "bcp_changes",
            json!({"maxItems": MAX_LIST_ITEMS}),
        ),
        (
            "ImpactRequest",
            "countries",
            json!({"minItems": 2, "maxItems": crate::impact::MAX_COUNTRIES,
                   "items": {"type": "string", "maxLength": MAX_ID_CHARS}}),
        ),
        ("ImpactRequest", "centres", range(1.0, 5.0)),
        ("ImpactRequest", "sigma", json!({"exclusiveMinimum": 1})),
        (
            "ImpactRequest",
            "cargo_tonnes",
            range(MIN_CARGO_TONNES, MAX_CARGO_TONNES),
        ),
        ("ImpactRequest", "cargo_value_usd", range(0.0, MAX_AMOUNT)),
        ("ImpactRequest", "vot_day_share", range(0.0, 1.0)),
        (
            "ImpactRequest",
            "distance_elasticity",
            json!({"exclusiveMaximum": 0}),
        ),
        ("BcpChange", "bcp", text(MAX_ID_CHARS)),
        ("BcpChange", "wait_hours", range(0.0, MAX_WAIT_HOURS)),
        ("BcpChange", "wait_factor", range(0.0, MAX_WAIT_FACTOR)),
        ("BcpChange", "fee_usd", range(0.0, MAX_FEE_USD)),
        ("CostRequest", "hs", text(MAX_HS_CHARS)),
        ("CostRequest", "currency", text(MAX_CURRENCY_CHARS)),
        ("CostRequest", "origin", text(MAX_QUERY_CHARS)),
        ("CostRequest", "destination", text(MAX_QUERY_CHARS)),
        ("CostRequest", "value", range(0.0, MAX_AMOUNT)),
        ("CostRequest", "weight_kg", range(0.0, MAX_QUANTITY)),
        ("CostRequest", "quantity", range(0.0, MAX_QUANTITY)),
        ("CostRequest", "litres", range(0.0, MAX_QUANTITY)),
        ("CostRequest", "engine_cm3", range(0.0, MAX_QUANTITY)),
        ("CostRequest", "fx", json!({"maxItems": MAX_LIST_ITEMS})),
        ("FxOverride", "currency", text(MAX_CURRENCY_CHARS)),
        (
            "FxOverride",
            "per_usd",
            range(MIN_FX_PER_USD, MAX_FX_PER_USD),
        ),
        ("Transport", "freight_usd", range(0.0, MAX_AMOUNT)),
        ("Transport", "freight_to_border_usd", range(0.0, MAX_AMOUNT)),
        ("Transport", "border_fees_usd", range(0.0, MAX_AMOUNT)),
        ("Transport", "insurance_usd", range(0.0, MAX_AMOUNT)),
        ("Transport", "source", text(MAX_SOURCE_CHARS)),
    ];
    if let Some(comps) = doc.pointer_mut("/components/schemas") {
        for (schema, prop, extra) in &schemas {
            if let Some(p) = comps.pointer_mut(&format!("/{schema}/properties/{prop}")) {
                merge(p, extra);
            }
        }
        // A place given by name: 1-200 characters; by coordinates: within the globe.
        if let Some(Value::Array(alts)) = comps.pointer_mut("/Location/oneOf") {
            for alt in alts {
                if alt["type"] == "string" {
                    merge(
                        alt,
                        &json!({"minLength": 1, "maxLength": MAX_QUERY_CHARS, "pattern": "\\S"}),
                    );
                } else {
                    if let Some(p) = alt.pointer_mut("/properties/lat") {
                        merge(p, &range(-90.0, 90.0));
                    }
                    if let Some(p) = alt.pointer_mut("/properties/lon") {
                        merge(p, &range(-180.0, 180.0));
                    }
                }
            }
        }
    }
    if let Some(comps) = doc.get_mut("components").and_then(Value::as_object_mut) {
        comps.insert(
            "securitySchemes".into(),
            json!({
                "bearer": {"type": "http", "scheme": "bearer",
                    "description": "Only when the server runs with --api-key-file: the write endpoints need a key"},
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}
            }),
        );
    }
    let err = |d: &str| json!({"description": d, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}});
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            let has_params = op["parameters"].as_array().is_some_and(|p| !p.is_empty());
            if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                for p in params {
                    let name = p["name"].as_str().unwrap_or("").to_owned();
                    if let Some((_, extra)) = query.iter().find(|(n, _)| *n == name) {
                        if let Some(schema) = p.get_mut("schema") {
                            merge(schema, extra);
                        }
                    }
                }
            }
            let body = matches!(method.as_str(), "post" | "put");
            let write = body && path.starts_with("/v1/scenarios") || method == "delete";
            let expensive = crate::guard::is_expensive(path.trim_end_matches("/{id}"));
            let mut add: Vec<(&str, Value)> = vec![
                ("421", err("The Host header names a host this server does not answer for (see --allowed-host)")),
                ("500", err("Internal error")),
                ("414", json!({"description": "The URI is over 64 KiB: refused by the HTTP layer, without a body"})),
                ("431", json!({"description": "The headers are over 400 KiB: refused by the HTTP layer, without a body"})),
            ];
            if has_params || body {
                add.push(("400", err("A parameter or field is malformed or over its limit (the message names it), or the URI is longer than 8 KiB")));
            } else {
                add.push(("400", err("The URI is longer than 8 KiB")));
            }
            if body {
                add.push(("408", err("The request body did not arrive in time")));
                add.push(("413", err("The request body is over the size limit")));
                add.push(("415", err("The body is not `application/json`")));
                add.push(("422", err("The JSON body has the wrong shape")));
            }
            if write {
                add.push((
                    "401",
                    err("An API key is needed (server started with --api-key-file)"),
                ));
                add.push(("403", err("The API key is not valid")));
                op["security"] = json!([{}, {"bearer": []}, {"apiKey": []}]);
            }
            if expensive {
                add.push((
                    "429",
                    err("Too many requests from this client (server started with --rate-limit)"),
                ));
                add.push(("503", err("The work took longer than the server's limit, or waited too long for a worker")));
            }
            if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                for (code, resp) in add {
                    responses.entry(code.to_owned()).or_insert(resp);
                }
            }
        }
    }
}
