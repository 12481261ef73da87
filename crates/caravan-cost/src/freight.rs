//! Freight for the landed cost, taken from a Caravan route.

use caravan_route::{Route, RouteResponse};

use crate::request::Transport;

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
    let to_border = entry.and_then(|c| {
        let at = route
            .profile
            .iter()
            .position(|p| p.event == "border" && (p.km - c.at_km).abs() < 1e-6)?;
        at.checked_sub(1).map(|i| route.profile[i].cost_usd)
    });
    Transport {
        freight_usd: Some(s.cost_usd - s.cost_border_usd),
        // Without a crossing into the destination (a domestic leg), the whole route counts.
        freight_to_border_usd: Some(to_border.unwrap_or(s.cost_usd)),
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
