//! A user's own tariff schedule for `--tariff FILE`: Caravan's columns, or a WITS / UNCTAD TRAINS
//! export read as WITS writes it.
//!
//! Two WITS layouts are read, by column name (the order and any further columns do not matter):
//!
//! * the "Tariff and Trade Analysis" / "Tariff - View and Export" result CSV: `Reporter`,
//!   `Reporter Name`, `Product`, `Product Name`, `Partner`, `Partner Name`, `Tariff Year`,
//!   `DutyType` (also `Duty Type`), `Simple Average`, and when present `Minimum Rate`,
//!   `Maximum Rate`, `Nbr of Total Lines`, `Selected Nomen`, `Native Nomen`;
//! * the bulk-download `AVEMFN` CSV: `NomenCode`, `Reporter_ISO_N`, `Year`, `ProductCode`,
//!   `SimpleAverage`, `Min_Rate`, `Max_Rate`, `TotalNoOfLines`, `Nbr_NA_Lines`, `EstCode`.
//!
//! Duty types are mapped honestly: `MFN` rows (MFN applied) become the schedule; `BND` (bound:
//! a ceiling, not what is charged), `AHS` (effectively applied: the lowest rate for one partner,
//! preferences included) and `PRF` (preferential) rows are skipped and counted, because they
//! are not the MFN rate for every origin. A bulk `AVEPref` file (it has a `Partner` column) is
//! refused for the same reason. A WITS value is a simple average of the national lines under
//! the product in percent of value; where `Minimum Rate` and `Maximum Rate` differ, the lines
//! carry different rates and the output says so. Sources of the layouts:
//! `data/curated/landed/WITS_FORMAT.md`.

use std::collections::BTreeMap;
use std::io::Cursor;

use caravan_net::table::{Row, Table};
use caravan_net::DataError;

use crate::data::{read_duty_lines, Duty, DutyLine};
use crate::date::{Date, Validity};

/// Which layout a schedule file was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScheduleLayout {
    /// Caravan's own columns (`hs,duty_kind,ad_valorem_pct,...`), as in `tariff_lines.csv`.
    Caravan,
    /// A WITS "Tariff and Trade Analysis" result export.
    WitsTariffAnalysis,
    /// A WITS bulk-download `AVEMFN` file.
    WitsBulkMfn,
}

impl ScheduleLayout {
    pub fn describe(&self) -> &'static str {
        match self {
            ScheduleLayout::Caravan => "Caravan columns",
            ScheduleLayout::WitsTariffAnalysis => "WITS / TRAINS tariff export",
            ScheduleLayout::WitsBulkMfn => "WITS bulk AVEMFN file",
        }
    }
}

/// A user's schedule as read: the lines, and what was left out and why.
#[derive(Clone, Debug)]
pub struct UserSchedule {
    pub layout: ScheduleLayout,
    pub lines: Vec<DutyLine>,
    /// One sentence per kind of row left out, with a count (empty when none was).
    pub skipped: Vec<String>,
}

fn header_cells(text: &str) -> Vec<String> {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .split(',')
        .map(|c| c.trim().trim_matches('"').trim().to_owned())
        .collect()
}

/// Which layout `text` is in, from its header line.
pub fn detect_layout(text: &str) -> ScheduleLayout {
    let h = header_cells(text);
    let has = |c: &str| h.iter().any(|x| x == c);
    if has("Simple Average") && (has("DutyType") || has("Duty Type")) {
        ScheduleLayout::WitsTariffAnalysis
    } else if has("SimpleAverage") && has("Reporter_ISO_N") {
        ScheduleLayout::WitsBulkMfn
    } else {
        ScheduleLayout::Caravan
    }
}

/// Reads a user's schedule in any supported layout. `default_importer` is the importing
/// country the rows apply to when the file does not name it in ISO alpha-2 (WITS files name
/// the reporter by a numeric code, so for them it is required).
pub fn read_user_schedule(
    file: &str,
    text: &str,
    default_importer: Option<&str>,
) -> Result<UserSchedule, DataError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // The CSV reader counts a CRLF file's lines one short; line numbers in errors and sources
    // must be the editor's.
    let text = text.replace("\r\n", "\n");
    let layout = detect_layout(&text);
    let input = || Box::new(Cursor::new(text.as_bytes().to_vec()));
    match layout {
        ScheduleLayout::Caravan => Ok(UserSchedule {
            layout,
            lines: read_duty_lines(file, input(), default_importer)?,
            skipped: Vec::new(),
        }),
        ScheduleLayout::WitsTariffAnalysis | ScheduleLayout::WitsBulkMfn => {
            let Some(importer) = default_importer.filter(|i| !i.is_empty()) else {
                return Err(DataError::Csv {
                    file: file.to_owned(),
                    line: 1,
                    message: "a WITS export names the reporter by a numeric code: give the \
                              importing country (--to) the schedule is for"
                        .to_owned(),
                });
            };
            read_wits(file, Table::new(file, input())?, layout, importer)
        }
    }
}

/// The first of `names` that the row has a value for (a column absent from the file reads
/// as empty).
fn first_col<'a>(row: &Row<'_>, names: &[&'a str]) -> &'a str {
    names
        .iter()
        .copied()
        .find(|n| !row.str(n).is_empty())
        .unwrap_or(names[0])
}

struct WitsRow {
    line: u64,
    hs: String,
    year: i32,
    pct: f64,
    min: Option<f64>,
    max: Option<f64>,
    n_lines: Option<f64>,
    description: String,
    reporter: String,
    extra: String,
}

fn read_wits(
    file: &str,
    t: Table,
    layout: ScheduleLayout,
    importer: &str,
) -> Result<UserSchedule, DataError> {
    let tta = layout == ScheduleLayout::WitsTariffAnalysis;
    if tta {
        t.require(&["Reporter", "Product", "Tariff Year", "Simple Average"])?;
    } else {
        t.require(&["Reporter_ISO_N", "Year", "ProductCode", "SimpleAverage"])?;
    }
    let mut reporter_seen: Option<(String, u64)> = None;
    let mut skipped: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut rows: Vec<WitsRow> = Vec::new();
    t.for_each(|r| {
        if !tta && !r.str("Partner").is_empty() {
            return Err(r.error(
                "Partner",
                "a bulk file with partners is a preferential (AVEPref) file: its rates hold \
                 for one partner only; load the AVEMFN file",
            ));
        }
        if tta {
            let dt_col = first_col(r, &["DutyType", "Duty Type"]);
            match r.str(dt_col).to_ascii_uppercase().as_str() {
                "MFN" => {}
                "BND" => {
                    *skipped
                        .entry("duty type BND (bound: a ceiling, not the rate charged)")
                        .or_default() += 1;
                    return Ok(());
                }
                "AHS" => {
                    *skipped
                        .entry(
                            "duty type AHS (effectively applied: the lowest rate for one partner, \
                             preferences included)",
                        )
                        .or_default() += 1;
                    return Ok(());
                }
                "PRF" => {
                    *skipped
                        .entry("duty type PRF (preferential: for the agreement's partners only)")
                        .or_default() += 1;
                    return Ok(());
                }
                _ => return Err(r.error(dt_col, "expected MFN, AHS, PRF or BND")),
            }
        }
        let (rep_col, prod_col, year_col, avg_col, nomen_col) = if tta {
            (
                "Reporter",
                "Product",
                "Tariff Year",
                "Simple Average",
                first_col(r, &["Selected Nomen", "Native Nomen"]),
            )
        } else {
            (
                "Reporter_ISO_N",
                "ProductCode",
                "Year",
                "SimpleAverage",
                "NomenCode",
            )
        };
        let reporter = r.str(rep_col).to_owned();
        if reporter.is_empty() {
            return Err(r.error(rep_col, "expected the reporter's code"));
        }
        match &reporter_seen {
            None => reporter_seen = Some((reporter.clone(), r.line)),
            Some((first, line)) if *first != reporter => {
                return Err(r.error(
                    rep_col,
                    format!(
                        "the file mixes reporters (`{first}` on line {line}): export one \
                         importing country per file"
                    ),
                ))
            }
            Some(_) => {}
        }
        let mut hs: String = r
            .str(prod_col)
            .chars()
            .filter(|c| !matches!(c, '.' | ' '))
            .collect();
        // A spreadsheet that read the code as a number drops the leading zero of HS6 codes
        // of chapters 01-09 (`10121` for 010121).
        if hs.len() == 5
            && r.str(nomen_col).starts_with('H')
            && hs.bytes().all(|b| b.is_ascii_digit())
        {
            hs.insert(0, '0');
        }
        if hs.len() < 2 || hs.len() > 12 || !hs.bytes().all(|b| b.is_ascii_digit()) {
            return Err(r.error(
                prod_col,
                "expected an HS code of 2 to 12 digits (WITS product groups such as \
                 `01-05_Animal` or `Total` are averages over many products: export HS \
                 6-digit products)",
            ));
        }
        let year: i32 = r.parse(year_col, "a four-digit year", |s| {
            s.parse().ok().filter(|y| (1988..=2100).contains(y))
        })?;
        if r.str(avg_col).is_empty() {
            *skipped
                .entry("no simple average (no ad valorem rate or estimate for the product)")
                .or_default() += 1;
            return Ok(());
        }
        let pct = r.number(avg_col, 0.0, 10_000.0)?;
        let (min_col, max_col, n_col) = if tta {
            (
                first_col(r, &["Minimum Rate", "Min Rate"]),
                first_col(r, &["Maximum Rate", "Max Rate"]),
                "Nbr of Total Lines",
            )
        } else {
            ("Min_Rate", "Max_Rate", "TotalNoOfLines")
        };
        let min = r.optional_number(min_col, 0.0, 10_000.0)?;
        let max = r.optional_number(max_col, 0.0, 10_000.0)?;
        let n_lines = r.optional_number(n_col, 0.0, 1e6)?;
        let description = if tta {
            r.str("Product Name").to_owned()
        } else {
            String::new()
        };
        let reporter_label = if tta && !r.str("Reporter Name").is_empty() {
            format!("{} ({reporter})", r.str("Reporter Name"))
        } else {
            format!("reporter {reporter}")
        };
        let mut extra = Vec::new();
        if !r.str(nomen_col).is_empty() {
            extra.push(format!("nomenclature {}", r.str(nomen_col)));
        }
        if !tta {
            if let Some(na) = r.optional_number("Nbr_NA_Lines", 0.0, 1e6)? {
                if na > 0.0 {
                    extra.push(format!(
                        "{na} line(s) without an ad valorem equivalent are not in the average"
                    ));
                }
            }
            if !r.str("EstCode").is_empty() {
                extra.push(format!("AVE estimation code {}", r.str("EstCode")));
            }
        }
        rows.push(WitsRow {
            line: r.line,
            hs,
            year,
            pct,
            min,
            max,
            n_lines,
            description,
            reporter: reporter_label,
            extra: extra.join("; "),
        });
        Ok(())
    })?;
    // One row per product and year: identical MFN rows (one per partner) collapse; different
    // ones are an error.
    rows.sort_by(|a, b| (&a.hs, a.year, a.line).cmp(&(&b.hs, b.year, b.line)));
    let mut kept: Vec<WitsRow> = Vec::new();
    for row in rows {
        if let Some(prev) = kept.last() {
            if prev.hs == row.hs && prev.year == row.year {
                if (prev.pct - row.pct).abs() > 1e-9 {
                    return Err(DataError::Field {
                        file: file.to_owned(),
                        line: row.line,
                        field: "Simple Average".to_owned(),
                        value: row.pct.to_string(),
                        message: format!(
                            "a second MFN rate for product {} in {} (line {} gives {})",
                            row.hs, row.year, prev.line, prev.pct
                        ),
                    });
                }
                continue;
            }
        }
        kept.push(row);
    }
    let kind = if tta {
        "WITS / TRAINS tariff export"
    } else {
        "WITS bulk AVEMFN file"
    };
    let mut lines = Vec::with_capacity(kept.len());
    for (i, row) in kept.iter().enumerate() {
        let from = Date::new(row.year, 1, 1);
        // A later year of the same product ends this one the day before.
        let to = kept
            .get(i + 1)
            .filter(|n| n.hs == row.hs)
            .and_then(|n| Date::new(n.year - 1, 12, 31));
        let mut notes = vec![format!(
            "WITS simple average of the MFN applied rates{} under HS {}, tariff year {} \
             (from {}-01-01; not checked against later years)",
            match row.n_lines {
                Some(n) => format!(" of {n} national line(s)"),
                None => String::new(),
            },
            row.hs,
            row.year,
            row.year
        )];
        if let (Some(lo), Some(hi)) = (row.min, row.max) {
            if hi - lo > 1e-9 {
                notes.push(format!(
                    "the national lines under it range from {lo}% to {hi}%: the average is \
                     not the rate of any one line; check the national line"
                ));
            }
        }
        if !row.extra.is_empty() {
            notes.push(row.extra.clone());
        }
        lines.push(DutyLine {
            importer: importer.to_owned(),
            hs: row.hs.clone(),
            description: row.description.clone(),
            duty: Duty::AdValorem(row.pct),
            validity: Validity { from, to },
            source: format!(
                "{kind} {file}, line {}: {}, MFN, tariff year {}",
                row.line, row.reporter, row.year
            ),
            notes: notes.join("; "),
        });
    }
    Ok(UserSchedule {
        layout,
        lines,
        skipped: skipped
            .into_iter()
            .map(|(why, n)| format!("{n} row(s) left out: {why}"))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_layouts_by_header() {
        assert_eq!(
            detect_layout("hs,duty_kind,ad_valorem_pct\n6109,ad_valorem,5\n"),
            ScheduleLayout::Caravan
        );
        assert_eq!(
            detect_layout(
                "\"Reporter\",\"Product\",\"Tariff Year\",\"DutyType\",\"Simple Average\"\n"
            ),
            ScheduleLayout::WitsTariffAnalysis
        );
        assert_eq!(
            detect_layout("NomenCode,Reporter_ISO_N,Year,ProductCode,SimpleAverage\n"),
            ScheduleLayout::WitsBulkMfn
        );
    }

    #[test]
    fn a_wits_file_needs_the_importer() {
        let text = "Reporter,Product,Tariff Year,DutyType,Simple Average\n398,610910,2022,MFN,10\n";
        let e = read_user_schedule("t.csv", text, None).unwrap_err();
        assert!(e.to_string().contains("--to"), "{e}");
    }
}
