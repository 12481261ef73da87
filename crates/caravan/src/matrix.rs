//! `caravan matrix` and `caravan reach`: many-to-many and one-to-all answers on the
//! contraction hierarchy.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use caravan_route::{Location, MatrixRequest, MatrixResponse};
use clap::{Args, ValueEnum};

use crate::compiled::open_router;
use crate::{bad_input, read_limited, request_options, Failure, RequestOptions};

/// Most sources x targets (or pairs) one matrix command computes.
const MAX_CELLS: usize = 4_000_000;
/// Largest places or pairs file read.
const MAX_LIST_FILE_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MatrixFormat {
    Csv,
    Json,
    /// Long form as CSV, one row group; needs --out.
    Parquet,
}

#[derive(Args)]
pub struct MatrixArgs {
    /// Origins: comma-separated places (names, ids, or "lat,lon" in double quotes), or
    /// @FILE: a CSV with a `place` column, or `lat` and `lon` columns.
    #[arg(long, required_unless_present = "pairs")]
    from: Option<String>,
    /// Destinations, as --from.
    #[arg(long, required_unless_present = "pairs")]
    to: Option<String>,
    /// @FILE: a CSV of sparse pairs with `from` and `to` columns, instead of --from/--to.
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pairs: Option<String>,
    /// Columns, comma-separated: hours, usd, km, co2e, generalized (USD + value of time +
    /// carbon), objective (the criterion's value).
    #[arg(long, value_delimiter = ',', default_value = "hours,usd,km,co2e")]
    metric: Vec<String>,
    #[command(flatten)]
    options: RequestOptions,
    /// csv (long form: from,to,<metrics>,reachable; one row per pair), json, or parquet (the
    /// CSV's columns, typed; needs --out).
    #[arg(long, value_enum, default_value_t = MatrixFormat::Csv)]
    format: MatrixFormat,
    /// Write here instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(Args)]
pub struct ReachArgs {
    /// Origin: a place name, UN/LOCODE, or "lat,lon".
    #[arg(long)]
    from: String,
    /// Keep places reached within this many hours.
    #[arg(long, value_name = "HOURS")]
    within_hours: Option<f64>,
    /// Keep places reached within this many USD.
    #[arg(long, value_name = "USD")]
    within_usd: Option<f64>,
    #[command(flatten)]
    options: RequestOptions,
    #[arg(long, value_enum, default_value_t = MatrixFormat::Csv)]
    format: MatrixFormat,
}

/// Parses `--from`/`--to`: a comma-separated list (quotes keep "lat,lon" together) or @FILE.
pub(crate) fn places(arg: &str, what: &str) -> Result<Vec<Location>, Failure> {
    if let Some(path) = arg.strip_prefix('@') {
        return places_file(Path::new(path), what);
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .trim(csv::Trim::All)
        .from_reader(arg.as_bytes());
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| bad_input(format!("--{what}: {e}")))?;
        out.extend(rec.iter().filter(|f| !f.is_empty()).map(Location::parse));
    }
    if out.is_empty() {
        return Err(bad_input(format!("--{what} names no place")));
    }
    Ok(out)
}

fn open_csv(path: &Path) -> Result<csv::Reader<std::io::Cursor<String>>, Failure> {
    let text = read_limited(path, MAX_LIST_FILE_BYTES)
        .map_err(|e| bad_input(format!("{}: {e}", path.display())))?;
    Ok(csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(std::io::Cursor::new(text)))
}

fn places_file(path: &Path, what: &str) -> Result<Vec<Location>, Failure> {
    let mut rdr = open_csv(path)?;
    let headers = rdr
        .headers()
        .map_err(|e| bad_input(format!("{}: {e}", path.display())))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (place, lat, lon) = (col("place"), col("lat"), col("lon"));
    if place.is_none() && (lat.is_none() || lon.is_none()) {
        return Err(bad_input(format!(
            "{} (--{what}): needs a `place` column, or `lat` and `lon` columns; found {}",
            path.display(),
            headers.iter().collect::<Vec<_>>().join(",")
        )));
    }
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| bad_input(format!("{} line {line}: {e}", path.display())))?;
        let loc = match (place, lat, lon) {
            (Some(p), _, _) if !rec.get(p).unwrap_or("").is_empty() => {
                Location::parse(rec.get(p).unwrap_or(""))
            }
            (_, Some(a), Some(b)) => {
                let num = |c: usize, name: &str| {
                    rec.get(c).unwrap_or("").parse::<f64>().map_err(|_| {
                        bad_input(format!(
                            "{} line {line}, field `{name}`: `{}` is not a number",
                            path.display(),
                            rec.get(c).unwrap_or("")
                        ))
                    })
                };
                Location::Coordinate {
                    lat: num(a, "lat")?,
                    lon: num(b, "lon")?,
                }
            }
            _ => {
                return Err(bad_input(format!(
                    "{} line {line}, field `place`: empty",
                    path.display()
                )))
            }
        };
        out.push(loc);
    }
    if out.is_empty() {
        return Err(bad_input(format!("{} has no rows", path.display())));
    }
    Ok(out)
}

/// Sparse pairs: the distinct sources, the distinct targets, and (source, target) indices.
type Pairs = (Vec<Location>, Vec<Location>, Vec<[usize; 2]>);

fn pairs_file(arg: &str) -> Result<Pairs, Failure> {
    let path = Path::new(arg.strip_prefix('@').ok_or_else(|| {
        bad_input("--pairs takes @FILE (a CSV with `from` and `to` columns)".into())
    })?);
    let mut rdr = open_csv(path)?;
    let headers = rdr
        .headers()
        .map_err(|e| bad_input(format!("{}: {e}", path.display())))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(f), Some(t)) = (col("from"), col("to")) else {
        return Err(bad_input(format!(
            "{}: needs `from` and `to` columns",
            path.display()
        )));
    };
    let mut sources: Vec<String> = Vec::new();
    let mut targets: Vec<String> = Vec::new();
    let mut pairs = Vec::new();
    let index = |list: &mut Vec<String>, v: &str| match list.iter().position(|x| x == v) {
        Some(i) => i,
        None => {
            list.push(v.to_owned());
            list.len() - 1
        }
    };
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| bad_input(format!("{} line {line}: {e}", path.display())))?;
        let (a, b) = (rec.get(f).unwrap_or(""), rec.get(t).unwrap_or(""));
        for (v, name) in [(a, "from"), (b, "to")] {
            if v.is_empty() {
                return Err(bad_input(format!(
                    "{} line {line}, field `{name}`: empty",
                    path.display()
                )));
            }
        }
        pairs.push([index(&mut sources, a), index(&mut targets, b)]);
    }
    if pairs.is_empty() {
        return Err(bad_input(format!("{} has no pairs", path.display())));
    }
    let locs = |v: Vec<String>| v.iter().map(|s| Location::parse(s)).collect();
    Ok((locs(sources), locs(targets), pairs))
}

fn check_metrics(metrics: &[String]) -> Result<(), Failure> {
    for m in metrics {
        if !["hours", "usd", "km", "co2e", "generalized", "objective"].contains(&m.as_str()) {
            return Err(bad_input(format!(
                "unknown metric `{m}`: use hours, usd, km, co2e, generalized or objective"
            )));
        }
    }
    Ok(())
}

pub fn matrix(dir: &Path, a: MatrixArgs) -> Result<(), Failure> {
    check_metrics(&a.metric)?;
    if a.format == MatrixFormat::Parquet && a.out.is_none() {
        return Err(bad_input("--format parquet needs --out FILE".into()));
    }
    let options = request_options(dir, &a.options)?;
    let (sources, targets, pairs) = match &a.pairs {
        Some(p) => {
            let (s, t, p) = pairs_file(p)?;
            (s, t, Some(p))
        }
        None => (
            places(a.from.as_deref().unwrap_or(""), "from")?,
            places(a.to.as_deref().unwrap_or(""), "to")?,
            None,
        ),
    };
    let cells = pairs
        .as_ref()
        .map_or(sources.len().saturating_mul(targets.len()), Vec::len);
    if cells > MAX_CELLS {
        return Err(bad_input(format!(
            "{cells} pairs asked for; one run computes at most {MAX_CELLS} (split the lists)"
        )));
    }
    caravan_server::edge::check_route_request(
        &options.route(sources[0].clone(), targets[0].clone()),
    )
    .map_err(bad_input)?;
    let opened =
        crate::compiled::open_router_for(dir, caravan_route::Engine::Hierarchy, &options.scenario)?;
    opened.ensure_hierarchy(dir);
    let router = &opened.router;
    let t = Instant::now();
    let req = MatrixRequest {
        sources,
        targets,
        pairs,
        corridor_keys: false,
        options,
    };
    // A bar on standard error for runs long enough to wait on (hidden when it is not a
    // terminal, so pipes and logs stay clean).
    let bar = indicatif::ProgressBar::with_draw_target(
        None,
        indicatif::ProgressDrawTarget::stderr_with_hz(4),
    )
    .with_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} matrix {bar:30} {pos}/{len} {msg}, {elapsed} (eta {eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(if req.pairs.is_some() {
        "pairs"
    } else {
        "searches"
    });
    let long = req.sources.len() * req.targets.len() >= 250_000
        || req.pairs.as_ref().is_some_and(|p| p.len() >= 250_000);
    let resp = router
        .matrix_with_progress(&req, &|done, total| {
            if long {
                bar.set_length(total);
                bar.set_position(done);
            }
        })
        .map_err(route_failure)?;
    bar.finish_and_clear();
    tracing::info!(
        elapsed_ms = t.elapsed().as_millis() as u64,
        cells = resp.cells.len(),
        "matrix computed"
    );
    for w in &resp.warnings {
        eprintln!("warning: {w}");
    }
    if a.format == MatrixFormat::Parquet {
        let path = a.out.as_deref().unwrap_or(Path::new("matrix.parquet"));
        return matrix_parquet(&resp, &a.metric, path)
            .with_context(|| format!("writing {}", path.display()))
            .map_err(Failure::from);
    }
    let text = match a.format {
        MatrixFormat::Json => serde_json::to_string_pretty(&resp).context("writing JSON")?,
        _ => matrix_csv(&resp, &a.metric),
    };
    match &a.out {
        Some(p) => std::fs::write(p, text).with_context(|| format!("writing {}", p.display()))?,
        None => print!("{text}"),
    }
    Ok(())
}

pub(crate) fn route_failure(e: caravan_route::RouteError) -> Failure {
    Failure {
        code: if e.is_bad_input() {
            crate::EXIT_BAD_INPUT
        } else {
            1
        },
        error: anyhow::Error::new(e),
        json: None,
    }
}

/// A cell's value for a metric name (checked by `check_metrics`).
fn metric_value(c: &caravan_route::MatrixCell, m: &str) -> Option<f64> {
    match m {
        "hours" => c.hours,
        "usd" => c.cost_usd,
        "km" => c.distance_km,
        "co2e" => c.co2e_kg,
        "generalized" => c.generalized_usd,
        _ => c.objective,
    }
}

/// The CSV's columns as a Parquet file: `from`, `to` (UTF-8), one optional DOUBLE per metric
/// (null when unreachable), `reachable` (BOOLEAN).
fn matrix_parquet(resp: &MatrixResponse, metrics: &[String], path: &Path) -> anyhow::Result<()> {
    use crate::parquet_out::{write, Column};
    let text =
        |f: &dyn Fn(&caravan_route::MatrixCell) -> String| resp.cells.iter().map(f).collect();
    let mut columns = vec![
        Column::Text("from", text(&|c| resp.sources[c.source].query.clone())),
        Column::Text("to", text(&|c| resp.targets[c.target].query.clone())),
    ];
    for m in metrics {
        let values = resp.cells.iter().map(|c| metric_value(c, m)).collect();
        columns.push(Column::Number(m.clone(), values));
    }
    columns.push(Column::Bool(
        "reachable",
        resp.cells.iter().map(|c| c.reachable).collect(),
    ));
    write(path, "matrix", &columns)
}

fn matrix_csv(resp: &MatrixResponse, metrics: &[String]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["from".to_string(), "to".to_string()];
    header.extend(metrics.iter().cloned());
    header.push("reachable".into());
    let _ = w.write_record(&header);
    for c in &resp.cells {
        let mut row = vec![
            resp.sources[c.source].query.clone(),
            resp.targets[c.target].query.clone(),
        ];
        for m in metrics {
            let v = metric_value(c, m);
            row.push(v.map(|x| x.to_string()).unwrap_or_default());
        }
        row.push(c.reachable.to_string());
        let _ = w.write_record(&row);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

pub fn reach(dir: &Path, a: ReachArgs) -> Result<(), Failure> {
    if a.format == MatrixFormat::Parquet {
        return Err(bad_input(
            "reach writes csv or json (parquet is for matrices)".into(),
        ));
    }
    for (v, name) in [
        (a.within_hours, "--within-hours"),
        (a.within_usd, "--within-usd"),
    ] {
        if let Some(v) = v {
            if !(v.is_finite() && v > 0.0) {
                return Err(bad_input(format!(
                    "{name} must be a positive number, got {v}"
                )));
            }
        }
    }
    let options = request_options(dir, &a.options)?;
    let from = Location::parse(&a.from);
    caravan_server::edge::check_route_request(&options.route(from.clone(), from.clone()))
        .map_err(bad_input)?;
    let opened = open_router(dir, caravan_route::Engine::Hierarchy)?;
    opened.ensure_hierarchy(dir);
    let router = &opened.router;
    let (origin, mut reached) = router.reach_all(&from, &options).map_err(route_failure)?;
    reached.retain(|r| {
        a.within_hours.is_none_or(|h| r.hours <= h) && a.within_usd.is_none_or(|u| r.cost_usd <= u)
    });
    reached.sort_by(|x, y| x.hours.total_cmp(&y.hours));
    match a.format {
        MatrixFormat::Json => {
            let v = serde_json::json!({ "origin": origin, "reached": reached });
            println!(
                "{}",
                serde_json::to_string_pretty(&v).context("writing JSON")?
            );
        }
        MatrixFormat::Parquet => {
            return Err(bad_input(
                "reach writes csv or json (parquet is for matrices)".into(),
            ))
        }
        MatrixFormat::Csv => {
            let mut w = csv::Writer::from_writer(std::io::stdout());
            let _ = w.write_record([
                "place_id",
                "name",
                "country",
                "hours",
                "usd",
                "km",
                "co2e",
                "objective",
            ]);
            for r in &reached {
                let _ = w.write_record([
                    r.place_id.clone(),
                    r.name.clone(),
                    r.country.clone(),
                    r.hours.to_string(),
                    r.cost_usd.to_string(),
                    r.distance_km.to_string(),
                    r.co2e_kg.to_string(),
                    r.objective.to_string(),
                ]);
            }
            let _ = w.flush();
        }
    }
    Ok(())
}
