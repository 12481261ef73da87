//! Caravan's HTTP face: a JSON API over the router and a scenario store, plus the embedded
//! web map. Only this crate knows about HTTP; engine and store errors become statuses in
//! `error.rs`.

mod analysis;
mod api;
pub mod edge;
mod error;
mod gravity;
pub mod guard;
mod impact;
mod openapi;
mod serve;
mod store;
mod ui;
mod wire;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use caravan_route::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::trace::TraceLayer;

pub use error::{ApiError, ErrorBody};
pub use openapi::{openapi_json, ApiDoc};
pub use serve::{serve, ConnLimits};
pub use store::{ScenarioStore, StoreError, StoredScenario};

/// Limits and policies of one server.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Longest a route request may compute before the client gets a 503.
    pub route_timeout: Duration,
    pub max_body_bytes: usize,
    /// Origins allowed by CORS; `*` allows any; empty sends no CORS headers.
    pub cors_origins: Vec<String>,
    /// Searches (routes, places, HS codes, landed costs) computed at once; more requests wait
    /// in FIFO order. They are CPU-bound, so running more than the cores only stretches every
    /// one of them.
    pub route_workers: usize,
    /// Host names (besides the loopback names) that requests may address; `*` allows any.
    pub allowed_hosts: Vec<String>,
    /// API keys for the write endpoints (scenarios); empty: no key needed.
    pub api_keys: Vec<String>,
    /// Requests per second per client address on the expensive endpoints; `None`: no limit.
    pub rate_limit_per_s: Option<f64>,
    /// Longest a client may take to send a request body.
    pub body_timeout: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            route_timeout: Duration::from_secs(10),
            max_body_bytes: 64 * 1024,
            cors_origins: Vec::new(),
            route_workers: 2 * std::thread::available_parallelism().map_or(2, |n| n.get()),
            allowed_hosts: Vec::new(),
            api_keys: Vec::new(),
            rate_limit_per_s: None,
            body_timeout: Duration::from_secs(10),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    router: Arc<Router>,
    store: Arc<ScenarioStore>,
    cost: Arc<caravan_cost::CostEngine>,
    config: Arc<ServerConfig>,
    work_permits: Arc<tokio::sync::Semaphore>,
    countries: Arc<std::collections::BTreeSet<caravan_net::Country>>,
}

/// The whole application: API, OpenAPI document and web map.
pub fn app(
    router: Arc<Router>,
    store: Arc<ScenarioStore>,
    cost: Arc<caravan_cost::CostEngine>,
    config: ServerConfig,
) -> Result<axum::Router, String> {
    let cors = cors_layer(&config.cors_origins)?;
    if let Some(r) = config.rate_limit_per_s {
        if !(r.is_finite() && r > 0.0) {
            return Err(format!("the rate limit must be a positive number, got {r}"));
        }
    }
    let guard = Arc::new(guard::Guard {
        hosts: guard::AllowedHosts::new(&config.allowed_hosts),
        max_body_bytes: config.max_body_bytes,
        body_timeout: config.body_timeout,
        api_keys: config
            .api_keys
            .iter()
            .map(|k| k.trim().as_bytes().to_vec())
            .filter(|k| !k.is_empty())
            .collect(),
        rate: config.rate_limit_per_s.map(guard::RateLimiter::new),
    });
    let state = AppState {
        countries: Arc::new(edge::network_countries(router.network())),
        router,
        store,
        cost,
        work_permits: Arc::new(tokio::sync::Semaphore::new(config.route_workers.max(1))),
        config: Arc::new(config.clone()),
    };
    let api = axum::Router::new()
        .route("/health", get(api::health))
        .route("/openapi.json", get(openapi_document))
        .route("/v1/route", get(api::route_get).post(api::route_post))
        .route("/v1/matrix", axum::routing::post(api::matrix_post))
        .route("/v1/cost", axum::routing::post(api::cost))
        .route("/v1/hs", get(api::hs_search))
        .route(
            "/v1/gravity/estimate",
            axum::routing::post(gravity::estimate),
        )
        .route("/v1/gravity/ge", axum::routing::post(gravity::ge))
        .route("/v1/impact", axum::routing::post(impact::impact))
        .route("/v1/library", get(analysis::library_list))
        .route("/v1/library/{id}", get(analysis::library_get))
        .route("/v1/compare", get(analysis::compare))
        .route("/v1/access", get(analysis::access))
        .route("/v1/places", get(api::places_search))
        .route("/v1/places/{id}", get(api::place_get))
        .route("/v1/bcps", get(api::bcps_list))
        .route("/v1/bcps/{id}", get(api::bcp_get))
        .route(
            "/v1/scenarios",
            get(api::scenarios_list).post(api::scenario_create),
        )
        .route(
            "/v1/scenarios/{id}",
            get(api::scenario_get)
                .put(api::scenario_update)
                .delete(api::scenario_delete),
        )
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(ui::static_or_index)
        .with_state(state)
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::internal("internal error").into_response()
        }))
        .layer(axum::middleware::from_fn_with_state(guard, guard::guard));
    let api = match cors {
        Some(c) => api.layer(c),
        None => api,
    };
    Ok(api
        .layer(axum::middleware::from_fn(guard::security_headers))
        .layer(TraceLayer::new_for_http()))
}

async fn openapi_document() -> impl IntoResponse {
    // Built once: the document is fixed for the binary.
    ([(header::CONTENT_TYPE, "application/json")], openapi_json())
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this endpoint does not answer that method",
    )
}

fn cors_layer(origins: &[String]) -> Result<Option<CorsLayer>, String> {
    if origins.is_empty() {
        return Ok(None);
    }
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        let parsed = origins
            .iter()
            .map(|o| {
                HeaderValue::from_str(o).map_err(|_| format!("`{o}` is not a valid CORS origin"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        AllowOrigin::list(parsed)
    };
    Ok(Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
            .allow_headers([header::CONTENT_TYPE]),
    ))
}
