//! Many-to-many and one-to-all answers on the hierarchy: the best route between every source
//! and target under one request's criterion, cargo, constraints and scenario, with its hours,
//! USD, km and kg CO2e, equal to what single routes report (a test checks it).

use caravan_cch::{many_to_many, many_to_many_with_progress, one_to_all, EdgeAttrs, Seed};
use serde::{Deserialize, Serialize};

use crate::costing::{Parts, Pricing};
use crate::request::{Criterion, Location, RouteRequest};
use crate::{endpoints, hierarchy, round, Access, Options, RouteError, Router};

/// Attributes carried along every path: hours, USD, km, kg CO2e; and, only for requests
/// that ask for it (`corridor_keys`), the corridor key: every attribute costs every matrix.
const ATTRS: usize = 4;
const ATTRS_WITH_KEY: usize = 5;

fn attrs<const N: usize>(p: &Parts) -> [f64; N] {
    let mut a = [0.0; N];
    a[..ATTRS].copy_from_slice(&[p.hours(), p.usd(), p.km, p.co2e_kg]);
    a
}

/// An arc's share of a path's corridor key: a code per border crossing and per port, so that
/// two paths with the same key (almost surely) pass the same crossings and ports. Codes are
/// integers below 2^20, so sums of a few dozen are exact in an f64 whatever their order.
fn corridor_code(net: &caravan_net::Network, arc: &crate::graph::Arc) -> f64 {
    let code = |kind: u64, i: u32| {
        ((kind * 1_000_003 + i as u64 + 1) * 2_654_435_761 % 1_048_573 + 1) as f64
    };
    match arc.kind {
        crate::graph::ArcKind::Border { bcp, .. } => code(1, bcp),
        crate::graph::ArcKind::Transfer { terminal }
            if net.terminals[terminal as usize].kind != caravan_net::TerminalKind::RoadRail =>
        {
            code(2, terminal)
        }
        _ => 0.0,
    }
}

/// One end of a matrix as resolved.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatrixEndpoint {
    /// What was asked for.
    pub query: String,
    pub place_id: Option<String>,
    pub name: String,
    pub country: String,
    pub lat: f64,
    pub lon: f64,
    /// Why this end has no routes at all (off the network for the allowed modes, in an
    /// avoided country), if so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unusable: Option<String>,
}

/// One source-target pair. Unreachable pairs say so and carry no figures (never 0).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatrixCell {
    /// Indices into `sources` and `targets`.
    pub source: usize,
    pub target: usize,
    pub reachable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_usd: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub co2e_kg: Option<f64>,
    /// USD + value of time x hours + carbon price x kg CO2e, whatever the criterion.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generalized_usd: Option<f64>,
    /// The criterion's value (what was minimised), as a route's `summary.objective`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub objective: Option<f64>,
    /// A key of the crossings and ports the best route passes (equal keys: the same ones),
    /// for telling whether a scenario moves a pair to another corridor.
    #[serde(skip)]
    pub corridor_key: Option<u64>,
}

/// The answer to a matrix request, in long form: one cell per pair.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatrixResponse {
    pub optimize: &'static str,
    pub cargo_tonnes: f64,
    pub cargo_value_usd: f64,
    /// USD per hour of transit and USD per tonne CO2e in `generalized_usd`.
    pub value_of_time_usd_per_hour: f64,
    pub carbon_price_usd_per_t: f64,
    pub sources: Vec<MatrixEndpoint>,
    pub targets: Vec<MatrixEndpoint>,
    pub cells: Vec<MatrixCell>,
    pub unreachable: usize,
    pub warnings: Vec<String>,
}

/// A matrix request: the sources and targets (or sparse pairs) and the options of a route
/// request (its `from` and `to` are not used).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatrixRequest {
    pub sources: Vec<Location>,
    pub targets: Vec<Location>,
    /// Only these (source index, target index) pairs, instead of every combination.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pairs: Option<Vec<[usize; 2]>>,
    #[serde(default)]
    pub options: MatrixOptions,
    /// Carry each cell's corridor key (`MatrixCell::corridor_key`), for comparisons; it costs
    /// every path an attribute, so plain matrices go without.
    #[serde(skip)]
    pub corridor_keys: bool,
}

/// The route options a matrix applies to every pair.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatrixOptions {
    pub modes: Vec<caravan_net::Layer>,
    pub inland_water: bool,
    pub optimize: Criterion,
    pub cargo_tonnes: f64,
    pub cargo_value_usd: f64,
    pub avoid_countries: Vec<String>,
    pub avoid_bcps: Vec<String>,
    pub scenario: crate::Scenario,
    pub vot_day_share: Option<f64>,
    pub carbon_price_usd_per_t: Option<f64>,
}

impl Default for MatrixOptions {
    fn default() -> Self {
        MatrixOptions::from_route(&RouteRequest::default())
    }
}

impl MatrixOptions {
    pub fn from_route(r: &RouteRequest) -> MatrixOptions {
        MatrixOptions {
            modes: r.modes.clone(),
            inland_water: r.inland_water,
            optimize: r.optimize,
            cargo_tonnes: r.cargo_tonnes,
            cargo_value_usd: r.cargo_value_usd,
            avoid_countries: r.avoid_countries.clone(),
            avoid_bcps: r.avoid_bcps.clone(),
            scenario: r.scenario.clone(),
            vot_day_share: r.vot_day_share,
            carbon_price_usd_per_t: r.carbon_price_usd_per_t,
        }
    }

    /// The route request these options make for one pair.
    pub fn route(&self, from: Location, to: Location) -> RouteRequest {
        RouteRequest {
            from,
            to,
            modes: self.modes.clone(),
            inland_water: self.inland_water,
            optimize: self.optimize,
            cargo_tonnes: self.cargo_tonnes,
            cargo_value_usd: self.cargo_value_usd,
            alternatives: 0,
            avoid_countries: self.avoid_countries.clone(),
            avoid_bcps: self.avoid_bcps.clone(),
            scenario: self.scenario.clone(),
            vot_day_share: self.vot_day_share,
            carbon_price_usd_per_t: self.carbon_price_usd_per_t,
        }
    }
}

/// A resolved end: its description and its seeds (empty when unusable).
struct End<const N: usize> {
    info: MatrixEndpoint,
    seeds: Vec<Seed<N>>,
}

/// The best value per place from a one-to-all answer.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reach {
    pub place_id: String,
    pub name: String,
    pub country: String,
    pub hours: f64,
    pub cost_usd: f64,
    pub distance_km: f64,
    pub co2e_kg: f64,
    pub objective: f64,
}

impl Router {
    /// Resolves one matrix end: unknown places are errors (naming which end), ends that cannot
    /// be used are kept with the reason so their cells say unreachable.
    fn matrix_end<const N: usize>(
        &self,
        which: &str,
        i: usize,
        loc: &Location,
        opts: &Options,
    ) -> Result<End<N>, RouteError> {
        let resolved = self.resolve(loc).map_err(|e| match e {
            RouteError::InvalidRequest(m) => {
                RouteError::InvalidRequest(format!("{which} {}: {m}", i + 1))
            }
            other => other,
        })?;
        Ok(self.end_at(resolved, opts))
    }

    /// A resolved end with its seeds: the ways the network leaves or reaches it.
    fn end_at<const N: usize>(&self, resolved: crate::prepare::Resolved, opts: &Options) -> End<N> {
        let mut info = MatrixEndpoint {
            query: resolved.endpoint.query.clone(),
            place_id: resolved.endpoint.place_id.clone(),
            name: resolved.endpoint.name.clone(),
            country: resolved.endpoint.country.clone(),
            lat: resolved.endpoint.lat,
            lon: resolved.endpoint.lon,
            unusable: None,
        };
        let c = &opts.constraints;
        if c.avoid_countries.contains(&resolved.country) {
            info.unusable = Some(format!("in {}, which the request avoids", resolved.country));
            return End {
                info,
                seeds: Vec::new(),
            };
        }
        let access: Vec<Access> = self.access(&resolved, &opts.pricing, c);
        if access.is_empty() {
            info.unusable = Some(format!(
                "more than {} km from any {} network node",
                crate::MAX_SNAP_KM,
                crate::modes_label(&c.class_allowed)
            ));
        }
        let seeds = endpoints(&access, &opts.pricing, c, &self.net)
            .into_iter()
            .map(|e| Seed {
                node: e.node,
                weight: e.weight,
                attrs: attrs(&access[e.tag].parts),
            })
            .collect();
        End { info, seeds }
    }

    /// Best routes between every source and target (or the given pairs) under one set of
    /// options. Builds and customizes the hierarchy as needed.
    pub fn matrix(&self, req: &MatrixRequest) -> Result<MatrixResponse, RouteError> {
        self.matrix_with_progress(req, &|_, _| {})
    }

    /// `matrix`, calling `progress(done, total)` as searches end (one per source and per
    /// target; sparse pairs count each block's), from whichever thread ran them.
    pub fn matrix_with_progress(
        &self,
        req: &MatrixRequest,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<MatrixResponse, RouteError> {
        if req.corridor_keys {
            self.matrix_carrying::<ATTRS_WITH_KEY>(req, progress)
        } else {
            self.matrix_carrying::<ATTRS>(req, progress)
        }
    }

    /// `matrix_with_progress` with N attributes along the paths.
    fn matrix_carrying<const N: usize>(
        &self,
        req: &MatrixRequest,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<MatrixResponse, RouteError> {
        let template = req.options.route(
            Location::Place(String::new()),
            Location::Place(String::new()),
        );
        let opts = self.options(&template)?;
        if let Some(pairs) = &req.pairs {
            if let Some(p) = pairs
                .iter()
                .find(|p| p[0] >= req.sources.len() || p[1] >= req.targets.len())
            {
                return Err(RouteError::InvalidRequest(format!(
                    "pair [{}, {}] is out of range: {} sources and {} targets",
                    p[0],
                    p[1],
                    req.sources.len(),
                    req.targets.len()
                )));
            }
        }
        let sources = req
            .sources
            .iter()
            .enumerate()
            .map(|(i, l)| self.matrix_end("source", i, l, &opts))
            .collect::<Result<Vec<_>, _>>()?;
        let targets = req
            .targets
            .iter()
            .enumerate()
            .map(|(i, l)| self.matrix_end("target", i, l, &opts))
            .collect::<Result<Vec<_>, _>>()?;
        let (metric, edge_attrs) = self.customized_with_attrs(&opts.pricing, &opts)?;
        let h = self.hierarchy_ref()?;
        let wanted: Vec<(usize, usize)> = match &req.pairs {
            Some(p) => p.iter().map(|p| (p[0], p[1])).collect(),
            None => (0..sources.len())
                .flat_map(|i| (0..targets.len()).map(move |j| (i, j)))
                .collect(),
        };
        let seeds_of = |ends: &[End<N>], idx: &[usize]| -> Vec<Vec<Seed<N>>> {
            idx.iter().map(|&i| ends[i].seeds.clone()).collect()
        };
        let mut cells: Vec<MatrixCell> = Vec::with_capacity(wanted.len());
        let total = std::sync::atomic::AtomicU64::new(0);
        let done = std::sync::atomic::AtomicU64::new(0);
        let tick = |k: u64| {
            use std::sync::atomic::Ordering::Relaxed;
            let d = done.fetch_add(k, Relaxed) + k;
            progress(d, total.load(Relaxed));
        };
        if req.pairs.is_none() {
            total.store(
                (sources.len() + targets.len()) as u64,
                std::sync::atomic::Ordering::Relaxed,
            );
            let all_s: Vec<usize> = (0..sources.len()).collect();
            let all_t: Vec<usize> = (0..targets.len()).collect();
            let m = many_to_many_with_progress(
                &h.cch,
                &metric,
                &edge_attrs,
                &seeds_of(&sources, &all_s),
                &seeds_of(&targets, &all_t),
                &tick,
            );
            for &(i, j) in &wanted {
                let c = m[i * targets.len() + j];
                cells.push(to_cell(i, j, c.weight, c.attrs, &opts.pricing));
            }
        } else {
            // Sparse pairs: dense blocks of up to SOURCE_BLOCK sources times the targets they
            // ask for, so work stays near the number of pairs.
            const SOURCE_BLOCK: usize = 64;
            let mut order: Vec<usize> = (0..wanted.len()).collect();
            order.sort_by_key(|&k| wanted[k]);
            // Counted in pairs: a block's searches are not known before it is formed.
            total.store(wanted.len() as u64, std::sync::atomic::Ordering::Relaxed);
            let mut by_pair = vec![None; wanted.len()];
            let mut start = 0;
            while start < order.len() {
                let mut block_sources: Vec<usize> = Vec::new();
                let mut end = start;
                while end < order.len() {
                    let s = wanted[order[end]].0;
                    if block_sources.last() != Some(&s) {
                        if block_sources.len() == SOURCE_BLOCK {
                            break;
                        }
                        block_sources.push(s);
                    }
                    end += 1;
                }
                let mut block_targets: Vec<usize> =
                    order[start..end].iter().map(|&k| wanted[k].1).collect();
                block_targets.sort_unstable();
                block_targets.dedup();
                let m = many_to_many(
                    &h.cch,
                    &metric,
                    &edge_attrs,
                    &seeds_of(&sources, &block_sources),
                    &seeds_of(&targets, &block_targets),
                );
                for &k in &order[start..end] {
                    let (i, j) = wanted[k];
                    let si = block_sources.binary_search(&i).unwrap_or(0);
                    let tj = block_targets.binary_search(&j).unwrap_or(0);
                    let c = m[si * block_targets.len() + tj];
                    by_pair[k] = Some(to_cell(i, j, c.weight, c.attrs, &opts.pricing));
                }
                tick((end - start) as u64);
                start = end;
            }
            cells.extend(by_pair.into_iter().flatten());
        }
        let unreachable = cells.iter().filter(|c| !c.reachable).count();
        let mut warnings = opts.warnings.clone();
        for (which, ends) in [("source", &sources), ("target", &targets)] {
            for e in ends.iter() {
                if let Some(why) = &e.info.unusable {
                    warnings.push(format!("{which} {} is unusable: {why}", e.info.name));
                }
            }
        }
        Ok(MatrixResponse {
            optimize: req.options.optimize.as_str(),
            cargo_tonnes: req.options.cargo_tonnes,
            cargo_value_usd: req.options.cargo_value_usd,
            value_of_time_usd_per_hour: round(opts.pricing.value_of_time_usd_per_h, 4),
            carbon_price_usd_per_t: round(opts.pricing.carbon_price_usd_per_kg * 1000.0, 2),
            sources: sources.into_iter().map(|e| e.info).collect(),
            targets: targets.into_iter().map(|e| e.info).collect(),
            cells,
            unreachable,
            warnings,
        })
    }

    /// The best route from one origin to every place of the network (one upward search and
    /// one sweep), for accessibility work; places that cannot be reached are left out.
    pub fn reach_all(
        &self,
        from: &Location,
        options: &MatrixOptions,
    ) -> Result<(MatrixEndpoint, Vec<Reach>), RouteError> {
        let template = options.route(from.clone(), Location::Place(String::new()));
        let opts = self.options(&template)?;
        let origin = self.matrix_end::<ATTRS>("origin", 0, from, &opts)?;
        let (metric, edge_attrs) = self.customized_with_attrs::<ATTRS>(&opts.pricing, &opts)?;
        let h = self.hierarchy_ref()?;
        let by_node = one_to_all(&h.cch, &metric, &edge_attrs, &origin.seeds);
        let mut out = Vec::new();
        for (i, place) in self.net.places.iter().enumerate() {
            // Places are taken by index: no name search for each of them.
            let end = self.end_at::<ATTRS>(self.resolved_place(i, &place.id), &opts);
            let best = end
                .seeds
                .iter()
                .map(|s| {
                    let c = by_node[s.node as usize];
                    let mut a = c.attrs;
                    for (x, add) in a.iter_mut().zip(s.attrs) {
                        *x += add;
                    }
                    (c.weight + s.weight, a)
                })
                .min_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((w, a)) = best.filter(|(w, _)| w.is_finite()) {
                out.push(Reach {
                    place_id: place.id.clone(),
                    name: place.name.clone(),
                    country: place.country.to_string(),
                    hours: round(a[0], 2),
                    cost_usd: round(a[1], 2),
                    distance_km: round(a[2], 2),
                    co2e_kg: round(a[3], 2),
                    objective: round(w, 4),
                });
            }
        }
        Ok((origin.info, out))
    }

    pub(crate) fn hierarchy_ref(&self) -> Result<&hierarchy::Hierarchy, RouteError> {
        self.ensure_hierarchy();
        self.hierarchy
            .get()
            .ok_or_else(|| RouteError::Hierarchy("the hierarchy could not be built".into()))
    }

    /// The request's metric (customized as needed) and the attributes of its edges.
    fn customized_with_attrs<const N: usize>(
        &self,
        pricing: &Pricing,
        opts: &Options,
    ) -> Result<(std::sync::Arc<caravan_cch::Metric>, EdgeAttrs<N>), RouteError> {
        let h = self.hierarchy_ref()?;
        let key = hierarchy::metric_key(pricing, &opts.constraints);
        let weights = || hierarchy::arc_weights(&self.net, &self.graph, pricing, &opts.constraints);
        let (metric, _) = h
            .metric(key, weights, true)
            .ok_or_else(|| RouteError::Hierarchy("no metric".into()))?;
        let arc_attrs: Vec<[f64; N]> = self
            .graph
            .arcs
            .iter()
            .map(|a| {
                let mut x = attrs::<N>(&pricing.arc_parts(a));
                if N > ATTRS {
                    x[ATTRS] = corridor_code(&self.net, a);
                }
                x
            })
            .collect();
        let ea = EdgeAttrs::new(&h.cch, &metric, &arc_attrs);
        Ok((metric, ea))
    }
}

fn to_cell<const N: usize>(
    source: usize,
    target: usize,
    weight: f64,
    a: [f64; N],
    pricing: &Pricing,
) -> MatrixCell {
    let reachable = weight.is_finite();
    let v = |x: f64, d: i32| reachable.then(|| round(x, d));
    MatrixCell {
        source,
        target,
        reachable,
        hours: v(a[0], 2),
        cost_usd: v(a[1], 2),
        distance_km: v(a[2], 2),
        co2e_kg: v(a[3], 2),
        generalized_usd: v(
            a[1] + pricing.value_of_time_usd_per_h * a[0] + pricing.carbon_price_usd_per_kg * a[3],
            2,
        ),
        objective: v(weight, 4),
        corridor_key: (N > ATTRS && reachable).then(|| a[ATTRS] as u64),
    }
}
