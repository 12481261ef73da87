//! Structural gravity for Caravan: PPML with high-dimensional fixed effects (`ppml`), and
//! general-equilibrium counterfactuals of the one-sector Armington-CES model (`ge`). No I/O
//! faces: the CLI and the server call these.

// Numerical kernels index several parallel arrays by observation; iterators would obscure them.
#![allow(clippy::needless_range_loop)]

pub mod data;
mod error;
pub mod formula;
pub mod hdfe;
mod linalg;
pub mod ppml;
pub mod report;

pub use data::Table;
pub use error::GravityError;
pub use formula::Formula;
pub use ppml::{estimate, Estimate, PpmlOptions, VcovSpec};
pub mod ge;
pub use ge::{GeOptions, GeProblem, GeResult};
pub mod counterfactual;
pub use counterfactual::{Counterfactual, CounterfactualSpec, Shock};
