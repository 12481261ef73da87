//! PPML-HDFE on the Advanced Guide ch. 2 panel (28,566 flows, three sets of fixed effects) when
//! ../shared/data is beside the repository; skipped with a message otherwise.
use std::path::Path;

use caravan_gravity::{estimate, Formula, PpmlOptions, Table};
use criterion::{criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/agtpa_ch2_rta_panel_1986_2006.csv");
    if !path.exists() {
        eprintln!("skipping: {} not found", path.display());
        return;
    }
    let table = Table::read_csv_path(&path, None).expect("read panel");
    let mut g = c.benchmark_group("ppml");
    g.sample_size(10);
    for (name, f) in [
        (
            "ch2_three_fe",
            "trade ~ RTA | exporter^year + importer^year + exporter^importer",
        ),
        (
            "ch2_two_fe",
            "trade ~ log(DIST) + CNTG + LANG + CLNY + RTA | exporter^year + importer^year",
        ),
    ] {
        let formula = Formula::parse(f).expect("formula");
        g.bench_function(name, |b| {
            b.iter(|| estimate(&table, &formula, &PpmlOptions::default()).expect("fit"))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
