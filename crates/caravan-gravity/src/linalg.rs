//! Small dense symmetric systems (one row and column per regressor): Cholesky, solve, inverse.

/// Cholesky factor (lower, row-major) of the k x k matrix `a`, or the first column whose pivot
/// falls below `rel_tol` times its diagonal (collinear with the columns before it).
pub fn cholesky(a: &[f64], k: usize, rel_tol: f64) -> Result<Vec<f64>, usize> {
    let mut l = vec![0.0; k * k];
    for j in 0..k {
        let mut d = a[j * k + j];
        for m in 0..j {
            d -= l[j * k + m] * l[j * k + m];
        }
        if d.is_nan() || d <= rel_tol * a[j * k + j] || d <= 0.0 {
            return Err(j);
        }
        let djj = d.sqrt();
        l[j * k + j] = djj;
        for i in j + 1..k {
            let mut s = a[i * k + j];
            for m in 0..j {
                s -= l[i * k + m] * l[j * k + m];
            }
            l[i * k + j] = s / djj;
        }
    }
    Ok(l)
}

/// Solve L L' x = b.
pub fn chol_solve(l: &[f64], k: usize, b: &[f64]) -> Vec<f64> {
    let mut y = b.to_vec();
    for i in 0..k {
        for m in 0..i {
            y[i] -= l[i * k + m] * y[m];
        }
        y[i] /= l[i * k + i];
    }
    for i in (0..k).rev() {
        for m in i + 1..k {
            y[i] -= l[m * k + i] * y[m];
        }
        y[i] /= l[i * k + i];
    }
    y
}

/// Inverse of L L' (row-major).
pub fn chol_inverse(l: &[f64], k: usize) -> Vec<f64> {
    let mut inv = vec![0.0; k * k];
    for j in 0..k {
        let mut e = vec![0.0; k];
        e[j] = 1.0;
        let c = chol_solve(l, k, &e);
        for i in 0..k {
            inv[i * k + j] = c[i];
        }
    }
    inv
}

/// Least squares on the columns that are not (numerically) collinear with earlier ones; the
/// others get coefficient 0. Used by the separation check, where collinearity is harmless.
pub fn solve_skipping_collinear(a: &[f64], k: usize, b: &[f64], rel_tol: f64) -> Vec<f64> {
    let mut keep: Vec<usize> = Vec::new();
    for j in 0..k {
        let mut trial = keep.clone();
        trial.push(j);
        let kk = trial.len();
        let sub: Vec<f64> = trial
            .iter()
            .flat_map(|&r| trial.iter().map(move |&c| a[r * k + c]))
            .collect();
        if a[j * k + j] > 0.0 && cholesky(&sub, kk, rel_tol).is_ok() {
            keep = trial;
        }
    }
    let kk = keep.len();
    let mut out = vec![0.0; k];
    if kk == 0 {
        return out;
    }
    let sub: Vec<f64> = keep
        .iter()
        .flat_map(|&r| keep.iter().map(move |&c| a[r * k + c]))
        .collect();
    let l = cholesky(&sub, kk, 0.0).unwrap_or_else(|_| vec![1.0; kk * kk]);
    let bb: Vec<f64> = keep.iter().map(|&j| b[j]).collect();
    for (c, &j) in chol_solve(&l, kk, &bb).iter().zip(&keep) {
        out[j] = *c;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_and_inverts_a_small_spd_system() {
        let a = [4.0, 2.0, 0.6, 2.0, 5.0, 1.0, 0.6, 1.0, 3.0];
        let l = cholesky(&a, 3, 1e-12).unwrap();
        let x = chol_solve(&l, 3, &[1.0, 2.0, 3.0]);
        for i in 0..3 {
            let r: f64 = (0..3).map(|j| a[i * 3 + j] * x[j]).sum();
            assert!((r - [1.0, 2.0, 3.0][i]).abs() < 1e-12);
        }
        let inv = chol_inverse(&l, 3);
        for i in 0..3 {
            for j in 0..3 {
                let r: f64 = (0..3).map(|m| a[i * 3 + m] * inv[m * 3 + j]).sum();
                assert!((r - f64::from(u8::from(i == j))).abs() < 1e-12);
            }
        }
        // Third column = first + second: collinear.
        let c = [1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 2.0];
        assert_eq!(cholesky(&c, 3, 1e-9), Err(2));
    }
}
