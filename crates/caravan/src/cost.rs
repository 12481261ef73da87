//! `caravan cost` and `caravan hs`: the landed-cost engine from the command line.

use std::path::{Path, PathBuf};

use caravan_cost::{
    CostData, CostEngine, CostError, CostRequest, Date, FxOverride, Incoterm, LandedCost,
    ShipmentKind, Transport,
};
use caravan_net::{Country, Layer, PlaceIndex};
use caravan_route::Location;
use clap::{Args, Subcommand};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, Table};
use serde_json::json;

use crate::{bad_input, Failure, Format, EXIT_BAD_INPUT};

#[derive(Args)]
pub struct CostArgs {
    /// HS code of the goods (2-10 digits, dots allowed); `caravan hs search` finds it.
    #[arg(long)]
    hs: String,
    /// Invoice value of the goods, in --currency (0-10^12).
    #[arg(long, value_name = "AMOUNT")]
    value: f64,
    /// Currency of --value (ISO 4217, e.g. USD, EUR, CNY).
    #[arg(long, default_value = "USD")]
    currency: String,
    /// Exporting country (ISO alpha-2) or a place in it.
    #[arg(long)]
    from: String,
    /// Importing country (ISO alpha-2) or a place in it.
    #[arg(long)]
    to: String,
    /// Declaration date, YYYY-MM-DD (default: today).
    #[arg(long)]
    date: Option<String>,
    /// Incoterm of the price: EXW, FCA, FOB (default), CFR, CPT, CIF, CIP, DAP, DPU, DDP.
    #[arg(long, default_value = "FOB")]
    incoterm: String,
    /// Gross weight in kg (per-kg duties, parcel limits, route freight).
    #[arg(long, value_name = "KG")]
    weight_kg: Option<f64>,
    /// Net weight in kg (per-kg duties are charged on it; default: --weight-kg).
    #[arg(long, value_name = "KG")]
    net_weight_kg: Option<f64>,
    /// Pieces (per-piece duties; also pairs when --pairs is absent).
    #[arg(long, value_name = "N")]
    quantity: Option<f64>,
    /// Pairs (per-pair duties on footwear).
    #[arg(long, value_name = "N")]
    pairs: Option<f64>,
    /// Area in m2 (per-m2 duties).
    #[arg(long, value_name = "M2")]
    area_m2: Option<f64>,
    /// Litres (per-litre duties).
    #[arg(long, value_name = "LITRES")]
    litres: Option<f64>,
    /// Engine capacity in cm3 (per-cm3 duties on vehicles).
    #[arg(long, value_name = "CM3")]
    engine_cm3: Option<f64>,
    /// A parcel to a private buyer, by `postal` or `express` channel (de minimis rules).
    #[arg(long, value_name = "CHANNEL")]
    parcel: Option<String>,
    /// Freight to the buyer in USD (or use --route).
    #[arg(long, conflicts_with = "route", value_name = "USD")]
    freight_usd: Option<f64>,
    /// Part of the freight up to the importing border, USD (CIF valuation); at most
    /// --freight-usd; default: all of it.
    #[arg(long, requires = "freight_usd", value_name = "USD")]
    freight_to_border_usd: Option<f64>,
    /// Insurance in USD (default: from the incoterm and the data).
    #[arg(long, value_name = "USD")]
    insurance_usd: Option<f64>,
    /// Plan the freight with the router between --from and --to (places, not countries).
    #[arg(long)]
    route: bool,
    /// Modes for --route (default: all).
    #[arg(long, value_delimiter = ',', requires = "route")]
    modes: Vec<String>,
    /// Pay MFN even where a trade agreement would give a preference.
    #[arg(long)]
    no_preference: bool,
    /// A national tariff schedule that overrides the curated rates for its lines: Caravan's
    /// CSV (hs,duty_kind,ad_valorem_pct,specific_amount,specific_currency,specific_unit
    /// [,valid_from,valid_to,importer,description,source]) or a WITS / UNCTAD TRAINS export as
    /// WITS writes it (MFN rows; see data/curated/landed/WITS_FORMAT.md).
    #[arg(long, value_name = "CSV")]
    tariff: Option<PathBuf>,
    /// Exchange rate override, `CUR=units per USD` (repeatable), e.g. EUR=0.92.
    #[arg(long, value_name = "CUR=RATE")]
    fx: Vec<String>,
    /// table or json (geojson is for routes only).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Subcommand)]
pub enum HsCommand {
    /// Find HS 2022 codes by words or by code prefix.
    #[command(allow_negative_numbers = true)]
    Search {
        /// Words of the description or a code prefix (at most 100 characters).
        query: String,
        /// Most results to print (1-100).
        #[arg(long, default_value_t = 10)]
        limit: i64,
        /// table or json (geojson is for routes only).
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Date::from_unix_days((secs / 86_400) as i64)
        .unwrap_or_else(|| "2026-01-01".parse().expect("a literal date parses"))
}

fn cost_failure(e: CostError) -> Failure {
    let mut err = json!({"code": e.code(), "message": e.to_string()});
    if let CostError::UnknownHs { suggestions, .. } = &e {
        err["suggestions"] = json!(suggestions);
    }
    Failure {
        code: EXIT_BAD_INPUT,
        error: anyhow::anyhow!(e.to_string()),
        json: Some(json!({ "error": err })),
    }
}

pub fn load_engine(
    dir: &Path,
    tariff: Option<&Path>,
    default_importer: &str,
) -> Result<CostEngine, Failure> {
    let data = CostData::load_dir(dir).map_err(|e| {
        anyhow::anyhow!(e).context(format!("loading landed-cost data from {}", dir.display()))
    })?;
    let mut engine = CostEngine::new(data);
    if let Some(path) = tariff {
        // A national schedule is a few MB; the limit keeps a FIFO or /dev/zero from eating memory.
        let text = read_schedule_text(path, 64 * 1024 * 1024).map_err(|e| {
            bad_input(format!(
                "cannot read the tariff schedule {}: {e}",
                path.display()
            ))
        })?;
        let schedule = caravan_cost::read_user_schedule(
            &path.display().to_string(),
            &text,
            Some(default_importer),
        )
        .map_err(|e| bad_input(format!("tariff schedule: {e}")))?;
        if schedule.lines.is_empty() {
            return Err(bad_input(format!(
                "tariff schedule {} ({}): no usable rows{}",
                path.display(),
                schedule.layout.describe(),
                if schedule.skipped.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", schedule.skipped.join("; "))
                }
            )));
        }
        for s in &schedule.skipped {
            eprintln!(
                "note: tariff schedule {} ({}): {s}",
                path.display(),
                schedule.layout.describe()
            );
        }
        let lines = schedule.lines;
        engine = engine.with_user_schedule(lines);
    }
    Ok(engine)
}

/// Reads a schedule file: UTF-8 (with or without a byte-order mark), else Windows-1252 /
/// Latin-1 as WITS exports often are (codes and numbers are ASCII either way).
fn read_schedule_text(path: &Path, max: u64) -> anyhow::Result<String> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut buf = Vec::new();
    file.take(max + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > max {
        anyhow::bail!("the file is larger than the limit of {max} bytes");
    }
    Ok(match String::from_utf8(buf) {
        Ok(s) => s,
        Err(e) => e.into_bytes().into_iter().map(char::from).collect(),
    })
}

/// A two-letter code is a country; anything else is a place whose country is taken.
fn country_of(
    s: &str,
    places: &mut Option<(Vec<caravan_net::Place>, PlaceIndex)>,
    dir: &Path,
) -> Result<String, Failure> {
    let t = s.trim();
    if t.len() == 2 && t.chars().all(|c| c.is_ascii_alphabetic()) {
        return Country::parse(t)
            .map(|c| c.to_string())
            .ok_or_else(|| bad_input(format!("`{t}` is not an ISO alpha-2 country code")));
    }
    if places.is_none() {
        let list = caravan_net::load_places(dir).map_err(|e| anyhow::anyhow!(e))?;
        let index = PlaceIndex::new(&list);
        *places = Some((list, index));
    }
    let (list, index) = places.as_ref().expect("just loaded");
    match index.resolve(t) {
        Ok(i) => Ok(list[i].country.to_string()),
        Err(near) => Err(bad_input(format!(
            "unknown place `{t}`; did you mean: {}? (or give an ISO alpha-2 country code)",
            near.iter()
                .take(5)
                .map(|m| format!("{} ({})", list[m.index].name, list[m.index].country))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// A limit broken at the edge, with the same JSON error as the engine's own.
fn edge_failure(code: &str, message: String) -> Failure {
    Failure {
        code: EXIT_BAD_INPUT,
        json: Some(json!({"error": {"code": code, "message": message}})),
        error: anyhow::anyhow!(message),
    }
}

/// `--format geojson` means nothing for a table of codes or amounts.
fn no_geojson(format: Format) -> Result<(), Failure> {
    if format == Format::Geojson {
        return Err(bad_input(
            "--format geojson is only for routes; use table or json".to_owned(),
        ));
    }
    Ok(())
}

pub fn cost(dir: &Path, a: CostArgs) -> Result<(), Failure> {
    no_geojson(a.format)?;
    for (name, v) in [("--from", &a.from), ("--to", &a.to)] {
        caravan_server::edge::check_text(name, v, caravan_server::edge::MAX_QUERY_CHARS)
            .map_err(bad_input)?;
    }
    let mut places = None;
    let origin = country_of(&a.from, &mut places, dir)?;
    let destination = country_of(&a.to, &mut places, dir)?;
    let date = match &a.date {
        Some(d) => d.parse().map_err(bad_input)?,
        None => today(),
    };
    let incoterm = Incoterm::parse(&a.incoterm)
        .ok_or_else(|| bad_input(format!("unknown incoterm `{}`", a.incoterm)))?;
    let shipment = match a.parcel.as_deref() {
        None => ShipmentKind::Commercial,
        Some("postal" | "post") => ShipmentKind::PostalParcel,
        Some("express" | "courier") => ShipmentKind::ExpressParcel,
        Some(other) => {
            return Err(bad_input(format!(
                "unknown parcel channel `{other}`: use postal or express"
            )))
        }
    };
    let mut fx = Vec::new();
    for s in &a.fx {
        let (cur, rate) = crate::parse_assignment(s, "RATE")?;
        fx.push(FxOverride {
            currency: cur.to_ascii_uppercase(),
            per_usd: rate,
        });
    }
    let engine = load_engine(dir, a.tariff.as_deref(), &destination)?;

    let mut req = CostRequest {
        hs: a.hs,
        value: a.value,
        currency: a.currency,
        incoterm,
        origin,
        destination,
        date,
        shipment,
        weight_kg: a.weight_kg,
        net_weight_kg: a.net_weight_kg,
        quantity: a.quantity,
        pairs: a.pairs,
        area_m2: a.area_m2,
        litres: a.litres,
        engine_cm3: a.engine_cm3,
        transport: Transport {
            freight_usd: a.freight_usd,
            freight_to_border_usd: a.freight_to_border_usd,
            insurance_usd: a.insurance_usd,
            ..Transport::default()
        },
        claim_preference: !a.no_preference,
        fx,
    };
    caravan_server::edge::check_cost_request(&req)
        .map_err(|m| edge_failure("invalid_request", m))?;
    let mut notes = Vec::new();
    if a.route {
        let mut modes = Vec::new();
        for m in &a.modes {
            modes.push(Layer::parse(m).ok_or_else(|| bad_input(format!("unknown mode `{m}`")))?);
        }
        let route_req = caravan_cost::freight_route_request(
            &req,
            Location::parse(&a.from),
            Location::parse(&a.to),
            modes,
            &engine.data().fx,
        )
        .map_err(cost_failure)?;
        let router = crate::compiled::open_router(dir, caravan_route::Engine::AStar)?.router;
        let resp = router
            .route(&route_req)
            .map_err(|e| bad_input(format!("--route: {e}")))?;
        notes.extend(caravan_cost::use_route_freight(&mut req, &resp).map(str::to_owned));
    }
    let mut result = engine.compute(&req).map_err(cost_failure)?;
    caravan_server::edge::check_landed_cost(&result).map_err(|m| edge_failure("not_finite", m))?;
    result.warnings.extend(notes);
    match a.format {
        Format::Table => print_cost(&result),
        _ => println!(
            "{}",
            serde_json::to_string_pretty(&result).map_err(|e| anyhow::anyhow!(e))?
        ),
    }
    Ok(())
}

fn money(x: Option<f64>) -> String {
    x.map_or("unknown".to_owned(), |v| format!("{v:.2}"))
}

fn print_cost(r: &LandedCost) {
    println!(
        "HS {}: {}\n{} -> {}, {}, {}, {}; customs value ({} basis) USD {:.2}",
        r.goods.hs,
        r.goods.description,
        r.origin,
        r.destination,
        r.date,
        r.incoterm,
        match r.shipment {
            ShipmentKind::Commercial => "commercial cargo",
            ShipmentKind::PostalParcel => "postal parcel",
            ShipmentKind::ExpressParcel => "express parcel",
        },
        r.valuation_basis,
        r.customs_value_usd
    );
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header(vec!["", "line", "base USD", "rate", "amount USD", "src"]);
    let mut sources: Vec<String> = Vec::new();
    for l in &r.lines {
        let src = if l.source.is_empty() {
            String::new()
        } else {
            let i = sources
                .iter()
                .position(|s| s == &l.source)
                .unwrap_or_else(|| {
                    sources.push(l.source.clone());
                    sources.len() - 1
                });
            format!("[{}]", i + 1)
        };
        t.add_row(vec![
            Cell::new(&l.kind),
            Cell::new(&l.label),
            Cell::new(l.base.map_or(String::new(), |b| format!("{b:.2}")))
                .set_alignment(CellAlignment::Right),
            Cell::new(l.rate.clone().unwrap_or_default()),
            Cell::new(money(l.amount)).set_alignment(CellAlignment::Right),
            Cell::new(src),
        ]);
    }
    t.add_row(vec![
        Cell::new("total"),
        Cell::new(if r.complete {
            "landed cost"
        } else {
            "landed cost (lower bound: see unknown)"
        }),
        Cell::new(""),
        Cell::new(""),
        Cell::new(format!("{:.2}", r.total.amount)).set_alignment(CellAlignment::Right),
        Cell::new(""),
    ]);
    println!("{t}");
    if let Some(l) = &r.total_local {
        println!("total in local currency: {:.2} {}", l.amount, l.currency);
    }
    println!(
        "duty basis: {}{}",
        r.duty_basis.level,
        r.duty_basis
            .agreement
            .as_ref()
            .map_or(String::new(), |a| format!(
                " under {} (MFN would be {})",
                a.name,
                r.duty_basis
                    .mfn_rate
                    .clone()
                    .unwrap_or_else(|| "unknown".to_owned())
            ))
    );
    for l in r.lines.iter().filter(|l| !l.note.is_empty()) {
        println!("  {}: {}", l.kind, l.note);
    }
    if !r.national_lines.is_empty() {
        println!("national lines of the EAEU tariff under {}:", r.goods.hs);
        for n in &r.national_lines {
            println!(
                "  {}  {}  [{}]  duty USD {}",
                n.hs,
                n.description,
                n.rate,
                money(n.duty_usd)
            );
        }
    }
    if let Some(range) = &r.duty_range {
        println!(
            "duty range over those lines: USD {:.2} to {:.2}{}",
            range.min_usd,
            range.max_usd,
            if range.complete {
                ""
            } else {
                " (lines needing a quantity not given are left out)"
            }
        );
    }
    for u in &r.unknown {
        println!("unknown: {}: {}", u.item, u.reason);
    }
    for w in &r.warnings {
        println!("warning: {w}");
    }
    for f in &r.fx_used {
        println!(
            "fx: 1 USD = {} {} ({}; {})",
            f.per_usd, f.currency, f.date, f.source
        );
    }
    for (i, s) in sources.iter().enumerate() {
        println!("[{}] {s}", i + 1);
    }
}

pub fn hs(dir: &Path, cmd: HsCommand) -> Result<(), Failure> {
    let HsCommand::Search {
        query,
        limit,
        format,
    } = cmd;
    no_geojson(format)?;
    caravan_server::edge::check_text("query", &query, caravan_server::edge::MAX_QUERY_CHARS)
        .map_err(bad_input)?;
    if !(1..=100).contains(&limit) {
        return Err(bad_input(format!("--limit must be 1 to 100, got {limit}")));
    }
    let data = CostData::load_dir(dir).map_err(|e| anyhow::anyhow!(e))?;
    let hits = data.hs.search(&query, limit as usize);
    let national = caravan_cost::national::search(&data, &query, today(), limit as usize);
    if hits.is_empty() && national.is_empty() {
        return Err(bad_input(format!("no HS code matches `{query}`")));
    }
    match format {
        Format::Table => {
            if !hits.is_empty() {
                let mut t = Table::new();
                t.load_preset(UTF8_FULL_CONDENSED);
                t.set_header(vec!["HS 2022", "section", "description"]);
                for h in &hits {
                    t.add_row(vec![
                        Cell::new(&h.entry.code),
                        Cell::new(&h.entry.section),
                        Cell::new(&h.entry.description),
                    ]);
                }
                println!("{t}");
            }
            if !national.is_empty() {
                let mut t = Table::new();
                t.load_preset(UTF8_FULL_CONDENSED);
                t.set_header(vec![
                    "EAEU TN VED",
                    "description (ЕТТ ЕАЭС)",
                    "rate as printed",
                ]);
                for n in &national {
                    t.add_row(vec![
                        Cell::new(&n.hs),
                        Cell::new(&n.description),
                        Cell::new(&n.rate),
                    ]);
                }
                println!("{t}");
            }
        }
        _ => println!(
            "{}",
            serde_json::to_string_pretty(&json!({ "codes": hits, "national_lines": national }))
                .map_err(|e| anyhow::anyhow!(e))?
        ),
    }
    Ok(())
}
