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

/// A list of places with each `top:N` entry expanded to the N largest places of the region
/// (N from 1 to `max`).
pub fn expand_top(
    net: &Network,
    list: Vec<Location>,
    max: usize,
) -> Result<Vec<Location>, RouteError> {
    let mut out = Vec::new();
    for l in list {
        match &l {
            Location::Place(s) if s.trim().starts_with("top:") => {
                let n = s.trim()["top:".len()..]
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .ok_or_else(|| {
                        RouteError::InvalidRequest(format!(
                            "`{s}`: give top:N with N from 1 to {max}"
                        ))
                    })?;
                out.extend(largest_places(net, n).into_iter().map(Location::Place));
            }
            _ => out.push(l),
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
        corridor_keys: true,
        options: options.clone(),
    };
    let mut scen_req = base_req.clone();
    scen_req.options.scenario = options.scenario.clone().then(scenario.clone());
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

/// A change below a cent is rounding, not the scenario.
const EPS_USD: f64 = 0.01;

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

fn mean(v: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = v.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    if n == 0 {
        0.0
    } else {
        sum / n as f64
    }
}

/// Counts and means over some pairs reachable in both.
struct Tally {
    pairs: usize,
    improved: usize,
    worsened: usize,
    corridor_changed: usize,
    mean_delta_hours: f64,
    mean_delta_generalized_usd: f64,
    mean_delta_generalized_pct: f64,
}

fn tally(v: &[&PairDelta]) -> Tally {
    let delta = |p: &&PairDelta| p.delta_generalized_usd.unwrap_or(0.0);
    Tally {
        pairs: v.len(),
        improved: v.iter().filter(|p| delta(p) < -EPS_USD).count(),
        worsened: v.iter().filter(|p| delta(p) > EPS_USD).count(),
        corridor_changed: v.iter().filter(|p| p.corridor_changed).count(),
        mean_delta_hours: round(mean(v.iter().filter_map(|p| p.delta_hours)), 2),
        mean_delta_generalized_usd: round(mean(v.iter().map(delta)), 2),
        mean_delta_generalized_pct: round(
            mean(
                v.iter()
                    .map(|p| pct(delta(p), p.base_generalized_usd.unwrap_or(0.0))),
            ),
            3,
        ),
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
    let comparable: Vec<&PairDelta> = pairs
        .iter()
        .filter(|p| p.delta_generalized_usd.is_some())
        .collect();
    let all = tally(&comparable);

    let mut by_country: BTreeMap<(String, String), Vec<&PairDelta>> = BTreeMap::new();
    for p in &comparable {
        let key = (
            base.sources[p.source].country.clone(),
            base.targets[p.target].country.clone(),
        );
        by_country.entry(key).or_default().push(p);
    }
    let mut country_pairs: Vec<CountryPairDelta> = by_country
        .into_iter()
        .map(|((from, to), v)| {
            let t = tally(&v);
            CountryPairDelta {
                from,
                to,
                pairs: t.pairs,
                improved: t.improved,
                worsened: t.worsened,
                corridor_changed: t.corridor_changed,
                mean_delta_hours: t.mean_delta_hours,
                mean_delta_generalized_usd: t.mean_delta_generalized_usd,
                mean_delta_generalized_pct: t.mean_delta_generalized_pct,
            }
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
            let mine: Vec<&PairDelta> = comparable
                .iter()
                .copied()
                .filter(|p| p.source == i)
                .collect();
            let t = tally(&mine);
            (t.pairs > 0).then(|| PlaceDelta {
                name: s.name.clone(),
                country: s.country.clone(),
                lat: s.lat,
                lon: s.lon,
                pairs: t.pairs,
                mean_delta_hours: t.mean_delta_hours,
                mean_delta_generalized_pct: t.mean_delta_generalized_pct,
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
        comparable_pairs: all.pairs,
        corridor_changed_share: if all.pairs == 0 {
            0.0
        } else {
            round(all.corridor_changed as f64 / all.pairs as f64, 4)
        },
        improved_pairs: all.improved,
        worsened_pairs: all.worsened,
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
