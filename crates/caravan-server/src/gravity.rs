//! Structural gravity over HTTP: PPML-HDFE estimates and GE counterfactuals on CSV data sent
//! in the body (within the body limit). The work runs off the async runtime.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::Json;
use caravan_gravity::counterfactual::{self, Counterfactual, CounterfactualSpec, Shock};
use caravan_gravity::{Estimate, Formula, GravityError, PpmlOptions, Table, VcovSpec};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::ApiJson;
use crate::error::{ApiError, ErrorBody};

impl From<GravityError> for ApiError {
    fn from(e: GravityError) -> ApiError {
        let status = match e {
            GravityError::NotConverged(_) => StatusCode::UNPROCESSABLE_ENTITY,
            _ => StatusCode::BAD_REQUEST,
        };
        ApiError::new(status, e.code(), e.to_string())
    }
}

/// A PPML-HDFE estimation request.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EstimateRequest {
    /// fixest syntax: `trade ~ RTA + log(DIST) | exporter^year + importer^year`.
    pub formula: String,
    /// The data: CSV text with a header row.
    pub csv: String,
    /// Cluster (CRV1) by a column or `a^b`; default heteroskedasticity-robust (HC1).
    #[serde(default)]
    pub cluster: Option<String>,
    /// Return the estimated fixed effects.
    #[serde(default)]
    pub fixed_effects: bool,
}

/// A bilateral trade-cost change.
#[derive(Deserialize, ToSchema)]
pub struct TradeCostChange {
    pub exporter: String,
    pub importer: String,
    /// Multiplies t_ij (0.9 = 10 % lower trade cost).
    pub factor: f64,
}

/// A GE counterfactual request: a baseline PPML fit and a shock.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GeRequest {
    pub formula: String,
    /// CSV with flows including domestic sales (exporter = importer).
    pub csv: String,
    /// Keep rows whose `year_column` equals this.
    #[serde(default)]
    pub year: Option<String>,
    #[serde(default)]
    pub year_column: Option<String>,
    #[serde(default)]
    pub exporter: Option<String>,
    #[serde(default)]
    pub importer: Option<String>,
    /// Regressor changes, e.g. `{"RTA": 0}`.
    #[serde(default)]
    pub counterfactual: BTreeMap<String, f64>,
    /// Limit the regressor changes to these pairs, `"CAN-USA"` (both directions).
    #[serde(default)]
    pub pairs: Vec<String>,
    /// Or explicit trade-cost changes (ordered pairs).
    #[serde(default)]
    pub trade_costs: Vec<TradeCostChange>,
    /// Elasticity of substitution (default 7).
    #[serde(default)]
    pub sigma: Option<f64>,
    /// Numeraire country.
    pub reference: String,
}

fn table(csv: &str, cols: Vec<String>) -> Result<Table, ApiError> {
    Ok(Table::read_csv(csv.as_bytes(), Some(&cols))?)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::internal(format!("worker failed: {e}")))?
}

#[utoipa::path(post, path = "/v1/gravity/estimate", tag = "gravity",
    request_body(content = EstimateRequest, description = "Formula and CSV data, as `caravan gravity estimate`"),
    responses(
        (status = 200, description = "Coefficients, standard errors, what was dropped and why", body = caravan_gravity::Estimate),
        (status = 400, description = "Bad formula, unknown column, non-numeric value, negative outcome, collinear regressors", body = ErrorBody),
        (status = 422, description = "Did not converge, or the body has the wrong shape", body = ErrorBody)))]
pub async fn estimate(ApiJson(req): ApiJson<EstimateRequest>) -> Result<Json<Estimate>, ApiError> {
    blocking(move || {
        let formula = Formula::parse(&req.formula)?;
        let mut cols = formula.columns();
        if let Some(c) = &req.cluster {
            cols.extend(c.split('^').map(|s| s.trim().to_string()));
            cols.dedup();
        }
        let t = table(&req.csv, dedup(cols))?;
        let opts = PpmlOptions {
            vcov: req.cluster.map_or(VcovSpec::Hetero, VcovSpec::Cluster),
            fixed_effects: req.fixed_effects,
            ..PpmlOptions::default()
        };
        Ok(Json(caravan_gravity::estimate(&t, &formula, &opts)?))
    })
    .await
}

fn dedup(cols: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in cols {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

#[utoipa::path(post, path = "/v1/gravity/ge", tag = "gravity",
    request_body(content = GeRequest, description = "Baseline formula, CSV data and a shock, as `caravan gravity ge`"),
    responses(
        (status = 200, description = "The estimate, the conditional and full-endowment GE, bilateral changes and the assumptions", body = caravan_gravity::Counterfactual),
        (status = 400, description = "Bad formula, data or shock", body = ErrorBody),
        (status = 422, description = "Did not converge, or the body has the wrong shape", body = ErrorBody)))]
pub async fn ge(ApiJson(req): ApiJson<GeRequest>) -> Result<Json<Counterfactual>, ApiError> {
    blocking(move || {
        let formula = Formula::parse(&req.formula)?;
        let exporter = req.exporter.unwrap_or_else(|| "exporter".into());
        let importer = req.importer.unwrap_or_else(|| "importer".into());
        let year_column = req.year_column.unwrap_or_else(|| "year".into());
        let mut cols = formula.columns();
        cols.push(exporter.clone());
        cols.push(importer.clone());
        if req.year.is_some() {
            cols.push(year_column.clone());
        }
        let t = table(&req.csv, dedup(cols))?;
        let shock = match (req.counterfactual.is_empty(), req.trade_costs.is_empty()) {
            (false, true) => {
                let mut pairs = Vec::new();
                for p in &req.pairs {
                    let (a, b) = p.split_once('-').ok_or_else(|| {
                        ApiError::bad_request(format!("pair `{p}`: expected A-B"))
                    })?;
                    pairs.push((a.trim().to_string(), b.trim().to_string()));
                    pairs.push((b.trim().to_string(), a.trim().to_string()));
                }
                Shock::Terms {
                    assignments: req.counterfactual.into_iter().collect(),
                    pairs,
                }
            }
            (true, false) => Shock::TradeCosts(
                req.trade_costs
                    .into_iter()
                    .map(|c| (c.exporter, c.importer, c.factor))
                    .collect(),
            ),
            _ => {
                return Err(ApiError::bad_request(
                    "give exactly one of `counterfactual` and `trade_costs`",
                ))
            }
        };
        let spec = CounterfactualSpec {
            formula,
            exporter,
            importer,
            filter: req.year.map(|y| (year_column, y)),
            shock,
            sigma: req.sigma.unwrap_or(7.0),
            reference: req.reference,
            pair_effects: None,
        };
        Ok(Json(counterfactual::run(&t, &spec)?))
    })
    .await
}
