//! From an estimated gravity model to a GE counterfactual: the baseline is the PPML fit of one
//! cross-section (with exporter and importer fixed effects its flows add up to observed output
//! and expenditure), the shock is a change of regressors (`RTA=0` for some or all pairs) or an
//! explicit change of bilateral trade costs t_ij.

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
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counterfactual {
    pub estimate: Estimate,
    pub ge: GeResult,
    /// How the baseline and the shock were built.
    pub assumptions: Vec<String>,
}

pub fn run(table: &Table, spec: &CounterfactualSpec) -> Result<Counterfactual, GravityError> {
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
    let est = estimate(&table, &spec.formula, &PpmlOptions::default())?;
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
    for (r, &m) in est.rows.iter().zip(&est.fitted) {
        fitted[*r] = Some(m);
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
    let mut shock = vec![1.0; n * n];
    let mut assumptions = vec![
        format!(
            "baseline: PPML fit of `{}` on {} rows{}; the fitted flows (which add up to observed output and expenditure with exporter and importer fixed effects) are the baseline, observed flows where a row was not estimated",
            spec.formula,
            table.n_rows(),
            spec.filter
                .as_ref()
                .map(|(c, v)| format!(" with {c} = {v}"))
                .unwrap_or_default()
        ),
        format!(
            "sigma = {} (trade elasticity {}); numeraire: {}'s inward multilateral resistance",
            spec.sigma,
            1.0 - spec.sigma,
            spec.reference
        ),
        "one sector, Armington CES, endowment economy; trade imbalances fixed relative to world output".into(),
    ];
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
        ge,
        assumptions,
    })
}
