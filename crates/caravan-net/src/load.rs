//! Parsers for the data files. Each takes a reader so that tests can feed small tables; the
//! `Network::load_dir` convenience opens the files of a data directory.

use std::collections::HashMap;
use std::io::Read;

use crate::error::DataError;
use crate::model::*;
use crate::table::Table;

pub(crate) type Input = Box<dyn Read>;

pub(crate) fn nodes(file: &str, input: Input) -> Result<Vec<Node>, DataError> {
    let t = Table::new(file, input)?;
    t.require(&["id", "layer", "lat", "lon", "country"])?;
    let mut out = Vec::new();
    t.for_each(|r| {
        let id: usize = r.parse("id", "a node index", |s| s.parse().ok())?;
        if id != out.len() {
            return Err(r.error("id", format!("expected the next index {}", out.len())));
        }
        let country = match r.str("country") {
            "" => Country::NONE,
            s => r.parse("country", "an ISO 3166 alpha-2 code", |_| Country::parse(s))?,
        };
        out.push(Node {
            layer: r.parse("layer", "road, rail or sea", Layer::parse)?,
            lat: r.number("lat", -90.0, 90.0)?,
            lon: r.number("lon", -180.0, 360.0)?,
            country,
        });
        Ok(())
    })?;
    Ok(out)
}

/// Links reference BCPs by id; `bcp_index` maps (id, layer) to an index in the BCP table.
/// Beside each link comes its km of record: the part of `km` that is a published road length
/// (a network patch), which the road circuity factor must not scale again. The optional
/// `km_of_record` column is blank (0) where the link has none.
pub(crate) struct LinkExtras {
    /// The part of `km` that is a published road length.
    pub km_of_record: f64,
    /// Metres climbed and descended per km along a road link (the build's coarse terrain);
    /// `None` where the file has no such column or the cell is blank.
    pub climb_m_per_km: Option<f64>,
}

pub(crate) fn links(
    file: &str,
    input: Input,
    node_count: usize,
    bcp_index: &HashMap<(String, Layer), u32>,
) -> Result<(Vec<Link>, Vec<LinkExtras>), DataError> {
    let t = Table::new(file, input)?;
    t.require(&["from", "to", "class", "km", "bcp", "geometry"])?;
    let mut out = Vec::new();
    let mut of_record = Vec::new();
    t.for_each(|r| {
        let node = |field: &str| -> Result<u32, DataError> {
            r.parse(field, "a node index", |s| s.parse::<u32>().ok())
                .and_then(|v| {
                    if (v as usize) < node_count {
                        Ok(v)
                    } else {
                        Err(r.error(field, format!("node index out of range (0..{node_count})")))
                    }
                })
        };
        let class = r.parse(
            "class",
            "road, rail, sea, caspian_ferry or inland_water",
            LinkClass::parse,
        )?;
        let bcp = match r.str("bcp") {
            "" => None,
            id => Some(
                *bcp_index
                    .get(&(id.to_owned(), class.layer()))
                    .ok_or_else(|| {
                        r.error(
                            "bcp",
                            format!("no {} row for this BCP in bcps.csv", class.layer()),
                        )
                    })?,
            ),
        };
        let mut geometry = Vec::new();
        for pair in r.str("geometry").split(';').filter(|s| !s.is_empty()) {
            let mut it = pair.split(' ').map(str::parse::<f64>);
            match (it.next(), it.next()) {
                (Some(Ok(lat)), Some(Ok(lon))) if lat.is_finite() && lon.is_finite() => {
                    geometry.push((lat, lon))
                }
                _ => return Err(r.error("geometry", "expected `lat lon;lat lon;...`")),
            }
        }
        let km = r.number("km", 0.0, 5000.0)?;
        of_record.push(LinkExtras {
            km_of_record: r.optional_number("km_of_record", 0.0, km)?.unwrap_or(0.0),
            climb_m_per_km: r.optional_number("climb_m_per_km", 0.0, 10_000.0)?,
        });
        out.push(Link {
            from: node("from")?,
            to: node("to")?,
            class,
            km,
            bcp,
            geometry,
        });
        Ok(())
    })?;
    Ok((out, of_record))
}

pub(crate) fn bcps(file: &str, input: Input) -> Result<Vec<Bcp>, DataError> {
    let t = Table::new(file, input)?;
    t.require(&[
        "id",
        "mode",
        "name",
        "name_a",
        "name_b",
        "country_a",
        "country_b",
        "lat",
        "lon",
        "status",
        "status_note",
        "gauge_change",
        "transloading",
        "wait_a_to_b_h",
        "wait_b_to_a_h",
        "fee_a_to_b_usd",
        "fee_b_to_a_usd",
        "wait_basis",
        "fee_basis",
        "wait_source",
        "fee_source",
        "status_source",
        "notes",
    ])?;
    let mut out: Vec<Bcp> = Vec::new();
    t.for_each(|r| {
        let id = r.str("id").to_owned();
        if id.is_empty()
            || !id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(r.error("id", "expected a lowercase slug (a-z, 0-9, -)"));
        }
        let mode = r.parse("mode", "road or rail", |s| {
            Layer::parse(s).filter(|l| *l != Layer::Sea)
        })?;
        if out.iter().any(|b| b.id == id && b.mode == mode) {
            return Err(r.error("id", format!("duplicate BCP {id} for mode {mode}")));
        }
        let country = |f: &str| r.parse(f, "an ISO 3166 alpha-2 code", Country::parse);
        let basis = |f: &str| r.parse(f, "measured, estimate or regional_default", Basis::parse);
        let source = |f: &str| -> Result<String, DataError> {
            match r.str(f) {
                "" => Err(r.error(f, "every figure needs a source")),
                s => Ok(s.to_owned()),
            }
        };
        let (country_a, country_b) = (country("country_a")?, country("country_b")?);
        let wait = [
            r.number("wait_a_to_b_h", 0.0, 2000.0)?,
            r.number("wait_b_to_a_h", 0.0, 2000.0)?,
        ];
        // "low-high" in hours; empty means the figure itself (no spread published).
        let range = |f: &str, v: f64| -> Result<(f64, f64), DataError> {
            let s = r.str(f);
            if s.is_empty() {
                return Ok((v, v));
            }
            let parsed = s
                .split_once('-')
                .and_then(|(a, b)| {
                    Some((a.trim().parse::<f64>().ok()?, b.trim().parse::<f64>().ok()?))
                })
                .filter(|(a, b)| a.is_finite() && b.is_finite() && *a <= v && v <= *b);
            parsed.ok_or_else(|| r.error(f, "expected `low-high` hours around the routed figure"))
        };
        if country_a == country_b {
            return Err(r.error(
                "country_b",
                "a border crossing joins two different countries",
            ));
        }
        out.push(Bcp {
            id,
            mode,
            name: r.str("name").to_owned(),
            name_a: r.str("name_a").to_owned(),
            name_b: r.str("name_b").to_owned(),
            country_a,
            country_b,
            lat: r.number("lat", -90.0, 90.0)?,
            lon: r.number("lon", -180.0, 180.0)?,
            status: r.parse("status", "open, restricted or closed", BcpStatus::parse)?,
            status_note: r.str("status_note").to_owned(),
            gauge_change: Some(r.str("gauge_change").to_owned()).filter(|s| !s.is_empty()),
            transloading: r.parse("transloading", "yes or no", |s| match s {
                "yes" => Some(true),
                "no" | "" => Some(false),
                _ => None,
            })?,
            wait_hours: [wait[0], wait[1]],
            wait_range: [
                range("wait_a_to_b_range_h", wait[0])?,
                range("wait_b_to_a_range_h", wait[1])?,
            ],
            wait_measured: [false; 2],
            wait_default_source: [None, None],
            wait_note: r.str("wait_note").to_owned(),
            fee_usd: [
                r.number("fee_a_to_b_usd", 0.0, 100_000.0)?,
                r.number("fee_b_to_a_usd", 0.0, 100_000.0)?,
            ],
            wait_basis: basis("wait_basis")?,
            fee_basis: basis("fee_basis")?,
            wait_source: source("wait_source")?,
            fee_source: source("fee_source")?,
            status_source: r.str("status_source").to_owned(),
            notes: r.str("notes").to_owned(),
            listed: true,
        });
        Ok(())
    })?;
    Ok(out)
}

/// `mode_params.csv` is long-format (mode, parameter, value, ...) so each figure keeps its
/// own source; this returns the rows keyed by (mode, parameter).
pub(crate) fn long_params(
    file: &str,
    input: Input,
) -> Result<HashMap<(String, String), Sourced>, DataError> {
    let t = Table::new(file, input)?;
    t.require(&["mode", "parameter", "value", "basis", "source"])?;
    let mut out = HashMap::new();
    t.for_each(|r| {
        if r.str("value").is_empty() {
            return Ok(()); // a documented gap: the row says why; required keys are checked later
        }
        let value = r.number("value", -1e12, 1e12)?;
        let basis = r.parse(
            "basis",
            "a basis (measured, published_default, derived, assumption...)",
            Basis::parse,
        )?;
        out.insert(
            (r.str("mode").to_owned(), r.str("parameter").to_owned()),
            Sourced {
                value,
                basis,
                source: r.str("source").to_owned(),
            },
        );
        Ok(())
    })?;
    Ok(out)
}

pub(crate) fn transfers(
    file: &str,
    input: Input,
) -> Result<HashMap<String, TransferParams>, DataError> {
    let t = Table::new(file, input)?;
    t.require(&[
        "kind",
        "hours",
        "hours_basis",
        "hours_source",
        "usd_per_t",
        "cost_basis",
        "cost_source",
    ])?;
    let mut out = HashMap::new();
    t.for_each(|r| {
        let sourced = |value: &str, basis: &str, source: &str| -> Result<Sourced, DataError> {
            Ok(Sourced {
                value: r.number(value, 0.0, 10_000.0)?,
                basis: r.parse(basis, "a basis", Basis::parse)?,
                source: match r.str(source) {
                    "" => {
                        return Err(
                            r.error(source, "every figure needs a source (or says it has none)")
                        )
                    }
                    s => s.to_owned(),
                },
            })
        };
        out.insert(
            r.str("kind").to_owned(),
            TransferParams {
                hours: sourced("hours", "hours_basis", "hours_source")?,
                usd_per_t: sourced("usd_per_t", "cost_basis", "cost_source")?,
            },
        );
        Ok(())
    })?;
    Ok(out)
}

/// Seaports (kind ocean | black_sea | caspian) and road-rail terminals; empty handling
/// figures fall back to the kind's regional default, marked as such.
pub(crate) fn terminals(
    file: &str,
    input: Input,
    id_field: &str,
    params: &Params,
) -> Result<Vec<Terminal>, DataError> {
    let t = Table::new(file, input)?;
    t.require(&[
        id_field,
        "name",
        "country",
        "lat",
        "lon",
        "kind",
        "handling_hours",
        "handling_usd_per_t",
        "basis",
        "source",
    ])?;
    let mut out = Vec::new();
    t.for_each(|r| {
        let kind = r.parse(
            "kind",
            "ocean, black_sea, caspian, dry_port, rail_terminal or logistics_hub",
            |s| match s {
                "ocean" | "black_sea" => Some(TerminalKind::Seaport),
                "caspian" => Some(TerminalKind::CaspianPort),
                "dry_port" | "rail_terminal" | "logistics_hub" => Some(TerminalKind::RoadRail),
                _ => None,
            },
        )?;
        let default = params.transfer(kind);
        let figure = |field: &str, fallback: &Sourced| -> Result<Sourced, DataError> {
            Ok(match r.optional_number(field, 0.0, 10_000.0)? {
                Some(value) if r.str("basis") != "regional_default" => Sourced {
                    value,
                    basis: r.parse("basis", "a basis", Basis::parse)?,
                    source: r.str("source").to_owned(),
                },
                _ => Sourced {
                    basis: Basis::RegionalDefault,
                    ..fallback.clone()
                },
            })
        };
        out.push(Terminal {
            id: r.str(id_field).to_owned(),
            name: r.str("name").to_owned(),
            country: r.parse("country", "an ISO 3166 alpha-2 code", Country::parse)?,
            lat: r.number("lat", -90.0, 90.0)?,
            lon: r.number("lon", -180.0, 180.0)?,
            kind,
            handling_hours: figure("handling_hours", &default.hours)?,
            handling_usd_per_t: figure("handling_usd_per_t", &default.usd_per_t)?,
        });
        Ok(())
    })?;
    Ok(out)
}

pub(crate) fn gauges(file: &str, input: Input) -> Result<Vec<Gauge>, DataError> {
    let t = Table::new(file, input)?;
    t.require(&["country", "gauge_mm", "note", "source"])?;
    let mut out = Vec::new();
    t.for_each(|r| {
        if r.str("gauge_mm").is_empty() {
            return Ok(()); // a country without a railway
        }
        out.push(Gauge {
            country: r.parse("country", "an ISO 3166 alpha-2 code", Country::parse)?,
            mm: r.parse("gauge_mm", "a gauge in mm", |s| s.parse().ok())?,
            note: r.str("note").to_owned(),
            source: r.str("source").to_owned(),
        });
        Ok(())
    })?;
    Ok(out)
}

pub(crate) fn places(file: &str, input: Input) -> Result<Vec<Place>, DataError> {
    let t = Table::new(file, input)?;
    t.require(&[
        "id",
        "name",
        "aliases",
        "country",
        "lat",
        "lon",
        "kind",
        "population",
        "source",
    ])?;
    let mut out = Vec::new();
    t.for_each(|r| {
        out.push(Place {
            id: match r.str("id") {
                "" => return Err(r.error("id", "every place needs an id")),
                s => s.to_owned(),
            },
            name: r.str("name").to_owned(),
            aliases: r
                .str("aliases")
                .split('|')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            country: r.parse("country", "an ISO 3166 alpha-2 code", Country::parse)?,
            lat: r.number("lat", -90.0, 90.0)?,
            lon: r.number("lon", -180.0, 180.0)?,
            kind: r.parse(
                "kind",
                "city, seaport, terminal, border_crossing or locality",
                PlaceKind::parse,
            )?,
            population: r.optional_number("population", 0.0, 1e9)?.map(|p| p as u64),
            source: r.str("source").to_owned(),
        });
        Ok(())
    })?;
    Ok(out)
}

/// Assembles `Params` from the long mode table and the transfer table; every key is required.
pub(crate) fn params(
    mode_file: &str,
    modes: &HashMap<(String, String), Sourced>,
    transfer_file: &str,
    transfers: &HashMap<String, TransferParams>,
) -> Result<Params, DataError> {
    let get = |mode: &str, key: &str| -> Result<Sourced, DataError> {
        modes
            .get(&(mode.to_owned(), key.to_owned()))
            .cloned()
            .ok_or_else(|| DataError::MissingParameter {
                file: mode_file.to_owned(),
                key: format!("{mode}.{key}"),
            })
    };
    let class = |c: LinkClass| -> Result<ClassParams, DataError> {
        let m = c.as_str();
        Ok(ClassParams {
            speed_kmh: get(m, "speed_kmh")?,
            cost_usd_per_tkm: get(m, "cost_usd_per_tkm")?,
            co2e_g_per_tkm: get(m, "co2e_g_per_tkm")?,
            payload_t: get(m, "payload_t")?,
        })
    };
    let transfer = |kind: &str| -> Result<TransferParams, DataError> {
        transfers
            .get(kind)
            .cloned()
            .ok_or_else(|| DataError::MissingParameter {
                file: transfer_file.to_owned(),
                key: kind.to_owned(),
            })
    };
    Ok(Params {
        classes: [
            class(LinkClass::Road)?,
            class(LinkClass::Rail)?,
            class(LinkClass::Sea)?,
            class(LinkClass::CaspianFerry)?,
            class(LinkClass::InlandWater)?,
        ],
        gauge_change: transfer("gauge_change")?,
        seaport: transfer("seaport")?,
        caspian_port: transfer("caspian_port")?,
        road_rail_terminal: transfer("road_rail_terminal")?,
        vot_day_share: get("all", "vot_day_share_default")?,
        carbon_price_usd_per_t: get("all", "carbon_price_usd_per_tco2e")?,
    })
}

/// Crossings the network build found in the graph but the curated table does not list; they
/// get the regional default wait and fee of their mode (`bcp_hours`, `bcp_cost_usd`).
pub(crate) fn unlisted_bcps(
    file: &str,
    input: Input,
    modes: &HashMap<(String, String), Sourced>,
) -> Result<Vec<Bcp>, DataError> {
    let t = Table::new(file, input)?;
    t.require(&["id", "mode", "country_a", "country_b", "lat", "lon"])?;
    let mut out = Vec::new();
    t.for_each(|r| {
        let mode = r.parse("mode", "road or rail", |s| Layer::parse(s).filter(|l| *l != Layer::Sea))?;
        let default = |key: &str| {
            modes
                .get(&(mode.as_str().to_owned(), key.to_owned()))
                .cloned()
                .ok_or_else(|| DataError::MissingParameter {
                    file: "curated/mode_params.csv".into(),
                    key: format!("{mode}.{key}"),
                })
        };
        let (wait, fee) = (default("bcp_hours")?, default("bcp_cost_usd")?);
        let country_a = r.parse("country_a", "an ISO 3166 alpha-2 code", Country::parse)?;
        let country_b = r.parse("country_b", "an ISO 3166 alpha-2 code", Country::parse)?;
        let name = format!("Unlisted {mode} crossing {country_a}-{country_b}");
        out.push(Bcp {
            id: r.str("id").to_owned(),
            mode,
            name_a: name.clone(),
            name_b: name.clone(),
            name,
            country_a,
            country_b,
            lat: r.number("lat", -90.0, 90.0)?,
            lon: r.number("lon", -180.0, 180.0)?,
            status: BcpStatus::Open,
            status_note: "not in the curated table; open while a listed crossing of this pair and mode is open".into(),
            gauge_change: None,
            transloading: false,
            wait_hours: [wait.value; 2],
            wait_range: [(wait.value, wait.value); 2],
            wait_measured: [false; 2],
            wait_default_source: [None, None],
            wait_note: String::new(),
            fee_usd: [fee.value; 2],
            wait_basis: Basis::RegionalDefault,
            fee_basis: Basis::RegionalDefault,
            wait_source: wait.source,
            fee_source: fee.source,
            status_source: String::new(),
            notes: "found where the OpenStreetMap-derived graph crosses a Natural Earth border line; unverified".into(),
            listed: false,
        });
        Ok(())
    })?;
    Ok(out)
}
