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

pub(crate) fn route(router: &Router, p: &Prepared, f: &Found, rank: usize, best: &Found) -> Route {
    let net = &router.net;
    let g = &router.graph;
    let pricing = &p.pricing;
    let mut total = Parts::default();
    let mut border_range = (0.0_f64, 0.0_f64);
    let mut legs: Vec<Leg> = Vec::new();
    let mut crossings = Vec::new();
    let mut transfers = Vec::new();
    let mut notes = Vec::new();
    let mut countries: Vec<String> = Vec::new();
    let mut modes: Vec<String> = Vec::new();
    let mut profile = vec![ProfilePoint {
        km: 0.0,
        hours: 0.0,
        cost_usd: 0.0,
        event: "start",
        label: p.origin.endpoint.name.clone(),
    }];
    let point = |total: &Parts, event: &'static str, label: String| ProfilePoint {
        km: round(total.km, 2),
        hours: round(total.hours(), 3),
        cost_usd: round(total.usd(), 2),
        event,
        label,
    };
    let node_ll = |n: u32| {
        let nd = &net.nodes[n as usize];
        [nd.lon, nd.lat]
    };
    let name_at = |n: u32| {
        let nd = &net.nodes[n as usize];
        router.landmark_name(nd.lat, nd.lon, 40.0).map_or_else(
            || format!("{:.3},{:.3}", nd.lat, nd.lon),
            |s| format!("near {s}"),
        )
    };

    let close_leg =
        |leg: &mut Option<LegAcc>, to: String, legs: &mut Vec<Leg>, modes: &mut Vec<String>| {
            if let Some(l) = leg.take() {
                if l.parts.km <= 0.0 && l.geometry.len() < 2 {
                    return;
                }
                let m = l.mode.as_str().to_owned();
                if modes.last() != Some(&m) {
                    modes.push(m.clone());
                }
                legs.push(Leg {
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
        };

    // Leaving the origin.
    let origin_access = &p.origin_access[f.source.tag];
    let start_node = origin_access.node;
    let origin_name = p.origin.endpoint.name.clone();
    let mut leg: Option<LegAcc> = None;
    let start_leg = |mode: LinkClass, from: String, at: u32| LegAcc {
        mode,
        from,
        parts: Parts::default(),
        countries: Vec::new(),
        geometry: vec![node_ll(at)],
    };
    if origin_access.handled {
        let kind = match origin_access.terminal {
            Some(t) => net.terminals[t].kind.as_str(),
            None => "road_rail_terminal",
        };
        let at = origin_access.terminal.map_or_else(
            || terminal_name(origin_access.layer, name_at(start_node), &origin_name),
            |t| net.terminals[t].name.clone(),
        );
        // The drive to the terminal is a road leg of its own; the handling is the transfer.
        let (drive, handling) = split_access(&origin_access.parts);
        if drive.km > 0.0 {
            let mut l = start_leg(LinkClass::Road, origin_name.clone(), start_node);
            l.geometry = vec![
                [p.origin.endpoint.lon, p.origin.endpoint.lat],
                node_ll(start_node),
            ];
            l.parts = drive;
            l.countries = vec![p.origin.country.to_string()];
            total.add(&drive);
            close_leg(&mut Some(l), at.clone(), &mut legs, &mut modes);
            profile.push(point(&total, "move", at.clone()));
        }
        total.add(&handling);
        let (basis, source) = handling_source(router, origin_access.terminal);
        let ll = node_ll(start_node);
        transfers.push(Transfer {
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
        basis_note("loading at origin", "handling", basis, &mut notes);
        profile.push(point(
            &total,
            "transfer",
            format!("loading onto {}", origin_access.layer),
        ));
    } else {
        // Road access: the drive to the snapped node is part of the first leg.
        let mut l = start_leg(LinkClass::Road, origin_name.clone(), start_node);
        l.geometry
            .insert(0, [p.origin.endpoint.lon, p.origin.endpoint.lat]);
        l.parts.add(&origin_access.parts);
        total.add(&origin_access.parts);
        leg = Some(l);
    }

    let mut cursor = start_node;
    let mut last_country = net.nodes[start_node as usize].country;
    push_country(&mut countries, last_country);
    for &ai in &f.arcs {
        let arc = &g.arcs[ai as usize];
        let tail = cursor;
        let head = arc.head;
        let parts = pricing.arc_parts(arc);
        match arc.kind {
            ArcKind::Transfer { terminal } => {
                let t = &net.terminals[terminal as usize];
                // The attachment distance to the terminal ends the leg that reaches it, so
                // the legs add up to the route; the handling is the transfer.
                let (drive, parts) = split_access(&parts);
                if drive.km > 0.0 {
                    let l = leg.get_or_insert_with(|| {
                        let mut l = start_leg(LinkClass::Road, name_at(tail), tail);
                        l.countries = vec![net.nodes[tail as usize].country.to_string()];
                        l
                    });
                    l.parts.add(&drive);
                    l.geometry.push([t.lon, t.lat]);
                    total.add(&drive);
                }
                close_leg(&mut leg, t.name.clone(), &mut legs, &mut modes);
                if profile
                    .last()
                    .is_some_and(|x| (x.km - total.km).abs() > 1e-9)
                {
                    profile.push(point(&total, "move", t.name.clone()));
                }
                total.add(&parts);
                let from_layer = net.nodes[tail as usize].layer;
                let to_layer = net.nodes[head as usize].layer;
                transfers.push(Transfer {
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
                    at_km: round(total.km, 2),
                });
                basis_note(&t.name, "handling time", t.handling_hours.basis, &mut notes);
                basis_note(
                    &t.name,
                    "handling cost",
                    t.handling_usd_per_t.basis,
                    &mut notes,
                );
                profile.push(point(
                    &total,
                    "transfer",
                    format!("{} ({} to {})", t.name, from_layer, to_layer),
                ));
            }
            ArcKind::Border {
                bcp,
                dir,
                gauge_change,
            } => {
                let b = &net.bcps[bcp as usize];
                let (from_c, to_c) = match dir {
                    Direction::AToB => (b.country_a, b.country_b),
                    Direction::BToA => (b.country_b, b.country_a),
                };
                close_leg(
                    &mut leg,
                    b.side_name(from_c).to_owned(),
                    &mut legs,
                    &mut modes,
                );
                profile.push(point(&total, "move", b.side_name(from_c).to_owned()));
                let wait = Parts {
                    border_hours: parts.border_hours,
                    border_usd: parts.border_usd,
                    ..Parts::default()
                };
                total.add(&wait);
                let d = dir.index();
                // A scenario that changes the wait scales its range with it.
                let scale = if b.wait_hours[d] > 0.0 {
                    parts.border_hours / b.wait_hours[d]
                } else {
                    1.0
                };
                let (lo, hi) = (b.wait_range[d].0 * scale, b.wait_range[d].1 * scale);
                border_range.0 += lo;
                border_range.1 += hi;
                let (wait_basis, wait_source) = match &b.wait_default_source[d] {
                    Some(s) => ("median_of_measured".to_owned(), s.clone()),
                    None => (b.wait_basis.as_str().to_owned(), b.wait_source.clone()),
                };
                crossings.push(BorderCrossing {
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
                    at_km: round(total.km, 2),
                });
                if b.wait_default_source[d].is_some() {
                    let s = format!(
                        "{}: no measured clearance time in this direction; the median of comparable measured crossings is used",
                        b.name
                    );
                    if !notes.contains(&s) {
                        notes.push(s);
                    }
                } else {
                    basis_note(&b.name, "clearance time", b.wait_basis, &mut notes);
                }
                basis_note(&b.name, "fee", b.fee_basis, &mut notes);
                profile.push(point(&total, "border", b.name.clone()));
                if gauge_change {
                    let gauge = Parts {
                        transfer_hours: parts.transfer_hours,
                        transfer_usd: parts.transfer_usd,
                        ..Parts::default()
                    };
                    total.add(&gauge);
                    let gp = &net.params.gauge_change;
                    transfers.push(Transfer {
                        kind: "gauge_change".into(),
                        at: b.name.clone(),
                        from_mode: format!("rail {} mm", g.gauge[tail as usize]),
                        to_mode: format!("rail {} mm", g.gauge[head as usize]),
                        hours: round(gauge.hours(), 2),
                        cost_usd: round(gauge.usd(), 2),
                        basis: worst(gp.hours.basis, gp.usd_per_t.basis).as_str().into(),
                        source: format!(
                            "hours: {}; cost: {}",
                            gp.hours.source, gp.usd_per_t.source
                        ),
                        lat: b.lat,
                        lon: b.lon,
                        at_km: round(total.km, 2),
                    });
                    basis_note("gauge change", "time", gp.hours.basis, &mut notes);
                    profile.push(point(
                        &total,
                        "transfer",
                        format!("gauge change at {}", b.name),
                    ));
                }
                // The crossing link itself starts the next leg.
                let mut l = start_leg(arc.class, b.side_name(to_c).to_owned(), tail);
                let moving = Parts {
                    km: parts.km,
                    moving_hours: parts.moving_hours,
                    moving_usd: parts.moving_usd,
                    co2e_kg: parts.co2e_kg,
                    ..Parts::default()
                };
                l.parts.add(&moving);
                total.add(&moving);
                append_geometry(router, arc, tail, &mut l.geometry);
                push_country(&mut l.countries, to_c);
                leg = Some(l);
            }
            ArcKind::Line => {
                let l = leg.get_or_insert_with(|| {
                    let from = if legs.is_empty() && transfers.len() <= 1 && crossings.is_empty() {
                        origin_name.clone()
                    } else {
                        transfers
                            .last()
                            .map_or_else(|| name_at(tail), |t| t.at.clone())
                    };
                    start_leg(arc.class, from, tail)
                });
                if l.mode != arc.class {
                    // e.g. open sea into the Caspian basin: a new leg of another class.
                    let to = name_at(tail);
                    close_leg(&mut leg, to.clone(), &mut legs, &mut modes);
                    leg = Some(start_leg(arc.class, to, tail));
                }
                let l = leg.as_mut().expect("leg was just started");
                l.parts.add(&parts);
                total.add(&parts);
                append_geometry(router, arc, tail, &mut l.geometry);
                push_country(&mut l.countries, net.nodes[tail as usize].country);
                push_country(&mut l.countries, net.nodes[head as usize].country);
            }
        }
        let hc = net.nodes[head as usize].country;
        if hc != last_country && !hc.is_none() {
            push_country(&mut countries, hc);
            last_country = hc;
        }
        cursor = head;
    }

    // Reaching the destination.
    let dest_access = &p.dest_access[f.sink.tag];
    let dest_name = p.destination.endpoint.name.clone();
    if dest_access.handled {
        let arrival = dest_access.terminal.map_or_else(
            || terminal_name(dest_access.layer, name_at(cursor), &dest_name),
            |t| net.terminals[t].name.clone(),
        );
        close_leg(&mut leg, arrival.clone(), &mut legs, &mut modes);
        // The last line-haul point before unloading, so the chart shows the move.
        if profile
            .last()
            .is_some_and(|x| (x.km - total.km).abs() > 1e-9)
        {
            profile.push(point(&total, "move", arrival.clone()));
        }
        let (drive, handling) = split_access(&dest_access.parts);
        total.add(&handling);
        let (basis, source) = handling_source(router, dest_access.terminal);
        let ll = node_ll(cursor);
        transfers.push(Transfer {
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
            at_km: round(total.km, 2),
        });
        basis_note("unloading at destination", "handling", basis, &mut notes);
        profile.push(point(
            &total,
            "transfer",
            format!("unloading from {}", dest_access.layer),
        ));
        if drive.km > 0.0 {
            let mut l = start_leg(LinkClass::Road, arrival, cursor);
            l.geometry
                .push([p.destination.endpoint.lon, p.destination.endpoint.lat]);
            l.parts = drive;
            l.countries = vec![p.destination.country.to_string()];
            total.add(&drive);
            close_leg(&mut Some(l), dest_name.clone(), &mut legs, &mut modes);
        }
    } else {
        if let Some(l) = leg.as_mut() {
            l.parts.add(&dest_access.parts);
            l.geometry
                .push([p.destination.endpoint.lon, p.destination.endpoint.lat]);
        }
        total.add(&dest_access.parts);
        close_leg(&mut leg, dest_name.clone(), &mut legs, &mut modes);
    }
    profile.push(point(&total, "end", dest_name));
    push_country(&mut countries, p.destination.country);

    for m in &modes {
        if let Some(c) = LinkClass::parse(m) {
            let cp = net.params.class(c);
            basis_note(m, "cost per t-km", cp.cost_usd_per_tkm.basis, &mut notes);
            basis_note(m, "speed", cp.speed_kmh.basis, &mut notes);
        }
    }

    let summary = Summary {
        distance_km: round(total.km, 2),
        hours: round(total.hours(), 2),
        days: round(total.hours() / 24.0, 2),
        hours_moving: round(total.moving_hours, 2),
        hours_border: round(total.border_hours, 2),
        hours_border_low: round(border_range.0, 2),
        hours_border_high: round(border_range.1, 2),
        hours_transfer: round(total.transfer_hours, 2),
        cost_usd: round(total.usd(), 2),
        cost_moving_usd: round(total.moving_usd, 2),
        cost_border_usd: round(total.border_usd, 2),
        cost_transfer_usd: round(total.transfer_usd, 2),
        co2e_kg: round(total.co2e_kg, 2),
        objective: round(pricing.weight(&total), 4),
        modes,
        countries,
    };
    // The search priced arcs from precomputed tables; the result from their parts. They agree.
    debug_assert!(
        (pricing.weight(&route_totals(router, p, f)) - f.weight).abs()
            <= 1e-6 * f.weight.abs().max(1.0),
        "search weight {} differs from the route's parts",
        f.weight
    );
    let distinguished_by = if rank == 0 {
        Vec::new()
    } else {
        explain(router, p, f, best, &summary)
    };
    Route {
        rank,
        distinguished_by,
        summary,
        legs,
        border_crossings: crossings,
        transfers,
        profile,
        unsourced_or_default: notes,
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
