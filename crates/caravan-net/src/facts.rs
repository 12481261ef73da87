//! Published facts about the region's network (`data/validation/facts.csv`): distances, transit
//! times, crossings a route must use and crossing status, each with its source. The router
//! is judged on them (`caravan data validate`); the `calibration` set is the one parameters
//! may be fitted on, the `validation` set is the one results are reported on.

use std::io::Read;

use serde::Serialize;

use crate::model::Layer;
use crate::table::Table;
use crate::DataError;

/// Which use a fact is kept for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactSet {
    Calibration,
    Validation,
    /// Kept for the record, not judged (the reason is in the notes).
    Excluded,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactKind {
    /// Route length in km along the fact's mode.
    Distance,
    /// End-to-end transit time in hours.
    Time,
    /// The route must use the crossing(s) in `bcp`.
    MustCross,
    /// The crossing(s) in `bcp` are `open` or `closed`.
    Status,
}

/// What a distance or time figure claims: the value itself (within the tolerance), or only a
/// bound, as a record run ("a record time of just five days": the usual trip takes longer) or
/// "more than 10 days" or "less than two days" do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// ours within value x (1 +/- tolerance).
    #[default]
    Point,
    /// ours at least value x (1 - tolerance).
    Lower,
    /// ours at most value x (1 + tolerance).
    Upper,
}

impl Bound {
    /// Whether a ratio ours / value meets the claim.
    pub fn holds(self, ratio: f64, tolerance: f64) -> bool {
        ratio.is_finite()
            && match self {
                Bound::Point => (ratio - 1.0).abs() <= tolerance,
                Bound::Lower => ratio >= 1.0 - tolerance,
                Bound::Upper => ratio <= 1.0 + tolerance,
            }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Fact {
    pub id: String,
    pub set: FactSet,
    pub kind: FactKind,
    pub mode: Layer,
    pub from: String,
    pub to: String,
    /// km, hours, or for `status` 1 = open and 0 = closed.
    pub value: Option<f64>,
    pub unit: String,
    /// Relative tolerance for distance and time.
    pub tolerance: f64,
    /// Point value or bound (optional `bound` column: point, lower or upper; blank = point).
    pub bound: Bound,
    /// BCP ids: `;` separates crossings that are all required, `|` alternatives of one.
    pub bcp: String,
    /// For a distance fact about a named route: the BCP ids it passes, in order (optional
    /// `via` column, `;`-separated). The distance is measured along that route (origin to
    /// the first crossing, on to the next, to the destination), not the one the router picks.
    pub via: Vec<String>,
    pub source_title: String,
    pub source_url: String,
    pub source_date: String,
    pub quote: String,
    pub notes: String,
}

/// Reads the facts table; a bad row gives the file, line and field.
pub fn load_facts(file: &str, input: Box<dyn Read>) -> Result<Vec<Fact>, DataError> {
    let t = Table::new(file, input)?;
    t.require(&[
        "id",
        "set",
        "kind",
        "mode",
        "from",
        "to",
        "value",
        "unit",
        "tolerance",
        "bcp",
        "source_title",
        "source_url",
        "source_date",
        "quote",
        "notes",
    ])?;
    let mut out: Vec<Fact> = Vec::new();
    t.for_each(|r| {
        let set = r.parse("set", "calibration, validation or excluded", |s| match s {
            "calibration" => Some(FactSet::Calibration),
            "validation" => Some(FactSet::Validation),
            "excluded" => Some(FactSet::Excluded),
            _ => None,
        })?;
        let kind = r.parse(
            "kind",
            "distance, time, must_cross or status",
            |s| match s {
                "distance" => Some(FactKind::Distance),
                "time" => Some(FactKind::Time),
                "must_cross" => Some(FactKind::MustCross),
                "status" => Some(FactKind::Status),
                _ => None,
            },
        )?;
        let mode = r.parse("mode", "road, rail or sea", Layer::parse)?;
        let value = match kind {
            FactKind::Distance | FactKind::Time => Some(r.number("value", 0.0, 100_000.0)?),
            FactKind::Status => Some(r.parse("value", "open or closed", |s| match s {
                "open" => Some(1.0),
                "closed" => Some(0.0),
                _ => None,
            })?),
            FactKind::MustCross => None,
        };
        let tolerance = match kind {
            FactKind::Distance | FactKind::Time => r.number("tolerance", 0.0, 1.0)?,
            _ => 0.0,
        };
        let bound = r.parse(
            "bound",
            "point, lower or upper (blank = point)",
            |s| match s {
                "" | "point" => Some(Bound::Point),
                "lower" => Some(Bound::Lower),
                "upper" => Some(Bound::Upper),
                _ => None,
            },
        )?;
        if bound != Bound::Point && !matches!(kind, FactKind::Distance | FactKind::Time) {
            return Err(r.error("bound", "only a distance or time fact is a bound"));
        }
        if matches!(kind, FactKind::MustCross | FactKind::Status) && r.str("bcp").is_empty() {
            return Err(r.error("bcp", "a must_cross or status fact names its crossing ids"));
        }
        if r.str("source_title").is_empty() || r.str("quote").is_empty() {
            return Err(r.error("source_title", "every fact needs a source and a quote"));
        }
        let via: Vec<String> = r
            .str("via")
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if !via.is_empty() && kind != FactKind::Distance {
            return Err(r.error(
                "via",
                "only a distance fact names the crossings of its route",
            ));
        }
        let id = r.str("id").to_owned();
        if out.iter().any(|f| f.id == id) {
            return Err(r.error("id", "duplicate fact id"));
        }
        out.push(Fact {
            id,
            set,
            kind,
            mode,
            from: r.str("from").to_owned(),
            to: r.str("to").to_owned(),
            value,
            unit: r.str("unit").to_owned(),
            tolerance,
            bound,
            bcp: r.str("bcp").to_owned(),
            via,
            source_title: r.str("source_title").to_owned(),
            source_url: r.str("source_url").to_owned(),
            source_date: r.str("source_date").to_owned(),
            quote: r.str("quote").to_owned(),
            notes: r.str("notes").to_owned(),
        });
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod bound_tests {
    use super::Bound;

    #[test]
    fn bounds_judge_one_side_only() {
        assert!(Bound::Point.holds(1.09, 0.1));
        assert!(!Bound::Point.holds(1.2, 0.1));
        assert!(!Bound::Point.holds(0.8, 0.1));
        // A record of 120 h: 192 h is slower than the record, as a typical run should be.
        assert!(Bound::Lower.holds(1.6, 0.35));
        assert!(Bound::Lower.holds(0.7, 0.35));
        assert!(!Bound::Lower.holds(0.6, 0.35));
        // "Less than two days": 60 h is within the tolerance above 48 h, 80 h is not.
        assert!(Bound::Upper.holds(1.25, 0.5));
        assert!(Bound::Upper.holds(0.2, 0.5));
        assert!(!Bound::Upper.holds(1.7, 0.5));
        assert!(!Bound::Lower.holds(f64::NAN, 0.5));
    }
}
