//! The parsed EAEU Common Customs Tariff (data/curated/landed/eaeu_ett.csv.gz) against the
//! chapter PDFs, read by hand: each expected rate below was read from the PDF text of the
//! page named in its comment (files in ../shared/data/eaeu_ett/), not from the parser's output.
//! Then landed costs on national lines, with the arithmetic by hand. Exchange rates are the
//! shipped table's: EUR 0.8587 per USD, KZT 519.2601 per USD.

use std::path::Path;
use std::sync::OnceLock;

use caravan_cost::{
    national, CostData, CostEngine, CostRequest, Date, Duty, Incoterm, QuantityUnit, ShipmentKind,
    Specific, Transport,
};

fn data() -> &'static CostData {
    static D: OnceLock<CostData> = OnceLock::new();
    D.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
        CostData::load_dir(&dir).expect("shipped landed-cost data loads")
    })
}

fn engine() -> &'static CostEngine {
    static E: OnceLock<CostEngine> = OnceLock::new();
    E.get_or_init(|| CostEngine::new(data().clone()))
}

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

/// The common-tariff duty of a 10-digit line on a date.
fn duty_of(code: &str, date: &str) -> Duty {
    let lines = national::lines_under(data(), "KZ", code, day(date));
    assert_eq!(lines.len(), 1, "{code}: one line in force on {date}");
    lines[0]
        .duty
        .clone()
        .unwrap_or_else(|| panic!("{code}: rate parsed"))
}

fn av(p: f64) -> Duty {
    Duty::AdValorem(p)
}

fn sp(amount: f64, currency: &str, unit: QuantityUnit) -> Specific {
    Specific {
        amount,
        currency: currency.to_owned(),
        unit,
    }
}

const NOW: &str = "2026-11-23";

#[test]
fn thirty_lines_match_the_pdfs() {
    use QuantityUnit::*;
    let cases: Vec<(&str, &str, Duty)> = vec![
        // ru.61_2022_25.04.2022.pdf p. 12: "6109 10 000 0 – из хлопчатобумажной пряжи шт
        // 1,75 евро за 1 кг" (specific, per kg)
        ("6109100000", NOW, Duty::Specific(sp(1.75, "EUR", Kg))),
        // same page: "6109 90 900 0 – – прочие шт 1,75 евро за 1 кг"
        ("6109909000", NOW, Duty::Specific(sp(1.75, "EUR", Kg))),
        // same page: "6110 11 100 0 ... 10, но не менее 1,5 евро за 1 кг" (compound, max of)
        ("6110111000", NOW, Duty::MaxOf(10.0, sp(1.5, "EUR", Kg))),
        // ru.85_2022_08.03.2026.pdf p. 30: "8517 13 000 0 – – смартфоны шт 0"
        ("8517130000", NOW, av(0.0)),
        // ru.87_2022_22.01.2026.pdf p. 28: "8703 23 194 0 ... более 1500 см³, но не более
        // 1800 см³ шт 15"; "8703 23 193 0 автомобили, специально предназначенные для
        // медицинских целей шт 0"
        ("8703231940", NOW, av(15.0)),
        ("8703231930", NOW, av(0.0)),
        // p. 29: "8703 23 198 8 – прочие шт 12,5"; "8703 23 904 1 автомобили, с момента
        // выпуска которых прошло более 7 лет шт 1,6 евро за 1 см3 объема двигателя";
        // "8703 23 904 2 ... более 5 лет, но не более 7 лет шт 20, но не менее 0,36 евро за
        // 1 см3 объема двигателя"
        ("8703231988", NOW, av(12.5)),
        ("8703239041", NOW, Duty::Specific(sp(1.6, "EUR", Cm3))),
        ("8703239042", NOW, Duty::MaxOf(20.0, sp(0.36, "EUR", Cm3))),
        // p. 30: "8703 23 908 8 ... 20, но не менее 0,44 евро за 1 см3 объема двигателя"
        ("8703239088", NOW, Duty::MaxOf(20.0, sp(0.44, "EUR", Cm3))),
        // p. 113: "8708 99 970 9 – прочие – 5"
        ("8708999709", NOW, av(5.0)),
        // ru.22_2022_25.04.2022.pdf p. 6: "2203 00 010 0 – – в бутылках л 0,018 евро за 1 л";
        // "2204 10 110 0 – – – шампанское л 12,5"
        ("2203000100", NOW, Duty::Specific(sp(0.018, "EUR", L))),
        ("2204101100", NOW, av(12.5)),
        // p. 5: "2202 99 990 0 – 2 мас.% или более л 9, но не менее 0,042 евро за 1 л" with
        // the mark 63С) (notes_ett: 0 % from 28.03.2022 to 30.09.2022)
        ("2202999900", NOW, Duty::MaxOf(9.0, sp(0.042, "EUR", L))),
        ("2202999900", "2022-06-01", av(0.0)),
        // p. 21: "2208 30 110 0 – 2 л или менее", supplementary unit column "л 100% спирта",
        // rate column "1,4 евро за 1 л" (per litre of product, not of pure alcohol)
        ("2208301100", NOW, Duty::Specific(sp(1.4, "EUR", L))),
        // ru.34_2022_08.03.2026.pdf p. 3: "3401 11 000 1 – мыло туалетное ... – 4,5 плюс
        // 0,02 евро за 1 кг" (compound: the sum)
        ("3401110001", NOW, Duty::Compound(4.5, sp(0.02, "EUR", Kg))),
        // ru.64_2022.pdf p. 7: "6403 99 930 0 ... пар 1,25 евро за 1 пару"; "6404 11 000 0
        // – – спортивная обувь ... пар 0,47 евро за 1 пару"; p. 3: "6402 99 100 0 – с верхом
        // из резины пар 0,34 евро за 1 пару"
        ("6403999300", NOW, Duty::Specific(sp(1.25, "EUR", Pair))),
        ("6404110000", NOW, Duty::Specific(sp(0.47, "EUR", Pair))),
        ("6402991000", NOW, Duty::Specific(sp(0.34, "EUR", Pair))),
        // ru.01_2022_25.04.2022.pdf p. 6: "0106 41 000 1 – матки пчелиные шт 5" with 63С)
        // (rate 5, footnote 63: 0 % from 28.03.2022 to 30.09.2022); p. 2: "0102 21 100 0
        // нетели шт 0"
        ("0106410001", NOW, av(5.0)),
        ("0106410001", "2022-09-30", av(0.0)),
        ("0106410001", "2022-10-01", av(5.0)),
        ("0102211000", NOW, av(0.0)),
        // ru.08_2022_28.07.2024.pdf p. 9: "0813 20 000 0 – чернослив – 5" with 63С); p. 5:
        // "0806 20 100 0 – – коринка – 5" with 63С), "0806 20 300 0 – – султана – 5"
        ("0813200000", NOW, av(5.0)),
        ("0806201000", "2022-04-01", av(0.0)),
        ("0806203000", "2022-04-01", av(5.0)),
        // ru.04_2022_25.04.2022.pdf p. 10: "0404 10 020 0 не более 1,5 мас.% – 10" with 63С)
        ("0404100200", NOW, av(10.0)),
        // ru.20_2022_12.06.2025.pdf p. 11: "2007 99 500 4 – грушевое пюре – 10" with 103С)
        // (0 % from the entry into force of EEC Council Decision No. 44 of 2 June 2025 to
        // 30.06.2027); p. 24: "2008 99 490 1 – бананы – 6" with 104С) (0 % to 30.06.2028)
        ("2007995004", NOW, av(0.0)),
        ("2007995004", "2027-06-30", av(0.0)),
        ("2007995004", "2027-07-01", av(10.0)),
        ("2008994901", NOW, av(0.0)),
        ("2008994901", "2028-07-01", av(6.0)),
        // ru.39_2022_08.03.2026.pdf p. 11: "3906 90 900 3 – суперабсорбенты для производства
        // подгузников – 6,5" with 82С) (0 % to 31.12.2026); p. 21: "3918 10 100 0 ... м2
        // 6,5, но не менее 0,096 евро за 1 кг"
        ("3906909003", NOW, av(0.0)),
        ("3906909003", "2027-01-01", av(6.5)),
        ("3918101000", NOW, Duty::MaxOf(6.5, sp(0.096, "EUR", Kg))),
        // ru.40_2022_08.03.2026.pdf p. 4: "4002 11 000 1 для производства ковров5) – 5" with
        // 101С) (0 % from 01.01.2025 to 31.12.2027)
        ("4002110001", NOW, av(0.0)),
        ("4002110001", "2028-01-01", av(5.0)),
        // ru.02_2022.pdf p. 9: "0201 10 000 1 ... – 15"; p. 30: "0207 14 200 1 ... – 25, но
        // не менее 0,2 евро за 1 кг"
        ("0201100001", NOW, av(15.0)),
        ("0207142001", NOW, Duty::MaxOf(25.0, sp(0.2, "EUR", Kg))),
        // ru.24_2022.pdf p. 2: "2402 20 900 0 – – прочие 1000 шт 2 евро за 1000 шт"
        ("2402209000", NOW, Duty::Specific(sp(0.002, "EUR", Unit))),
        // ru.17_2022_08.03.2026.pdf p. 16: "1701 99 100 1 – с 1 января по 30 июня – 340
        // долларов США за 1000 кг"
        ("1701991001", NOW, Duty::Specific(sp(0.34, "USD", Kg))),
        // ru.30_2022_08.03.2026.pdf p. 11: "3004 90 000 2 – – – прочие – 3"
        ("3004900002", NOW, av(3.0)),
    ];
    let distinct: std::collections::BTreeSet<&str> = cases.iter().map(|c| c.0).collect();
    assert!(distinct.len() >= 30, "{} lines", distinct.len());
    for (code, date, expected) in cases {
        let got = duty_of(code, date);
        match (&got, &expected) {
            (Duty::Specific(a), Duty::Specific(b))
            | (Duty::MaxOf(_, a), Duty::MaxOf(_, b))
            | (Duty::Compound(_, a), Duty::Compound(_, b)) => {
                assert!(
                    (a.amount - b.amount).abs() < 1e-12
                        && a.currency == b.currency
                        && a.unit == b.unit,
                    "{code} on {date}: {got:?} != {expected:?}"
                );
                if let (Duty::MaxOf(p, _), Duty::MaxOf(q, _))
                | (Duty::Compound(p, _), Duty::Compound(q, _)) = (&got, &expected)
                {
                    assert_eq!(p, q, "{code} on {date}");
                }
            }
            _ => assert_eq!(got, expected, "{code} on {date}"),
        }
    }
}

#[test]
fn the_table_is_complete_enough() {
    let d = data();
    let all: std::collections::BTreeSet<&str> = d
        .national
        .iter()
        .filter(|l| l.importer == "EAEU")
        .map(|l| l.hs.as_str())
        .collect();
    let parsed: std::collections::BTreeSet<&str> = d
        .national
        .iter()
        .filter(|l| l.importer == "EAEU" && l.duty.is_some())
        .map(|l| l.hs.as_str())
        .collect();
    assert!(
        parsed.len() >= 13_000,
        "{} lines with a parsed rate",
        parsed.len()
    );
    assert!(all.len() >= parsed.len());
    // Every line cites its chapter PDF and page.
    assert!(d
        .national
        .iter()
        .all(|l| l.source.contains("PDF ru.") && l.source.contains(", p. ")));
}

fn request(hs: &str, value: f64, dest: &str) -> CostRequest {
    CostRequest {
        hs: hs.to_owned(),
        value,
        currency: "USD".to_owned(),
        incoterm: Incoterm::Cif,
        origin: "CN".to_owned(),
        destination: dest.to_owned(),
        date: day(NOW),
        shipment: ShipmentKind::Commercial,
        weight_kg: None,
        net_weight_kg: None,
        quantity: None,
        pairs: None,
        litres: None,
        engine_cm3: None,
        area_m2: None,
        transport: Transport::default(),
        claim_preference: true,
        fx: Vec::new(),
    }
}

fn line_amount(r: &caravan_cost::LandedCost, kind: &str) -> Option<f64> {
    r.lines
        .iter()
        .find(|l| l.kind == kind)
        .and_then(|l| l.amount)
}

#[test]
fn cotton_t_shirts_to_kazakhstan() {
    let mut req = request("6109100000", 10_000.0, "KZ");
    req.weight_kg = Some(500.0);
    let r = engine().compute(&req).unwrap();
    // 500 kg x 1.75 EUR = 875 EUR = 875 / 0.8587 = 1018.98 USD.
    assert_eq!(line_amount(&r, "duty"), Some(1018.98));
    assert_eq!(r.duty_basis.level, "national_line");
    let duty = r.lines.iter().find(|l| l.kind == "duty").unwrap();
    assert!(
        duty.source.contains("ru.61_2022_25.04.2022.pdf, p. 12"),
        "{}",
        duty.source
    );
    // VAT 16 % on customs value + duty: (10000 + 1018.98) x 0.16 = 1763.04.
    assert_eq!(line_amount(&r, "vat"), Some(1763.04));
    assert!(r.warnings.iter().any(|w| w.contains("Decision No. 59")));
    assert!(r.warnings.iter().any(|w| w.contains("NET weight")));
    // Net weight given: no warning, and it is the one used.
    req.net_weight_kg = Some(400.0);
    let r = engine().compute(&req).unwrap();
    // 400 x 1.75 / 0.8587 = 815.19
    assert_eq!(line_amount(&r, "duty"), Some(815.19));
    assert!(!r.warnings.iter().any(|w| w.contains("NET weight")));
}

#[test]
fn a_missing_quantity_is_asked_for_by_name() {
    let r = engine()
        .compute(&request("6404110000", 1000.0, "RU"))
        .unwrap();
    assert_eq!(line_amount(&r, "duty"), None);
    let why = &r.unknown.iter().find(|u| u.item == "duty").unwrap().reason;
    assert!(why.contains("pair") && why.contains("pairs"), "{why}");
    let mut req = request("6404110000", 1000.0, "RU");
    req.pairs = Some(100.0);
    let r = engine().compute(&req).unwrap();
    // 100 pairs x 0.47 EUR = 47 EUR = 54.73 USD.
    assert_eq!(line_amount(&r, "duty"), Some(54.73));
}

#[test]
fn used_car_compound_takes_the_higher_part() {
    let mut req = request("8703239042", 10_000.0, "KG");
    req.engine_cm3 = Some(2000.0);
    let r = engine().compute(&req).unwrap();
    // 20 % of 10000 = 2000 USD; 0.36 EUR x 2000 cm3 = 720 EUR = 838.48 USD: 2000 wins.
    assert_eq!(line_amount(&r, "duty"), Some(2000.0));
    req.value = 3000.0;
    let r = engine().compute(&req).unwrap();
    // 20 % of 3000 = 600 < 838.48.
    assert_eq!(line_amount(&r, "duty"), Some(838.48));
}

#[test]
fn a_short_code_over_different_lines_lists_them() {
    let mut req = request("870323", 20_000.0, "KZ");
    req.engine_cm3 = Some(2000.0);
    let r = engine().compute(&req).unwrap();
    assert_eq!(line_amount(&r, "duty"), None, "no line silently picked");
    assert!(r.national_lines.len() > 5);
    assert!(r.national_lines.iter().any(|l| l.hs == "8703239041"));
    let range = r.duty_range.as_ref().unwrap();
    // 0 % (medical) to 1.6 EUR x 2000 cm3 = 3726.56 USD or more (2.2 EUR/cm3: 5123.99).
    assert_eq!(range.min_usd, 0.0);
    assert!(range.max_usd >= 3726.56, "{range:?}");
    let why = &r.unknown.iter().find(|u| u.item == "duty").unwrap().reason;
    assert!(why.contains("10-digit"), "{why}");
    // A code whose lines all carry one rate needs no more digits.
    let r = engine().compute(&request("851713", 1000.0, "KZ")).unwrap();
    assert_eq!(line_amount(&r, "duty"), Some(0.0));
}

#[test]
fn search_in_russian_and_english() {
    let d = data();
    let today = day(NOW);
    let ru = national::search(d, "футболки", today, 10);
    assert!(ru.iter().any(|m| m.hs == "6109100000"), "{ru:?}");
    let en = national::search(d, "cotton t-shirts", today, 10);
    assert_eq!(en[0].hs, "6109100000", "{en:?}");
    let phone = national::search(d, "smartphone", today, 5);
    assert_eq!(phone[0].hs, "8517130000");
    let shoes = national::search(d, "sneakers", today, 5);
    assert!(
        shoes.iter().all(|m| m.hs.starts_with("640411")),
        "{shoes:?}"
    );
}

#[test]
fn member_exceptions_name_the_right_act_with_its_source() {
    // Acts and quotes: data/curated/landed/eaeu_national_exceptions.csv.
    let warn = |dest: &str, date: &str| -> Vec<String> {
        let mut req = request("8517130000", 1_000.0, dest);
        req.date = day(date);
        engine().compute(&req).unwrap().warnings
    };
    let kz = warn("KZ", NOW);
    assert!(
        kz.iter()
            .any(|w| w.contains("Decision No. 59 of 14 October 2015")
                && w.contains("cis-legislation.com")),
        "{kz:#?}"
    );
    let kg = warn("KG", NOW);
    assert!(
        kg.iter()
            .any(|w| w.contains("Annex 2 to the Protocol of 8 May 2015")
                && w.contains("Protocol of 14 April 2020")),
        "{kg:#?}"
    );
    // Armenia's transitional list was reported to end in 2022: in force before, a softer
    // warning after.
    let am_2022 = warn("AM", "2022-06-01");
    assert!(
        am_2022
            .iter()
            .any(|w| w.contains("Annex 4 to the Treaty of 10 October 2014")
                && w.contains("rate shown is the common tariff's")),
        "{am_2022:#?}"
    );
    let am_now = warn("AM", NOW);
    assert!(
        am_now
            .iter()
            .any(|w| w.contains("reported to run until 2022-12-31")),
        "{am_now:#?}"
    );
    // Belarus and Russia have no such list in the data.
    for dest in ["BY", "RU"] {
        assert!(
            !warn(dest, NOW)
                .iter()
                .any(|w| w.contains("rates other than the ETT")),
            "{dest}"
        );
    }
}

#[test]
fn every_curated_exception_act_has_a_date_source_and_quote() {
    let ex = &data().exceptions;
    let mut countries: Vec<&str> = ex.iter().map(|e| e.importer.as_str()).collect();
    countries.sort_unstable();
    assert_eq!(countries, ["AM", "KG", "KZ"]);
    for e in ex {
        assert!(e.source_url.starts_with("http"), "{}", e.act);
        assert!(e.quote.len() > 40, "{}", e.act);
        // No line rates are curated: the lists were not available (see the file's
        // list_available column); a rate would need its own source.
        assert_eq!(e.lines_curated, 0, "{}", e.act);
    }
}

#[test]
fn a_tariff_quota_line_states_its_condition_and_the_other_rate() {
    // ru.02_2022.pdf, additional EAEU note 3 to group 02: 0201 10 000 1 is beef "в отношении
    // которого установлена тарифная квота, при наличии лицензии"; 0201 10 000 8 ("прочие") is
    // printed "50, но не менее 1 евро за 1 кг".
    let mut req = request("0201100001", 10_000.0, "RU");
    req.weight_kg = Some(2_000.0);
    let w = engine().compute(&req).unwrap().warnings;
    assert!(
        w.iter().any(|x| x.contains("holds only for goods imported")
            && x.contains("тарифная квота")
            && x.contains("0201100008 '50, но не менее 1 евро за 1 кг'")),
        "{w:#?}"
    );
    let mut req = request("0201100008", 10_000.0, "RU");
    req.weight_kg = Some(2_000.0);
    let w = engine().compute(&req).unwrap().warnings;
    assert!(
        w.iter().any(
            |x| x.contains("not imported under the tariff's additional note")
                && x.contains("0201100001 '15'")
        ),
        "{w:#?}"
    );
    // A line without such a sibling says nothing of it.
    let w = engine()
        .compute(&request("8517130000", 1_000.0, "RU"))
        .unwrap()
        .warnings;
    assert!(!w.iter().any(|x| x.contains("additional note")), "{w:#?}");
}

#[test]
fn a_conditional_line_names_the_line_for_goods_that_do_not_meet_the_condition() {
    // ru.02_2022.pdf: 0201 10 000 3 "высококачественная говядина" 15 with mark 12) (quality
    // confirmed by an authorised body); its sibling 0201 10 000 8 "прочие" is printed
    // "50, но не менее 1 евро за 1 кг".
    let mut req = request("0201100003", 10_000.0, "RU");
    req.weight_kg = Some(2_000.0);
    let w = engine().compute(&req).unwrap().warnings;
    assert!(
        w.iter().any(|x| x.contains("condition of note 12)")
            && x.contains("0201100008 '50, но не менее 1 евро за 1 кг'")),
        "{w:#?}"
    );
    assert!(w.iter().any(|x| x.contains("12) condition:")), "{w:#?}");
}
