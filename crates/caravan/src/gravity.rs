//! `caravan gravity estimate` and `caravan gravity ge`: structural gravity from a CSV file.

use std::path::{Path, PathBuf};

use caravan_gravity::counterfactual::{self, CounterfactualSpec, Shock};
use caravan_gravity::{report, Formula, GravityError, PpmlOptions, Table, VcovSpec};
use clap::{Args, Subcommand, ValueEnum};

use crate::{bad_input, Failure};

#[derive(Subcommand)]
pub enum GravityCommand {
    /// PPML with high-dimensional fixed effects (fixest formula syntax).
    Estimate(EstimateArgs),
    /// General-equilibrium counterfactual (conditional and full-endowment) from a PPML fit.
    Ge(Box<GeArgs>),
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EstFormat {
    Table,
    Json,
    Csv,
    Latex,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GeFormat {
    Table,
    Json,
    Csv,
}

#[derive(Args)]
pub struct EstimateArgs {
    /// CSV file (optionally .csv.gz) with a header row. (`--data` names the data directory.)
    #[arg(long, short = 'i', value_name = "FILE")]
    input: PathBuf,
    /// e.g. "trade ~ RTA + log(DIST) | exporter^year + importer^year + exporter^importer"
    #[arg(long)]
    formula: String,
    /// Cluster the standard errors (CRV1) by a column or an interaction (a^b); default:
    /// heteroskedasticity-robust (HC1).
    #[arg(long)]
    cluster: Option<String>,
    /// Skip the ReLU regressor-separation check (fixed-effect separation is always checked).
    #[arg(long)]
    no_relu: bool,
    /// Keep singletons.
    #[arg(long)]
    keep_singletons: bool,
    /// Include the estimated fixed effects in the JSON.
    #[arg(long)]
    fixed_effects: bool,
    #[arg(long, value_enum, default_value_t = EstFormat::Table)]
    format: EstFormat,
}

#[derive(Args)]
pub struct GeArgs {
    /// CSV file with flows including domestic sales (exporter = importer).
    #[arg(long, short = 'i', value_name = "FILE")]
    input: PathBuf,
    /// Gravity formula for the baseline (exporter and importer fixed effects).
    #[arg(long)]
    formula: String,
    /// Keep rows of this year (column `--year-column`).
    #[arg(long)]
    year: Option<String>,
    #[arg(long, default_value = "year")]
    year_column: String,
    #[arg(long, default_value = "exporter")]
    exporter: String,
    #[arg(long, default_value = "importer")]
    importer: String,
    /// Regressor change, e.g. "RTA=0" (repeatable).
    #[arg(long)]
    counterfactual: Vec<String>,
    /// Limit the regressor change to these pairs, "CAN-USA" (both directions; repeatable).
    #[arg(long)]
    pair: Vec<String>,
    /// Instead: a CSV `exporter,importer,factor` multiplying t_ij (0.9 = 10 % cheaper).
    #[arg(long, value_name = "FILE")]
    trade_costs: Option<PathBuf>,
    /// Baseline from the pair fixed effects of a panel: the fixed-effect term of the formula
    /// that holds them (`pair`, `exporter^importer`). The formula is estimated on every row,
    /// the GE runs on `--year` (Advanced Guide ch. 2 application 2).
    #[arg(long, value_name = "TERM", requires = "year")]
    pair_effects: Option<String>,
    /// With --pair-effects: regressors of the second stage that predict the pair effects of
    /// pairs without one (no trade in any year), e.g. "log(DIST) + CNTG + LANG + CLNY".
    #[arg(long, value_name = "TERMS", requires = "pair_effects")]
    stage2: Option<String>,
    /// Elasticity of substitution (the Advanced Guide uses 7).
    #[arg(long, default_value_t = 7.0)]
    sigma: f64,
    /// Numeraire country (its inward multilateral resistance is held fixed).
    #[arg(long)]
    reference: String,
    /// Also print every bilateral flow change (JSON always has them).
    #[arg(long)]
    bilateral: bool,
    #[arg(long, value_enum, default_value_t = GeFormat::Table)]
    format: GeFormat,
}

fn gravity_failure(e: GravityError) -> Failure {
    match e {
        GravityError::NotConverged(_) => Failure::from(anyhow::anyhow!(e.to_string())),
        _ => bad_input(e.to_string()),
    }
}

fn read(input: &Path, formula: &Formula, extra: &[String]) -> Result<Table, Failure> {
    let mut cols = formula.columns();
    for c in extra {
        for part in c.split('^') {
            if !cols.iter().any(|x| x == part) {
                cols.push(part.to_string());
            }
        }
    }
    if !input.exists() {
        return Err(bad_input(format!("{}: no such file", input.display())));
    }
    Table::read_csv_path(input, Some(&cols)).map_err(gravity_failure)
}

pub fn run(cmd: GravityCommand) -> Result<(), Failure> {
    match cmd {
        GravityCommand::Estimate(a) => estimate(a),
        GravityCommand::Ge(a) => ge(*a),
    }
}

fn estimate(a: EstimateArgs) -> Result<(), Failure> {
    let formula = Formula::parse(&a.formula).map_err(gravity_failure)?;
    let extra: Vec<String> = a.cluster.iter().cloned().collect();
    let table = read(&a.input, &formula, &extra)?;
    let opts = PpmlOptions {
        vcov: a.cluster.map_or(VcovSpec::Hetero, VcovSpec::Cluster),
        separation_relu: !a.no_relu,
        drop_singletons: !a.keep_singletons,
        fixed_effects: a.fixed_effects,
        ..PpmlOptions::default()
    };
    let e = caravan_gravity::estimate(&table, &formula, &opts).map_err(gravity_failure)?;
    let out = match a.format {
        EstFormat::Table => report::estimate_table(&e),
        EstFormat::Json => {
            serde_json::to_string_pretty(&e).map_err(|x| Failure::from(anyhow::anyhow!(x)))? + "\n"
        }
        EstFormat::Csv => report::estimate_csv(&e),
        EstFormat::Latex => report::estimate_latex(&e),
    };
    print!("{out}");
    Ok(())
}

fn parse_pair(s: &str) -> Result<(String, String), Failure> {
    let (a, b) = s
        .split_once('-')
        .ok_or_else(|| bad_input(format!("pair `{s}`: expected A-B")))?;
    Ok((a.trim().to_string(), b.trim().to_string()))
}

fn ge(a: GeArgs) -> Result<(), Failure> {
    let formula = Formula::parse(&a.formula).map_err(gravity_failure)?;
    let mut extra = vec![a.exporter.clone(), a.importer.clone()];
    if a.year.is_some() {
        extra.push(a.year_column.clone());
    }
    let stage2 = match &a.stage2 {
        Some(t) => {
            Formula::parse(&format!("y ~ {t}"))
                .map_err(gravity_failure)?
                .regressors
        }
        None => Vec::new(),
    };
    for t in &stage2 {
        extra.extend(t.columns().into_iter().map(String::from));
    }
    let table = read(&a.input, &formula, &extra)?;
    let shock = match (&a.trade_costs, a.counterfactual.is_empty()) {
        (Some(_), false) => {
            return Err(bad_input(
                "give either --counterfactual or --trade-costs, not both".into(),
            ))
        }
        (None, true) => {
            return Err(bad_input(
                "give a shock: --counterfactual TERM=VALUE or --trade-costs FILE".into(),
            ))
        }
        (Some(path), true) => {
            let t = Table::read_csv_path(
                path,
                Some(&["exporter".into(), "importer".into(), "factor".into()]),
            )
            .map_err(gravity_failure)?;
            let f = t.numeric("factor").map_err(gravity_failure)?;
            let ex = t.text("exporter").map_err(gravity_failure)?;
            let im = t.text("importer").map_err(gravity_failure)?;
            let mut v = Vec::new();
            for i in 0..t.n_rows() {
                let Some(x) = f[i] else {
                    return Err(bad_input(format!(
                        "{}: line {}: factor is empty",
                        path.display(),
                        t.line(i)
                    )));
                };
                v.push((ex[i].clone(), im[i].clone(), x));
            }
            Shock::TradeCosts(v)
        }
        (None, false) => {
            let mut assignments = Vec::new();
            for c in &a.counterfactual {
                // The last `=` splits (`I(exporter != importer)=0`).
                let (t, v) = c
                    .rsplit_once('=')
                    .ok_or_else(|| bad_input(format!("`{c}`: expected TERM=VALUE")))?;
                let v: f64 = v
                    .trim()
                    .parse()
                    .map_err(|_| bad_input(format!("`{c}`: VALUE must be a number")))?;
                assignments.push((t.trim().to_string(), v));
            }
            let mut pairs = Vec::new();
            for p in &a.pair {
                let (x, y) = parse_pair(p)?;
                pairs.push((y.clone(), x.clone()));
                pairs.push((x, y));
            }
            Shock::Terms { assignments, pairs }
        }
    };
    let spec = CounterfactualSpec {
        formula,
        exporter: a.exporter,
        importer: a.importer,
        filter: a.year.map(|y| (a.year_column.clone(), y)),
        shock,
        sigma: a.sigma,
        reference: a.reference,
        pair_effects: a
            .pair_effects
            .map(|term| counterfactual::PairEffects { term, stage2 }),
    };
    let r = counterfactual::run(&table, &spec).map_err(gravity_failure)?;
    match a.format {
        GeFormat::Json => {
            let mut v = serde_json::to_value(&r).map_err(|x| Failure::from(anyhow::anyhow!(x)))?;
            // Top-level `countries` = the full-GE rows, as documented.
            v["countries"] = v["ge"]["full"].clone();
            println!(
                "{}",
                serde_json::to_string_pretty(&v).map_err(|x| Failure::from(anyhow::anyhow!(x)))?
            );
        }
        GeFormat::Csv => print!("{}", report::ge_csv(&r.ge)),
        GeFormat::Table => {
            print!("{}", report::estimate_table(&r.estimate));
            println!();
            if let Some(e2) = &r.stage2 {
                println!("Second stage (pair effects of pairs without one):");
                print!("{}", report::estimate_table(e2));
                println!();
            }
            print!("{}", report::ge_table(&r.ge));
            if a.bilateral {
                println!("\nexporter importer baseline conditional full shock");
                for b in r.ge.bilateral.iter().filter(|b| b.shock != 1.0) {
                    println!(
                        "{} {} {:.3} {:.3} {:.3} {:.6}",
                        b.exporter, b.importer, b.baseline, b.conditional, b.full, b.shock
                    );
                }
            }
            println!("\nAssumptions:");
            for s in &r.assumptions {
                println!("- {s}");
            }
        }
    }
    Ok(())
}
