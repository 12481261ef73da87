//! `caravan compare` (base vs scenario matrices) and `caravan access` (accessibility of
//! places, base vs scenario): argument parsing and output formats. The analysis is in
//! `caravan_impact::{compare, access}`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use caravan_impact::access::AccessReport;
use caravan_impact::compare::{expand_top, largest_places, Comparison};
use caravan_route::{Location, Scenario};
use clap::{Args, ValueEnum};

use crate::matrix::{places, route_failure};
use crate::{bad_input, request_options, Failure, RequestOptions};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompareFormat {
    /// Summary, country pairs, winners and losers.
    Table,
    /// One row per pair: base, scenario and their difference.
    Csv,
    /// Everything, with both matrices.
    Json,
    /// The pairs as lines (changed pairs only), with the deltas as properties.
    Geojson,
    /// The CSV's columns, typed (needs --out).
    Parquet,
}

#[derive(Args)]
pub struct CompareArgs {
    /// Origins: comma-separated places, @FILE (a CSV with a `place` column), or top:N (the N
    /// most populous cities of the SCO / CAREC countries).
    #[arg(long)]
    from: String,
    /// Destinations, as --from.
    #[arg(long)]
    to: String,
    /// The scenario (library id or file) and every other option of `caravan route`: the base
    /// is the same request without the scenario's changes.
    #[command(flatten)]
    options: RequestOptions,
    #[arg(long, value_enum, default_value_t = CompareFormat::Table)]
    format: CompareFormat,
    /// Write here instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AccessFormat {
    Table,
    Csv,
    Json,
    /// Points with base, scenario and delta properties (for graduated circles).
    Geojson,
}

#[derive(Args)]
pub struct AccessArgs {
    /// Places to measure: comma-separated, @FILE, or top:N (default top:200).
    #[arg(long, default_value = "top:200")]
    places: String,
    /// Markets for market access: the N most populous cities of the region (default 200).
    #[arg(long, default_value_t = 200)]
    markets: usize,
    /// Distance elasticity of trade applied to the generalized cost (negative); default the
    /// PPML fit on the shipped Advanced Guide ch. 2 data, 2006.
    #[arg(long, allow_negative_numbers = true)]
    elasticity: Option<f64>,
    /// Places listed in the table, most gaining first.
    #[arg(long, default_value_t = 20)]
    top: usize,
    #[command(flatten)]
    options: RequestOptions,
    #[arg(long, value_enum, default_value_t = AccessFormat::Table)]
    format: AccessFormat,
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Most places one list may hold (after `top:N` is expanded).
const MAX_PLACES: usize = 2000;

/// A place list (`--from`, `--to`, `--places`) with `top:N` expanded, at most `MAX_PLACES`.
fn place_list(net: &caravan_net::Network, arg: &str, what: &str) -> Result<Vec<Location>, Failure> {
    let list = expand_top(net, places(arg, what)?, MAX_PLACES).map_err(route_failure)?;
    if list.len() > MAX_PLACES {
        return Err(bad_input(format!(
            "--{what}: at most {MAX_PLACES} places, got {}",
            list.len()
        )));
    }
    Ok(list)
}

fn write_out(out: &Option<PathBuf>, text: &str) -> Result<(), Failure> {
    match out {
        Some(p) => std::fs::write(p, text).map_err(|e| Failure {
            code: 1,
            error: anyhow::anyhow!("writing {}: {e}", p.display()),
            json: None,
        }),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

fn opt(x: Option<f64>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

pub fn compare(dir: &Path, a: CompareArgs) -> Result<(), Failure> {
    if a.format == CompareFormat::Parquet && a.out.is_none() {
        return Err(bad_input("--format parquet needs --out FILE".into()));
    }
    let mut options = request_options(dir, &a.options)?;
    let scenario = std::mem::take(&mut options.scenario);
    if scenario.is_empty() {
        return Err(bad_input(
            "compare needs a scenario: --scenario ID|FILE, or --close-bcp / --open-bcp / --bcp-wait / --bcp-fee".into(),
        ));
    }
    let opened =
        crate::compiled::open_router_for(dir, caravan_route::Engine::Hierarchy, &scenario)?;
    opened.ensure_hierarchy(dir);
    let router = Arc::clone(&opened.router);
    let net = router.network();
    let sources = place_list(net, &a.from, "from")?;
    let targets = place_list(net, &a.to, "to")?;
    let c = caravan_impact::compare::compare(&router, sources, targets, &options, &scenario)
        .map_err(route_failure)?;
    eprintln!(
        "compared {} pairs: base matrix {:.2} s, scenario matrix {:.2} s",
        c.pairs.len(),
        c.base_seconds,
        c.scenario_seconds
    );
    match a.format {
        CompareFormat::Table => write_out(&a.out, &compare_table(&c)),
        CompareFormat::Csv => write_out(&a.out, &compare_csv(&c)),
        CompareFormat::Json => write_out(
            &a.out,
            &serde_json::to_string_pretty(&c).map_err(|e| Failure::from(anyhow::Error::from(e)))?,
        ),
        CompareFormat::Geojson => write_out(&a.out, &compare_geojson(&c)),
        CompareFormat::Parquet => {
            let path = a.out.as_deref().unwrap_or(Path::new("compare.parquet"));
            compare_parquet(&c, path).map_err(Failure::from)
        }
    }
}

fn scenario_name(s: &Scenario) -> String {
    s.name.clone().unwrap_or_else(|| "scenario".into())
}

pub fn compare_table(c: &Comparison) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "Base vs {}", scenario_name(&c.scenario));
    let _ = writeln!(
        o,
        "  {} sources x {} targets; {} pairs reachable in both: {} improved, {} worsened; {} newly reachable, {} no longer reachable",
        c.base.sources.len(),
        c.base.targets.len(),
        c.comparable_pairs,
        c.improved_pairs,
        c.worsened_pairs,
        c.newly_reachable_pairs,
        c.no_longer_reachable_pairs
    );
    let _ = writeln!(
        o,
        "  best route changes corridor (other crossings or ports) for {:.1}% of the pairs",
        c.corridor_changed_share * 100.0
    );
    let _ = writeln!(
        o,
        "  matrices: base {:.2} s, scenario {:.2} s\n",
        c.base_seconds, c.scenario_seconds
    );
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_HORIZONTAL_ONLY);
    t.set_header([
        "from",
        "to",
        "pairs",
        "improved",
        "worse",
        "new corridor",
        "mean dh",
        "mean dUSD gen",
        "mean d%",
    ]);
    let changed: Vec<_> = c
        .country_pairs
        .iter()
        .filter(|p| p.improved + p.worsened + p.corridor_changed > 0)
        .collect();
    for p in changed.iter().take(25) {
        t.add_row([
            p.from.clone(),
            p.to.clone(),
            p.pairs.to_string(),
            p.improved.to_string(),
            p.worsened.to_string(),
            p.corridor_changed.to_string(),
            format!("{:+.1}", p.mean_delta_hours),
            format!("{:+.0}", p.mean_delta_generalized_usd),
            format!("{:+.2}", p.mean_delta_generalized_pct),
        ]);
    }
    if changed.is_empty() {
        let _ = writeln!(o, "No country pair changes.");
    } else {
        let _ = writeln!(
            o,
            "Country pairs that change ({} of {}; generalized cost = USD + value of time + carbon):\n{t}",
            changed.len(),
            c.country_pairs.len()
        );
    }
    for (title, list) in [
        ("Places that gain most", &c.winners),
        ("Places that lose most", &c.losers),
    ] {
        if list.is_empty() {
            continue;
        }
        let mut t = comfy_table::Table::new();
        t.load_preset(comfy_table::presets::UTF8_HORIZONTAL_ONLY);
        t.set_header([
            "place",
            "country",
            "pairs",
            "mean dh",
            "mean d% generalized",
        ]);
        for p in list.iter().take(10) {
            t.add_row([
                p.name.clone(),
                p.country.clone(),
                p.pairs.to_string(),
                format!("{:+.1}", p.mean_delta_hours),
                format!("{:+.2}", p.mean_delta_generalized_pct),
            ]);
        }
        let _ = writeln!(o, "\n{title} (as origins):\n{t}");
    }
    let mut w: Vec<&String> = c
        .base
        .warnings
        .iter()
        .chain(&c.with_scenario.warnings)
        .collect();
    w.sort();
    w.dedup();
    for x in w {
        let _ = writeln!(o, "warning: {x}");
    }
    o
}

const PAIR_COLUMNS: [&str; 13] = [
    "base_hours",
    "scenario_hours",
    "delta_hours",
    "base_cost_usd",
    "scenario_cost_usd",
    "delta_cost_usd",
    "base_km",
    "scenario_km",
    "base_generalized_usd",
    "scenario_generalized_usd",
    "delta_generalized_usd",
    "reach_change",
    "corridor_changed",
];

fn pair_values(p: &caravan_impact::compare::PairDelta) -> [Option<f64>; 11] {
    [
        p.base_hours,
        p.scenario_hours,
        p.delta_hours,
        p.base_cost_usd,
        p.scenario_cost_usd,
        p.delta_cost_usd,
        p.base_km,
        p.scenario_km,
        p.base_generalized_usd,
        p.scenario_generalized_usd,
        p.delta_generalized_usd,
    ]
}

pub fn compare_csv(c: &Comparison) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["from", "from_country", "to", "to_country"];
    header.extend(PAIR_COLUMNS);
    let _ = w.write_record(&header);
    for p in &c.pairs {
        let (s, t) = (&c.base.sources[p.source], &c.base.targets[p.target]);
        let mut row = vec![
            s.name.clone(),
            s.country.clone(),
            t.name.clone(),
            t.country.clone(),
        ];
        row.extend(pair_values(p).iter().map(|v| opt(*v)));
        row.push(p.reach_change.to_string());
        row.push(p.corridor_changed.to_string());
        let _ = w.write_record(&row);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

fn compare_geojson(c: &Comparison) -> String {
    let features: Vec<serde_json::Value> = c
        .pairs
        .iter()
        .filter(|p| {
            p.reach_change != 0
                || p.corridor_changed
                || p.delta_generalized_usd.is_some_and(|d| d.abs() > 0.01)
        })
        .map(|p| {
            let (s, t) = (&c.base.sources[p.source], &c.base.targets[p.target]);
            serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[s.lon, s.lat], [t.lon, t.lat]]},
                "properties": {
                    "from": s.name, "to": t.name,
                    "delta_hours": p.delta_hours, "delta_cost_usd": p.delta_cost_usd,
                    "delta_generalized_usd": p.delta_generalized_usd,
                    "reach_change": p.reach_change, "corridor_changed": p.corridor_changed,
                }
            })
        })
        .collect();
    serde_json::to_string(&serde_json::json!({"type": "FeatureCollection", "features": features}))
        .unwrap_or_default()
}

fn compare_parquet(c: &Comparison, path: &Path) -> anyhow::Result<()> {
    use crate::parquet_out::{write, Column};
    let ends =
        |f: &dyn Fn(&caravan_route::MatrixEndpoint, &caravan_route::MatrixEndpoint) -> String| {
            c.pairs
                .iter()
                .map(|p| f(&c.base.sources[p.source], &c.base.targets[p.target]))
                .collect()
        };
    let mut columns = vec![
        Column::Text("from", ends(&|s, _| s.name.clone())),
        Column::Text("from_country", ends(&|s, _| s.country.clone())),
        Column::Text("to", ends(&|_, t| t.name.clone())),
        Column::Text("to_country", ends(&|_, t| t.country.clone())),
    ];
    for (k, name) in PAIR_COLUMNS[..11].iter().enumerate() {
        let values = c.pairs.iter().map(|p| pair_values(p)[k]).collect();
        columns.push(Column::Number((*name).to_owned(), values));
    }
    columns.push(Column::Int(
        "reach_change",
        c.pairs.iter().map(|p| p.reach_change as i32).collect(),
    ));
    columns.push(Column::Bool(
        "corridor_changed",
        c.pairs.iter().map(|p| p.corridor_changed).collect(),
    ));
    write(path, "compare", &columns)
}

/// The elasticity to use and where it comes from.
pub fn elasticity(given: Option<f64>) -> Result<(f64, String), Failure> {
    match given {
        Some(e) if (-10.0..0.0).contains(&e) => Ok((e, "given".into())),
        Some(e) => Err(bad_input(format!(
            "--elasticity must be negative (and at least -10), got {e}"
        ))),
        None => {
            let d = caravan_impact::fitted_distance_elasticity()
                .map_err(|e| Failure::from(anyhow::anyhow!(e.to_string())))?;
            Ok((d.elasticity, d.source))
        }
    }
}

pub fn access(dir: &Path, a: AccessArgs) -> Result<(), Failure> {
    let mut options = request_options(dir, &a.options)?;
    let scenario = std::mem::take(&mut options.scenario);
    if !(1..=MAX_PLACES).contains(&a.markets) {
        return Err(bad_input(format!(
            "--markets must be 1 to {MAX_PLACES}, got {}",
            a.markets
        )));
    }
    let e = elasticity(a.elasticity)?;
    let opened =
        crate::compiled::open_router_for(dir, caravan_route::Engine::Hierarchy, &scenario)?;
    opened.ensure_hierarchy(dir);
    let router = Arc::clone(&opened.router);
    let net = router.network();
    let list = place_list(net, &a.places, "places")?;
    let markets = largest_places(net, a.markets);
    let r = caravan_impact::access::accessibility(&router, list, markets, &options, &scenario, e)
        .map_err(route_failure)?;
    eprintln!(
        "accessibility of {} places (base and scenario) in {:.2} s",
        r.places.len(),
        r.seconds
    );
    match a.format {
        AccessFormat::Table => write_out(&a.out, &access_table(&r, a.top)),
        AccessFormat::Csv => write_out(&a.out, &access_csv(&r)),
        AccessFormat::Json => write_out(
            &a.out,
            &serde_json::to_string_pretty(&r).map_err(|e| Failure::from(anyhow::Error::from(e)))?,
        ),
        AccessFormat::Geojson => write_out(&a.out, &access_geojson(&r)),
    }
}

fn access_table(r: &AccessReport, top: usize) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Accessibility of {} places, base vs {} (by road and rail; market access over the {} largest cities, elasticity {:.3}: {})",
        r.places.len(),
        scenario_name(&r.scenario),
        r.markets,
        r.elasticity,
        r.elasticity_source
    );
    let mut v: Vec<_> = r.places.iter().collect();
    v.sort_by(|a, b| {
        b.delta_market_access_pct
            .unwrap_or(0.0)
            .total_cmp(&a.delta_market_access_pct.unwrap_or(0.0))
            .then_with(|| a.name.cmp(&b.name))
    });
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_HORIZONTAL_ONLY);
    t.set_header([
        "place",
        "cc",
        "nearest port (base)",
        "h",
        "h scen",
        "nearest open crossing (base)",
        "h",
        "h scen",
        "MA d%",
    ]);
    let f = |x: Option<f64>| x.map(|v| format!("{v:.1}")).unwrap_or_else(|| "-".into());
    for p in v.iter().take(top) {
        t.add_row([
            p.name.clone(),
            p.country.clone(),
            p.base.port.clone().unwrap_or_else(|| "-".into()),
            f(p.base.port_hours),
            f(p.scenario.port_hours),
            p.base.border.clone().unwrap_or_else(|| "-".into()),
            f(p.base.border_hours),
            f(p.scenario.border_hours),
            p.delta_market_access_pct
                .map(|d| format!("{d:+.2}"))
                .unwrap_or_else(|| "-".into()),
        ]);
    }
    let _ = writeln!(o, "{t}");
    for w in &r.warnings {
        let _ = writeln!(o, "warning: {w}");
    }
    o
}

fn access_csv(r: &AccessReport) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "place_id",
        "name",
        "country",
        "lat",
        "lon",
        "population",
        "base_port",
        "base_port_hours",
        "base_port_cost_usd",
        "scenario_port",
        "scenario_port_hours",
        "scenario_port_cost_usd",
        "base_border",
        "base_border_hours",
        "scenario_border",
        "scenario_border_hours",
        "base_market_access",
        "scenario_market_access",
        "delta_market_access_pct",
    ]);
    for p in &r.places {
        let _ = w.write_record([
            p.place_id.clone().unwrap_or_default(),
            p.name.clone(),
            p.country.clone(),
            p.lat.to_string(),
            p.lon.to_string(),
            p.population.map(|x| x.to_string()).unwrap_or_default(),
            p.base.port.clone().unwrap_or_default(),
            opt(p.base.port_hours),
            opt(p.base.port_cost_usd),
            p.scenario.port.clone().unwrap_or_default(),
            opt(p.scenario.port_hours),
            opt(p.scenario.port_cost_usd),
            p.base.border.clone().unwrap_or_default(),
            opt(p.base.border_hours),
            p.scenario.border.clone().unwrap_or_default(),
            opt(p.scenario.border_hours),
            opt(p.base.market_access),
            opt(p.scenario.market_access),
            opt(p.delta_market_access_pct),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

fn access_geojson(r: &AccessReport) -> String {
    let features: Vec<serde_json::Value> = r
        .places
        .iter()
        .map(|p| {
            serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
                "properties": {
                    "name": p.name, "country": p.country, "population": p.population,
                    "base_port_hours": p.base.port_hours, "scenario_port_hours": p.scenario.port_hours,
                    "base_border_hours": p.base.border_hours, "scenario_border_hours": p.scenario.border_hours,
                    "base_market_access": p.base.market_access, "scenario_market_access": p.scenario.market_access,
                    "delta_market_access_pct": p.delta_market_access_pct,
                }
            })
        })
        .collect();
    serde_json::to_string(&serde_json::json!({"type": "FeatureCollection", "features": features}))
        .unwrap_or_default()
}
