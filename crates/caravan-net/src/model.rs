//! The physical network model: what the data files describe, before any routing state.

use std::fmt;

use serde::{Deserialize, Serialize, Serializer};

/// ISO 3166-1 alpha-2 country code, stored inline.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Country([u8; 2]);

impl Country {
    /// The "no country" marker (sea nodes).
    pub const NONE: Country = Country([b'-', b'-']);

    /// Parses a two-letter code (case-insensitive); `None` if it is not two ASCII letters.
    pub fn parse(code: &str) -> Option<Country> {
        let b = code.trim().as_bytes();
        if b.len() == 2 && b.iter().all(u8::is_ascii_alphabetic) {
            Some(Country([
                b[0].to_ascii_uppercase(),
                b[1].to_ascii_uppercase(),
            ]))
        } else {
            None
        }
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII letters or '-' are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("--")
    }

    pub fn is_none(&self) -> bool {
        *self == Country::NONE
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Country {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Country {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        if code == Country::NONE.as_str() {
            return Ok(Country::NONE);
        }
        Country::parse(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("not a country code: {code:?}")))
    }
}

/// The physical layer a node or link belongs to. Layers are disjoint: a node is on exactly one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Layer {
    Road,
    Rail,
    Sea,
}

impl Layer {
    pub const ALL: [Layer; 3] = [Layer::Road, Layer::Rail, Layer::Sea];

    pub fn parse(s: &str) -> Option<Layer> {
        match s.trim().to_ascii_lowercase().as_str() {
            "road" => Some(Layer::Road),
            "rail" => Some(Layer::Rail),
            "sea" => Some(Layer::Sea),
            _ => None,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Layer::Road => "road",
            Layer::Rail => "rail",
            Layer::Sea => "sea",
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Cost class of a line-haul link: a layer, with the Caspian split from the open sea because
/// its ro-ro and rail ferries have their own speed, tariff and emissions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkClass {
    Road,
    Rail,
    Sea,
    CaspianFerry,
    /// Rivers and canals (the Volga and the Volga-Don canal): river-sea vessels only, in the
    /// navigation season; a mode a request must ask for.
    InlandWater,
}

impl LinkClass {
    /// Number of link classes (the length of per-class tables).
    pub const COUNT: usize = 5;
    pub const ALL: [LinkClass; LinkClass::COUNT] = [
        LinkClass::Road,
        LinkClass::Rail,
        LinkClass::Sea,
        LinkClass::CaspianFerry,
        LinkClass::InlandWater,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn layer(self) -> Layer {
        match self {
            LinkClass::Road => Layer::Road,
            LinkClass::Rail => Layer::Rail,
            LinkClass::Sea | LinkClass::CaspianFerry | LinkClass::InlandWater => Layer::Sea,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            LinkClass::Road => "road",
            LinkClass::Rail => "rail",
            LinkClass::Sea => "sea",
            LinkClass::CaspianFerry => "caspian_ferry",
            LinkClass::InlandWater => "inland_water",
        }
    }

    pub fn parse(s: &str) -> Option<LinkClass> {
        LinkClass::ALL.into_iter().find(|c| c.as_str() == s.trim())
    }
}

/// A node of one layer's graph.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub lat: f64,
    pub lon: f64,
    pub layer: Layer,
    /// `Country::NONE` at sea.
    pub country: Country,
}

/// A two-way line-haul link between two nodes of the same layer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub from: u32,
    pub to: u32,
    pub class: LinkClass,
    pub km: f64,
    /// Index into `Network::bcps` when this link crosses a national border.
    pub bcp: Option<u32>,
    /// Intermediate points from `from` to `to` as (lat, lon); the end nodes are not repeated.
    pub geometry: Vec<(f64, f64)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum BcpStatus {
    Open,
    Restricted,
    Closed,
}

impl BcpStatus {
    pub fn parse(s: &str) -> Option<BcpStatus> {
        match s.trim().to_ascii_lowercase().as_str() {
            "open" => Some(BcpStatus::Open),
            "restricted" => Some(BcpStatus::Restricted),
            "closed" => Some(BcpStatus::Closed),
            _ => None,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            BcpStatus::Open => "open",
            BcpStatus::Restricted => "restricted",
            BcpStatus::Closed => "closed",
        }
    }
}

/// How a figure was obtained; shown next to every figure in the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Basis {
    /// A published figure for this very object.
    Measured,
    /// Derived from a published figure for a related direction, mode or year.
    Estimate,
    /// A published default for a class of objects (e.g. a GLEC default factor).
    PublishedDefault,
    /// Computed from other published figures (the derivation is in the notes).
    Derived,
    /// The regional average applied where nothing specific is published.
    RegionalDefault,
    /// No published figure: a stated assumption.
    Assumption,
}

impl Basis {
    pub fn parse(s: &str) -> Option<Basis> {
        match s.trim().to_ascii_lowercase().as_str() {
            "measured" => Some(Basis::Measured),
            "estimate" => Some(Basis::Estimate),
            "published_default" => Some(Basis::PublishedDefault),
            "derived" => Some(Basis::Derived),
            "regional_default" => Some(Basis::RegionalDefault),
            "assumption" => Some(Basis::Assumption),
            _ => None,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Basis::Measured => "measured",
            Basis::Estimate => "estimate",
            Basis::PublishedDefault => "published_default",
            Basis::Derived => "derived",
            Basis::RegionalDefault => "regional_default",
            Basis::Assumption => "assumption",
        }
    }
}

/// Direction of travel through a BCP, relative to its `country_a` / `country_b`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    AToB,
    BToA,
}

impl Direction {
    pub fn index(self) -> usize {
        match self {
            Direction::AToB => 0,
            Direction::BToA => 1,
        }
    }
}

/// A border crossing point for one mode, with per-direction clearance time and fee.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bcp {
    /// Slug shared by the road and the rail row of one named crossing.
    pub id: String,
    pub mode: Layer,
    pub name: String,
    pub name_a: String,
    pub name_b: String,
    pub country_a: Country,
    pub country_b: Country,
    pub lat: f64,
    pub lon: f64,
    pub status: BcpStatus,
    pub status_note: String,
    /// E.g. "1520/1435" where the gauge changes at or next to this crossing.
    pub gauge_change: Option<String>,
    pub transloading: bool,
    /// Expected hours to cross both countries' posts, indexed by `Direction::index`: the
    /// robust central figure (see `waits`).
    pub wait_hours: [f64; 2],
    /// Plausible low and high hours per direction (CPMM years, or the comparison pool's
    /// interquartile range for an unmeasured direction).
    pub wait_range: [(f64, f64); 2],
    /// Whether the direction has a measured or estimated figure of its own.
    pub wait_measured: [bool; 2],
    /// For an unmeasured direction: how its wait was derived.
    pub wait_default_source: [Option<String>; 2],
    /// Raw figures and the robust choice, as curated.
    pub wait_note: String,
    /// Fee in USD per vehicle (truck, or wagon/container on rail), by direction.
    pub fee_usd: [f64; 2],
    pub wait_basis: Basis,
    pub fee_basis: Basis,
    pub wait_source: String,
    pub fee_source: String,
    pub status_source: String,
    pub notes: String,
    /// False for crossings found in the OSM-derived graph but absent from the curated table.
    /// They carry regional defaults and are usable only while a listed crossing of the same
    /// country pair and mode is open.
    pub listed: bool,
}

impl Bcp {
    /// The key users type: `torkham` closes every mode, `torkham:rail` one of them.
    pub fn key(&self) -> String {
        format!("{}:{}", self.id, self.mode)
    }

    /// The two countries, in a canonical order (for grouping by pair).
    pub fn pair(&self) -> (Country, Country) {
        if self.country_a <= self.country_b {
            (self.country_a, self.country_b)
        } else {
            (self.country_b, self.country_a)
        }
    }

    pub fn side_name(&self, country: Country) -> &str {
        if country == self.country_b {
            &self.name_b
        } else {
            &self.name_a
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TerminalKind {
    /// An ocean or Black Sea port: sea to road and rail.
    Seaport,
    /// A Caspian port: ro-ro and rail ferries to road and rail.
    CaspianPort,
    /// A dry port, rail terminal or logistics hub: road to rail.
    RoadRail,
}

impl TerminalKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            TerminalKind::Seaport => "seaport",
            TerminalKind::CaspianPort => "caspian_port",
            TerminalKind::RoadRail => "road_rail_terminal",
        }
    }
}

/// A figure with where it comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sourced {
    pub value: f64,
    pub basis: Basis,
    pub source: String,
}

/// A place where modes meet and cargo is handled.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Terminal {
    pub id: String,
    pub name: String,
    pub country: Country,
    pub lat: f64,
    pub lon: f64,
    pub kind: TerminalKind,
    pub handling_hours: Sourced,
    pub handling_usd_per_t: Sourced,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PlaceKind {
    City,
    Seaport,
    Terminal,
    BorderCrossing,
    Locality,
}

impl PlaceKind {
    pub fn parse(s: &str) -> Option<PlaceKind> {
        match s.trim() {
            "city" => Some(PlaceKind::City),
            "seaport" => Some(PlaceKind::Seaport),
            "terminal" => Some(PlaceKind::Terminal),
            "border_crossing" => Some(PlaceKind::BorderCrossing),
            "locality" => Some(PlaceKind::Locality),
            _ => None,
        }
    }
}

/// A named location users can ask for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// UN/LOCODE where one exists (e.g. `UZTAS`), else a stable generated id.
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub country: Country,
    pub lat: f64,
    pub lon: f64,
    pub kind: PlaceKind,
    pub population: Option<u64>,
    pub source: String,
}

/// Line-haul parameters of one link class, each with its source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClassParams {
    pub speed_kmh: Sourced,
    pub cost_usd_per_tkm: Sourced,
    pub co2e_g_per_tkm: Sourced,
    /// Tonnes per vehicle (truck, wagon or container) for per-vehicle fees.
    pub payload_t: Sourced,
}

/// Handling at a transfer: time, and cost per tonne.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransferParams {
    pub hours: Sourced,
    pub usd_per_t: Sourced,
}

/// Every cost parameter the router uses, with sources.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Params {
    /// Indexed by `LinkClass::index`.
    pub classes: [ClassParams; LinkClass::COUNT],
    pub gauge_change: TransferParams,
    pub seaport: TransferParams,
    pub caspian_port: TransferParams,
    pub road_rail_terminal: TransferParams,
    /// Share of the goods value lost per day in transit (value of time).
    pub vot_day_share: Sourced,
    /// USD per tonne CO2e used by the `generalized` criterion.
    pub carbon_price_usd_per_t: Sourced,
}

impl Params {
    pub fn class(&self, c: LinkClass) -> &ClassParams {
        &self.classes[c.index()]
    }

    pub fn transfer(&self, kind: TerminalKind) -> &TransferParams {
        match kind {
            TerminalKind::Seaport => &self.seaport,
            TerminalKind::CaspianPort => &self.caspian_port,
            TerminalKind::RoadRail => &self.road_rail_terminal,
        }
    }
}

/// A country's mainline rail gauge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Gauge {
    pub country: Country,
    pub mm: u16,
    pub note: String,
    pub source: String,
}
