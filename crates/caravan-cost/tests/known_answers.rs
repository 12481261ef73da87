//! Landed-cost examples on the shipped data, with the arithmetic done by hand in the comments.
//! Exchange rates are the shipped table's (USD base): EUR 0.8587, RUB 78.1959, KZT 519.2601.

use std::path::Path;

use caravan_cost::{
    CostData, CostEngine, CostError, CostRequest, Incoterm, LandedCost, ShipmentKind, Transport,
};

fn engine() -> CostEngine {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    CostEngine::new(CostData::load_dir(&dir).expect("shipped landed-cost data loads"))
}

fn request(hs: &str, value: f64, origin: &str, dest: &str, date: &str) -> CostRequest {
    CostRequest {
        hs: hs.to_owned(),
        value,
        currency: "USD".to_owned(),
        incoterm: Incoterm::Fob,
        origin: origin.to_owned(),
        destination: dest.to_owned(),
        date: date.parse().unwrap(),
        shipment: ShipmentKind::Commercial,
        weight_kg: None,
        quantity: None,
        litres: None,
        engine_cm3: None,
        net_weight_kg: None,
        pairs: None,
        area_m2: None,
        transport: Transport::default(),
        claim_preference: true,
        fx: Vec::new(),
    }
}

fn amount(r: &LandedCost, kind: &str) -> f64 {
    r.lines
        .iter()
        .find(|l| l.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} line in {:#?}", r.lines))
        .amount
        .unwrap_or_else(|| panic!("{kind} amount unknown: {:#?}", r.unknown))
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() <= 0.011, "{a} != {b}");
}

#[test]
fn inside_the_eaeu_no_duty_but_vat_is_due() {
    // T-shirts, Kazakhstan -> Russia, 1 March 2026, FOB 10,000 + freight 800 + insurance 20.
    // CIF customs value = 10,000 + 800 + 20 = 10,820.
    // EAEU customs union: duty 0, no customs fees. Russian VAT 22% from 2026-01-01:
    // 10,820 x 0.22 = 2,380.40. Total = 10,000 + 800 + 20 + 0 + 2,380.40 = 13,200.40.
    let mut req = request("6109.10", 10_000.0, "KZ", "RU", "2026-03-01");
    req.transport = Transport {
        freight_usd: Some(800.0),
        insurance_usd: Some(20.0),
        ..Transport::default()
    };
    let r = engine().compute(&req).unwrap();
    close(r.customs_value_usd, 10_820.0);
    close(amount(&r, "duty"), 0.0);
    assert_eq!(r.duty_basis.level, "customs_union");
    assert_eq!(r.duty_basis.agreement.as_ref().unwrap().id, "eaeu");
    assert!(
        !r.lines.iter().any(|l| l.kind == "fee"),
        "no customs fees inside the union"
    );
    assert_eq!(
        r.lines
            .iter()
            .find(|l| l.kind == "vat")
            .unwrap()
            .rate
            .as_deref(),
        Some("22%")
    );
    close(amount(&r, "vat"), 2_380.40);
    close(r.total.amount, 13_200.40);
    assert!(r.complete, "{:#?}", r.unknown);
}

#[test]
fn china_to_pakistan_under_the_cpfta_versus_mfn() {
    // Hot-rolled coil 7208.10, CIF Karachi 50,000, 15 June 2020 (CPFTA Phase II year 1).
    // CPFTA 7%: duty 3,500; sales tax 17% (18% only from 2023-02-14) on 53,500 = 9,095;
    // total 62,595. MFN 12%: duty 6,000; sales tax 17% of 56,000 = 9,520; total 65,520.
    let mut req = request("720810", 50_000.0, "CN", "PK", "2020-06-15");
    req.incoterm = Incoterm::Cif;
    let e = engine();
    let pref = e.compute(&req).unwrap();
    assert_eq!(pref.duty_basis.agreement.as_ref().unwrap().id, "cpfta");
    assert_eq!(pref.duty_basis.rate.as_deref(), Some("7%"));
    assert_eq!(pref.duty_basis.mfn_rate.as_deref(), Some("12%"));
    close(amount(&pref, "duty"), 3_500.0);
    close(amount(&pref, "vat"), 9_095.0);
    close(pref.total.amount, 62_595.0);
    close(pref.duty_basis.mfn_amount_usd.unwrap(), 6_000.0);

    req.claim_preference = false;
    let mfn = e.compute(&req).unwrap();
    assert!(mfn.duty_basis.agreement.is_none());
    close(amount(&mfn, "duty"), 6_000.0);
    close(amount(&mfn, "vat"), 9_520.0);
    close(mfn.total.amount, 65_520.0);

    // In 2021 the sourced Phase II year-1 rate has lapsed and no later one is in the data:
    // the engine says so and falls back to MFN rather than inventing a rate.
    req.claim_preference = true;
    req.date = "2021-03-01".parse().unwrap();
    let later = e.compute(&req).unwrap();
    assert!(later.duty_basis.agreement.is_none());
    assert!(later
        .warnings
        .iter()
        .any(|w| w.contains("no preferential rate for this line")));
}

fn parcel(value: f64, weight: f64, date: &str) -> CostRequest {
    let mut req = request("851713", value, "CN", "KZ", date);
    req.shipment = ShipmentKind::PostalParcel;
    req.weight_kg = Some(weight);
    req.transport = Transport {
        freight_usd: Some(10.0),
        insurance_usd: Some(0.0),
        ..Transport::default()
    };
    req
}

#[test]
fn a_parcel_under_the_de_minimis_threshold_pays_nothing_at_the_border() {
    // A phone from China to Kazakhstan by post, USD 150 + 10 postage, 2 kg, 1 May 2025.
    // 150 x 0.8587 = 128.81 EUR <= 200 EUR per parcel (EAEU, from 2024-04-01, 31 kg).
    // Without relief: duty 0% (the EAEU tariff's one line under 851713, 8517130000
    // smartphones, ru.85_2022_08.03.2026.pdf p. 30); VAT 12% x 160 = 19.20;
    // relief = -(0 + 19.20) = -19.20. Total = 150 + 10 + 0 + 0 + 19.20 - 19.20 = 160.00.
    let r = engine().compute(&parcel(150.0, 2.0, "2025-05-01")).unwrap();
    close(amount(&r, "duty"), 0.0);
    close(amount(&r, "vat"), 19.20);
    close(amount(&r, "de_minimis_relief"), -19.20);
    close(r.total.amount, 160.0);
    assert_eq!(r.duty_basis.level, "de_minimis");
}

#[test]
fn a_parcel_over_the_threshold_pays_the_unified_rate() {
    // USD 400 = 343.48 EUR > 200 EUR. EAEU personal-use rate: 15% of the excess value,
    // not less than 2 EUR per kg over 31 kg: 0.15 x 143.48 = 21.522 EUR; weight 3 kg adds no
    // minimum. 21.522 / 0.8587 = 25.06 USD; the unified rate replaces VAT.
    // Total = 400 + 10 + 0 + 25.06 + 0 = 435.06.
    let r = engine().compute(&parcel(400.0, 3.0, "2025-05-01")).unwrap();
    close(amount(&r, "duty"), 25.06);
    close(amount(&r, "vat"), 0.0);
    close(r.total.amount, 435.06);

    // From 2026-07-01 the EAEU e-commerce regime: 5% of the WHOLE value, not less than
    // 1 EUR/kg, plus national VAT. 0.05 x 343.48 = 17.174 EUR (> 3 EUR) = 20.00 USD;
    // Kazakh VAT 16% x (410 + 20.00) = 68.80. Total = 400 + 10 + 20.00 + 68.80 = 498.80.
    let r = engine().compute(&parcel(400.0, 3.0, "2026-08-01")).unwrap();
    close(amount(&r, "duty"), 20.0);
    close(amount(&r, "vat"), 68.80);
    close(r.total.amount, 498.80);
}

#[test]
fn specific_and_compound_duties_are_computed_from_the_quantity() {
    // Vegetables in vinegar, EAEU CET 2001 90 100 0 from 2018-09-01: 10% but not less than
    // 0.05 EUR/kg. China -> Russia, CIF 1,000, 10,000 kg, 1 March 2025.
    // 10% x 1,000 = 100 USD; 0.05 x 10,000 = 500 EUR = 582.28 USD: the higher applies.
    // Russian customs fee 2025, value 78,196 RUB in the 0-200,000 bracket: 1,067 RUB =
    // 13.65 USD. VAT 20% x (1,000 + 582.28) = 316.46.
    // Total = 1,000 + 582.28 + 13.65 + 316.46 = 1,912.39.
    let mut req = request("2001901000", 1_000.0, "CN", "RU", "2025-03-01");
    req.incoterm = Incoterm::Cif;
    req.weight_kg = Some(10_000.0);
    let e = engine();
    let r = e.compute(&req).unwrap();
    assert_eq!(
        r.duty_basis.rate.as_deref(),
        Some("10% but not less than 0.05 EUR/kg")
    );
    close(amount(&r, "duty"), 582.28);
    close(amount(&r, "fee"), 13.65);
    close(amount(&r, "vat"), 316.46);
    close(r.total.amount, 1_912.39);

    // The same line without a weight: the duty is unknown, said so, never zero.
    req.weight_kg = None;
    let r = e.compute(&req).unwrap();
    assert!(r
        .lines
        .iter()
        .any(|l| l.kind == "duty" && l.amount.is_none()));
    assert!(r
        .unknown
        .iter()
        .any(|u| u.item == "duty" && u.reason.contains("kg")));
    assert!(!r.complete);

    // Beer, a purely specific duty: 0.018 EUR per litre from 2018-09-01; 5,000 l =
    // 90 EUR = 104.81 USD whatever the value.
    let mut beer = request("2203000100", 3_000.0, "CN", "RU", "2025-03-01");
    beer.incoterm = Incoterm::Cif;
    beer.litres = Some(5_000.0);
    let r = e.compute(&beer).unwrap();
    close(amount(&r, "duty"), 104.81);
    assert!(
        r.unknown.iter().any(|u| u.item == "excise"),
        "beer carries excise"
    );
}

#[test]
fn rates_follow_the_declaration_date() {
    // Kazakh VAT: 12% until 2025-12-31, 16% from 2026-01-01. Uzbek T-shirts (CIS FTA, duty 0),
    // CIF 1,000: VAT 120 the day before, 160 the day of the change.
    let mut req = request("610910", 1_000.0, "UZ", "KZ", "2025-12-31");
    req.incoterm = Incoterm::Cif;
    let e = engine();
    close(amount(&e.compute(&req).unwrap(), "vat"), 120.0);
    req.date = "2026-01-01".parse().unwrap();
    close(amount(&e.compute(&req).unwrap(), "vat"), 160.0);

    // An EAEU tariff line changed on 2018-09-01: vegetables in vinegar went from
    // 10.8% / 0.054 EUR/kg to 10% / 0.05 EUR/kg. CIF 10,000, 1,000 kg (ad valorem wins):
    // 1,080 before, 1,000 after.
    let mut veg = request("2001901000", 10_000.0, "CN", "RU", "2018-08-31");
    veg.incoterm = Incoterm::Cif;
    veg.weight_kg = Some(1_000.0);
    close(amount(&e.compute(&veg).unwrap(), "duty"), 1_080.0);
    veg.date = "2018-09-01".parse().unwrap();
    close(amount(&e.compute(&veg).unwrap(), "duty"), 1_000.0);
}

#[test]
fn averages_are_marked_as_averages() {
    // No line rate for T-shirts into Pakistan from Turkey: the country average is used and
    // the answer says it is an average.
    let mut req = request("610910", 1_000.0, "TR", "PK", "2026-06-01");
    req.incoterm = Incoterm::Cif;
    let r = engine().compute(&req).unwrap();
    assert_eq!(r.duty_basis.level, "country_average");
    assert!(r.warnings.iter().any(|w| w.contains("average")));
    let duty = r.lines.iter().find(|l| l.kind == "duty").unwrap();
    assert!(duty.note.contains("AVERAGE"), "{}", duty.note);
}

#[test]
fn bad_input_is_an_error_not_a_number() {
    let e = engine();
    let err = e
        .compute(&request("999999", 100.0, "CN", "KZ", "2026-01-01"))
        .unwrap_err();
    assert!(matches!(err, CostError::UnknownHs { .. }), "{err}");
    let err = e
        .compute(&request("610999", 100.0, "CN", "KZ", "2026-01-01"))
        .unwrap_err();
    match err {
        CostError::UnknownHs { suggestions, .. } => {
            assert!(suggestions.iter().any(|s| s.code.starts_with("6109")))
        }
        other => panic!("{other}"),
    }
    let err = e
        .compute(&request("610910", 100.0, "CN", "US", "2026-01-01"))
        .unwrap_err();
    assert!(matches!(err, CostError::NoData { .. }), "{err}");
    let err = e
        .compute(&request("610910", -5.0, "CN", "KZ", "2026-01-01"))
        .unwrap_err();
    assert!(matches!(err, CostError::InvalidRequest(_)), "{err}");
    let mut bad_currency = request("610910", 100.0, "CN", "KZ", "2026-01-01");
    bad_currency.currency = "XYZ".to_owned();
    assert!(matches!(
        e.compute(&bad_currency).unwrap_err(),
        CostError::UnknownCurrency { .. }
    ));
}
