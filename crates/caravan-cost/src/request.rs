//! What a caller asks and what the engine answers. Field names are the JSON contract of
//! `caravan cost --format json` and `POST /v1/cost`.

use serde::{Deserialize, Serialize};

use crate::data::FxRate;
use crate::date::Date;

/// Who carries transport cost and risk under the sale contract (Incoterms 2020).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Incoterm {
    Exw,
    Fca,
    #[default]
    Fob,
    Cfr,
    Cpt,
    Cif,
    Cip,
    Dap,
    Dpu,
    Ddp,
}

impl std::fmt::Display for Incoterm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&format!("{self:?}").to_ascii_uppercase())
    }
}

impl Incoterm {
    pub fn parse(s: &str) -> Option<Incoterm> {
        Some(match s.trim().to_ascii_uppercase().as_str() {
            "EXW" => Incoterm::Exw,
            "FCA" => Incoterm::Fca,
            "FOB" => Incoterm::Fob,
            "CFR" => Incoterm::Cfr,
            "CPT" => Incoterm::Cpt,
            "CIF" => Incoterm::Cif,
            "CIP" => Incoterm::Cip,
            "DAP" => Incoterm::Dap,
            "DPU" => Incoterm::Dpu,
            "DDP" => Incoterm::Ddp,
            _ => return None,
        })
    }

    /// Whether the invoice price already pays the main carriage to the destination.
    pub fn includes_freight(&self) -> bool {
        !matches!(self, Incoterm::Exw | Incoterm::Fca | Incoterm::Fob)
    }

    /// Whether the invoice price already pays cargo insurance.
    pub fn includes_insurance(&self) -> bool {
        matches!(
            self,
            Incoterm::Cif | Incoterm::Cip | Incoterm::Dap | Incoterm::Dpu | Incoterm::Ddp
        )
    }
}

/// Commercial cargo under a full customs declaration, or a parcel to a private buyer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ShipmentKind {
    #[default]
    Commercial,
    /// A parcel by post (the de minimis rules for `postal` apply).
    PostalParcel,
    /// A parcel by express courier (the rules for `express` apply).
    ExpressParcel,
}

impl ShipmentKind {
    pub fn is_parcel(&self) -> bool {
        !matches!(self, ShipmentKind::Commercial)
    }
}

/// Freight and insurance for the shipment, all in USD.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Transport {
    /// Carriage from the seller to the buyer, whole way.
    pub freight_usd: Option<f64>,
    /// The part of `freight_usd` up to the importing country's border (what a CIF customs
    /// value includes). Defaults to `freight_usd` when only that is known.
    pub freight_to_border_usd: Option<f64>,
    /// Border-crossing fees on the way (paid by whoever pays the freight).
    pub border_fees_usd: Option<f64>,
    pub insurance_usd: Option<f64>,
    /// Where the figures come from, e.g. a Caravan route.
    pub source: Option<String>,
}

/// A landed-cost question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CostRequest {
    /// HS code: 2, 4 or 6 digits, or a national line of 8-10 digits (dots allowed).
    pub hs: String,
    /// Invoice value of the goods in `currency`.
    pub value: f64,
    #[serde(default = "usd")]
    pub currency: String,
    #[serde(default)]
    pub incoterm: Incoterm,
    /// Exporting country (ISO alpha-2): decides preferential treatment.
    pub origin: String,
    /// Importing country (ISO alpha-2).
    pub destination: String,
    /// The day the goods are declared; decides which rates are in force.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-11-23"))]
    pub date: Date,
    #[serde(default)]
    pub shipment: ShipmentKind,
    /// Gross weight, for per-kg duties and parcel weight limits.
    #[serde(default)]
    pub weight_kg: Option<f64>,
    /// Net weight in kg, for per-kg duties (customs charges them on net weight); when absent
    /// `weight_kg` is used, with a warning.
    #[serde(default)]
    pub net_weight_kg: Option<f64>,
    /// Pieces (or pairs when `pairs` is absent), for per-unit duties.
    #[serde(default)]
    pub quantity: Option<f64>,
    /// Pairs, for per-pair duties (footwear).
    #[serde(default)]
    pub pairs: Option<f64>,
    /// Area in m2, for per-m2 duties.
    #[serde(default)]
    pub area_m2: Option<f64>,
    /// Litres, for per-litre duties.
    #[serde(default)]
    pub litres: Option<f64>,
    /// Engine capacity in cm3, for per-cm3 duties on vehicles.
    #[serde(default)]
    pub engine_cm3: Option<f64>,
    #[serde(default)]
    pub transport: Transport,
    /// Claim a trade agreement's preference when one applies (origin must be proven).
    #[serde(default = "yes")]
    pub claim_preference: bool,
    /// Exchange rates overriding the table: units per USD.
    #[serde(default)]
    pub fx: Vec<FxOverride>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FxOverride {
    pub currency: String,
    pub per_usd: f64,
}

fn usd() -> String {
    "USD".to_owned()
}

fn yes() -> bool {
    true
}

/// One line of the breakdown.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CostLine {
    /// `goods`, `freight`, `insurance`, `border_fees`, `duty`, `excise`, `fee`, `vat`,
    /// `de_minimis_relief`.
    pub kind: String,
    pub label: String,
    /// What the rate applies to (USD), if it is a rate.
    pub base: Option<f64>,
    /// The rate as the source states it, e.g. `12%` or `10% but not less than 0.05 EUR/kg`.
    pub rate: Option<String>,
    /// USD; `null` when it cannot be computed (then `unknown` says why).
    pub amount: Option<f64>,
    pub currency: String,
    pub source: String,
    /// How the figure was chosen, and its caveats.
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Money {
    pub amount: f64,
    pub currency: String,
}

/// How the duty rate was found.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DutyBasis {
    /// `user_schedule`, `line`, `product_group_average`, `country_average`, `preferential`,
    /// `customs_union`, `de_minimis` or `unknown`.
    pub level: String,
    pub rate: Option<String>,
    pub source: String,
    /// The MFN rate that applies without a preference, when a preference was used.
    pub mfn_rate: Option<String>,
    /// Where the MFN rate comes from: `national_line`, `line`, `user_schedule`,
    /// `product_group_average`, `country_average`; `null` when unknown.
    pub mfn_level: Option<String>,
    pub mfn_amount_usd: Option<f64>,
    pub agreement: Option<AgreementUsed>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgreementUsed {
    pub id: String,
    pub name: String,
    pub rule_of_origin: String,
    pub source: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DutyRange {
    pub min_usd: f64,
    pub max_usd: f64,
    /// False when some lines need a quantity that was not given (they are left out).
    pub complete: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unknown {
    pub item: String,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GoodsInfo {
    pub hs: String,
    /// The HS 2022 entry the code resolves to, chapter first.
    pub path: Vec<String>,
    pub description: String,
}

/// The landed-cost answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LandedCost {
    pub goods: GoodsInfo,
    pub origin: String,
    pub destination: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub date: Date,
    pub incoterm: Incoterm,
    pub shipment: ShipmentKind,
    /// `CIF` or `FOB`: what the importing country's customs value includes.
    pub valuation_basis: String,
    pub valuation_source: String,
    pub customs_value_usd: f64,
    pub lines: Vec<CostLine>,
    /// The sum of the known lines, in USD.
    pub total: Money,
    /// The total in the importing country's currency, where a rate is known.
    pub total_local: Option<Money>,
    /// False when a line's amount is unknown: then `total` is a lower bound.
    pub complete: bool,
    pub duty_basis: DutyBasis,
    /// When the code covers several national lines with different rates: each line, its
    /// printed rate and its duty for this request.
    pub national_lines: Vec<crate::national::NationalLineInfo>,
    /// The range of the duty over `national_lines`, where computable.
    pub duty_range: Option<DutyRange>,
    pub unknown: Vec<Unknown>,
    pub warnings: Vec<String>,
    pub fx_used: Vec<FxRate>,
}
