//! `caravan impact`: what a network scenario does to each country's trade and real GDP
//! (transport costs between economic centres -> trade costs -> structural-gravity GE).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use caravan_impact::{Baseline, ImpactError, ImpactReport, ImpactSpec, Mapping};
use caravan_net::Layer;
use caravan_route::{BcpChange, RouteRequest, Scenario};
use clap::{Args, ValueEnum};

use crate::{bad_input, Failure};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImpactFormat {
    Table,
    Json,
    Csv,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MappingArg {
    /// t_ij moves with the delivered price (V + g_ij) / V (Hummels-Schaur value of time).
    AdValorem,
    /// Trade moves by (g'_ij / g_ij)^elasticity (the PPML distance elasticity).
    DistanceElasticity,
}

#[derive(Args)]
pub struct ImpactArgs {
    /// Scenario file (TOML, or JSON when named *.json) with close_bcps, open_bcps, bcp_changes,
    /// as `caravan route --scenario`.
    #[arg(long, value_name = "ID|FILE")]
    scenario: Option<String>,
    /// Scenario: close these BCPs (added to the file's).
    #[arg(long, value_delimiter = ',')]
    close_bcp: Vec<String>,
    /// Scenario: open these BCPs even if closed in the data.
    #[arg(long, value_delimiter = ',')]
    open_bcp: Vec<String>,
    /// Scenario: set a BCP's clearance hours, `id=hours`.
    #[arg(long, value_name = "ID=HOURS")]
    bcp_wait: Vec<String>,
    /// Scenario: multiply a BCP's clearance hours, `id=factor` (0.5 halves them).
    #[arg(long, value_name = "ID=FACTOR")]
    bcp_wait_factor: Vec<String>,
    /// Scenario: set a BCP's fee per vehicle, `id=usd`.
    #[arg(long, value_name = "ID=USD")]
    bcp_fee: Vec<String>,
    /// Baseline flows: CSV `exporter,importer,trade` with domestic sales (exporter =
    /// importer), ISO3 or ISO2 codes; default the shipped Advanced Guide ch. 2 data, 2006.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Keep only the baseline rows of this year (needs a `year` column).
    #[arg(long)]
    year: Option<String>,
    /// Only these baseline countries, comma-separated (e.g. CHN,IND,IRN,TUR,DEU,USA).
    #[arg(long, value_delimiter = ',')]
    countries: Vec<String>,
    /// How transport-cost changes become trade-cost changes.
    #[arg(long, value_enum, default_value_t = MappingArg::AdValorem)]
    mapping: MappingArg,
    /// Distance elasticity of trade for `--mapping distance-elasticity` (negative); default:
    /// the PPML fit on the shipped ch. 2 data, 2006.
    #[arg(long, allow_negative_numbers = true)]
    distance_elasticity: Option<f64>,
    /// Most populous cities per country used as economic centres (1-5).
    #[arg(long, default_value_t = 1)]
    centres: usize,
    /// Elasticity of substitution (the Advanced Guide uses 7).
    #[arg(long, default_value_t = 7.0)]
    sigma: f64,
    /// Numeraire country (its inward multilateral resistance is held fixed).
    #[arg(long, default_value = "DEU")]
    reference: String,
    /// Modes of the routed consignments, comma-separated: road, rail, sea (default: all).
    #[arg(long, value_delimiter = ',')]
    modes: Vec<String>,
    /// Consignment weight in tonnes.
    #[arg(long, default_value_t = 20.0, value_name = "TONNES")]
    cargo_tonnes: f64,
    /// Consignment value in USD (the V of the ad valorem mapping and of the value of time).
    #[arg(long, default_value_t = 50_000.0, value_name = "USD")]
    cargo_value_usd: f64,
    /// Value of time per day as a fraction of the goods value (0.0135) or a percentage
    /// (1.35%); default from the data (Hummels and Schaur 2013 midpoint).
    #[arg(long, value_name = "SHARE")]
    vot_day_share: Option<String>,
    /// Also print every routed country pair.
    #[arg(long)]
    pairs: bool,
    #[arg(long, value_enum, default_value_t = ImpactFormat::Table)]
    format: ImpactFormat,
}

fn impact_failure(e: ImpactError) -> Failure {
    if e.is_bad_input() {
        bad_input(e.to_string())
    } else {
        Failure::from(anyhow::anyhow!(e.to_string()))
    }
}

/// Builds the change a `--bcp-*` flag's value makes.
type MakeChange = fn(f64) -> BcpChange;

fn scenario(dir: &Path, a: &ImpactArgs) -> Result<Scenario, Failure> {
    let mut s = match &a.scenario {
        Some(p) => crate::scenario::resolve(dir, p)?,
        None => Scenario::default(),
    };
    s.close_bcps.extend(a.close_bcp.iter().cloned());
    s.open_bcps.extend(a.open_bcp.iter().cloned());
    let changes: [(&[String], &str, MakeChange); 3] = [
        (&a.bcp_wait, "HOURS", |v| BcpChange {
            wait_hours: Some(v),
            ..BcpChange::default()
        }),
        (&a.bcp_wait_factor, "FACTOR", |v| BcpChange {
            wait_factor: Some(v),
            ..BcpChange::default()
        }),
        (&a.bcp_fee, "USD", |v| BcpChange {
            fee_usd: Some(v),
            ..BcpChange::default()
        }),
    ];
    for (flags, what, make) in changes {
        for x in flags {
            let (bcp, v) = crate::parse_assignment(x, what)?;
            s.bcp_changes.push(BcpChange { bcp, ..make(v) });
        }
    }
    Ok(s)
}

fn baseline(a: &ImpactArgs) -> Result<Baseline, Failure> {
    let b = match &a.baseline {
        Some(p) => {
            let f = std::fs::File::open(p)
                .map_err(|e| bad_input(format!("--baseline {}: {e}", p.display())))?;
            Baseline::from_csv(f, &p.display().to_string(), a.year.as_deref())
                .map_err(|e| bad_input(format!("--baseline {}: {e}", p.display())))?
        }
        None => {
            if a.year.is_some() {
                return Err(bad_input(
                    "--year needs --baseline (the shipped baseline is 2006 only)".into(),
                ));
            }
            Baseline::agtpa_ch2_2006().map_err(impact_failure)?
        }
    };
    if a.countries.is_empty() {
        Ok(b)
    } else {
        b.subset(&a.countries).map_err(impact_failure)
    }
}

pub fn impact(dir: &Path, a: ImpactArgs) -> Result<(), Failure> {
    let scenario = scenario(dir, &a)?;
    let baseline = baseline(&a)?;
    let mut modes = Vec::new();
    for m in &a.modes {
        modes.push(
            Layer::parse(m)
                .ok_or_else(|| bad_input(format!("unknown mode `{m}`: use road, rail or sea")))?,
        );
    }
    let template = RouteRequest {
        modes,
        cargo_tonnes: a.cargo_tonnes,
        cargo_value_usd: a.cargo_value_usd,
        vot_day_share: a
            .vot_day_share
            .as_deref()
            .map(crate::parse_share)
            .transpose()?,
        ..RouteRequest::default()
    };
    caravan_server::edge::check_route_request(&RouteRequest {
        from: caravan_route::Location::Place("x".into()),
        to: caravan_route::Location::Place("y".into()),
        ..template.clone()
    })
    .map_err(bad_input)?;
    let mapping = Mapping::choose(
        a.mapping == MappingArg::DistanceElasticity,
        a.distance_elasticity,
        "on the command line (--distance-elasticity)",
    )
    .map_err(impact_failure)?;
    let spec = ImpactSpec {
        scenario,
        template,
        centres_per_country: a.centres,
        mapping,
        sigma: a.sigma,
        reference: a.reference.clone(),
    };
    let opened = crate::compiled::open_router(dir, caravan_route::Engine::Hierarchy)?;
    opened.ensure_hierarchy(dir);
    let router = &opened.router;
    let r = caravan_impact::run(router, &baseline, &spec).map_err(impact_failure)?;
    match a.format {
        ImpactFormat::Json => {
            let mut v = serde_json::to_value(&r).map_err(|x| Failure::from(anyhow::anyhow!(x)))?;
            // Top-level `countries` = the full-GE rows, as `caravan gravity ge`.
            v["countries"] = v["ge"]["full"].clone();
            println!(
                "{}",
                serde_json::to_string_pretty(&v).map_err(|x| Failure::from(anyhow::anyhow!(x)))?
            );
        }
        ImpactFormat::Csv => print!("{}", caravan_gravity::report::ge_csv(&r.ge)),
        ImpactFormat::Table => print!("{}", table(&r, a.pairs)),
    }
    // The router holds the whole network; the OS frees it faster than the destructors.
    std::mem::forget(opened);
    Ok(())
}

fn table(r: &ImpactReport, all_pairs: bool) -> String {
    let mut s = String::new();
    let name = r.scenario.name.as_deref().unwrap_or("scenario");
    let _ = writeln!(
        s,
        "Trade impact of {name}: {} country pairs routed, {} with changed trade costs ({} mapping)\n",
        r.pairs.len(),
        r.changed_pairs,
        r.mapping
    );
    let cov = &r.coverage;
    if !cov.scenario_countries_not_in_ge.is_empty() {
        let _ = writeln!(
            s,
            "NOT COVERED: the scenario changes crossings on the borders of {}, which are not in the GE: no export or real-GDP result for them.",
            cov.scenario_countries_not_in_ge.join(", ")
        );
        for c in &cov.scenario_countries_not_in_ge {
            let _ = writeln!(s, "  {c}: {}", caravan_impact::coverage_gap(c));
        }
        let _ = writeln!(s);
    }
    if r.changed_pairs == 0 && !r.scenario.is_empty() {
        let _ = writeln!(
            s,
            "No route between the GE countries' centres uses what the scenario changes: every GE figure below is zero.\n"
        );
    }
    if !cov.not_in_ge.is_empty() {
        let _ = writeln!(
            s,
            "The GE covers {} countries; {} countries with cities on the network are not in it and get no result: {} (why: --format json, coverage.not_in_ge)\n",
            cov.ge_countries.len(),
            cov.not_in_ge.len(),
            cov.not_in_ge
                .iter()
                .map(|c| c.country.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let rows: Vec<_> = r
        .pairs
        .iter()
        .filter(|p| all_pairs || p.status == "changed")
        .collect();
    if !rows.is_empty() {
        let _ = writeln!(
            s,
            "{:<4} {:<4} {:>11} {:>11} {:>10} {:>10} {:>9} {:>9}  status",
            "exp", "imp", "base h", "scen h", "base USD", "scen USD", "t_ij %", "shock"
        );
        for p in rows {
            let (bh, bu) = p
                .base
                .as_ref()
                .map_or((f64::NAN, f64::NAN), |m| (m.hours, m.generalized_usd));
            let (sh, su) = p
                .scenario
                .as_ref()
                .map_or((f64::NAN, f64::NAN), |m| (m.hours, m.generalized_usd));
            let _ = writeln!(
                s,
                "{:<4} {:<4} {:>11.1} {:>11.1} {:>10.0} {:>10.0} {:>9.4} {:>9.5}  {}{}",
                p.exporter,
                p.importer,
                bh,
                sh,
                bu,
                su,
                p.trade_cost_pct,
                p.trade_shock,
                p.status,
                if p.centre_pairs_cut + p.centre_pairs_new > 0 {
                    format!(
                        " ({} centre pairs cut, {} new)",
                        p.centre_pairs_cut, p.centre_pairs_new
                    )
                } else {
                    String::new()
                }
            );
        }
        let _ = writeln!(s, "(hours and USD: population-weighted means over the centre pairs; USD is the generalized cost, freight + value of time)\n");
    }
    s.push_str(&caravan_gravity::report::ge_table(&r.ge));
    let _ = writeln!(s, "\nAssumptions:");
    for a in &r.assumptions {
        let _ = writeln!(s, "- {a}");
    }
    s
}
