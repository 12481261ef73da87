//! Trade impact of a network scenario over HTTP (`caravan impact`): routes between the
//! economic centres of the chosen baseline countries, base and scenario, then the GE. Like a
//! route search it runs on the bounded pool within the route time limit (503 past it, and the
//! searches stop); so that a request fits, it names 2 to 12 countries.

/// Most baseline countries one request may name.
pub const MAX_COUNTRIES: usize = 12;

use axum::extract::State;
use axum::Json;
use caravan_impact::{Baseline, ImpactError, ImpactReport, ImpactSpec, Mapping};
use caravan_net::Layer;
use caravan_route::{RouteRequest, Scenario};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::ApiJson;
use crate::error::{ApiError, ErrorBody};
use crate::AppState;

impl From<ImpactError> for ApiError {
    fn from(e: ImpactError) -> ApiError {
        match e {
            ImpactError::Route(r) => r.into(),
            ImpactError::Gravity(g) => g.into(),
            ImpactError::Invalid(m) => ApiError::bad_request(m),
        }
    }
}

/// How transport-cost changes become trade-cost changes.
#[derive(Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MappingName {
    /// t_ij moves with the delivered price (V + g_ij) / V (Hummels-Schaur value of time).
    #[default]
    AdValorem,
    /// Trade moves by (g'_ij / g_ij)^elasticity.
    DistanceElasticity,
}

/// A trade-impact request: a scenario and the model's settings (all optional but the scenario).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImpactRequest {
    pub scenario: Scenario,
    /// Baseline flows as CSV text `exporter,importer,trade` with domestic sales; default the
    /// shipped Advanced Guide ch. 2 data, 2006.
    #[serde(default)]
    pub baseline_csv: Option<String>,
    /// Keep only the baseline rows of this year (needs a `year` column in `baseline_csv`).
    #[serde(default)]
    pub year: Option<String>,
    /// The baseline countries of the GE: 2 to 12 (codes as the baseline writes them, ISO3 in
    /// the shipped one); the others are left out. The CLI runs the whole baseline.
    pub countries: Vec<String>,
    #[serde(default)]
    pub mapping: MappingName,
    /// For `distance_elasticity` (negative); default the PPML fit on the shipped data.
    #[serde(default)]
    pub distance_elasticity: Option<f64>,
    /// Economic centres per country, 1-5 (default 1).
    #[serde(default)]
    pub centres: Option<usize>,
    /// Elasticity of substitution (default 7).
    #[serde(default)]
    pub sigma: Option<f64>,
    /// Numeraire country (default DEU).
    #[serde(default)]
    pub reference: Option<String>,
    /// Modes of the routed consignments (default all).
    #[serde(default)]
    pub modes: Vec<Layer>,
    #[serde(default)]
    pub cargo_tonnes: Option<f64>,
    #[serde(default)]
    pub cargo_value_usd: Option<f64>,
    #[serde(default)]
    pub vot_day_share: Option<f64>,
}

#[utoipa::path(post, path = "/v1/impact", tag = "gravity",
    request_body(content = ImpactRequest, description = "A scenario and the impact model's settings, as `caravan impact`"),
    responses(
        (status = 200, description = "Per-pair transport and trade-cost changes, the conditional and full GE per country, coverage and every assumption", body = caravan_impact::ImpactReport),
        (status = 400, description = "Unknown crossing, country or reference; bad baseline data or settings", body = ErrorBody),
        (status = 422, description = "The GE did not converge, or the body has the wrong shape", body = ErrorBody),
        (status = 503, description = "Took longer than the server's route time limit", body = ErrorBody)))]
pub async fn impact(
    State(s): State<AppState>,
    ApiJson(req): ApiJson<ImpactRequest>,
) -> Result<Json<ImpactReport>, ApiError> {
    if !(2..=MAX_COUNTRIES).contains(&req.countries.len()) {
        return Err(ApiError::bad_request(format!(
            "`countries`: give 2 to {MAX_COUNTRIES} baseline countries (the CLI `caravan impact` runs the whole baseline)"
        )));
    }
    let router = s.router.clone();
    crate::api::pooled(&s, "impact", move |cancel| {
        let baseline = match &req.baseline_csv {
            Some(csv) => Baseline::from_csv(csv.as_bytes(), "baseline_csv", req.year.as_deref())?,
            None if req.year.is_some() => {
                return Err(ApiError::bad_request(
                    "`year` needs `baseline_csv` (the shipped baseline is 2006 only)",
                ))
            }
            None => Baseline::agtpa_ch2_2006()?,
        };
        let baseline = baseline.subset(&req.countries)?;
        let mapping = Mapping::choose(
            matches!(req.mapping, MappingName::DistanceElasticity),
            req.distance_elasticity,
            "in the request",
        )?;
        let defaults = RouteRequest::default();
        let template = RouteRequest {
            modes: req.modes,
            cargo_tonnes: req.cargo_tonnes.unwrap_or(defaults.cargo_tonnes),
            cargo_value_usd: req.cargo_value_usd.unwrap_or(defaults.cargo_value_usd),
            vot_day_share: req.vot_day_share,
            ..defaults
        };
        crate::edge::check_route_request(&RouteRequest {
            from: caravan_route::Location::Place("x".into()),
            to: caravan_route::Location::Place("y".into()),
            scenario: req.scenario.clone(),
            ..template.clone()
        })
        .map_err(ApiError::bad_request)?;
        let spec = ImpactSpec {
            scenario: req.scenario,
            template,
            centres_per_country: req.centres.unwrap_or(1),
            mapping,
            sigma: req.sigma.unwrap_or(7.0),
            reference: req.reference.unwrap_or_else(|| "DEU".into()),
        };
        Ok(Json(caravan_impact::run_cancellable(
            &router, &baseline, &spec, cancel,
        )?))
    })
    .await
}
