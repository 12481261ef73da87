//! Border waits that mean one thing. A crossing's wait, per direction and mode, is the time
//! to cross both countries' posts (CPMM TFI1: "from the entry to the exit point of each of the
//! two countries' BCPs"). Measured figures are routed as curated (the median over the CPMM
//! years where several are published, with their range). A direction without a measured
//! figure (the CPMM regional average in the table, and every unlisted crossing) gets the
//! median of the measured directions of the same mode that leave the same country (else that
//! enter the same country, else all of the mode), with their interquartile range: an
//! unmeasured crossing no longer looks faster than the measured ones around it.

use crate::model::{Basis, Bcp, Country, Layer};

/// A pool of measured waits: the figures and the crossings they come from.
#[derive(Default)]
struct Pool {
    hours: Vec<f64>,
}

impl Pool {
    fn quantile(&self, q: f64) -> f64 {
        let mut v = self.hours.clone();
        v.sort_by(f64::total_cmp);
        let pos = q * (v.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
    }
}

/// The median of some figures (not empty).
pub(crate) fn median(figures: Vec<f64>) -> f64 {
    Pool { hours: figures }.quantile(0.5)
}

/// One measured crossing direction.
pub(crate) struct Measured {
    mode: Layer,
    from: Country,
    to: Country,
    hours: f64,
}

/// The measured directions of `bcps`, as `is_measured` tells them apart.
pub(crate) fn measured_directions(
    bcps: &[Bcp],
    is_measured: impl Fn(&Bcp, usize) -> bool,
) -> Vec<Measured> {
    let mut out = Vec::new();
    for b in bcps {
        for d in 0..2 {
            if is_measured(b, d) {
                let (from, to) = direction(b, d);
                out.push(Measured {
                    mode: b.mode,
                    from,
                    to,
                    hours: b.wait_hours[d],
                });
            }
        }
    }
    out
}

fn direction(b: &Bcp, d: usize) -> (Country, Country) {
    if d == 0 {
        (b.country_a, b.country_b)
    } else {
        (b.country_b, b.country_a)
    }
}

/// The wait of an unmeasured direction `from` -> `to` of a mode: the median of the measured
/// directions of the mode leaving the same country (at least two), else entering the same
/// country (at least two), else of the whole mode. Gives the median, the interquartile range
/// and where they come from; `None` when the mode has no measured direction at all.
pub(crate) fn comparable_wait(
    measured: &[Measured],
    mode: Layer,
    from: Country,
    to: Country,
) -> Option<(f64, (f64, f64), String)> {
    let pool = |keep: &dyn Fn(&Measured) -> bool| -> Vec<f64> {
        measured
            .iter()
            .filter(|m| m.mode == mode && keep(m))
            .map(|m| m.hours)
            .collect()
    };
    let (leaving, entering) = (pool(&|m| m.from == from), pool(&|m| m.to == to));
    let (hours, scope) = if leaving.len() >= 2 {
        (leaving, format!("leaving {from}"))
    } else if entering.len() >= 2 {
        (entering, format!("entering {to}"))
    } else {
        let all = pool(&|_| true);
        if all.is_empty() {
            return None;
        }
        (all, "in the region".to_owned())
    };
    let pool = Pool { hours };
    let (median, lo, hi) = (pool.quantile(0.5), pool.quantile(0.25), pool.quantile(0.75));
    let source = format!(
        "no measured figure for this direction: median of the {} CPMM-measured {} crossing directions {scope} ({median:.1} h; interquartile range {lo:.1}-{hi:.1} h)",
        pool.hours.len(),
        mode.as_str(),
    );
    Some((median, (lo, hi), source))
}

/// Replaces the waits of unmeasured directions (those equal to the mode's regional default,
/// `regional[mode]`) with the median of comparable measured directions.
pub(crate) fn apply_wait_defaults(bcps: &mut [Bcp], regional: impl Fn(Layer) -> f64) {
    let is_default = |b: &Bcp, d: usize| {
        !b.listed || b.wait_basis == Basis::RegionalDefault || {
            (b.wait_hours[d] - regional(b.mode)).abs() < 1e-9
        }
    };
    let measured = measured_directions(bcps, |b, d| !is_default(b, d));
    for b in bcps.iter_mut() {
        for d in 0..2 {
            if !is_default(b, d) {
                b.wait_measured[d] = true;
                continue;
            }
            let (from, to) = direction(b, d);
            if let Some((median, range, source)) = comparable_wait(&measured, b.mode, from, to) {
                b.wait_hours[d] = median;
                b.wait_range[d] = range;
                b.wait_default_source[d] = Some(source);
            }
        }
    }
}
