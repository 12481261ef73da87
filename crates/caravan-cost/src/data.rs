//! The landed-cost tables: what they hold, and how they are read from the data directory with
//! file, line and field in every error.

use std::io::Read;
use std::path::Path;

use caravan_net::table::{Row, Table};
use caravan_net::DataError;
use serde::Serialize;

use crate::date::{Date, Validity};
use crate::hs::Nomenclature;

/// The files of the landed-cost data, relative to the data directory.
pub mod files {
    pub const HS: &str = "goods/hs2022.csv.gz";
    pub const TARIFF_LINES: &str = "curated/landed/tariff_lines.csv";
    pub const TARIFF_GROUPS: &str = "curated/landed/tariff_groups.csv";
    pub const PRODUCT_GROUPS: &str = "curated/landed/wto_product_groups.csv";
    pub const AGREEMENTS: &str = "curated/landed/agreements.csv";
    pub const MEMBERS: &str = "curated/landed/agreement_members.csv";
    pub const PREFERENTIAL: &str = "curated/landed/preferential_rates.csv";
    pub const VAT: &str = "curated/landed/vat.csv";
    pub const DE_MINIMIS: &str = "curated/landed/de_minimis.csv";
    pub const FEES: &str = "curated/landed/customs_fees.csv";
    pub const VALUATION: &str = "curated/landed/valuation.csv";
    pub const FX: &str = "curated/landed/fx_rates.csv";
    /// The EAEU Common Customs Tariff, parsed from the Commission's chapter PDFs by
    /// `tools/build_eaeu_tariff.py`.
    pub const EAEU_ETT: &str = "curated/landed/eaeu_ett.csv.gz";
    /// Where a member state applies rates other than the EAEU tariff: the acts, with sources.
    pub const EAEU_EXCEPTIONS: &str = "curated/landed/eaeu_national_exceptions.csv";
}

/// The unit a specific duty is charged per.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum QuantityUnit {
    Kg,
    Unit,
    Pair,
    L,
    LAlcohol,
    Cm3,
    M2,
}

impl QuantityUnit {
    fn parse(s: &str) -> Option<QuantityUnit> {
        Some(match s {
            "m2" => QuantityUnit::M2,
            "kg" => QuantityUnit::Kg,
            "unit" => QuantityUnit::Unit,
            "pair" => QuantityUnit::Pair,
            "l" => QuantityUnit::L,
            "l_alcohol" => QuantityUnit::LAlcohol,
            "cm3" => QuantityUnit::Cm3,
            _ => return None,
        })
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            QuantityUnit::Kg => "kg",
            QuantityUnit::Unit => "unit",
            QuantityUnit::Pair => "pair",
            QuantityUnit::L => "l",
            QuantityUnit::LAlcohol => "l of pure alcohol",
            QuantityUnit::Cm3 => "cm3 of engine capacity",
            QuantityUnit::M2 => "m2",
        }
    }

    /// The request field that carries this quantity.
    pub fn field(&self) -> &'static str {
        match self {
            QuantityUnit::Kg => "net_weight_kg (or weight_kg)",
            QuantityUnit::Unit => "quantity (pieces)",
            QuantityUnit::Pair => "pairs (or quantity)",
            QuantityUnit::L => "litres",
            QuantityUnit::LAlcohol => "litres of pure alcohol (not supported: needs the strength)",
            QuantityUnit::Cm3 => "engine_cm3",
            QuantityUnit::M2 => "area_m2",
        }
    }
}

/// An amount of money per unit of quantity, e.g. 0.5 EUR per kg.
#[derive(Clone, Debug, PartialEq)]
pub struct Specific {
    pub amount: f64,
    pub currency: String,
    pub unit: QuantityUnit,
}

/// A duty rate in one of the forms tariffs use.
#[derive(Clone, Debug, PartialEq)]
pub enum Duty {
    AdValorem(f64),
    Specific(Specific),
    /// Ad valorem plus specific.
    Compound(f64, Specific),
    /// "x% but not less than y per unit": the higher of the two.
    MaxOf(f64, Specific),
    /// The lower of the two.
    MinOf(f64, Specific),
}

impl Duty {
    pub fn describe(&self) -> String {
        let sp = |s: &Specific| format!("{} {}/{}", s.amount, s.currency, s.unit.as_str());
        match self {
            Duty::AdValorem(p) => format!("{p}%"),
            Duty::Specific(s) => sp(s),
            Duty::Compound(p, s) => format!("{p}% + {}", sp(s)),
            Duty::MaxOf(p, s) => format!("{p}% but not less than {}", sp(s)),
            Duty::MinOf(p, s) => format!("{p}% but not more than {}", sp(s)),
        }
    }

    pub fn specific(&self) -> Option<&Specific> {
        match self {
            Duty::AdValorem(_) => None,
            Duty::Specific(s) | Duty::Compound(_, s) | Duty::MaxOf(_, s) | Duty::MinOf(_, s) => {
                Some(s)
            }
        }
    }
}

/// A duty rate for HS codes starting with `hs`, in force over `validity`.
#[derive(Clone, Debug)]
pub struct DutyLine {
    /// ISO alpha-2, or `EAEU` for the common external tariff.
    pub importer: String,
    pub hs: String,
    pub description: String,
    pub duty: Duty,
    pub validity: Validity,
    pub source: String,
    pub notes: String,
}

#[derive(Clone, Debug)]
pub struct GroupAverage {
    pub importer: String,
    /// A WTO product group slug, or `all`.
    pub group: String,
    pub pct: Option<f64>,
    pub year: String,
    pub source: String,
    pub notes: String,
}

#[derive(Clone, Debug)]
pub struct ProductGroup {
    pub hs_prefix: String,
    pub group: String,
    pub source: String,
    pub notes: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DutyRule {
    /// No duties between members (a customs union).
    ZeroAll,
    /// Duty-free except listed goods (the lists are not in the data).
    ZeroExceptListed,
    /// Preferential rates per line; MFN where no line is sourced.
    Schedule,
    /// A percentage cut of the MFN rate.
    Margin,
}

#[derive(Clone, Debug)]
pub struct Agreement {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub in_force: Option<Date>,
    pub duty_rule: DutyRule,
    pub margin_pct: Option<f64>,
    pub rule_of_origin: String,
    pub source: String,
    pub notes: String,
}

#[derive(Clone, Debug)]
pub struct Membership {
    pub agreement: String,
    pub country: String,
    pub validity: Validity,
}

#[derive(Clone, Debug)]
pub struct PreferentialLine {
    pub agreement: String,
    pub exporter: String,
    pub line: DutyLine,
}

#[derive(Clone, Debug)]
pub struct VatRate {
    pub country: String,
    pub tax_name: String,
    /// `standard` is applied; `reduced`, `luxury`, `additional` and `historical_slab` are
    /// named in the output so the user knows they exist.
    pub kind: String,
    pub pct: f64,
    pub validity: Validity,
    pub base: String,
    pub source: String,
    pub notes: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relief {
    Duty,
    DutyAndVat,
    None,
}

#[derive(Clone, Debug)]
pub struct DeMinimis {
    pub country: String,
    /// `postal`, `express` or `any`.
    pub channel: String,
    pub threshold: f64,
    pub currency: String,
    /// `per_parcel`, `per_shipment`, `per_month`, `per_day`.
    pub basis: String,
    pub weight_limit_kg: Option<f64>,
    pub relief: Relief,
    pub validity: Validity,
    pub excess_duty_pct: Option<f64>,
    pub excess_min_per_kg: Option<f64>,
    pub excess_currency: String,
    /// `excess_value` (the EAEU personal-use rate), `whole_value` (the EAEU e-commerce rate).
    pub excess_base: String,
    /// Whether the excess payment replaces duty and VAT.
    pub excess_replaces_vat: bool,
    pub source: String,
    pub notes: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeeKind {
    Fixed,
    PercentOfValue,
    PercentOfDuty,
    Bracket,
}

#[derive(Clone, Debug)]
pub struct CustomsFee {
    pub country: String,
    pub name: String,
    /// `all`, `commercial`, `parcel` or `never` (listed for information).
    pub applies_to: String,
    pub kind: FeeKind,
    pub amount: Option<f64>,
    pub currency: String,
    pub pct: Option<f64>,
    pub value_from: Option<f64>,
    pub value_to: Option<f64>,
    pub validity: Validity,
    pub source: String,
    pub notes: String,
}

#[derive(Clone, Debug)]
pub struct Valuation {
    pub country: String,
    /// `CIF` or `FOB`.
    pub basis: String,
    /// The country's currency (ISO 4217).
    pub currency: String,
    pub source: String,
    pub notes: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FxRate {
    pub currency: String,
    /// Units of `currency` per US dollar.
    pub per_usd: f64,
    pub date: String,
    pub source: String,
}

/// A 10-digit line of the EAEU Common Customs Tariff (ЕТТ ЕАЭС) for one rate period.
#[derive(Clone, Debug)]
pub struct NationalLine {
    /// `EAEU`, or `RU` for a rate the tariff's notes set for imports into Russia.
    pub importer: String,
    /// 10 digits.
    pub hs: String,
    /// As printed (Russian), without the leading dashes.
    pub description: String,
    /// The headings above the line, outermost first, joined by ` / `.
    pub description_path: String,
    pub supplementary_unit: String,
    /// `None` when the printed rate is not in a machine-readable form (`rate_text` has it).
    pub duty: Option<Duty>,
    pub rate_text: String,
    /// Footnote marks as printed, e.g. `63С)` (a note of the tariff) or `5)` (a condition).
    pub footnotes: String,
    pub validity: Validity,
    /// Chapter PDF and page.
    pub source: String,
    /// The date of the chapter PDF's latest publication.
    pub source_date: String,
    /// What the footnotes say, and caveats.
    pub notes: String,
}

impl NationalLine {
    /// The line's own words with the two headings just above it (enough to tell sibling
    /// lines apart).
    pub fn short_description(&self) -> String {
        let mut parts: Vec<&str> = self.description_path.split(" / ").collect();
        parts.retain(|p| !p.is_empty());
        let start = parts.len().saturating_sub(2);
        let mut out: Vec<&str> = parts[start..].to_vec();
        out.push(&self.description);
        out.join(" / ")
    }

    /// The description with the headings above it, for people and for search.
    pub fn full_description(&self) -> String {
        if self.description_path.is_empty() {
            self.description.clone()
        } else {
            format!("{} / {}", self.description_path, self.description)
        }
    }
}

/// An act under which a member state applies import duties other than the EAEU tariff on
/// listed lines (Kazakhstan's WTO list, Kyrgyzstan's and Armenia's accession lists).
#[derive(Clone, Debug)]
pub struct NationalException {
    pub importer: String,
    /// The act and what its list is, in words.
    pub act: String,
    pub act_date: Date,
    /// The act or commitment it rests on.
    pub basis: String,
    /// The reported end of the transition, where a source gives one.
    pub transition_until: Option<Date>,
    /// How many lines of the list are curated (rates in the data).
    pub lines_curated: u32,
    /// Whether the list itself was available, and what was found.
    pub list_available: String,
    /// `;`-separated addresses.
    pub source_url: String,
    pub quote: String,
    pub retrieved: String,
    pub notes: String,
}

/// Reads `files::EAEU_EXCEPTIONS`.
pub fn read_national_exceptions(
    file: &str,
    input: Box<dyn Read>,
) -> Result<Vec<NationalException>, DataError> {
    let t = Table::new(file, input)?;
    t.require(&[
        "importer",
        "act",
        "act_date",
        "transition_until",
        "lines_curated",
        "list_available",
        "source_url",
        "quote",
    ])?;
    let mut out = Vec::new();
    t.for_each(|r| {
        if r.str("act").is_empty() {
            return Err(r.error("act", "name the act"));
        }
        if r.str("source_url").is_empty() || r.str("quote").is_empty() {
            return Err(r.error("source_url", "an act needs its source and a quote"));
        }
        out.push(NationalException {
            importer: country(r, "importer", &[])?,
            act: r.str("act").to_owned(),
            act_date: date_opt(r, "act_date")?
                .ok_or_else(|| r.error("act_date", "an act needs its date"))?,
            basis: r.str("basis").to_owned(),
            transition_until: date_opt(r, "transition_until")?,
            lines_curated: r.number("lines_curated", 0.0, 1e6)? as u32,
            list_available: r.str("list_available").to_owned(),
            source_url: r.str("source_url").to_owned(),
            quote: r.str("quote").to_owned(),
            retrieved: r.str("retrieved").to_owned(),
            notes: r.str("notes").to_owned(),
        });
        Ok(())
    })?;
    Ok(out)
}

/// Reads the parsed EAEU tariff (`files::EAEU_ETT`).
pub fn read_national_lines(
    file: &str,
    input: Box<dyn Read>,
) -> Result<Vec<NationalLine>, DataError> {
    let t = Table::new(file, input)?;
    t.require(&[
        "importer",
        "hs",
        "description",
        "duty_kind",
        "rate_text",
        "valid_from",
        "valid_to",
        "source",
    ])?;
    let mut out = Vec::new();
    t.for_each(|r| {
        let hs = hs_prefix(r, "hs", false)?;
        if hs.len() != 10 {
            return Err(r.error("hs", "expected a 10-digit code"));
        }
        let duty = if r.str("duty_kind") == "other" {
            None
        } else {
            Some(duty(r)?)
        };
        out.push(NationalLine {
            importer: country(r, "importer", &["EAEU"])?,
            hs,
            description: r.str("description").to_owned(),
            description_path: r.str("description_path").to_owned(),
            supplementary_unit: r.str("supplementary_unit").to_owned(),
            duty,
            rate_text: r.str("rate_text").to_owned(),
            footnotes: r.str("footnotes").to_owned(),
            validity: validity(r, "valid_from", "valid_to")?,
            source: r.str("source").to_owned(),
            source_date: r.str("source_date").to_owned(),
            notes: r.str("notes").to_owned(),
        });
        Ok(())
    })?;
    Ok(out)
}

/// Everything the engine needs, loaded once.
#[derive(Clone, Debug)]
pub struct CostData {
    pub hs: Nomenclature,
    pub lines: Vec<DutyLine>,
    /// The EAEU Common Customs Tariff by 10-digit line (empty when the file is absent).
    pub national: Vec<NationalLine>,
    /// Acts under which a member applies other rates than the EAEU tariff (empty when the
    /// file is absent).
    pub exceptions: Vec<NationalException>,
    pub groups: Vec<GroupAverage>,
    pub product_groups: Vec<ProductGroup>,
    pub agreements: Vec<Agreement>,
    pub members: Vec<Membership>,
    pub preferential: Vec<PreferentialLine>,
    pub vat: Vec<VatRate>,
    pub de_minimis: Vec<DeMinimis>,
    pub fees: Vec<CustomsFee>,
    pub valuation: Vec<Valuation>,
    pub fx: Vec<FxRate>,
}

fn date_opt(row: &Row<'_>, field: &str) -> Result<Option<Date>, DataError> {
    let s = row.str(field);
    if s.is_empty() {
        return Ok(None);
    }
    s.parse().map(Some).map_err(|e: String| row.error(field, e))
}

fn validity(row: &Row<'_>, from: &str, to: &str) -> Result<Validity, DataError> {
    let v = Validity {
        from: date_opt(row, from)?,
        to: date_opt(row, to)?,
    };
    if let (Some(f), Some(t)) = (v.from, v.to) {
        if t < f {
            return Err(row.error(to, "ends before it starts"));
        }
    }
    Ok(v)
}

fn country(row: &Row<'_>, field: &str, allow: &[&str]) -> Result<String, DataError> {
    let s = row.str(field).to_ascii_uppercase();
    let ok = (s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()))
        || allow.iter().any(|a| a.eq_ignore_ascii_case(&s));
    if !ok {
        return Err(row.error(field, "expected an ISO 3166 alpha-2 code"));
    }
    Ok(s)
}

fn hs_prefix(row: &Row<'_>, field: &str, allow_empty: bool) -> Result<String, DataError> {
    let s: String = row
        .str(field)
        .chars()
        .filter(|c| !matches!(c, '.' | ' '))
        .collect();
    if (s.is_empty() && !allow_empty) || !s.bytes().all(|b| b.is_ascii_digit()) || s.len() > 12 {
        return Err(row.error(field, "expected HS digits (2 to 12)"));
    }
    Ok(s)
}

fn currency(row: &Row<'_>, field: &str) -> Result<String, DataError> {
    let s = row.str(field).to_ascii_uppercase();
    if s.len() != 3 || !s.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(row.error(field, "expected an ISO 4217 currency code"));
    }
    Ok(s)
}

/// Reads the duty columns shared by tariff lines, preferential rates and user schedules.
pub(crate) fn duty(row: &Row<'_>) -> Result<Duty, DataError> {
    let kind = row.str("duty_kind");
    let pct = || row.number("ad_valorem_pct", 0.0, 10_000.0);
    let specific = || -> Result<Specific, DataError> {
        Ok(Specific {
            amount: row.number("specific_amount", 0.0, 1e9)?,
            currency: currency(row, "specific_currency")?,
            unit: row.parse(
                "specific_unit",
                "kg, unit, pair, l, l_alcohol, cm3 or m2",
                QuantityUnit::parse,
            )?,
        })
    };
    Ok(match kind {
        "ad_valorem" => Duty::AdValorem(pct()?),
        "specific" => Duty::Specific(specific()?),
        "compound" => Duty::Compound(pct()?, specific()?),
        "max_of" => Duty::MaxOf(pct()?, specific()?),
        "min_of" => Duty::MinOf(pct()?, specific()?),
        _ => {
            return Err(row.error(
                "duty_kind",
                "expected ad_valorem, specific, compound, max_of or min_of",
            ))
        }
    })
}

/// Reads a tariff schedule: the curated lines or a user's national schedule. A user file may
/// leave out `importer` (then `default_importer` applies) and the descriptive columns.
pub fn read_duty_lines(
    file: &str,
    input: Box<dyn Read>,
    default_importer: Option<&str>,
) -> Result<Vec<DutyLine>, DataError> {
    let t = Table::new(file, input)?;
    t.require(&["hs", "duty_kind"])?;
    let mut out = Vec::new();
    t.for_each(|r| {
        let importer = if r.str("importer").is_empty() {
            match default_importer {
                Some(i) => i.to_owned(),
                None => return Err(r.error("importer", "expected an importing country")),
            }
        } else {
            country(r, "importer", &["EAEU"])?
        };
        out.push(DutyLine {
            importer,
            hs: hs_prefix(r, "hs", false)?,
            description: r.str("description").to_owned(),
            duty: duty(r)?,
            validity: validity(r, "valid_from", "valid_to")?,
            source: if r.str("source").is_empty() {
                format!("{file}:{}", r.line)
            } else {
                r.str("source").to_owned()
            },
            notes: r.str("notes").to_owned(),
        });
        Ok(())
    })?;
    Ok(out)
}

fn bool_field(row: &Row<'_>, field: &str) -> Result<bool, DataError> {
    match row.str(field) {
        "" | "false" => Ok(false),
        "true" => Ok(true),
        _ => Err(row.error(field, "expected true or false")),
    }
}

impl CostData {
    /// Loads the landed-cost tables of a data directory (see `files`).
    pub fn load_dir(dir: &Path) -> Result<CostData, DataError> {
        let open = |rel: &str| caravan_net::open_data_file(dir, rel);
        let hs = Nomenclature::read(files::HS, open(files::HS)?)?;

        let lines = read_duty_lines(files::TARIFF_LINES, open(files::TARIFF_LINES)?, None)?;
        let national = if dir.join(files::EAEU_ETT).exists() {
            read_national_lines(files::EAEU_ETT, open(files::EAEU_ETT)?)?
        } else {
            Vec::new()
        };
        let exceptions = if dir.join(files::EAEU_EXCEPTIONS).exists() {
            read_national_exceptions(files::EAEU_EXCEPTIONS, open(files::EAEU_EXCEPTIONS)?)?
        } else {
            Vec::new()
        };

        let mut groups = Vec::new();
        let t = Table::new(files::TARIFF_GROUPS, open(files::TARIFF_GROUPS)?)?;
        t.require(&["importer", "group", "simple_avg_mfn_pct", "year", "source"])?;
        t.for_each(|r| {
            groups.push(GroupAverage {
                importer: country(r, "importer", &["EAEU"])?,
                group: r.str("group").to_owned(),
                pct: r.optional_number("simple_avg_mfn_pct", 0.0, 1000.0)?,
                year: r.str("year").to_owned(),
                source: r.str("source").to_owned(),
                notes: r.str("notes").to_owned(),
            });
            Ok(())
        })?;

        let mut product_groups = Vec::new();
        let t = Table::new(files::PRODUCT_GROUPS, open(files::PRODUCT_GROUPS)?)?;
        t.require(&["hs_prefix", "group", "source"])?;
        t.for_each(|r| {
            product_groups.push(ProductGroup {
                hs_prefix: hs_prefix(r, "hs_prefix", false)?,
                group: r.str("group").to_owned(),
                source: r.str("source").to_owned(),
                notes: r.str("notes").to_owned(),
            });
            Ok(())
        })?;

        let mut agreements = Vec::new();
        let t = Table::new(files::AGREEMENTS, open(files::AGREEMENTS)?)?;
        t.require(&[
            "id",
            "name",
            "kind",
            "in_force",
            "duty_rule",
            "rule_of_origin",
        ])?;
        t.for_each(|r| {
            let duty_rule = r.parse(
                "duty_rule",
                "zero_all, zero_except_listed, schedule or margin",
                |s| {
                    Some(match s {
                        "zero_all" => DutyRule::ZeroAll,
                        "zero_except_listed" => DutyRule::ZeroExceptListed,
                        "schedule" => DutyRule::Schedule,
                        "margin" => DutyRule::Margin,
                        _ => return None,
                    })
                },
            )?;
            let margin_pct = r.optional_number("default_pref_pct", 0.0, 100.0)?;
            if duty_rule == DutyRule::Margin && margin_pct.is_none() {
                return Err(r.error("default_pref_pct", "a margin agreement needs its margin"));
            }
            agreements.push(Agreement {
                id: r.str("id").to_owned(),
                name: r.str("name").to_owned(),
                kind: r.str("kind").to_owned(),
                in_force: date_opt(r, "in_force")?,
                duty_rule,
                margin_pct,
                rule_of_origin: r.str("rule_of_origin").to_owned(),
                source: r.str("source").to_owned(),
                notes: r.str("notes").to_owned(),
            });
            Ok(())
        })?;
        let known = |id: &str| agreements.iter().any(|a| a.id == id);

        let mut members = Vec::new();
        let t = Table::new(files::MEMBERS, open(files::MEMBERS)?)?;
        t.require(&["agreement_id", "country", "member_from", "member_to"])?;
        t.for_each(|r| {
            if !known(r.str("agreement_id")) {
                return Err(r.error("agreement_id", "not in agreements.csv"));
            }
            members.push(Membership {
                agreement: r.str("agreement_id").to_owned(),
                country: country(r, "country", &[])?,
                validity: validity(r, "member_from", "member_to")?,
            });
            Ok(())
        })?;

        let mut preferential = Vec::new();
        let t = Table::new(files::PREFERENTIAL, open(files::PREFERENTIAL)?)?;
        t.require(&["agreement_id", "importer", "exporter", "hs", "duty_kind"])?;
        t.for_each(|r| {
            if !known(r.str("agreement_id")) {
                return Err(r.error("agreement_id", "not in agreements.csv"));
            }
            preferential.push(PreferentialLine {
                agreement: r.str("agreement_id").to_owned(),
                exporter: country(r, "exporter", &["*"])?,
                line: DutyLine {
                    importer: country(r, "importer", &[])?,
                    // An empty code covers every line.
                    hs: hs_prefix(r, "hs", true)?,
                    description: String::new(),
                    duty: duty(r)?,
                    validity: validity(r, "valid_from", "valid_to")?,
                    source: r.str("source").to_owned(),
                    notes: r.str("notes").to_owned(),
                },
            });
            Ok(())
        })?;

        let mut vat = Vec::new();
        let t = Table::new(files::VAT, open(files::VAT)?)?;
        t.require(&["country", "tax_name", "kind", "rate_pct", "base", "source"])?;
        t.for_each(|r| {
            let kind = r.str("kind");
            if ![
                "standard",
                "reduced",
                "luxury",
                "additional",
                "historical_slab",
            ]
            .contains(&kind)
            {
                return Err(r.error(
                    "kind",
                    "expected standard, reduced, luxury, additional or historical_slab",
                ));
            }
            let base = r.str("base");
            if ![
                "customs_value+duty+excise",
                "customs_value+duty",
                "customs_value",
            ]
            .contains(&base)
            {
                return Err(r.error("base", "expected customs_value[+duty[+excise]]"));
            }
            vat.push(VatRate {
                country: country(r, "country", &[])?,
                tax_name: r.str("tax_name").to_owned(),
                kind: kind.to_owned(),
                pct: r.number("rate_pct", 0.0, 100.0)?,
                validity: validity(r, "valid_from", "valid_to")?,
                base: base.to_owned(),
                source: r.str("source").to_owned(),
                notes: r.str("notes").to_owned(),
            });
            Ok(())
        })?;

        let mut de_minimis = Vec::new();
        let t = Table::new(files::DE_MINIMIS, open(files::DE_MINIMIS)?)?;
        t.require(&[
            "country",
            "channel",
            "threshold_amount",
            "threshold_currency",
            "basis",
            "relief",
            "excess_base",
            "excess_replaces_vat",
        ])?;
        t.for_each(|r| {
            let channel = r.str("channel");
            if !["postal", "express", "any"].contains(&channel) {
                return Err(r.error("channel", "expected postal, express or any"));
            }
            let excess_base = r.str("excess_base");
            if !["", "excess_value", "whole_value"].contains(&excess_base) {
                return Err(r.error("excess_base", "expected excess_value or whole_value"));
            }
            let excess_duty_pct = r.optional_number("excess_duty_pct", 0.0, 100.0)?;
            if excess_duty_pct.is_some_and(|p| p > 0.0) && excess_base.is_empty() {
                return Err(r.error("excess_base", "an excess rate needs its base"));
            }
            de_minimis.push(DeMinimis {
                country: country(r, "country", &[])?,
                channel: channel.to_owned(),
                threshold: r.number("threshold_amount", 0.0, 1e12)?,
                currency: currency(r, "threshold_currency")?,
                basis: r.str("basis").to_owned(),
                weight_limit_kg: r.optional_number("weight_limit_kg", 0.0, 1e6)?,
                relief: r.parse("relief", "duty, duty_and_vat or none", |s| {
                    Some(match s {
                        "duty" => Relief::Duty,
                        "duty_and_vat" => Relief::DutyAndVat,
                        "none" => Relief::None,
                        _ => return None,
                    })
                })?,
                validity: validity(r, "valid_from", "valid_to")?,
                excess_duty_pct,
                excess_min_per_kg: r.optional_number("excess_min_per_kg", 0.0, 1e6)?,
                excess_currency: r.str("excess_currency").to_ascii_uppercase(),
                excess_base: excess_base.to_owned(),
                excess_replaces_vat: bool_field(r, "excess_replaces_vat")?,
                source: r.str("source").to_owned(),
                notes: r.str("notes").to_owned(),
            });
            Ok(())
        })?;

        let mut fees = Vec::new();
        let t = Table::new(files::FEES, open(files::FEES)?)?;
        t.require(&["country", "fee_name", "applies_to", "kind", "source"])?;
        t.for_each(|r| {
            let applies_to = r.str("applies_to");
            if !["all", "commercial", "parcel", "never"].contains(&applies_to) {
                return Err(r.error("applies_to", "expected all, commercial, parcel or never"));
            }
            let kind = r.parse(
                "kind",
                "fixed, percent_of_value, percent_of_duty or bracket",
                |s| {
                    Some(match s {
                        "fixed" => FeeKind::Fixed,
                        "percent_of_value" => FeeKind::PercentOfValue,
                        "percent_of_duty" => FeeKind::PercentOfDuty,
                        "bracket" => FeeKind::Bracket,
                        _ => return None,
                    })
                },
            )?;
            let amount = r.optional_number("amount", 0.0, 1e12)?;
            let pct = r.optional_number("percent", 0.0, 1000.0)?;
            let money = matches!(kind, FeeKind::Fixed | FeeKind::Bracket);
            if money && amount.is_none() {
                return Err(r.error("amount", "a fixed or bracket fee needs an amount"));
            }
            if !money && pct.is_none() {
                return Err(r.error("percent", "a percentage fee needs its percent"));
            }
            fees.push(CustomsFee {
                country: country(r, "country", &[])?,
                name: r.str("fee_name").to_owned(),
                applies_to: applies_to.to_owned(),
                kind,
                amount,
                currency: if money {
                    currency(r, "currency")?
                } else {
                    r.str("currency").to_owned()
                },
                pct,
                value_from: r.optional_number("value_from", 0.0, 1e15)?,
                value_to: r.optional_number("value_to", 0.0, 1e15)?,
                validity: validity(r, "valid_from", "valid_to")?,
                source: r.str("source").to_owned(),
                notes: r.str("notes").to_owned(),
            });
            Ok(())
        })?;

        let mut valuation = Vec::new();
        let t = Table::new(files::VALUATION, open(files::VALUATION)?)?;
        t.require(&["country", "basis", "source"])?;
        t.for_each(|r| {
            let basis = r.str("basis").to_ascii_uppercase();
            if basis != "CIF" && basis != "FOB" {
                return Err(r.error("basis", "expected CIF or FOB"));
            }
            valuation.push(Valuation {
                country: country(r, "country", &[])?,
                basis,
                currency: currency(r, "currency")?,
                source: r.str("source").to_owned(),
                notes: r.str("notes").to_owned(),
            });
            Ok(())
        })?;

        let mut fx = Vec::new();
        let t = Table::new(files::FX, open(files::FX)?)?;
        t.require(&["currency", "per_usd", "date", "source"])?;
        t.for_each(|r| {
            fx.push(FxRate {
                currency: currency(r, "currency")?,
                per_usd: r.number("per_usd", 1e-9, 1e12)?,
                date: date_opt(r, "date")?
                    .ok_or_else(|| r.error("date", "a rate needs its date"))?
                    .to_string(),
                source: r.str("source").to_owned(),
            });
            Ok(())
        })?;

        Ok(CostData {
            hs,
            lines,
            national,
            exceptions,
            groups,
            product_groups,
            agreements,
            members,
            preferential,
            vat,
            de_minimis,
            fees,
            valuation,
            fx,
        })
    }

    /// Countries whose import taxes the data covers (a VAT row and a valuation row).
    pub fn importers(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .vat
            .iter()
            .map(|v| v.country.clone())
            .filter(|c| self.valuation.iter().any(|v| &v.country == c))
            .collect();
        out.sort();
        out.dedup();
        out
    }
}
