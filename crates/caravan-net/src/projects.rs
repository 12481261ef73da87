//! Planned infrastructure: lines, crossings and terminals that do not exist yet. Each project
//! is appended to the network as *dormant* nodes, links, crossings and terminals, after every
//! existing element (so the indices of the existing network never move). A search leaves them
//! alone unless the request's scenario switches the project on; that is a change of metric,
//! not of graph, so the compiled network and its hierarchy serve every scenario.
//!
//! The shipped library is `curated/projects.toml`; a scenario file may bring its own project
//! in the same format (the CLI appends it before it builds the router).
//!
//! No field skips serialization: projects are stored in the compiled network's postcard
//! encoding, which has no field names to tell a skipped field from the next one.

use serde::{Deserialize, Serialize};

use crate::geo::haversine_km;
use crate::model::{Basis, Bcp, BcpStatus, Country, Layer, Link, LinkClass, Node, Sourced};
use crate::model::{Terminal, TerminalKind};
use crate::{waits, DataError, Network};

/// How far a `join` point may be from the existing node it joins.
pub const JOIN_KM: f64 = 15.0;
/// A link without a published length is its chord times this (as the build's synthesized
/// rail links; `tools/build_network.py`, `SYNTH_DETOUR`).
pub const CHORD_DETOUR: f64 = 1.2;

/// One planned project: where it runs and what it is, with its sources.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Project {
    /// Slug users type (`trans-afghan-railway`).
    pub id: String,
    pub name: String,
    /// planned, under_construction, partly_open or proposed.
    #[serde(default)]
    pub status: String,
    /// Expected opening year, as published.
    #[serde(default)]
    pub opening_year: Option<u16>,
    #[serde(default)]
    pub summary: String,
    /// Where every figure of the project comes from (title, address, date).
    #[serde(default)]
    pub sources: Vec<String>,
    /// What is modelled how, and what is left out.
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub points: Vec<ProjectPoint>,
    #[serde(default)]
    pub links: Vec<ProjectLink>,
    #[serde(default)]
    pub crossings: Vec<ProjectCrossing>,
    #[serde(default)]
    pub terminals: Vec<ProjectTerminal>,
}

/// A station or junction of a planned line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectPoint {
    pub id: String,
    pub name: String,
    /// ISO 3166 alpha-2.
    pub country: String,
    pub lat: f64,
    pub lon: f64,
    /// Joins the existing network here: the point is the nearest existing node of the link's
    /// layer in its country (within `JOIN_KM`), not a new node.
    #[serde(default)]
    pub join: bool,
}

/// A planned line-haul link between two points.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectLink {
    /// road or rail.
    pub mode: String,
    pub from: String,
    pub to: String,
    /// Published length; without it the chord times `CHORD_DETOUR`.
    #[serde(default)]
    pub km: Option<f64>,
    /// Design or expected commercial speed; without it the mode's.
    #[serde(default)]
    pub speed_kmh: Option<f64>,
    /// Tariff; without it the mode's.
    #[serde(default)]
    pub cost_usd_per_tkm: Option<f64>,
    /// Track gauge in mm (rail), for the report: the router takes each country's gauge.
    #[serde(default)]
    pub gauge_mm: Option<u16>,
    /// The crossing this link passes (a crossing of this project, or an existing BCP id),
    /// required when its ends are in two countries.
    #[serde(default)]
    pub crossing: Option<String>,
    /// Intermediate (lat, lon) points, for the map.
    #[serde(default)]
    pub via: Vec<[f64; 2]>,
    /// Where the length, speed or tariff comes from.
    #[serde(default)]
    pub source: String,
}

/// A planned border crossing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectCrossing {
    pub id: String,
    /// road or rail.
    pub mode: String,
    pub name: String,
    pub country_a: String,
    pub country_b: String,
    pub lat: f64,
    pub lon: f64,
    /// Clearance hours a->b and b->a; without them the median of the measured crossings of
    /// the mode leaving the same country (as for unmeasured crossings).
    #[serde(default)]
    pub wait_hours: Option<[f64; 2]>,
    /// USD per vehicle a->b and b->a; without them the median of the listed crossings' fees
    /// of the mode.
    #[serde(default)]
    pub fee_usd: Option<[f64; 2]>,
    #[serde(default)]
    pub source: String,
}

/// A planned terminal (dry port, transshipment yard).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectTerminal {
    pub id: String,
    pub name: String,
    pub country: String,
    /// road_rail (a dry port or rail yard; the default) or seaport (ship, rail and road).
    #[serde(default)]
    pub kind: Option<String>,
    pub lat: f64,
    pub lon: f64,
    /// Without them, the network's defaults for the kind.
    #[serde(default)]
    pub handling_hours: Option<f64>,
    #[serde(default)]
    pub handling_usd_per_t: Option<f64>,
    #[serde(default)]
    pub source: String,
}

/// Where a project's elements sit in the network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProjectSpan {
    pub project: Project,
    /// Node and link index ranges `[start, end)`: they are appended together.
    pub nodes: [u32; 2],
    pub links: [u32; 2],
    pub bcps: Vec<u32>,
    pub terminals: Vec<u32>,
    /// Per link of `links`: hours, USD per tonne and g CO2e per tonne-km overrides, where the
    /// project gives a speed or tariff of its own (`None`: the mode's).
    pub link_speed_kmh: Vec<Option<f64>>,
    pub link_usd_per_tkm: Vec<Option<f64>>,
}

/// The library file: `[[project]]` tables.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LibraryFile {
    #[serde(default)]
    project: Vec<Project>,
}

/// Parses a project library (`curated/projects.toml`); errors name the line and field.
pub fn parse_library(file: &str, text: &str) -> Result<Vec<Project>, DataError> {
    let lib: LibraryFile = toml::from_str(text).map_err(|e| toml_error(file, text, &e))?;
    let mut seen = std::collections::HashSet::new();
    for p in &lib.project {
        if !seen.insert(p.id.as_str()) {
            return Err(DataError::Invalid(vec![format!(
                "{file}: project `{}` is defined twice",
                p.id
            )]));
        }
    }
    Ok(lib.project)
}

/// A TOML error as a `DataError` with the line it is on.
pub fn toml_error(file: &str, text: &str, e: &toml::de::Error) -> DataError {
    let line = e
        .span()
        .map(|s| text[..s.start.min(text.len())].matches('\n').count() as u64 + 1)
        .unwrap_or(0);
    DataError::Csv {
        file: file.to_owned(),
        line,
        message: e.message().to_owned(),
    }
}

fn invalid(project: &str, m: String) -> DataError {
    DataError::Invalid(vec![format!("project `{project}`: {m}")])
}

fn country(project: &str, s: &str) -> Result<Country, DataError> {
    Country::parse(s).ok_or_else(|| {
        invalid(
            project,
            format!("`{s}` is not an ISO 3166 alpha-2 country code"),
        )
    })
}

fn mode(project: &str, s: &str) -> Result<Layer, DataError> {
    match Layer::parse(s) {
        Some(l @ (Layer::Road | Layer::Rail)) => Ok(l),
        _ => Err(invalid(project, format!("mode `{s}` is not road or rail"))),
    }
}

fn check_coord(project: &str, what: &str, lat: f64, lon: f64) -> Result<(), DataError> {
    if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) {
        Ok(())
    } else {
        Err(invalid(
            project,
            format!("{what} has no valid coordinate ({lat}, {lon})"),
        ))
    }
}

impl Network {
    /// The first node and link of the planned projects: everything before is the existing
    /// network.
    pub fn base_counts(&self) -> (u32, u32) {
        match self.projects.first() {
            Some(s) => (s.nodes[0], s.links[0]),
            None => (self.nodes.len() as u32, self.links.len() as u32),
        }
    }

    /// The crossings that exist (planned crossings are appended after them).
    pub fn existing_bcps(&self) -> &[Bcp] {
        let first = self.projects.iter().flat_map(|s| s.bcps.iter()).min();
        &self.bcps[..first.map_or(self.bcps.len(), |&i| i as usize)]
    }

    /// The terminals that exist (planned terminals are appended after them).
    pub fn existing_terminals(&self) -> &[Terminal] {
        let first = self.projects.iter().flat_map(|s| s.terminals.iter()).min();
        &self.terminals[..first.map_or(self.terminals.len(), |&i| i as usize)]
    }

    /// The project a node or link belongs to, if it is planned.
    pub fn project_of_node(&self, node: u32) -> Option<usize> {
        self.projects
            .iter()
            .position(|s| (s.nodes[0]..s.nodes[1]).contains(&node))
    }

    pub fn project_of_link(&self, link: u32) -> Option<usize> {
        self.projects
            .iter()
            .position(|s| (s.links[0]..s.links[1]).contains(&link))
    }

    pub fn project_index(&self, id: &str) -> Option<usize> {
        let id = id.trim().to_ascii_lowercase();
        self.projects.iter().position(|s| s.project.id == id)
    }

    /// Appends a project's elements as dormant parts of the network, checking every
    /// reference: unknown points or crossings, links across a border without a crossing,
    /// `join` points with no existing node near.
    pub fn add_project(&mut self, p: Project) -> Result<(), DataError> {
        // A refused project leaves nothing behind (crossings are appended before its links
        // are checked).
        let (bcps, terminals) = (self.bcps.len(), self.terminals.len());
        let out = self.append_project(p);
        if out.is_err() {
            self.bcps.truncate(bcps);
            self.terminals.truncate(terminals);
        }
        out
    }

    fn append_project(&mut self, p: Project) -> Result<(), DataError> {
        let pid = p.id.clone();
        if pid.is_empty()
            || !pid
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(invalid(
                &pid,
                "an id is lowercase letters, digits and hyphens".into(),
            ));
        }
        if self.project_index(&pid).is_some() {
            return Err(invalid(&pid, "is defined twice".into()));
        }
        let (base_nodes, base_links) = self.base_counts();
        let node_start = self.nodes.len() as u32;
        let link_start = self.links.len() as u32;

        // Crossings first: links refer to them.
        let mut bcps = Vec::new();
        for c in &p.crossings {
            let m = mode(&pid, &c.mode)?;
            let (a, b) = (country(&pid, &c.country_a)?, country(&pid, &c.country_b)?);
            check_coord(&pid, &format!("crossing `{}`", c.id), c.lat, c.lon)?;
            if self.bcps.iter().any(|x| x.id == c.id && x.mode == m) {
                return Err(invalid(
                    &pid,
                    format!("crossing `{}:{m}` already exists", c.id),
                ));
            }
            let (wait, wait_range, wait_default_source, wait_basis, wait_source) = match c
                .wait_hours
            {
                Some(w) => {
                    if !w.iter().all(|h| h.is_finite() && *h >= 0.0) {
                        return Err(invalid(
                            &pid,
                            format!("crossing `{}`: waits must be non-negative", c.id),
                        ));
                    }
                    let range = w.map(|h| (h, h));
                    (w, range, [None, None], Basis::Estimate, c.source.clone())
                }
                // The rule of every unmeasured direction (`waits`).
                None => {
                    let measured = waits::measured_directions(&self.bcps, |x, d| {
                        x.listed && x.wait_measured[d]
                    });
                    let [Some(ab), Some(ba)] = [(a, b), (b, a)]
                        .map(|(from, to)| waits::comparable_wait(&measured, m, from, to))
                    else {
                        return Err(invalid(
                                &pid,
                                format!(
                                    "crossing `{}`: no measured {m} crossing to take a wait from; give wait_hours",
                                    c.id
                                ),
                            ));
                    };
                    (
                        [ab.0, ba.0],
                        [ab.1, ba.1],
                        [Some(ab.2), Some(ba.2)],
                        Basis::RegionalDefault,
                        "no published figure for a planned crossing".to_owned(),
                    )
                }
            };
            let (fee, fee_basis, fee_source) = match c.fee_usd {
                Some(f) => {
                    if !f.iter().all(|x| x.is_finite() && *x >= 0.0) {
                        return Err(invalid(
                            &pid,
                            format!("crossing `{}`: fees must be non-negative", c.id),
                        ));
                    }
                    (f, Basis::Estimate, c.source.clone())
                }
                None => {
                    let fees: Vec<f64> = self
                        .bcps
                        .iter()
                        .filter(|x| {
                            x.listed && x.mode == m && x.fee_basis != Basis::RegionalDefault
                        })
                        .flat_map(|x| x.fee_usd)
                        .collect();
                    let n = fees.len();
                    let f = if fees.is_empty() {
                        0.0
                    } else {
                        waits::median(fees)
                    };
                    (
                        [f, f],
                        Basis::Derived,
                        format!("no published fee for a planned crossing: the median of {n} listed {m} crossing fees"),
                    )
                }
            };
            bcps.push(self.bcps.len() as u32);
            self.bcps.push(Bcp {
                id: c.id.clone(),
                mode: m,
                name: c.name.clone(),
                name_a: c.name.clone(),
                name_b: c.name.clone(),
                country_a: a,
                country_b: b,
                lat: c.lat,
                lon: c.lon,
                status: BcpStatus::Open,
                status_note: format!(
                    "planned: part of project `{pid}`, used only in scenarios that switch it on"
                ),
                gauge_change: None,
                transloading: false,
                wait_hours: wait,
                wait_range,
                wait_measured: [false; 2],
                wait_default_source,
                wait_note: String::new(),
                fee_usd: fee,
                wait_basis,
                fee_basis,
                wait_source,
                fee_source,
                status_source: p.sources.first().cloned().unwrap_or_default(),
                notes: format!("planned crossing of project `{pid}`"),
                listed: true,
            });
        }

        // Points: one node per (point, layer) used by a link.
        let mut nodes_of: Vec<((usize, Layer), u32)> = Vec::new();
        let mut new_nodes: Vec<Node> = Vec::new();
        let mut links = Vec::new();
        let mut speeds = Vec::new();
        let mut tariffs = Vec::new();
        for (li, l) in p.links.iter().enumerate() {
            let layer = mode(&pid, &l.mode)?;
            let class = if layer == Layer::Rail {
                LinkClass::Rail
            } else {
                LinkClass::Road
            };
            let mut ends = [0u32; 2];
            let mut end_country = [Country::NONE; 2];
            for (k, pt_id) in [&l.from, &l.to].into_iter().enumerate() {
                let pi = p
                    .points
                    .iter()
                    .position(|x| &x.id == pt_id)
                    .ok_or_else(|| invalid(&pid, format!("link {}: no point `{pt_id}`", li + 1)))?;
                let pt = &p.points[pi];
                let cc = country(&pid, &pt.country)?;
                check_coord(&pid, &format!("point `{}`", pt.id), pt.lat, pt.lon)?;
                end_country[k] = cc;
                if let Some((_, n)) = nodes_of.iter().find(|(key, _)| *key == (pi, layer)) {
                    ends[k] = *n;
                    continue;
                }
                let n = if pt.join {
                    self.nearest_base_node(layer, cc, pt.lat, pt.lon, base_nodes)
                        .ok_or_else(|| {
                            invalid(
                                &pid,
                                format!(
                                    "point `{}` joins the {layer} network, but {cc} has no {layer} node within {JOIN_KM} km of it",
                                    pt.id
                                ),
                            )
                        })?
                } else {
                    new_nodes.push(Node {
                        lat: pt.lat,
                        lon: pt.lon,
                        layer,
                        country: cc,
                    });
                    node_start + new_nodes.len() as u32 - 1
                };
                nodes_of.push(((pi, layer), n));
                ends[k] = n;
            }
            if ends[0] == ends[1] {
                return Err(invalid(
                    &pid,
                    format!(
                        "link {} ({} - {}) joins a node to itself",
                        li + 1,
                        l.from,
                        l.to
                    ),
                ));
            }
            let bcp = match &l.crossing {
                None if end_country[0] != end_country[1] => {
                    return Err(invalid(
                        &pid,
                        format!(
                            "link {} ({} - {}) crosses {}-{} without a crossing",
                            li + 1,
                            l.from,
                            l.to,
                            end_country[0],
                            end_country[1]
                        ),
                    ))
                }
                None => None,
                Some(cid) => {
                    let found = self
                        .bcps
                        .iter()
                        .position(|b| &b.id == cid && b.mode == layer)
                        .ok_or_else(|| {
                            invalid(
                                &pid,
                                format!("link {}: no {layer} crossing `{cid}`", li + 1),
                            )
                        })?;
                    let b = &self.bcps[found];
                    let pair = [end_country[0], end_country[1]];
                    if !(pair.contains(&b.country_a) && pair.contains(&b.country_b)) {
                        return Err(invalid(
                            &pid,
                            format!(
                                "link {}: crossing `{cid}` is on the {}-{} border, the link joins {}-{}",
                                li + 1,
                                b.country_a,
                                b.country_b,
                                pair[0],
                                pair[1]
                            ),
                        ));
                    }
                    Some(found as u32)
                }
            };
            let coord = |n: u32| {
                let node = if n >= node_start {
                    &new_nodes[(n - node_start) as usize]
                } else {
                    &self.nodes[n as usize]
                };
                (node.lat, node.lon)
            };
            let (a, b) = (coord(ends[0]), coord(ends[1]));
            let mut chord = 0.0;
            let mut prev = a;
            for v in l.via.iter().map(|v| (v[0], v[1])).chain([b]) {
                chord += haversine_km(prev.0, prev.1, v.0, v.1);
                prev = v;
            }
            // A link is never shorter than its chord (the router's A* bound relies on it): a
            // published length a little under it (the points are approximate) is raised to it.
            let km = match l.km {
                Some(km) if km.is_finite() && km >= chord * 0.9 => km.max(chord),
                Some(km) if km.is_finite() && km > 0.0 => {
                    return Err(invalid(
                        &pid,
                        format!(
                            "link {} ({} - {}): length {km} km is shorter than the straight line between its points ({chord:.0} km)",
                            li + 1,
                            l.from,
                            l.to
                        ),
                    ))
                }
                Some(km) => {
                    return Err(invalid(
                        &pid,
                        format!("link {}: length {km} is not a positive number", li + 1),
                    ))
                }
                None => (chord * CHORD_DETOUR).max(0.1),
            };
            for (what, v) in [
                ("speed_kmh", l.speed_kmh),
                ("cost_usd_per_tkm", l.cost_usd_per_tkm),
            ] {
                if let Some(v) = v {
                    if !(v.is_finite() && v > 0.0) {
                        return Err(invalid(
                            &pid,
                            format!("link {}: {what} must be positive, got {v}", li + 1),
                        ));
                    }
                }
            }
            speeds.push(l.speed_kmh);
            tariffs.push(l.cost_usd_per_tkm);
            links.push(Link {
                from: ends[0],
                to: ends[1],
                class,
                km,
                bcp,
                geometry: l.via.iter().map(|v| (v[0], v[1])).collect(),
            });
        }

        let mut terminals = Vec::new();
        for t in &p.terminals {
            check_coord(&pid, &format!("terminal `{}`", t.id), t.lat, t.lon)?;
            let kind = match t.kind.as_deref().unwrap_or("road_rail") {
                "road_rail" => TerminalKind::RoadRail,
                "seaport" => TerminalKind::Seaport,
                other => {
                    return Err(invalid(
                        &pid,
                        format!(
                            "terminal `{}`: kind `{other}` is not road_rail or seaport",
                            t.id
                        ),
                    ))
                }
            };
            if self.terminals.iter().any(|x| x.id == t.id) {
                return Err(invalid(&pid, format!("terminal `{}` already exists", t.id)));
            }
            let d = self.params.transfer(kind).clone();
            let fig = |v: Option<f64>, default: &Sourced| -> Result<Sourced, DataError> {
                match v {
                    Some(x) if x.is_finite() && x >= 0.0 => Ok(Sourced {
                        value: x,
                        basis: Basis::Estimate,
                        source: t.source.clone(),
                    }),
                    Some(x) => Err(invalid(
                        &pid,
                        format!("terminal `{}`: handling {x} must be non-negative", t.id),
                    )),
                    None => Ok(Sourced {
                        basis: Basis::RegionalDefault,
                        ..default.clone()
                    }),
                }
            };
            terminals.push(self.terminals.len() as u32);
            self.terminals.push(Terminal {
                id: t.id.clone(),
                name: t.name.clone(),
                country: country(&pid, &t.country)?,
                lat: t.lat,
                lon: t.lon,
                kind,
                handling_hours: fig(t.handling_hours, &d.hours)?,
                handling_usd_per_t: fig(t.handling_usd_per_t, &d.usd_per_t)?,
            });
        }

        let _ = base_links;
        self.nodes.extend(new_nodes);
        self.links.extend(links);
        self.projects.push(ProjectSpan {
            project: p,
            nodes: [node_start, self.nodes.len() as u32],
            links: [link_start, self.links.len() as u32],
            bcps,
            terminals,
            link_speed_kmh: speeds,
            link_usd_per_tkm: tariffs,
        });
        Ok(())
    }

    /// The nearest existing node of a layer in a country within `JOIN_KM` (a linear scan:
    /// projects are few and small).
    fn nearest_base_node(
        &self,
        layer: Layer,
        cc: Country,
        lat: f64,
        lon: f64,
        base_nodes: u32,
    ) -> Option<u32> {
        self.nodes[..base_nodes as usize]
            .iter()
            .enumerate()
            .filter(|(_, n)| n.layer == layer && n.country == cc)
            .filter(|(_, n)| (n.lat - lat).abs() < 0.5 && (n.lon - lon).abs() < 0.7)
            .map(|(i, n)| (i as u32, haversine_km(lat, lon, n.lat, n.lon)))
            .filter(|(_, km)| *km <= JOIN_KM)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    }
}
