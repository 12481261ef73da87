//! Freight for the landed cost, taken from a Caravan route.

use caravan_net::Layer;
use caravan_route::{Location, Route, RouteRequest, RouteResponse};

use crate::data::FxRate;
use crate::error::CostError;
use crate::request::{CostRequest, Transport};

/// Why a parcel's freight from a route is only indicative.
const PARCEL_FREIGHT_CAVEAT: &str = "the route's freight is a share of full-load transport; \
                                     postage or courier rates for a parcel differ";

/// The route whose cost is the freight of `cost`: its tonnage from the weight, its value of
/// time from the goods value (converted with `fx`).
pub fn freight_route_request(
    cost: &CostRequest,
    from: Location,
    to: Location,
    modes: Vec<Layer>,
    fx: &[FxRate],
) -> Result<RouteRequest, CostError> {
    let weight = cost.weight_kg.ok_or_else(|| {
        CostError::InvalidRequest(
            "freight from a route needs the weight in kg (it sets the tonnage)".to_owned(),
        )
    })?;
    let value_usd = fx
        .iter()
        .find(|r| r.currency.eq_ignore_ascii_case(&cost.currency))
        .map_or(cost.value, |r| cost.value / r.per_usd);
    Ok(RouteRequest {
        from,
        to,
        modes,
        cargo_tonnes: (weight / 1000.0).max(0.001),
        cargo_value_usd: if value_usd.is_finite() {
            value_usd.max(0.0)
        } else {
            0.0
        },
        ..RouteRequest::default()
    })
}

/// Puts the best route's freight into `cost`, keeping the insurance it gave; returns a caveat
/// to show with the result, if any.
pub fn use_route_freight(cost: &mut CostRequest, resp: &RouteResponse) -> Option<&'static str> {
    let insurance = cost.transport.insurance_usd;
    let destination = cost.destination.trim().to_ascii_uppercase();
    cost.transport = transport_from_route(resp, &resp.routes[0], &destination);
    cost.transport.insurance_usd = insurance;
    cost.shipment.is_parcel().then_some(PARCEL_FREIGHT_CAVEAT)
}

/// The transport figures of a route: its line haul and transfers as freight, its border fees
/// separately, and the cost accumulated before the crossing into `destination` (what a CIF
/// customs value includes).
pub fn transport_from_route(resp: &RouteResponse, route: &Route, destination: &str) -> Transport {
    let s = &route.summary;
    let entry = route
        .border_crossings
        .iter()
        .rev()
        .find(|c| c.countries[1] == destination);
    // The profile's running cost includes the fees of the crossings already passed; the
    // freight to the border, like the whole freight, leaves border fees out (they are
    // `border_fees_usd`).
    let to_border = entry.and_then(|c| {
        let at = route
            .profile
            .iter()
            .position(|p| p.event == "border" && (p.km - c.at_km).abs() < 1e-6)?;
        let fees_before: f64 = route
            .border_crossings
            .iter()
            .filter(|b| b.at_km < c.at_km - 1e-6)
            .map(|b| b.fee_usd)
            .sum();
        at.checked_sub(1)
            .map(|i| (route.profile[i].cost_usd - fees_before).max(0.0))
    });
    let freight = s.cost_usd - s.cost_border_usd;
    Transport {
        freight_usd: Some(freight),
        // Without a crossing into the destination (a domestic leg), the whole route counts.
        freight_to_border_usd: Some(to_border.unwrap_or(freight).min(freight)),
        border_fees_usd: Some(s.cost_border_usd),
        insurance_usd: None,
        source: Some(format!(
            "Caravan route {} -> {} ({}, {:.0} t): {:.0} km, {:.1} days, crossings {}",
            resp.origin.name,
            resp.destination.name,
            s.modes.join("+"),
            resp.cargo_tonnes,
            s.distance_km,
            s.days,
            if route.border_crossings.is_empty() {
                "none".to_owned()
            } else {
                route
                    .border_crossings
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        )),
    }
}
