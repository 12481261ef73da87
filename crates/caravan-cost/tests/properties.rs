//! Invariants of the landed cost over random shipments on the shipped data.

use std::path::Path;
use std::sync::OnceLock;

use caravan_cost::{CostData, CostEngine, CostRequest, Incoterm, ShipmentKind, Transport};
use proptest::prelude::*;

fn engine() -> &'static CostEngine {
    static E: OnceLock<CostEngine> = OnceLock::new();
    E.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
        CostEngine::new(CostData::load_dir(&dir).unwrap())
    })
}

const COUNTRIES: &[&str] = &[
    "CN", "IN", "IR", "KZ", "KG", "PK", "RU", "TJ", "UZ", "BY", "AF", "MN", "TM", "AZ", "GE", "AM",
    "TR",
];
const CODES: &[&str] = &[
    "610910",
    "851713",
    "847130",
    "720810",
    "2001901000",
    "2203000100",
    "520515",
    "870390",
    "0203",
    "640411",
    "100630",
];
const DATES: &[&str] = &[
    "2019-06-01",
    "2020-06-15",
    "2024-05-01",
    "2025-12-31",
    "2026-08-01",
];

fn request() -> impl Strategy<Value = CostRequest> {
    (
        0..CODES.len(),
        0..COUNTRIES.len(),
        0..COUNTRIES.len(),
        0..DATES.len(),
        1.0f64..200_000.0,
        prop::option::of(0.0f64..5_000.0),
        prop::option::of(0.5f64..40_000.0),
        0..3usize,
        any::<bool>(),
        0..3usize,
    )
        .prop_map(
            |(c, o, d, t, value, freight, weight, kind, pref, term)| CostRequest {
                hs: CODES[c].to_owned(),
                value,
                currency: "USD".to_owned(),
                incoterm: [Incoterm::Fob, Incoterm::Cif, Incoterm::Exw][term],
                origin: COUNTRIES[o].to_owned(),
                destination: COUNTRIES[d].to_owned(),
                date: DATES[t].parse().unwrap(),
                shipment: [
                    ShipmentKind::Commercial,
                    ShipmentKind::PostalParcel,
                    ShipmentKind::ExpressParcel,
                ][kind],
                weight_kg: weight,
                quantity: weight.map(|w| (w / 2.0).ceil()),
                litres: weight,
                engine_cm3: None,
                transport: Transport {
                    freight_usd: freight,
                    insurance_usd: freight.map(|f| f / 100.0),
                    ..Transport::default()
                },
                claim_preference: pref,
                fx: Vec::new(),
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn the_total_is_the_sum_of_the_lines_and_signs_are_right(req in request()) {
        let r = engine().compute(&req).unwrap();
        let sum: f64 = r.lines.iter().filter_map(|l| l.amount).sum();
        prop_assert!((sum - r.total.amount).abs() < 0.01 * r.lines.len() as f64);
        for l in &r.lines {
            if let Some(a) = l.amount {
                if l.kind == "de_minimis_relief" {
                    prop_assert!(a <= 0.0);
                } else {
                    prop_assert!(a >= 0.0, "{} {}", l.kind, a);
                }
            }
        }
        // Unknown amounts are reported, never a silent zero.
        for l in r.lines.iter().filter(|l| l.amount.is_none()) {
            prop_assert!(!r.unknown.is_empty(), "{} has no amount and nothing says why", l.kind);
        }
        prop_assert_eq!(r.complete, r.unknown.is_empty());
    }

    #[test]
    fn claiming_a_preference_never_raises_the_duty(mut req in request()) {
        req.shipment = ShipmentKind::Commercial;
        req.claim_preference = true;
        let with = engine().compute(&req).unwrap();
        req.claim_preference = false;
        let without = engine().compute(&req).unwrap();
        let duty = |r: &caravan_cost::LandedCost| {
            r.lines.iter().find(|l| l.kind == "duty").and_then(|l| l.amount)
        };
        if let (Some(a), Some(b)) = (duty(&with), duty(&without)) {
            prop_assert!(a <= b + 1e-9, "with preference {a} > MFN {b}");
        }
    }
}
