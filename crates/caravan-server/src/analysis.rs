//! The analyst's endpoints: the scenario library, base-vs-scenario comparisons over many
//! places, and accessibility (`caravan scenario`, `caravan compare`, `caravan access`).
//! Wherever a scenario id is taken, a library id works as well as a saved scenario's.

use std::sync::OnceLock;

use axum::extract::{Path, State};
use axum::Json;
use caravan_impact::access::AccessReport;
use caravan_impact::compare::{
    expand_top, largest_places, CountryPairDelta, PairDelta, PlaceDelta,
};
use caravan_route::{LibraryEntry, Location, MatrixEndpoint, MatrixOptions, Scenario};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::{blocking, pooled, ApiQuery};
use crate::edge::{check_text, MAX_ID_CHARS};
use crate::error::{ApiError, ErrorBody};
use crate::AppState;

/// Most places (sources, targets, or places measured) one request may name: a 200 x 200
/// comparison takes well under a second on the hierarchy.
pub const MAX_PLACES: usize = 200;
/// Most pair rows a comparison returns (the changed ones first).
pub const MAX_PAIR_ROWS: usize = 2000;

#[derive(Serialize, ToSchema)]
pub struct LibraryList {
    pub scenarios: Vec<LibraryEntry>,
}

/// A library scenario with the lines of its project, for the map.
#[derive(Serialize, ToSchema)]
pub struct LibraryDetail {
    #[serde(flatten)]
    pub entry: LibraryEntry,
    /// GeoJSON FeatureCollection of the planned links (empty for policy scenarios).
    #[schema(value_type = Object)]
    pub geometry: serde_json::Value,
}

/// The scenario a request names: a library id (`trans-afghan-railway`), else a saved
/// scenario's id (404 when neither).
pub(crate) async fn resolve(s: &AppState, id: &str) -> Result<Scenario, ApiError> {
    check_text("scenario", id, MAX_ID_CHARS).map_err(ApiError::bad_request)?;
    if let Some(e) = s.router.library().get(id) {
        return Ok(e.scenario.clone());
    }
    let store = s.store.clone();
    let key = id.to_owned();
    let stored = blocking(move || Ok(store.get(&key)?)).await?;
    let mut sc = stored.scenario;
    sc.name = Some(stored.name);
    Ok(sc)
}

#[utoipa::path(get, path = "/v1/library", tag = "scenarios",
    responses((status = 200, description = "The scenario library: planned projects and policy scenarios, with sources", body = LibraryList)))]
pub async fn library_list(State(s): State<AppState>) -> Json<LibraryList> {
    Json(LibraryList {
        scenarios: s.router.library().entries().to_vec(),
    })
}

#[utoipa::path(get, path = "/v1/library/{id}", tag = "scenarios",
    params(("id" = String, Path, description = "Library id, e.g. trans-afghan-railway")),
    responses((status = 200, description = "The library scenario and its planned links", body = LibraryDetail),
              (status = 404, description = "No such library scenario", body = ErrorBody)))]
pub async fn library_get(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<LibraryDetail>, ApiError> {
    check_text("id", &id, MAX_ID_CHARS).map_err(ApiError::bad_request)?;
    let entry = s
        .router
        .library()
        .get(&id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("library scenario", &id))?;
    let net = s.router.network();
    let mut features = Vec::new();
    for pid in &entry.scenario.projects {
        let Some(i) = net.project_index(pid) else {
            continue;
        };
        let p = &net.projects[i].project;
        for l in &p.links {
            let pt = |id: &str| p.points.iter().find(|x| x.id == id).map(|x| [x.lon, x.lat]);
            let (Some(a), Some(b)) = (pt(&l.from), pt(&l.to)) else {
                continue;
            };
            let mut coords = vec![a];
            coords.extend(l.via.iter().map(|v| [v[1], v[0]]));
            coords.push(b);
            features.push(serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": coords},
                "properties": {"project": p.id, "mode": l.mode, "km": l.km, "gauge_mm": l.gauge_mm,
                               "from": l.from, "to": l.to, "crossing": l.crossing},
            }));
        }
    }
    Ok(Json(LibraryDetail {
        entry,
        geometry: serde_json::json!({"type": "FeatureCollection", "features": features}),
    }))
}

/// `GET /v1/compare` and `GET /v1/access` parameters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AnalysisQuery {
    /// Library id or saved scenario id (required).
    pub scenario: String,
    /// Comma-separated places, or `top:N` (the N most populous cities of the SCO / CAREC
    /// countries; default top:50). For `/v1/access`, the places measured.
    pub from: Option<String>,
    /// As `from`, for `/v1/compare` (default: the same as `from`).
    pub to: Option<String>,
    /// Markets of the market-access sum, the N largest cities (1-200, default 100).
    pub markets: Option<usize>,
    /// Comma-separated subset of `road,rail,sea` (default all for compare; road and rail for
    /// access).
    pub modes: Option<String>,
    /// `generalized` (default), `fastest`, `cheapest` or `greenest`.
    pub optimize: Option<String>,
    pub cargo_tonnes: Option<f64>,
    pub cargo_value_usd: Option<f64>,
}

/// A place list: names separated by `,` (or by `;` when it holds `lat,lon` pairs), with
/// `top:N` expanded; at most `MAX_PLACES`.
fn places(net: &caravan_net::Network, arg: Option<&str>) -> Result<Vec<Location>, ApiError> {
    let arg = arg.unwrap_or("top:50");
    let sep = if arg.contains(';') { ';' } else { ',' };
    let mut list = Vec::new();
    for item in arg.split(sep).map(str::trim).filter(|x| !x.is_empty()) {
        check_text("place", item, crate::edge::MAX_QUERY_CHARS).map_err(ApiError::bad_request)?;
        list.push(Location::parse(item));
    }
    let out = expand_top(net, list, MAX_PLACES)?;
    if out.len() > MAX_PLACES {
        return Err(ApiError::bad_request(format!(
            "at most {MAX_PLACES} places, got {}",
            out.len()
        )));
    }
    Ok(out)
}

/// The matrix options of a query, parsed and checked as a route query's.
fn options(q: &AnalysisQuery) -> Result<MatrixOptions, ApiError> {
    let (req, _) = crate::wire::RouteQuery {
        from: "origin".into(),
        to: "destination".into(),
        modes: q.modes.clone(),
        optimize: q.optimize.clone(),
        cargo_tonnes: q.cargo_tonnes,
        cargo_value_usd: q.cargo_value_usd,
        ..Default::default()
    }
    .into_request()?;
    crate::edge::check_route_request(&req).map_err(ApiError::bad_request)?;
    Ok(MatrixOptions::from_route(&req))
}

/// A comparison without the two full matrices.
#[derive(Serialize, ToSchema)]
pub struct CompareOut {
    pub scenario: Scenario,
    pub sources: Vec<MatrixEndpoint>,
    pub targets: Vec<MatrixEndpoint>,
    pub comparable_pairs: usize,
    pub improved_pairs: usize,
    pub worsened_pairs: usize,
    pub newly_reachable_pairs: usize,
    pub no_longer_reachable_pairs: usize,
    pub corridor_changed_share: f64,
    pub country_pairs: Vec<CountryPairDelta>,
    pub winners: Vec<PlaceDelta>,
    pub losers: Vec<PlaceDelta>,
    /// The pairs that change, most improved first (at most 2000).
    pub pairs: Vec<PairDelta>,
    pub warnings: Vec<String>,
    pub base_seconds: f64,
    pub scenario_seconds: f64,
}

#[utoipa::path(get, path = "/v1/compare", tag = "scenarios", params(AnalysisQuery),
    responses((status = 200, description = "Base vs scenario over many places", body = CompareOut),
              (status = 400, description = "Malformed request or unknown place", body = ErrorBody),
              (status = 404, description = "Unknown scenario", body = ErrorBody),
              (status = 503, description = "Took longer than the server's limit", body = ErrorBody)))]
pub async fn compare(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<AnalysisQuery>,
) -> Result<Json<CompareOut>, ApiError> {
    let scenario = resolve(&s, &q.scenario).await?;
    let opts = options(&q)?;
    let net = s.router.network();
    let sources = places(net, q.from.as_deref())?;
    let targets = match &q.to {
        Some(_) => places(net, q.to.as_deref())?,
        None => sources.clone(),
    };
    let router = s.router.clone();
    let c = pooled(&s, "comparison", move |_| {
        caravan_impact::compare::compare(&router, sources, targets, &opts, &scenario)
            .map_err(ApiError::from)
    })
    .await?;
    let mut pairs: Vec<PairDelta> = c
        .pairs
        .into_iter()
        .filter(|p| {
            p.reach_change != 0
                || p.corridor_changed
                || p.delta_generalized_usd.is_some_and(|d| d.abs() > 0.01)
        })
        .collect();
    pairs.sort_by(|a, b| {
        a.delta_generalized_usd
            .unwrap_or(0.0)
            .total_cmp(&b.delta_generalized_usd.unwrap_or(0.0))
    });
    pairs.truncate(MAX_PAIR_ROWS);
    let mut warnings = c.base.warnings.clone();
    warnings.extend(c.with_scenario.warnings.iter().cloned());
    warnings.sort();
    warnings.dedup();
    Ok(Json(CompareOut {
        scenario: c.scenario,
        sources: c.base.sources,
        targets: c.base.targets,
        comparable_pairs: c.comparable_pairs,
        improved_pairs: c.improved_pairs,
        worsened_pairs: c.worsened_pairs,
        newly_reachable_pairs: c.newly_reachable_pairs,
        no_longer_reachable_pairs: c.no_longer_reachable_pairs,
        corridor_changed_share: c.corridor_changed_share,
        country_pairs: c.country_pairs,
        winners: c.winners,
        losers: c.losers,
        pairs,
        warnings,
        base_seconds: c.base_seconds,
        scenario_seconds: c.scenario_seconds,
    }))
}

/// The distance elasticity of the market-access sum: the PPML fit, computed once.
fn elasticity() -> Result<(f64, String), ApiError> {
    static E: OnceLock<Result<(f64, String), String>> = OnceLock::new();
    E.get_or_init(|| {
        caravan_impact::fitted_distance_elasticity()
            .map(|d| (d.elasticity, d.source))
            .map_err(|e| e.to_string())
    })
    .clone()
    .map_err(ApiError::internal)
}

#[utoipa::path(get, path = "/v1/access", tag = "scenarios", params(AnalysisQuery),
    responses((status = 200, description = "Accessibility of places, base vs scenario", body = AccessReport),
              (status = 400, description = "Malformed request or unknown place", body = ErrorBody),
              (status = 404, description = "Unknown scenario", body = ErrorBody),
              (status = 503, description = "Took longer than the server's limit", body = ErrorBody)))]
pub async fn access(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<AnalysisQuery>,
) -> Result<Json<AccessReport>, ApiError> {
    let scenario = resolve(&s, &q.scenario).await?;
    let opts = options(&q)?;
    let markets_n = q.markets.unwrap_or(100);
    if !(1..=MAX_PLACES).contains(&markets_n) {
        return Err(ApiError::bad_request(format!(
            "markets must be 1 to {MAX_PLACES}, got {markets_n}"
        )));
    }
    let net = s.router.network();
    let list = places(net, q.from.as_deref())?;
    let markets = largest_places(net, markets_n);
    let e = elasticity()?;
    let router = s.router.clone();
    let r = pooled(&s, "accessibility", move |_| {
        caravan_impact::access::accessibility(&router, list, markets, &opts, &scenario, e)
            .map_err(ApiError::from)
    })
    .await?;
    Ok(Json(r))
}
