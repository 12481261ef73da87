//! Transport time and cost between places, base or scenario: the one boundary between the
//! impact model and the router. A many-to-many matrix on the contraction hierarchy says which
//! pairs have a route at all (most unreachable pairs cost A* a search of the whole graph);
//! only the reachable ones are then routed singly, on the same cached metric, for the
//! crossings they use.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use caravan_route::{CancelToken, Location, RouteError, RouteRequest, Router, Scenario};
use serde::Serialize;

use crate::ImpactError;

/// The best route of one origin-destination pair under the request's criterion.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PairCost {
    pub hours: f64,
    /// Out-of-pocket USD: line haul, border fees, transfers.
    pub cost_usd: f64,
    pub distance_km: f64,
    /// The route's objective: for the `generalized` criterion with a zero carbon price,
    /// USD + value of time x hours.
    pub generalized_usd: f64,
    /// Border crossings used, in order (`id:mode`).
    pub bcps: Vec<String>,
}

/// Routes every origin to every destination (row-major: `origins.len() x destinations.len()`)
/// with `template`'s cargo, modes and criterion under `scenario`. `None`: the network has no
/// route for that pair (in this scenario); an `Err` is a bad request (unknown place, bad
/// scenario), which would fail every pair alike.
pub fn pair_costs(
    router: &Router,
    origins: &[Location],
    destinations: &[Location],
    template: &RouteRequest,
    scenario: &Scenario,
) -> Result<Vec<Option<PairCost>>, ImpactError> {
    pair_costs_cancellable(
        router,
        origins,
        destinations,
        template,
        scenario,
        &CancelToken::new(),
    )
}

/// `pair_costs`, ending early with `RouteError::Cancelled` once `cancel` is cancelled.
pub fn pair_costs_cancellable(
    router: &Router,
    origins: &[Location],
    destinations: &[Location],
    template: &RouteRequest,
    scenario: &Scenario,
    cancel: &CancelToken,
) -> Result<Vec<Option<PairCost>>, ImpactError> {
    let n = origins.len() * destinations.len();
    let matrix = router
        .matrix(&caravan_route::MatrixRequest {
            sources: origins.to_vec(),
            targets: destinations.to_vec(),
            pairs: None,
            corridor_keys: false,
            options: caravan_route::MatrixOptions::from_route(&RouteRequest {
                scenario: scenario.clone(),
                ..template.clone()
            }),
        })
        .map_err(ImpactError::Route)?;
    let reachable: Vec<bool> = matrix.cells.iter().map(|c| c.reachable).collect();
    let next = AtomicUsize::new(0);
    let out: Mutex<Vec<Option<PairCost>>> = Mutex::new(vec![None; n]);
    let failure: Mutex<Option<RouteError>> = Mutex::new(None);
    let threads = std::thread::available_parallelism()
        .map_or(1, |t| t.get())
        .min(n.max(1));
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k >= n {
                    break;
                }
                if failure.lock().map_or(true, |f| f.is_some()) {
                    break;
                }
                if !reachable[k] {
                    continue;
                }
                let (o, d) = (k / destinations.len(), k % destinations.len());
                let req = RouteRequest {
                    from: origins[o].clone(),
                    to: destinations[d].clone(),
                    alternatives: 0,
                    scenario: scenario.clone(),
                    ..template.clone()
                };
                match router.route_cancellable(&req, cancel) {
                    Ok(resp) => {
                        let Some(best) = resp.routes.first() else {
                            continue;
                        };
                        let cost = PairCost {
                            hours: best.summary.hours,
                            cost_usd: best.summary.cost_usd,
                            distance_km: best.summary.distance_km,
                            generalized_usd: best.summary.objective,
                            bcps: best
                                .border_crossings
                                .iter()
                                .map(|b| format!("{}:{}", b.id, b.mode))
                                .collect(),
                        };
                        if let Ok(mut v) = out.lock() {
                            v[k] = Some(cost);
                        }
                    }
                    Err(RouteError::NoRoute { .. }) => {}
                    Err(e) => {
                        if let Ok(mut f) = failure.lock() {
                            f.get_or_insert(e);
                        }
                    }
                }
            });
        }
    });
    if let Some(e) = failure.into_inner().ok().flatten() {
        return Err(ImpactError::Route(e));
    }
    out.into_inner()
        .map_err(|_| ImpactError::Invalid("a routing thread panicked".into()))
}
