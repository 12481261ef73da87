//! Base vs scenario over many places: the two matrices under the same options, their
//! difference per pair and per country pair, the places that gain and lose most, and the
//! share of pairs whose best route moves to another corridor (other crossings or ports).
//! Also the selection of places by population that comparisons and accessibility share.

use std::collections::BTreeMap;

use caravan_net::{Network, PlaceKind};
use caravan_route::{
    Location, MatrixCell, MatrixOptions, MatrixRequest, MatrixResponse, RouteError, Router,
    Scenario,
};
use serde::Serialize;

/// The countries of the SCO and CAREC, whose places `top:N` picks from.
pub const REGION: [&str; 16] = [
    "AF", "AM", "AZ", "BY", "CN", "GE", "IN", "IR", "KG", "KZ", "MN", "PK", "RU", "TJ", "TM", "UZ",
];

/// The `n` most populous cities of the region (the place ids), largest first.
pub fn largest_places(net: &Network, n: usize) -> Vec<String> {
    let mut v: Vec<(u64, &str)> = net
        .places
        .iter()
        .filter(|p| p.kind == PlaceKind::City && REGION.contains(&p.country.to_string().as_str()))
        .filter_map(|p| p.population.map(|pop| (pop, p.id.as_str())))
        .collect();
    v.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    v.into_iter().take(n).map(|(_, id)| id.to_owned()).collect()
}

/// Place queries from a list: `top:N` expands to the N largest places of the region.
pub fn expand_places(net: &Network, items: &[String]) -> Result<Vec<Location>, RouteError> {
    let mut out = Vec::new();
    for it in items {
        let it = it.trim();
        if let Some(n) = it.strip_prefix("top:") {
            let n: usize = n
                .trim()
                .parse()
                .ok()
                .filter(|n| (1..=2000).contains(n))
                .ok_or_else(|| {
                    RouteError::InvalidRequest(format!("`{it}`: give top:N with N from 1 to 2000"))
                })?;
            out.extend(largest_places(net, n).into_iter().map(Location::Place));
        } else if !it.is_empty() {
            out.push(Location::parse(it));
        }
    }
    if out.is_empty() {
        return Err(RouteError::InvalidRequest("no places given".into()));
    }
    Ok(out)
}

/// One pair, base and scenario.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PairDelta {
    pub source: usize,
    pub target: usize,
    pub base_hours: Option<f64>,
    pub scenario_hours: Option<f64>,
    pub base_cost_usd: Option<f64>,
    pub scenario_cost_usd: Option<f64>,
    pub base_km: Option<f64>,
    pub scenario_km: Option<f64>,
    pub base_generalized_usd: Option<f64>,
    pub scenario_generalized_usd: Option<f64>,
    /// Scenario minus base (None where either is unreachable).
    pub delta_hours: Option<f64>,
    pub delta_cost_usd: Option<f64>,
    pub delta_generalized_usd: Option<f64>,
    /// Reachable only in the scenario (+1), only in the base (-1), or neither change (0).
    pub reach_change: i8,
    /// The best route passes other crossings or ports in the scenario.
    pub corridor_changed: bool,
}

/// Country pair aggregates (sources' country to targets' country).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountryPairDelta {
    pub from: String,
    pub to: String,
    pub pairs: usize,
    pub improved: usize,
    pub worsened: usize,
    pub corridor_changed: usize,
    /// Means over the pairs reachable in both.
    pub mean_delta_hours: f64,
    pub mean_delta_generalized_usd: f64,
    pub mean_delta_generalized_pct: f64,
}

/// A place's average change as a source and target.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaceDelta {
    pub name: String,
    pub country: String,
    pub lat: f64,
    pub lon: f64,
    pub pairs: usize,
    pub mean_delta_hours: f64,
    pub mean_delta_generalized_pct: f64,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comparison {
    pub scenario: Scenario,
    pub base: MatrixResponse,
    pub with_scenario: MatrixResponse,
    pub pairs: Vec<PairDelta>,
    pub country_pairs: Vec<CountryPairDelta>,
    /// Sources by their mean change, most gained first (negative generalized cost change).
    pub winners: Vec<PlaceDelta>,
    /// Sources whose mean generalized cost rose, most lost first.
    pub losers: Vec<PlaceDelta>,
    /// Pairs reachable in both, and the share of them whose best route changes corridor.
    pub comparable_pairs: usize,
    pub corridor_changed_share: f64,
    pub improved_pairs: usize,
    pub worsened_pairs: usize,
    pub newly_reachable_pairs: usize,
    pub no_longer_reachable_pairs: usize,
    pub base_seconds: f64,
    pub scenario_seconds: f64,
}

fn pct(delta: f64, base: f64) -> f64 {
    if base > 0.0 {
        100.0 * delta / base
    } else {
        0.0
    }
}

/// Runs the base and the scenario matrix under the same options (the options' own scenario
/// is the base's: pass none for the plain network) and compares them pair by pair.
pub fn compare(
    router: &Router,
    sources: Vec<Location>,
    targets: Vec<Location>,
    options: &MatrixOptions,
    scenario: &Scenario,
) -> Result<Comparison, RouteError> {
    let base_req = MatrixRequest {
        sources,
        targets,
        pairs: None,
        options: options.clone(),
    };
    let mut scen_req = base_req.clone();
    scen_req.options.scenario = stack(&options.scenario, scenario);
    let t = std::time::Instant::now();
    let base = router.matrix(&base_req)?;
    let base_seconds = t.elapsed().as_secs_f64();
    let t = std::time::Instant::now();
    let with_scenario = router.matrix(&scen_req)?;
    let scenario_seconds = t.elapsed().as_secs_f64();
    Ok(diff(
        scenario.clone(),
        base,
        with_scenario,
        base_seconds,
        scenario_seconds,
    ))
}

/// The options' scenario with another on top.
pub fn stack(under: &Scenario, over: &Scenario) -> Scenario {
    let mut s = under.clone();
    s.close_bcps.extend(over.close_bcps.iter().cloned());
    s.open_bcps.extend(over.open_bcps.iter().cloned());
    s.bcp_changes.extend(over.bcp_changes.iter().cloned());
    s.projects.extend(over.projects.iter().cloned());
    s.infrastructure.extend(over.infrastructure.iter().cloned());
    s.mode_changes.extend(over.mode_changes.iter().cloned());
    s.close_country_pairs
        .extend(over.close_country_pairs.iter().cloned());
    s.remove_links.extend(over.remove_links.iter().cloned());
    s.name = over.name.clone().or(s.name);
    s
}

fn pair_delta(b: &MatrixCell, s: &MatrixCell) -> PairDelta {
    let d = |x: Option<f64>, y: Option<f64>| match (x, y) {
        (Some(x), Some(y)) => Some(((y - x) * 100.0).round() / 100.0),
        _ => None,
    };
    PairDelta {
        source: b.source,
        target: b.target,
        base_hours: b.hours,
        scenario_hours: s.hours,
        base_cost_usd: b.cost_usd,
        scenario_cost_usd: s.cost_usd,
        base_km: b.distance_km,
        scenario_km: s.distance_km,
        base_generalized_usd: b.generalized_usd,
        scenario_generalized_usd: s.generalized_usd,
        delta_hours: d(b.hours, s.hours),
        delta_cost_usd: d(b.cost_usd, s.cost_usd),
        delta_generalized_usd: d(b.generalized_usd, s.generalized_usd),
        reach_change: match (b.reachable, s.reachable) {
            (false, true) => 1,
            (true, false) => -1,
            _ => 0,
        },
        corridor_changed: b.reachable && s.reachable && b.corridor_key != s.corridor_key,
    }
}

fn diff(
    scenario: Scenario,
    base: MatrixResponse,
    with_scenario: MatrixResponse,
    base_seconds: f64,
    scenario_seconds: f64,
) -> Comparison {
    let pairs: Vec<PairDelta> = base
        .cells
        .iter()
        .zip(&with_scenario.cells)
        .filter(|(b, _)| {
            // A place to itself is no pair.
            let (s, t) = (&base.sources[b.source], &base.targets[b.target]);
            !(s.place_id.is_some() && s.place_id == t.place_id)
        })
        .map(|(b, s)| pair_delta(b, s))
        .collect();
    // A change below a cent or a second is rounding, not the scenario.
    const EPS: f64 = 0.01;
    let comparable: Vec<&PairDelta> = pairs
        .iter()
        .filter(|p| p.delta_generalized_usd.is_some())
        .collect();
    let improved = comparable
        .iter()
        .filter(|p| p.delta_generalized_usd.is_some_and(|d| d < -EPS))
        .count();
    let worsened = comparable
        .iter()
        .filter(|p| p.delta_generalized_usd.is_some_and(|d| d > EPS))
        .count();
    let changed = comparable.iter().filter(|p| p.corridor_changed).count();

    let mut by_country: BTreeMap<(String, String), Vec<&PairDelta>> = BTreeMap::new();
    for p in &comparable {
        let key = (
            base.sources[p.source].country.clone(),
            base.targets[p.target].country.clone(),
        );
        by_country.entry(key).or_default().push(p);
    }
    let mean = |v: &[f64]| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let round = |x: f64, d: i32| {
        let f = 10f64.powi(d);
        (x * f).round() / f
    };
    let g_pct = |p: &PairDelta| {
        pct(
            p.delta_generalized_usd.unwrap_or(0.0),
            p.base_generalized_usd.unwrap_or(0.0),
        )
    };
    let mut country_pairs: Vec<CountryPairDelta> = by_country
        .into_iter()
        .map(|((from, to), v)| CountryPairDelta {
            from,
            to,
            pairs: v.len(),
            improved: v
                .iter()
                .filter(|p| p.delta_generalized_usd.is_some_and(|d| d < -EPS))
                .count(),
            worsened: v
                .iter()
                .filter(|p| p.delta_generalized_usd.is_some_and(|d| d > EPS))
                .count(),
            corridor_changed: v.iter().filter(|p| p.corridor_changed).count(),
            mean_delta_hours: round(
                mean(&v.iter().filter_map(|p| p.delta_hours).collect::<Vec<_>>()),
                2,
            ),
            mean_delta_generalized_usd: round(
                mean(
                    &v.iter()
                        .filter_map(|p| p.delta_generalized_usd)
                        .collect::<Vec<_>>(),
                ),
                2,
            ),
            mean_delta_generalized_pct: round(
                mean(&v.iter().map(|p| g_pct(p)).collect::<Vec<_>>()),
                3,
            ),
        })
        .collect();
    country_pairs.sort_by(|a, b| {
        a.mean_delta_generalized_pct
            .total_cmp(&b.mean_delta_generalized_pct)
            .then_with(|| (&a.from, &a.to).cmp(&(&b.from, &b.to)))
    });

    let mut places: Vec<PlaceDelta> = base
        .sources
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let mine: Vec<&&PairDelta> = comparable.iter().filter(|p| p.source == i).collect();
            (!mine.is_empty()).then(|| PlaceDelta {
                name: s.name.clone(),
                country: s.country.clone(),
                lat: s.lat,
                lon: s.lon,
                pairs: mine.len(),
                mean_delta_hours: round(
                    mean(
                        &mine
                            .iter()
                            .filter_map(|p| p.delta_hours)
                            .collect::<Vec<_>>(),
                    ),
                    2,
                ),
                mean_delta_generalized_pct: round(
                    mean(&mine.iter().map(|p| g_pct(p)).collect::<Vec<_>>()),
                    3,
                ),
            })
        })
        .collect();
    places.sort_by(|a, b| {
        a.mean_delta_generalized_pct
            .total_cmp(&b.mean_delta_generalized_pct)
            .then_with(|| a.name.cmp(&b.name))
    });
    let winners: Vec<PlaceDelta> = places
        .iter()
        .filter(|p| p.mean_delta_generalized_pct < -1e-3)
        .take(20)
        .cloned()
        .collect();
    let losers: Vec<PlaceDelta> = places
        .iter()
        .rev()
        .filter(|p| p.mean_delta_generalized_pct > 1e-3)
        .take(20)
        .cloned()
        .collect();
    Comparison {
        scenario,
        comparable_pairs: comparable.len(),
        corridor_changed_share: if comparable.is_empty() {
            0.0
        } else {
            round(changed as f64 / comparable.len() as f64, 4)
        },
        improved_pairs: improved,
        worsened_pairs: worsened,
        newly_reachable_pairs: pairs.iter().filter(|p| p.reach_change == 1).count(),
        no_longer_reachable_pairs: pairs.iter().filter(|p| p.reach_change == -1).count(),
        pairs,
        country_pairs,
        winners,
        losers,
        base,
        with_scenario,
        base_seconds: round(base_seconds, 3),
        scenario_seconds: round(scenario_seconds, 3),
    }
}
