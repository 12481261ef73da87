//! The contraction hierarchy on the shipped network: a point-to-point query on a cached
//! metric, a full customization, a re-customization after closing one crossing, and a
//! 100 x 100 matrix. Side-by-side figures against peers: benches/peer_compare.py.
//!
//! cargo bench -p caravan-route --bench hierarchy

use std::path::PathBuf;

use caravan_net::Network;
use caravan_route::{
    Criterion as Optimize, Engine, Location, MatrixOptions, MatrixRequest, RouteRequest, Router,
};
use criterion::{criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let router = Router::new(Network::load_dir(&data).expect("shipped network"))
        .with_engine(Engine::Hierarchy);
    router.ensure_hierarchy();
    let req = RouteRequest {
        from: Location::Place("Tashkent".into()),
        to: Location::Place("Karachi".into()),
        optimize: Optimize::Generalized,
        ..RouteRequest::default()
    };
    router.route(&req).expect("route");
    let nodes = router.graph_size().0 as u32;
    let mut g = c.benchmark_group("hierarchy");
    g.sample_size(20);
    let mut k = 0u32;
    g.bench_function("query_cached_metric", |b| {
        b.iter(|| {
            k = k.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let (s, t) = (k % nodes, (k / 7 + 99_991) % nodes);
            router.node_to_node_hierarchy(&req, s, t).expect("query")
        })
    });
    g.bench_function("route_tashkent_karachi_cached_metric", |b| {
        b.iter(|| router.route(&req).expect("route"))
    });
    let mut tonnes = 1.0;
    g.bench_function("customize_generalized", |b| {
        b.iter(|| {
            tonnes += 1.0;
            router
                .customize_for(&RouteRequest {
                    cargo_tonnes: tonnes,
                    ..req.clone()
                })
                .expect("customize")
        })
    });
    let places: Vec<Location> = router
        .network()
        .places
        .iter()
        .filter(|p| p.population.unwrap_or(0) >= 200_000)
        .map(|p| Location::Place(p.id.clone()))
        .collect();
    let m = MatrixRequest {
        sources: places.iter().take(100).cloned().collect(),
        targets: places.iter().rev().take(100).cloned().collect(),
        pairs: None,
        options: MatrixOptions::from_route(&req),
    };
    g.bench_function("matrix_100x100", |b| {
        b.iter(|| router.matrix(&m).expect("matrix"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
