//! `--tariff FILE`: a user's schedule in Caravan's columns or as WITS / TRAINS writes it
//! (fixtures and where their layout comes from: `tests/fixtures/wits/README.md`).

use std::path::Path;

use caravan_cost::{read_user_schedule, CostData, CostEngine, CostRequest, Duty, ScheduleLayout};

fn fixture(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/wits")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn engine_with(text: &str, importer: &str) -> CostEngine {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let data = CostData::load_dir(&dir).expect("shipped landed-cost data loads");
    let s = read_user_schedule("user.csv", text, Some(importer)).expect("schedule reads");
    CostEngine::new(data).with_user_schedule(s.lines)
}

/// A CIF request from China with 500 kg, as the HTTP API takes it (defaults for the rest).
fn request(hs: &str, dest: &str, date: &str) -> CostRequest {
    serde_json::from_value(serde_json::json!({
        "hs": hs, "value": 10_000.0, "incoterm": "CIF", "origin": "CN",
        "destination": dest, "date": date, "weight_kg": 500.0,
    }))
    .expect("a valid request")
}

fn err(text: &str) -> String {
    read_user_schedule("user.csv", text, Some("KZ"))
        .map(|s| format!("unexpectedly read {} lines", s.lines.len()))
        .unwrap_or_else(|e| e.to_string())
}

#[test]
fn a_wits_tariff_export_reads_mfn_rows_and_leaves_out_the_others() {
    let s = read_user_schedule("tta.csv", &fixture("tta_kaz_2022.csv"), Some("KZ")).unwrap();
    assert_eq!(s.layout, ScheduleLayout::WitsTariffAnalysis);
    let codes: Vec<(&str, String)> = s
        .lines
        .iter()
        .map(|l| (l.hs.as_str(), l.validity.describe()))
        .collect();
    assert_eq!(
        codes,
        [
            ("010121", "from 2022-01-01".to_owned()),
            ("610910", "2021-01-01 to 2021-12-31".to_owned()),
            ("610910", "from 2022-01-01".to_owned()),
            ("851713", "from 2022-01-01".to_owned()),
        ]
    );
    assert!(s.lines.iter().all(|l| l.importer == "KZ"));
    let tee = &s.lines[2];
    assert_eq!(tee.duty, Duty::AdValorem(9.5));
    assert!(
        tee.source.contains("tta.csv, line 4") && tee.source.contains("Kazakhstan (398)"),
        "{}",
        tee.source
    );
    assert!(tee.notes.contains("range from 8% to 11%"), "{}", tee.notes);
    assert_eq!(s.skipped.len(), 2, "{:?}", s.skipped);
    assert!(s
        .skipped
        .iter()
        .any(|x| x.starts_with("1 row(s)") && x.contains("AHS")));
    assert!(s.skipped.iter().any(|x| x.contains("BND")));
}

#[test]
fn a_wits_bulk_avemfn_file_reads_and_a_preferential_one_is_refused() {
    let s = read_user_schedule("ave.csv", &fixture("avemfn_kaz_2022.csv"), Some("KZ")).unwrap();
    assert_eq!(s.layout, ScheduleLayout::WitsBulkMfn);
    assert_eq!(s.lines.len(), 3);
    assert_eq!(s.lines[1].hs, "610910");
    assert_eq!(s.lines[1].duty, Duty::AdValorem(9.5));
    assert!(s.lines[1].notes.contains("not the rate of any one line"));
    let pref = "NomenCode,Reporter_ISO_N,Year,ProductCode,Partner,Sum_Of_Rates,Min_Rate,Max_Rate,\
                SimpleAverage,TotalNoOfLines,Nbr_Pref_Lines,Nbr_MFN_Lines,Nbr_NA_Lines,EstCode\n\
                H6,398,2022,610910,156,0,0,0,0,3,3,0,0,\n";
    let e = err(pref);
    assert!(
        e.contains("user.csv:2") && e.contains("`Partner`") && e.contains("AVEPref"),
        "{e}"
    );
}

#[test]
fn malformed_wits_rows_name_the_line_and_the_field() {
    let head = "Reporter,Reporter Name,Product,Product Name,Tariff Year,DutyType,Simple Average\n";
    let ok = "398,Kazakhstan,610910,T-shirts,2022,MFN,9.5\n";
    let cases = [
        (
            "398,Kazakhstan,610910,T-shirts,2022,MFN,abc\n",
            "`Simple Average`",
        ),
        (
            "398,Kazakhstan,610910,T-shirts,2022,MFN,-3\n",
            "`Simple Average`",
        ),
        (
            "398,Kazakhstan,01-05_Animal,Animal,2022,MFN,4\n",
            "`Product`",
        ),
        (
            "398,Kazakhstan,610910,T-shirts,22,MFN,9.5\n",
            "`Tariff Year`",
        ),
        (
            "398,Kazakhstan,610910,T-shirts,2022,XYZ,9.5\n",
            "`DutyType`",
        ),
        (
            "417,Kyrgyzstan,610910,T-shirts,2022,MFN,9.5\n",
            "`Reporter`",
        ),
        (
            "398,Kazakhstan,610910,T-shirts,2022,MFN,7\n",
            "`Simple Average`",
        ),
    ];
    for (row, field) in cases {
        let e = err(&format!("{head}{ok}{row}"));
        assert!(e.contains("user.csv:3") && e.contains(field), "{row}: {e}");
    }
    // A ragged row is a CSV error on its line.
    let e = err(&format!("{head}{ok}398,Kazakhstan,610910\n"));
    assert!(e.contains("user.csv:3") || e.contains("line 3"), "{e}");
    // `Duty Type` with a space (as the WITS help spells it) is read too.
    let spaced = head.replace("DutyType", "Duty Type");
    assert_eq!(
        read_user_schedule("u.csv", &format!("{spaced}{ok}"), Some("KZ"))
            .unwrap()
            .lines
            .len(),
        1
    );
    // Only bound or applied-preferential rows: nothing to use.
    let s = read_user_schedule(
        "u.csv",
        &format!("{head}398,Kazakhstan,610910,T-shirts,2022,BND,12\n"),
        Some("KZ"),
    )
    .unwrap();
    assert!(s.lines.is_empty() && s.skipped.len() == 1);
}

#[test]
fn caravan_columns_still_read() {
    let text = "hs,duty_kind,ad_valorem_pct,specific_amount,specific_currency,specific_unit\n\
                6109,ad_valorem,12,,,\n";
    let s = read_user_schedule("own.csv", text, Some("KZ")).unwrap();
    assert_eq!(s.layout, ScheduleLayout::Caravan);
    assert_eq!(s.lines[0].duty, Duty::AdValorem(12.0));
    let e = err("hs,duty_kind\n6109,flat\n");
    assert!(e.contains("user.csv:2") && e.contains("`duty_kind`"), "{e}");
}

#[test]
fn the_engine_uses_the_wits_mfn_rate_and_says_it_is_an_average() {
    let engine = engine_with(&fixture("tta_kaz_2022.csv"), "KZ");
    let r = engine
        .compute(&request("6109100000", "KZ", "2026-03-01"))
        .unwrap();
    assert_eq!(r.duty_basis.level, "user_schedule");
    assert_eq!(r.duty_basis.rate.as_deref(), Some("9.5%"));
    assert!(r.duty_basis.source.contains("WITS / TRAINS tariff export"));
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("not the rate of any one line")),
        "{:#?}",
        r.warnings
    );
    // 2021: the 2021 row (10%) is in force.
    let r = engine
        .compute(&request("6109100000", "KZ", "2021-06-01"))
        .unwrap();
    assert_eq!(r.duty_basis.rate.as_deref(), Some("10%"));
    // Another importer is not touched by a Kazakhstan schedule loaded for KZ.
    let r = engine
        .compute(&request("6109100000", "RU", "2026-03-01"))
        .unwrap();
    assert_ne!(r.duty_basis.level, "user_schedule");
}
