//! The compiled network file, the way OSRM separates extract from serve: the network, its
//! routing graph and indexes (postcard), then the contraction hierarchy's image. The CSV data
//! stays the source of truth: the header carries a checksum of the input files, and a file
//! built from other data, in another format, or damaged (each part has a CRC-32) is refused
//! with the reason, never used.
//!
//! Layout (little-endian): magic, format, inputs checksum, graph fingerprint, build time,
//! nodes, arcs, parts length, parts CRC, image CRC; then the parts; then the image.

use std::hash::Hasher;
use std::ops::Range;

use caravan_net::{Fnv64, Network, PlaceIndex};
use rstar::RTree;
use serde::{Deserialize, Serialize};

use crate::graph::Graph;
use crate::{PlacePoint, RouteError, Router};

const MAGIC: &[u8; 8] = b"CARAVANC";
/// Bump when the layout of this file, of the parts or of the hierarchy image changes.
pub const COMPILED_FORMAT: u32 = 3;
const HEADER_LEN: usize = 8 + 4 + 8 * 6 + 4 + 4;

/// What a compiled file says about itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompiledHeader {
    pub format: u32,
    /// `caravan_net::inputs_checksum` of the data it was built from.
    pub inputs_checksum: u64,
    /// `Router::graph_fingerprint` of the graph it holds.
    pub fingerprint: u64,
    /// Seconds since 1970-01-01 UTC when it was built.
    pub built_unix: u64,
    pub nodes: u64,
    pub arcs: u64,
    parts_len: u64,
    parts_crc: u32,
    image_crc: u32,
}

/// The router's search-independent state, as saved.
#[derive(Serialize)]
struct PartsRef<'a> {
    net: &'a Network,
    graph: &'a Graph,
    places: &'a PlaceIndex,
    landmarks: &'a RTree<PlacePoint>,
}

#[derive(Deserialize)]
struct Parts {
    net: Network,
    graph: Graph,
    places: PlaceIndex,
    landmarks: RTree<PlacePoint>,
}

/// The hierarchy's image inside a loaded compiled file, installed on first use: a route
/// answered by A* never reads it (with a memory map, never even pages it in).
pub(crate) struct CompiledImage {
    bytes: Box<dyn AsRef<[u8]> + Send + Sync>,
    range: Range<usize>,
    crc: u32,
}

impl CompiledImage {
    pub(crate) fn cch(&self) -> Result<caravan_cch::Cch, RouteError> {
        let image = &(*self.bytes).as_ref()[self.range.clone()];
        if crc32fast::hash(image) != self.crc {
            return Err(RouteError::Hierarchy(
                "the compiled file's hierarchy is damaged (CRC mismatch): rebuild it with `caravan build`"
                    .into(),
            ));
        }
        caravan_cch::Cch::from_bytes(image).map_err(|e| RouteError::Hierarchy(e.to_string()))
    }
}

impl Router {
    /// A 64-bit FNV-1a hash of everything the hierarchy depends on: node coordinates and the
    /// arcs' ends, in order. Weights are not in it (they are customized per request).
    pub fn graph_fingerprint(&self) -> u64 {
        let mut h = Fnv64::default();
        h.write_u64(self.net.nodes.len() as u64);
        for n in &self.net.nodes {
            h.write_u64(n.lat.to_bits());
            h.write_u64(n.lon.to_bits());
        }
        h.write_u64(self.graph.arcs.len() as u64);
        for (t, a) in self.graph.tails.iter().zip(&self.graph.arcs) {
            h.write_u32(*t);
            h.write_u32(a.head);
        }
        h.finish()
    }

    /// The compiled file's bytes (building the hierarchy if needed); `inputs_checksum` is
    /// that of the data this router was loaded from.
    pub fn compile(&self, inputs_checksum: u64, built_unix: u64) -> Result<Vec<u8>, RouteError> {
        let image = self.hierarchy_image();
        let parts = postcard::to_allocvec(&PartsRef {
            net: &self.net,
            graph: &self.graph,
            places: &self.places,
            landmarks: &self.landmarks,
        })
        .map_err(|e| RouteError::Hierarchy(format!("cannot encode the network: {e}")))?;
        let mut out = Vec::with_capacity(HEADER_LEN + parts.len() + image.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&COMPILED_FORMAT.to_le_bytes());
        for v in [
            inputs_checksum,
            self.graph_fingerprint(),
            built_unix,
            self.graph.node_count() as u64,
            self.graph.arcs.len() as u64,
            parts.len() as u64,
        ] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&crc32fast::hash(&parts).to_le_bytes());
        out.extend_from_slice(&crc32fast::hash(&image).to_le_bytes());
        out.extend_from_slice(&parts);
        out.extend_from_slice(&image);
        Ok(out)
    }

    /// A router from a compiled file, without parsing any CSV: refused unless the file is one,
    /// this build reads its format, it was built from data whose checksum is
    /// `inputs_checksum`, and its parts are intact. The hierarchy is installed from the file
    /// the first time one is needed.
    pub fn from_compiled(
        bytes: impl AsRef<[u8]> + Send + Sync + 'static,
        inputs_checksum: u64,
    ) -> Result<(Router, CompiledHeader), RouteError> {
        let all = bytes.as_ref();
        let header = read_header(all)?;
        if header.format != COMPILED_FORMAT {
            return Err(RouteError::Hierarchy(format!(
                "the compiled file has format {}, this build reads {COMPILED_FORMAT}: rebuild it with `caravan build`",
                header.format
            )));
        }
        if header.inputs_checksum != inputs_checksum {
            return Err(RouteError::Hierarchy(format!(
                "the compiled file is stale: it was built from data {:016x}, the data is now {inputs_checksum:016x}; rebuild it with `caravan build`",
                header.inputs_checksum
            )));
        }
        let parts_end = usize::try_from(header.parts_len)
            .ok()
            .and_then(|n| n.checked_add(HEADER_LEN))
            .filter(|&end| end <= all.len())
            .ok_or_else(|| damaged("it is shorter than its header says"))?;
        let parts = &all[HEADER_LEN..parts_end];
        if crc32fast::hash(parts) != header.parts_crc {
            return Err(damaged("CRC mismatch in the network part"));
        }
        let Parts {
            net,
            graph,
            places,
            landmarks,
        } = postcard::from_bytes(parts).map_err(|e| damaged(&format!("cannot decode: {e}")))?;
        if graph.node_count() as u64 != header.nodes || graph.arcs.len() as u64 != header.arcs {
            return Err(damaged("its graph does not match its header"));
        }
        graph.check(&net).map_err(|why| damaged(&why))?;
        let image = CompiledImage {
            range: parts_end..all.len(),
            crc: header.image_crc,
            bytes: Box::new(bytes),
        };
        let mut router = Router::from_parts(net, graph, places, landmarks);
        router.compiled_image = Some(image);
        Ok((router, header))
    }
}

fn damaged(why: &str) -> RouteError {
    RouteError::Hierarchy(format!(
        "the compiled file is damaged ({why}): rebuild it with `caravan build`"
    ))
}

/// Reads and checks a compiled file's header.
pub fn read_header(bytes: &[u8]) -> Result<CompiledHeader, RouteError> {
    if bytes.len() < 12 || &bytes[..8] != MAGIC {
        return Err(RouteError::Hierarchy(
            "not a compiled Caravan network (bad magic bytes or too short)".into(),
        ));
    }
    let u32_at = |i: usize| {
        let mut b = [0u8; 4];
        b.copy_from_slice(&bytes[i..i + 4]);
        u32::from_le_bytes(b)
    };
    let format = u32_at(8);
    if format == COMPILED_FORMAT && bytes.len() < HEADER_LEN {
        return Err(damaged("it ends inside its header"));
    }
    if format != COMPILED_FORMAT {
        // An older layout: only its format number is known to be where this build looks.
        return Ok(CompiledHeader {
            format,
            inputs_checksum: 0,
            fingerprint: 0,
            built_unix: 0,
            nodes: 0,
            arcs: 0,
            parts_len: 0,
            parts_crc: 0,
            image_crc: 0,
        });
    }
    let u64_at = |i: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&bytes[i..i + 8]);
        u64::from_le_bytes(b)
    };
    Ok(CompiledHeader {
        format,
        inputs_checksum: u64_at(12),
        fingerprint: u64_at(20),
        built_unix: u64_at(28),
        nodes: u64_at(36),
        arcs: u64_at(44),
        parts_len: u64_at(52),
        parts_crc: u32_at(60),
        image_crc: u32_at(64),
    })
}
