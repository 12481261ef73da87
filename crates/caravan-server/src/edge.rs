//! Input limits and result checks, applied once at the edge (the HTTP handlers and the CLI both call these) and
//! published in the OpenAPI schemas. Every message names the limit it enforces.
//!
//! The limits are generous for real freight questions and small enough that no input makes
//! the engines work for long or print an infinite or absurd figure: the largest cargo value
//! (USD 10^12) times a day's value-of-time share times a year of hours stays far inside f64.

use std::collections::BTreeSet;

use caravan_net::{Country, Network};
use caravan_route::{RouteRequest, RouteResponse, Scenario};

/// Characters in a place or HS query, or a `from`/`to` (the longest place name has fewer than
/// 60; the fuzzy search's work grows with the query's length).
pub const MAX_QUERY_CHARS: usize = 100;
/// Characters in a scenario's name, or a free-text source.
pub const MAX_NAME_CHARS: usize = 200;
/// A free-text note on where a figure comes from (the web map describes the route and the
/// scenario the freight was taken from).
pub const MAX_SOURCE_CHARS: usize = 1000;
/// Characters in a path id (place, BCP, scenario).
pub const MAX_ID_CHARS: usize = 100;
/// Entries in one list parameter (`avoid_countries`, `avoid_bcps`, `close_bcps`, ...).
pub const MAX_LIST_ITEMS: usize = 64;
/// Bytes of a request URI (path and query string); longer answers 414.
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// Results of one place or HS search.
pub const MAX_RESULTS: usize = 50;
/// Cargo per request, tonnes (the router's own upper limit).
pub const MAX_CARGO_TONNES: f64 = 100_000.0;
pub const MIN_CARGO_TONNES: f64 = 0.001;
/// Characters of a mode list, criterion, country code or mode filter.
pub const MAX_MODES_CHARS: usize = 32;
/// Characters of a scenario's description.
pub const MAX_DESCRIPTION_CHARS: usize = 4000;
/// Characters of an HS code and of a currency code.
pub const MAX_HS_CHARS: usize = 32;
pub const MAX_CURRENCY_CHARS: usize = 8;
/// Cargo or goods value, and any amount of money in a request, USD (or the invoice currency).
pub const MAX_AMOUNT: f64 = 1e12;
/// Carbon price, USD per tonne CO2e.
pub const MAX_CARBON_PRICE_USD_PER_T: f64 = 10_000.0;
/// Clearance hours a scenario may set at one crossing (a year).
pub const MAX_WAIT_HOURS: f64 = 8_760.0;
/// Factor a scenario may apply to clearance hours.
pub const MAX_WAIT_FACTOR: f64 = 100.0;
/// Fee a scenario may set at one crossing, USD per vehicle.
pub const MAX_FEE_USD: f64 = 1e7;
/// Weight (kg), pieces, litres or engine cm3 of one consignment.
pub const MAX_QUANTITY: f64 = 1e9;
/// Exchange-rate overrides, units per USD.
pub const MIN_FX_PER_USD: f64 = 1e-6;
pub const MAX_FX_PER_USD: f64 = 1e6;
/// Bytes of a scenario file read by the CLI.
pub const MAX_SCENARIO_FILE_BYTES: u64 = 1024 * 1024;

/// Checks a text's length in characters.
pub fn check_text(name: &str, value: &str, max: usize) -> Result<(), String> {
    let n = value.chars().count();
    if n > max {
        return Err(format!(
            "`{name}` may have at most {max} characters, got {n}"
        ));
    }
    Ok(())
}

fn check_list(name: &str, items: &[String]) -> Result<(), String> {
    if items.len() > MAX_LIST_ITEMS {
        return Err(format!(
            "`{name}` may list at most {MAX_LIST_ITEMS} entries, got {}",
            items.len()
        ));
    }
    for i in items {
        check_text(name, i, MAX_ID_CHARS)?;
    }
    Ok(())
}

/// Checks that a number is finite and within `[min, max]`.
pub fn check_range(name: &str, v: f64, min: f64, max: f64) -> Result<(), String> {
    if !(v.is_finite() && v >= min && v <= max) {
        return Err(format!(
            "`{name}` must be between {} and {}, got {}",
            num(min),
            num(max),
            num(v)
        ));
    }
    Ok(())
}

/// A number as people write it: `1e308`, not 309 digits.
fn num(v: f64) -> String {
    if v != 0.0 && v.is_finite() && !(1e-4..1e7).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// Scenario lists and changes: lengths, ids and values within the limits, and no crossing
/// both closed and opened (the input cannot mean both).
pub fn check_scenario(s: &Scenario) -> Result<(), String> {
    check_list("close_bcps", &s.close_bcps)?;
    check_list("open_bcps", &s.open_bcps)?;
    check_list("projects", &s.projects)?;
    check_list("close_country_pairs", &s.close_country_pairs)?;
    for (what, n) in [
        ("mode_changes", s.mode_changes.len()),
        ("infrastructure", s.infrastructure.len()),
        ("remove_links", s.remove_links.len()),
    ] {
        if n > MAX_LIST_ITEMS {
            return Err(format!(
                "`{what}` may list at most {MAX_LIST_ITEMS} entries, got {n}"
            ));
        }
    }
    if s.bcp_changes.len() > MAX_LIST_ITEMS {
        return Err(format!(
            "`bcp_changes` may list at most {MAX_LIST_ITEMS} entries, got {}",
            s.bcp_changes.len()
        ));
    }
    if let Some(n) = &s.name {
        check_text("name", n, MAX_NAME_CHARS)?;
    }
    for c in &s.bcp_changes {
        check_text("bcp", &c.bcp, MAX_ID_CHARS)?;
        if let Some(h) = c.wait_hours {
            check_range("wait_hours", h, 0.0, MAX_WAIT_HOURS)?;
        }
        if let Some(f) = c.wait_factor {
            check_range("wait_factor", f, 0.0, MAX_WAIT_FACTOR)?;
        }
        if let Some(f) = c.fee_usd {
            check_range("fee_usd", f, 0.0, MAX_FEE_USD)?;
        }
    }
    let key = |k: &str| k.trim().to_ascii_lowercase();
    let closed: BTreeSet<String> = s.close_bcps.iter().map(|k| key(k)).collect();
    if let Some(both) = s.open_bcps.iter().find(|k| closed.contains(&key(k))) {
        return Err(format!(
            "crossing `{}` is both closed and opened in the same scenario",
            both.trim()
        ));
    }
    Ok(())
}

/// Everything a route request carries, before the router sees it.
/// Most sources or targets of one HTTP matrix request.
pub const MAX_MATRIX_ENDS: usize = 1000;
/// Most cells (pairs) of one HTTP matrix answer (about 200 bytes of JSON each).
pub const MAX_MATRIX_CELLS: usize = 250_000;

/// Checks a matrix request: sizes, every end, and the options as a route request would be.
pub fn check_matrix_request(m: &caravan_route::MatrixRequest) -> Result<(), String> {
    for (name, list) in [("sources", &m.sources), ("targets", &m.targets)] {
        if list.is_empty() {
            return Err(format!("`{name}` is empty"));
        }
        if list.len() > MAX_MATRIX_ENDS {
            return Err(format!(
                "`{name}` has {} entries; at most {MAX_MATRIX_ENDS}",
                list.len()
            ));
        }
    }
    let cells = match &m.pairs {
        Some(p) => p.len(),
        None => m.sources.len() * m.targets.len(),
    };
    if cells == 0 {
        return Err("`pairs` is empty".into());
    }
    if cells > MAX_MATRIX_CELLS {
        return Err(format!(
            "{cells} pairs asked for; one request answers at most {MAX_MATRIX_CELLS}"
        ));
    }
    let (first_s, first_t) = (&m.sources[0], &m.targets[0]);
    for (i, s) in m.sources.iter().enumerate() {
        check_route_request(&m.options.route(s.clone(), first_t.clone()))
            .map_err(|e| format!("source {}: {e}", i + 1))?;
    }
    for (j, t) in m.targets.iter().enumerate() {
        check_route_request(&m.options.route(first_s.clone(), t.clone()))
            .map_err(|e| format!("target {}: {e}", j + 1))?;
    }
    Ok(())
}

pub fn check_route_request(r: &RouteRequest) -> Result<(), String> {
    for (name, loc) in [("from", &r.from), ("to", &r.to)] {
        match loc {
            caravan_route::Location::Place(p) => {
                if p.trim().is_empty() {
                    return Err(format!("`{name}` is empty"));
                }
                check_text(name, p, MAX_QUERY_CHARS)?
            }
            caravan_route::Location::Coordinate { lat, lon } => {
                check_range("lat", *lat, -90.0, 90.0)?;
                check_range("lon", *lon, -180.0, 180.0)?;
            }
        }
    }
    check_range(
        "cargo_tonnes",
        r.cargo_tonnes,
        MIN_CARGO_TONNES,
        MAX_CARGO_TONNES,
    )?;
    check_range("cargo_value_usd", r.cargo_value_usd, 0.0, MAX_AMOUNT)?;
    if r.alternatives > caravan_route::MAX_ALTERNATIVES {
        return Err(format!(
            "`alternatives` may be at most {}, got {}",
            caravan_route::MAX_ALTERNATIVES,
            r.alternatives
        ));
    }
    if let Some(v) = r.vot_day_share {
        check_range("vot_day_share", v, 0.0, 1.0)?;
    }
    if let Some(c) = r.carbon_price_usd_per_t {
        check_range("carbon_price_usd_per_t", c, 0.0, MAX_CARBON_PRICE_USD_PER_T)?;
    }
    check_list("avoid_countries", &r.avoid_countries)?;
    check_list("avoid_bcps", &r.avoid_bcps)?;
    check_scenario(&r.scenario)
}

/// Countries the network has nodes in: an avoided country outside it is a typo, not a wish.
pub fn network_countries(net: &Network) -> BTreeSet<Country> {
    // Inserting one by one: collecting would sort all 280k nodes' codes first.
    let mut countries = BTreeSet::new();
    for n in &net.nodes {
        countries.insert(n.country);
    }
    countries
}

/// Rejects `avoid_countries` entries that are not codes of a country in the network.
pub fn check_avoid_countries(avoid: &[String], known: &BTreeSet<Country>) -> Result<(), String> {
    for c in avoid {
        match Country::parse(c) {
            Some(cc) if known.contains(&cc) => {}
            Some(_) => {
                return Err(format!(
                    "`{}` is not a country of the network (ISO alpha-2 codes such as AF, PK, UZ)",
                    c.trim()
                ))
            }
            None => {
                return Err(format!(
                    "`{}` is not an ISO 3166 alpha-2 country code (e.g. AF, PK)",
                    c.trim()
                ))
            }
        }
    }
    Ok(())
}

/// Every figure of a result must be a finite number; JSON would print `null` and a table `inf`.
pub fn check_route_response(r: &RouteResponse) -> Result<(), String> {
    for route in &r.routes {
        let s = &route.summary;
        for (name, v) in [
            ("distance_km", s.distance_km),
            ("hours", s.hours),
            ("cost_usd", s.cost_usd),
            ("co2e_kg", s.co2e_kg),
        ] {
            if !v.is_finite() {
                return Err(format!(
                    "route {}: {name} is not a finite number; the request's figures are too large",
                    route.rank
                ));
            }
        }
    }
    Ok(())
}

/// A route can use a crossing closed in the data only when the request's scenario opened it;
/// such a crossing is labelled `opened_by_scenario`, never `closed`.
pub fn label_opened_crossings(r: &mut RouteResponse) {
    for route in &mut r.routes {
        for b in &mut route.border_crossings {
            if b.status == "closed" {
                b.status = "opened_by_scenario".to_owned();
            }
        }
    }
}

/// A landed-cost request's amounts and quantities.
pub fn check_cost_request(r: &caravan_cost::CostRequest) -> Result<(), String> {
    check_text("hs", &r.hs, MAX_HS_CHARS)?;
    check_text("currency", &r.currency, MAX_CURRENCY_CHARS)?;
    check_text("origin", &r.origin, MAX_QUERY_CHARS)?;
    check_text("destination", &r.destination, MAX_QUERY_CHARS)?;
    check_range("value", r.value, 0.0, MAX_AMOUNT)?;
    for (name, v) in [
        ("weight_kg", r.weight_kg),
        ("quantity", r.quantity),
        ("litres", r.litres),
        ("engine_cm3", r.engine_cm3),
    ] {
        if let Some(x) = v {
            check_range(name, x, 0.0, MAX_QUANTITY)?;
        }
    }
    let t = &r.transport;
    for (name, v) in [
        ("freight_usd", t.freight_usd),
        ("freight_to_border_usd", t.freight_to_border_usd),
        ("border_fees_usd", t.border_fees_usd),
        ("insurance_usd", t.insurance_usd),
    ] {
        if let Some(x) = v {
            check_range(name, x, 0.0, MAX_AMOUNT)?;
        }
    }
    if let (Some(all), Some(border)) = (t.freight_usd, t.freight_to_border_usd) {
        if border > all {
            return Err(format!(
                "`freight_to_border_usd` ({border}) is more than the whole freight `freight_usd` ({all})"
            ));
        }
    }
    if let Some(s) = &t.source {
        check_text("source", s, MAX_SOURCE_CHARS)?;
    }
    if r.fx.len() > MAX_LIST_ITEMS {
        return Err(format!(
            "`fx` may list at most {MAX_LIST_ITEMS} entries, got {}",
            r.fx.len()
        ));
    }
    for o in &r.fx {
        check_text("currency", &o.currency, MAX_CURRENCY_CHARS)?;
        check_range("per_usd", o.per_usd, MIN_FX_PER_USD, MAX_FX_PER_USD)?;
    }
    Ok(())
}

/// A landed cost whose figures are not all finite is an error, never `inf` or `null`.
pub fn check_landed_cost(c: &caravan_cost::LandedCost) -> Result<(), String> {
    let mut all = vec![c.total.amount, c.customs_value_usd];
    all.extend(c.total_local.as_ref().map(|l| l.amount));
    for l in &c.lines {
        all.extend(l.amount);
        all.extend(l.base);
    }
    if all.iter().any(|v| !v.is_finite()) {
        return Err(
            "the landed cost is not a finite number; the request's figures are too large".into(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_name_themselves() {
        let e = check_range("cargo_value_usd", 1e308, 0.0, MAX_AMOUNT).unwrap_err();
        assert!(
            e.contains("cargo_value_usd") && e.contains("1e12") && e.contains("1e308"),
            "{e}"
        );
        assert!(check_range("x", f64::NAN, 0.0, 1.0).is_err());
        assert!(check_text("q", &"a".repeat(101), MAX_QUERY_CHARS)
            .unwrap_err()
            .contains("100"));
    }

    #[test]
    fn a_crossing_both_closed_and_opened_is_rejected() {
        let s = Scenario {
            close_bcps: vec!["Torkham".into()],
            open_bcps: vec!["torkham ".into()],
            ..Scenario::default()
        };
        assert!(check_scenario(&s)
            .unwrap_err()
            .contains("both closed and opened"));
    }
}
