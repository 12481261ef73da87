//! The request handlers. Each one validates, hands the work to the router or the store off
//! the async runtime (both are blocking), and maps errors through `ApiError`.

use std::str::FromStr;

use axum::extract::{FromRequest, FromRequestParts, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use caravan_net::Layer;
use caravan_route::{
    CancelToken, Criterion, Location, MatrixRequest, MatrixResponse, RouteError, RouteRequest,
    RouteResponse, Scenario,
};

use crate::edge::{self, MAX_ID_CHARS, MAX_QUERY_CHARS, MAX_RESULTS};
use crate::error::{ApiError, ErrorBody, ErrorSuggestion};
use crate::wire::*;
use crate::AppState;

/// `axum::Json` whose rejections answer in our error format.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// `axum::extract::Query` whose rejections answer in our error format.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// `axum::extract::Path` whose rejections answer in our error format.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// Runs blocking work on the blocking pool; a panic inside becomes a 500, not a crash.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::internal(format!("worker failed: {e}")))?
}

/// Cancels its token when dropped: a handler whose client went away, or whose time ran out,
/// stops its search instead of leaving it to run on.
struct CancelOnDrop(CancelToken);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

fn timeout_error(what: &str, limit: std::time::Duration) -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "timeout",
        format!(
            "the {what} took longer than {} ms; try fewer alternatives or modes, or retry later",
            limit.as_millis()
        ),
    )
}

/// Runs CPU-heavy work (searches, routes, landed costs) on the bounded pool, within the time
/// limit, which covers the wait for a worker too (that is what the client experiences). The
/// pool permit moves into the blocking task, so it is held until the work really ends; when
/// the limit passes the token is cancelled and a route search stops within milliseconds.
pub(crate) async fn pooled<T: Send + 'static>(
    s: &AppState,
    what: &'static str,
    f: impl FnOnce(&CancelToken) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let limit = s.config.route_timeout;
    let deadline = tokio::time::Instant::now() + limit;
    let permit =
        match tokio::time::timeout_at(deadline, s.work_permits.clone().acquire_owned()).await {
            Ok(Ok(p)) => p,
            Ok(Err(_)) => return Err(ApiError::internal("the server is shutting down")),
            Err(_) => return Err(timeout_error(what, limit)),
        };
    let token = CancelToken::new();
    let _cancel_on_drop = CancelOnDrop(token.clone());
    let work_token = token.clone();
    let task = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        if work_token.is_cancelled() {
            return Err(timeout_error(what, limit));
        }
        f(&work_token)
    });
    match tokio::time::timeout_at(deadline, task).await {
        Ok(Ok(result)) => result,
        Ok(Err(e)) => Err(ApiError::internal(format!("worker failed: {e}"))),
        Err(_) => {
            token.cancel();
            Err(timeout_error(what, limit))
        }
    }
}

fn check_id(id: &str) -> Result<(), ApiError> {
    edge::check_text("id", id, MAX_ID_CHARS).map_err(ApiError::bad_request)
}

/// A search query: not empty, at most `MAX_QUERY_CHARS`; a limit within 1-`MAX_RESULTS`.
fn check_search(q: &str, limit: Option<usize>) -> Result<usize, ApiError> {
    if q.trim().is_empty() {
        return Err(ApiError::bad_request("the query `q` is empty"));
    }
    edge::check_text("q", q, MAX_QUERY_CHARS).map_err(ApiError::bad_request)?;
    match limit {
        None => Ok(10),
        Some(l) if (1..=MAX_RESULTS).contains(&l) => Ok(l),
        Some(l) => Err(ApiError::bad_request(format!(
            "`limit` must be between 1 and {MAX_RESULTS}, got {l}"
        ))),
    }
}

#[utoipa::path(get, path = "/health", tag = "meta",
    responses((status = 200, description = "The server is up", body = Health)))]
pub async fn health(State(s): State<AppState>) -> Result<Json<Health>, ApiError> {
    let store = s.store.clone();
    let scenarios = blocking(move || Ok(store.count()?)).await?;
    let net = s.router.network();
    let (graph_states, graph_arcs) = s.router.graph_size();
    Ok(Json(Health {
        status: "ok".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        network: NetworkSize {
            nodes: net.nodes.len(),
            links: net.links.len(),
            graph_states,
            graph_arcs,
            bcps: net.bcps.len(),
            places: net.places.len(),
        },
        scenarios,
    }))
}

fn split_list(s: &Option<String>) -> Vec<String> {
    s.as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

impl RouteQuery {
    pub(crate) fn into_request(self) -> Result<(RouteRequest, Option<String>), ApiError> {
        let lists = edge::MAX_LIST_ITEMS * (MAX_ID_CHARS + 1);
        for (name, v, max) in [
            ("modes", &self.modes, edge::MAX_MODES_CHARS),
            ("optimize", &self.optimize, edge::MAX_MODES_CHARS),
            ("avoid_countries", &self.avoid_countries, lists),
            ("avoid_bcps", &self.avoid_bcps, lists),
            ("close_bcps", &self.close_bcps, lists),
            ("open_bcps", &self.open_bcps, lists),
            ("scenario", &self.scenario, MAX_ID_CHARS),
        ] {
            if let Some(v) = v {
                edge::check_text(name, v, max).map_err(ApiError::bad_request)?;
            }
        }
        let mut req = RouteRequest {
            from: Location::parse(&self.from),
            to: Location::parse(&self.to),
            ..RouteRequest::default()
        };
        for m in split_list(&self.modes) {
            if m == "inland_water" {
                req.inland_water = true;
                continue;
            }
            let layer = Layer::parse(&m).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "unknown mode `{m}`: use road, rail, sea or inland_water"
                ))
            })?;
            if !req.modes.contains(&layer) {
                req.modes.push(layer);
            }
        }
        if let Some(o) = &self.optimize {
            req.optimize = Criterion::from_str(o).map_err(ApiError::bad_request)?;
        }
        if let Some(a) = self.alternatives {
            req.alternatives = a;
        }
        if let Some(t) = self.cargo_tonnes {
            req.cargo_tonnes = t;
        }
        if let Some(v) = self.cargo_value_usd {
            req.cargo_value_usd = v;
        }
        req.avoid_countries = split_list(&self.avoid_countries);
        req.avoid_bcps = split_list(&self.avoid_bcps);
        req.scenario.close_bcps = split_list(&self.close_bcps);
        req.scenario.open_bcps = split_list(&self.open_bcps);
        req.vot_day_share = self.vot_day_share;
        req.carbon_price_usd_per_t = self.carbon_price_usd_per_t;
        Ok((req, self.scenario.filter(|s| !s.trim().is_empty())))
    }
}

/// Checks a route request at the edge: limits, known countries.
fn check_route(s: &AppState, req: &RouteRequest) -> Result<(), ApiError> {
    edge::check_route_request(req).map_err(ApiError::bad_request)?;
    edge::check_avoid_countries(&req.avoid_countries, &s.countries).map_err(ApiError::bad_request)
}

/// Computes a route on the bounded worker pool, within the route time limit.
async fn compute_route(s: &AppState, req: RouteRequest) -> Result<RouteResponse, ApiError> {
    let router = s.router.clone();
    let limit = s.config.route_timeout;
    let mut resp = pooled(s, "route", move |cancel| {
        router.route_cancellable(&req, cancel).map_err(|e| match e {
            RouteError::Cancelled => timeout_error("route", limit),
            e => ApiError::from(e),
        })
    })
    .await?;
    edge::check_route_response(&resp)
        .map_err(|m| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "not_finite", m))?;
    edge::label_opened_crossings(&mut resp);
    Ok(resp)
}

async fn run_route(
    s: AppState,
    mut req: RouteRequest,
    saved: Option<String>,
) -> Result<Json<RouteResponse>, ApiError> {
    if let Some(id) = saved {
        let base = crate::analysis::resolve(&s, &id).await?;
        req.scenario = base.then(std::mem::take(&mut req.scenario));
    }
    compute_route(&s, req).await.map(Json)
}

#[utoipa::path(get, path = "/v1/route", tag = "route", params(RouteQuery),
    responses(
        (status = 200, description = "The best route and its alternatives", body = RouteResponse),
        (status = 400, description = "Malformed request, unknown place or border crossing", body = ErrorBody),
        (status = 404, description = "Unknown saved scenario", body = ErrorBody),
        (status = 422, description = "No route exists under the request's constraints", body = ErrorBody),
        (status = 503, description = "The route took longer than the server's limit", body = ErrorBody)))]
pub async fn route_get(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<RouteQuery>,
) -> Result<Json<RouteResponse>, ApiError> {
    let (req, saved) = q.into_request()?;
    check_route(&s, &req)?;
    run_route(s, req, saved).await
}

#[utoipa::path(post, path = "/v1/route", tag = "route", params(SavedScenarioParam),
    request_body(content = RouteRequest, description = "The same request as `caravan route`; `from`/`to` are a place query or `{\"lat\", \"lon\"}`"),
    responses(
        (status = 200, description = "The best route and its alternatives", body = RouteResponse),
        (status = 400, description = "Malformed request, unknown place or border crossing", body = ErrorBody),
        (status = 404, description = "Unknown saved scenario", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 422, description = "No route exists under the request's constraints", body = ErrorBody),
        (status = 503, description = "The route took longer than the server's limit", body = ErrorBody)))]
pub async fn route_post(
    State(s): State<AppState>,
    ApiQuery(p): ApiQuery<SavedScenarioParam>,
    ApiJson(req): ApiJson<RouteRequest>,
) -> Result<Json<RouteResponse>, ApiError> {
    if let Some(id) = &p.scenario {
        check_id(id)?;
    }
    check_route(&s, &req)?;
    run_route(s, req, p.scenario.filter(|s| !s.trim().is_empty())).await
}

#[utoipa::path(post, path = "/v1/matrix", tag = "route",
    request_body(content = MatrixRequest, description = "Sources and targets (place queries or `{\"lat\", \"lon\"}`), optional sparse `pairs` of indices, and the options of a route request"),
    responses(
        (status = 200, description = "One cell per pair, in long form; unreachable pairs say so and carry no figures", body = MatrixResponse),
        (status = 400, description = "Malformed request, unknown place or border crossing, too many pairs", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 503, description = "The matrix took longer than the server's limit", body = ErrorBody)))]
pub async fn matrix_post(
    State(s): State<AppState>,
    ApiJson(req): ApiJson<MatrixRequest>,
) -> Result<Json<MatrixResponse>, ApiError> {
    edge::check_matrix_request(&req).map_err(ApiError::bad_request)?;
    edge::check_avoid_countries(&req.options.avoid_countries, &s.countries)
        .map_err(ApiError::bad_request)?;
    let router = s.router.clone();
    pooled(&s, "matrix", move |_| {
        router.matrix(&req).map_err(ApiError::from)
    })
    .await
    .map(Json)
}

#[utoipa::path(get, path = "/v1/places", tag = "places", params(PlacesQuery),
    responses((status = 200, description = "Places ranked by match quality", body = PlaceList),
              (status = 400, description = "Empty query", body = ErrorBody)))]
pub async fn places_search(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<PlacesQuery>,
) -> Result<Json<PlaceList>, ApiError> {
    let limit = check_search(&q.q, q.limit)?;
    let router = s.router.clone();
    let places = pooled(&s, "place search", move |_| {
        Ok(router
            .places()
            .search(&q.q, limit)
            .into_iter()
            .map(|hit| PlaceOut {
                matched: Some(hit.matched),
                score: Some(hit.score),
                ..PlaceOut::new(&router.network().places[hit.index])
            })
            .collect())
    })
    .await?;
    Ok(Json(PlaceList { places }))
}

#[utoipa::path(get, path = "/v1/places/{id}", tag = "places",
    params(("id" = String, Path, description = "Place id (UN/LOCODE or generated id), case-insensitive")),
    responses((status = 200, description = "The place", body = PlaceOut),
              (status = 404, description = "No such place", body = ErrorBody)))]
pub async fn place_get(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<PlaceOut>, ApiError> {
    check_id(&id)?;
    if let Some(p) = s
        .router
        .network()
        .places
        .iter()
        .find(|p| p.id.eq_ignore_ascii_case(&id))
    {
        return Ok(Json(PlaceOut::new(p)));
    }
    let router = s.router.clone();
    pooled(&s, "place search", move |_| {
        let mut e = ApiError::not_found("place", &id);
        e.detail.suggestions = router
            .places()
            .search(&id, 5)
            .into_iter()
            .map(|h| {
                let p = &router.network().places[h.index];
                ErrorSuggestion {
                    id: p.id.clone(),
                    name: Some(p.name.clone()),
                    country: Some(p.country.to_string()),
                }
            })
            .collect();
        Err(e)
    })
    .await
}

#[utoipa::path(get, path = "/v1/bcps", tag = "bcps", params(BcpsQuery),
    responses((status = 200, description = "Border crossing points", body = BcpList),
              (status = 400, description = "Bad filter", body = ErrorBody)))]
pub async fn bcps_list(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<BcpsQuery>,
) -> Result<Json<BcpList>, ApiError> {
    for (name, v) in [("country", &q.country), ("mode", &q.mode)] {
        if let Some(v) = v {
            edge::check_text(name, v, edge::MAX_MODES_CHARS).map_err(ApiError::bad_request)?;
        }
    }
    let country = q
        .country
        .as_deref()
        .map(|c| {
            caravan_net::Country::parse(c).ok_or_else(|| {
                ApiError::bad_request(format!("`{c}` is not an ISO alpha-2 country code"))
            })
        })
        .transpose()?;
    let mode = q
        .mode
        .as_deref()
        .map(|m| {
            Layer::parse(m)
                .filter(|l| *l != Layer::Sea)
                .ok_or_else(|| ApiError::bad_request(format!("`{m}` is not road or rail")))
        })
        .transpose()?;
    let bcps = s
        .router
        .network()
        .existing_bcps()
        .iter()
        .filter(|b| q.all || b.listed)
        .filter(|b| country.is_none_or(|c| b.country_a == c || b.country_b == c))
        .filter(|b| mode.is_none_or(|m| b.mode == m))
        .map(BcpOut::new)
        .collect();
    Ok(Json(BcpList { bcps }))
}

#[utoipa::path(get, path = "/v1/bcps/{id}", tag = "bcps",
    params(("id" = String, Path, description = "BCP id (every mode) or `id:mode`")),
    responses((status = 200, description = "The crossing's rows, one per mode", body = BcpList),
              (status = 404, description = "No such crossing", body = ErrorBody)))]
pub async fn bcp_get(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<BcpList>, ApiError> {
    check_id(&id)?;
    let net = s.router.network();
    let found = net.find_bcps(&id);
    if found.is_empty() {
        let mut e = ApiError::not_found("border crossing", &id);
        e.detail.suggestions = net
            .suggest_bcps(&id, 5)
            .into_iter()
            .map(|id| ErrorSuggestion {
                id,
                name: None,
                country: None,
            })
            .collect();
        return Err(e);
    }
    let bcps = found
        .iter()
        .map(|&i| BcpOut::new(&net.bcps[i as usize]))
        .collect();
    Ok(Json(BcpList { bcps }))
}

fn check_scenario(s: &AppState, body: &ScenarioIn) -> Result<Scenario, ApiError> {
    let name_chars = body.name.chars().count();
    if body.name.trim().is_empty() || name_chars > edge::MAX_NAME_CHARS {
        return Err(ApiError::bad_request(format!(
            "`name` must have 1 to {} characters, not all blank",
            edge::MAX_NAME_CHARS
        )));
    }
    edge::check_text(
        "description",
        &body.description,
        edge::MAX_DESCRIPTION_CHARS,
    )
    .map_err(ApiError::bad_request)?;
    let overlay = body.overlay();
    edge::check_scenario(&overlay).map_err(ApiError::bad_request)?;
    s.router.validate_scenario(&overlay)?;
    Ok(overlay)
}

#[utoipa::path(get, path = "/v1/scenarios", tag = "scenarios",
    responses((status = 200, description = "Saved scenarios, oldest first", body = ScenarioList)))]
pub async fn scenarios_list(State(s): State<AppState>) -> Result<Json<ScenarioList>, ApiError> {
    let store = s.store.clone();
    let all = blocking(move || Ok(store.list()?)).await?;
    Ok(Json(ScenarioList {
        scenarios: all.into_iter().map(ScenarioOut::from).collect(),
    }))
}

#[utoipa::path(post, path = "/v1/scenarios", tag = "scenarios", request_body = ScenarioIn,
    responses((status = 201, description = "Created; durable when answered", body = ScenarioOut),
              (status = 400, description = "Invalid scenario (e.g. unknown BCP)", body = ErrorBody)))]
pub async fn scenario_create(
    State(s): State<AppState>,
    ApiJson(body): ApiJson<ScenarioIn>,
) -> Result<impl IntoResponse, ApiError> {
    let overlay = check_scenario(&s, &body)?;
    let store = s.store.clone();
    let saved =
        blocking(move || Ok(store.create(body.name.trim(), &body.description, &overlay)?)).await?;
    let location = format!("/v1/scenarios/{}", saved.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(ScenarioOut::from(saved)),
    ))
}

#[utoipa::path(get, path = "/v1/scenarios/{id}", tag = "scenarios",
    params(("id" = String, Path, description = "Scenario id")),
    responses((status = 200, description = "The scenario", body = ScenarioOut),
              (status = 404, description = "No such scenario", body = ErrorBody)))]
pub async fn scenario_get(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ScenarioOut>, ApiError> {
    check_id(&id)?;
    let store = s.store.clone();
    let found = blocking(move || Ok(store.get(&id)?)).await?;
    Ok(Json(found.into()))
}

#[utoipa::path(put, path = "/v1/scenarios/{id}", tag = "scenarios",
    params(("id" = String, Path, description = "Scenario id")),
    request_body = ScenarioIn,
    responses((status = 200, description = "Replaced; `version` grew by one", body = ScenarioOut),
              (status = 400, description = "Invalid scenario", body = ErrorBody),
              (status = 404, description = "No such scenario", body = ErrorBody),
              (status = 409, description = "`version` is stale", body = ErrorBody)))]
pub async fn scenario_update(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<ScenarioIn>,
) -> Result<Json<ScenarioOut>, ApiError> {
    check_id(&id)?;
    let overlay = check_scenario(&s, &body)?;
    let store = s.store.clone();
    let saved = blocking(move || {
        Ok(store.update(
            &id,
            body.version,
            body.name.trim(),
            &body.description,
            &overlay,
        )?)
    })
    .await?;
    Ok(Json(saved.into()))
}

#[utoipa::path(delete, path = "/v1/scenarios/{id}", tag = "scenarios",
    params(("id" = String, Path, description = "Scenario id")),
    responses((status = 204, description = "Deleted"),
              (status = 404, description = "No such scenario", body = ErrorBody)))]
pub async fn scenario_delete(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    check_id(&id)?;
    let store = s.store.clone();
    blocking(move || Ok(store.delete(&id)?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/v1/hs", tag = "cost", params(HsQuery),
    responses((status = 200, description = "HS 2022 codes by words or code prefix", body = HsList),
              (status = 400, description = "Empty query", body = ErrorBody)))]
pub async fn hs_search(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<HsQuery>,
) -> Result<Json<HsList>, ApiError> {
    let limit = check_search(&q.q, q.limit)?;
    let engine = s.cost.clone();
    let (codes, national_lines) = pooled(&s, "HS search", move |_| {
        let data = engine.data();
        Ok((
            data.hs.search(&q.q, limit),
            caravan_cost::national::search(data, &q.q, today(), limit),
        ))
    })
    .await?;
    Ok(Json(HsList {
        codes,
        national_lines,
    }))
}

#[utoipa::path(post, path = "/v1/cost", tag = "cost", params(CostRouteParams),
    request_body(content = caravan_cost::CostRequest, description = "The same request as `caravan cost`"),
    responses(
        (status = 200, description = "The landed-cost breakdown", body = caravan_cost::LandedCost),
        (status = 400, description = "Unknown HS code, country without data, bad value", body = ErrorBody),
        (status = 422, description = "The route for the freight does not exist, or the body has the wrong shape", body = ErrorBody)))]
pub async fn cost(
    State(s): State<AppState>,
    ApiQuery(p): ApiQuery<CostRouteParams>,
    ApiJson(mut req): ApiJson<caravan_cost::CostRequest>,
) -> Result<Json<caravan_cost::LandedCost>, ApiError> {
    edge::check_cost_request(&req).map_err(ApiError::bad_request)?;
    if let Some(m) = &p.route_modes {
        edge::check_text("route_modes", m, edge::MAX_MODES_CHARS).map_err(ApiError::bad_request)?;
    }
    let mut notes = Vec::new();
    match (&p.route_from, &p.route_to) {
        (Some(from), Some(to)) => {
            edge::check_text("route_from", from, MAX_QUERY_CHARS).map_err(ApiError::bad_request)?;
            edge::check_text("route_to", to, MAX_QUERY_CHARS).map_err(ApiError::bad_request)?;
            let mut modes = Vec::new();
            for m in split_list(&p.route_modes) {
                modes.push(Layer::parse(&m).ok_or_else(|| {
                    ApiError::bad_request(format!("unknown mode `{m}`: use road, rail or sea"))
                })?);
            }
            let route_req = caravan_cost::freight_route_request(
                &req,
                Location::parse(from),
                Location::parse(to),
                modes,
                &s.cost.data().fx,
            )?;
            let resp = compute_route(&s, route_req).await?;
            notes.extend(caravan_cost::use_route_freight(&mut req, &resp).map(str::to_owned));
        }
        (None, None) => {}
        _ => {
            return Err(ApiError::bad_request(
                "give both `route_from` and `route_to`, or neither",
            ))
        }
    }
    let engine = s.cost.clone();
    let mut result = pooled(&s, "landed cost", move |_| Ok(engine.compute(&req)?)).await?;
    edge::check_landed_cost(&result)
        .map_err(|m| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "not_finite", m))?;
    result.warnings.extend(notes);
    Ok(Json(result))
}

/// Today's date (UTC), for searches that show the rates in force.
fn today() -> caravan_cost::Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    caravan_cost::Date::from_unix_days((secs / 86_400) as i64)
        .or_else(|| caravan_cost::Date::new(2026, 1, 1))
        .unwrap_or_else(|| unreachable!("a valid date"))
}
