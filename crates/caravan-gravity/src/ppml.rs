//! PPML with high-dimensional fixed effects: IRLS, the fixed effects swept out of the working
//! outcome and the regressors at every step (weighted alternating projections with Irons-Tuck
//! acceleration, warm-started from the previous step), after separation and singleton checks.

use serde::Serialize;

use crate::data::{is_missing, Table};
use crate::formula::{Formula, Term};
use crate::hdfe::{DemeanOptions, Demeaner, Factor};
use crate::linalg;
use crate::GravityError;

/// Which covariance matrix to report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VcovSpec {
    /// Heteroskedasticity-robust (HC1-type, fixest's "hetero").
    Hetero,
    /// One-way clustered (CRV1) by a column or an interaction `a^b`.
    Cluster(String),
}

/// Options of an estimation. The defaults are the ones stated in the README.
#[derive(Clone, Debug)]
pub struct PpmlOptions {
    /// IRLS stops when the relative change in deviance, |dev - dev_old| / (0.1 + |dev|), is
    /// below `dev_tol` and no coefficient moved by more than `coef_tol` (absolute).
    pub dev_tol: f64,
    pub coef_tol: f64,
    pub max_iter: usize,
    pub demean: DemeanOptions,
    pub drop_singletons: bool,
    /// Drop observations in fixed-effect groups whose outcome is all zero.
    pub separation_fe: bool,
    /// Detect observations separated by the regressors and fixed effects jointly (the ReLU
    /// method of Correia, Guimaraes and Zylkin 2021).
    pub separation_relu: bool,
    pub relu_max_iter: usize,
    /// Most sweeps of one projection in the ReLU check (ten times that in all), beyond which
    /// the check stops and says so.
    pub relu_max_sweeps: usize,
    pub vcov: VcovSpec,
    /// Also recover the fixed-effect coefficients (one more projection).
    pub fixed_effects: bool,
}

impl Default for PpmlOptions {
    fn default() -> Self {
        PpmlOptions {
            dev_tol: 1e-10,
            coef_tol: 1e-9,
            max_iter: 200,
            demean: DemeanOptions::default(),
            drop_singletons: true,
            separation_fe: true,
            separation_relu: true,
            relu_max_iter: 1000,
            relu_max_sweeps: 1_000,
            vcov: VcovSpec::Hetero,
            fixed_effects: false,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Coefficient {
    pub term: String,
    pub estimate: f64,
    pub std_error: f64,
    /// estimate / std_error
    pub z: f64,
    /// Two-sided, from the standard normal.
    pub p_value: f64,
    /// 95 % interval, estimate -/+ 1.959964 x std_error.
    pub ci_low: f64,
    pub ci_high: f64,
}

/// Observations (or terms) left out, and why.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dropped {
    /// `missing_value`, `fe_all_zero`, `singleton`, `separated`, `collinear_after_separation`.
    pub reason: String,
    pub count: usize,
    pub detail: String,
    /// File lines of the first few observations dropped (up to 10).
    pub lines: Vec<u64>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeSet {
    pub name: String,
    pub levels: usize,
}

/// One set of estimated fixed effects (log scale). Identified up to normalisation: every set
/// after the first has its first level at 0, the constant moved to the first set.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FixedEffectValues {
    pub name: String,
    pub levels: Vec<String>,
    pub values: Vec<f64>,
}

/// An estimated model.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Estimate {
    pub formula: String,
    pub coefficients: Vec<Coefficient>,
    /// e.g. `hetero (HC1)` or `cluster (CRV1) by exporter^importer`.
    pub vcov: String,
    /// The small-sample correction applied, in words and numbers.
    pub small_sample: String,
    pub n_clusters: Option<usize>,
    pub n_rows: usize,
    pub n_obs: usize,
    pub dropped: Vec<Dropped>,
    pub fixed_effect_sets: Vec<FeSet>,
    pub iterations: usize,
    pub converged: bool,
    pub deviance: f64,
    pub log_likelihood: f64,
    /// McFadden: 1 - LL / LL(constant only).
    pub pseudo_r2: f64,
    /// Sweeps of the alternating projections over all IRLS steps.
    pub demean_sweeps: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed_effects: Option<Vec<FixedEffectValues>>,
    /// Fitted mean for each estimation observation, and its row in the input table.
    #[serde(skip)]
    pub fitted: Vec<f64>,
    #[serde(skip)]
    pub rows: Vec<usize>,
    /// Covariance matrix, row-major.
    #[serde(skip)]
    pub vcov_matrix: Vec<f64>,
}

impl Estimate {
    pub fn coefficient(&self, term: &str) -> Option<&Coefficient> {
        self.coefficients.iter().find(|c| c.term == term)
    }
}

/// A factor from one column or the interaction of several; `None` where any is missing.
pub fn build_factor(
    table: &Table,
    columns: &[String],
) -> Result<(Factor, Vec<bool>), GravityError> {
    let cols: Vec<&[String]> = columns
        .iter()
        .map(|c| table.text(c))
        .collect::<Result<_, _>>()?;
    let n = table.n_rows();
    let mut index = std::collections::HashMap::new();
    let mut levels = Vec::new();
    let mut ids = Vec::with_capacity(n);
    let mut missing = vec![false; n];
    let mut key = String::new();
    for i in 0..n {
        key.clear();
        for (j, c) in cols.iter().enumerate() {
            if is_missing(&c[i]) {
                missing[i] = true;
            }
            if j > 0 {
                key.push('^');
            }
            key.push_str(&c[i]);
        }
        let id = *index.entry(key.clone()).or_insert_with(|| {
            levels.push(key.clone());
            levels.len() as u32 - 1
        });
        ids.push(id);
    }
    Ok((
        Factor {
            name: columns.join("^"),
            ids,
            levels,
        },
        missing,
    ))
}

/// The raw values a term reads (before any log): the column, or 0/1 for `I(a != b)`.
pub fn term_values(table: &Table, term: &Term) -> Result<Vec<Option<f64>>, GravityError> {
    match term {
        Term::Column(c) | Term::Log(c) => table.numeric(c),
        Term::NotEqual(a, b) => {
            let (a, b) = (table.text(a)?, table.text(b)?);
            Ok(a.iter()
                .zip(b)
                .map(|(x, y)| {
                    (!is_missing(x) && !is_missing(y)).then(|| f64::from(u8::from(x != y)))
                })
                .collect())
        }
    }
}

struct Prepared {
    y: Vec<f64>,
    x: Vec<Vec<f64>>,
    terms: Vec<String>,
    factors: Vec<Factor>,
    cluster: Option<Factor>,
    rows: Vec<usize>,
    dropped: Vec<Dropped>,
    separated_any: bool,
}

fn first_lines(table: &Table, rows: impl Iterator<Item = usize>) -> Vec<u64> {
    rows.take(10).map(|r| table.line(r)).collect()
}

/// Estimate `formula` by PPML on `table`.
pub fn estimate(
    table: &Table,
    formula: &Formula,
    opts: &PpmlOptions,
) -> Result<Estimate, GravityError> {
    let mut p = prepare(table, formula, opts)?;
    loop {
        match fit(&p, opts) {
            Ok(mut e) => {
                e.formula = formula.to_string();
                e.n_rows = table.n_rows();
                e.dropped = p.dropped.clone();
                e.rows = p.rows.clone();
                if opts.fixed_effects {
                    e.fixed_effects = Some(recover_fixed_effects(&p, &e, opts));
                }
                return Ok(e);
            }
            Err(FitError::Collinear(j, with)) if p.separated_any => {
                // A regressor that only varied on separated observations: its MLE is infinite
                // and it is not identified on the rest (ppmlhdfe drops it too).
                let term = p.terms.remove(j);
                p.x.remove(j);
                p.dropped.push(Dropped {
                    reason: "collinear_after_separation".into(),
                    count: 1,
                    detail: format!(
                        "term `{term}` dropped: collinear {with} once the separated observations are removed"
                    ),
                    lines: Vec::new(),
                });
            }
            Err(FitError::Collinear(j, with)) => {
                return Err(GravityError::Collinear {
                    term: p.terms[j].clone(),
                    with,
                })
            }
            Err(FitError::Other(e)) => return Err(e),
        }
    }
}

fn prepare(table: &Table, formula: &Formula, opts: &PpmlOptions) -> Result<Prepared, GravityError> {
    let n = table.n_rows();
    let y_raw = table.numeric(&formula.response)?;
    let mut x_raw = Vec::new();
    for t in &formula.regressors {
        x_raw.push(term_values(table, t)?);
    }
    let mut factors = Vec::new();
    let mut missing = vec![false; n];
    for fe in &formula.fixed_effects {
        let (f, m) = build_factor(table, &fe.columns)?;
        missing.iter_mut().zip(m).for_each(|(a, b)| *a |= b);
        factors.push(f);
    }
    let cluster = match &opts.vcov {
        VcovSpec::Cluster(c) => {
            let cols: Vec<String> = c.split('^').map(|s| s.trim().to_string()).collect();
            let (f, m) = build_factor(table, &cols)?;
            missing.iter_mut().zip(m).for_each(|(a, b)| *a |= b);
            Some(f)
        }
        VcovSpec::Hetero => None,
    };
    // Missing values, then the checks that are errors.
    for i in 0..n {
        if y_raw[i].is_none() || x_raw.iter().any(|c| c[i].is_none()) {
            missing[i] = true;
        }
    }
    let mut y = vec![0.0; n];
    for i in 0..n {
        if missing[i] {
            continue;
        }
        let v = y_raw[i].unwrap_or(0.0);
        if v < 0.0 {
            return Err(GravityError::NegativeOutcome {
                line: table.line(i),
                column: formula.response.clone(),
                value: v,
            });
        }
        y[i] = v;
    }
    let mut terms: Vec<String> = Vec::new();
    let mut x: Vec<Vec<f64>> = Vec::new();
    for (t, col) in formula.regressors.iter().zip(&x_raw) {
        let mut v = vec![0.0; n];
        for i in 0..n {
            if missing[i] {
                continue;
            }
            let raw = col[i].unwrap_or(0.0);
            v[i] = match t {
                Term::Column(_) | Term::NotEqual(..) => raw,
                Term::Log(c) => {
                    if raw <= 0.0 {
                        return Err(GravityError::LogOfNonPositive {
                            line: table.line(i),
                            column: c.clone(),
                            term: t.to_string(),
                            value: raw,
                        });
                    }
                    raw.ln()
                }
            };
        }
        terms.push(t.to_string());
        x.push(v);
    }
    if factors.is_empty() {
        terms.insert(0, "(Intercept)".into());
        x.insert(0, vec![1.0; n]);
    }
    let mut active: Vec<bool> = missing.iter().map(|m| !m).collect();
    let mut dropped = Vec::new();
    let n_missing = n - active.iter().filter(|a| **a).count();
    if n_missing > 0 {
        dropped.push(Dropped {
            reason: "missing_value".into(),
            count: n_missing,
            detail: "a value used by the formula (or the cluster) is empty or NA".into(),
            lines: first_lines(table, (0..n).filter(|&i| missing[i])),
        });
    }
    let mut separated_any = false;
    let mut fe_zero = vec![0usize; factors.len()];
    let mut fe_zero_lines: Vec<Vec<u64>> = vec![Vec::new(); factors.len()];
    let mut singletons = 0usize;
    let mut singleton_lines = Vec::new();
    let mut relu_sep = 0usize;
    let mut relu_lines = Vec::new();
    let mut relu_note = String::new();
    loop {
        // Fixed-effect separation and singletons, to a fixed point.
        loop {
            let mut changed = false;
            for (g, f) in factors.iter().enumerate() {
                let mut cnt = vec![0u32; f.n_levels()];
                let mut sum = vec![0.0f64; f.n_levels()];
                for i in 0..n {
                    if active[i] {
                        cnt[f.ids[i] as usize] += 1;
                        sum[f.ids[i] as usize] += y[i];
                    }
                }
                for i in 0..n {
                    if !active[i] {
                        continue;
                    }
                    let l = f.ids[i] as usize;
                    if opts.separation_fe && sum[l] == 0.0 {
                        active[i] = false;
                        fe_zero[g] += 1;
                        if fe_zero_lines[g].len() < 10 {
                            fe_zero_lines[g].push(table.line(i));
                        }
                        changed = true;
                    } else if opts.drop_singletons && cnt[l] == 1 {
                        active[i] = false;
                        singletons += 1;
                        if singleton_lines.len() < 10 {
                            singleton_lines.push(table.line(i));
                        }
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        if !opts.separation_relu {
            break;
        }
        let rows: Vec<usize> = (0..n).filter(|&i| active[i]).collect();
        if rows.iter().all(|&i| y[i] > 0.0) || rows.is_empty() {
            break;
        }
        let keep = &active;
        let sub_f: Vec<Factor> = factors.iter().map(|f| f.subset(keep)).collect();
        let sub_y: Vec<f64> = rows.iter().map(|&i| y[i]).collect();
        let sub_x: Vec<Vec<f64>> = x
            .iter()
            .map(|c| rows.iter().map(|&i| c[i]).collect())
            .collect();
        let (sep, note) = relu_separation(&sub_y, &sub_x, &sub_f, opts);
        if let Some(note) = note {
            relu_note = note;
        }
        let mut any = false;
        for (j, &s) in sep.iter().enumerate() {
            if s {
                let i = rows[j];
                active[i] = false;
                relu_sep += 1;
                if relu_lines.len() < 10 {
                    relu_lines.push(table.line(i));
                }
                any = true;
            }
        }
        if !any {
            break;
        }
        separated_any = true;
    }
    for (g, f) in factors.iter().enumerate() {
        if fe_zero[g] > 0 {
            separated_any = true;
            dropped.push(Dropped {
                reason: "fe_all_zero".into(),
                count: fe_zero[g],
                detail: format!(
                    "in a group of `{}` whose outcome is zero for every observation (separated by the fixed effect)",
                    f.name
                ),
                lines: std::mem::take(&mut fe_zero_lines[g]),
            });
        }
    }
    if singletons > 0 {
        dropped.push(Dropped {
            reason: "singleton".into(),
            count: singletons,
            detail: "alone in its group of some fixed effect (fits perfectly, adds nothing to the estimates)".into(),
            lines: singleton_lines,
        });
    }
    if relu_sep > 0 || !relu_note.is_empty() {
        dropped.push(Dropped {
            reason: "separated".into(),
            count: relu_sep,
            detail: format!(
                "outcome zero where a combination of regressors and fixed effects separates it (ReLU check, Correia, Guimaraes and Zylkin 2021){relu_note}"
            ),
            lines: relu_lines,
        });
    }
    let rows: Vec<usize> = (0..n).filter(|&i| active[i]).collect();
    if rows.is_empty() {
        return Err(GravityError::NoObservations(
            dropped
                .iter()
                .map(|d| format!("{} dropped ({})", d.count, d.reason))
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    Ok(Prepared {
        y: rows.iter().map(|&i| y[i]).collect(),
        x: x.iter()
            .map(|c| rows.iter().map(|&i| c[i]).collect())
            .collect(),
        terms,
        factors: factors.iter().map(|f| f.subset(&active)).collect(),
        cluster: cluster.map(|c| c.subset(&active)),
        rows,
        dropped,
        separated_any,
    })
}

/// The ReLU separation check: iteratively regress a non-negative target, zero where y > 0 (by
/// a heavy weight there), on the regressors and fixed effects; when the fit is non-negative
/// everywhere, the zero-outcome observations with a positive fit are separated.
fn relu_separation(
    y: &[f64],
    x: &[Vec<f64>],
    factors: &[Factor],
    opts: &PpmlOptions,
) -> (Vec<bool>, Option<String>) {
    // Weight that pins the fit to zero where y > 0, and the size below which a fitted value
    // counts as zero. A separated observation keeps a fit of order one (its target starts at
    // 1 and a separating direction reproduces it); the others decay towards zero. A value
    // between 1e-3 and 0 is read as zero: conservative (a missed separation shows up as an
    // IRLS that does not converge, never as a wrong estimate).
    const HEAVY: f64 = 1e8;
    const ZERO: f64 = 1e-3;
    let n = y.len();
    let k = x.len();
    let w: Vec<f64> = y
        .iter()
        .map(|&v| if v > 0.0 { HEAVY } else { 1.0 })
        .collect();
    let dm = Demeaner::new(factors, &w);
    // The heavy weights make the projections slow to converge where a fixed-effect group mixes
    // positive and zero outcomes (the 316k-flow penppml panel: tens of minutes); past a budget
    // of sweeps the check stops and says so, and the IRLS is left to show any separation it
    // missed by not converging.
    let dopts = DemeanOptions {
        tol: 1e-9,
        max_iter: opts.relu_max_sweeps,
    };
    let mut budget = opts.relu_max_sweeps.saturating_mul(10);
    let stop = |what: &str, sweeps: usize| {
        Some(format!(
            "; the ReLU check stopped without a certificate: {what} after {sweeps} sweeps of the projections (budget `relu_max_sweeps` = {} per projection, ten times that in all)",
            opts.relu_max_sweeps
        ))
    };
    let mut xt = Vec::with_capacity(k);
    let mut buf = Vec::new();
    for c in x {
        let mut a = Vec::new();
        let (sw, ok) = dm.demean(c, &mut a, dopts, &mut buf);
        if !ok {
            return (
                vec![false; n],
                stop("a regressor's projection did not converge", sw),
            );
        }
        budget = budget.saturating_sub(sw);
        xt.push(buf.clone());
    }
    let mut gram = vec![0.0; k * k];
    for a in 0..k {
        for b in 0..=a {
            let s: f64 = (0..n).map(|i| w[i] * xt[a][i] * xt[b][i]).sum();
            gram[a * k + b] = s;
            gram[b * k + a] = s;
        }
    }
    let mut u: Vec<f64> = y.iter().map(|&v| if v > 0.0 { 0.0 } else { 1.0 }).collect();
    let mut alpha = Vec::new();
    let mut ut = Vec::new();
    for iter in 1..=opts.relu_max_iter {
        let (sw, ok) = dm.demean(&u, &mut alpha, dopts, &mut ut);
        budget = budget.saturating_sub(sw);
        if !ok || budget == 0 {
            return (
                vec![false; n],
                stop(
                    &format!("iteration {iter}"),
                    opts.relu_max_sweeps * 10 - budget,
                ),
            );
        }
        let rhs: Vec<f64> = (0..k)
            .map(|a| (0..n).map(|i| w[i] * xt[a][i] * ut[i]).sum())
            .collect();
        let g = linalg::solve_skipping_collinear(&gram, k, &rhs, 1e-9);
        // fitted = u - (ut - Xt g)
        let mut all_nonneg = true;
        let mut fitted = vec![0.0; n];
        for i in 0..n {
            let mut r = ut[i];
            for a in 0..k {
                r -= xt[a][i] * g[a];
            }
            let mut f = u[i] - r;
            if f.abs() < ZERO || y[i] > 0.0 {
                f = 0.0;
            }
            if f < 0.0 {
                all_nonneg = false;
            }
            fitted[i] = f;
        }
        if all_nonneg {
            return (fitted.iter().map(|&f| f > 0.0).collect(), None);
        }
        for i in 0..n {
            u[i] = fitted[i].max(0.0);
        }
    }
    (
        vec![false; n],
        Some(format!(
            "; the ReLU check stopped after {} iterations without a certificate",
            opts.relu_max_iter
        )),
    )
}

enum FitError {
    Collinear(usize, String),
    Other(GravityError),
}

fn deviance(y: &[f64], mu: &[f64]) -> f64 {
    2.0 * y
        .iter()
        .zip(mu)
        .map(|(&y, &m)| {
            if y > 0.0 {
                y * (y / m).ln() - (y - m)
            } else {
                m
            }
        })
        .sum::<f64>()
}

fn weighted_gram(xt: &[Vec<f64>], w: &[f64]) -> Vec<f64> {
    let k = xt.len();
    let n = w.len();
    let mut g = vec![0.0; k * k];
    for a in 0..k {
        for b in 0..=a {
            let (xa, xb) = (&xt[a], &xt[b]);
            let mut s = 0.0;
            for i in 0..n {
                s += w[i] * xa[i] * xb[i];
            }
            g[a * k + b] = s;
            g[b * k + a] = s;
        }
    }
    g
}

/// Demeans every regressor (into `xt`) and the working outcome `z` (into `zt`), warm-started
/// from `alphas` (k regressors, then z), on up to as many threads as there are cores when the
/// data is large enough to pay for them. Returns the sweeps done.
fn demean_columns(
    dm: &Demeaner,
    x: &[Vec<f64>],
    z: &[f64],
    alphas: &mut [Vec<f64>],
    xt: &mut [Vec<f64>],
    zt: &mut Vec<f64>,
    dopts: DemeanOptions,
) -> usize {
    let mut tasks: Vec<(&[f64], &mut Vec<f64>, &mut Vec<f64>)> = x
        .iter()
        .map(|c| c.as_slice())
        .chain(std::iter::once(z))
        .zip(alphas.iter_mut())
        .zip(xt.iter_mut().chain(std::iter::once(zt)))
        .map(|((v, a), o)| (v, a, o))
        .collect();
    let cols = tasks.len();
    let threads = if z.len() * cols >= 20_000 {
        std::thread::available_parallelism()
            .map_or(1, |t| t.get())
            .min(cols)
    } else {
        1
    };
    if threads <= 1 {
        return tasks
            .iter_mut()
            .map(|(v, a, o)| dm.demean(v, a, dopts, o).0)
            .sum();
    }
    let per = cols.div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = tasks
            .chunks_mut(per)
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter_mut()
                        .map(|(v, a, o)| dm.demean(v, a, dopts, o).0)
                        .sum::<usize>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .sum()
    })
}

fn fit(p: &Prepared, opts: &PpmlOptions) -> Result<Estimate, FitError> {
    let n = p.y.len();
    let k = p.x.len();
    let y = &p.y;
    let ybar = y.iter().sum::<f64>() / n as f64;
    let mut mu: Vec<f64> = y.iter().map(|&v| (v + ybar) / 2.0).collect();
    let mut eta: Vec<f64> = mu.iter().map(|m| m.ln()).collect();
    let mut beta = vec![0.0; k];
    let mut dev = deviance(y, &mu);
    let mut alphas: Vec<Vec<f64>> = vec![Vec::new(); k + 1];
    let mut xt: Vec<Vec<f64>> = vec![Vec::new(); k];
    let mut zt = Vec::new();
    let mut sweeps = 0usize;
    let mut converged = false;
    let mut iterations = 0;
    let mut z = vec![0.0; n];
    // The projections of the first IRLS steps need not be exact: their tolerance starts loose
    // and tightens with the deviance change to `opts.demean.tol`, which the last step always
    // uses (as ppmlhdfe does), so the answer is that of exact projections throughout.
    let strict = opts.demean.tol;
    let mut itol = strict.max(1e-5);
    for iter in 1..=opts.max_iter {
        iterations = iter;
        for i in 0..n {
            z[i] = eta[i] + (y[i] - mu[i]) / mu[i];
        }
        let w = &mu;
        let dm = Demeaner::new(&p.factors, w);
        let dopts = DemeanOptions {
            tol: itol,
            ..opts.demean
        };
        sweeps += demean_columns(&dm, &p.x, &z, &mut alphas, &mut xt, &mut zt, dopts);
        let gram = weighted_gram(&xt, w);
        if iter == 1 {
            check_collinear(p, &xt, w, &gram)?;
        }
        let rhs: Vec<f64> = (0..k)
            .map(|a| (0..n).map(|i| w[i] * xt[a][i] * zt[i]).sum())
            .collect();
        let l = linalg::cholesky(&gram, k, 1e-12).map_err(|j| {
            FitError::Collinear(j, "with the other regressors or the fixed effects".into())
        })?;
        let mut beta_new = linalg::chol_solve(&l, k, &rhs);
        let mut eta_new: Vec<f64> = (0..n)
            .map(|i| {
                let mut r = zt[i];
                for a in 0..k {
                    r -= xt[a][i] * beta_new[a];
                }
                z[i] - r
            })
            .collect();
        let mut mu_new: Vec<f64> = eta_new.iter().map(|e| e.min(700.0).exp()).collect();
        let mut dev_new = deviance(y, &mu_new);
        let mut halvings = 0;
        while !(dev_new.is_finite() && dev_new <= dev * (1.0 + 1e-12) + 1e-300)
            && halvings < 40
            && iter > 1
        {
            for i in 0..n {
                eta_new[i] = 0.5 * (eta_new[i] + eta[i]);
                mu_new[i] = eta_new[i].min(700.0).exp();
            }
            for a in 0..k {
                beta_new[a] = 0.5 * (beta_new[a] + beta[a]);
            }
            dev_new = deviance(y, &mu_new);
            halvings += 1;
        }
        let ddev = (dev_new - dev).abs() / (0.1 + dev_new.abs());
        let dbeta = beta_new
            .iter()
            .zip(&beta)
            .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
        beta = beta_new;
        eta = eta_new;
        mu = mu_new;
        dev = dev_new;
        if ddev < opts.dev_tol && dbeta < opts.coef_tol && iter > 1 {
            if itol <= strict {
                converged = true;
                break;
            }
            // Converged on inexact projections: one more step with exact ones.
            itol = strict;
        } else {
            itol = strict.max(itol.min(0.1 * ddev));
        }
    }
    if !converged {
        return Err(FitError::Other(GravityError::NotConverged(format!(
            "IRLS did not converge in {} iterations (deviance {dev:.6e}); coefficients still moving: {}. Is the model separated (see the separation options)?",
            opts.max_iter,
            p.terms
                .iter()
                .zip(&beta)
                .map(|(t, b)| format!("{t}={b:.4}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))));
    }
    // Covariance at the final weights.
    let w = &mu;
    let dm = Demeaner::new(&p.factors, w);
    for j in 0..k {
        let (s, _) = dm.demean(&p.x[j], &mut alphas[j], opts.demean, &mut xt[j]);
        sweeps += s;
    }
    let gram = weighted_gram(&xt, w);
    let l = linalg::cholesky(&gram, k, 1e-12)
        .map_err(|j| FitError::Collinear(j, "with the other regressors".into()))?;
    let bread = linalg::chol_inverse(&l, k);
    let resid: Vec<f64> = (0..n).map(|i| y[i] - mu[i]).collect();
    let mut meat = vec![0.0; k * k];
    let n_fe = p.factors.len();
    let k_fe: usize = p.factors.iter().map(|f| f.n_levels()).sum();
    let k_fe_adj = if n_fe > 1 { k_fe - (n_fe - 1) } else { k_fe };
    let nf = n as f64;
    let (adj, vcov_name, ssc, n_clusters) = match &p.cluster {
        None => {
            for i in 0..n {
                for a in 0..k {
                    let sa = xt[a][i] * resid[i];
                    for b in 0..k {
                        meat[a * k + b] += sa * xt[b][i] * resid[i];
                    }
                }
            }
            let df_k = (k + k_fe_adj) as f64;
            let adj = nf / (nf - df_k);
            (
                adj,
                "hetero (HC1)".to_string(),
                format!(
                    "n / (n - K) = {n} / ({n} - {df_k}) = {adj:.6}; K = {k} regressors + {k_fe_adj} fixed effects (sum of levels minus one per extra set), as fixest / pyfixest ssc(k_adj=True, k_fixef='nonnested')"
                ),
                None,
            )
        }
        Some(c) => {
            let g = c.n_levels();
            let mut sc = vec![0.0; g * k];
            for i in 0..n {
                let cl = c.ids[i] as usize;
                for a in 0..k {
                    sc[cl * k + a] += xt[a][i] * resid[i];
                }
            }
            for cl in 0..g {
                for a in 0..k {
                    for b in 0..k {
                        meat[a * k + b] += sc[cl * k + a] * sc[cl * k + b];
                    }
                }
            }
            // Fixed-effect sets nested in the clusters do not count in K (fixest's "nested").
            let mut k_nested = 0usize;
            let mut n_nested = 0usize;
            for f in &p.factors {
                let mut owner = vec![u32::MAX; f.n_levels()];
                let mut nested = true;
                for i in 0..n {
                    let o = &mut owner[f.ids[i] as usize];
                    if *o == u32::MAX {
                        *o = c.ids[i];
                    } else if *o != c.ids[i] {
                        nested = false;
                        break;
                    }
                }
                if nested {
                    k_nested += f.n_levels();
                    n_nested += 1;
                }
            }
            let df_k = (k + k_fe_adj + n_nested - k_nested) as f64;
            let gf = g as f64;
            let adj = (nf - 1.0) / (nf - df_k) * gf / (gf - 1.0);
            (
                adj,
                format!("cluster (CRV1) by {}", c.name),
                format!(
                    "G / (G - 1) x (n - 1) / (n - K) = {g}/{} x {}/{} = {adj:.6}; K = {k} regressors + {} fixed effects not nested in the clusters, as fixest / pyfixest ssc(k_adj=True, k_fixef='nonnested', G_adj=True)",
                    g - 1,
                    n - 1,
                    nf - df_k,
                    df_k as usize - k
                ),
                Some(g),
            )
        }
    };
    // V = adj * B M B
    let mut bm = vec![0.0; k * k];
    for a in 0..k {
        for b in 0..k {
            bm[a * k + b] = (0..k).map(|m| bread[a * k + m] * meat[m * k + b]).sum();
        }
    }
    let mut v = vec![0.0; k * k];
    for a in 0..k {
        for b in 0..k {
            v[a * k + b] = adj
                * (0..k)
                    .map(|m| bm[a * k + m] * bread[m * k + b])
                    .sum::<f64>();
        }
    }
    let coefficients = p
        .terms
        .iter()
        .enumerate()
        .map(|(j, t)| {
            let se = v[j * k + j].max(0.0).sqrt();
            let z = beta[j] / se;
            Coefficient {
                term: t.clone(),
                estimate: beta[j],
                std_error: se,
                z,
                p_value: libm::erfc(z.abs() / std::f64::consts::SQRT_2),
                ci_low: beta[j] - 1.959_963_984_540_054 * se,
                ci_high: beta[j] + 1.959_963_984_540_054 * se,
            }
        })
        .collect();
    let ll: f64 = y
        .iter()
        .zip(&mu)
        .map(|(&y, &m)| y * m.ln() - m - libm::lgamma(y + 1.0))
        .sum();
    let ll0: f64 = y
        .iter()
        .map(|&y| y * ybar.ln() - ybar - libm::lgamma(y + 1.0))
        .sum();
    Ok(Estimate {
        formula: String::new(),
        coefficients,
        vcov: vcov_name,
        small_sample: ssc,
        n_clusters,
        n_rows: 0,
        n_obs: n,
        dropped: Vec::new(),
        fixed_effect_sets: p
            .factors
            .iter()
            .map(|f| FeSet {
                name: f.name.clone(),
                levels: f.n_levels(),
            })
            .collect(),
        iterations,
        converged,
        deviance: dev,
        log_likelihood: ll,
        pseudo_r2: 1.0 - ll / ll0,
        demean_sweeps: sweeps,
        fixed_effects: None,
        fitted: mu,
        rows: Vec::new(),
        vcov_matrix: v,
    })
}

fn check_collinear(p: &Prepared, xt: &[Vec<f64>], w: &[f64], gram: &[f64]) -> Result<(), FitError> {
    let k = xt.len();
    let n = w.len();
    let wsum: f64 = w.iter().sum();
    for j in 0..k {
        let x = &p.x[j];
        let mean = (0..n).map(|i| w[i] * x[i]).sum::<f64>() / wsum;
        let ss: f64 = (0..n).map(|i| w[i] * (x[i] - mean) * (x[i] - mean)).sum();
        let fe_names = p
            .factors
            .iter()
            .map(|f| format!("`{}`", f.name))
            .collect::<Vec<_>>()
            .join(" + ");
        if !p.factors.is_empty() && (ss == 0.0 || gram[j * k + j] <= 1e-9 * ss) {
            return Err(FitError::Collinear(
                j,
                format!("with the fixed effects {fe_names} (it does not vary within them)"),
            ));
        }
        if p.factors.is_empty() && p.terms[j] != "(Intercept)" && ss == 0.0 {
            return Err(FitError::Collinear(
                j,
                "with the intercept (it is constant)".into(),
            ));
        }
    }
    for j in 1..k {
        let sub: Vec<f64> = (0..=j)
            .flat_map(|r| (0..=j).map(move |c| gram[r * k + c]))
            .collect();
        if linalg::cholesky(&sub, j + 1, 1e-9).is_err() {
            // Which earlier terms explain it?
            let a: Vec<f64> = (0..j)
                .flat_map(|r| (0..j).map(move |c| gram[r * k + c]))
                .collect();
            let b: Vec<f64> = (0..j).map(|r| gram[r * k + j]).collect();
            let coef = linalg::solve_skipping_collinear(&a, j, &b, 1e-9);
            let with: Vec<String> = (0..j)
                .filter(|&r| coef[r].abs() > 1e-6)
                .map(|r| format!("`{}`", p.terms[r]))
                .collect();
            return Err(FitError::Collinear(
                j,
                format!(
                    "with {}{}",
                    if with.is_empty() {
                        "the other regressors".to_string()
                    } else {
                        with.join(", ")
                    },
                    if p.factors.is_empty() {
                        String::new()
                    } else {
                        " (after the fixed effects are swept out)".into()
                    }
                ),
            ));
        }
    }
    Ok(())
}

fn recover_fixed_effects(p: &Prepared, e: &Estimate, opts: &PpmlOptions) -> Vec<FixedEffectValues> {
    let n = p.y.len();
    let k = p.x.len();
    let v: Vec<f64> = (0..n)
        .map(|i| {
            let xb: f64 = (0..k).map(|j| p.x[j][i] * e.coefficients[j].estimate).sum();
            e.fitted[i].ln() - xb
        })
        .collect();
    let ones = vec![1.0; n];
    let dm = Demeaner::new(&p.factors, &ones);
    let mut alpha = Vec::new();
    let mut r = Vec::new();
    dm.demean(
        &v,
        &mut alpha,
        DemeanOptions {
            tol: 1e-13,
            ..opts.demean
        },
        &mut r,
    );
    let parts: Vec<Vec<f64>> = dm.split(&alpha).into_iter().map(|s| s.to_vec()).collect();
    let mut parts = parts;
    // Normalise: the first level of every set after the first is 0; the shift goes to set 0
    // (every observation has one level in each set, so the sums are unchanged).
    for g in 1..parts.len() {
        let c = parts[g].first().copied().unwrap_or(0.0);
        parts[g].iter_mut().for_each(|a| *a -= c);
        parts[0].iter_mut().for_each(|a| *a += c);
    }
    p.factors
        .iter()
        .zip(parts)
        .map(|(f, values)| FixedEffectValues {
            name: f.name.clone(),
            levels: f.levels.clone(),
            values,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepared_lines_are_kept() {
        let t = Table::read_csv("y,x,f\n1,1,a\n2,2,a\n0,3,b\n".as_bytes(), None).unwrap();
        let f = Formula::parse("y ~ x | f").unwrap();
        let p = prepare(&t, &f, &PpmlOptions::default()).unwrap();
        assert_eq!(p.rows, vec![0, 1]);
    }
}
