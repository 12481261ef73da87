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

/// Replaces the waits of unmeasured directions (those equal to the mode's regional default,
/// `regional[mode]`) with the median of comparable measured directions.
pub(crate) fn apply_wait_defaults(bcps: &mut [Bcp], regional: impl Fn(Layer) -> f64) {
    let is_default = |b: &Bcp, d: usize| {
        !b.listed || b.wait_basis == Basis::RegionalDefault || {
            (b.wait_hours[d] - regional(b.mode)).abs() < 1e-9
        }
    };
    // (mode, exporting country) / (mode, importing country) / mode
    let mut by_exporter: Vec<((Layer, Country), Pool)> = Vec::new();
    let mut by_importer: Vec<((Layer, Country), Pool)> = Vec::new();
    let mut by_mode: Vec<(Layer, Pool)> = Vec::new();
    fn push<K: PartialEq>(v: &mut Vec<(K, Pool)>, k: K, h: f64) {
        match v.iter_mut().find(|(kk, _)| *kk == k) {
            Some((_, p)) => p.hours.push(h),
            None => v.push((k, Pool { hours: vec![h] })),
        }
    }
    for b in bcps.iter() {
        for d in 0..2 {
            if is_default(b, d) {
                continue;
            }
            let (from, to) = if d == 0 {
                (b.country_a, b.country_b)
            } else {
                (b.country_b, b.country_a)
            };
            let h = b.wait_hours[d];
            push(&mut by_exporter, (b.mode, from), h);
            push(&mut by_importer, (b.mode, to), h);
            push(&mut by_mode, b.mode, h);
        }
    }
    for b in bcps.iter_mut() {
        for d in 0..2 {
            if !is_default(b, d) {
                b.wait_measured[d] = true;
                continue;
            }
            let (from, to) = if d == 0 {
                (b.country_a, b.country_b)
            } else {
                (b.country_b, b.country_a)
            };
            let find = |v: &Vec<((Layer, Country), Pool)>, c: Country| {
                v.iter()
                    .find(|(k, p)| *k == (b.mode, c) && p.hours.len() >= 2)
                    .map(|(_, p)| p.hours.clone())
            };
            let (hours, scope) = if let Some(h) = find(&by_exporter, from) {
                (h, format!("leaving {from}"))
            } else if let Some(h) = find(&by_importer, to) {
                (h, format!("entering {to}"))
            } else if let Some((_, p)) = by_mode.iter().find(|(m, _)| *m == b.mode) {
                (p.hours.clone(), "in the region".to_owned())
            } else {
                continue;
            };
            let pool = Pool { hours };
            let (median, lo, hi) = (pool.quantile(0.5), pool.quantile(0.25), pool.quantile(0.75));
            b.wait_hours[d] = median;
            b.wait_range[d] = (lo, hi);
            b.wait_default_source[d] = Some(format!(
                "no measured figure for this direction: median of the {} CPMM-measured {} crossing directions {scope} ({median:.1} h; interquartile range {lo:.1}-{hi:.1} h)",
                pool.hours.len(),
                b.mode.as_str(),
            ));
        }
    }
}
