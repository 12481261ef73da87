//! Fixed effects swept out by alternating projections (weighted Gauss-Seidel over the
//! fixed-effect sets), accelerated by Irons and Tuck (1969) as in fixest (Berge 2018).

/// One set of fixed effects: a level per observation.
#[derive(Clone, Debug)]
pub struct Factor {
    pub name: String,
    pub ids: Vec<u32>,
    pub levels: Vec<String>,
}

impl Factor {
    pub fn n_levels(&self) -> usize {
        self.levels.len()
    }

    /// Keep the observations where `keep` is true and renumber the levels left.
    pub fn subset(&self, keep: &[bool]) -> Factor {
        let mut map = vec![u32::MAX; self.levels.len()];
        let mut levels = Vec::new();
        let mut ids = Vec::with_capacity(self.ids.len());
        for (&id, &k) in self.ids.iter().zip(keep) {
            if !k {
                continue;
            }
            let m = &mut map[id as usize];
            if *m == u32::MAX {
                *m = levels.len() as u32;
                levels.push(self.levels[id as usize].clone());
            }
            ids.push(*m);
        }
        Factor {
            name: self.name.clone(),
            ids,
            levels,
        }
    }

    /// Observations per level.
    pub fn counts(&self) -> Vec<u32> {
        let mut c = vec![0u32; self.levels.len()];
        for &i in &self.ids {
            c[i as usize] += 1;
        }
        c
    }
}

/// Tolerance and cap of the alternating projections.
#[derive(Clone, Copy, Debug)]
pub struct DemeanOptions {
    /// Stop when no fixed-effect coefficient moves by more than `tol * (1 + max |v|)` in a
    /// sweep.
    pub tol: f64,
    pub max_iter: usize,
}

impl Default for DemeanOptions {
    fn default() -> Self {
        DemeanOptions {
            tol: 1e-11,
            max_iter: 100_000,
        }
    }
}

/// The projections for one set of weights.
pub struct Demeaner<'a> {
    factors: &'a [Factor],
    w: &'a [f64],
    inv_wsum: Vec<Vec<f64>>,
    offsets: Vec<usize>,
    n_coef: usize,
}

impl<'a> Demeaner<'a> {
    pub fn new(factors: &'a [Factor], w: &'a [f64]) -> Demeaner<'a> {
        let mut offsets = Vec::with_capacity(factors.len());
        let mut n_coef = 0;
        let inv_wsum = factors
            .iter()
            .map(|f| {
                offsets.push(n_coef);
                n_coef += f.n_levels();
                let mut s = vec![0.0; f.n_levels()];
                for (&id, &wi) in f.ids.iter().zip(w) {
                    s[id as usize] += wi;
                }
                s.into_iter()
                    .map(|x| if x > 0.0 { 1.0 / x } else { 0.0 })
                    .collect()
            })
            .collect();
        Demeaner {
            factors,
            w,
            inv_wsum,
            offsets,
            n_coef,
        }
    }

    /// Length of the concatenated fixed-effect coefficient vector (a warm start).
    pub fn n_coef(&self) -> usize {
        self.n_coef
    }

    /// One Gauss-Seidel sweep from `alpha`: each set in turn takes the weighted mean of what
    /// the others leave. `sum` is scratch of length n.
    fn sweep(&self, v: &[f64], alpha: &[f64], out: &mut [f64], sum: &mut [f64]) {
        out.copy_from_slice(alpha);
        sum.iter_mut().for_each(|s| *s = 0.0);
        for (g, f) in self.factors.iter().enumerate() {
            let o = self.offsets[g];
            for (s, &id) in sum.iter_mut().zip(&f.ids) {
                *s += out[o + id as usize];
            }
        }
        let mut num = Vec::new();
        for (g, f) in self.factors.iter().enumerate() {
            let o = self.offsets[g];
            num.clear();
            num.resize(f.n_levels(), 0.0);
            for i in 0..v.len() {
                num[f.ids[i] as usize] += self.w[i] * (v[i] - sum[i]);
            }
            for (l, nv) in num.iter_mut().enumerate() {
                *nv *= self.inv_wsum[g][l];
                out[o + l] += *nv;
            }
            for (s, &id) in sum.iter_mut().zip(&f.ids) {
                *s += num[id as usize];
            }
        }
    }

    /// Residual of `v` after projecting out the fixed effects (weighted), starting from the
    /// coefficients in `alpha` (updated in place: a warm start for the next call). Returns the
    /// number of sweeps and whether it converged.
    pub fn demean(
        &self,
        v: &[f64],
        alpha: &mut Vec<f64>,
        opts: DemeanOptions,
        resid: &mut Vec<f64>,
    ) -> (usize, bool) {
        let n = v.len();
        resid.clear();
        resid.extend_from_slice(v);
        if self.factors.is_empty() {
            return (0, true);
        }
        if alpha.len() != self.n_coef {
            alpha.clear();
            alpha.resize(self.n_coef, 0.0);
        }
        let scale = 1.0 + v.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        let tol = opts.tol * scale;
        let mut sum = vec![0.0; n];
        let mut gx = vec![0.0; self.n_coef];
        let mut ggx = vec![0.0; self.n_coef];
        let mut iters = 0;
        let mut converged = false;
        if self.factors.len() == 1 {
            // One set: a single sweep is the exact projection.
            self.sweep(v, &alpha.clone(), &mut gx, &mut sum);
            alpha.copy_from_slice(&gx);
            iters = 1;
            converged = true;
        } else {
            while iters < opts.max_iter {
                self.sweep(v, alpha, &mut gx, &mut sum);
                self.sweep(v, &gx, &mut ggx, &mut sum);
                iters += 2;
                let mut maxd = 0.0f64;
                let (mut vprod, mut ssq) = (0.0, 0.0);
                for j in 0..self.n_coef {
                    let d1 = ggx[j] - gx[j];
                    let d2 = ggx[j] - 2.0 * gx[j] + alpha[j];
                    maxd = maxd.max(d1.abs());
                    vprod += d1 * d2;
                    ssq += d2 * d2;
                }
                if maxd <= tol {
                    alpha.copy_from_slice(&ggx);
                    converged = true;
                    break;
                }
                if ssq > 0.0 {
                    let c = vprod / ssq;
                    for j in 0..self.n_coef {
                        alpha[j] = ggx[j] - c * (ggx[j] - gx[j]);
                    }
                } else {
                    alpha.copy_from_slice(&ggx);
                }
            }
        }
        // resid = v - D alpha
        for (g, f) in self.factors.iter().enumerate() {
            let o = self.offsets[g];
            for (r, &id) in resid.iter_mut().zip(&f.ids) {
                *r -= alpha[o + id as usize];
            }
        }
        (iters, converged)
    }

    /// The fixed-effect coefficients in `alpha`, split by set.
    pub fn split<'b>(&self, alpha: &'b [f64]) -> Vec<&'b [f64]> {
        self.factors
            .iter()
            .enumerate()
            .map(|(g, f)| &alpha[self.offsets[g]..self.offsets[g] + f.n_levels()])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn factor(ids: &[u32]) -> Factor {
        let n = ids.iter().max().map_or(0, |m| *m as usize + 1);
        Factor {
            name: "f".into(),
            ids: ids.to_vec(),
            levels: (0..n).map(|i| i.to_string()).collect(),
        }
    }

    #[test]
    fn two_way_demeaning_leaves_weighted_group_sums_at_zero() {
        let a = factor(&[0, 0, 1, 1, 2, 2, 0, 1]);
        let b = factor(&[0, 1, 0, 1, 0, 1, 2, 2]);
        let fs = vec![a, b];
        let w = [1.0, 2.0, 0.5, 1.5, 3.0, 1.0, 0.7, 2.2];
        let v = [3.0, -1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0];
        let d = Demeaner::new(&fs, &w);
        let mut alpha = Vec::new();
        let mut r = Vec::new();
        let (_, ok) = d.demean(&v, &mut alpha, DemeanOptions::default(), &mut r);
        assert!(ok);
        for f in &fs {
            let mut s = vec![0.0; f.n_levels()];
            for i in 0..v.len() {
                s[f.ids[i] as usize] += w[i] * r[i];
            }
            assert!(s.iter().all(|x| x.abs() < 1e-9), "{s:?}");
        }
    }
}
