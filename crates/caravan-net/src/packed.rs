//! A flat little-endian encoding for large arrays inside the compiled network file
//! (`#[serde(with = "caravan_net::packed")]`): one byte string per array, decoded in a single
//! pass instead of a serde visit per field, which made loading the network several times
//! slower. Only the compiled file uses it; no wire format contains these types.

use std::marker::PhantomData;

use serde::de::{Error, Visitor};
use serde::{Deserializer, Serializer};

use crate::{Country, Layer, Link, LinkClass, Node};

/// A value with a flat encoding.
pub trait Packed: Sized {
    fn put(&self, out: &mut Vec<u8>);
    /// Reads one value from the front of `input`, advancing it; `None` when it is damaged.
    fn take(input: &mut &[u8]) -> Option<Self>;
}

pub fn serialize<T: Packed, S: Serializer>(v: &[T], s: S) -> Result<S::Ok, S::Error> {
    let mut out = Vec::with_capacity(8 + std::mem::size_of_val(v));
    out.extend_from_slice(&(v.len() as u64).to_le_bytes());
    for x in v {
        x.put(&mut out);
    }
    s.serialize_bytes(&out)
}

pub fn deserialize<'de, T: Packed, D: Deserializer<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    struct Bytes<T>(PhantomData<T>);
    impl<T: Packed> Visitor<'_> for Bytes<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a packed array")
        }
        fn visit_bytes<E: Error>(self, mut b: &[u8]) -> Result<Vec<T>, E> {
            let damaged = || E::custom("a packed array is damaged");
            let n = take_u64(&mut b).ok_or_else(damaged)?;
            // Every value takes at least one byte, so a damaged count cannot over-allocate.
            let n = usize::try_from(n)
                .ok()
                .filter(|&n| n <= b.len())
                .ok_or_else(damaged)?;
            let mut v = Vec::with_capacity(n);
            for _ in 0..n {
                v.push(T::take(&mut b).ok_or_else(damaged)?);
            }
            if b.is_empty() {
                Ok(v)
            } else {
                Err(damaged())
            }
        }
    }
    d.deserialize_bytes(Bytes(PhantomData))
}

fn take_n<const N: usize>(input: &mut &[u8]) -> Option<[u8; N]> {
    let (head, rest) = input.split_first_chunk::<N>()?;
    *input = rest;
    Some(*head)
}

pub fn take_u8(input: &mut &[u8]) -> Option<u8> {
    take_n::<1>(input).map(|[b]| b)
}

pub fn take_u16(input: &mut &[u8]) -> Option<u16> {
    take_n(input).map(u16::from_le_bytes)
}

pub fn take_u32(input: &mut &[u8]) -> Option<u32> {
    take_n(input).map(u32::from_le_bytes)
}

pub fn take_u64(input: &mut &[u8]) -> Option<u64> {
    take_n(input).map(u64::from_le_bytes)
}

pub fn take_f32(input: &mut &[u8]) -> Option<f32> {
    take_n(input).map(f32::from_le_bytes)
}

pub fn take_f64(input: &mut &[u8]) -> Option<f64> {
    take_n(input).map(f64::from_le_bytes)
}

impl Packed for u16 {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn take(input: &mut &[u8]) -> Option<Self> {
        take_u16(input)
    }
}

impl Packed for u32 {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn take(input: &mut &[u8]) -> Option<Self> {
        take_u32(input)
    }
}

impl Packed for [f32; 3] {
    fn put(&self, out: &mut Vec<u8>) {
        for v in self {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    fn take(input: &mut &[u8]) -> Option<Self> {
        Some([take_f32(input)?, take_f32(input)?, take_f32(input)?])
    }
}

impl Packed for Country {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.as_str().as_bytes());
    }
    fn take(input: &mut &[u8]) -> Option<Self> {
        let code = take_n::<2>(input)?;
        if code == *b"--" {
            return Some(Country::NONE);
        }
        Country::parse(std::str::from_utf8(&code).ok()?)
    }
}

impl Packed for Node {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.lat.to_le_bytes());
        out.extend_from_slice(&self.lon.to_le_bytes());
        out.push(self.layer as u8);
        self.country.put(out);
    }
    fn take(input: &mut &[u8]) -> Option<Self> {
        Some(Node {
            lat: take_f64(input)?,
            lon: take_f64(input)?,
            layer: *Layer::ALL.get(take_u8(input)? as usize)?,
            country: Country::take(input)?,
        })
    }
}

impl Packed for Link {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.from.to_le_bytes());
        out.extend_from_slice(&self.to.to_le_bytes());
        out.push(self.class.index() as u8);
        out.extend_from_slice(&self.km.to_le_bytes());
        out.extend_from_slice(&self.bcp.unwrap_or(u32::MAX).to_le_bytes());
        out.extend_from_slice(&(self.geometry.len() as u32).to_le_bytes());
        for (lat, lon) in &self.geometry {
            out.extend_from_slice(&lat.to_le_bytes());
            out.extend_from_slice(&lon.to_le_bytes());
        }
    }
    fn take(input: &mut &[u8]) -> Option<Self> {
        let from = take_u32(input)?;
        let to = take_u32(input)?;
        let class = *LinkClass::ALL.get(take_u8(input)? as usize)?;
        let km = take_f64(input)?;
        let bcp = Some(take_u32(input)?).filter(|&b| b != u32::MAX);
        let points = take_u32(input)? as usize;
        if points.checked_mul(16)? > input.len() {
            return None;
        }
        let mut geometry = Vec::with_capacity(points);
        for _ in 0..points {
            geometry.push((take_f64(input)?, take_f64(input)?));
        }
        Some(Link {
            from,
            to,
            class,
            km,
            bcp,
            geometry,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct Holder {
        #[serde(with = "super")]
        nodes: Vec<Node>,
        #[serde(with = "super")]
        links: Vec<Link>,
    }

    fn sample() -> Holder {
        Holder {
            nodes: vec![
                Node {
                    lat: 41.3,
                    lon: 69.25,
                    layer: Layer::Rail,
                    country: Country::parse("UZ").unwrap(),
                },
                Node {
                    lat: -0.5,
                    lon: 60.0,
                    layer: Layer::Sea,
                    country: Country::NONE,
                },
            ],
            links: vec![
                Link {
                    from: 0,
                    to: 1,
                    class: LinkClass::CaspianFerry,
                    km: 12.5,
                    bcp: Some(3),
                    geometry: vec![(1.0, 2.0), (3.0, 4.0)],
                },
                Link {
                    from: 1,
                    to: 0,
                    class: LinkClass::Road,
                    km: 0.25,
                    bcp: None,
                    geometry: vec![],
                },
            ],
        }
    }

    #[test]
    fn round_trips_through_postcard() {
        let h = sample();
        let bytes = postcard::to_allocvec(&h).unwrap();
        let back: Holder = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back, h);
    }

    #[test]
    fn damage_is_an_error_not_a_panic() {
        let bytes = postcard::to_allocvec(&sample()).unwrap();
        for cut in 0..bytes.len() {
            assert!(postcard::from_bytes::<Holder>(&bytes[..cut]).is_err());
        }
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0xff;
            // A flipped byte may still decode to other values (the file's CRC catches that);
            // it must never panic or allocate without bound.
            let _ = postcard::from_bytes::<Holder>(&b);
        }
    }
}
