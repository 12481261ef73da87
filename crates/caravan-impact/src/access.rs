//! Accessibility of places, base vs scenario: the time and cost to the nearest seaport and to
//! the nearest open border crossing, and market access, a gravity sum over the other places
//! weighted by their population: MA_i = sum_j P_j * g_ij^e, with g_ij the generalized cost of
//! the best route and e the distance elasticity of trade (Hansen 1959's potential with the
//! gravity literature's deterrence; the elasticity is the PPML fit the impact model uses).

use caravan_net::{BcpStatus, PlaceKind, TerminalKind};
use caravan_route::{
    Location, MatrixOptions, MatrixRequest, MatrixResponse, RouteError, Router, Scenario,
};
use serde::Serialize;

/// One place's accessibility, base and scenario.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaceAccess {
    pub place_id: Option<String>,
    pub name: String,
    pub country: String,
    pub lat: f64,
    pub lon: f64,
    pub population: Option<u64>,
    pub base: Access,
    pub scenario: Access,
    /// Scenario minus base.
    pub delta_port_hours: Option<f64>,
    pub delta_border_hours: Option<f64>,
    /// Percentage change of market access.
    pub delta_market_access_pct: Option<f64>,
}

#[derive(Clone, Debug, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Access {
    pub port: Option<String>,
    pub port_hours: Option<f64>,
    pub port_cost_usd: Option<f64>,
    pub border: Option<String>,
    pub border_hours: Option<f64>,
    pub border_cost_usd: Option<f64>,
    /// Population-weighted gravity sum (people x USD^elasticity).
    pub market_access: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessReport {
    pub scenario: Scenario,
    pub elasticity: f64,
    pub elasticity_source: String,
    pub markets: usize,
    pub seaports: usize,
    pub crossings: usize,
    pub places: Vec<PlaceAccess>,
    pub warnings: Vec<String>,
    pub seconds: f64,
}

struct Side {
    ports: MatrixResponse,
    borders: MatrixResponse,
    markets: MatrixResponse,
}

/// Accessibility of `places` with markets `markets` (place ids with a population), by road
/// and rail (`options.modes` empty means those two), base and with `scenario` on top.
pub fn accessibility(
    router: &Router,
    places: Vec<Location>,
    markets: Vec<String>,
    options: &MatrixOptions,
    scenario: &Scenario,
    elasticity: (f64, String),
) -> Result<AccessReport, RouteError> {
    let t = std::time::Instant::now();
    let net = router.network();
    let mut options = options.clone();
    if options.modes.is_empty() {
        // To a port or a border, by land: sea legs would make every port city a hub.
        options.modes = vec![caravan_net::Layer::Road, caravan_net::Layer::Rail];
    }
    // Existing ports and crossings only: a planned one is reached through its project's
    // links, never a destination of its own.
    let ports: Vec<(String, String)> = net
        .existing_terminals()
        .iter()
        .filter(|t| t.kind == TerminalKind::Seaport)
        // The region's ports and Turkey's: the gateways its trade uses (a port across an
        // ocean is no one's nearest by land).
        .filter(|t| {
            let cc = t.country.to_string();
            crate::compare::REGION.contains(&cc.as_str()) || cc == "TR"
        })
        .map(|t| (format!("{},{}", t.lat, t.lon), t.name.clone()))
        .collect();
    // Listed, open crossings as places (their ids are `BCP-<id>`).
    let mut crossings: Vec<(String, String)> = Vec::new();
    for b in net
        .existing_bcps()
        .iter()
        .filter(|b| b.listed && b.status == BcpStatus::Open)
    {
        let id = format!("BCP-{}", b.id);
        if net.places.iter().any(|p| p.id == id) && !crossings.iter().any(|(q, _)| *q == id) {
            crossings.push((id, b.name.clone()));
        }
    }
    let pop: Vec<f64> = markets
        .iter()
        .map(|id| {
            net.places
                .iter()
                .find(|p| &p.id == id)
                .and_then(|p| p.population)
                .unwrap_or(0) as f64
        })
        .collect();
    let run = |scen: &Scenario| -> Result<Side, RouteError> {
        let mut o = options.clone();
        o.scenario = scen.clone();
        let m = |targets: Vec<Location>| {
            router.matrix(&MatrixRequest {
                sources: places.clone(),
                targets,
                pairs: None,
                corridor_keys: false,
                options: o.clone(),
            })
        };
        Ok(Side {
            ports: m(ports.iter().map(|(q, _)| Location::parse(q)).collect())?,
            borders: m(crossings
                .iter()
                .map(|(q, _)| Location::Place(q.clone()))
                .collect())?,
            markets: m(markets.iter().map(|q| Location::Place(q.clone())).collect())?,
        })
    };
    let with = options.scenario.clone().then(scenario.clone());
    let base = run(&options.scenario)?;
    let scen = run(&with)?;
    let e = elasticity.0;
    let summarise = |side: &Side, i: usize| -> Access {
        let nearest = |m: &MatrixResponse, names: &[(String, String)]| {
            let n = m.targets.len();
            (0..n)
                .filter_map(|j| {
                    let c = &m.cells[i * n + j];
                    Some((c.objective?, c.hours?, c.cost_usd?, j))
                })
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, h, usd, j)| (names[j].1.clone(), h, usd))
        };
        let port = nearest(&side.ports, &ports);
        let border = nearest(&side.borders, &crossings);
        let n = side.markets.targets.len();
        let src = &side.markets.sources[i];
        let mut ma = 0.0;
        let mut any = false;
        let row = &side.markets.cells[i * n..(i + 1) * n];
        for ((t, cell), p) in side.markets.targets.iter().zip(row).zip(&pop) {
            if t.place_id.is_some() && t.place_id == src.place_id {
                continue;
            }
            if let Some(g) = cell.generalized_usd.filter(|g| *g > 0.0) {
                ma += p * g.powf(e);
                any = true;
            }
        }
        Access {
            port: port.as_ref().map(|p| p.0.clone()),
            port_hours: port.as_ref().map(|p| p.1),
            port_cost_usd: port.as_ref().map(|p| p.2),
            border: border.as_ref().map(|b| b.0.clone()),
            border_hours: border.as_ref().map(|b| b.1),
            border_cost_usd: border.as_ref().map(|b| b.2),
            market_access: any.then_some((ma * 1e4).round() / 1e4),
        }
    };
    let d = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => Some(((b - a) * 100.0).round() / 100.0),
        _ => None,
    };
    let out: Vec<PlaceAccess> = base
        .ports
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (b, sc) = (summarise(&base, i), summarise(&scen, i));
            let population = s
                .place_id
                .as_ref()
                .and_then(|id| net.places.iter().find(|p| &p.id == id))
                .filter(|p| p.kind != PlaceKind::BorderCrossing)
                .and_then(|p| p.population);
            PlaceAccess {
                place_id: s.place_id.clone(),
                name: s.name.clone(),
                country: s.country.clone(),
                lat: s.lat,
                lon: s.lon,
                population,
                delta_port_hours: d(b.port_hours, sc.port_hours),
                delta_border_hours: d(b.border_hours, sc.border_hours),
                delta_market_access_pct: match (b.market_access, sc.market_access) {
                    (Some(x), Some(y)) if x > 0.0 => Some(((y / x - 1.0) * 1e5).round() / 1e3),
                    _ => None,
                },
                base: b,
                scenario: sc,
            }
        })
        .collect();
    let mut warnings = base.ports.warnings.clone();
    warnings.dedup();
    Ok(AccessReport {
        scenario: scenario.clone(),
        elasticity: e,
        elasticity_source: elasticity.1,
        markets: markets.len(),
        seaports: ports.len(),
        crossings: crossings.len(),
        places: out,
        warnings,
        seconds: (t.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
    })
}
