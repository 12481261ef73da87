//! The answer to a route request. Field names are the public JSON contract of
//! `caravan route --format json` (and later of the HTTP API).

use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RouteResponse {
    pub origin: ResolvedEndpoint,
    pub destination: ResolvedEndpoint,
    pub optimize: &'static str,
    pub cargo_tonnes: f64,
    pub cargo_value_usd: f64,
    /// USD per hour of transit used by `generalized` (goods value x daily share / 24).
    pub value_of_time_usd_per_hour: f64,
    pub carbon_price_usd_per_t: f64,
    pub routes: Vec<Route>,
    /// Things the user should know: defaults used, restricted crossings, fewer alternatives
    /// than asked.
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResolvedEndpoint {
    pub query: String,
    /// The place matched, if the query named one.
    pub place_id: Option<String>,
    pub name: String,
    pub country: String,
    pub lat: f64,
    pub lon: f64,
    /// How the route leaves or reaches it: the network node it was snapped to.
    pub snapped_mode: String,
    pub snap_km: f64,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Route {
    /// 0 for the best route; alternatives follow in order of the criterion.
    pub rank: usize,
    /// What distinguishes this route from the best one (empty for the best).
    pub distinguished_by: Vec<String>,
    /// Planned projects (scenario infrastructure) the route uses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub projects: Vec<String>,
    pub summary: Summary,
    pub legs: Vec<Leg>,
    pub border_crossings: Vec<BorderCrossing>,
    pub transfers: Vec<Transfer>,
    /// Cumulative distance, time and cost at every event: the time/cost-distance profile.
    pub profile: Vec<ProfilePoint>,
    /// Figures on this route that rest on a regional default or an assumption.
    pub unsourced_or_default: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Summary {
    pub distance_km: f64,
    pub hours: f64,
    pub days: f64,
    pub hours_moving: f64,
    pub hours_border: f64,
    /// Sum of the crossings' low and high waits: the plausible range of `hours_border`.
    pub hours_border_low: f64,
    pub hours_border_high: f64,
    pub hours_transfer: f64,
    pub cost_usd: f64,
    pub cost_moving_usd: f64,
    pub cost_border_usd: f64,
    pub cost_transfer_usd: f64,
    pub co2e_kg: f64,
    /// The criterion's value (USD-equivalent for `generalized`).
    pub objective: f64,
    pub modes: Vec<String>,
    pub countries: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Leg {
    pub mode: String,
    pub from: String,
    pub to: String,
    pub distance_km: f64,
    pub hours: f64,
    pub cost_usd: f64,
    pub co2e_kg: f64,
    /// Countries the leg runs through, in order.
    pub countries: Vec<String>,
    /// `[lon, lat]` pairs, GeoJSON order.
    pub geometry: Vec<[f64; 2]>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BorderCrossing {
    pub id: String,
    pub name: String,
    /// `[from, to]` in the direction travelled.
    pub countries: [String; 2],
    pub mode: String,
    pub status: String,
    pub listed: bool,
    /// Hours to cross both countries' posts in this direction (robust central figure).
    pub wait_hours: f64,
    /// Plausible low and high hours: the spread of the CPMM years, or of the comparable
    /// measured crossings when this direction has no figure of its own.
    pub wait_low_hours: f64,
    pub wait_high_hours: f64,
    pub fee_usd: f64,
    pub wait_basis: String,
    pub fee_basis: String,
    pub wait_source: String,
    pub fee_source: String,
    pub gauge_change: bool,
    pub lat: f64,
    pub lon: f64,
    /// Distance from the start at which the crossing happens.
    pub at_km: f64,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Transfer {
    /// `seaport`, `caspian_port`, `road_rail_terminal`, `gauge_change`, `origin` or `destination`.
    pub kind: String,
    pub at: String,
    pub from_mode: String,
    pub to_mode: String,
    pub hours: f64,
    pub cost_usd: f64,
    pub basis: String,
    pub source: String,
    pub lat: f64,
    pub lon: f64,
    pub at_km: f64,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfilePoint {
    pub km: f64,
    pub hours: f64,
    pub cost_usd: f64,
    /// `start`, `move`, `border`, `transfer` or `end`.
    pub event: &'static str,
    pub label: String,
}
