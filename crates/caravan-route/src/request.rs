//! What a caller asks for: endpoints, modes, criterion, cargo, avoidances and a scenario.

use std::fmt;
use std::str::FromStr;

use caravan_net::Layer;
use serde::{Deserialize, Serialize};

/// An origin or destination: a place id or name, or a coordinate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Location {
    Coordinate { lat: f64, lon: f64 },
    Place(String),
}

impl Location {
    /// Parses "lat,lon" (two numbers) as a coordinate, anything else as a place query.
    pub fn parse(s: &str) -> Location {
        if let Some((a, b)) = s.split_once(',') {
            if let (Ok(lat), Ok(lon)) = (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
                return Location::Coordinate { lat, lon };
            }
        }
        Location::Place(s.trim().to_owned())
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Coordinate { lat, lon } => write!(f, "{lat:.5},{lon:.5}"),
            Location::Place(s) => f.write_str(s),
        }
    }
}

/// What "best" means for a request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Criterion {
    Fastest,
    Cheapest,
    Greenest,
    /// USD + value of time x hours + carbon price x kg CO2e.
    #[default]
    Generalized,
}

impl FromStr for Criterion {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fastest" | "time" => Ok(Criterion::Fastest),
            "cheapest" | "cost" => Ok(Criterion::Cheapest),
            "greenest" | "co2" | "co2e" => Ok(Criterion::Greenest),
            "generalized" | "generalised" => Ok(Criterion::Generalized),
            other => Err(format!(
                "unknown criterion `{other}`: use fastest, cheapest, greenest or generalized"
            )),
        }
    }
}

impl Criterion {
    pub fn as_str(&self) -> &'static str {
        match self {
            Criterion::Fastest => "fastest",
            Criterion::Cheapest => "cheapest",
            Criterion::Greenest => "greenest",
            Criterion::Generalized => "generalized",
        }
    }
}

/// A changed clearance time or fee at a BCP (both directions unless `direction` is given).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BcpChange {
    /// `id` (every mode) or `id:mode`.
    pub bcp: String,
    /// New expected clearance hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_hours: Option<f64>,
    /// Multiplies the clearance hours (0.5 halves them), applied after `wait_hours`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_factor: Option<f64>,
    /// New fee in USD per vehicle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_usd: Option<f64>,
}

/// An overlay on the base network; applied per request, never by rebuilding.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scenario {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// BCPs closed in this scenario (`id` or `id:mode`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub close_bcps: Vec<String>,
    /// BCPs that are closed in the base data but open in this scenario.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub open_bcps: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bcp_changes: Vec<BcpChange>,
    /// Planned projects switched on (ids of `curated/projects.toml`, or of `infrastructure`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub projects: Vec<String>,
    /// Projects this scenario brings itself, in the library's format. The network must hold
    /// them: the CLI appends a scenario file's projects before it routes; elsewhere only the
    /// library's projects are known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub infrastructure: Vec<caravan_net::Project>,
    /// Mode-wide changes: a tariff cut, a faster service, a fuel price.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mode_changes: Vec<ModeChange>,
    /// Country pairs whose every crossing is closed, as `AF-PK`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub close_country_pairs: Vec<String>,
    /// Links taken out: a bridge, a tunnel, a washed-out section.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove_links: Vec<RemoveLinks>,
}

/// Every link of a mode with an end within `radius_km` of a point.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RemoveLinks {
    /// road, rail, sea, caspian_ferry or inland_water.
    pub mode: String,
    pub lat: f64,
    pub lon: f64,
    /// Default 1 km, at most 50.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub radius_km: Option<f64>,
    /// What is taken out (for the reader).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A change to every link of a mode.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModeChange {
    /// road, rail, sea, caspian_ferry or inland_water.
    pub mode: String,
    /// Multiplies the USD per tonne-km (0.8 is a 20% tariff cut; a fuel price rise on road
    /// is its share of the tariff times the rise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_factor: Option<f64>,
    /// Multiplies the speed (1.25 is a quarter faster).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed_factor: Option<f64>,
    /// Multiplies the g CO2e per tonne-km (electrification, cleaner trucks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub co2_factor: Option<f64>,
}

impl Scenario {
    pub fn is_empty(&self) -> bool {
        self.close_bcps.is_empty()
            && self.open_bcps.is_empty()
            && self.bcp_changes.is_empty()
            && self.projects.is_empty()
            && self.infrastructure.is_empty()
            && self.mode_changes.is_empty()
            && self.close_country_pairs.is_empty()
            && self.remove_links.is_empty()
    }

    /// This scenario, then `over` on top: later changes win, and a crossing `over` opens is no
    /// longer closed by this one (and the other way round).
    pub fn then(mut self, over: Scenario) -> Scenario {
        let key = |k: &String| k.trim().to_ascii_lowercase();
        self.close_bcps
            .retain(|c| !over.open_bcps.iter().any(|o| key(o) == key(c)));
        self.open_bcps
            .retain(|o| !over.close_bcps.iter().any(|c| key(c) == key(o)));
        self.close_bcps.extend(over.close_bcps);
        self.open_bcps.extend(over.open_bcps);
        self.bcp_changes.extend(over.bcp_changes);
        self.projects.extend(over.projects);
        self.infrastructure.extend(over.infrastructure);
        self.mode_changes.extend(over.mode_changes);
        self.close_country_pairs.extend(over.close_country_pairs);
        self.remove_links.extend(over.remove_links);
        self.name = over.name.or(self.name);
        self
    }

    /// Whether the scenario only closes things and makes them slower or dearer: it can never
    /// shorten a route (a property test holds it to that).
    pub fn only_restricts(&self) -> bool {
        self.open_bcps.is_empty()
            && self.projects.is_empty()
            && self.infrastructure.is_empty()
            && self.bcp_changes.iter().all(|c| {
                c.wait_hours.is_none()
                    && c.fee_usd.is_none()
                    && c.wait_factor.is_none_or(|f| f >= 1.0)
            })
            && self.mode_changes.iter().all(|m| {
                m.cost_factor.is_none_or(|f| f >= 1.0)
                    && m.speed_factor.is_none_or(|f| f <= 1.0)
                    && m.co2_factor.is_none_or(|f| f >= 1.0)
            })
    }
}

/// A route request. `Default` gives a 20 t, USD 50,000 consignment by any mode.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RouteRequest {
    pub from: Location,
    pub to: Location,
    /// Allowed modes; empty means all (inland waterways excepted).
    pub modes: Vec<Layer>,
    /// Allows rivers and canals (the Volga and the Volga-Don canal): only river-sea vessels,
    /// only in the navigation season, so a request must ask for them.
    pub inland_water: bool,
    pub optimize: Criterion,
    pub cargo_tonnes: f64,
    pub cargo_value_usd: f64,
    /// How many alternatives to return besides the best route.
    pub alternatives: usize,
    /// ISO alpha-2 codes of countries the route must not enter.
    pub avoid_countries: Vec<String>,
    /// BCPs the route must not use (`id` or `id:mode`).
    pub avoid_bcps: Vec<String>,
    pub scenario: Scenario,
    /// Overrides the value-of-time share of goods value per day.
    pub vot_day_share: Option<f64>,
    /// Overrides the carbon price, USD per tonne CO2e.
    pub carbon_price_usd_per_t: Option<f64>,
}

impl Default for RouteRequest {
    fn default() -> Self {
        RouteRequest {
            from: Location::Place(String::new()),
            to: Location::Place(String::new()),
            modes: Vec::new(),
            inland_water: false,
            optimize: Criterion::Generalized,
            cargo_tonnes: 20.0,
            cargo_value_usd: 50_000.0,
            alternatives: 0,
            avoid_countries: Vec::new(),
            avoid_bcps: Vec::new(),
            scenario: Scenario::default(),
            vot_day_share: None,
            carbon_price_usd_per_t: None,
        }
    }
}

/// The most alternatives one request may ask for.
pub const MAX_ALTERNATIVES: usize = 8;
