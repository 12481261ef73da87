//! Exports the state graph under one request's weights, picks 1,000 random node pairs (fixed
//! seed) and times Caravan's A* and Dijkstra on them, so that `benches/peer_compare.py` can
//! run the very same queries through `scipy.sparse.csgraph.dijkstra` and compare.
//!
//! It also builds the contraction hierarchy and times, on the same pairs and metric, its
//! queries (after one customization), its customization for each criterion, and matrices of
//! random places, writing `caravan.json` beside the queries.
//!
//! cargo run --release -p caravan-route --example peer_export -- [OUT_DIR] [QUERIES]

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use caravan_net::{Layer, Network};
use caravan_route::{Criterion, Location, RouteRequest, Router};
use rand::{Rng, SeedableRng};

fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let out = PathBuf::from(args.get(1).map_or("bench-out", String::as_str));
    let n_queries: usize = args.get(2).map_or(Ok(1000), |s| s.parse())?;
    std::fs::create_dir_all(&out)?;
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let net = Network::load_dir(&data)?;
    let router = Router::new(net);
    // All modes, generalized cost of a 20 t, USD 50,000 consignment: the default request.
    let req = RouteRequest {
        from: Location::Place("Tashkent".into()),
        to: Location::Place("Almaty".into()),
        optimize: Criterion::Generalized,
        ..RouteRequest::default()
    };
    let arcs = router.export_weighted_arcs(&req)?;
    let mut f = std::io::BufWriter::new(std::fs::File::create(out.join("arcs.bin"))?);
    for (t, h, w) in &arcs {
        f.write_all(&t.to_le_bytes())?;
        f.write_all(&h.to_le_bytes())?;
        f.write_all(&w.to_le_bytes())?;
    }
    f.flush()?;
    let nodes = router.graph_size().0;
    // Coordinates (f64 lat, lon per node) for peers that order the graph geometrically
    // (RoutingKit's inertial flow).
    let mut f = std::io::BufWriter::new(std::fs::File::create(out.join("latlon.bin"))?);
    for n in &router.network().nodes {
        f.write_all(&n.lat.to_le_bytes())?;
        f.write_all(&n.lon.to_le_bytes())?;
    }
    f.flush()?;
    // Random road nodes in the SCO / CAREC countries Caravan is for.
    let region = [
        "AF", "AM", "AZ", "CN", "GE", "IN", "IR", "KG", "KZ", "MN", "PK", "RU", "TJ", "TM", "TR",
        "UZ",
    ];
    let road: Vec<u32> = (0..nodes as u32)
        .filter(|&i| {
            let n = &router.network().nodes[i as usize];
            n.layer == Layer::Road && region.contains(&n.country.as_str())
        })
        .collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(20261123);
    let mut csv = std::io::BufWriter::new(std::fs::File::create(out.join("queries.csv"))?);
    writeln!(
        csv,
        "source,target,weight,astar_us,astar_settled,dijkstra_us,dijkstra_settled,cch_weight,cch_us"
    )?;
    let t0 = Instant::now();
    router.ensure_hierarchy();
    let hierarchy_build_s = t0.elapsed().as_secs_f64();
    // Our contraction order, so a peer can build its hierarchy on it and compare orders on
    // one implementation.
    let mut f = std::io::BufWriter::new(std::fs::File::create(out.join("order.bin"))?);
    for v in router.hierarchy_order().unwrap_or_default() {
        f.write_all(&v.to_le_bytes())?;
    }
    f.flush()?;
    // One customization for the request's metric before the timed queries (cached after).
    let t0 = Instant::now();
    router.node_to_node_hierarchy(&req, 0, 0)?;
    let first_customization_ms = t0.elapsed().as_secs_f64() * 1e3;
    let mut cch_times = Vec::new();
    let (mut astar_total, mut dijkstra_total) = (0.0, 0.0);
    let mut astar_times = Vec::new();
    for _ in 0..n_queries {
        let s = road[rng.gen_range(0..road.len())];
        let t = road[rng.gen_range(0..road.len())];
        let t0 = Instant::now();
        let a = router.node_to_node(&req, s, t, true)?;
        let ta = t0.elapsed().as_secs_f64() * 1e6;
        let t0 = Instant::now();
        let d = router.node_to_node(&req, s, t, false)?;
        let td = t0.elapsed().as_secs_f64() * 1e6;
        astar_total += ta;
        dijkstra_total += td;
        astar_times.push(ta);
        let w = |x: Option<(f64, usize)>| {
            x.map_or((String::from("inf"), 0), |(w, n)| (format!("{w:.9}"), n))
        };
        let ((wa, na), (wd, nd)) = (w(a), w(d));
        if wa != wd {
            eprintln!("A* and Dijkstra disagree on {s}->{t}: {wa} vs {wd}");
        }
        let t0 = Instant::now();
        let c = router.node_to_node_hierarchy(&req, s, t)?;
        let tc = t0.elapsed().as_secs_f64() * 1e6;
        cch_times.push(tc);
        let wc = c.map_or(String::from("inf"), |w| format!("{w:.9}"));
        writeln!(csv, "{s},{t},{wa},{ta:.1},{na},{td:.1},{nd},{wc},{tc:.1}")?;
    }
    csv.flush()?;
    astar_times.sort_by(f64::total_cmp);
    println!(
        "nodes {nodes}, arcs {}; {n_queries} queries: A* mean {:.0} us, median {:.0} us; Dijkstra (same code, no potential) mean {:.0} us",
        arcs.len(),
        astar_total / n_queries as f64,
        astar_times[n_queries / 2],
        dijkstra_total / n_queries as f64
    );
    std::fs::write(out.join("nodes.txt"), nodes.to_string())?;
    cch_times.sort_by(f64::total_cmp);
    // Customization per criterion: a fresh router each time would rebuild the hierarchy, so
    // each criterion is customized once on distinct cargo (no cache hit), timed, 5 times.
    let mut customization_ms = serde_json::Map::new();
    for c in [
        Criterion::Generalized,
        Criterion::Fastest,
        Criterion::Cheapest,
        Criterion::Greenest,
    ] {
        let mut times = Vec::new();
        for k in 0..5 {
            let r = RouteRequest {
                optimize: c,
                cargo_tonnes: 21.0 + k as f64,
                ..req.clone()
            };
            let t0 = Instant::now();
            let source = router.customize_for(&r)?;
            times.push(t0.elapsed().as_secs_f64() * 1e3);
            assert_eq!(source, caravan_route::MetricSource::Customized);
        }
        times.sort_by(f64::total_cmp);
        customization_ms.insert(c.as_str().into(), serde_json::json!(times[2]));
    }
    // A scenario that closes one crossing: re-customized from the cached metric.
    router.customize_for(&req)?; // back in the cache (the loop above filled it)
    let mut closed = req.clone();
    closed.scenario.close_bcps.push("ak-jol-korday".into());
    let t0 = Instant::now();
    let source = router.customize_for(&closed)?;
    let recustomize_ms = t0.elapsed().as_secs_f64() * 1e3;
    // Matrices between random places (cities and ports), after the metric is cached.
    let places: Vec<Location> = router
        .network()
        .places
        .iter()
        .filter(|p| region.contains(&p.country.as_str()))
        .map(|p| Location::Place(p.id.clone()))
        .collect();
    let mut matrix_ms = serde_json::Map::new();
    for size in [100usize, 1000] {
        let pick = |rng: &mut rand::rngs::StdRng| -> Vec<Location> {
            (0..size)
                .map(|_| places[rng.gen_range(0..places.len())].clone())
                .collect()
        };
        let m = caravan_route::MatrixRequest {
            sources: pick(&mut rng),
            targets: pick(&mut rng),
            pairs: None,
            corridor_keys: false,
            options: caravan_route::MatrixOptions::from_route(&req),
        };
        router.matrix(&m)?; // warm: metric and attributes
        let t0 = Instant::now();
        let r = router.matrix(&m)?;
        matrix_ms.insert(
            format!("{size}x{size}"),
            serde_json::json!({"ms": t0.elapsed().as_secs_f64() * 1e3, "unreachable": r.unreachable}),
        );
    }
    let (hn, ha, he, hh) = router.hierarchy_stats().unwrap_or_default();
    let summary = serde_json::json!({
        "hierarchy": {"nodes": hn, "arcs": ha, "edges": he, "elimination_tree_height": hh, "build_s": hierarchy_build_s},
        "first_customization_ms": first_customization_ms,
        "customization_ms_median_of_5": customization_ms,
        "recustomize_one_closed_crossing_ms": recustomize_ms,
        "recustomize_source": format!("{source:?}"),
        "cch_query_us": {"median": cch_times[cch_times.len() / 2], "p99": cch_times[cch_times.len() * 99 / 100]},
        "matrix": matrix_ms,
        "threads": available_cores(),
    });
    std::fs::write(
        out.join("caravan.json"),
        serde_json::to_string_pretty(&summary)?,
    )?;
    println!("{}", serde_json::to_string_pretty(&summary)?);
    // Fixed per-query cost (request preparation), measured on empty queries.
    let t0 = Instant::now();
    for _ in 0..200 {
        router.node_to_node(&req, road[0], road[0], true)?;
    }
    println!(
        "per-query preparation: {:.0} us",
        t0.elapsed().as_secs_f64() * 1e6 / 200.0
    );
    Ok(())
}
