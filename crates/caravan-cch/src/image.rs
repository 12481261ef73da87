//! A flat image of the topology: a magic tag, a format version and little-endian u32 arrays,
//! so that a compiled network file can carry the hierarchy and load it without rebuilding.

use crate::topology::Cch;

const MAGIC: &[u8; 4] = b"CCH\0";
const VERSION: u32 = 1;
const ARRAYS: usize = 13;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ImageError {
    #[error("not a hierarchy image (bad magic bytes)")]
    BadMagic,
    #[error("hierarchy image format {found}, this build reads {expected}")]
    Version { found: u32, expected: u32 },
    #[error("hierarchy image is truncated or has trailing bytes")]
    Truncated,
    #[error("hierarchy image is inconsistent: {0}")]
    Inconsistent(&'static str),
}

impl Cch {
    pub fn to_bytes(&self) -> Vec<u8> {
        let arc_up: Vec<u32> = self.arc_up.iter().map(|&b| b as u32).collect();
        let arrays: [&[u32]; ARRAYS] = [
            &self.rank,
            &self.order,
            &self.first_up,
            &self.up_head,
            &self.up_tail,
            &self.parent,
            &self.arc_edge,
            &arc_up,
            &self.first_arc_of_edge,
            &self.arcs_by_edge,
            &self.first_down,
            &self.down_tail,
            &self.down_edge,
        ];
        let total: usize = arrays.iter().map(|a| 8 + 4 * a.len()).sum();
        let mut out = Vec::with_capacity(8 + total);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        for a in arrays {
            out.extend_from_slice(&(a.len() as u64).to_le_bytes());
            for v in a {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Cch, ImageError> {
        if bytes.len() < 8 || &bytes[..4] != MAGIC {
            return Err(ImageError::BadMagic);
        }
        let version = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
        if version != VERSION {
            return Err(ImageError::Version {
                found: version,
                expected: VERSION,
            });
        }
        let mut pos = 8usize;
        let mut arrays: Vec<Vec<u32>> = Vec::with_capacity(ARRAYS);
        for _ in 0..ARRAYS {
            let len_bytes = bytes.get(pos..pos + 8).ok_or(ImageError::Truncated)?;
            let len = u64::from_le_bytes(len_bytes.try_into().map_err(|_| ImageError::Truncated)?)
                as usize;
            pos += 8;
            let end = len
                .checked_mul(4)
                .and_then(|b| b.checked_add(pos))
                .ok_or(ImageError::Truncated)?;
            let data = bytes.get(pos..end).ok_or(ImageError::Truncated)?;
            arrays.push(
                data.chunks_exact(4)
                    .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect(),
            );
            pos = end;
        }
        if pos != bytes.len() {
            return Err(ImageError::Truncated);
        }
        let mut it = arrays.into_iter();
        let mut next = || it.next().unwrap_or_default();
        let cch = Cch {
            rank: next(),
            order: next(),
            first_up: next(),
            up_head: next(),
            up_tail: next(),
            parent: next(),
            arc_edge: next(),
            arc_up: next().into_iter().map(|v| v != 0).collect(),
            first_arc_of_edge: next(),
            arcs_by_edge: next(),
            first_down: next(),
            down_tail: next(),
            down_edge: next(),
        };
        cch.check()?;
        Ok(cch)
    }

    /// Cheap structural checks, so that a damaged image fails here rather than as a panic or
    /// a wrong route later.
    fn check(&self) -> Result<(), ImageError> {
        let n = self.order.len();
        let m = self.up_head.len();
        let ok_index = |v: &[u32], bound: usize| v.iter().all(|&x| (x as usize) < bound);
        let ok_first = |f: &[u32], len: usize, total: usize| {
            f.len() == len + 1
                && f.first() == Some(&0)
                && f.last().map(|&l| l as usize) == Some(total)
                && f.windows(2).all(|w| w[0] <= w[1])
        };
        if self.rank.len() != n || !ok_index(&self.rank, n) || !ok_index(&self.order, n) {
            return Err(ImageError::Inconsistent("ranks"));
        }
        if self
            .order
            .iter()
            .enumerate()
            .any(|(r, &v)| self.rank[v as usize] as usize != r)
        {
            return Err(ImageError::Inconsistent("order is not the inverse of rank"));
        }
        if !ok_first(&self.first_up, n, m)
            || self.up_tail.len() != m
            || !ok_index(&self.up_head, n)
            || !ok_index(&self.up_tail, n)
        {
            return Err(ImageError::Inconsistent("upward edges"));
        }
        if self.parent.len() != n
            || self
                .parent
                .iter()
                .enumerate()
                .any(|(r, &p)| p != u32::MAX && (p as usize <= r || p as usize >= n))
        {
            return Err(ImageError::Inconsistent("elimination tree"));
        }
        if self.arc_up.len() != self.arc_edge.len()
            || self
                .arc_edge
                .iter()
                .any(|&e| e != u32::MAX && e as usize >= m)
            || !ok_first(&self.first_arc_of_edge, m, self.arcs_by_edge.len())
            || !ok_index(&self.arcs_by_edge, self.arc_edge.len())
        {
            return Err(ImageError::Inconsistent("input arcs"));
        }
        if !ok_first(&self.first_down, n, m)
            || self.down_tail.len() != m
            || !ok_index(&self.down_tail, n)
            || !ok_index(&self.down_edge, m)
        {
            return Err(ImageError::Inconsistent("downward edges"));
        }
        Ok(())
    }
}
