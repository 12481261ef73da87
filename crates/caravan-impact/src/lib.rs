//! Trade impact of a network scenario: the change in transport time and cost between each
//! pair of countries' economic centres (routed on the Caravan network, base and scenario),
//! mapped to a change in bilateral trade costs, then the structural-gravity GE (conditional
//! and full endowment) of `caravan-gravity`. No I/O faces: the CLI and the server call `run`.

pub mod access;
mod baseline;
mod centres;
pub mod compare;
mod costs;

use std::collections::BTreeSet;

use caravan_gravity::{GeOptions, GeProblem, GeResult, GravityError};
use caravan_net::Country;
use caravan_route::{CancelToken, Criterion, Location, RouteError, RouteRequest, Router, Scenario};
use serde::Serialize;

pub use baseline::{
    coverage_gap, fitted_distance_elasticity, iso2, Baseline, DistanceElasticity, AGTPA_2006_SOURCE,
};
pub use centres::{economic_centres, Centre};
pub use costs::{pair_costs, pair_costs_cancellable, PairCost};

#[derive(Debug, thiserror::Error)]
pub enum ImpactError {
    #[error(transparent)]
    Route(#[from] RouteError),
    #[error(transparent)]
    Gravity(#[from] GravityError),
    #[error("{0}")]
    Invalid(String),
}

impl ImpactError {
    /// True when the request or its data is wrong (not a failure to converge).
    pub fn is_bad_input(&self) -> bool {
        match self {
            ImpactError::Route(e) => e.is_bad_input(),
            ImpactError::Gravity(GravityError::NotConverged(_)) => false,
            _ => true,
        }
    }
}

/// How a change in transport cost becomes a change in trade costs t_ij.
#[derive(Clone, Debug)]
pub enum Mapping {
    /// t_ij is proportional to the delivered price of a consignment: (V + g_ij) / V, with V
    /// the cargo value and g_ij the generalized transport cost, USD + V x (value of time per
    /// day) x days (Hummels and Schaur 2013). So t'_ij / t_ij = (V + g'_ij) / (V + g_ij).
    AdValorem,
    /// Generalized transport cost read as an effective distance: trade moves by
    /// (g'_ij / g_ij)^elasticity, the distance elasticity of trade (negative).
    DistanceElasticity(DistanceElasticity),
}

impl Mapping {
    /// The mapping a face asks for: `distance` picks the distance-elasticity mapping, with the
    /// `elasticity` given (`given_by` says where, for the report) or else the PPML fit on the
    /// shipped data; an elasticity without `distance` is an error.
    pub fn choose(
        distance: bool,
        elasticity: Option<f64>,
        given_by: &str,
    ) -> Result<Mapping, ImpactError> {
        match (distance, elasticity) {
            (false, None) => Ok(Mapping::AdValorem),
            (false, Some(_)) => Err(ImpactError::Invalid(
                "a distance elasticity goes with the distance-elasticity mapping".into(),
            )),
            (true, Some(e)) => Ok(Mapping::DistanceElasticity(DistanceElasticity {
                elasticity: e,
                std_error: None,
                source: format!("given {given_by}"),
            })),
            (true, None) => Ok(Mapping::DistanceElasticity(fitted_distance_elasticity()?)),
        }
    }
}

/// What to compute.
#[derive(Clone, Debug)]
pub struct ImpactSpec {
    pub scenario: Scenario,
    /// Cargo, modes and value-of-time share of the consignments routed; `from`, `to`,
    /// `scenario` and `alternatives` are ignored; the criterion is always `generalized` with a
    /// zero carbon price (a carbon price is not a cost traders pay today).
    pub template: RouteRequest,
    /// Most populous cities per country used as its economic centres (1-5).
    pub centres_per_country: usize,
    pub mapping: Mapping,
    /// Elasticity of substitution (> 1).
    pub sigma: f64,
    /// Numeraire country, as the baseline writes it.
    pub reference: String,
}

/// Population-weighted means over the centre pairs routable in base and scenario.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PairMeans {
    pub hours: f64,
    pub cost_usd: f64,
    pub generalized_usd: f64,
    pub distance_km: f64,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PairImpact {
    pub exporter: String,
    pub importer: String,
    /// `changed`, `unchanged`, `unreachable` (no centre pair routable in both base and
    /// scenario: trade costs held fixed).
    pub status: String,
    pub base: Option<PairMeans>,
    pub scenario: Option<PairMeans>,
    /// Centre pairs routable in the base but not in the scenario (left out of the means).
    pub centre_pairs_cut: usize,
    /// Centre pairs routable in the scenario only (left out of the means).
    pub centre_pairs_new: usize,
    /// Crossings used by the base and the scenario routes of this pair's centres.
    pub bcps_base: Vec<String>,
    pub bcps_scenario: Vec<String>,
    /// % change of t_ij.
    pub trade_cost_pct: f64,
    /// Multiplier on t_ij^(1-sigma): the partial effect on the flow.
    pub trade_shock: f64,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Coverage {
    pub baseline_source: String,
    /// Countries of the GE (all baseline countries).
    pub ge_countries: Vec<String>,
    /// Baseline countries with economic centres on the network: their pairs are routed.
    pub routed_countries: Vec<String>,
    /// Baseline countries without a city on the network: their trade costs are unchanged.
    pub not_routed_countries: Vec<String>,
    /// Routed countries with at least one partner reachable in base and scenario: the ones
    /// whose trade costs the scenario can change.
    pub joined_countries: Vec<String>,
    /// Countries on a border the scenario changes (closed, opened or changed crossings) that
    /// are not in the GE: **no result for them**; ISO2 codes, as the network writes them.
    pub scenario_countries_not_in_ge: Vec<String>,
    /// Every country with a city on the network that is not in the GE, and why.
    pub not_in_ge: Vec<NotCovered>,
}

/// A network country without GE results.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotCovered {
    /// ISO2, as the network writes it.
    pub country: String,
    /// What is missing (see `data/NOTES.md` of caravan-impact).
    pub reason: String,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImpactReport {
    pub scenario: Scenario,
    /// `ad_valorem` or `distance_elasticity`.
    pub mapping: String,
    pub distance_elasticity: Option<DistanceElasticity>,
    pub sigma: f64,
    pub reference: String,
    pub cargo_tonnes: f64,
    pub cargo_value_usd: f64,
    pub value_of_time_usd_per_hour: f64,
    /// Every assumption, in words.
    pub assumptions: Vec<String>,
    pub coverage: Coverage,
    pub centres: Vec<Centre>,
    /// Routed country pairs (exporter != importer).
    pub pairs: Vec<PairImpact>,
    pub changed_pairs: usize,
    pub ge: GeResult,
}

/// Whether a scenario can only make routes dearer: it closes crossings or slows them
/// (`wait_factor` >= 1) and sets no absolute wait or fee (which may be lower than the data).
/// Whether the scenario only closes or slows crossings that `touches` can see (mode-wide
/// changes and closed country pairs reach routes it cannot tell apart).
fn only_raises(s: &Scenario) -> bool {
    s.only_restricts()
        && s.mode_changes.is_empty()
        && s.close_country_pairs.is_empty()
        && s.remove_links.is_empty()
}

/// Whether a route's crossing (`id:mode`) is one the scenario touches (`id` or `id:mode`).
fn touches(s: &Scenario, bcp: &str) -> bool {
    let id = bcp.split(':').next().unwrap_or(bcp);
    s.close_bcps
        .iter()
        .chain(s.bcp_changes.iter().map(|c| &c.bcp))
        .any(|k| k.eq_ignore_ascii_case(bcp) || k.eq_ignore_ascii_case(id))
}

type Matrix = Vec<Option<PairCost>>;

/// Base and scenario costs between the centres of different countries (same-country pairs
/// stay `None`), through `pair_costs` one origin row at a time. Pairs whose answer is known
/// without routing are not routed again in the scenario, exactly: without opened crossings an
/// unreachable pair stays unreachable, and a scenario that only closes or slows crossings
/// leaves every route that avoids them optimal.
fn route_centres(
    router: &Router,
    places: &[Location],
    owner: &[usize],
    template: &RouteRequest,
    scenario: &Scenario,
    cancel: &CancelToken,
) -> Result<(Matrix, Matrix), ImpactError> {
    let m = places.len();
    let mut base: Matrix = vec![None; m * m];
    for a in 0..m {
        let dests: Vec<usize> = (0..m).filter(|&b| owner[b] != owner[a]).collect();
        let locs: Vec<Location> = dests.iter().map(|&b| places[b].clone()).collect();
        let row = pair_costs(
            router,
            &places[a..=a],
            &locs,
            template,
            &Scenario::default(),
        )?;
        for (b, c) in dests.into_iter().zip(row) {
            base[a * m + b] = c;
        }
    }
    if scenario.is_empty() {
        return Ok((base.clone(), base));
    }
    let mut scen = base.clone();
    let raises = only_raises(scenario);
    for a in 0..m {
        let dests: Vec<usize> = (0..m)
            .filter(|&b| owner[b] != owner[a])
            .filter(|&b| match &base[a * m + b] {
                // Only a scenario that opens or adds something can reach a pair the base
                // cannot.
                None => !scenario.only_restricts(),
                Some(p) => !raises || p.bcps.iter().any(|x| touches(scenario, x)),
            })
            .collect();
        if dests.is_empty() {
            continue;
        }
        let locs: Vec<Location> = dests.iter().map(|&b| places[b].clone()).collect();
        let row =
            pair_costs_cancellable(router, &places[a..=a], &locs, template, scenario, cancel)?;
        for (b, c) in dests.into_iter().zip(row) {
            scen[a * m + b] = c;
        }
    }
    Ok((base, scen))
}

/// Runs the impact of `spec.scenario` on `baseline`.
pub fn run(
    router: &Router,
    baseline: &Baseline,
    spec: &ImpactSpec,
) -> Result<ImpactReport, ImpactError> {
    run_cancellable(router, baseline, spec, &CancelToken::new())
}

/// `run`, ending early with `RouteError::Cancelled` once `cancel` is cancelled.
pub fn run_cancellable(
    router: &Router,
    baseline: &Baseline,
    spec: &ImpactSpec,
    cancel: &CancelToken,
) -> Result<ImpactReport, ImpactError> {
    if !(1..=5).contains(&spec.centres_per_country) {
        return Err(ImpactError::Invalid(format!(
            "centres per country must be 1 to 5, got {}",
            spec.centres_per_country
        )));
    }
    if spec.sigma.is_nan() || spec.sigma <= 1.0 {
        return Err(ImpactError::Invalid(format!(
            "sigma must be > 1, got {}",
            spec.sigma
        )));
    }
    if let Mapping::DistanceElasticity(d) = &spec.mapping {
        if !(d.elasticity.is_finite() && d.elasticity < 0.0) {
            return Err(ImpactError::Invalid(format!(
                "the distance elasticity must be negative, got {}",
                d.elasticity
            )));
        }
    }
    let reference = baseline
        .countries
        .iter()
        .position(|c| c.eq_ignore_ascii_case(spec.reference.trim()))
        .ok_or_else(|| {
            ImpactError::Invalid(format!(
                "reference country `{}` is not in the baseline; it has: {}",
                spec.reference,
                baseline.countries.join(", ")
            ))
        })?;
    router.validate_scenario(&spec.scenario)?;
    let template = RouteRequest {
        optimize: Criterion::Generalized,
        carbon_price_usd_per_t: Some(0.0),
        alternatives: 0,
        scenario: Scenario::default(),
        ..spec.template.clone()
    };

    // Economic centres of the baseline countries.
    let n = baseline.countries.len();
    let mut centres: Vec<Centre> = Vec::new();
    let mut owner: Vec<usize> = Vec::new();
    let mut routed = Vec::new();
    let mut not_routed = Vec::new();
    for (i, code) in baseline.countries.iter().enumerate() {
        let cs = iso2(code)
            .and_then(|c| Country::parse(&c))
            .map(|c| economic_centres(router.network(), c, spec.centres_per_country))
            .unwrap_or_default();
        if cs.is_empty() {
            not_routed.push(code.clone());
        } else {
            routed.push(code.clone());
            owner.extend(std::iter::repeat_n(i, cs.len()));
            centres.extend(cs);
        }
    }
    let places: Vec<Location> = centres
        .iter()
        .map(|c| Location::Place(c.place_id.clone()))
        .collect();
    let m = places.len();
    let (base, scen) = route_centres(router, &places, &owner, &template, &spec.scenario, cancel)?;
    // A probe for the value of time the router used (the same for every pair).
    let vot_h = template.cargo_value_usd
        * template
            .vot_day_share
            .unwrap_or(router.network().params.vot_day_share.value)
        / 24.0;

    let theta = spec.sigma - 1.0;
    let value = template.cargo_value_usd;
    let mut shock = vec![1.0; n * n];
    let mut pairs = Vec::new();
    let first = |i: usize| owner.iter().position(|&o| o == i);
    for i in 0..n {
        let Some(a0) = first(i) else { continue };
        for j in 0..n {
            if i == j {
                continue;
            }
            let Some(b0) = first(j) else { continue };
            let mut w_sum = 0.0;
            let mut s0 = [0.0; 4];
            let mut s1 = [0.0; 4];
            let (mut cut, mut new) = (0, 0);
            let mut bcps0 = BTreeSet::new();
            let mut bcps1 = BTreeSet::new();
            for a in (a0..m).take_while(|&a| owner[a] == i) {
                for b in (b0..m).take_while(|&b| owner[b] == j) {
                    let k = a * m + b;
                    match (&base[k], &scen[k]) {
                        (Some(p0), Some(p1)) => {
                            let w = centres[a].weight * centres[b].weight;
                            w_sum += w;
                            for (s, p) in [(&mut s0, p0), (&mut s1, p1)] {
                                s[0] += w * p.hours;
                                s[1] += w * p.cost_usd;
                                s[2] += w * p.generalized_usd;
                                s[3] += w * p.distance_km;
                            }
                            bcps0.extend(p0.bcps.iter().cloned());
                            bcps1.extend(p1.bcps.iter().cloned());
                        }
                        (Some(_), None) => cut += 1,
                        (None, Some(_)) => new += 1,
                        (None, None) => {}
                    }
                }
            }
            let means = |s: [f64; 4]| PairMeans {
                hours: s[0] / w_sum,
                cost_usd: s[1] / w_sum,
                generalized_usd: s[2] / w_sum,
                distance_km: s[3] / w_sum,
            };
            let (status, b, s, t_hat, sh) = if w_sum > 0.0 {
                let (b, s) = (means(s0), means(s1));
                let (t_hat, sh) = match &spec.mapping {
                    Mapping::AdValorem => {
                        let t = (value + s.generalized_usd) / (value + b.generalized_usd);
                        (t, t.powf(-theta))
                    }
                    Mapping::DistanceElasticity(d) => {
                        let sh = (s.generalized_usd / b.generalized_usd).powf(d.elasticity);
                        (sh.powf(-1.0 / theta), sh)
                    }
                };
                let status = if s == b { "unchanged" } else { "changed" };
                (status, Some(b), Some(s), t_hat, sh)
            } else {
                ("unreachable", None, None, 1.0, 1.0)
            };
            shock[i * n + j] = sh;
            pairs.push(PairImpact {
                exporter: baseline.countries[i].clone(),
                importer: baseline.countries[j].clone(),
                status: status.into(),
                base: b,
                scenario: s,
                centre_pairs_cut: cut,
                centre_pairs_new: new,
                bcps_base: bcps0.into_iter().collect(),
                bcps_scenario: bcps1.into_iter().collect(),
                trade_cost_pct: 100.0 * (t_hat - 1.0),
                trade_shock: sh,
            });
        }
    }
    let changed_pairs = pairs.iter().filter(|p| p.status == "changed").count();
    let joined: BTreeSet<&String> = pairs
        .iter()
        .filter(|p| p.status != "unreachable")
        .map(|p| &p.exporter)
        .collect();
    let joined_countries: Vec<String> = joined.into_iter().cloned().collect();
    let ge = GeProblem {
        countries: baseline.countries.clone(),
        flows: baseline.flows.clone(),
        shock,
        sigma: spec.sigma,
        reference,
    }
    .solve(GeOptions::default())?;

    let params = &router.network().params;
    let mut assumptions = vec![
        format!("baseline flows: {} (observed flows, not a PPML fit; zero flows stay zero)", baseline.source),
        format!(
            "economic centres: the {} most populous city or cities of each country among the network's places (Natural Earth populations), weighted by population; a country pair's time and cost are the population-weighted means over its centre pairs (weight = product of the two centres' weights)",
            spec.centres_per_country
        ),
        format!(
            "transport: the best `generalized` route of a {} t, USD {} consignment{} with a zero carbon price, base network vs scenario; value of time {} of the goods value per day = USD {:.2} per hour (Hummels and Schaur 2013, AER 103(7): one day in transit is worth 0.6-2.1 % ad valorem; the default is the midpoint, data/curated/mode_params.csv)",
            template.cargo_tonnes,
            value,
            if template.modes.is_empty() {
                " by any mode".to_string()
            } else {
                format!(
                    " by {}",
                    template.modes.iter().map(|l| l.to_string()).collect::<Vec<_>>().join("/")
                )
            },
            template.vot_day_share.unwrap_or(params.vot_day_share.value),
            vot_h
        ),
        "only international pairs are routed; domestic trade costs t_ii are unchanged".into(),
        "a centre pair routable in only one of base and scenario is left out of both means (counted as cut or new); a country pair with no centre pair routable in both keeps its trade costs (status unreachable)".into(),
        match &spec.mapping {
            Mapping::AdValorem => format!(
                "mapping (ad valorem): t_ij is proportional to the delivered price of the consignment (V + g_ij) / V, V = USD {value}, g_ij = USD cost + value of time x hours; the rest of t_ij (tariffs, information, other barriers) is unchanged, so t'_ij / t_ij = (V + g'_ij) / (V + g_ij) and the flow shock is that to the power 1 - sigma"
            ),
            Mapping::DistanceElasticity(d) => format!(
                "mapping (distance elasticity): the generalized transport cost is read as an effective distance, so the flow shock is (g'_ij / g_ij)^{:.4}; elasticity from {}",
                d.elasticity, d.source
            ),
        },
        format!(
            "GE: one-sector Armington-CES structural gravity (Yotov et al. 2016 ch. 2), sigma = {} (trade elasticity {}), numeraire {}'s inward multilateral resistance; conditional GE holds output and expenditure fixed, full GE lets factory-gate prices move with endowments fixed; trade imbalances fixed relative to world output",
            spec.sigma,
            1.0 - spec.sigma,
            baseline.countries[reference]
        ),
    ];
    if !not_routed.is_empty() {
        assumptions.push(format!(
            "{} of {} baseline countries have no city on the network; their trade costs are unchanged (they react only through the GE): {}",
            not_routed.len(),
            n,
            not_routed.join(", ")
        ));
    }
    let isolated: Vec<&String> = routed
        .iter()
        .filter(|c| !joined_countries.contains(c))
        .collect();
    if !isolated.is_empty() {
        assumptions.push(format!(
            "{} baseline countries have cities on the network but no partner it joins them to (no route in base and scenario), so their trade costs are unchanged: {}",
            isolated.len(),
            isolated.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
        ));
    }
    let in_baseline: BTreeSet<String> = baseline.countries.iter().filter_map(|c| iso2(c)).collect();
    let missing: BTreeSet<String> = router
        .network()
        .places
        .iter()
        .filter(|p| p.kind == caravan_net::PlaceKind::City)
        .map(|p| p.country.to_string())
        .filter(|c| !in_baseline.contains(c))
        .collect();
    if !missing.is_empty() {
        assumptions.push(format!(
            "{} countries with cities on the network are not in the baseline and so not in the GE, with no result of their own (give a baseline `exporter,importer,trade` with domestic sales that has them; `coverage.not_in_ge` says what is missing for each): {}",
            missing.len(),
            missing.iter().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    let not_in_ge: Vec<NotCovered> = missing
        .iter()
        .map(|c| NotCovered {
            country: c.clone(),
            reason: coverage_gap(c),
        })
        .collect();
    let touched: BTreeSet<String> = router
        .network()
        .bcps
        .iter()
        .enumerate()
        .filter(|(i, b)| {
            let net = router.network();
            spec.scenario
                .open_bcps
                .iter()
                .any(|k| k.split(':').next().unwrap_or(k).eq_ignore_ascii_case(&b.id))
                || touches(&spec.scenario, &format!("{}:{}", b.id, b.mode))
                || spec.scenario.projects.iter().any(|p| {
                    net.project_index(p)
                        .is_some_and(|pi| net.projects[pi].bcps.contains(&(*i as u32)))
                })
                || spec.scenario.close_country_pairs.iter().any(|pair| {
                    let (a, c) = (b.country_a.to_string(), b.country_b.to_string());
                    let p = pair.to_ascii_uppercase();
                    p.contains(&a) && p.contains(&c)
                })
        })
        .map(|(_, b)| b)
        .flat_map(|b| [b.country_a.to_string(), b.country_b.to_string()])
        .collect();
    let scenario_not_in_ge: Vec<String> = touched
        .into_iter()
        .filter(|c| !in_baseline.contains(c))
        .collect();
    if !scenario_not_in_ge.is_empty() {
        assumptions.insert(
            0,
            format!(
                "NOT COVERED: the scenario changes crossings on the borders of {}, which are not in the GE: there is no export or real-GDP result for them, only for the baseline countries whose routes cross them. {}",
                scenario_not_in_ge.join(", "),
                scenario_not_in_ge
                    .iter()
                    .map(|c| format!("{c}: {}.", coverage_gap(c)))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        );
    }
    Ok(ImpactReport {
        scenario: spec.scenario.clone(),
        mapping: match spec.mapping {
            Mapping::AdValorem => "ad_valorem".into(),
            Mapping::DistanceElasticity(_) => "distance_elasticity".into(),
        },
        distance_elasticity: match &spec.mapping {
            Mapping::DistanceElasticity(d) => Some(d.clone()),
            Mapping::AdValorem => None,
        },
        sigma: spec.sigma,
        reference: baseline.countries[reference].clone(),
        cargo_tonnes: template.cargo_tonnes,
        cargo_value_usd: value,
        value_of_time_usd_per_hour: vot_h,
        assumptions,
        coverage: Coverage {
            baseline_source: baseline.source.clone(),
            ge_countries: baseline.countries.clone(),
            routed_countries: routed,
            not_routed_countries: not_routed,
            joined_countries,
            scenario_countries_not_in_ge: scenario_not_in_ge,
            not_in_ge,
        },
        centres,
        pairs,
        changed_pairs,
        ge,
    })
}
