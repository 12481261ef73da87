//! Economic centres: the most populous cities of a country in the network's places, weighted
//! by population.

use caravan_net::{Country, Network, PlaceKind};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Centre {
    /// ISO 3166 alpha-2.
    pub country: String,
    pub place_id: String,
    pub name: String,
    pub population: u64,
    /// Population share among the country's chosen centres (sums to 1 per country).
    pub weight: f64,
}

/// The `per_country` most populous cities of `country` (ties by id), weighted by population.
/// Empty when the network has no city with a population there.
pub fn economic_centres(net: &Network, country: Country, per_country: usize) -> Vec<Centre> {
    let mut cities: Vec<_> = net
        .places
        .iter()
        .filter(|p| p.country == country && p.kind == PlaceKind::City)
        .filter_map(|p| p.population.filter(|&n| n > 0).map(|n| (n, p)))
        .collect();
    cities.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
    cities.truncate(per_country);
    let total: u64 = cities.iter().map(|c| c.0).sum();
    cities
        .into_iter()
        .map(|(n, p)| Centre {
            country: country.to_string(),
            place_id: p.id.clone(),
            name: p.name.clone(),
            population: n,
            weight: n as f64 / total as f64,
        })
        .collect()
}
