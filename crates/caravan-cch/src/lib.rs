//! Customizable contraction hierarchies (Dibbelt, Strasser and Wagner 2016) for Caravan's
//! routing graph, with no knowledge of what the graph means.
//!
//! - [`Cch::build`]: a nested-dissection order by inertial flow and the chordal upward graph,
//!   computed once per network (metric-independent).
//! - [`Metric::customize`]: weights for one metric (f64, infinity closes an arc), in parallel
//!   by elimination-tree level; [`Metric::recustomize`] redoes only what changed arcs touch.
//! - [`Query::path`]: multi-source, multi-target shortest path unpacked to input arcs.
//! - [`many_to_many`]: weight matrices with additive attributes carried along each path.
//! - [`Cch::to_bytes`] / [`Cch::from_bytes`]: a flat little-endian image for the compiled file.

mod customize;
mod image;
mod matrix;
mod order;
mod potential;
mod query;
mod topology;

pub use customize::Metric;
pub use image::ImageError;
pub use matrix::{all_to_targets, many_to_many, many_to_many_with_progress, one_to_all, Cell};
pub use potential::{PotentialMemory, TargetPotential};
pub use query::{EdgeAttrs, Path, Query, Seed};
pub use topology::Cch;
