//! Builds the hierarchy on the shipped network and prints its size and timings.
//! cargo run --release -p caravan-route --example cch_probe
use std::path::PathBuf;
use std::time::Instant;

use caravan_net::Network;
use caravan_route::{Criterion, Location, RouteRequest, Router};

fn main() {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let t = Instant::now();
    let net = Network::load_dir(&data).expect("network");
    println!("load {:?}", t.elapsed());
    let t = Instant::now();
    let router = Router::new(net);
    println!("router {:?}", t.elapsed());
    let t = Instant::now();
    router.ensure_hierarchy();
    println!(
        "hierarchy {:?} stats {:?}",
        t.elapsed(),
        router.hierarchy_stats()
    );
    let img = router.hierarchy_image();
    println!("image {} bytes", img.len());
    for c in [
        Criterion::Generalized,
        Criterion::Fastest,
        Criterion::Cheapest,
        Criterion::Greenest,
    ] {
        let req = RouteRequest {
            from: Location::Place("Tashkent".into()),
            to: Location::Place("Karachi".into()),
            optimize: c,
            ..RouteRequest::default()
        };
        let t = Instant::now();
        let s = router.customize_for(&req);
        println!("customize {:?}: {:?} {:?}", c, s, t.elapsed());
    }
    let mut req = RouteRequest {
        from: Location::Place("Tashkent".into()),
        to: Location::Place("Karachi".into()),
        ..RouteRequest::default()
    };
    req.scenario.close_bcps.push("torkham".into());
    let t = Instant::now();
    println!(
        "scenario {:?} {:?}",
        router.customize_for(&req),
        t.elapsed()
    );
    let t = Instant::now();
    let r = router.route(&req).expect("route");
    println!(
        "route (cached) {:?} {} km",
        t.elapsed(),
        r.routes[0].summary.distance_km
    );
}
