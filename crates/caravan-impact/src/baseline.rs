//! Baseline trade flows (with domestic sales) for the GE, and the country codes that join them
//! to the network.

use std::collections::HashMap;
use std::io::Read;
use std::sync::OnceLock;

use caravan_gravity::{estimate, Formula, PpmlOptions, Table};
use serde::Serialize;

use crate::ImpactError;

/// The 2006 cross-section of the Advanced Guide ch. 2 panel (see `data/NOTES.md`).
const AGTPA_2006: &str = include_str!("../data/agtpa_ch2_2006_flows.csv");
const ISO3_ISO2: &str = include_str!("../data/iso3_iso2.csv");
const GAPS: &str = include_str!("../data/baseline_gaps.csv");

/// Where the shipped baseline comes from, for the report.
pub const AGTPA_2006_SOURCE: &str = "Yotov, Piermartini, Monteiro and Larch (2016), An Advanced Guide to Trade Policy Analysis, WTO/UNCTAD, ch. 2 application data (CC BY 4.0), year 2006: 69 countries, USD million, domestic sales on the diagonal";

/// Flows among `countries` (row-major, exporter x importer, domestic sales on the diagonal).
#[derive(Clone, Debug)]
pub struct Baseline {
    /// Codes as the data writes them (ISO3 in the shipped data; ISO2 also accepted).
    pub countries: Vec<String>,
    pub flows: Vec<f64>,
    pub source: String,
}

/// A distance elasticity of trade with how it was obtained.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DistanceElasticity {
    pub elasticity: f64,
    pub std_error: Option<f64>,
    pub source: String,
}

impl Baseline {
    /// The shipped baseline: Advanced Guide ch. 2 data, 2006.
    pub fn agtpa_ch2_2006() -> Result<Baseline, ImpactError> {
        Baseline::from_csv(AGTPA_2006.as_bytes(), AGTPA_2006_SOURCE, None)
    }

    /// Only these countries (codes as the baseline writes them); an unknown code is an error.
    pub fn subset(&self, keep: &[String]) -> Result<Baseline, ImpactError> {
        let n = self.countries.len();
        let mut idx = Vec::new();
        for k in keep {
            let i = self
                .countries
                .iter()
                .position(|c| c.eq_ignore_ascii_case(k.trim()))
                .ok_or_else(|| {
                    ImpactError::Invalid(format!("country `{k}` is not in the baseline"))
                })?;
            if !idx.contains(&i) {
                idx.push(i);
            }
        }
        idx.sort_unstable();
        if idx.len() < 2 {
            return Err(ImpactError::Invalid(
                "keep at least two countries of the baseline".into(),
            ));
        }
        Ok(Baseline {
            countries: idx.iter().map(|&i| self.countries[i].clone()).collect(),
            flows: idx
                .iter()
                .flat_map(|&i| idx.iter().map(move |&j| self.flows[i * n + j]))
                .collect(),
            source: format!("{} (only {})", self.source, keep.join(", ")),
        })
    }

    /// Reads `exporter,importer,trade` (and `year` when `year` is given: only those rows) from
    /// CSV. Every country needs its domestic sales (exporter = importer); a missing pair is a
    /// zero flow; a pair given twice is an error naming the line.
    pub fn from_csv<R: Read>(
        reader: R,
        source: &str,
        year: Option<&str>,
    ) -> Result<Baseline, ImpactError> {
        let mut cols: Vec<String> = ["exporter", "importer", "trade"].map(String::from).to_vec();
        if year.is_some() {
            cols.push("year".into());
        }
        let mut t = Table::read_csv(reader, Some(&cols))?;
        if let Some(y) = year {
            let keep: Vec<bool> = t.text("year")?.iter().map(|v| v.trim() == y).collect();
            if !keep.iter().any(|k| *k) {
                return Err(ImpactError::Invalid(format!(
                    "baseline: no row has year = {y}"
                )));
            }
            t = t.filter(&keep);
        }
        let exp = t.text("exporter")?;
        let imp = t.text("importer")?;
        let trade = t.numeric("trade")?;
        let mut countries: Vec<String> = exp
            .iter()
            .chain(imp)
            .map(|c| c.trim().to_string())
            .collect();
        countries.sort();
        countries.dedup();
        let idx: HashMap<&str, usize> = countries
            .iter()
            .enumerate()
            .map(|(i, c)| (c.as_str(), i))
            .collect();
        let n = countries.len();
        let mut flows = vec![0.0; n * n];
        let mut seen = vec![false; n * n];
        for r in 0..t.n_rows() {
            let k = idx[exp[r].trim()] * n + idx[imp[r].trim()];
            let v = trade[r].ok_or_else(|| {
                ImpactError::Invalid(format!("baseline line {}: `trade` is empty", t.line(r)))
            })?;
            if !(v >= 0.0 && v.is_finite()) {
                return Err(ImpactError::Invalid(format!(
                    "baseline line {}: `trade` is {v}; flows must be >= 0",
                    t.line(r)
                )));
            }
            if seen[k] {
                return Err(ImpactError::Invalid(format!(
                    "baseline line {}: a second row for {} -> {}{}",
                    t.line(r),
                    exp[r],
                    imp[r],
                    if year.is_none() {
                        " (filter to one year)"
                    } else {
                        ""
                    }
                )));
            }
            seen[k] = true;
            flows[k] = v;
        }
        for (i, c) in countries.iter().enumerate() {
            if !seen[i * n + i] {
                return Err(ImpactError::Invalid(format!(
                    "baseline: {c} has no domestic-sales row ({c} -> {c}); the GE needs them"
                )));
            }
        }
        Ok(Baseline {
            countries,
            flows,
            source: source.to_string(),
        })
    }
}

/// The distance elasticity of trade fitted by PPML on the shipped 2006 cross-section,
/// international flows only: `trade ~ log(DIST) + CNTG + LANG + CLNY | exporter + importer`
/// (the textbook gravity specification of the Advanced Guide ch. 1-2, one year).
pub fn fitted_distance_elasticity() -> Result<DistanceElasticity, ImpactError> {
    let text = "trade ~ log(DIST) + CNTG + LANG + CLNY | exporter + importer";
    let formula = Formula::parse(text)?;
    let mut cols = formula.columns();
    cols.extend(["exporter".to_string(), "importer".to_string()]);
    cols.dedup();
    let t = Table::read_csv(AGTPA_2006.as_bytes(), None)?;
    let e = t.text("exporter")?;
    let i = t.text("importer")?;
    let keep: Vec<bool> = e.iter().zip(i).map(|(a, b)| a != b).collect();
    let t = t.filter(&keep);
    let est = estimate(&t, &formula, &PpmlOptions::default())?;
    let c = est
        .coefficient("log(DIST)")
        .ok_or_else(|| ImpactError::Invalid("log(DIST) was dropped from the fit".into()))?;
    Ok(DistanceElasticity {
        elasticity: c.estimate,
        std_error: Some(c.std_error),
        source: format!(
            "PPML `{text}` on the Advanced Guide ch. 2 data, 2006, international flows ({} obs), robust SE {:.4}",
            est.n_obs, c.std_error
        ),
    })
}

fn iso_table() -> &'static HashMap<String, String> {
    static T: OnceLock<HashMap<String, String>> = OnceLock::new();
    T.get_or_init(|| {
        ISO3_ISO2
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(','))
            .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
            .collect()
    })
}

/// ISO 3166 alpha-2 for an alpha-3 code (and the old `ROM` of the ch. 2 data); a two-letter
/// code is returned as is.
pub fn iso2(code: &str) -> Option<String> {
    let c = code.trim().to_ascii_uppercase();
    if c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()) {
        return Some(c);
    }
    iso_table().get(&c).cloned()
}

/// Why the GE has no result for a country not in the run's baseline (ISO2 code), from
/// `data/baseline_gaps.csv` (see `data/NOTES.md`).
pub fn coverage_gap(iso2: &str) -> String {
    let row = GAPS
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|f| f.first().is_some_and(|c| c.eq_ignore_ascii_case(iso2)));
    let Some(f) = row else {
        return "not in the baseline; no data here to add it".into();
    };
    if f.get(2) == Some(&"1") {
        return "in the shipped Advanced Guide ch. 2 baseline but left out of this run's baseline (--countries or --baseline)".into();
    }
    let mut s = format!(
        "not in the shipped baseline (the Advanced Guide ch. 2 data, 69 countries); the shared data cannot add it: a GE baseline needs its domestic sales (gross output less exports), and no file here has output or domestic sales (the penppml panel has {} rows with exporter = importer)",
        f.get(7).unwrap_or(&"0")
    );
    if f.get(3) == Some(&"0") {
        s.push_str(&format!(
            "; penppml has not even its exports in 2016 (no row with {} as exporter; {} rows of partners' exports to it)",
            f.get(1).unwrap_or(&"?"),
            f.get(5).unwrap_or(&"0")
        ));
    }
    s
}
