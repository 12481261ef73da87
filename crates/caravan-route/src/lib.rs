//! Caravan's freight router. Compiles a `caravan_net::Network` into a state graph once, then
//! answers route requests with per-request criteria, avoidances and scenario overlays, without
//! rebuilding anything. No I/O: callers load the network and print the results.
//!
//! Where things are:
//! - `request` / `result`: the public request and answer types (the JSON contract);
//! - `prepare`: a request's options (constraints, pricing with the scenario) and endpoints;
//! - `costing`: how an arc is priced (hours, USD, CO2e, the criterion's weight);
//! - `graph`: the routing graph compiled from the network (arcs carry components, no weights);
//! - `engine`: which search answers (hierarchy or A*); `astar`: the A* itself;
//! - `hierarchy`: the contraction hierarchy and its cache of customized metrics
//!   (the algorithms are in the `caravan-cch` crate); `compiled`: its file;
//! - `itinerary`: a found path turned into legs, crossings, transfers and a profile;
//! - `alternatives`: routes that differ in crossings, ports, terminals or modes;
//! - `diagnose`: why there is no route; `matrix`: many-to-many and one-to-all;
//! - `validate`: published facts routed and judged.

mod alternatives;
mod astar;
mod compiled;
mod costing;
mod diagnose;
mod engine;
mod error;
mod graph;
mod hierarchy;
mod itinerary;
mod library;
mod matrix;
mod prepare;
mod request;
mod result;
pub mod validate;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use caravan_net::geo::to_unit_xyz;
use caravan_net::{LinkClass, Network, PlaceIndex, PlaceKind};
use rstar::primitives::GeomWithData;
use rstar::RTree;

pub use compiled::{read_header, CompiledHeader, COMPILED_FORMAT};
pub use costing::Parts;
pub use error::{RouteError, Suggestion};
pub use hierarchy::MetricSource;
pub use library::{Library, LibraryEntry};
pub use matrix::{MatrixCell, MatrixEndpoint, MatrixOptions, MatrixRequest, MatrixResponse, Reach};
pub(crate) use prepare::{endpoints, Access, Options, Prepared};
pub use request::*;
pub use result::*;

use astar::Workspace;
use graph::Graph;

/// How far an origin or destination may be from the network node it is snapped to.
pub const MAX_SNAP_KM: f64 = 60.0;
/// How far an origin may be from a seaport to start at sea.
const MAX_PORT_ACCESS_KM: f64 = 40.0;
/// Searches one alternatives request may run.
const MAX_ALTERNATIVE_SEARCHES: usize = 48;

/// Stops a running search from another thread: a caller whose time limit passed cancels the
/// token, and the search ends within a few thousand settled nodes (well under a millisecond).
#[derive(Clone, Debug, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

pub(crate) type PlacePoint = GeomWithData<[f64; 3], u32>;

/// The router: the network, its compiled graph and the place search index.
pub struct Router {
    net: Network,
    graph: Graph,
    places: PlaceIndex,
    /// Cities and ports used to name points along a route.
    landmarks: RTree<PlacePoint>,
    pool: Mutex<Vec<Workspace>>,
    /// The contraction hierarchy, once built or loaded; searches use it when it is there.
    hierarchy: OnceLock<hierarchy::Hierarchy>,
    /// The hierarchy's image in the compiled file this router was loaded from, if any.
    compiled_image: Option<compiled::CompiledImage>,
    engine: Engine,
    /// The network's projects and the curated policy scenarios, by id.
    library: Library,
}

/// Which search answers a route when the hierarchy has no metric for it yet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Engine {
    /// A* for metrics not yet customized (one-off routes: customizing costs more than it saves).
    #[default]
    AStar,
    /// Customize the hierarchy for every new metric (a server or a matrix reuses it).
    Hierarchy,
}

impl Router {
    pub fn new(net: Network) -> Router {
        let graph = Graph::build(&net);
        let places = PlaceIndex::new(&net.places);
        let landmarks = RTree::bulk_load(
            net.places
                .iter()
                .enumerate()
                .filter(|(_, p)| {
                    matches!(p.kind, PlaceKind::City | PlaceKind::Seaport)
                        && p.population.unwrap_or(0) >= 50_000
                        || p.kind == PlaceKind::Seaport
                })
                .map(|(i, p)| PlacePoint::new(to_unit_xyz(p.lat, p.lon), i as u32))
                .collect(),
        );
        tracing::debug!(
            nodes = graph.node_count(),
            arcs = graph.arcs.len(),
            "routing graph compiled"
        );
        Router::from_parts(net, graph, places, landmarks)
    }

    fn from_parts(
        net: Network,
        graph: Graph,
        places: PlaceIndex,
        landmarks: RTree<PlacePoint>,
    ) -> Router {
        Router {
            library: Library::of_projects(&net),
            graph,
            places,
            landmarks,
            pool: Mutex::new(Vec::new()),
            hierarchy: OnceLock::new(),
            compiled_image: None,
            engine: Engine::AStar,
            net,
        }
    }

    /// Adds the curated policy scenarios (`curated/scenarios.toml`) to the library.
    pub fn with_policies(
        mut self,
        file: &str,
        text: &str,
    ) -> Result<Router, caravan_net::DataError> {
        self.library.add_policies(file, text)?;
        Ok(self)
    }

    /// The scenario library: projects and policy scenarios.
    pub fn library(&self) -> &Library {
        &self.library
    }

    /// Sets what answers a route whose metric the hierarchy has not customized yet.
    pub fn with_engine(mut self, engine: Engine) -> Router {
        self.engine = engine;
        self
    }

    pub fn network(&self) -> &Network {
        &self.net
    }

    pub fn places(&self) -> &PlaceIndex {
        &self.places
    }

    /// Number of nodes and arcs of the compiled state graph.
    pub fn graph_size(&self) -> (usize, usize) {
        (self.graph.node_count(), self.graph.arcs.len())
    }

    /// Answers a route request: the best route and up to `alternatives` genuinely different
    /// ones, or an error that says why there is none.
    pub fn route(&self, req: &RouteRequest) -> Result<RouteResponse, RouteError> {
        self.route_cancellable(req, &CancelToken::new())
    }

    /// `route`, ending early with `RouteError::Cancelled` once `cancel` is cancelled.
    pub fn route_cancellable(
        &self,
        req: &RouteRequest,
        cancel: &CancelToken,
    ) -> Result<RouteResponse, RouteError> {
        let mut prepared = self.prepare(req)?;
        prepared.cancel = Some(cancel.clone());
        let cancelled = || cancel.is_cancelled().then_some(RouteError::Cancelled);
        let best = match self.search(&prepared, &prepared.constraints) {
            Some(best) => best,
            None => return Err(cancelled().unwrap_or_else(|| self.diagnose(req, &prepared))),
        };
        let mut found = vec![(best, prepared.constraints.clone())];
        let mut warnings = prepared.warnings.clone();
        if req.alternatives > 0 {
            alternatives::alternatives(self, &prepared, &mut found, req.alternatives + 1);
            if let Some(e) = cancelled() {
                return Err(e);
            }
            if found.len() < req.alternatives + 1 {
                warnings.push(format!(
                    "asked for {} alternatives, found {} that differ in their crossings, ports, terminals or modes",
                    req.alternatives,
                    found.len() - 1
                ));
            }
        }
        let routes: Vec<Route> = found
            .iter()
            .enumerate()
            .map(|(rank, (f, _))| itinerary::route(self, &prepared, f, rank, &found[0].0))
            .collect();
        for r in &routes {
            if r.legs
                .iter()
                .any(|l| l.mode == LinkClass::InlandWater.as_str())
            {
                let w = format!(
                    "route {} uses inland waterways (the Volga and the Volga-Don canal): only river-sea vessels of about 5,000 t and 3.6 m draught, and only in the navigation season (about 1 April to early December; mode_params.csv)",
                    r.rank
                );
                warnings.push(w);
            }
            for b in &r.border_crossings {
                if b.status == "restricted" {
                    let w = format!(
                        "route {} crosses at {}, whose status is restricted",
                        r.rank, b.name
                    );
                    if !warnings.contains(&w) {
                        warnings.push(w);
                    }
                }
            }
        }
        let origin_snap = &prepared.origin_access[found[0].0.source.tag];
        let dest_snap = &prepared.dest_access[found[0].0.sink.tag];
        let mut origin = prepared.origin.endpoint.clone();
        origin.snapped_mode = origin_snap.layer.to_string();
        origin.snap_km = round(origin_snap.snap_km, 2);
        let mut destination = prepared.destination.endpoint.clone();
        destination.snapped_mode = dest_snap.layer.to_string();
        destination.snap_km = round(dest_snap.snap_km, 2);
        Ok(RouteResponse {
            origin,
            destination,
            optimize: req.optimize.as_str(),
            cargo_tonnes: req.cargo_tonnes,
            cargo_value_usd: req.cargo_value_usd,
            value_of_time_usd_per_hour: round(prepared.pricing.value_of_time_usd_per_h, 4),
            carbon_price_usd_per_t: round(prepared.pricing.carbon_price_usd_per_kg * 1000.0, 2),
            routes,
            warnings,
        })
    }
}

pub(crate) fn modes_label(allowed: &[bool; LinkClass::COUNT]) -> String {
    let mut v: Vec<&str> = LinkClass::ALL
        .iter()
        .filter(|c| allowed[c.index()])
        .map(|c| c.layer().as_str())
        .collect();
    v.dedup();
    v.join(", ")
}

pub(crate) fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}
