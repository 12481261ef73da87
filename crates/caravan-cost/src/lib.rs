//! Caravan's landed-cost engine: what a buyer pays on arrival for a shipment, line by line,
//! each line with its base, rate, amount and source, and what is unknown said as unknown.
//!
//! Pure computation over tables loaded once (`CostData`); faces (CLI, server) pass requests
//! and print results.

mod data;
mod date;
mod engine;
mod error;
mod freight;
pub mod hs;
pub mod national;
mod request;
mod wits;

pub use data::{
    files, read_duty_lines, read_national_exceptions, read_national_lines, CostData, Duty,
    DutyLine, FxRate, NationalException, NationalLine, QuantityUnit, Specific,
};
pub use date::{Date, Validity};
pub use engine::CostEngine;
pub use error::{CostError, HsSuggestion};
pub use freight::{freight_route_request, transport_from_route, use_route_freight};
pub use hs::{HsEntry, HsMatch, Nomenclature};
pub use request::*;
pub use wits::{detect_layout, read_user_schedule, ScheduleLayout, UserSchedule};
