//! From an estimated gravity model to a GE counterfactual: the baseline is the PPML fit of one
//! cross-section (with exporter and importer fixed effects its flows add up to observed output
//! and expenditure), the shock is a change of regressors (`RTA=0` for some or all pairs) or an
//! explicit change of bilateral trade costs t_ij.
//!
//! With `pair_effects`, the baseline follows the Advanced Guide's ch. 2 application 2 (the
//! two-stage procedure of Anderson and Yotov 2016): the formula (with a pair fixed effect) is
//! estimated on the whole panel; the baseline year's trade costs are t_ij^(1-sigma) =
//! exp(pair effect + sum_k beta_k x_ijk); pairs the panel could not estimate (no trade in any
//! year) get their pair effect from a second-stage PPML of exp(pair effect) on gravity
//! regressors and exporter and importer effects, on that year's international pairs; the
//! baseline flows are those trade costs scaled by exporter and importer effects to the year's
//! observed output and expenditure (what a PPML with exporter and importer effects and the
//! trade costs as an offset fits).

use std::collections::HashMap;

use serde::Serialize;

use crate::data::Table;
use crate::formula::{Formula, Term};
use crate::ge::{GeOptions, GeProblem, GeResult};
use crate::ppml::{estimate, Estimate, PpmlOptions};
use crate::GravityError;

/// What changes.
#[derive(Clone, Debug)]
pub enum Shock {
    /// Set regressor columns to values (`RTA=0`); the raw column value, also for `log(x)`
    /// terms. `pairs`: only these ordered pairs (exporter, importer); all pairs if empty.
    Terms {
        assignments: Vec<(String, f64)>,
        pairs: Vec<(String, String)>,
    },
    /// Multiply t_ij by the factor (0.9 = trade cost 10 % lower) for these ordered pairs.
    TradeCosts(Vec<(String, String, f64)>),
}

#[derive(Clone, Debug)]
pub struct CounterfactualSpec {
    pub formula: Formula,
    pub exporter: String,
    pub importer: String,
    /// Keep only rows where `column == value` (e.g. year = 2006) before estimating.
    pub filter: Option<(String, String)>,
    pub shock: Shock,
    pub sigma: f64,
    pub reference: String,
    /// Baseline from pair fixed effects estimated on the whole panel (needs `filter`, the
    /// baseline year); `None`: the PPML fit of the filtered cross-section.
    pub pair_effects: Option<PairEffects>,
}

/// Where the pair effects are and how missing ones are predicted.
#[derive(Clone, Debug)]
pub struct PairEffects {
    /// The fixed-effect term of the formula holding the pair effects, as written: `pair` (a
    /// column, e.g. a symmetric pair id) or `exporter^importer`.
    pub term: String,
    /// Regressors of the second stage, e.g. `log(DIST) + CNTG + LANG + CLNY`; empty: a pair
    /// without an estimated effect is an error.
    pub stage2: Vec<Term>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counterfactual {
    pub estimate: Estimate,
    /// The second stage of a pair-effects baseline (when some pair effects were predicted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage2: Option<Estimate>,
    pub ge: GeResult,
    /// How the baseline and the shock were built.
    pub assumptions: Vec<String>,
}

pub fn run(table: &Table, spec: &CounterfactualSpec) -> Result<Counterfactual, GravityError> {
    let panel = table;
    let table = match &spec.filter {
        Some((col, val)) => {
            let c = table.text(col)?;
            let keep: Vec<bool> = c.iter().map(|v| v == val).collect();
            if !keep.iter().any(|k| *k) {
                return Err(GravityError::Invalid(format!("no row has {col} = {val}")));
            }
            table.filter(&keep)
        }
        None => table.clone(),
    };
    let est = match &spec.pair_effects {
        None => estimate(&table, &spec.formula, &PpmlOptions::default())?,
        Some(pe) => {
            if spec.filter.is_none() {
                return Err(GravityError::Invalid(
                    "a pair-effects baseline needs the baseline year (--year): the panel is estimated on every year, the GE runs on one".into(),
                ));
            }
            if !spec
                .formula
                .fixed_effects
                .iter()
                .any(|f| f.to_string() == pe.term)
            {
                return Err(GravityError::Invalid(format!(
                    "the pair effect `{}` is not a fixed effect of the formula",
                    pe.term
                )));
            }
            let opts = PpmlOptions {
                fixed_effects: true,
                ..PpmlOptions::default()
            };
            estimate(panel, &spec.formula, &opts)?
        }
    };
    let exp = table.text(&spec.exporter)?;
    let imp = table.text(&spec.importer)?;
    let mut countries: Vec<String> = exp.iter().chain(imp.iter()).cloned().collect();
    countries.sort();
    countries.dedup();
    let idx: HashMap<&str, usize> = countries
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let n = countries.len();
    let reference = *idx.get(spec.reference.as_str()).ok_or_else(|| {
        GravityError::Invalid(format!(
            "reference country `{}` is not in the data",
            spec.reference
        ))
    })?;
    let y = table.numeric(&spec.formula.response)?;
    // Baseline: fitted flows where estimated; observed flows elsewhere (zeros dropped by the
    // separation checks, singletons whose fit is exact).
    let mut flows = vec![0.0; n * n];
    let mut seen = vec![false; n * n];
    let mut fitted = vec![None; table.n_rows()];
    if spec.pair_effects.is_none() {
        for (r, &m) in est.rows.iter().zip(&est.fitted) {
            fitted[*r] = Some(m);
        }
    }
    for r in 0..table.n_rows() {
        let k = idx[exp[r].as_str()] * n + idx[imp[r].as_str()];
        if seen[k] {
            return Err(GravityError::Invalid(format!(
                "line {}: a second row for {} -> {}; filter to one cross-section (e.g. --year)",
                table.line(r),
                exp[r],
                imp[r]
            )));
        }
        seen[k] = true;
        flows[k] = fitted[r].unwrap_or(y[r].unwrap_or(0.0));
    }
    let mut est = est;
    let mut stage2 = None;
    let mut pair_notes = Vec::new();
    if let Some(pe) = &spec.pair_effects {
        if let Some(k) = seen.iter().position(|s| !s) {
            return Err(GravityError::Invalid(format!(
                "a pair-effects baseline needs every pair in the baseline year; {} -> {} has no row",
                countries[k / n], countries[k % n]
            )));
        }
        let PairCosts {
            costs,
            stage2: s2,
            notes,
        } = pair_trade_costs(&table, spec, pe, &est, &idx, n)?;
        // Observed output and expenditure of the year; the flows are the trade costs scaled
        // to them (a PPML with exporter and importer effects and the costs as offset).
        let mut out = vec![0.0; n];
        let mut spend = vec![0.0; n];
        for r in 0..table.n_rows() {
            let (i, j) = (idx[exp[r].as_str()], idx[imp[r].as_str()]);
            let v = y[r].unwrap_or(0.0);
            out[i] += v;
            spend[j] += v;
        }
        flows = fit_to_margins(&costs, &out, &spend)?;
        stage2 = s2;
        pair_notes = notes;
        est.fixed_effects = None;
    }
    let mut shock = vec![1.0; n * n];
    let mut assumptions = if spec.pair_effects.is_some() {
        pair_notes
    } else {
        vec![format!(
            "baseline: PPML fit of `{}` on {} rows{}; the fitted flows (which add up to observed output and expenditure with exporter and importer fixed effects) are the baseline, observed flows where a row was not estimated",
            spec.formula,
            table.n_rows(),
            spec.filter
                .as_ref()
                .map(|(c, v)| format!(" with {c} = {v}"))
                .unwrap_or_default()
        )]
    };
    assumptions.extend([
        format!(
            "sigma = {} (trade elasticity {}); numeraire: {}'s inward multilateral resistance",
            spec.sigma,
            1.0 - spec.sigma,
            spec.reference
        ),
        "one sector, Armington CES, endowment economy; trade imbalances fixed relative to world output".into(),
    ]);
    match &spec.shock {
        Shock::Terms { assignments, pairs } => {
            let mut cols = Vec::new();
            for (name, value) in assignments {
                let j = spec
                    .formula
                    .regressors
                    .iter()
                    .position(|t| {
                        (matches!(t, Term::Column(_) | Term::Log(_)) && t.column() == name)
                            || t.to_string() == *name
                    })
                    .ok_or_else(|| {
                        GravityError::Invalid(format!("`{name}` is not a regressor of the formula"))
                    })?;
                let term = &spec.formula.regressors[j];
                let beta = est
                    .coefficient(&term.to_string())
                    .ok_or_else(|| {
                        GravityError::Invalid(format!("`{term}` was dropped from the estimate"))
                    })?
                    .estimate;
                if matches!(term, Term::Log(_)) && *value <= 0.0 {
                    return Err(GravityError::Invalid(format!(
                        "`{term}` needs a positive new value"
                    )));
                }
                cols.push((
                    term.clone(),
                    beta,
                    *value,
                    crate::ppml::term_values(&table, term)?,
                ));
                assumptions.push(format!(
                    "shock: {term} set to {value} for {}; coefficient {beta:.6} from the PPML",
                    if pairs.is_empty() {
                        "every pair".to_string()
                    } else {
                        format!("{} pairs", pairs.len())
                    }
                ));
            }
            let chosen: Option<Vec<usize>> = (!pairs.is_empty())
                .then(|| {
                    pairs
                        .iter()
                        .map(|(a, b)| match (idx.get(a.as_str()), idx.get(b.as_str())) {
                            (Some(i), Some(j)) => Ok(i * n + j),
                            _ => Err(GravityError::Invalid(format!(
                                "pair {a}-{b}: country not in the data"
                            ))),
                        })
                        .collect::<Result<_, _>>()
                })
                .transpose()?;
            for r in 0..table.n_rows() {
                let k = idx[exp[r].as_str()] * n + idx[imp[r].as_str()];
                if let Some(c) = &chosen {
                    if !c.contains(&k) {
                        continue;
                    }
                }
                let mut d = 0.0;
                for (term, beta, value, col) in &cols {
                    let Some(old) = col[r] else { continue };
                    d += beta
                        * match term {
                            Term::Column(_) | Term::NotEqual(..) => value - old,
                            Term::Log(_) => value.ln() - old.max(f64::MIN_POSITIVE).ln(),
                        };
                }
                shock[k] = d.exp();
            }
        }
        Shock::TradeCosts(list) => {
            for (a, b, f) in list {
                let (Some(i), Some(j)) = (idx.get(a.as_str()), idx.get(b.as_str())) else {
                    return Err(GravityError::Invalid(format!(
                        "pair {a}-{b}: country not in the data"
                    )));
                };
                if f.is_nan() || *f <= 0.0 {
                    return Err(GravityError::Invalid(format!(
                        "pair {a}-{b}: trade-cost factor must be > 0"
                    )));
                }
                shock[i * n + j] = f.powf(1.0 - spec.sigma);
            }
            assumptions.push(format!(
                "shock: t_ij multiplied by the given factors on {} pairs (t^(1-sigma) moves by factor^(1-sigma))",
                list.len()
            ));
        }
    }
    let ge = GeProblem {
        countries,
        flows,
        shock,
        sigma: spec.sigma,
        reference,
    }
    .solve(GeOptions::default())?;
    Ok(Counterfactual {
        estimate: est,
        stage2,
        ge,
        assumptions,
    })
}

/// The design value of a term on one row: the column, its log, or the 0/1 of `I(a != b)`.
fn design(term: &Term, raw: Option<f64>) -> Option<f64> {
    let v = raw?;
    match term {
        Term::Log(_) => (v > 0.0).then(|| v.ln()),
        Term::Column(_) | Term::NotEqual(..) => Some(v),
    }
}

/// Trade costs t_ij^(1-sigma) of the baseline year (n x n, row-major) from the panel's pair
/// effects and regressors, the second-stage estimate if some pair effects were predicted, and
/// the notes for the assumptions.
struct PairCosts {
    costs: Vec<f64>,
    stage2: Option<Estimate>,
    notes: Vec<String>,
}

fn pair_trade_costs(
    table: &Table,
    spec: &CounterfactualSpec,
    pe: &PairEffects,
    est: &Estimate,
    idx: &HashMap<&str, usize>,
    n: usize,
) -> Result<PairCosts, GravityError> {
    let fes = est
        .fixed_effects
        .as_ref()
        .ok_or_else(|| GravityError::Invalid("the fixed effects were not recovered".into()))?;
    let set = fes
        .iter()
        .find(|f| f.name == pe.term)
        .ok_or_else(|| GravityError::Invalid(format!("no estimated fixed effect `{}`", pe.term)))?;
    let value: HashMap<&str, f64> = set
        .levels
        .iter()
        .map(|l| l.as_str())
        .zip(set.values.iter().copied())
        .collect();
    let key_cols: Vec<&[String]> = pe
        .term
        .split('^')
        .map(|c| table.text(c))
        .collect::<Result<_, _>>()?;
    let exp = table.text(&spec.exporter)?;
    let imp = table.text(&spec.importer)?;
    let mut gamma: Vec<Option<f64>> = vec![None; n * n];
    let mut row_of = vec![0usize; n * n];
    for r in 0..table.n_rows() {
        let key = key_cols
            .iter()
            .map(|c| c[r].as_str())
            .collect::<Vec<_>>()
            .join("^");
        let k = idx[exp[r].as_str()] * n + idx[imp[r].as_str()];
        gamma[k] = value.get(key.as_str()).copied();
        row_of[k] = r;
    }
    let mut notes = vec![format!(
        "baseline (pair effects; Advanced Guide ch. 2 application 2, Anderson and Yotov 2016): `{}` estimated by PPML on every row of the panel ({} of {} rows used); trade costs of {}: t_ij^(1-sigma) = exp(pair effect `{}`{}); baseline flows = these costs scaled by exporter and importer effects to that year's observed output and expenditure (the fit of a PPML with exporter and importer effects and the costs as offset)",
        spec.formula,
        est.n_obs,
        est.n_rows,
        spec.filter
            .as_ref()
            .map(|(c, v)| format!("{c} = {v}"))
            .unwrap_or_default(),
        pe.term,
        spec.formula
            .regressors
            .iter()
            .filter_map(|t| est.coefficient(&t.to_string()).map(|c| format!(" + {:.6} x {t}", c.estimate)))
            .collect::<String>()
    )];
    // Normalise so that domestic pair effects are 0 (the Advanced Guide's reference group):
    // gamma_ij - (d_i + d_j) / 2 is a shift the exporter-year and importer-year effects absorb.
    // It changes nothing in the baseline flows, only what the second stage is fitted to.
    let dom: Option<Vec<f64>> = (0..n).map(|i| gamma[i * n + i]).collect();
    if let Some(d) = &dom {
        for (k, g) in gamma.iter_mut().enumerate() {
            if let Some(g) = g.as_mut() {
                *g -= (d[k / n] + d[k % n]) / 2.0;
            }
        }
        notes.push("pair effects normalised so that every domestic pair's is 0 (gamma_ij - (gamma_ii + gamma_jj) / 2, a shift the exporter-year and importer-year effects absorb)".into());
    }
    let dom_missing = (0..n).filter(|&i| gamma[i * n + i].is_none()).count();
    if dom_missing > 0 {
        for i in 0..n {
            gamma[i * n + i].get_or_insert(0.0);
        }
        notes.push(format!(
            "{dom_missing} domestic pairs have no estimated pair effect; theirs is set to 0"
        ));
    }
    let missing: Vec<usize> = (0..n * n).filter(|&k| gamma[k].is_none()).collect();
    let mut stage2 = None;
    if !missing.is_empty() {
        let names: Vec<String> = missing
            .iter()
            .take(10)
            .map(|&k| format!("{}-{}", exp[row_of[k]], imp[row_of[k]]))
            .collect();
        if pe.stage2.is_empty() {
            return Err(GravityError::Invalid(format!(
                "{} pairs have no estimated pair effect (e.g. {}); give second-stage regressors to predict them",
                missing.len(),
                names.join(", ")
            )));
        }
        let fitted_pairs: Vec<usize> = (0..n * n)
            .filter(|&k| k / n != k % n && gamma[k].is_some())
            .collect();
        let mut cols: Vec<String> = vec![spec.exporter.clone(), spec.importer.clone()];
        for t in &pe.stage2 {
            for c in t.columns() {
                if !cols.iter().any(|x| x == c) {
                    cols.push(c.to_string());
                }
            }
        }
        let mut data: Vec<(String, Vec<String>)> = vec![(
            "tij_bar".into(),
            fitted_pairs
                .iter()
                .map(|&k| format!("{:e}", gamma[k].unwrap_or(0.0).exp()))
                .collect(),
        )];
        for c in &cols {
            let v = table.text(c)?;
            data.push((
                c.clone(),
                fitted_pairs.iter().map(|&k| v[row_of[k]].clone()).collect(),
            ));
        }
        let t2 = Table::from_columns(data)?;
        let terms: Vec<String> = pe.stage2.iter().map(|t| t.to_string()).collect();
        let f2 = Formula::parse(&format!(
            "tij_bar ~ {} | {} + {}",
            terms.join(" + "),
            spec.exporter,
            spec.importer
        ))?;
        let mut e2 = estimate(
            &t2,
            &f2,
            &PpmlOptions {
                fixed_effects: true,
                ..PpmlOptions::default()
            },
        )?;
        let fe2 = e2.fixed_effects.take().unwrap_or_default();
        let lookup = |name: &str, level: &str| -> Option<f64> {
            let s = fe2.iter().find(|f| f.name == name)?;
            let i = s.levels.iter().position(|l| l == level)?;
            Some(s.values[i])
        };
        let raw: Vec<Vec<Option<f64>>> = pe
            .stage2
            .iter()
            .map(|t| crate::ppml::term_values(table, t))
            .collect::<Result<_, _>>()?;
        for &k in &missing {
            let r = row_of[k];
            let mut xb = lookup(&spec.exporter, &exp[r])
                .zip(lookup(&spec.importer, &imp[r]))
                .map(|(a, b)| a + b)
                .ok_or_else(|| {
                    GravityError::Invalid(format!(
                        "pair {}-{}: the second stage has no effect for one of its countries",
                        exp[r], imp[r]
                    ))
                })?;
            for (t, col) in pe.stage2.iter().zip(&raw) {
                let beta = e2
                    .coefficient(&t.to_string())
                    .ok_or_else(|| {
                        GravityError::Invalid(format!("second stage: `{t}` was dropped"))
                    })?
                    .estimate;
                let x = design(t, col[r]).ok_or_else(|| {
                    GravityError::Invalid(format!(
                        "line {}: `{t}` is missing or not positive for {}-{}",
                        table.line(r),
                        exp[r],
                        imp[r]
                    ))
                })?;
                xb += beta * x;
            }
            gamma[k] = Some(xb);
        }
        notes.push(format!(
            "{} international pairs have no estimated pair effect (no trade in any year: {}{}): exp(pair effect) predicted by a second-stage PPML `{}` on the {} pairs of the year that have one",
            missing.len(),
            names.join(", "),
            if missing.len() > names.len() { ", ..." } else { "" },
            f2,
            fitted_pairs.len()
        ));
        stage2 = Some(e2);
    }
    let raw: Vec<(f64, &Term, Vec<Option<f64>>)> = spec
        .formula
        .regressors
        .iter()
        .filter_map(|t| est.coefficient(&t.to_string()).map(|c| (c.estimate, t)))
        .map(|(b, t)| Ok((b, t, crate::ppml::term_values(table, t)?)))
        .collect::<Result<_, GravityError>>()?;
    let mut costs = vec![0.0; n * n];
    for k in 0..n * n {
        let r = row_of[k];
        let mut v = gamma[k].unwrap_or(0.0);
        for (b, t, col) in &raw {
            let x = design(t, col[r]).ok_or_else(|| {
                GravityError::Invalid(format!(
                    "line {}: `{t}` is missing or not positive",
                    table.line(r)
                ))
            })?;
            v += b * x;
        }
        costs[k] = v.exp();
    }
    Ok(PairCosts {
        costs,
        stage2,
        notes,
    })
}

/// Scale `costs` (n x n) by row and column factors so that rows add up to `out` and columns
/// to `spend` (biproportional fitting; the fit of a PPML with exporter and importer effects
/// and log costs as offset). Stops when every row sum is within 1e-13 of its target.
pub fn fit_to_margins(costs: &[f64], out: &[f64], spend: &[f64]) -> Result<Vec<f64>, GravityError> {
    let n = out.len();
    let (so, ss): (f64, f64) = (out.iter().sum(), spend.iter().sum());
    if (so - ss).abs() > 1e-9 * so.max(ss) {
        return Err(GravityError::Invalid(format!(
            "world output {so} and world expenditure {ss} differ"
        )));
    }
    let mut a = vec![1.0; n];
    let mut b = vec![1.0; n];
    for _ in 0..100_000 {
        for j in 0..n {
            let s: f64 = (0..n).map(|i| costs[i * n + j] * a[i]).sum();
            b[j] = if spend[j] > 0.0 { spend[j] / s } else { 0.0 };
        }
        let mut worst = 0.0f64;
        for i in 0..n {
            let s: f64 = (0..n).map(|j| costs[i * n + j] * b[j]).sum();
            if out[i] > 0.0 {
                worst = worst.max((a[i] * s - out[i]).abs() / out[i]);
                a[i] = out[i] / s;
            } else {
                a[i] = 0.0;
            }
        }
        if worst < 1e-13 {
            return Ok((0..n * n).map(|k| costs[k] * a[k / n] * b[k % n]).collect());
        }
    }
    Err(GravityError::NotConverged(
        "scaling the baseline trade costs to output and expenditure".into(),
    ))
}
