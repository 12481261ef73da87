//! A bounded load test on loopback: N clients send route requests for a fixed time and the
//! tool reports throughput, latency percentiles and errors.
//!
//! ```text
//! caravan serve --addr 127.0.0.1:8080 &
//! cargo run --release -p caravan-server --example loadtest -- http://127.0.0.1:8080 32 30
//! ```

use std::time::{Duration, Instant};

/// A mix of corridor questions users ask: single mode and any mode, short and region-wide.
const QUERIES: &[&str] = &[
    "/v1/route?from=Tashkent&to=Karachi&modes=road",
    "/v1/route?from=Almaty&to=Urumqi&modes=rail",
    "/v1/route?from=Tashkent&to=Almaty&modes=road",
    "/v1/route?from=Bishkek&to=Kashgar&modes=road",
    "/v1/route?from=Termez&to=Mazar-i-Sharif&modes=road",
    "/v1/route?from=Dushanbe&to=Tashkent&modes=road",
    "/v1/route?from=Ashgabat&to=Bandar%20Abbas&modes=road",
    "/v1/route?from=Baku&to=Tbilisi&modes=road,rail",
    "/v1/route?from=Tashkent&to=Karachi&modes=road&alternatives=2",
    "/v1/route?from=Lianyungang&to=Almaty&modes=rail",
    "/v1/route?from=Tashkent&to=Nhava%20Sheva",
    "/v1/route?from=Urumqi&to=Tbilisi",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let base = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "http://127.0.0.1:8080".into());
    let clients: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(32);
    let seconds: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(30);
    let deadline = Instant::now() + Duration::from_secs(seconds);

    let results: Vec<(Vec<f64>, usize, Vec<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..clients)
            .map(|c| {
                let base = base.clone();
                scope.spawn(move || {
                    let agent: ureq::Agent = ureq::Agent::config_builder()
                        .http_status_as_error(false)
                        .build()
                        .into();
                    let mut latencies = Vec::new();
                    let mut errors = 0;
                    let mut samples = Vec::new();
                    let mut i = c;
                    while Instant::now() < deadline {
                        let path = QUERIES[i % QUERIES.len()];
                        i += 1;
                        let t = Instant::now();
                        let outcome = agent
                            .get(&format!("{base}{path}"))
                            .call()
                            .map_err(|e| e.to_string())
                            .and_then(|mut r| {
                                let status = r.status().as_u16();
                                let body = r
                                    .body_mut()
                                    .with_config()
                                    .limit(64 << 20)
                                    .read_to_string()
                                    .map_err(|e| e.to_string())?;
                                if status == 200 {
                                    Ok(())
                                } else {
                                    Err(format!("{status} {}", &body[..body.len().min(200)]))
                                }
                            });
                        latencies.push(t.elapsed().as_secs_f64() * 1000.0);
                        if let Err(e) = outcome {
                            errors += 1;
                            if samples.len() < 3 {
                                samples.push(format!("{path}: {e}"));
                            }
                        }
                    }
                    (latencies, errors, samples)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("client thread"))
            .collect()
    });

    let mut all: Vec<f64> = results.iter().flat_map(|r| r.0.iter().copied()).collect();
    let errors: usize = results.iter().map(|r| r.1).sum();
    all.sort_by(f64::total_cmp);
    let pct = |p: f64| all[((all.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "clients {clients}, {seconds} s, {} requests, {:.0} req/s, errors {errors}",
        all.len(),
        all.len() as f64 / seconds as f64
    );
    if !all.is_empty() {
        println!(
            "latency ms: p50 {:.1}  p90 {:.1}  p99 {:.1}  max {:.1}",
            pct(0.5),
            pct(0.9),
            pct(0.99),
            all[all.len() - 1]
        );
    }
    for s in results.iter().flat_map(|r| r.2.iter()).take(5) {
        println!("error sample: {s}");
    }
}
