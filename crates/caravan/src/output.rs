//! Human-readable tables and machine formats. The only place that knows how results look.

use caravan_net::{Bcp, Network, PlaceMatch};
use caravan_route::{RouteError, RouteResponse, Router};
use comfy_table::{
    presets::{UTF8_BORDERS_ONLY, UTF8_FULL_CONDENSED},
    Cell, CellAlignment, Table,
};
use serde_json::{json, Value};

use crate::Format;

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_BORDERS_ONLY);
    t.set_header(header.iter().map(Cell::new));
    t
}

fn right(s: String) -> Cell {
    Cell::new(s).set_alignment(CellAlignment::Right)
}

fn print_json(v: &impl serde::Serialize) {
    match serde_json::to_string_pretty(v) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("error: cannot serialize the result: {e}"),
    }
}

pub fn error_json(e: &RouteError) -> Value {
    let mut err = json!({ "code": e.code(), "message": e.to_string() });
    match e {
        RouteError::UnknownPlace { suggestions, .. } => err["suggestions"] = json!(suggestions),
        RouteError::UnknownBcp { suggestions, .. } => err["suggestions"] = json!(suggestions),
        RouteError::NoRoute { blocking, .. } => err["blocking"] = json!(blocking),
        _ => {}
    }
    json!({ "error": err })
}

pub fn route(resp: &RouteResponse, format: Format) {
    match format {
        Format::Json => print_json(resp),
        Format::Geojson => print_json(&route_geojson(resp)),
        Format::Table => route_table(resp),
    }
}

fn route_geojson(resp: &RouteResponse) -> Value {
    let mut features = Vec::new();
    for r in &resp.routes {
        for (i, leg) in r.legs.iter().enumerate() {
            features.push(json!({
                "type": "Feature",
                "geometry": { "type": "LineString", "coordinates": leg.geometry },
                "properties": {
                    "route": r.rank, "leg": i, "mode": leg.mode, "from": leg.from, "to": leg.to,
                    "distance_km": leg.distance_km, "hours": leg.hours, "cost_usd": leg.cost_usd,
                    "co2e_kg": leg.co2e_kg,
                }
            }));
        }
        for b in &r.border_crossings {
            features.push(json!({
                "type": "Feature",
                "geometry": { "type": "Point", "coordinates": [b.lon, b.lat] },
                "properties": {
                    "route": r.rank, "kind": "border_crossing", "id": b.id, "name": b.name,
                    "countries": b.countries, "mode": b.mode, "wait_hours": b.wait_hours,
                    "fee_usd": b.fee_usd, "gauge_change": b.gauge_change,
                }
            }));
        }
        for t in &r.transfers {
            features.push(json!({
                "type": "Feature",
                "geometry": { "type": "Point", "coordinates": [t.lon, t.lat] },
                "properties": {
                    "route": r.rank, "kind": "transfer", "transfer": t.kind, "at": t.at,
                    "from_mode": t.from_mode, "to_mode": t.to_mode, "hours": t.hours, "cost_usd": t.cost_usd,
                }
            }));
        }
    }
    json!({ "type": "FeatureCollection", "features": features })
}

fn route_table(resp: &RouteResponse) {
    let o = &resp.origin;
    let d = &resp.destination;
    println!(
        "{} ({}) -> {} ({}): {} t worth {:.0} USD, optimizing {}",
        o.name,
        o.country,
        d.name,
        d.country,
        resp.cargo_tonnes,
        resp.cargo_value_usd,
        resp.optimize
    );
    for r in &resp.routes {
        let s = &r.summary;
        println!();
        if r.rank == 0 {
            println!("Best route: {}", s.modes.join(" + "));
        } else {
            println!("Alternative {}: {}", r.rank, s.modes.join(" + "));
            for why in &r.distinguished_by {
                println!("  - {why}");
            }
        }
        println!(
            "  {:.0} km, {:.1} h ({:.1} days: {:.1} moving, {:.1} at borders, {:.1} in transfers), {:.0} USD ({:.0} moving, {:.0} border, {:.0} transfer), {:.0} kg CO2e",
            s.distance_km, s.hours, s.days, s.hours_moving, s.hours_border, s.hours_transfer,
            s.cost_usd, s.cost_moving_usd, s.cost_border_usd, s.cost_transfer_usd, s.co2e_kg
        );
        println!("  countries: {}", s.countries.join(" > "));
        let mut t = table(&["mode", "from", "to", "km", "hours", "USD", "kg CO2e"]);
        for l in &r.legs {
            t.add_row(vec![
                Cell::new(&l.mode),
                Cell::new(&l.from),
                Cell::new(&l.to),
                right(format!("{:.0}", l.distance_km)),
                right(format!("{:.1}", l.hours)),
                right(format!("{:.0}", l.cost_usd)),
                right(format!("{:.0}", l.co2e_kg)),
            ]);
        }
        println!("{t}");
        if !r.border_crossings.is_empty() {
            let mut t = table(&[
                "border crossing",
                "countries",
                "mode",
                "wait h",
                "fee USD",
                "basis (wait/fee)",
                "note",
            ]);
            for b in &r.border_crossings {
                let mut note = Vec::new();
                if b.gauge_change {
                    note.push("gauge change".to_owned());
                }
                if b.status != "open" {
                    note.push(b.status.clone());
                }
                if !b.listed {
                    note.push("unlisted".into());
                }
                t.add_row(vec![
                    Cell::new(&b.name),
                    Cell::new(b.countries.join(" > ")),
                    Cell::new(&b.mode),
                    right(format!("{:.1}", b.wait_hours)),
                    right(format!("{:.0}", b.fee_usd)),
                    Cell::new(format!("{}/{}", b.wait_basis, b.fee_basis)),
                    Cell::new(note.join(", ")),
                ]);
            }
            println!("{t}");
        }
        if !r.transfers.is_empty() {
            let mut t = table(&["transfer", "at", "from", "to", "hours", "USD", "basis"]);
            for x in &r.transfers {
                t.add_row(vec![
                    Cell::new(&x.kind),
                    Cell::new(&x.at),
                    Cell::new(&x.from_mode),
                    Cell::new(&x.to_mode),
                    right(format!("{:.1}", x.hours)),
                    right(format!("{:.0}", x.cost_usd)),
                    Cell::new(&x.basis),
                ]);
            }
            println!("{t}");
        }
        if !r.unsourced_or_default.is_empty() {
            println!(
                "  figures without a specific source: {}",
                r.unsourced_or_default.join("; ")
            );
        }
    }
    for w in &resp.warnings {
        println!("warning: {w}");
    }
}

pub fn places(net: &Network, hits: &[PlaceMatch], format: Format) {
    match format {
        Format::Json | Format::Geojson => {
            let rows: Vec<Value> = hits
                .iter()
                .map(|h| {
                    let p = &net.places[h.index];
                    if format == Format::Geojson {
                        json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
                               "properties": {"id": p.id, "name": p.name, "country": p.country, "kind": p.kind,
                                              "population": p.population, "score": h.score}})
                    } else {
                        json!({"id": p.id, "name": p.name, "aliases": p.aliases, "country": p.country,
                               "lat": p.lat, "lon": p.lon, "kind": p.kind, "population": p.population,
                               "matched": h.matched, "score": h.score, "source": p.source})
                    }
                })
                .collect();
            if format == Format::Geojson {
                print_json(&json!({"type": "FeatureCollection", "features": rows}));
            } else {
                print_json(&json!({ "places": rows }));
            }
        }
        Format::Table => {
            let mut t = table(&[
                "id",
                "name",
                "country",
                "kind",
                "population",
                "lat",
                "lon",
                "matched",
            ]);
            for h in hits {
                let p = &net.places[h.index];
                t.add_row(vec![
                    Cell::new(&p.id),
                    Cell::new(&p.name),
                    Cell::new(p.country.as_str()),
                    Cell::new(format!("{:?}", p.kind).to_lowercase()),
                    right(p.population.map_or(String::new(), |n| n.to_string())),
                    right(format!("{:.4}", p.lat)),
                    right(format!("{:.4}", p.lon)),
                    Cell::new(&h.matched),
                ]);
            }
            println!("{t}");
        }
    }
}

fn bcp_json(b: &Bcp) -> Value {
    serde_json::to_value(b).unwrap_or(Value::Null)
}

pub fn bcp_list(rows: &[&Bcp], format: Format) {
    match format {
        Format::Json => {
            print_json(&json!({ "bcps": rows.iter().map(|b| bcp_json(b)).collect::<Vec<_>>() }))
        }
        Format::Geojson => print_json(
            &json!({"type": "FeatureCollection", "features": rows.iter().map(|b| json!({
            "type": "Feature", "geometry": {"type": "Point", "coordinates": [b.lon, b.lat]}, "properties": bcp_json(b)
        })).collect::<Vec<_>>()}),
        ),
        Format::Table => {
            let mut t = table(&[
                "id",
                "mode",
                "name",
                "countries",
                "status",
                "wait h (a>b / b>a)",
                "fee USD (a>b / b>a)",
                "basis",
                "gauge",
            ]);
            for b in rows {
                t.add_row(vec![
                    Cell::new(&b.id),
                    Cell::new(b.mode.as_str()),
                    Cell::new(&b.name),
                    Cell::new(format!("{}-{}", b.country_a, b.country_b)),
                    Cell::new(b.status.as_str()),
                    right(format!("{:.1} / {:.1}", b.wait_hours[0], b.wait_hours[1])),
                    right(format!("{:.0} / {:.0}", b.fee_usd[0], b.fee_usd[1])),
                    Cell::new(format!(
                        "{}/{}",
                        b.wait_basis.as_str(),
                        b.fee_basis.as_str()
                    )),
                    Cell::new(b.gauge_change.clone().unwrap_or_default()),
                ]);
            }
            println!("{t}");
            println!("{} crossings", rows.len());
        }
    }
}

pub fn bcp_show(net: &Network, rows: &[&Bcp], format: Format) {
    if format != Format::Table {
        return bcp_list(rows, format);
    }
    for b in rows {
        let links = net
            .links
            .iter()
            .filter(|l| l.bcp.is_some_and(|i| net.bcps[i as usize].key() == b.key()))
            .count();
        println!(
            "{} [{}] ({})",
            b.name,
            b.key(),
            if b.listed { "curated" } else { "unlisted" }
        );
        println!(
            "  {} {} <-> {} {}",
            b.country_a, b.name_a, b.country_b, b.name_b
        );
        println!("  at {:.4},{:.4}; {} network link(s)", b.lat, b.lon, links);
        println!("  status: {} {}", b.status.as_str(), b.status_note);
        if !b.status_source.is_empty() {
            println!("    source: {}", b.status_source);
        }
        println!(
            "  clearance: {:.1} h {}>{}, {:.1} h {}>{} ({})",
            b.wait_hours[0],
            b.country_a,
            b.country_b,
            b.wait_hours[1],
            b.country_b,
            b.country_a,
            b.wait_basis.as_str()
        );
        println!("    source: {}", b.wait_source);
        println!(
            "  fee: {:.0} USD {}>{}, {:.0} USD {}>{} ({})",
            b.fee_usd[0],
            b.country_a,
            b.country_b,
            b.fee_usd[1],
            b.country_b,
            b.country_a,
            b.fee_basis.as_str()
        );
        println!("    source: {}", b.fee_source);
        if let Some(g) = &b.gauge_change {
            println!("  gauge change: {g}");
        }
        println!(
            "  transloading: {}",
            if b.transloading { "yes" } else { "no" }
        );
        if !b.notes.is_empty() {
            println!("  notes: {}", b.notes);
        }
        println!();
    }
}

pub fn data_summary(router: &Router) {
    let net = router.network();
    let (n, a) = router.graph_size();
    let count = |l: caravan_net::Layer| net.nodes.iter().filter(|x| x.layer == l).count();
    println!(
        "nodes: {n} (road {}, rail {}, sea {}); arcs: {a}",
        count(caravan_net::Layer::Road),
        count(caravan_net::Layer::Rail),
        count(caravan_net::Layer::Sea)
    );
    println!(
        "BCPs: {} curated, {} unlisted; terminals: {}; places: {}",
        net.bcps.iter().filter(|b| b.listed).count(),
        net.bcps.iter().filter(|b| !b.listed).count(),
        net.terminals.len(),
        net.places.len()
    );
    let off: Vec<_> = net
        .validate()
        .unwrap_or_default()
        .iter()
        .map(|&i| net.bcps[i as usize].key())
        .collect();
    if !off.is_empty() {
        println!(
            "BCPs not on the network (see data/network/BUILD_REPORT.md): {}",
            off.join(", ")
        );
    }
}

/// The validation report: one row per fact, then the pass rate of each set.
pub fn validation(results: &[caravan_route::validate::FactResult], format: Format) {
    let (cal, val) = caravan_route::validate::summarize(results);
    if format == Format::Json {
        let doc = serde_json::json!({
            "results": results,
            "calibration": {"facts": cal.facts, "passed": cal.passed, "rate": cal.rate()},
            "validation": {"facts": val.facts, "passed": val.passed, "rate": val.rate()},
        });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        return;
    }
    let mut t = table(&[
        "fact",
        "set",
        "mode",
        "from",
        "to",
        "reference",
        "ours",
        "ratio",
        "pass",
        "detail",
    ]);
    for r in results {
        t.add_row(vec![
            r.id.clone(),
            format!("{:?}", r.set).to_lowercase(),
            r.mode.as_str().to_owned(),
            r.from.clone(),
            r.to.clone(),
            r.reference.clone(),
            r.ours.clone(),
            r.ratio.map_or(String::new(), |x| format!("{x:.2}")),
            if r.pass { "pass".into() } else { "FAIL".into() },
            r.detail.chars().take(70).collect(),
        ]);
    }
    println!("{t}");
    for (name, s) in [("calibration", cal), ("validation", val)] {
        if s.facts > 0 {
            println!(
                "{name}: {} of {} facts pass ({:.1}%)",
                s.passed,
                s.facts,
                s.rate() * 100.0
            );
        }
    }
}

/// The validation report as a Markdown section: pass rates, then every miss, worst first.
pub fn validation_markdown(results: &[caravan_route::validate::FactResult]) -> String {
    use std::fmt::Write as _;
    let (cal, val) = caravan_route::validate::summarize(results);
    let mut s = String::from("## Validation\n\n");
    let _ = writeln!(
        s,
        "Generated by `caravan data validate --write-report data/network/BUILD_REPORT.md` from \
         `data/validation/facts.csv` (every fact with its source, date and quote). The \
         calibration set is the only one parameters are fitted on (the road circuity factor); \
         the validation set is the score.\n"
    );
    let _ = writeln!(
        s,
        "- validation set: **{} of {} facts pass ({:.1}%)**",
        val.passed,
        val.facts,
        val.rate() * 100.0
    );
    let _ = writeln!(
        s,
        "- calibration set: {} of {} pass ({:.1}%)\n",
        cal.passed,
        cal.facts,
        cal.rate() * 100.0
    );
    let mut misses: Vec<_> = results.iter().filter(|r| !r.pass).collect();
    // Worst first: no route, then the largest ratio error.
    let badness = |r: &caravan_route::validate::FactResult| match r.ratio {
        Some(x) if x > 0.0 => x.ln().abs(),
        _ => f64::INFINITY,
    };
    misses.sort_by(|a, b| badness(b).total_cmp(&badness(a)));
    let _ = writeln!(s, "### Misses, worst first\n");
    let _ = writeln!(
        s,
        "| fact | set | mode | from | to | reference | ours | ratio | detail |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|");
    for r in misses {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.id,
            format!("{:?}", r.set).to_lowercase(),
            r.mode.as_str(),
            r.from,
            r.to,
            r.reference,
            r.ours,
            r.ratio.map_or(String::new(), |x| format!("{x:.2}")),
            r.detail.replace('|', "/")
        );
    }
    s
}

/// Which importers have line-level duty rates, from where and of what date.
pub fn tariff_coverage(data: &caravan_cost::CostData) {
    use std::collections::BTreeMap;
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header(vec![
        "importer",
        "lines with a line-level rate",
        "source",
        "date",
    ]);
    let parsed: std::collections::BTreeSet<&str> = data
        .national
        .iter()
        .filter(|l| l.importer == "EAEU" && l.duty.is_some())
        .map(|l| l.hs.as_str())
        .collect();
    let all: std::collections::BTreeSet<&str> = data
        .national
        .iter()
        .filter(|l| l.importer == "EAEU")
        .map(|l| l.hs.as_str())
        .collect();
    let mut dates: Vec<&str> = data
        .national
        .iter()
        .map(|l| l.source_date.as_str())
        .filter(|d| !d.is_empty())
        .collect();
    dates.sort_unstable();
    dates.dedup();
    if !all.is_empty() {
        t.add_row(vec![
            Cell::new("AM, BY, KG, KZ, RU (EAEU)"),
            Cell::new(format!(
                "{} of {} 10-digit lines (the rest: rate not machine-readable)",
                parsed.len(),
                all.len()
            )),
            Cell::new("ЕТТ ЕАЭС, Eurasian Economic Commission chapter PDFs (curated/landed/eaeu_ett.csv.gz)"),
            Cell::new(format!(
                "{} to {}",
                dates.first().unwrap_or(&"?"),
                dates.last().unwrap_or(&"?")
            )),
        ]);
    }
    for e in &data.exceptions {
        t.add_row(vec![
            Cell::new(format!("{} (own list, not the ETT)", e.importer)),
            Cell::new(format!(
                "{} lines curated{}: results warn and name the act",
                e.lines_curated,
                if e.lines_curated == 0 {
                    " (list not available)"
                } else {
                    ""
                }
            )),
            Cell::new(format!(
                "{} (curated/landed/eaeu_national_exceptions.csv)",
                e.act.split(':').next().unwrap_or(&e.act)
            )),
            Cell::new(match e.transition_until {
                Some(t) => format!("{}; reported to run until {t}", e.act_date),
                None => e.act_date.to_string(),
            }),
        ]);
    }
    let mut curated: BTreeMap<&str, (usize, std::collections::BTreeSet<&str>)> = BTreeMap::new();
    for l in &data.lines {
        let e = curated.entry(l.importer.as_str()).or_default();
        e.0 += 1;
        e.1.insert(l.source.split(['(', '\'']).next().unwrap_or("").trim());
    }
    for (importer, (n, sources)) in curated {
        t.add_row(vec![
            Cell::new(importer),
            Cell::new(format!("{n} curated rows (tariff_lines.csv)")),
            Cell::new(sources.into_iter().take(3).collect::<Vec<_>>().join("; ")),
            Cell::new("per row"),
        ]);
    }
    println!("tariff coverage (elsewhere: WTO averages, marked as such):\n{t}");
}
