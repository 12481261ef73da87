//! The contraction hierarchy on the shipped network: a point-to-point query on a cached
//! metric, a full customization, a re-customization with a planned project switched on, and
//! 100 x 100 matrices on the base and on the project's metric. Side-by-side figures against peers: benches/peer_compare.py.
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
        corridor_keys: false,
        options: MatrixOptions::from_route(&req),
    };
    g.bench_function("matrix_100x100", |b| {
        b.iter(|| router.matrix(&m).expect("matrix"))
    });
    // A planned project switched on: its dormant arcs get weights, re-customized from a
    // cached metric (each iteration also nudges one crossing's wait, so the metric is new).
    let mut factor = 1.0;
    g.bench_function("recustomize_project_scenario", |b| {
        b.iter(|| {
            factor += 1e-3;
            let mut r = req.clone();
            r.scenario.projects = vec!["trans-afghan-railway".into()];
            r.scenario.bcp_changes = vec![caravan_route::BcpChange {
                bcp: "khorgos".into(),
                wait_factor: Some(factor),
                ..Default::default()
            }];
            router.customize_for(&r).expect("customize")
        })
    });
    let mut with_project = m.clone();
    with_project.options.scenario.projects = vec!["trans-afghan-railway".into()];
    router.matrix(&with_project).expect("matrix");
    g.bench_function("matrix_100x100_project_scenario", |b| {
        b.iter(|| router.matrix(&with_project).expect("matrix"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
