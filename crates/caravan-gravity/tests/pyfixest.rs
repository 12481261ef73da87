//! caravan-gravity against PyPI pyfixest on the same data (fixture made by
//! tools/gravity/pyfixest_reference.py): coefficients to 1e-6, standard errors to 1e-4.
//! The ch. 2 panel models read ../shared/data and are skipped, with a message, without it.

use std::path::{Path, PathBuf};

use caravan_gravity::{estimate, Formula, PpmlOptions, Table, VcovSpec};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn data_path(rel: &str) -> PathBuf {
    match rel.strip_prefix("../shared/") {
        Some(r) => root().join("../../../shared").join(r),
        None => root().join(rel),
    }
}

#[test]
fn coefficients_and_standard_errors_match_pyfixest() {
    let text = std::fs::read_to_string(root().join("tests/fixtures/pyfixest_reference.json"))
        .expect("fixture");
    let reference: serde_json::Value = serde_json::from_str(&text).expect("json");
    let mut checked = 0;
    for m in reference["models"].as_array().expect("models") {
        let path = data_path(m["data"].as_str().unwrap());
        if !path.exists() {
            eprintln!(
                "skipping {} ({}): {} not found",
                m["name"],
                m["formula"],
                path.display()
            );
            continue;
        }
        let table = Table::read_csv_path(&path, None).expect("read");
        let formula = Formula::parse(m["formula"].as_str().unwrap()).expect("formula");
        let opts = PpmlOptions {
            vcov: match m["cluster"].as_str() {
                Some(c) => VcovSpec::Cluster(c.to_string()),
                None => VcovSpec::Hetero,
            },
            ..PpmlOptions::default()
        };
        let est = estimate(&table, &formula, &opts).expect("estimate");
        assert_eq!(
            est.n_obs as u64,
            m["n_obs"].as_u64().unwrap(),
            "{}: {:?}",
            m["name"],
            est.dropped
        );
        for (term, b) in m["coef"].as_object().unwrap() {
            let c = est
                .coefficient(term)
                .unwrap_or_else(|| panic!("no term {term}"));
            let se = m["se"][term].as_f64().unwrap();
            let b = b.as_f64().unwrap();
            eprintln!(
                "{} {:?} {term}: caravan {:.9} ({:.7}) pyfixest {b:.9} ({se:.7})",
                m["name"], m["cluster"], c.estimate, c.std_error
            );
            assert!(
                (c.estimate - b).abs() < 1e-6,
                "{term}: {} vs {b}",
                c.estimate
            );
            assert!(
                (c.std_error - se).abs() < 1e-4,
                "{term} se: {} vs {se}",
                c.std_error
            );
        }
        checked += 1;
    }
    assert!(checked >= 2, "the synthetic models always run");
}
