//! The compiled network file: a header (magic, format version, the graph's fingerprint, build
//! time, sizes) and the contraction hierarchy's image. The CSV data stays the source of truth;
//! the file only saves rebuilding the hierarchy, and is refused when the graph it was built
//! for differs from the one loaded (a changed network gives a different fingerprint).

use std::hash::Hasher;

use crate::{RouteError, Router};

const MAGIC: &[u8; 8] = b"CARAVANC";
/// Bump when the layout of this file or of the hierarchy image changes.
pub const COMPILED_FORMAT: u32 = 1;
const HEADER_LEN: usize = 8 + 4 + 8 + 8 + 8 + 8;

/// What a compiled file says about itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompiledHeader {
    pub format: u32,
    /// `Router::graph_fingerprint` of the graph it was built for.
    pub fingerprint: u64,
    /// Seconds since 1970-01-01 UTC when it was built.
    pub built_unix: u64,
    pub nodes: u64,
    pub arcs: u64,
}

impl Router {
    /// A 64-bit FNV-1a hash of everything the hierarchy depends on: node coordinates and the
    /// arcs' ends, in order. Weights are not in it (they are customized per request).
    pub fn graph_fingerprint(&self) -> u64 {
        let mut h = Fnv(0xcbf2_9ce4_8422_2325);
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

    /// The compiled file's bytes (building the hierarchy if needed).
    pub fn compile(&self, built_unix: u64) -> Vec<u8> {
        let image = self.hierarchy_image();
        let mut out = Vec::with_capacity(HEADER_LEN + image.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&COMPILED_FORMAT.to_le_bytes());
        out.extend_from_slice(&self.graph_fingerprint().to_le_bytes());
        out.extend_from_slice(&built_unix.to_le_bytes());
        out.extend_from_slice(&(self.graph.node_count() as u64).to_le_bytes());
        out.extend_from_slice(&(self.graph.arcs.len() as u64).to_le_bytes());
        out.extend_from_slice(&image);
        out
    }

    /// Installs the hierarchy from a compiled file, after checking that it is one, that this
    /// build reads its format, and that it was built for this very graph.
    pub fn load_compiled(&self, bytes: &[u8]) -> Result<CompiledHeader, RouteError> {
        let (header, cch) = self.check_compiled(bytes)?;
        self.install_hierarchy(|| Some(cch));
        Ok(header)
    }

    /// Installs the hierarchy from `bytes` when they are a compiled file for this graph, else
    /// builds it; callers that need the hierarchy meanwhile wait for this one installation.
    /// Returns why the file was not used, if it was not (then the caller may save a new one).
    pub fn load_compiled_or_build(&self, bytes: Option<&[u8]>) -> Option<String> {
        let mut why = None;
        self.install_hierarchy(|| match bytes.map(|b| self.check_compiled(b)) {
            Some(Ok((_, cch))) => Some(cch),
            Some(Err(e)) => {
                why = Some(e.to_string());
                None
            }
            None => {
                why = Some("there is no compiled file".into());
                None
            }
        });
        why
    }

    fn check_compiled(
        &self,
        bytes: &[u8],
    ) -> Result<(CompiledHeader, caravan_cch::Cch), RouteError> {
        let header = read_header(bytes)?;
        if header.format != COMPILED_FORMAT {
            return Err(RouteError::Hierarchy(format!(
                "the compiled file has format {}, this build reads {COMPILED_FORMAT}: rebuild it with `caravan build`",
                header.format
            )));
        }
        let now = self.graph_fingerprint();
        if header.fingerprint != now {
            return Err(RouteError::Hierarchy(format!(
                "the compiled file is stale: it was built for network {:016x}, the data is {:016x}; rebuild it with `caravan build`",
                header.fingerprint, now
            )));
        }
        let cch = self.hierarchy_from_image(&bytes[HEADER_LEN..])?;
        Ok((header, cch))
    }
}

/// Reads and checks a compiled file's header.
pub fn read_header(bytes: &[u8]) -> Result<CompiledHeader, RouteError> {
    if bytes.len() < HEADER_LEN || &bytes[..8] != MAGIC {
        return Err(RouteError::Hierarchy(
            "not a compiled Caravan network (bad magic bytes or too short)".into(),
        ));
    }
    let u64_at = |i: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&bytes[i..i + 8]);
        u64::from_le_bytes(b)
    };
    let mut f = [0u8; 4];
    f.copy_from_slice(&bytes[8..12]);
    Ok(CompiledHeader {
        format: u32::from_le_bytes(f),
        fingerprint: u64_at(12),
        built_unix: u64_at(20),
        nodes: u64_at(28),
        arcs: u64_at(36),
    })
}

/// FNV-1a: stable across builds and platforms, unlike the standard library's hasher.
struct Fnv(u64);

impl Hasher for Fnv {
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
