//! The landed-cost computation: customs value on the importer's basis, the duty (the best of
//! MFN and any applicable preference), fees, VAT on its base, de minimis relief for parcels.
//! Every line says where its rate comes from; what cannot be computed is reported as unknown.

use crate::data::{
    CostData, CustomsFee, DeMinimis, Duty, DutyLine, DutyRule, FeeKind, FxRate, QuantityUnit,
    Relief,
};
use crate::date::Date;
use crate::error::{CostError, HsSuggestion};
use crate::hs::normalize_code;
use crate::national::{self, NationalLineInfo};
use crate::request::*;
use crate::NationalLine;

/// Chapters whose goods commonly carry excise (beverages, tobacco, fuels, vehicles); excise
/// rates are not in the data, so for these the engine says so.
const EXCISABLE_CHAPTERS: &[&str] = &["22", "24", "27", "87"];

pub struct CostEngine {
    data: CostData,
    /// A user's national schedule, consulted before the curated lines.
    user_lines: Vec<DutyLine>,
    /// Countries with import tax data, for the "no data" error.
    importers: Vec<String>,
}

/// A duty rate candidate and where it came from.
#[derive(Clone, Debug)]
struct Rate {
    duty: Duty,
    level: &'static str,
    source: String,
    note: String,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn line(kind: &str, label: impl Into<String>) -> CostLine {
    CostLine {
        kind: kind.to_owned(),
        label: label.into(),
        base: None,
        rate: None,
        amount: None,
        currency: "USD".to_owned(),
        source: String::new(),
        note: String::new(),
    }
}

struct Quantities {
    weight_kg: Option<f64>,
    net_weight_kg: Option<f64>,
    quantity: Option<f64>,
    pairs: Option<f64>,
    litres: Option<f64>,
    engine_cm3: Option<f64>,
    area_m2: Option<f64>,
}

/// What the EAEU tariff says about a code for a member state on a date.
enum NationalOutcome<'a> {
    /// Not an EAEU importer, or no national line under the code.
    NotApplicable,
    /// One line (or several that all carry the same rate).
    One(&'a NationalLine, usize),
    /// Lines under the code with different rates: the user must pick one.
    Several(Vec<&'a NationalLine>),
}

/// The EAEU Common Customs Tariff in its 2022 nomenclature (EEC Council Decision No. 80 of
/// 14.09.2021) applies from 2022-01-01; before that the national lines are not used.
fn ett_2022_from() -> Date {
    Date::new(2022, 1, 1).unwrap_or_else(|| unreachable!("a valid date"))
}

impl Quantities {
    fn of(&self, unit: QuantityUnit) -> Option<f64> {
        match unit {
            QuantityUnit::Kg => self.net_weight_kg.or(self.weight_kg),
            QuantityUnit::Unit => self.quantity,
            QuantityUnit::Pair => self.pairs.or(self.quantity),
            QuantityUnit::M2 => self.area_m2,
            QuantityUnit::L => self.litres,
            // Pure alcohol needs the strength, which the request does not carry.
            QuantityUnit::LAlcohol => None,
            QuantityUnit::Cm3 => self.engine_cm3,
        }
    }
}

/// Exchange rates for one request: the table with the caller's overrides on top.
struct Fx<'a> {
    table: &'a [FxRate],
    overrides: &'a [FxOverride],
    used: Vec<FxRate>,
}

impl Fx<'_> {
    fn per_usd(&mut self, currency: &str) -> Result<f64, CostError> {
        let c = currency.to_ascii_uppercase();
        let rate = if let Some(o) = self.overrides.iter().find(|o| o.currency == c) {
            FxRate {
                currency: c.clone(),
                per_usd: o.per_usd,
                date: String::new(),
                source: "given in the request".to_owned(),
            }
        } else if let Some(r) = self.table.iter().find(|r| r.currency == c) {
            r.clone()
        } else {
            let mut known: Vec<String> = self.table.iter().map(|r| r.currency.clone()).collect();
            known.sort();
            return Err(CostError::UnknownCurrency { currency: c, known });
        };
        let v = rate.per_usd;
        if c != "USD" && !self.used.iter().any(|u| u.currency == c) {
            self.used.push(rate);
        }
        Ok(v)
    }

    fn usd(&mut self, amount: f64, currency: &str) -> Result<f64, CostError> {
        Ok(amount / self.per_usd(currency)?)
    }
}

impl CostEngine {
    pub fn new(data: CostData) -> CostEngine {
        CostEngine {
            importers: data.importers(),
            data,
            user_lines: Vec::new(),
        }
    }

    /// Adds a national tariff schedule that overrides the curated rates for its lines.
    pub fn with_user_schedule(mut self, lines: Vec<DutyLine>) -> CostEngine {
        self.user_lines = lines;
        self
    }

    pub fn data(&self) -> &CostData {
        &self.data
    }

    fn is_member(&self, agreement: &str, country: &str, date: Date) -> bool {
        self.data
            .members
            .iter()
            .any(|m| m.agreement == agreement && m.country == country && m.validity.covers(date))
    }

    fn importer_matches(&self, importer: &str, dest: &str, date: Date) -> bool {
        importer == dest || (importer == "EAEU" && self.is_member("eaeu", dest, date))
    }

    /// The most specific line in force: the longest matching code, then the importer's own
    /// line over the EAEU common tariff.
    fn best_line<'a>(
        &self,
        lines: impl Iterator<Item = &'a DutyLine>,
        dest: &str,
        hs: &str,
        date: Date,
    ) -> Option<&'a DutyLine> {
        lines
            .filter(|l| hs.starts_with(&l.hs) && l.validity.covers(date))
            .filter(|l| self.importer_matches(&l.importer, dest, date))
            .max_by_key(|l| (l.hs.len(), l.importer == dest))
    }

    /// The national lines of the EAEU tariff under a code, for a member state.
    fn national(&self, dest: &str, hs: &str, date: Date) -> NationalOutcome<'_> {
        if hs.len() < 4 || date < ett_2022_from() || !self.importer_matches("EAEU", dest, date) {
            return NationalOutcome::NotApplicable;
        }
        let lines = national::lines_under(&self.data, dest, hs, date);
        match lines.as_slice() {
            [] => NationalOutcome::NotApplicable,
            [one] => NationalOutcome::One(one, 1),
            [first, rest @ ..] => {
                if first.duty.is_some() && rest.iter().all(|l| l.duty == first.duty) {
                    NationalOutcome::One(first, lines.len())
                } else {
                    NationalOutcome::Several(lines)
                }
            }
        }
    }

    fn national_rate(l: &NationalLine, hs: &str, n: usize) -> Option<Rate> {
        let duty = l.duty.clone()?;
        let which = if n > 1 {
            format!(
                "all {n} lines under {hs} carry the same rate; e.g. line {} ({})",
                l.hs,
                l.full_description()
            )
        } else {
            format!("line {} ({})", l.hs, l.full_description())
        };
        Some(Rate {
            duty,
            level: "national_line",
            source: format!(
                "{}{}",
                l.source,
                if l.source_date.is_empty() {
                    String::new()
                } else {
                    format!(" (published {})", l.source_date)
                }
            ),
            note: format!(
                "EAEU Common Customs Tariff{}, {which}; printed rate '{}'; {}{}",
                if l.importer == "EAEU" {
                    String::new()
                } else {
                    format!(" (rate for {})", l.importer)
                },
                l.rate_text,
                l.validity.describe(),
                if l.notes.is_empty() {
                    String::new()
                } else {
                    format!("; notes: {}", l.notes)
                }
            ),
        })
    }

    /// The MFN rate, from the finest level the data has.
    fn mfn(&self, dest: &str, hs: &str, date: Date, nat: &NationalOutcome<'_>) -> Option<Rate> {
        if let Some(l) = self.best_line(self.user_lines.iter(), dest, hs, date) {
            return Some(Rate {
                duty: l.duty.clone(),
                level: "user_schedule",
                source: l.source.clone(),
                note: if l.notes.is_empty() {
                    format!("your tariff schedule, line {}", l.hs)
                } else {
                    format!("your tariff schedule, line {}; {}", l.hs, l.notes)
                },
            });
        }
        match nat {
            NationalOutcome::NotApplicable => {}
            NationalOutcome::One(l, n) => return Self::national_rate(l, hs, *n),
            NationalOutcome::Several(_) => return None,
        }
        if let Some(l) = self.best_line(self.data.lines.iter(), dest, hs, date) {
            return Some(Rate {
                duty: l.duty.clone(),
                level: "line",
                source: l.source.clone(),
                note: format!(
                    "MFN line {} ({}){}, {}",
                    l.hs,
                    l.description,
                    if l.importer == "EAEU" {
                        " of the EAEU common external tariff"
                    } else {
                        ""
                    },
                    l.validity.describe()
                ),
            });
        }
        let importer_ok = |i: &str| self.importer_matches(i, dest, date);
        let group = self
            .data
            .product_groups
            .iter()
            .filter(|g| hs.starts_with(&g.hs_prefix))
            .max_by_key(|g| g.hs_prefix.len());
        if let Some(g) = group {
            if let Some(avg) = self
                .data
                .groups
                .iter()
                .find(|a| a.group == g.group && importer_ok(&a.importer) && a.pct.is_some())
            {
                return Some(Rate {
                    duty: Duty::AdValorem(avg.pct.unwrap_or_default()),
                    level: "product_group_average",
                    source: avg.source.clone(),
                    note: format!(
                        "AVERAGE, not a line rate: simple-average MFN duty of the WTO product \
                         group `{}` ({}); HS {} mapped to the group by {} ({})",
                        g.group, avg.year, g.hs_prefix, g.source, g.notes
                    ),
                });
            }
        }
        self.data
            .groups
            .iter()
            .find(|a| a.group == "all" && importer_ok(&a.importer) && a.pct.is_some())
            .map(|avg| Rate {
                duty: Duty::AdValorem(avg.pct.unwrap_or_default()),
                level: "country_average",
                source: avg.source.clone(),
                note: format!(
                    "AVERAGE of all products ({}), not the rate of this line: {}",
                    avg.year, avg.notes
                ),
            })
    }

    /// Preferences that apply to this pair on this date, as duty candidates; plus notes on
    /// agreements that apply but give no sourced rate for this line.
    fn preferences(
        &self,
        origin: &str,
        dest: &str,
        hs: &str,
        date: Date,
        mfn: Option<&Rate>,
    ) -> (Vec<(Rate, AgreementUsed)>, Vec<String>) {
        let mut out = Vec::new();
        let mut notes = Vec::new();
        for a in &self.data.agreements {
            if a.in_force.is_some_and(|d| d > date)
                || !self.is_member(&a.id, origin, date)
                || !self.is_member(&a.id, dest, date)
            {
                continue;
            }
            let used = AgreementUsed {
                id: a.id.clone(),
                name: a.name.clone(),
                rule_of_origin: a.rule_of_origin.clone(),
                source: a.source.clone(),
            };
            let rate = match a.duty_rule {
                DutyRule::ZeroAll => Some(Rate {
                    duty: Duty::AdValorem(0.0),
                    level: "customs_union",
                    source: a.source.clone(),
                    note: format!("{}: no import duties between members", a.name),
                }),
                DutyRule::ZeroExceptListed => Some(Rate {
                    duty: Duty::AdValorem(0.0),
                    level: "preferential",
                    source: a.source.clone(),
                    note: format!(
                        "{}: duty-free for originating goods except listed exemptions, which \
                         are not in the data (check this line is not exempted)",
                        a.name
                    ),
                }),
                DutyRule::Schedule => {
                    let found = self
                        .data
                        .preferential
                        .iter()
                        .filter(|p| {
                            p.agreement == a.id
                                && p.line.importer == dest
                                && (p.exporter == origin || p.exporter == "*")
                        })
                        .map(|p| &p.line)
                        .filter(|l| hs.starts_with(&l.hs) && l.validity.covers(date))
                        .max_by_key(|l| l.hs.len());
                    match found {
                        Some(l) => Some(Rate {
                            duty: l.duty.clone(),
                            level: "preferential",
                            source: l.source.clone(),
                            note: format!(
                                "{}: preferential rate for {} ({})",
                                a.name,
                                if l.hs.is_empty() { "all lines" } else { &l.hs },
                                l.validity.describe()
                            ),
                        }),
                        None => {
                            notes.push(format!(
                                "{} applies to {origin} -> {dest}, but no preferential rate for \
                                 this line is in the data; the MFN rate is used",
                                a.name
                            ));
                            None
                        }
                    }
                }
                DutyRule::Margin => match (mfn.map(|m| &m.duty), a.margin_pct) {
                    (Some(Duty::AdValorem(p)), Some(m)) => Some(Rate {
                        duty: Duty::AdValorem(p * (1.0 - m / 100.0)),
                        level: "preferential",
                        source: a.source.clone(),
                        note: format!("{}: {m}% margin of preference on the MFN rate", a.name),
                    }),
                    _ => None,
                },
            };
            if let Some(r) = rate {
                out.push((r, used));
            }
        }
        (out, notes)
    }

    fn duty_amount(
        &self,
        duty: &Duty,
        customs_value: f64,
        q: &Quantities,
        fx: &mut Fx<'_>,
    ) -> Result<Result<f64, String>, CostError> {
        let specific = match duty.specific() {
            None => None,
            Some(s) => match q.of(s.unit) {
                Some(n) => Some(fx.usd(s.amount * n, &s.currency)?),
                None => {
                    return Ok(Err(format!(
                        "the rate ({}) is charged per {}; give that quantity: {}",
                        duty.describe(),
                        s.unit.as_str(),
                        s.unit.field()
                    )))
                }
            },
        };
        let ad = |p: f64| customs_value * p / 100.0;
        Ok(Ok(match (duty, specific) {
            (Duty::AdValorem(p), _) => ad(*p),
            (Duty::Specific(_), Some(s)) => s,
            (Duty::Compound(p, _), Some(s)) => ad(*p) + s,
            (Duty::MaxOf(p, _), Some(s)) => ad(*p).max(s),
            (Duty::MinOf(p, _), Some(s)) => ad(*p).min(s),
            _ => unreachable!("specific forms have a specific amount here"),
        }))
    }

    fn de_minimis_rule(&self, dest: &str, kind: ShipmentKind, date: Date) -> Option<&DeMinimis> {
        let channel = match kind {
            ShipmentKind::Commercial => return None,
            ShipmentKind::PostalParcel => "postal",
            ShipmentKind::ExpressParcel => "express",
        };
        self.data
            .de_minimis
            .iter()
            .filter(|r| r.country == dest && r.validity.covers(date))
            .filter(|r| r.channel == channel || r.channel == "any")
            // A channel's own rule beats the general one; then the newest regime.
            .max_by_key(|r| (r.channel == channel, r.validity.from))
    }

    fn fee_amount(
        &self,
        fee: &CustomsFee,
        all: &[&CustomsFee],
        customs_value: f64,
        duty: f64,
        fx: &mut Fx<'_>,
    ) -> Result<Result<(f64, String), String>, CostError> {
        Ok(match fee.kind {
            FeeKind::Fixed => Ok((
                fx.usd(fee.amount.unwrap_or_default(), &fee.currency)?,
                format!("{} {}", fee.amount.unwrap_or_default(), fee.currency),
            )),
            FeeKind::PercentOfValue => {
                let p = fee.pct.unwrap_or_default();
                Ok((customs_value * p / 100.0, format!("{p}% of customs value")))
            }
            FeeKind::PercentOfDuty => {
                let p = fee.pct.unwrap_or_default();
                Ok((duty * p / 100.0, format!("{p}% of duty")))
            }
            FeeKind::Bracket => {
                let per_usd = fx.per_usd(&fee.currency)?;
                let v = customs_value * per_usd;
                let hit = all
                    .iter()
                    .find(|b| b.value_from.unwrap_or(0.0) <= v && b.value_to.is_none_or(|t| v < t));
                match hit {
                    Some(b) => Ok((
                        b.amount.unwrap_or_default() / per_usd,
                        format!(
                            "{} {} for a customs value of {:.0} {} ({}..{})",
                            b.amount.unwrap_or_default(),
                            b.currency,
                            v,
                            b.currency,
                            b.value_from.unwrap_or(0.0),
                            b.value_to.map_or("".to_owned(), |t| t.to_string())
                        ),
                    )),
                    None => Err(format!(
                        "the {} bracket for a customs value of {v:.0} {} is not in the data",
                        fee.name, fee.currency
                    )),
                }
            }
        })
    }

    /// Answers a landed-cost question.
    pub fn compute(&self, req: &CostRequest) -> Result<LandedCost, CostError> {
        let bad = |m: String| Err(CostError::InvalidRequest(m));
        if !(req.value.is_finite() && req.value >= 0.0) {
            return bad(format!(
                "the goods value must be a non-negative amount, got {}",
                req.value
            ));
        }
        for (name, v) in [
            ("weight_kg", req.weight_kg),
            ("net_weight_kg", req.net_weight_kg),
            ("quantity", req.quantity),
            ("pairs", req.pairs),
            ("area_m2", req.area_m2),
            ("litres", req.litres),
            ("engine_cm3", req.engine_cm3),
            ("freight_usd", req.transport.freight_usd),
            ("freight_to_border_usd", req.transport.freight_to_border_usd),
            ("border_fees_usd", req.transport.border_fees_usd),
            ("insurance_usd", req.transport.insurance_usd),
        ] {
            if let Some(x) = v {
                if !(x.is_finite() && x >= 0.0) {
                    return bad(format!("`{name}` must be a non-negative number, got {x}"));
                }
            }
        }
        for o in &req.fx {
            if !(o.per_usd.is_finite() && o.per_usd > 0.0) {
                return bad(format!(
                    "exchange rate for {} must be positive, got {}",
                    o.currency, o.per_usd
                ));
            }
        }
        let origin = req.origin.trim().to_ascii_uppercase();
        let dest = req.destination.trim().to_ascii_uppercase();
        for (what, c) in [("origin", &origin), ("destination", &dest)] {
            if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
                return bad(format!(
                    "the {what} must be an ISO 3166 alpha-2 code (e.g. UZ), got `{c}`"
                ));
            }
        }

        let hs = normalize_code(&req.hs)
            .filter(|c| c.len() >= 2 && c.len() % 2 == 0)
            .filter(|_| self.data.hs.resolve(&req.hs).is_some())
            .ok_or_else(|| CostError::UnknownHs {
                code: req.hs.clone(),
                suggestions: self
                    .data
                    .hs
                    .near_codes(&req.hs, 5)
                    .into_iter()
                    .map(|e| HsSuggestion {
                        code: e.code.clone(),
                        description: e.description.clone(),
                    })
                    .collect(),
            })?;
        let covered = &self.importers;
        let valuation = self
            .data
            .valuation
            .iter()
            .find(|v| v.country == dest)
            .filter(|_| covered.contains(&dest))
            .ok_or_else(|| CostError::NoData {
                country: dest.clone(),
                covered: covered.to_vec(),
            })?;

        let mut fx = Fx {
            table: &self.data.fx,
            overrides: &req.fx,
            used: Vec::new(),
        };
        let mut unknown: Vec<Unknown> = Vec::new();
        let mut warnings: Vec<String> = Vec::new();
        let mut lines: Vec<CostLine> = Vec::new();
        let unk = |u: &mut Vec<Unknown>, item: &str, reason: String| {
            u.push(Unknown {
                item: item.to_owned(),
                reason,
            })
        };

        let price = fx.usd(req.value, &req.currency)?;
        let t = &req.transport;
        let source = t
            .source
            .clone()
            .unwrap_or_else(|| "given in the request".to_owned());

        let mut goods = line("goods", format!("goods, {} price", req.incoterm));
        goods.amount = Some(price);
        goods.base = Some(req.value);
        goods.rate = (!req.currency.eq_ignore_ascii_case("USD"))
            .then(|| format!("{} {}", req.value, req.currency.to_ascii_uppercase()));
        goods.source = "given in the request".to_owned();
        lines.push(goods);

        // Transport paid on top of the price.
        let mut freight = line("freight", "freight to the buyer");
        if req.incoterm.includes_freight() {
            freight.amount = Some(0.0);
            freight.note = format!("included in the {} price", req.incoterm);
        } else if let Some(f) = t.freight_usd {
            freight.amount = Some(f);
            freight.source = source.clone();
        } else {
            unk(
                &mut unknown,
                "freight",
                "not given: pass a freight amount or plan it from a route".to_owned(),
            );
        }
        lines.push(freight);
        if let Some(b) = t
            .border_fees_usd
            .filter(|_| !req.incoterm.includes_freight())
        {
            let mut l = line("border_fees", "border-crossing fees on the way");
            l.amount = Some(b);
            l.source = source.clone();
            lines.push(l);
        }
        let mut insurance = line("insurance", "cargo insurance");
        if req.incoterm.includes_insurance() {
            insurance.amount = Some(0.0);
            insurance.note = format!("included in the {} price", req.incoterm);
        } else if let Some(i) = t.insurance_usd {
            insurance.amount = Some(i);
            insurance.source = "given in the request".to_owned();
        } else {
            unk(
                &mut unknown,
                "insurance",
                "not given: the customs value and the total leave it out".to_owned(),
            );
        }
        lines.push(insurance);

        // Customs value on the importer's basis.
        let freight_to_border = t.freight_to_border_usd.or(t.freight_usd);
        let mut customs_value = price;
        if valuation.basis == "CIF" {
            if !req.incoterm.includes_freight() {
                match freight_to_border {
                    Some(f) => customs_value += f,
                    None => unk(
                        &mut unknown,
                        "customs value",
                        "CIF valuation needs the freight to the border, which is not known"
                            .to_owned(),
                    ),
                }
            } else if matches!(req.incoterm, Incoterm::Dap | Incoterm::Dpu | Incoterm::Ddp) {
                match (t.freight_usd, t.freight_to_border_usd) {
                    (Some(all), Some(to_border)) if all >= to_border => {
                        customs_value -= all - to_border
                    }
                    _ => warnings.push(
                        "the price includes carriage beyond the border, which a CIF customs \
                         value excludes; give the freight and the freight to the border to \
                         deduct it"
                            .to_owned(),
                    ),
                }
            }
            if !req.incoterm.includes_insurance() {
                customs_value += t.insurance_usd.unwrap_or(0.0);
            }
        } else if req.incoterm.includes_freight() {
            customs_value -= t.freight_usd.unwrap_or(0.0) + t.insurance_usd.unwrap_or(0.0);
            customs_value = customs_value.max(0.0);
        }
        if req.incoterm == Incoterm::Ddp {
            warnings.push(
                "DDP: the seller pays the duties and taxes below; they are part of the price \
                 the buyer pays"
                    .to_owned(),
            );
        }

        // Duty: MFN, then the best applicable preference.
        let q = Quantities {
            weight_kg: req.weight_kg,
            net_weight_kg: req.net_weight_kg,
            quantity: req.quantity,
            pairs: req.pairs,
            litres: req.litres,
            engine_cm3: req.engine_cm3,
            area_m2: req.area_m2,
        };
        let nat = self.national(&dest, &hs, req.date);
        let mfn = self.mfn(&dest, &hs, req.date, &nat);
        let user_line = mfn.as_ref().is_some_and(|r| r.level == "user_schedule");
        if user_line {
            if let Some(l) = self.best_line(self.user_lines.iter(), &dest, &hs, req.date) {
                if l.notes.contains("not the rate of any one line") {
                    warnings.push(format!("your tariff schedule, line {}: {}", l.hs, l.notes));
                }
            }
        }
        let mut national_lines: Vec<NationalLineInfo> = Vec::new();
        let mut duty_range: Option<DutyRange> = None;
        let mut national_unknown: Option<String> = None;
        if !user_line {
            match &nat {
                NationalOutcome::NotApplicable => {}
                NationalOutcome::One(l, _) => {
                    if l.duty.is_none() {
                        national_unknown = Some(format!(
                            "the EAEU tariff's rate for line {} is not machine-readable: '{}' \
                             ({}); compute it by hand",
                            l.hs, l.rate_text, l.source
                        ));
                    }
                    if l.notes.contains("condition:") || l.notes.contains("NOT APPLIED") {
                        warnings.push(format!("line {}: {}", l.hs, l.notes));
                    }
                    if let Some(c) = national::note_condition(&self.data, l, &dest, req.date) {
                        warnings.push(c);
                    }
                    if let Some(c) = national::condition_fallback(&self.data, l, &dest, req.date) {
                        warnings.push(c);
                    }
                }
                NationalOutcome::Several(ls) => {
                    let mut lo = f64::INFINITY;
                    let mut hi = f64::NEG_INFINITY;
                    let mut all = true;
                    for l in ls {
                        let amount = match &l.duty {
                            Some(d) => self.duty_amount(d, customs_value, &q, &mut fx)?.ok(),
                            None => None,
                        };
                        match amount {
                            Some(a) => {
                                lo = lo.min(a);
                                hi = hi.max(a);
                            }
                            None => all = false,
                        }
                        national_lines.push(NationalLineInfo {
                            hs: l.hs.clone(),
                            description: l.short_description(),
                            rate: l.rate_text.clone(),
                            duty_usd: amount.map(round2),
                            source: l.source.clone(),
                        });
                    }
                    if lo.is_finite() {
                        duty_range = Some(DutyRange {
                            min_usd: round2(lo),
                            max_usd: round2(hi),
                            complete: all,
                        });
                    }
                    national_unknown = Some(format!(
                        "the {} national lines of the EAEU tariff under {hs} carry different \
                         rates ({}): give the full 10-digit code{}",
                        ls.len(),
                        national_lines
                            .iter()
                            .take(12)
                            .map(|n| format!("{}: {}", n.hs, n.rate))
                            .collect::<Vec<_>>()
                            .join("; "),
                        match &duty_range {
                            Some(r) => format!(
                                "; the duty would be between {:.2} and {:.2} USD{}",
                                r.min_usd,
                                r.max_usd,
                                if r.complete {
                                    ""
                                } else {
                                    " (for the lines computable with the quantities given)"
                                }
                            ),
                            None => String::new(),
                        }
                    ));
                }
            }
            if !matches!(nat, NationalOutcome::NotApplicable) {
                if let Some(w) = national::exception_warning(&self.data, &dest, req.date) {
                    warnings.push(w);
                }
            }
        }
        let mfn_amount = match &mfn {
            Some(r) => Some(self.duty_amount(&r.duty, customs_value, &q, &mut fx)?),
            None => None,
        };
        let (prefs, pref_notes) = if origin == dest {
            (Vec::new(), Vec::new())
        } else {
            self.preferences(&origin, &dest, &hs, req.date, mfn.as_ref())
        };
        warnings.extend(pref_notes);
        let mut chosen: Option<(Rate, Option<AgreementUsed>, Result<f64, String>)> =
            match (&mfn, &mfn_amount) {
                (Some(r), Some(a)) => Some((r.clone(), None, a.clone())),
                _ => None,
            };
        if req.claim_preference {
            for (rate, agreement) in prefs {
                let amount = self.duty_amount(&rate.duty, customs_value, &q, &mut fx)?;
                let better = match (&chosen, &amount) {
                    (None, _) => true,
                    (Some((_, _, Ok(cur))), Ok(new)) => new < cur,
                    (Some((_, _, Err(_))), Ok(_)) => true,
                    _ => false,
                };
                if better {
                    chosen = Some((rate, Some(agreement), amount));
                }
            }
        } else if !prefs.is_empty() {
            warnings.push(format!(
                "preference not claimed: {} would apply to originating goods",
                prefs
                    .iter()
                    .map(|(_, a)| a.name.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
        if origin == dest {
            warnings.push(format!(
                "origin and destination are both {dest}: a domestic shipment pays no import \
                 duty or import VAT"
            ));
            chosen = Some((
                Rate {
                    duty: Duty::AdValorem(0.0),
                    level: "domestic",
                    source: String::new(),
                    note: "not an import".to_owned(),
                },
                None,
                Ok(0.0),
            ));
        }

        let mut duty_line = line("duty", "import duty");
        duty_line.base = Some(round2(customs_value));
        let mut duty_basis = DutyBasis {
            level: "unknown".to_owned(),
            rate: None,
            source: String::new(),
            mfn_rate: mfn.as_ref().map(|r| r.duty.describe()),
            mfn_level: mfn.as_ref().map(|r| r.level.to_owned()),
            mfn_amount_usd: mfn_amount
                .as_ref()
                .and_then(|a| a.as_ref().ok().copied().map(round2)),
            agreement: None,
        };
        let mut duty_usd: Option<f64> = None;
        match &chosen {
            Some((rate, agreement, amount)) => {
                duty_line.rate = Some(rate.duty.describe());
                duty_line.source = rate.source.clone();
                duty_line.note = rate.note.clone();
                if let Some(a) = agreement {
                    duty_line.label = format!("import duty, preferential ({})", a.id);
                    duty_line.note = format!(
                        "{}; rule of origin: {}",
                        rate.note,
                        if a.rule_of_origin.is_empty() {
                            "not recorded"
                        } else {
                            &a.rule_of_origin
                        }
                    );
                }
                match amount {
                    Ok(a) => duty_usd = Some(*a),
                    Err(why) => unk(&mut unknown, "duty", why.clone()),
                }
                duty_basis.level = rate.level.to_owned();
                duty_basis.rate = Some(rate.duty.describe());
                duty_basis.source = rate.source.clone();
                duty_basis.agreement = agreement.clone();
            }
            None => unk(
                &mut unknown,
                "duty",
                national_unknown.clone().unwrap_or_else(|| {
                    format!(
                        "no MFN rate for HS {hs} in {dest} is in the data (not even an average)"
                    )
                }),
            ),
        }
        if let Some((rate, _, _)) = &chosen {
            if let Some(s) = rate.duty.specific() {
                if s.unit == QuantityUnit::Kg
                    && req.net_weight_kg.is_none()
                    && req.weight_kg.is_some()
                {
                    warnings.push(
                        "the specific duty is charged per kg of NET weight; the weight given \
                         (weight_kg) was used: give net_weight_kg if it is a gross weight"
                            .to_owned(),
                    );
                }
            }
        }
        if national_unknown.is_some() && chosen.is_some() {
            warnings.push(national_unknown.clone().unwrap_or_default());
        }
        if let Some(r) = mfn
            .as_ref()
            .filter(|r| !matches!(r.level, "line" | "national_line" | "user_schedule"))
        {
            if duty_basis.agreement.is_none() {
                warnings.push(format!(
                    "the duty is an average ({}), not the rate of HS {hs}: load the national \
                     schedule for an exact figure",
                    r.level.replace('_', " ")
                ));
            }
        }

        // Excise: not in the data.
        if origin != dest && EXCISABLE_CHAPTERS.contains(&&hs[..2]) {
            unk(
                &mut unknown,
                "excise",
                format!(
                    "goods of HS chapter {} usually carry excise in {dest}; excise rates are \
                     not in the data, and VAT is computed without it",
                    &hs[..2]
                ),
            );
        }

        // De minimis (parcels).
        let rule = if origin == dest {
            None
        } else {
            self.de_minimis_rule(&dest, req.shipment, req.date)
        };
        let mut relief_duty = false;
        let mut relief_vat = false;
        let mut vat_replaced: Option<String> = None;
        if req.shipment.is_parcel() && rule.is_none() && origin != dest {
            unk(
                &mut unknown,
                "de minimis",
                format!("no parcel threshold for {dest} is in the data; full duty and VAT shown"),
            );
        }
        if let Some(r) = rule {
            let value_in = price * fx.per_usd(&r.currency)?;
            let over_weight = match (r.weight_limit_kg, req.weight_kg) {
                (Some(limit), Some(w)) => w > limit,
                (Some(limit), None) => {
                    warnings.push(format!(
                        "weight not given: assumed within the {limit} kg parcel limit"
                    ));
                    false
                }
                _ => false,
            };
            if matches!(r.basis.as_str(), "per_month" | "per_day") {
                warnings.push(format!(
                    "the {dest} threshold counts all parcels a buyer receives {}: this assumes \
                     it is the only one",
                    r.basis.replace('_', " ")
                ));
            }
            let desc = format!(
                "{} {} {} ({}, {}{})",
                r.threshold,
                r.currency,
                r.basis.replace('_', " "),
                r.channel,
                r.validity.describe(),
                r.weight_limit_kg
                    .map_or(String::new(), |w| format!(", up to {w} kg"))
            );
            if value_in <= r.threshold && !over_weight {
                match r.relief {
                    Relief::Duty => relief_duty = true,
                    Relief::DutyAndVat => {
                        relief_duty = true;
                        relief_vat = true;
                    }
                    Relief::None => warnings.push(format!(
                        "{dest}: the parcel is under {desc}, but that threshold gives no \
                         duty relief ({})",
                        r.notes
                    )),
                }
                if relief_duty {
                    duty_basis.level = "de_minimis".to_owned();
                }
                duty_line.note = format!(
                    "{}; the parcel ({value_in:.2} {}) is under the de minimis threshold {desc}",
                    duty_line.note, r.currency
                );
            } else if let Some(pct) = r.excess_duty_pct.filter(|p| *p > 0.0) {
                // The EAEU unified rates replace the tariff for parcels over the threshold.
                let value_part = if r.excess_base == "whole_value" {
                    value_in
                } else {
                    (value_in - r.threshold).max(0.0)
                };
                let kg_part = match (r.excess_min_per_kg, req.weight_kg) {
                    (Some(per_kg), Some(w)) => {
                        let kg = if r.excess_base == "whole_value" {
                            w
                        } else {
                            (w - r.weight_limit_kg.unwrap_or(0.0)).max(0.0)
                        };
                        Some(per_kg * kg)
                    }
                    _ => None,
                };
                let payment = (value_part * pct / 100.0).max(kg_part.unwrap_or(0.0));
                let payment_usd = fx.usd(payment, &r.currency)?;
                if r.excess_min_per_kg.is_some() && req.weight_kg.is_none() {
                    warnings.push(
                        "weight not given: the per-kg minimum of the parcel rate is left out"
                            .to_owned(),
                    );
                }
                duty_line.label = "parcel duty (unified rate over the threshold)".to_owned();
                duty_line.base = Some(round2(value_part / fx.per_usd(&r.currency)?));
                duty_line.rate = Some(format!(
                    "{pct}% of the {} value{}",
                    if r.excess_base == "whole_value" {
                        "whole"
                    } else {
                        "excess"
                    },
                    r.excess_min_per_kg.map_or(String::new(), |k| format!(
                        ", not less than {k} {} per kg{}",
                        r.excess_currency,
                        if r.excess_base == "whole_value" {
                            ""
                        } else {
                            " over the weight limit"
                        }
                    ))
                ));
                duty_line.source = r.source.clone();
                duty_line.note = format!(
                    "the parcel ({value_in:.2} {}) is over the threshold {desc}; this rate \
                     replaces the tariff ({})",
                    r.currency, r.notes
                );
                duty_usd = Some(payment_usd);
                unknown.retain(|u| u.item != "duty");
                duty_basis.level = "de_minimis".to_owned();
                duty_basis.rate = duty_line.rate.clone();
                duty_basis.source = r.source.clone();
                duty_basis.agreement = None;
                if r.excess_replaces_vat {
                    vat_replaced = Some(r.source.clone());
                }
            } else {
                duty_line.note = format!(
                    "{}; the parcel ({value_in:.2} {}) is over the de minimis threshold {desc}",
                    duty_line.note, r.currency
                );
            }
        }
        duty_line.amount = duty_usd;
        lines.push(duty_line);

        // Customs fees: none inside a customs union, where goods cross without clearance.
        let inside_union = duty_basis.level == "customs_union";
        if inside_union {
            warnings.push(format!(
                "{origin} and {dest} are in a customs union: no customs clearance or customs \
                 fees; import VAT is declared to the tax authority"
            ));
        }
        let fees: Vec<&CustomsFee> = self
            .data
            .fees
            .iter()
            .filter(|f| f.country == dest && f.validity.covers(req.date) && origin != dest)
            .filter(|_| !inside_union)
            .filter(|f| match f.applies_to.as_str() {
                "all" => true,
                "commercial" => !req.shipment.is_parcel(),
                "parcel" => req.shipment.is_parcel(),
                _ => false,
            })
            .collect();
        let mut seen: Vec<&str> = Vec::new();
        let mut duty_like_fees = 0.0;
        for f in &fees {
            if seen.contains(&f.name.as_str()) {
                continue;
            }
            seen.push(&f.name);
            let same: Vec<&CustomsFee> =
                fees.iter().copied().filter(|g| g.name == f.name).collect();
            let mut l = line("fee", f.name.clone());
            l.source = f.source.clone();
            l.note = f.notes.clone();
            l.base = Some(round2(customs_value));
            match self.fee_amount(f, &same, customs_value, duty_usd.unwrap_or(0.0), &mut fx)? {
                Ok((amount, rate)) => {
                    let amount = if relief_duty && f.kind == FeeKind::PercentOfDuty {
                        0.0
                    } else {
                        amount
                    };
                    if f.kind == FeeKind::PercentOfDuty {
                        l.base = duty_usd.map(round2);
                        duty_like_fees += amount;
                    }
                    l.amount = Some(amount);
                    l.rate = Some(rate);
                }
                Err(why) => unk(&mut unknown, "fee", why),
            }
            lines.push(l);
        }

        // VAT on its base.
        let vat_rows: Vec<_> = self
            .data
            .vat
            .iter()
            .filter(|v| v.country == dest && v.validity.covers(req.date))
            .collect();
        let standard = vat_rows
            .iter()
            .filter(|v| v.kind == "standard")
            .max_by_key(|v| v.validity.from);
        let mut vat_line = line("vat", "import VAT");
        let mut vat_usd = None;
        if origin == dest {
            vat_line.amount = Some(0.0);
            vat_line.note = "domestic shipment: no import VAT".to_owned();
        } else if let Some(source) = &vat_replaced {
            vat_line.amount = Some(0.0);
            vat_line.note = "not charged: the parcel's unified rate replaces import VAT".to_owned();
            vat_line.source = source.clone();
        } else if let Some(v) = standard {
            let base = match v.base.as_str() {
                "customs_value" => customs_value,
                _ => customs_value + duty_usd.unwrap_or(0.0) + duty_like_fees,
            };
            vat_line.label = v.tax_name.clone();
            vat_line.base = Some(round2(base));
            vat_line.rate = Some(format!("{}%", v.pct));
            vat_line.source = v.source.clone();
            let others: Vec<String> = vat_rows
                .iter()
                .filter(|o| o.kind != "standard")
                .map(|o| format!("{} {}% ({})", o.tax_name, o.pct, o.kind))
                .collect();
            vat_line.note = format!(
                "standard rate {}, on {}{}",
                v.validity.describe(),
                v.base.replace('+', " + ").replace('_', " "),
                if others.is_empty() {
                    String::new()
                } else {
                    format!("; other rates exist for some goods: {}", others.join("; "))
                }
            );
            if duty_usd.is_none() {
                unk(
                    &mut unknown,
                    "vat",
                    "its base includes the duty, which is unknown; VAT shown on the customs \
                     value plus known amounts only"
                        .to_owned(),
                );
            }
            vat_usd = Some(base * v.pct / 100.0);
            vat_line.amount = vat_usd;
        } else {
            unk(
                &mut unknown,
                "vat",
                format!(
                    "no import VAT rate for {dest} on {} is in the data",
                    req.date
                ),
            );
        }
        lines.push(vat_line);

        if relief_duty || relief_vat {
            let r = rule.expect("relief comes from a rule");
            let mut l = line("de_minimis_relief", "de minimis relief");
            let relieved = if relief_duty {
                duty_usd.unwrap_or(0.0)
            } else {
                0.0
            } + if relief_vat {
                vat_usd.unwrap_or(0.0)
            } else {
                0.0
            };
            l.amount = Some(-relieved);
            l.rate = Some(format!(
                "{} {} ({})",
                r.threshold,
                r.currency,
                if relief_vat { "duty and VAT" } else { "duty" }
            ));
            l.source = r.source.clone();
            l.note = r.notes.clone();
            if relief_duty {
                unknown.retain(|u| u.item != "duty");
            }
            lines.push(l);
        }

        for l in &mut lines {
            l.amount = l.amount.map(round2);
            l.base = l.base.map(round2);
        }
        let total: f64 = lines.iter().filter_map(|l| l.amount).sum();
        let total = round2(total);
        let total_local = match fx.per_usd(&valuation.currency) {
            Ok(r) => Some(Money {
                amount: round2(total * r),
                currency: valuation.currency.clone(),
            }),
            Err(_) => None,
        };
        let entries = self.data.hs.ancestry(&hs[..hs.len().min(6)]);
        let goods = GoodsInfo {
            hs: hs.clone(),
            path: entries
                .iter()
                .map(|e| format!("{} {}", e.code, e.description))
                .collect(),
            description: entries
                .last()
                .map(|e| e.description.clone())
                .unwrap_or_default(),
        };
        let year = req.date.to_string()[..4].to_owned();
        let stale: Vec<String> = fx
            .used
            .iter()
            .filter(|r| !r.date.is_empty() && r.date[..4] != year)
            .map(|r| format!("{} ({})", r.currency, r.date))
            .collect();
        if !stale.is_empty() {
            warnings.push(format!(
                "exchange rates are not of {year}: {}; give the rates of the declaration day \
                 with an fx override",
                stale.join(", ")
            ));
        }
        Ok(LandedCost {
            goods,
            origin,
            destination: dest,
            date: req.date,
            incoterm: req.incoterm,
            shipment: req.shipment,
            valuation_basis: valuation.basis.clone(),
            valuation_source: format!("{} {}", valuation.source, valuation.notes)
                .trim()
                .to_owned(),
            customs_value_usd: round2(customs_value),
            complete: unknown.is_empty(),
            lines,
            total: Money {
                amount: total,
                currency: "USD".to_owned(),
            },
            total_local,
            duty_basis,
            national_lines,
            duty_range,
            unknown,
            warnings,
            fx_used: fx.used,
        })
    }
}
