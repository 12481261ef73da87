//! General-equilibrium counterfactuals of the one-sector Armington-CES structural gravity
//! model (Anderson and van Wincoop 2003; Yotov, Piermartini, Monteiro and Larch 2016, ch. 2;
//! the system `ge_gravity` of Baier, Yotov and Zylkin solves), in changes ("exact hat
//! algebra") from a baseline of flows including domestic sales:
//!
//! X_ij = (Y_i E_j / Y) (t_ij / (Pi_i P_j))^(1-sigma),  Y_i = p_i Q_i,  E_j = phi_j Y_j.
//!
//! A shock multiplies t_ij^(1-sigma) by `shock[i][j]`. The **conditional** GE holds output and
//! expenditure fixed and solves the multilateral resistances; the **full-endowment** GE lets
//! factory-gate prices p_i move, endowments Q_i fixed. Trade imbalances D_j = E_j - Y_j are
//! held fixed relative to world output (E_j' = p_j Y_j + D_j Y'/Y, as in Dekle, Eaton and
//! Kortum 2007), which keeps world spending equal to world output; with balanced baseline
//! trade this is the book's E_j = phi_j Y_j. The numeraire is the reference country's inward
//! multilateral resistance (P_ref unchanged), as in the book.

use serde::Serialize;

use crate::GravityError;

/// A baseline and a shock, in country order.
#[derive(Clone, Debug)]
pub struct GeProblem {
    pub countries: Vec<String>,
    /// Baseline flows, row-major: `flows[i * n + j]` from exporter i to importer j (i = j:
    /// domestic sales).
    pub flows: Vec<f64>,
    /// Multiplier on t_ij^(1-sigma) (1 = unchanged); = exp(partial effect on log trade).
    pub shock: Vec<f64>,
    /// Elasticity of substitution (> 1); the trade elasticity is 1 - sigma.
    pub sigma: f64,
    /// Index of the reference (numeraire) country.
    pub reference: usize,
}

/// Convergence of the fixed points.
#[derive(Clone, Copy, Debug)]
pub struct GeOptions {
    /// Stop when no log price or log resistance moves by more than `tol` in an iteration.
    pub tol: f64,
    pub max_iter: usize,
}

impl Default for GeOptions {
    fn default() -> Self {
        GeOptions {
            tol: 1e-13,
            max_iter: 200_000,
        }
    }
}

/// Percentage changes for one country (`None` where the baseline is zero or the figure does
/// not apply to the conditional GE).
#[derive(Clone, Debug, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountryChange {
    pub country: String,
    pub exports_pct: Option<f64>,
    pub imports_pct: Option<f64>,
    pub domestic_sales_pct: Option<f64>,
    pub output_pct: Option<f64>,
    pub expenditure_pct: Option<f64>,
    /// Factory-gate price p_i, relative to the numeraire.
    pub producer_price_pct: Option<f64>,
    /// Outward multilateral resistance Pi_i.
    pub omr_pct: f64,
    /// Inward multilateral resistance P_i (the reference country's is 0 by construction).
    pub imr_pct: f64,
    /// Real output p_i Q_i / P_i (= welfare in this endowment economy).
    pub real_gdp_pct: Option<f64>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PairChange {
    pub exporter: String,
    pub importer: String,
    pub baseline: f64,
    pub conditional: f64,
    pub full: f64,
    /// The shock on t^(1-sigma) (1 = none).
    pub shock: f64,
}

/// Both counterfactuals and how they were solved.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GeResult {
    pub sigma: f64,
    pub reference: String,
    pub full: Vec<CountryChange>,
    pub conditional: Vec<CountryChange>,
    pub bilateral: Vec<PairChange>,
    pub iterations_conditional: usize,
    pub iterations_full: usize,
    pub tolerance: f64,
    /// max_i |sum_j X'_ij - p_i' Q_i| / Y_i in the full GE (market clearing, checked).
    pub max_market_clearing_error: f64,
    /// max_j |sum_i X'_ij - E_j'| / E_j in the full GE.
    pub max_expenditure_error: f64,
}

fn pct(new: f64, old: f64) -> Option<f64> {
    (old > 0.0).then(|| 100.0 * (new / old - 1.0))
}

impl GeProblem {
    fn check(&self) -> Result<usize, GravityError> {
        let n = self.countries.len();
        if n < 2 {
            return Err(GravityError::Invalid(
                "the GE needs at least two countries".into(),
            ));
        }
        if self.flows.len() != n * n || self.shock.len() != n * n {
            return Err(GravityError::Invalid(
                "flows and shock must be n x n".into(),
            ));
        }
        if self.sigma.is_nan() || self.sigma <= 1.0 {
            return Err(GravityError::Invalid(format!(
                "sigma must be > 1 (got {})",
                self.sigma
            )));
        }
        if self.reference >= n {
            return Err(GravityError::Invalid(
                "reference country out of range".into(),
            ));
        }
        if let Some(k) = self
            .flows
            .iter()
            .position(|&x| !(x >= 0.0 && x.is_finite()))
        {
            return Err(GravityError::Invalid(format!(
                "baseline flow {} -> {} is {}",
                self.countries[k / n],
                self.countries[k % n],
                self.flows[k]
            )));
        }
        if let Some(k) = self.shock.iter().position(|&x| !(x > 0.0 && x.is_finite())) {
            return Err(GravityError::Invalid(format!(
                "shock on {} -> {} is {} (must be > 0)",
                self.countries[k / n],
                self.countries[k % n],
                self.shock[k]
            )));
        }
        for i in 0..n {
            let y: f64 = self.flows[i * n..(i + 1) * n].iter().sum();
            let e: f64 = (0..n).map(|r| self.flows[r * n + i]).sum();
            if y <= 0.0 || e <= 0.0 {
                return Err(GravityError::Invalid(format!(
                    "{} has no output or no expenditure in the baseline",
                    self.countries[i]
                )));
            }
        }
        Ok(n)
    }

    /// Solve both counterfactuals.
    pub fn solve(&self, opts: GeOptions) -> Result<GeResult, GravityError> {
        let n = self.check()?;
        let theta = self.sigma - 1.0;
        let x = &self.flows;
        let t = &self.shock;
        let y: Vec<f64> = (0..n).map(|i| x[i * n..(i + 1) * n].iter().sum()).collect();
        let e: Vec<f64> = (0..n).map(|j| (0..n).map(|i| x[i * n + j]).sum()).collect();
        let r = self.reference;

        // Conditional: a[i] = Pi_hat_i^(1-sigma), b[j] = P_hat_j^(1-sigma).
        let mut a = vec![1.0; n];
        let mut b = vec![1.0; n];
        let mut it_c = 0;
        let mut ok = false;
        while it_c < opts.max_iter {
            it_c += 1;
            let a_new: Vec<f64> = (0..n)
                .map(|i| {
                    (0..n)
                        .map(|j| x[i * n + j] / y[i] * t[i * n + j] / b[j])
                        .sum()
                })
                .collect();
            let mut b_new: Vec<f64> = (0..n)
                .map(|j| {
                    (0..n)
                        .map(|i| x[i * n + j] / e[j] * t[i * n + j] / a_new[i])
                        .sum()
                })
                .collect();
            let s = b_new[r];
            b_new.iter_mut().for_each(|v| *v /= s);
            let a_new: Vec<f64> = a_new.iter().map(|v| v * s).collect();
            let d = a
                .iter()
                .zip(&a_new)
                .chain(b.iter().zip(&b_new))
                .fold(0.0f64, |m, (o, nw)| m.max((nw.ln() - o.ln()).abs()));
            a = a_new;
            b = b_new;
            if d < opts.tol {
                ok = true;
                break;
            }
        }
        if !ok {
            return Err(GravityError::NotConverged(format!(
                "conditional GE after {it_c} iterations"
            )));
        }
        let xc: Vec<f64> = (0..n * n)
            .map(|k| x[k] * t[k] / (a[k / n] * b[k % n]))
            .collect();
        let conditional: Vec<CountryChange> = (0..n)
            .map(|i| {
                let (ex, im, dom, out, exp) = totals(x, n, i);
                let (ex2, im2, dom2, out2, exp2) = totals(&xc, n, i);
                CountryChange {
                    country: self.countries[i].clone(),
                    exports_pct: pct(ex2, ex),
                    imports_pct: pct(im2, im),
                    domestic_sales_pct: pct(dom2, dom),
                    output_pct: pct(out2, out),
                    expenditure_pct: pct(exp2, exp),
                    producer_price_pct: None,
                    omr_pct: 100.0 * (a[i].powf(-1.0 / theta) - 1.0),
                    imr_pct: 100.0 * (b[i].powf(-1.0 / theta) - 1.0),
                    real_gdp_pct: None,
                }
            })
            .collect();

        // Full endowment: p_hat; c[j] = P_hat_j^(1-sigma) = sum_i pi_ij p_i^(1-sigma) t_ij.
        let mut p = vec![1.0; n];
        let mut c = vec![1.0; n];
        let mut it_f = 0;
        let mut ok = false;
        let imr = |p: &[f64]| -> Vec<f64> {
            (0..n)
                .map(|j| {
                    (0..n)
                        .map(|i| x[i * n + j] / e[j] * p[i].powf(-theta) * t[i * n + j])
                        .sum()
                })
                .collect()
        };
        let ysum: f64 = y.iter().sum();
        let ehat = |p: &[f64]| -> Vec<f64> {
            let yw = (0..n).map(|i| p[i] * y[i]).sum::<f64>() / ysum;
            (0..n)
                .map(|j| (p[j] * y[j] + (e[j] - y[j]) * yw) / e[j])
                .collect()
        };
        let mut eh = vec![1.0; n];
        while it_f < opts.max_iter {
            it_f += 1;
            c = imr(&p);
            eh = ehat(&p);
            if let Some(j) = eh.iter().position(|v| v.is_nan() || *v <= 0.0) {
                return Err(GravityError::NotConverged(format!(
                    "full-endowment GE: the trade surplus of {} exceeds its output",
                    self.countries[j]
                )));
            }
            let mut p_new: Vec<f64> = (0..n)
                .map(|i| {
                    let s: f64 = (0..n)
                        .map(|j| x[i * n + j] * t[i * n + j] * eh[j] / c[j])
                        .sum();
                    (s / y[i]).powf(1.0 / self.sigma)
                })
                .collect();
            // Numeraire: P_ref unchanged (P is homogeneous of degree one in prices).
            let pr = imr(&p_new)[r].powf(-1.0 / theta);
            p_new.iter_mut().for_each(|v| *v /= pr);
            let d = p
                .iter()
                .zip(&p_new)
                .fold(0.0f64, |m, (o, nw)| m.max((nw.ln() - o.ln()).abs()));
            p = p_new;
            if d < opts.tol {
                ok = true;
                break;
            }
        }
        if !ok {
            return Err(GravityError::NotConverged(format!(
                "full-endowment GE after {it_f} iterations"
            )));
        }
        c = imr(&p);
        eh = ehat(&p);
        let xf: Vec<f64> = (0..n * n)
            .map(|k| {
                let (i, j) = (k / n, k % n);
                x[k] * p[i].powf(-theta) * t[k] * eh[j] / c[j]
            })
            .collect();
        let mut mc = 0.0f64;
        let mut me = 0.0f64;
        for i in 0..n {
            let out: f64 = xf[i * n..(i + 1) * n].iter().sum();
            mc = mc.max((out - p[i] * y[i]).abs() / y[i]);
            let exp: f64 = (0..n).map(|r| xf[r * n + i]).sum();
            me = me.max((exp - eh[i] * e[i]).abs() / e[i]);
        }
        if mc > 1e-8 || me > 1e-8 {
            return Err(GravityError::NotConverged(format!(
                "full-endowment GE: market clearing error {mc:.2e}, expenditure error {me:.2e}"
            )));
        }
        let yw_hat = (0..n).map(|i| p[i] * y[i]).sum::<f64>() / y.iter().sum::<f64>();
        let full: Vec<CountryChange> = (0..n)
            .map(|i| {
                let (ex, im, dom, out, exp) = totals(x, n, i);
                let (ex2, im2, dom2, out2, exp2) = totals(&xf, n, i);
                let omr: f64 = (0..n)
                    .map(|j| x[i * n + j] / y[i] * t[i * n + j] * eh[j] / (c[j] * yw_hat))
                    .sum();
                let p_imr = c[i].powf(-1.0 / theta);
                CountryChange {
                    country: self.countries[i].clone(),
                    exports_pct: pct(ex2, ex),
                    imports_pct: pct(im2, im),
                    domestic_sales_pct: pct(dom2, dom),
                    output_pct: pct(out2, out),
                    expenditure_pct: pct(exp2, exp),
                    producer_price_pct: Some(100.0 * (p[i] - 1.0)),
                    omr_pct: 100.0 * (omr.powf(-1.0 / theta) - 1.0),
                    imr_pct: 100.0 * (p_imr - 1.0),
                    real_gdp_pct: Some(100.0 * (p[i] / p_imr - 1.0)),
                }
            })
            .collect();
        let bilateral = (0..n * n)
            .map(|k| PairChange {
                exporter: self.countries[k / n].clone(),
                importer: self.countries[k % n].clone(),
                baseline: x[k],
                conditional: xc[k],
                full: xf[k],
                shock: t[k],
            })
            .collect();
        Ok(GeResult {
            sigma: self.sigma,
            reference: self.countries[r].clone(),
            full,
            conditional,
            bilateral,
            iterations_conditional: it_c,
            iterations_full: it_f,
            tolerance: opts.tol,
            max_market_clearing_error: mc,
            max_expenditure_error: me,
        })
    }
}

/// (exports excl. domestic, imports excl. domestic, domestic sales, output, expenditure).
fn totals(x: &[f64], n: usize, i: usize) -> (f64, f64, f64, f64, f64) {
    let out: f64 = x[i * n..(i + 1) * n].iter().sum();
    let exp: f64 = (0..n).map(|r| x[r * n + i]).sum();
    let dom = x[i * n + i];
    (out - dom, exp - dom, dom, out, exp)
}
