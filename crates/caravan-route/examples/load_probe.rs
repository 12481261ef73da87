//! Times opening the compiled network file (`caravan build` writes it) against loading the
//! CSV: `cargo run --release -p caravan-route --example load_probe`.
use std::time::Instant;

fn main() {
    let dir = std::path::Path::new("data");
    let bytes = std::fs::read(dir.join("network/caravan.compiled")).expect("run `caravan build`");
    for _ in 0..3 {
        let t = Instant::now();
        let sum = caravan_net::inputs_checksum(dir).unwrap();
        let t_sum = t.elapsed();
        let t = Instant::now();
        let (router, _) = caravan_route::Router::from_compiled(bytes.clone(), sum).unwrap();
        let t_open = t.elapsed();
        let t = Instant::now();
        let csv = caravan_route::Router::new(caravan_net::Network::load_dir(dir).unwrap());
        let t_csv = t.elapsed();
        println!("checksum {t_sum:?}, compiled {t_open:?}, CSV {t_csv:?}");
        std::mem::forget((router, csv));
    }
}
