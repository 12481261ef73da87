//! The JSON shapes of the API that are not the router's own request and response types.
//! Coordinates are named `lat`/`lon`; GeoJSON-like arrays are `[lon, lat]`.

use caravan_net::{Basis, Bcp, BcpStatus, Layer, Place, PlaceKind};
use caravan_route::{BcpChange, ModeChange, RemoveLinks, Scenario};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::store::StoredScenario;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` when the network is loaded and the scenario database answers.
    pub status: String,
    pub version: String,
    pub network: NetworkSize,
    pub scenarios: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NetworkSize {
    pub nodes: usize,
    pub links: usize,
    pub graph_states: usize,
    pub graph_arcs: usize,
    pub bcps: usize,
    pub places: usize,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlacesQuery {
    /// Name, alternative name or UN/LOCODE; `Name, CC` restricts to a country.
    pub q: String,
    /// At most this many results (1-50, default 10).
    pub limit: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlaceOut {
    /// UN/LOCODE where one exists (e.g. `UZTAS`), else a stable generated id.
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    /// ISO 3166 alpha-2.
    pub country: String,
    pub kind: PlaceKind,
    pub lat: f64,
    pub lon: f64,
    pub population: Option<u64>,
    pub source: String,
    /// For search results: which name matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched: Option<String>,
    /// For search results: 0-1000, higher is a better match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<u32>,
}

impl PlaceOut {
    pub fn new(p: &Place) -> PlaceOut {
        PlaceOut {
            id: p.id.clone(),
            name: p.name.clone(),
            aliases: p.aliases.clone(),
            country: p.country.to_string(),
            kind: p.kind,
            lat: p.lat,
            lon: p.lon,
            population: p.population,
            source: p.source.clone(),
            matched: None,
            score: None,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlaceList {
    pub places: Vec<PlaceOut>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BcpsQuery {
    /// Only crossings on this country's borders (ISO alpha-2).
    pub country: Option<String>,
    /// `road` or `rail`.
    pub mode: Option<String>,
    /// Include the unlisted crossings found in the graph (regional defaults). Default false.
    #[serde(default)]
    pub all: bool,
}

/// A border crossing point, one row per mode. Per-direction figures are `[a_to_b, b_to_a]`.
#[derive(Debug, Serialize, ToSchema)]
pub struct BcpOut {
    pub id: String,
    pub mode: Layer,
    pub name: String,
    pub name_a: String,
    pub name_b: String,
    pub country_a: String,
    pub country_b: String,
    pub lat: f64,
    pub lon: f64,
    pub status: BcpStatus,
    pub status_note: String,
    pub status_source: String,
    pub gauge_change: Option<String>,
    pub transloading: bool,
    /// Expected clearance hours `[a_to_b, b_to_a]`.
    pub wait_hours: [f64; 2],
    /// Fee per vehicle in USD `[a_to_b, b_to_a]`.
    pub fee_usd: [f64; 2],
    pub wait_basis: Basis,
    pub fee_basis: Basis,
    pub wait_source: String,
    pub fee_source: String,
    pub notes: String,
    /// False for crossings found in the graph but absent from the curated table.
    pub listed: bool,
}

impl BcpOut {
    pub fn new(b: &Bcp) -> BcpOut {
        BcpOut {
            id: b.id.clone(),
            mode: b.mode,
            name: b.name.clone(),
            name_a: b.name_a.clone(),
            name_b: b.name_b.clone(),
            country_a: b.country_a.to_string(),
            country_b: b.country_b.to_string(),
            lat: b.lat,
            lon: b.lon,
            status: b.status,
            status_note: b.status_note.clone(),
            status_source: b.status_source.clone(),
            gauge_change: b.gauge_change.clone(),
            transloading: b.transloading,
            wait_hours: b.wait_hours,
            fee_usd: b.fee_usd,
            wait_basis: b.wait_basis,
            fee_basis: b.fee_basis,
            wait_source: b.wait_source.clone(),
            fee_source: b.fee_source.clone(),
            notes: b.notes.clone(),
            listed: b.listed,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BcpList {
    pub bcps: Vec<BcpOut>,
}

/// `GET /v1/route` parameters. Lists are comma-separated.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RouteQuery {
    /// Place name, UN/LOCODE, place id, or `lat,lon`.
    pub from: String,
    /// Place name, UN/LOCODE, place id, or `lat,lon`.
    pub to: String,
    /// Comma-separated subset of `road,rail,sea` (default all).
    pub modes: Option<String>,
    /// `generalized` (default), `fastest`, `cheapest` or `greenest`.
    pub optimize: Option<String>,
    /// Alternatives besides the best route (0-8, default 0).
    pub alternatives: Option<usize>,
    /// Cargo tonnes (default 20).
    pub cargo_tonnes: Option<f64>,
    /// Goods value in USD (default 50,000), for the value of time.
    pub cargo_value_usd: Option<f64>,
    /// Comma-separated ISO alpha-2 codes the route must not enter.
    pub avoid_countries: Option<String>,
    /// Comma-separated BCP keys (`id` or `id:mode`) the route must not use.
    pub avoid_bcps: Option<String>,
    /// Comma-separated BCP keys closed for this request.
    pub close_bcps: Option<String>,
    /// Comma-separated BCP keys closed in the data but opened for this request.
    pub open_bcps: Option<String>,
    /// Id of a saved scenario to apply (see `/v1/scenarios`).
    pub scenario: Option<String>,
    /// Value of time as a share of goods value per day.
    pub vot_day_share: Option<f64>,
    /// Carbon price, USD per tonne CO2e.
    pub carbon_price_usd_per_t: Option<f64>,
}

/// `POST /v1/route?scenario=ID`: a saved scenario to apply beneath the body's own.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SavedScenarioParam {
    /// Id of a saved scenario; the body's `scenario` is applied on top of it.
    pub scenario: Option<String>,
}

/// A scenario to create or replace.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioIn {
    /// 1-200 characters.
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub close_bcps: Vec<String>,
    #[serde(default)]
    pub open_bcps: Vec<String>,
    #[serde(default)]
    pub bcp_changes: Vec<BcpChange>,
    /// Planned projects switched on (ids of `GET /v1/library`).
    #[serde(default)]
    pub projects: Vec<String>,
    /// Mode-wide changes (tariff, speed, emissions factors).
    #[serde(default)]
    pub mode_changes: Vec<ModeChange>,
    /// Country pairs whose every crossing is closed, as `AF-PK`.
    #[serde(default)]
    pub close_country_pairs: Vec<String>,
    /// Links taken out near a point (a bridge, a tunnel).
    #[serde(default)]
    pub remove_links: Vec<RemoveLinks>,
    /// On update: the version the caller read; a mismatch answers 409.
    #[serde(default)]
    pub version: Option<i64>,
}

impl ScenarioIn {
    pub fn overlay(&self) -> Scenario {
        Scenario {
            name: None,
            close_bcps: self.close_bcps.clone(),
            open_bcps: self.open_bcps.clone(),
            bcp_changes: self.bcp_changes.clone(),
            projects: self.projects.clone(),
            infrastructure: Vec::new(),
            mode_changes: self.mode_changes.clone(),
            close_country_pairs: self.close_country_pairs.clone(),
            remove_links: self.remove_links.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScenarioOut {
    pub id: String,
    pub name: String,
    pub description: String,
    pub close_bcps: Vec<String>,
    pub open_bcps: Vec<String>,
    pub bcp_changes: Vec<BcpChange>,
    pub projects: Vec<String>,
    pub mode_changes: Vec<ModeChange>,
    pub close_country_pairs: Vec<String>,
    pub remove_links: Vec<RemoveLinks>,
    pub version: i64,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub updated_at: String,
}

impl From<StoredScenario> for ScenarioOut {
    fn from(s: StoredScenario) -> ScenarioOut {
        ScenarioOut {
            id: s.id,
            name: s.name,
            description: s.description,
            close_bcps: s.scenario.close_bcps,
            open_bcps: s.scenario.open_bcps,
            bcp_changes: s.scenario.bcp_changes,
            projects: s.scenario.projects,
            mode_changes: s.scenario.mode_changes,
            close_country_pairs: s.scenario.close_country_pairs,
            remove_links: s.scenario.remove_links,
            version: s.version,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScenarioList {
    pub scenarios: Vec<ScenarioOut>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HsQuery {
    /// Words of the description, or a code prefix (`6109`, `8517.13`).
    pub q: String,
    /// At most this many results (1-50, default 10).
    pub limit: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HsList {
    pub codes: Vec<caravan_cost::HsMatch>,
    /// 10-digit lines of the EAEU Common Customs Tariff (Russian descriptions as printed).
    pub national_lines: Vec<caravan_cost::national::NationalMatch>,
}

/// `POST /v1/cost?route_from=&route_to=`: take the freight from a Caravan route.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CostRouteParams {
    /// Route origin (place name, UN/LOCODE or `lat,lon`); with `route_to`, the freight,
    /// border fees and freight to the importing border come from the best route.
    pub route_from: Option<String>,
    pub route_to: Option<String>,
    /// Comma-separated modes for the route (default all).
    pub route_modes: Option<String>,
}
