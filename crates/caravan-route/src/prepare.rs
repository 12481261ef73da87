//! From a request to what a search needs: validated options (constraints and pricing, with
//! the scenario applied), resolved endpoints, and the ways to leave and reach them.

use caravan_net::geo::{haversine_km, to_unit_xyz};
use caravan_net::{Country, Layer, LinkClass, Network, PlaceKind, TerminalKind};

use crate::astar::Endpoint;
use crate::costing::{Constraints, Parts, Pricing};
use crate::{
    modes_label, CancelToken, Criterion, Location, ResolvedEndpoint, RouteError, RouteRequest,
    Router, Scenario, Suggestion, MAX_ALTERNATIVES, MAX_PORT_ACCESS_KM, MAX_SNAP_KM,
};

/// The largest radius a scenario may remove links within.
pub const MAX_REMOVE_RADIUS_KM: f64 = 50.0;

/// A node near a point, with its distance in km.
type Near = (u32, f64);

/// How far from a border crossing named as an endpoint the other country's network may be
/// joined: the crossing's own nodes, not a drive across the border to another road.
const POST_KM: f64 = 5.0;

/// Access through terminal `ti`: the drive to it and its own handling.
fn terminal_access(
    pricing: &Pricing,
    layer: Layer,
    node: u32,
    drive_km: f64,
    snap_km: f64,
    ti: usize,
) -> Access {
    let mut parts = pricing.drayage(drive_km);
    let (h, usd) = pricing.terminal_parts(ti);
    parts.transfer_hours = h;
    parts.transfer_usd = usd;
    Access {
        layer,
        node,
        snap_km,
        parts,
        terminal: Some(ti),
        handled: true,
    }
}

/// How a route leaves its origin or reaches its destination.
#[derive(Clone, Debug)]
pub(crate) struct Access {
    pub layer: Layer,
    pub node: u32,
    pub snap_km: f64,
    pub parts: Parts,
    /// The terminal whose handling is charged (rail or sea access), if any.
    pub terminal: Option<usize>,
    pub handled: bool,
}

#[derive(Clone)]
pub(crate) struct Resolved {
    pub endpoint: ResolvedEndpoint,
    pub country: Country,
    /// For a border crossing named as an endpoint: the country on the other side. The
    /// crossing lies on the border, so its access may join either side's network.
    pub other_side: Country,
}

/// A request's validated options: what it may use and how it prices it.
pub(crate) struct Options {
    pub constraints: Constraints,
    pub pricing: Pricing,
    pub warnings: Vec<String>,
}

/// Resolved request state shared by the best-route search, alternatives and diagnosis.
#[derive(Clone)]
pub(crate) struct Prepared {
    pub origin: Resolved,
    pub destination: Resolved,
    pub origin_access: Vec<Access>,
    pub dest_access: Vec<Access>,
    pub pricing: Pricing,
    pub constraints: Constraints,
    pub warnings: Vec<String>,
    /// Set by `route_cancellable`; every search of the request checks it.
    pub cancel: Option<CancelToken>,
}

impl Prepared {
    /// The same request with origin and destination access recomputed for other modes.
    pub(crate) fn with_access_for(&self, router: &Router, c: &Constraints) -> Prepared {
        let mut p = self.clone();
        p.constraints = c.clone();
        p.origin_access = router.access(&self.origin, &self.pricing, c);
        p.dest_access = router.access(&self.destination, &self.pricing, c);
        p
    }
}

pub(crate) fn endpoints(
    access: &[Access],
    pricing: &Pricing,
    c: &Constraints,
    net: &Network,
) -> Vec<Endpoint> {
    access
        .iter()
        .enumerate()
        .filter(|(_, a)| a.terminal.is_none_or(|t| !c.terminal_blocked[t]))
        .filter(|(_, a)| {
            c.avoid_countries.is_empty()
                || !c
                    .avoid_countries
                    .contains(&net.nodes[a.node as usize].country)
        })
        .map(|(i, a)| Endpoint {
            node: a.node,
            weight: pricing.weight(&a.parts),
            tag: i,
        })
        .collect()
}

impl Router {
    /// Checks that a scenario names only known crossings and sensible values, so a saved
    /// scenario fails when it is saved rather than on every later route request.
    pub fn validate_scenario(&self, scenario: &Scenario) -> Result<(), RouteError> {
        self.scenario_projects(scenario)?;
        self.removed_links(scenario)?;
        self.check_scenario_values(scenario)
    }

    /// The checks of `validate_scenario` that `options` does not do on its way.
    fn check_scenario_values(&self, scenario: &Scenario) -> Result<(), RouteError> {
        for m in &scenario.mode_changes {
            if LinkClass::parse(&m.mode).is_none() {
                return Err(RouteError::InvalidRequest(format!(
                    "scenario mode change: unknown mode `{}`: use road, rail, sea, caspian_ferry or inland_water",
                    m.mode
                )));
            }
            for (what, v) in [
                ("cost_factor", m.cost_factor),
                ("speed_factor", m.speed_factor),
                ("co2_factor", m.co2_factor),
            ] {
                if let Some(v) = v {
                    if !(v.is_finite() && v > 0.0 && v <= 100.0) {
                        return Err(RouteError::InvalidRequest(format!(
                            "scenario mode change for {}: {what} must be in (0, 100], got {v}",
                            m.mode
                        )));
                    }
                }
            }
        }
        for pair in &scenario.close_country_pairs {
            country_pair(pair)?;
        }
        for key in scenario.close_bcps.iter().chain(&scenario.open_bcps) {
            self.bcp_indices(key)?;
        }
        for change in &scenario.bcp_changes {
            self.bcp_indices(&change.bcp)?;
            for v in [change.wait_hours, change.wait_factor, change.fee_usd]
                .into_iter()
                .flatten()
            {
                if !(v.is_finite() && v >= 0.0) {
                    return Err(RouteError::InvalidRequest(format!(
                        "scenario change for {}: values must be non-negative",
                        change.bcp
                    )));
                }
            }
        }
        Ok(())
    }

    /// Validates a request and resolves everything a search needs.
    pub(crate) fn prepare(&self, req: &RouteRequest) -> Result<Prepared, RouteError> {
        let Options {
            constraints,
            pricing,
            mut warnings,
        } = self.options(req)?;
        let origin = self.resolve(&req.from)?;
        let destination = self.resolve(&req.to)?;
        let bad = |m: String| Err(RouteError::InvalidRequest(m));
        for c in &req.avoid_countries {
            if let Some(cc) = Country::parse(c) {
                for (end, which) in [(&origin, "origin"), (&destination, "destination")] {
                    if end.country == cc {
                        return bad(format!(
                            "the {which} {} is in {cc}, which the request avoids",
                            end.endpoint.name
                        ));
                    }
                }
            }
        }
        let class_allowed = constraints.class_allowed;
        let origin_access = self.access(&origin, &pricing, &constraints);
        let dest_access = self.access(&destination, &pricing, &constraints);
        for (acc, end) in [(&origin_access, &origin), (&dest_access, &destination)] {
            if acc.is_empty() {
                return Err(RouteError::OffNetwork {
                    query: end.endpoint.query.clone(),
                    max_km: MAX_SNAP_KM,
                    modes: modes_label(&class_allowed),
                });
            }
        }
        for (acc, end) in [(&origin_access, &origin), (&dest_access, &destination)] {
            if let Some(w) = self.foreign_access_warning(acc, end) {
                warnings.push(w);
            }
            if !end.other_side.is_none() {
                warnings.push(format!(
                    "{} is a border crossing ({} / {}): the route may {} it on either side, and its clearance is charged only where the route passes through it",
                    end.endpoint.name,
                    end.country,
                    end.other_side,
                    if std::ptr::eq(end, &origin) { "leave" } else { "reach" }
                ));
            }
        }
        Ok(Prepared {
            origin,
            destination,
            origin_access,
            dest_access,
            pricing,
            constraints,
            warnings,
            cancel: None,
        })
    }

    /// The warning for an access leg that had to join another country's network.
    fn foreign_access_warning(&self, acc: &[Access], end: &Resolved) -> Option<String> {
        let a = acc.iter().filter(|a| a.terminal.is_none()).find(|a| {
            let c = self.net.nodes[a.node as usize].country;
            !end.country.is_none() && c != end.country && c != end.other_side
        })?;
        Some(format!(
            "{} is joined to the {} network in {} ({:.0} km away): {} has no {} node within {MAX_SNAP_KM} km",
            end.endpoint.name,
            a.layer.as_str(),
            self.net.nodes[a.node as usize].country,
            a.snap_km,
            end.country,
            a.layer.as_str()
        ))
    }

    /// Validates everything in a request but its endpoints, and prices it.
    pub(crate) fn options(&self, req: &RouteRequest) -> Result<Options, RouteError> {
        let bad = |m: String| Err(RouteError::InvalidRequest(m));
        // The projects and removed links are checked where they are resolved, below.
        self.check_scenario_values(&req.scenario)?;
        if !(req.cargo_tonnes.is_finite()
            && req.cargo_tonnes > 0.0
            && req.cargo_tonnes <= 100_000.0)
        {
            return bad(format!(
                "cargo tonnes must be in (0, 100000], got {}",
                req.cargo_tonnes
            ));
        }
        if !(req.cargo_value_usd.is_finite() && req.cargo_value_usd >= 0.0) {
            return bad(format!(
                "cargo value must be a non-negative amount, got {}",
                req.cargo_value_usd
            ));
        }
        if req.alternatives > MAX_ALTERNATIVES {
            return bad(format!(
                "at most {MAX_ALTERNATIVES} alternatives, got {}",
                req.alternatives
            ));
        }
        let vot = req
            .vot_day_share
            .unwrap_or(self.net.params.vot_day_share.value);
        let carbon = req
            .carbon_price_usd_per_t
            .unwrap_or(self.net.params.carbon_price_usd_per_t.value);
        if !(vot.is_finite() && (0.0..=1.0).contains(&vot)) {
            return bad(format!(
                "value-of-time share per day must be in [0, 1], got {vot}"
            ));
        }
        if !(carbon.is_finite() && carbon >= 0.0) {
            return bad(format!("carbon price must be non-negative, got {carbon}"));
        }

        let mut warnings = Vec::new();

        let mut class_allowed = [true; LinkClass::COUNT];
        if !req.modes.is_empty() {
            for c in LinkClass::ALL {
                class_allowed[c.index()] = req.modes.contains(&c.layer());
            }
        }
        class_allowed[LinkClass::InlandWater.index()] = req.inland_water;

        let mut avoid_countries = Vec::new();
        for c in &req.avoid_countries {
            let cc = Country::parse(c).ok_or_else(|| {
                RouteError::InvalidRequest(format!(
                    "`{c}` is not an ISO 3166 alpha-2 country code (e.g. AF, PK)"
                ))
            })?;
            avoid_countries.push(cc);
        }

        let n_bcp = self.net.bcps.len();
        let mut bcp_blocked: Vec<bool> = self
            .net
            .bcps
            .iter()
            .map(|b| b.status == caravan_net::BcpStatus::Closed)
            .collect();
        for key in &req.scenario.open_bcps {
            for i in self.bcp_indices(key)? {
                bcp_blocked[i as usize] = false;
            }
        }
        for key in req.scenario.close_bcps.iter().chain(&req.avoid_bcps) {
            for i in self.bcp_indices(key)? {
                bcp_blocked[i as usize] = true;
            }
        }
        for pair in &req.scenario.close_country_pairs {
            let (a, b) = country_pair(pair)?;
            for (i, bcp) in self.net.bcps.iter().enumerate() {
                if bcp.pair() == (a.min(b), a.max(b)) {
                    bcp_blocked[i] = true;
                }
            }
        }
        let mut constraints = Constraints {
            class_allowed,
            bcp_blocked,
            terminal_blocked: vec![false; self.net.terminals.len()],
            avoid_countries,
            project_on: Vec::new(),
            first_planned_node: 0,
            first_gated_link: 0,
            link_open: Vec::new(),
        };
        let removed = self.removed_links(&req.scenario)?;
        constraints.set_projects(&self.net, self.scenario_projects(&req.scenario)?, &removed);
        constraints.close_orphaned_unlisted(&self.net);
        debug_assert_eq!(constraints.bcp_blocked.len(), n_bcp);

        let mut pricing = Pricing::new(
            &self.net,
            req.optimize,
            req.cargo_tonnes,
            req.cargo_value_usd,
            vot,
            carbon,
        );
        for change in &req.scenario.bcp_changes {
            let idx = self.bcp_indices(&change.bcp)?;
            for i in idx {
                let i = i as usize;
                if let Some(h) = change.wait_hours {
                    pricing.bcp_wait[i] = [h, h];
                }
                if let Some(f) = change.wait_factor {
                    pricing.bcp_wait[i] = pricing.bcp_wait[i].map(|h| h * f);
                }
                if let Some(fee) = change.fee_usd {
                    let vehicles = (req.cargo_tonnes
                        / self
                            .net
                            .params
                            .class(if self.net.bcps[i].mode == Layer::Rail {
                                LinkClass::Rail
                            } else {
                                LinkClass::Road
                            })
                            .payload_t
                            .value)
                        .ceil()
                        .max(1.0);
                    pricing.bcp_fee[i] = [fee * vehicles; 2];
                }
            }
        }

        for m in &req.scenario.mode_changes {
            if let Some(class) = LinkClass::parse(&m.mode) {
                pricing.scale_class(
                    &self.net,
                    class,
                    m.speed_factor.unwrap_or(1.0),
                    m.cost_factor.unwrap_or(1.0),
                    m.co2_factor.unwrap_or(1.0),
                );
            }
        }
        pricing.refresh_weights();
        if req.cargo_value_usd == 0.0 && req.optimize == Criterion::Generalized {
            warnings
                .push("cargo value is 0, so time has no cost in the generalized criterion".into());
        }
        Ok(Options {
            constraints,
            pricing,
            warnings,
        })
    }

    /// Which of the network's projects a scenario switches on: those it names, and those it
    /// brings (which the network must hold, as they are).
    pub(crate) fn scenario_projects(&self, scenario: &Scenario) -> Result<Vec<bool>, RouteError> {
        let mut on = vec![false; self.net.projects.len()];
        let known = || {
            self.net
                .projects
                .iter()
                .map(|s| s.project.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        for id in &scenario.projects {
            match self.net.project_index(id) {
                Some(i) => on[i] = true,
                None => {
                    return Err(RouteError::InvalidRequest(format!(
                        "scenario: unknown project `{id}`; the network holds: {}",
                        known()
                    )))
                }
            }
        }
        for p in &scenario.infrastructure {
            match self.net.project_index(&p.id) {
                Some(i) if self.net.projects[i].project == *p => on[i] = true,
                Some(_) => {
                    return Err(RouteError::InvalidRequest(format!(
                        "scenario brings project `{}`, but the network holds a different project of that id: rename it",
                        p.id
                    )))
                }
                None => {
                    return Err(RouteError::InvalidRequest(format!(
                        "scenario brings project `{}`, which this network does not hold: the CLI adds a scenario file's projects to the network it routes on; the server knows only the library's ({})",
                        p.id,
                        known()
                    )))
                }
            }
        }
        Ok(on)
    }

    /// The links a scenario removes: every link of the mode with an end within the radius of
    /// the point. A removal that catches no link is an error (a typo in a coordinate would
    /// otherwise change nothing, silently).
    pub(crate) fn removed_links(&self, scenario: &Scenario) -> Result<Vec<u32>, RouteError> {
        let mut out = Vec::new();
        for r in &scenario.remove_links {
            let bad = |m: String| RouteError::InvalidRequest(format!("scenario remove_links: {m}"));
            let class = LinkClass::parse(&r.mode).ok_or_else(|| {
                bad(format!(
                    "unknown mode `{}`: use road, rail, sea, caspian_ferry or inland_water",
                    r.mode
                ))
            })?;
            if !((-90.0..=90.0).contains(&r.lat) && (-180.0..=180.0).contains(&r.lon)) {
                return Err(bad(format!("({}, {}) is not a coordinate", r.lat, r.lon)));
            }
            let radius = r.radius_km.unwrap_or(1.0);
            if !(radius > 0.0 && radius <= MAX_REMOVE_RADIUS_KM) {
                return Err(bad(format!(
                    "radius_km must be in (0, {MAX_REMOVE_RADIUS_KM}], got {radius}"
                )));
            }
            // Candidate nodes from the spatial index, then their links.
            let near: Vec<u32> = self
                .graph
                .nearest(class.layer(), r.lat, r.lon, 4096, radius)
                .into_iter()
                .map(|(n, _)| n)
                .collect();
            let before = out.len();
            for &n in &near {
                for ai in self.graph.out_arcs(n) {
                    let a = &self.graph.arcs[ai];
                    if a.link != crate::graph::NO_LINK && a.class == class {
                        out.push(a.link);
                    }
                }
            }
            if out.len() == before {
                return Err(bad(format!(
                    "no {} link ends within {radius} km of ({}, {})",
                    r.mode, r.lat, r.lon
                )));
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    fn bcp_indices(&self, key: &str) -> Result<Vec<u32>, RouteError> {
        let found = self.net.find_bcps(key);
        if found.is_empty() {
            return Err(RouteError::UnknownBcp {
                key: key.to_owned(),
                suggestions: self.net.suggest_bcps(key, 5),
            });
        }
        Ok(found)
    }

    pub(crate) fn resolve(&self, loc: &Location) -> Result<Resolved, RouteError> {
        match loc {
            Location::Coordinate { lat, lon } => {
                if !(lat.is_finite()
                    && lon.is_finite()
                    && (-90.0..=90.0).contains(lat)
                    && (-180.0..=180.0).contains(lon))
                {
                    return Err(RouteError::InvalidRequest(format!(
                        "coordinate {lat},{lon} is not a valid latitude,longitude"
                    )));
                }
                let near = self.landmark_name(*lat, *lon, 50.0);
                let country = self.country_near(*lat, *lon);
                Ok(Resolved {
                    endpoint: ResolvedEndpoint {
                        query: loc.to_string(),
                        place_id: None,
                        name: near.map_or_else(
                            || format!("{lat:.4},{lon:.4}"),
                            |n| format!("{lat:.4},{lon:.4} (near {n})"),
                        ),
                        country: country.to_string(),
                        lat: *lat,
                        lon: *lon,
                        snapped_mode: String::new(),
                        snap_km: 0.0,
                    },
                    country,
                    other_side: Country::NONE,
                })
            }
            Location::Place(q) => {
                if q.trim().is_empty() {
                    return Err(RouteError::InvalidRequest(
                        "an origin and a destination are required".into(),
                    ));
                }
                match self.places.resolve(q) {
                    Ok(i) => Ok(self.resolved_place(i, q)),
                    Err(cands) => Err(RouteError::UnknownPlace {
                        query: q.clone(),
                        suggestions: cands
                            .iter()
                            .take(5)
                            .map(|m| {
                                let p = &self.net.places[m.index];
                                Suggestion {
                                    id: p.id.clone(),
                                    name: p.name.clone(),
                                    country: p.country.to_string(),
                                }
                            })
                            .collect(),
                    }),
                }
            }
        }
    }

    /// Place `i` of the network as an endpoint, asked for as `query`.
    pub(crate) fn resolved_place(&self, i: usize, query: &str) -> Resolved {
        let p = &self.net.places[i];
        // A crossing's place carries one side's country; the other side is the BCP's.
        let other_side = (p.kind == PlaceKind::BorderCrossing)
            .then(|| p.id.strip_prefix("BCP-"))
            .flatten()
            .and_then(|id| self.net.bcps.iter().find(|b| b.id == id))
            .map_or(Country::NONE, |b| {
                if b.country_a == p.country {
                    b.country_b
                } else {
                    b.country_a
                }
            });
        Resolved {
            endpoint: ResolvedEndpoint {
                query: query.to_owned(),
                place_id: Some(p.id.clone()),
                name: p.name.clone(),
                country: p.country.to_string(),
                lat: p.lat,
                lon: p.lon,
                snapped_mode: String::new(),
                snap_km: 0.0,
            },
            country: p.country,
            other_side,
        }
    }

    /// The country of the nearest land node (a coordinate query has no country of its own).
    fn country_near(&self, lat: f64, lon: f64) -> Country {
        self.graph
            .nearest(Layer::Road, lat, lon, 1, 200.0)
            .first()
            .map_or(Country::NONE, |(n, _)| self.net.nodes[*n as usize].country)
    }

    pub(crate) fn landmark_name(&self, lat: f64, lon: f64, max_km: f64) -> Option<String> {
        let p = to_unit_xyz(lat, lon);
        self.landmarks.nearest_neighbor(&p).and_then(|pp| {
            let place = &self.net.places[pp.data as usize];
            (haversine_km(lat, lon, place.lat, place.lon) <= max_km).then(|| place.name.clone())
        })
    }

    /// Ways to leave or reach a point: the nearest road and rail nodes (rail pays loading at a
    /// terminal), and the sea node of a port next to it.
    pub(crate) fn access(
        &self,
        end: &Resolved,
        pricing: &Pricing,
        constraints: &Constraints,
    ) -> Vec<Access> {
        let allowed = &constraints.class_allowed;
        let (lat, lon) = (end.endpoint.lat, end.endpoint.lon);
        let mut out = Vec::new();
        // A rail terminal or dry port named as an endpoint loads and unloads trains itself, at
        // its own handling figures: it is not a place to drive away from to another line's
        // station. (A seaport's handling is ship to shore, so a port city keeps the default.)
        let own_terminal = end.endpoint.place_id.as_deref().and_then(|id| {
            self.net
                .terminals
                .iter()
                .position(|t| t.id == id && t.kind == TerminalKind::RoadRail)
                .filter(|&t| !constraints.terminal_blocked[t])
        });
        for (layer, k) in [(Layer::Road, 4), (Layer::Rail, 3)] {
            let allowed_layer = LinkClass::ALL
                .iter()
                .any(|c| allowed[c.index()] && c.layer() == layer);
            if !allowed_layer {
                continue;
            }
            if let Some(ti) = own_terminal.filter(|_| layer == Layer::Rail) {
                if let Some((node, km)) = self.graph.terminal_nodes[ti][Layer::Rail as usize] {
                    out.push(terminal_access(pricing, layer, node, km, km, ti));
                    continue;
                }
            }
            // An access leg never crosses a border: the nodes of the endpoint's own country
            // come first, and another country's only where its own has none in reach. A
            // border crossing named as an endpoint is on the border: the other side's nodes at
            // the crossing itself (within POST_KM) are its own too.
            let mut near = self.graph.nearest(layer, lat, lon, k * 8, MAX_SNAP_KM);
            // Nodes of planned lines exist only in scenarios that switch their project on,
            // and are chosen apart from the existing ones: a project adds ways to leave a
            // place, it never takes the existing ones away.
            near.retain(|(n, _)| constraints.node_on(&self.net, *n));
            let (planned, existing): (Vec<Near>, Vec<Near>) = near
                .into_iter()
                .partition(|(n, _)| *n >= constraints.first_planned_node);
            let choose = |near: Vec<(u32, f64)>| -> Vec<(u32, f64)> {
                let own: Vec<(u32, f64)> = near
                    .iter()
                    .copied()
                    .filter(|(n, km)| {
                        let c = self.net.nodes[*n as usize].country;
                        end.country.is_none()
                            || c == end.country
                            || (!end.other_side.is_none() && c == end.other_side && *km <= POST_KM)
                    })
                    .collect();
                if own.is_empty() {
                    near.into_iter().take(k).collect()
                } else if end.other_side.is_none() {
                    own.into_iter().take(k).collect()
                } else {
                    // The nearest k of each side, so that one side's nodes never crowd out
                    // the other's.
                    let side = |c: Country| {
                        own.iter()
                            .copied()
                            .filter(move |(n, _)| self.net.nodes[*n as usize].country == c)
                            .take(k)
                    };
                    side(end.country).chain(side(end.other_side)).collect()
                }
            };
            let mut chosen = choose(existing);
            chosen.extend(choose(planned));
            for (node, km) in chosen {
                let mut parts = pricing.drayage(km);
                let handled = layer == Layer::Rail;
                if handled {
                    let (h, usd) = pricing.road_rail_default(&self.net);
                    parts.transfer_hours = h;
                    parts.transfer_usd = usd;
                }
                out.push(Access {
                    layer,
                    node,
                    snap_km: km,
                    parts,
                    terminal: None,
                    handled,
                });
            }
        }
        if LinkClass::ALL
            .iter()
            .any(|c| allowed[c.index()] && c.layer() == Layer::Sea)
        {
            for (ti, t) in self.net.terminals.iter().enumerate() {
                let Some((node, sea_km)) = self.graph.terminal_nodes[ti][Layer::Sea as usize]
                else {
                    continue;
                };
                let km = haversine_km(lat, lon, t.lat, t.lon);
                if km > MAX_PORT_ACCESS_KM {
                    continue;
                }
                out.push(terminal_access(
                    pricing,
                    Layer::Sea,
                    node,
                    km,
                    km + sea_km,
                    ti,
                ));
            }
        }
        out
    }
}

/// `AF-PK` (or `AF:PK`, `af pk`) as two countries.
fn country_pair(s: &str) -> Result<(Country, Country), RouteError> {
    let parts: Vec<&str> = s
        .split(|c: char| c == '-' || c == ':' || c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    match parts.as_slice() {
        [a, b] => match (Country::parse(a), Country::parse(b)) {
            (Some(a), Some(b)) if a != b => Ok((a, b)),
            _ => Err(RouteError::InvalidRequest(format!(
                "scenario country pair `{s}`: give two different ISO 3166 alpha-2 codes, as AF-PK"
            ))),
        },
        _ => Err(RouteError::InvalidRequest(format!(
            "scenario country pair `{s}`: give two ISO 3166 alpha-2 codes, as AF-PK"
        ))),
    }
}
