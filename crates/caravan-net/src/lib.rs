//! Caravan's network model: the physical layers (road, rail, sea), border crossing points,
//! terminals, places and the cost parameters, loaded from the project's data files and
//! validated. Knows nothing of routing state, terminals or HTTP.

pub mod circuity;
mod error;
pub mod facts;
pub mod geo;
mod load;
mod model;
pub mod packed;
pub mod places;
pub mod projects;
pub mod table;
mod waits;

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

pub use error::DataError;

pub use model::*;
pub use places::{PlaceIndex, PlaceMatch};
pub use projects::{Project, ProjectSpan};

/// The whole network as loaded from a data directory.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Network {
    #[serde(with = "packed")]
    pub nodes: Vec<Node>,
    #[serde(with = "packed")]
    pub links: Vec<Link>,
    pub bcps: Vec<Bcp>,
    pub terminals: Vec<Terminal>,
    pub places: Vec<Place>,
    pub gauges: Vec<Gauge>,
    pub params: Params,
    /// Planned projects, appended after the existing network as dormant elements.
    #[serde(default)]
    pub projects: Vec<ProjectSpan>,
}

/// The files of a data directory, relative to its root.
pub mod files {
    pub const NODES: &str = "network/nodes.csv.gz";
    pub const EDGES: &str = "network/edges.csv.gz";
    pub const PLACES: &str = "network/places.csv.gz";
    pub const BCPS: &str = "curated/bcps.csv";
    pub const UNLISTED_BCPS: &str = "network/bcps_unlisted.csv";
    pub const MODE_PARAMS: &str = "curated/mode_params.csv";
    pub const TRANSFERS: &str = "curated/transfers.csv";
    pub const SEAPORTS: &str = "curated/seaports.csv";
    pub const TERMINALS: &str = "curated/terminals.csv";
    pub const GAUGES: &str = "curated/rail_gauges.csv";
    pub const FACTS: &str = "validation/facts.csv";
    /// The library of planned projects (dormant links, crossings and terminals).
    pub const PROJECTS: &str = "curated/projects.toml";

    /// Every file `Network::load_dir` reads: what a compiled network depends on.
    pub const NETWORK_INPUTS: [&str; 11] = [
        NODES,
        EDGES,
        PLACES,
        BCPS,
        UNLISTED_BCPS,
        MODE_PARAMS,
        TRANSFERS,
        SEAPORTS,
        TERMINALS,
        GAUGES,
        PROJECTS,
    ];
}

/// A checksum of the network's input files (names, sizes and CRC-32 of their bytes as
/// stored), so a compiled network can tell that the data it was built from has changed
/// without parsing it.
pub fn inputs_checksum(dir: &Path) -> Result<u64, DataError> {
    use std::hash::Hasher;
    let mut h = Fnv64::default();
    // One buffer for every file: reading whole files would allocate megabytes per start.
    let mut buf = vec![0u8; 1 << 16];
    for rel in files::NETWORK_INPUTS {
        let path = dir.join(rel);
        let io = |source| DataError::Io {
            path: path.clone(),
            source,
        };
        let mut file = File::open(&path).map_err(io)?;
        let mut crc = crc32fast::Hasher::new();
        let mut len = 0u64;
        loop {
            let n = file.read(&mut buf).map_err(io)?;
            if n == 0 {
                break;
            }
            crc.update(&buf[..n]);
            len += n as u64;
        }
        h.write(rel.as_bytes());
        h.write_u64(len);
        h.write_u32(crc.finalize());
    }
    Ok(h.finish())
}

/// FNV-1a 64: stable across builds and platforms, unlike the standard library's hasher.
pub struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv64 {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= *b as u64;
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// Opens a data file of `dir` for reading, decompressing `.gz` files.
pub fn open_data_file(dir: &Path, rel: &str) -> Result<Box<dyn Read>, DataError> {
    open(dir, rel)
}

/// Loads only the place table (for faces that resolve names without routing).
pub fn load_places(dir: &Path) -> Result<Vec<Place>, DataError> {
    load::places(files::PLACES, open(dir, files::PLACES)?)
}

fn open(dir: &Path, rel: &str) -> Result<Box<dyn Read>, DataError> {
    let path: PathBuf = dir.join(rel);
    let f = File::open(&path).map_err(|source| DataError::Io { path, source })?;
    let r = BufReader::with_capacity(1 << 16, f);
    Ok(if rel.ends_with(".gz") {
        Box::new(flate2::read::GzDecoder::new(r))
    } else {
        Box::new(r)
    })
}

impl Network {
    /// Loads and validates the network of a data directory (see `files`).
    pub fn load_dir(dir: &Path) -> Result<Network, DataError> {
        let o = |rel: &str| open(dir, rel);
        let modes = load::long_params(files::MODE_PARAMS, o(files::MODE_PARAMS)?)?;
        let transfers = load::transfers(files::TRANSFERS, o(files::TRANSFERS)?)?;
        let params = load::params(files::MODE_PARAMS, &modes, files::TRANSFERS, &transfers)?;
        let mut bcps = load::bcps(files::BCPS, o(files::BCPS)?)?;
        bcps.extend(load::unlisted_bcps(
            files::UNLISTED_BCPS,
            o(files::UNLISTED_BCPS)?,
            &modes,
        )?);
        let regional = |mode: Layer| {
            modes
                .get(&(mode.as_str().to_owned(), "bcp_hours".to_owned()))
                .map_or(f64::NAN, |s| s.value)
        };
        waits::apply_wait_defaults(&mut bcps, regional);
        let nodes = load::nodes(files::NODES, o(files::NODES)?)?;
        let bcp_index: HashMap<(String, Layer), u32> = bcps
            .iter()
            .enumerate()
            .map(|(i, b)| ((b.id.clone(), b.mode), i as u32))
            .collect();
        let (mut links, extras) =
            load::links(files::EDGES, o(files::EDGES)?, nodes.len(), &bcp_index)?;
        // The road graph's straight chords undercount winding roads, mountain roads most; the
        // model is fitted on the calibration facts only (mode_params.csv says how). The km of
        // a road link that are a published length (network patches, `km_of_record`) are not
        // scaled again.
        let circuity = circuity::RoadCircuity::from_params(files::MODE_PARAMS, &modes)?;
        for (l, x) in links.iter_mut().zip(extras) {
            if l.class == LinkClass::Road {
                let rec = x.km_of_record;
                let segment_km = l.km / (l.geometry.len() + 1) as f64;
                l.km = (l.km - rec) * circuity.factor(x.climb_m_per_km, segment_km) + rec;
            }
        }
        let mut terminals =
            load::terminals(files::SEAPORTS, o(files::SEAPORTS)?, "locode", &params)?;
        terminals.extend(load::terminals(
            files::TERMINALS,
            o(files::TERMINALS)?,
            "id",
            &params,
        )?);
        let gauges = load::gauges(files::GAUGES, o(files::GAUGES)?)?;
        let places = load::places(files::PLACES, o(files::PLACES)?)?;
        let net = Network {
            nodes,
            links,
            bcps,
            terminals,
            places,
            gauges,
            params,
            projects: Vec::new(),
        };
        let mut net = net;
        let mut text = String::new();
        o(files::PROJECTS)?
            .read_to_string(&mut text)
            .map_err(|source| DataError::Io {
                path: dir.join(files::PROJECTS),
                source,
            })?;
        for p in projects::parse_library(files::PROJECTS, &text)? {
            net.add_project(p).map_err(|e| match e {
                DataError::Invalid(v) => DataError::Invalid(
                    v.into_iter()
                        .map(|m| format!("{}: {m}", files::PROJECTS))
                        .collect(),
                ),
                other => other,
            })?;
        }
        let off = net.validate()?;
        for i in off {
            tracing::debug!(bcp = %net.bcps[i as usize].key(), "border crossing is not on the network");
        }
        Ok(net)
    }

    /// Structural checks that must hold for any network Caravan ships. Returns the BCPs that
    /// are not on the network (the build report says why), which is not an error.
    pub fn validate(&self) -> Result<Vec<u32>, DataError> {
        let mut problems = Vec::new();
        let mut bcp_links = vec![0usize; self.bcps.len()];
        for (i, l) in self.links.iter().enumerate() {
            let (a, b) = (&self.nodes[l.from as usize], &self.nodes[l.to as usize]);
            if a.layer != l.class.layer() || b.layer != l.class.layer() {
                problems.push(format!(
                    "link {i} joins nodes of another layer than its class {}",
                    l.class.as_str()
                ));
            }
            if !(l.km.is_finite() && l.km > 0.0) {
                problems.push(format!("link {i} has length {}", l.km));
            }
            match l.bcp {
                Some(bi) => {
                    let bcp = &self.bcps[bi as usize];
                    bcp_links[bi as usize] += 1;
                    let pair = [a.country, b.country];
                    if !(pair.contains(&bcp.country_a) && pair.contains(&bcp.country_b)) {
                        problems.push(format!(
                            "link {i} of BCP {} joins {}-{}, not {}-{}",
                            bcp.key(),
                            a.country,
                            b.country,
                            bcp.country_a,
                            bcp.country_b
                        ));
                    }
                }
                None => {
                    if a.country != b.country {
                        problems.push(format!(
                            "link {i} crosses {}-{} without a BCP",
                            a.country, b.country
                        ));
                    }
                }
            }
        }
        let off_network = (0..self.bcps.len() as u32)
            .filter(|&i| bcp_links[i as usize] == 0)
            .collect();
        for (i, n) in self.nodes.iter().enumerate() {
            if !(n.lat.is_finite() && n.lon.is_finite()) {
                problems.push(format!("node {i} has no valid coordinate"));
            }
        }
        if problems.is_empty() {
            Ok(off_network)
        } else {
            Err(DataError::Invalid(problems))
        }
    }

    /// The mainline gauge of a country's railways, if it has any.
    pub fn gauge_of(&self, country: Country) -> Option<u16> {
        self.gauges
            .iter()
            .find(|g| g.country == country)
            .map(|g| g.mm)
    }

    /// Curated BCP ids that look like `key` (for "did you mean"), best first.
    pub fn suggest_bcps(&self, key: &str, limit: usize) -> Vec<String> {
        let q = places::normalize(key.split(':').next().unwrap_or(key));
        let score = |b: &Bcp| {
            [places::normalize(&b.id), places::normalize(&b.name)]
                .iter()
                .map(|s| {
                    if s.contains(&q) {
                        1.0
                    } else {
                        strsim::normalized_levenshtein(&q, s)
                    }
                })
                .fold(0.0, f64::max)
        };
        let mut scored: Vec<(f64, &str)> = self
            .bcps
            .iter()
            .filter(|b| b.listed)
            .map(|b| (score(b), b.id.as_str()))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        let mut out: Vec<String> = Vec::new();
        for (_, id) in scored {
            if !out.iter().any(|x| x == id) {
                out.push(id.to_owned());
            }
            if out.len() == limit {
                break;
            }
        }
        out
    }

    /// Finds a BCP row by `id` (every mode) or `id:mode`.
    pub fn find_bcps(&self, key: &str) -> Vec<u32> {
        let key = key.trim().to_ascii_lowercase();
        let (id, mode) = match key.split_once(':') {
            Some((id, m)) => (id.to_owned(), Layer::parse(m)),
            None => (key.clone(), None),
        };
        self.bcps
            .iter()
            .enumerate()
            .filter(|(_, b)| b.id == id && mode.is_none_or(|m| m == b.mode))
            .map(|(i, _)| i as u32)
            .collect()
    }
}
