//! Turns a found path into the public result: legs, crossings, transfers, profile, notes on
//! unsourced figures, and what sets an alternative apart from the best route.

use std::collections::BTreeSet;

use caravan_net::{Basis, Country, Direction, Layer, LinkClass};

use crate::alternatives::{features, Feature};
use crate::astar::Found;
use crate::costing::Parts;
use crate::graph::{ArcKind, NO_LINK};
use crate::result::*;
use crate::{round, Prepared, Router};

struct LegAcc {
    mode: LinkClass,
    from: String,
    parts: Parts,
    countries: Vec<String>,
    geometry: Vec<[f64; 2]>,
}

fn push_country(v: &mut Vec<String>, c: Country) {
    if !c.is_none() && v.last().is_none_or(|l| l != c.as_str()) {
        v.push(c.to_string());
    }
}

fn basis_note(label: &str, what: &str, basis: Basis, out: &mut Vec<String>) {
    if matches!(
        basis,
        Basis::RegionalDefault | Basis::Assumption | Basis::Estimate
    ) {
        let s = format!("{label}: {what} is {}", basis.as_str());
        if !out.contains(&s) {
            out.push(s);
        }
    }
}

/// Names an unnamed terminal node by its nearby city, else by the endpoint it serves.
fn terminal_name(layer: Layer, node_name: String, endpoint: &str) -> String {
    match node_name.strip_prefix("near ") {
        Some(city) => format!("{layer} terminal near {city}"),
        None => format!("{layer} terminal near {endpoint}"),
    }
}

/// Splits an access into the drive to or from the terminal and the handling there.
fn split_access(parts: &Parts) -> (Parts, Parts) {
    let drive = Parts {
        km: parts.km,
        moving_hours: parts.moving_hours,
        moving_usd: parts.moving_usd,
        co2e_kg: parts.co2e_kg,
        ..Parts::default()
    };
    let handling = Parts {
        border_hours: parts.border_hours,
        border_usd: parts.border_usd,
        transfer_hours: parts.transfer_hours,
        transfer_usd: parts.transfer_usd,
        ..Parts::default()
    };
    (drive, handling)
}

/// A found path as the public route: legs, crossings, transfers, profile and notes.
pub(crate) fn route(router: &Router, p: &Prepared, f: &Found, rank: usize, best: &Found) -> Route {
    let mut b = Builder::new(router, p);
    let mut cursor = b.leave_origin(f);
    let net = &router.net;
    let mut last_country = net.nodes[cursor as usize].country;
    if last_country.is_none() {
        // Sea nodes have no country: a route that leaves from a port starts in the origin's.
        push_country(&mut b.countries, p.origin.country);
    }
    push_country(&mut b.countries, last_country);
    for &ai in &f.arcs {
        let arc = &router.graph.arcs[ai as usize];
        let parts = p.pricing.arc_parts(arc);
        match arc.kind {
            ArcKind::Transfer { terminal } => b.transfer(cursor, arc.head, terminal, &parts),
            ArcKind::Border {
                bcp,
                dir,
                gauge_change,
            } => b.border(arc, cursor, bcp, dir, gauge_change, &parts),
            ArcKind::Line => b.line(arc, cursor, &parts),
        }
        let hc = net.nodes[arc.head as usize].country;
        if hc != last_country && !hc.is_none() {
            push_country(&mut b.countries, hc);
            last_country = hc;
        }
        cursor = arc.head;
    }
    b.reach_destination(f, cursor);
    b.finish(f, rank, best)
}

/// The route as it is walked, arc by arc: what has been totalled and listed so far, and the
/// leg still open.
struct Builder<'a> {
    router: &'a Router,
    p: &'a Prepared,
    total: Parts,
    /// Low and high total border hours (each crossing's plausible range).
    border_range: (f64, f64),
    legs: Vec<Leg>,
    crossings: Vec<BorderCrossing>,
    transfers: Vec<Transfer>,
    notes: Vec<String>,
    countries: Vec<String>,
    modes: Vec<String>,
    profile: Vec<ProfilePoint>,
    leg: Option<LegAcc>,
}

impl<'a> Builder<'a> {
    fn new(router: &'a Router, p: &'a Prepared) -> Builder<'a> {
        Builder {
            router,
            p,
            total: Parts::default(),
            border_range: (0.0, 0.0),
            legs: Vec::new(),
            crossings: Vec::new(),
            transfers: Vec::new(),
            notes: Vec::new(),
            countries: Vec::new(),
            modes: Vec::new(),
            profile: vec![ProfilePoint {
                km: 0.0,
                hours: 0.0,
                cost_usd: 0.0,
                event: "start",
                label: p.origin.endpoint.name.clone(),
            }],
            leg: None,
        }
    }

    /// A profile point at the running total.
    fn point(&self, event: &'static str, label: String) -> ProfilePoint {
        ProfilePoint {
            km: round(self.total.km, 2),
            hours: round(self.total.hours(), 3),
            cost_usd: round(self.total.usd(), 2),
            event,
            label,
        }
    }

    fn mark(&mut self, event: &'static str, label: String) {
        let point = self.point(event, label);
        self.profile.push(point);
    }

    /// A "move" point, unless the profile already ends at this distance.
    fn mark_move_if_moved(&mut self, label: String) {
        if self
            .profile
            .last()
            .is_some_and(|x| (x.km - self.total.km).abs() > 1e-9)
        {
            self.mark("move", label);
        }
    }

    fn node_ll(&self, n: u32) -> [f64; 2] {
        let nd = &self.router.net.nodes[n as usize];
        [nd.lon, nd.lat]
    }

    fn name_at(&self, n: u32) -> String {
        let nd = &self.router.net.nodes[n as usize];
        self.router.landmark_name(nd.lat, nd.lon, 40.0).map_or_else(
            || format!("{:.3},{:.3}", nd.lat, nd.lon),
            |s| format!("near {s}"),
        )
    }

    fn start_leg(&self, mode: LinkClass, from: String, at: u32) -> LegAcc {
        LegAcc {
            mode,
            from,
            parts: Parts::default(),
            countries: Vec::new(),
            geometry: vec![self.node_ll(at)],
        }
    }

    /// Ends a leg at `to` (a leg with no distance and no geometry is dropped).
    fn push_leg(&mut self, l: LegAcc, to: String) {
        if l.parts.km <= 0.0 && l.geometry.len() < 2 {
            return;
        }
        let m = l.mode.as_str().to_owned();
        if self.modes.last() != Some(&m) {
            self.modes.push(m.clone());
        }
        self.legs.push(Leg {
            mode: m,
            from: l.from,
            to,
            distance_km: round(l.parts.km, 2),
            hours: round(l.parts.hours(), 3),
            cost_usd: round(l.parts.usd(), 2),
            co2e_kg: round(l.parts.co2e_kg, 2),
            countries: l.countries,
            geometry: l.geometry,
        });
    }

    fn close_leg(&mut self, to: String) {
        if let Some(l) = self.leg.take() {
            self.push_leg(l, to);
        }
    }

    /// Leaving the origin: a drive and loading at a terminal, or the start of a road leg.
    /// Returns the node the path starts from.
    fn leave_origin(&mut self, f: &Found) -> u32 {
        let (router, p) = (self.router, self.p);
        let net = &router.net;
        let origin_access = &p.origin_access[f.source.tag];
        let start_node = origin_access.node;
        let origin_name = p.origin.endpoint.name.clone();
        if !origin_access.handled {
            // Road access: the drive to the snapped node is part of the first leg.
            let mut l = self.start_leg(LinkClass::Road, origin_name, start_node);
            l.geometry
                .insert(0, [p.origin.endpoint.lon, p.origin.endpoint.lat]);
            l.parts.add(&origin_access.parts);
            self.total.add(&origin_access.parts);
            self.leg = Some(l);
            return start_node;
        }
        let kind = match origin_access.terminal {
            Some(t) => net.terminals[t].kind.as_str(),
            None => "road_rail_terminal",
        };
        let at = origin_access.terminal.map_or_else(
            || terminal_name(origin_access.layer, self.name_at(start_node), &origin_name),
            |t| net.terminals[t].name.clone(),
        );
        // The drive to the terminal is a road leg of its own; the handling is the transfer.
        let (drive, handling) = split_access(&origin_access.parts);
        if drive.km > 0.0 {
            let mut l = self.start_leg(LinkClass::Road, origin_name, start_node);
            l.geometry = vec![
                [p.origin.endpoint.lon, p.origin.endpoint.lat],
                self.node_ll(start_node),
            ];
            l.parts = drive;
            l.countries = vec![p.origin.country.to_string()];
            self.total.add(&drive);
            self.push_leg(l, at.clone());
            self.mark("move", at.clone());
        }
        self.total.add(&handling);
        let (basis, source) = handling_source(router, origin_access.terminal);
        let ll = self.node_ll(start_node);
        self.transfers.push(Transfer {
            kind: kind.to_owned(),
            at,
            from_mode: "road".into(),
            to_mode: origin_access.layer.to_string(),
            hours: round(handling.hours(), 2),
            cost_usd: round(handling.usd(), 2),
            basis: basis.as_str().into(),
            source,
            lat: ll[1],
            lon: ll[0],
            at_km: round(drive.km, 2),
        });
        basis_note("loading at origin", "handling", basis, &mut self.notes);
        self.mark("transfer", format!("loading onto {}", origin_access.layer));
        start_node
    }

    /// A change of layer at a terminal along the path.
    fn transfer(&mut self, tail: u32, head: u32, terminal: u32, parts: &Parts) {
        let net = &self.router.net;
        let t = &net.terminals[terminal as usize];
        // The attachment distance to the terminal ends the leg that reaches it, so the legs
        // add up to the route; the handling is the transfer.
        let (drive, parts) = split_access(parts);
        if drive.km > 0.0 {
            if self.leg.is_none() {
                let mut l = self.start_leg(LinkClass::Road, self.name_at(tail), tail);
                l.countries = vec![net.nodes[tail as usize].country.to_string()];
                self.leg = Some(l);
            }
            if let Some(l) = self.leg.as_mut() {
                l.parts.add(&drive);
                l.geometry.push([t.lon, t.lat]);
            }
            self.total.add(&drive);
        }
        self.close_leg(t.name.clone());
        self.mark_move_if_moved(t.name.clone());
        self.total.add(&parts);
        let from_layer = net.nodes[tail as usize].layer;
        let to_layer = net.nodes[head as usize].layer;
        self.transfers.push(Transfer {
            kind: t.kind.as_str().into(),
            at: t.name.clone(),
            from_mode: from_layer.to_string(),
            to_mode: to_layer.to_string(),
            hours: round(parts.hours(), 2),
            cost_usd: round(parts.usd(), 2),
            basis: worst(t.handling_hours.basis, t.handling_usd_per_t.basis)
                .as_str()
                .into(),
            source: format!(
                "hours: {}; cost: {}",
                t.handling_hours.source, t.handling_usd_per_t.source
            ),
            lat: t.lat,
            lon: t.lon,
            at_km: round(self.total.km, 2),
        });
        basis_note(
            &t.name,
            "handling time",
            t.handling_hours.basis,
            &mut self.notes,
        );
        basis_note(
            &t.name,
            "handling cost",
            t.handling_usd_per_t.basis,
            &mut self.notes,
        );
        self.mark(
            "transfer",
            format!("{} ({} to {})", t.name, from_layer, to_layer),
        );
    }

    /// A border crossing: the wait and fee, a gauge change if any, and the crossing link
    /// itself as the start of the next leg.
    fn border(
        &mut self,
        arc: &crate::graph::Arc,
        tail: u32,
        bcp: u32,
        dir: Direction,
        gauge_change: bool,
        parts: &Parts,
    ) {
        let router = self.router;
        let net = &router.net;
        let b = &net.bcps[bcp as usize];
        let (from_c, to_c) = match dir {
            Direction::AToB => (b.country_a, b.country_b),
            Direction::BToA => (b.country_b, b.country_a),
        };
        self.close_leg(b.side_name(from_c).to_owned());
        self.mark("move", b.side_name(from_c).to_owned());
        let wait = Parts {
            border_hours: parts.border_hours,
            border_usd: parts.border_usd,
            ..Parts::default()
        };
        self.total.add(&wait);
        let d = dir.index();
        // A scenario that changes the wait scales its range with it.
        let scale = if b.wait_hours[d] > 0.0 {
            parts.border_hours / b.wait_hours[d]
        } else {
            1.0
        };
        let (lo, hi) = (b.wait_range[d].0 * scale, b.wait_range[d].1 * scale);
        self.border_range.0 += lo;
        self.border_range.1 += hi;
        let (wait_basis, wait_source) = match &b.wait_default_source[d] {
            Some(s) => ("median_of_measured".to_owned(), s.clone()),
            None => (b.wait_basis.as_str().to_owned(), b.wait_source.clone()),
        };
        self.crossings.push(BorderCrossing {
            id: b.id.clone(),
            name: b.name.clone(),
            countries: [from_c.to_string(), to_c.to_string()],
            mode: b.mode.to_string(),
            status: b.status.as_str().into(),
            listed: b.listed,
            wait_hours: round(parts.border_hours, 2),
            wait_low_hours: round(lo, 2),
            wait_high_hours: round(hi, 2),
            fee_usd: round(parts.border_usd, 2),
            wait_basis,
            fee_basis: b.fee_basis.as_str().into(),
            wait_source,
            fee_source: b.fee_source.clone(),
            gauge_change,
            lat: b.lat,
            lon: b.lon,
            at_km: round(self.total.km, 2),
        });
        if b.wait_default_source[d].is_some() {
            let s = format!(
                "{}: no measured clearance time in this direction; the median of comparable measured crossings is used",
                b.name
            );
            if !self.notes.contains(&s) {
                self.notes.push(s);
            }
        } else {
            basis_note(&b.name, "clearance time", b.wait_basis, &mut self.notes);
        }
        basis_note(&b.name, "fee", b.fee_basis, &mut self.notes);
        self.mark("border", b.name.clone());
        if gauge_change {
            self.gauge_change(b, arc.head, tail, parts);
        }
        // The crossing link itself starts the next leg.
        let mut l = self.start_leg(arc.class, b.side_name(to_c).to_owned(), tail);
        let moving = Parts {
            km: parts.km,
            moving_hours: parts.moving_hours,
            moving_usd: parts.moving_usd,
            co2e_kg: parts.co2e_kg,
            ..Parts::default()
        };
        l.parts.add(&moving);
        self.total.add(&moving);
        append_geometry(router, arc, tail, &mut l.geometry);
        push_country(&mut l.countries, to_c);
        self.leg = Some(l);
    }

    fn gauge_change(&mut self, b: &caravan_net::Bcp, head: u32, tail: u32, parts: &Parts) {
        let router = self.router;
        let g = &router.graph;
        let gauge = Parts {
            transfer_hours: parts.transfer_hours,
            transfer_usd: parts.transfer_usd,
            ..Parts::default()
        };
        self.total.add(&gauge);
        let gp = &router.net.params.gauge_change;
        self.transfers.push(Transfer {
            kind: "gauge_change".into(),
            at: b.name.clone(),
            from_mode: format!("rail {} mm", g.gauge[tail as usize]),
            to_mode: format!("rail {} mm", g.gauge[head as usize]),
            hours: round(gauge.hours(), 2),
            cost_usd: round(gauge.usd(), 2),
            basis: worst(gp.hours.basis, gp.usd_per_t.basis).as_str().into(),
            source: format!("hours: {}; cost: {}", gp.hours.source, gp.usd_per_t.source),
            lat: b.lat,
            lon: b.lon,
            at_km: round(self.total.km, 2),
        });
        basis_note("gauge change", "time", gp.hours.basis, &mut self.notes);
        self.mark("transfer", format!("gauge change at {}", b.name));
    }

    /// Line-haul along a link: added to the open leg, or to a new one.
    fn line(&mut self, arc: &crate::graph::Arc, tail: u32, parts: &Parts) {
        let router = self.router;
        let net = &router.net;
        if self.leg.is_none() {
            let from =
                if self.legs.is_empty() && self.transfers.len() <= 1 && self.crossings.is_empty() {
                    self.p.origin.endpoint.name.clone()
                } else {
                    self.transfers
                        .last()
                        .map_or_else(|| self.name_at(tail), |t| t.at.clone())
                };
            self.leg = Some(self.start_leg(arc.class, from, tail));
        }
        if self.leg.as_ref().is_some_and(|l| l.mode != arc.class) {
            // e.g. open sea into the Caspian basin: a new leg of another class.
            let to = self.name_at(tail);
            self.close_leg(to.clone());
            self.leg = Some(self.start_leg(arc.class, to, tail));
        }
        self.total.add(parts);
        if let Some(l) = self.leg.as_mut() {
            l.parts.add(parts);
            append_geometry(router, arc, tail, &mut l.geometry);
            push_country(&mut l.countries, net.nodes[tail as usize].country);
            push_country(&mut l.countries, net.nodes[arc.head as usize].country);
        }
    }

    /// Reaching the destination from the path's last node: unloading at a terminal and a
    /// drive, or the end of the road leg.
    fn reach_destination(&mut self, f: &Found, cursor: u32) {
        let (router, p) = (self.router, self.p);
        let net = &router.net;
        let dest_access = &p.dest_access[f.sink.tag];
        let dest_name = p.destination.endpoint.name.clone();
        if !dest_access.handled {
            if let Some(l) = self.leg.as_mut() {
                l.parts.add(&dest_access.parts);
                l.geometry
                    .push([p.destination.endpoint.lon, p.destination.endpoint.lat]);
            }
            self.total.add(&dest_access.parts);
            self.close_leg(dest_name.clone());
            self.mark("end", dest_name);
            push_country(&mut self.countries, p.destination.country);
            return;
        }
        let arrival = dest_access.terminal.map_or_else(
            || terminal_name(dest_access.layer, self.name_at(cursor), &dest_name),
            |t| net.terminals[t].name.clone(),
        );
        self.close_leg(arrival.clone());
        // The last line-haul point before unloading, so the chart shows the move.
        self.mark_move_if_moved(arrival.clone());
        let (drive, handling) = split_access(&dest_access.parts);
        self.total.add(&handling);
        let (basis, source) = handling_source(router, dest_access.terminal);
        let ll = self.node_ll(cursor);
        self.transfers.push(Transfer {
            kind: dest_access
                .terminal
                .map_or("road_rail_terminal", |t| net.terminals[t].kind.as_str())
                .to_owned(),
            at: arrival.clone(),
            from_mode: dest_access.layer.to_string(),
            to_mode: "road".into(),
            hours: round(handling.hours(), 2),
            cost_usd: round(handling.usd(), 2),
            basis: basis.as_str().into(),
            source,
            lat: ll[1],
            lon: ll[0],
            at_km: round(self.total.km, 2),
        });
        basis_note(
            "unloading at destination",
            "handling",
            basis,
            &mut self.notes,
        );
        self.mark("transfer", format!("unloading from {}", dest_access.layer));
        if drive.km > 0.0 {
            let mut l = self.start_leg(LinkClass::Road, arrival, cursor);
            l.geometry
                .push([p.destination.endpoint.lon, p.destination.endpoint.lat]);
            l.parts = drive;
            l.countries = vec![p.destination.country.to_string()];
            self.total.add(&drive);
            self.push_leg(l, dest_name.clone());
        }
        self.mark("end", dest_name);
        push_country(&mut self.countries, p.destination.country);
    }

    /// The summary, notes on each mode's sources, and what sets an alternative apart.
    fn finish(mut self, f: &Found, rank: usize, best: &Found) -> Route {
        let (router, p) = (self.router, self.p);
        for m in &self.modes {
            if let Some(c) = LinkClass::parse(m) {
                let cp = router.net.params.class(c);
                basis_note(
                    m,
                    "cost per t-km",
                    cp.cost_usd_per_tkm.basis,
                    &mut self.notes,
                );
                basis_note(m, "speed", cp.speed_kmh.basis, &mut self.notes);
            }
        }
        let total = &self.total;
        let summary = Summary {
            distance_km: round(total.km, 2),
            hours: round(total.hours(), 2),
            days: round(total.hours() / 24.0, 2),
            hours_moving: round(total.moving_hours, 2),
            hours_border: round(total.border_hours, 2),
            hours_border_low: round(self.border_range.0, 2),
            hours_border_high: round(self.border_range.1, 2),
            hours_transfer: round(total.transfer_hours, 2),
            cost_usd: round(total.usd(), 2),
            cost_moving_usd: round(total.moving_usd, 2),
            cost_border_usd: round(total.border_usd, 2),
            cost_transfer_usd: round(total.transfer_usd, 2),
            co2e_kg: round(total.co2e_kg, 2),
            objective: round(p.pricing.weight(total), 4),
            modes: self.modes,
            countries: self.countries,
        };
        // The search priced arcs from precomputed tables; the result from their parts. They
        // agree.
        debug_assert!(
            (p.pricing.weight(&route_totals(router, p, f)) - f.weight).abs()
                <= 1e-6 * f.weight.abs().max(1.0),
            "search weight {} differs from the route's parts",
            f.weight
        );
        let distinguished_by = if rank == 0 {
            Vec::new()
        } else {
            explain(router, p, f, best, &summary)
        };
        let projects = projects_used(router, f);
        for id in &projects {
            if let Some(i) = router.net.project_index(id) {
                let pr = &router.net.projects[i].project;
                self.notes.push(format!(
                    "uses planned project {} ({}{}): its length and figures are the project's plans or defaults, not operations",
                    pr.id,
                    if pr.status.is_empty() { "planned" } else { pr.status.as_str() },
                    pr.opening_year.map(|y| format!(", expected {y}")).unwrap_or_default()
                ));
            }
        }
        Route {
            rank,
            distinguished_by,
            projects,
            summary,
            legs: self.legs,
            border_crossings: self.crossings,
            transfers: self.transfers,
            profile: self.profile,
            unsourced_or_default: self.notes,
        }
    }
}

fn worst(a: Basis, b: Basis) -> Basis {
    let rank = |x: Basis| match x {
        Basis::Measured => 0,
        Basis::PublishedDefault | Basis::Derived => 1,
        Basis::Estimate => 2,
        Basis::RegionalDefault => 3,
        Basis::Assumption => 4,
    };
    if rank(a) >= rank(b) {
        a
    } else {
        b
    }
}

fn handling_source(router: &Router, terminal: Option<usize>) -> (Basis, String) {
    match terminal {
        Some(t) => {
            let t = &router.net.terminals[t];
            (
                worst(t.handling_hours.basis, t.handling_usd_per_t.basis),
                format!(
                    "hours: {}; cost: {}",
                    t.handling_hours.source, t.handling_usd_per_t.source
                ),
            )
        }
        None => {
            let d = &router.net.params.road_rail_terminal;
            (
                worst(d.hours.basis, d.usd_per_t.basis),
                format!("hours: {}; cost: {}", d.hours.source, d.usd_per_t.source),
            )
        }
    }
}

fn append_geometry(router: &Router, arc: &crate::graph::Arc, tail: u32, out: &mut Vec<[f64; 2]>) {
    let net = &router.net;
    let ll = |n: u32| [net.nodes[n as usize].lon, net.nodes[n as usize].lat];
    if out.last() != Some(&ll(tail)) {
        out.push(ll(tail));
    }
    if arc.link != NO_LINK {
        let geom = &net.links[arc.link as usize].geometry;
        if arc.reversed {
            out.extend(geom.iter().rev().map(|(lat, lon)| [*lon, *lat]));
        } else {
            out.extend(geom.iter().map(|(lat, lon)| [*lon, *lat]));
        }
    }
    out.push(ll(arc.head));
}

/// Says what makes an alternative different from the best route, in a forwarder's terms.
fn explain(
    router: &Router,
    p: &Prepared,
    f: &Found,
    best: &Found,
    summary: &Summary,
) -> Vec<String> {
    let net = &router.net;
    let mine = features(router, p, f);
    let theirs = features(router, p, best);
    let name = |feat: &Feature| match feat {
        Feature::Bcp(b) => {
            let b = &net.bcps[*b as usize];
            format!("{} ({} {}-{})", b.name, b.mode, b.country_a, b.country_b)
        }
        Feature::UnlistedPair(x, y, m) => format!("an unlisted {m} crossing {x}-{y}"),
        Feature::Terminal(t) => net.terminals[*t as usize].name.clone(),
        Feature::Class(c) => c.as_str().replace('_', " "),
    };
    let mut out = Vec::new();
    let group = |set: &BTreeSet<Feature>, pick: fn(&Feature) -> bool| -> Vec<String> {
        set.iter().filter(|f| pick(f)).map(name).collect()
    };
    let is_border = |f: &Feature| matches!(f, Feature::Bcp(_) | Feature::UnlistedPair(..));
    let is_terminal = |f: &Feature| matches!(f, Feature::Terminal(_));
    let is_class = |f: &Feature| matches!(f, Feature::Class(_));
    let only_mine: BTreeSet<Feature> = mine.difference(&theirs).cloned().collect();
    let only_theirs: BTreeSet<Feature> = theirs.difference(&mine).cloned().collect();
    for (pick, verb_new, verb_old) in [
        (
            is_border as fn(&Feature) -> bool,
            "crosses at",
            "instead of",
        ),
        (is_terminal, "goes through", "instead of"),
        (is_class, "uses", "instead of"),
    ] {
        let new = group(&only_mine, pick);
        let old = group(&only_theirs, pick);
        match (new.is_empty(), old.is_empty()) {
            (false, false) => out.push(format!(
                "{verb_new} {} {verb_old} {}",
                new.join(", "),
                old.join(", ")
            )),
            (false, true) => out.push(format!("{verb_new} {}", new.join(", "))),
            (true, false) => out.push(format!("avoids {}", old.join(", "))),
            (true, true) => {}
        }
    }
    let best_route = route_totals(router, p, best);
    out.push(format!(
        "{:+.1} h, {:+.0} USD, {:+.0} kg CO2e compared with the best route",
        summary.hours - best_route.hours(),
        summary.cost_usd - best_route.usd(),
        summary.co2e_kg - best_route.co2e_kg
    ));
    out
}

fn route_totals(router: &Router, p: &Prepared, f: &Found) -> Parts {
    let mut t = Parts::default();
    t.add(&p.origin_access[f.source.tag].parts);
    for &a in &f.arcs {
        t.add(&p.pricing.arc_parts(&router.graph.arcs[a as usize]));
    }
    t.add(&p.dest_access[f.sink.tag].parts);
    t
}

/// The planned projects a path uses (links, crossings or terminals), in the order met.
pub(crate) fn projects_used(router: &Router, f: &Found) -> Vec<String> {
    let net = &router.net;
    if net.projects.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for &ai in &f.arcs {
        let arc = &router.graph.arcs[ai as usize];
        let by_link = (arc.link != crate::graph::NO_LINK)
            .then(|| net.project_of_link(arc.link))
            .flatten();
        let by_terminal = match arc.kind {
            ArcKind::Transfer { terminal } => net
                .projects
                .iter()
                .position(|s| s.terminals.contains(&terminal)),
            _ => None,
        };
        for i in by_link.into_iter().chain(by_terminal) {
            let id = &net.projects[i].project.id;
            if !out.contains(id) {
                out.push(id.clone());
            }
        }
    }
    out
}
