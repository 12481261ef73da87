//! Route queries on the shipped network: the README's worked examples end to end (place
//! resolution, search, result building), and alternatives.
//!
//! cargo bench -p caravan-route --bench route

use std::path::PathBuf;

use caravan_net::{Layer, Network};
use caravan_route::{Criterion as Optimize, Location, RouteRequest, Router};
use criterion::{criterion_group, criterion_main, Criterion};

fn router() -> Router {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data");
    Router::new(Network::load_dir(&data).expect("shipped network"))
}

fn request(from: &str, to: &str, modes: &[Layer], alternatives: usize) -> RouteRequest {
    RouteRequest {
        from: Location::Place(from.into()),
        to: Location::Place(to.into()),
        modes: modes.to_vec(),
        optimize: Optimize::Generalized,
        alternatives,
        ..RouteRequest::default()
    }
}

fn bench(c: &mut Criterion) {
    let r = router();
    let cases = [
        (
            "tashkent_karachi_road",
            request("Tashkent", "Karachi", &[Layer::Road], 0),
        ),
        (
            "almaty_urumqi_rail",
            request("Almaty", "Urumqi", &[Layer::Rail], 0),
        ),
        (
            "tashkent_nhava_sheva_any",
            request("Tashkent", "Nhava Sheva", &[], 0),
        ),
        ("urumqi_tbilisi_any", request("Urumqi", "Tbilisi", &[], 0)),
        (
            "lianyungang_almaty_rail",
            request("Lianyungang", "Almaty", &[Layer::Rail], 0),
        ),
        (
            "tashkent_karachi_road_3_alternatives",
            request("Tashkent", "Karachi", &[Layer::Road], 3),
        ),
    ];
    let mut g = c.benchmark_group("route");
    g.sample_size(20);
    for (name, req) in &cases {
        r.route(req).expect(name);
        g.bench_function(*name, |b| b.iter(|| r.route(req).unwrap()));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
