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
                net_weight_kg: None,
                pairs: None,
                area_m2: None,
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

fn national_request(hs: &str, value: f64, q: f64, date: &str) -> CostRequest {
    CostRequest {
        hs: hs.to_owned(),
        value,
        currency: "USD".to_owned(),
        incoterm: Incoterm::Cif,
        origin: "CN".to_owned(),
        destination: "KZ".to_owned(),
        date: date.parse().unwrap(),
        shipment: ShipmentKind::Commercial,
        weight_kg: Some(q),
        net_weight_kg: Some(q),
        quantity: Some(q),
        pairs: Some(q),
        litres: Some(q),
        engine_cm3: Some(q),
        area_m2: Some(q),
        transport: Transport::default(),
        claim_preference: false,
        fx: Vec::new(),
    }
}

fn duty_usd(r: &caravan_cost::LandedCost) -> Option<f64> {
    r.lines
        .iter()
        .find(|l| l.kind == "duty")
        .and_then(|l| l.amount)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every parsed national line gives a finite, non-negative duty for positive quantities
    /// (pure-alcohol litres need the strength and are asked for instead); a "x% but not less
    /// than y" duty is never below either of its parts.
    #[test]
    fn national_lines_give_sane_duties(
        i in 0usize..1_000_000, value in 1.0f64..1e6, q in 0.001f64..1e5,
    ) {
        let data = engine().data();
        let parsed: Vec<_> = data.national.iter()
            .filter(|l| l.importer == "EAEU" && l.duty.is_some() && l.validity.covers("2026-11-23".parse().unwrap()))
            .collect();
        let l = parsed[i % parsed.len()];
        let r = engine().compute(&national_request(&l.hs, value, q, "2026-11-23")).unwrap();
        let duty = l.duty.as_ref().unwrap();
        match duty_usd(&r) {
            Some(d) => {
                prop_assert!(d.is_finite() && d >= 0.0, "{}: {d}", l.hs);
                if let caravan_cost::Duty::MaxOf(p, s) | caravan_cost::Duty::Compound(p, s) = duty {
                    let eur = engine().data().fx.iter().find(|f| f.currency == s.currency).map_or(1.0, |f| f.per_usd);
                    let specific = s.amount * q / eur;
                    let ad = value * p / 100.0;
                    prop_assert!(d + 0.011 >= specific && d + 0.011 >= ad,
                        "{}: duty {d} below a part ({ad}, {specific})", l.hs);
                }
            }
            None => prop_assert!(
                duty.specific().is_some_and(|s| s.unit == caravan_cost::QuantityUnit::LAlcohol),
                "{}: no duty: {:?}", l.hs, r.unknown
            ),
        }
    }
}

/// Crossing the end date of a temporary rate changes the duty (where the rates differ).
#[test]
fn temporary_rates_end_on_their_date() {
    let data = engine().data();
    let mut checked = 0;
    for t in data.national.iter().filter(|l| {
        l.importer == "EAEU" && l.validity.to.is_some() && l.notes.starts_with("TEMPORARY")
    }) {
        let end = t.validity.to.unwrap();
        let after = data.national.iter().find(|b| {
            b.hs == t.hs
                && b.importer == "EAEU"
                && b.validity.from.is_some_and(|f| f > end)
                && b.validity.covers(b.validity.from.unwrap())
        });
        let Some(after) = after else { continue };
        if after.duty == t.duty || after.validity.from.unwrap().to_string() <= end.to_string() {
            continue;
        }
        let before = engine()
            .compute(&national_request(&t.hs, 10_000.0, 100.0, &end.to_string()))
            .unwrap();
        let next = engine()
            .compute(&national_request(
                &t.hs,
                10_000.0,
                100.0,
                &after.validity.from.unwrap().to_string(),
            ))
            .unwrap();
        assert_ne!(duty_usd(&before), duty_usd(&next), "{} around {end}", t.hs);
        checked += 1;
    }
    assert!(checked > 100, "only {checked} temporary rates checked");
}
