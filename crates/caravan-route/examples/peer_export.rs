//! Exports the state graph under one request's weights, picks 1,000 random node pairs (fixed
//! seed) and times Caravan's A* and Dijkstra on them, so that `benches/scipy_compare.py` can
//! run the very same queries through `scipy.sparse.csgraph.dijkstra` and compare.
//!
//! cargo run --release -p caravan-route --example peer_export -- [OUT_DIR] [QUERIES]

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use caravan_net::{Layer, Network};
use caravan_route::{Criterion, Location, RouteRequest, Router};
use rand::{Rng, SeedableRng};

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
        "source,target,weight,astar_us,astar_settled,dijkstra_us,dijkstra_settled"
    )?;
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
        writeln!(csv, "{s},{t},{wa},{ta:.1},{na},{td:.1},{nd}")?;
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
