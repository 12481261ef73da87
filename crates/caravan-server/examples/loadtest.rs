//! A bounded load test on loopback: N clients send route requests for a fixed time and the
//! tool reports throughput, latency percentiles and errors. With a fourth argument, that many
//! abusive clients run alongside: 60 KB query strings, oversized search queries, headers
//! trickled a byte at a time, bodies trickled a byte at a time, and huge numbers. A prober
//! asks `/health` every 50 ms throughout and reports its latencies.
//!
//! ```text
//! caravan serve --addr 127.0.0.1:8080 &
//! cargo run --release -p caravan-server --example loadtest -- http://127.0.0.1:8080 32 30 [8]
//! ```

use std::io::{Read, Write};
use std::net::TcpStream;
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
    let abusers: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(0);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let addr = base
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();

    let abuse_handles: Vec<_> = (0..abusers)
        .map(|k| {
            let (base, addr) = (base.clone(), addr.clone());
            std::thread::spawn(move || abuse(k, &base, &addr, deadline))
        })
        .collect();
    let probe = {
        let base = base.clone();
        std::thread::spawn(move || {
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build()
                .into();
            let mut lat = Vec::new();
            let mut failed = 0;
            while Instant::now() < deadline {
                let t = Instant::now();
                match agent.get(&format!("{base}/health")).call() {
                    Ok(r) if r.status() == 200 => lat.push(t.elapsed().as_secs_f64() * 1000.0),
                    _ => failed += 1,
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            (lat, failed)
        })
    };

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
                            // A real client backs off; spinning on a refused connection would
                            // only steal the CPU from the server it waits for.
                            std::thread::sleep(Duration::from_millis(20));
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
    let (mut health, health_failed) = probe.join().expect("prober");
    health.sort_by(f64::total_cmp);
    if !health.is_empty() {
        let p = |q: f64| health[((health.len() as f64 - 1.0) * q).round() as usize];
        println!(
            "health: {} probes, failed {health_failed}, ms p50 {:.1}  p99 {:.1}  max {:.1}",
            health.len(),
            p(0.5),
            p(0.99),
            health[health.len() - 1]
        );
    }
    let mut outcomes: std::collections::BTreeMap<String, usize> = Default::default();
    for h in abuse_handles {
        for (k, v) in h.join().expect("abuser") {
            *outcomes.entry(k).or_default() += v;
        }
    }
    if abusers > 0 {
        let list: Vec<String> = outcomes.iter().map(|(k, v)| format!("{k} x{v}")).collect();
        println!("abuse ({abusers} clients): {}", list.join(", "));
    }
}

/// One abusive client: cycles through its kind of abuse until the deadline and counts how
/// each attempt ended (`kind:status`, or `kind:closed` when the server hung up).
fn abuse(k: usize, base: &str, addr: &str, deadline: Instant) -> Vec<(String, usize)> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let mut seen: std::collections::BTreeMap<String, usize> = Default::default();
    let mut note = |what: String| *seen.entry(what).or_default() += 1;
    let big = "a".repeat(60 * 1024);
    let long = "tashkent ".repeat(900);
    while Instant::now() < deadline {
        match k % 4 {
            // 60 KB query strings, and an 8,000-character search inside the URI limit.
            0 => {
                for url in [
                    format!("{base}/v1/places?q={big}"),
                    format!("{base}/v1/hs?q={}", &long[..7000]),
                    format!("{base}/v1/places/{}", &big[..7000]),
                ] {
                    let r = agent.get(&url).call();
                    note(format!("long-query:{}", status(r)));
                }
            }
            // Headers trickled one byte every 200 ms.
            1 => {
                let head = format!("GET /health HTTP/1.1\r\nHost: {addr}\r\nX-Slow: ");
                note(format!(
                    "trickled-headers:{}",
                    trickle(addr, head.as_bytes(), deadline)
                ));
            }
            // A body announced as 10 KB, trickled one byte every 200 ms.
            2 => {
                let head = format!(
                    "POST /v1/route HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{{"
                );
                note(format!(
                    "slow-body:{}",
                    trickle(addr, head.as_bytes(), deadline)
                ));
            }
            // Huge and non-finite numbers.
            _ => {
                let r = agent
                    .get(&format!(
                        "{base}/v1/route?from=Tashkent&to=Karachi&cargo_value_usd=1e308&cargo_tonnes=1e300"
                    ))
                    .call();
                note(format!("huge-numbers:{}", status(r)));
                let r = agent
                    .post(&format!("{base}/v1/cost"))
                    .send_json(serde_json::json!({
                    "hs": "610910", "value": 1e308, "origin": "UZ", "destination": "KZ",
                    "date": "2026-11-23", "fx": [{"currency": "EUR", "per_usd": 1e-300}]}));
                note(format!("huge-numbers:{}", status(r)));
            }
        }
    }
    seen.into_iter().collect()
}

fn status(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> String {
    match r {
        Ok(mut r) => {
            let _ = r.body_mut().read_to_string();
            r.status().as_u16().to_string()
        }
        Err(_) => "closed".to_owned(),
    }
}

/// Sends `head`, then one more byte every 200 ms until the server answers or hangs up.
fn trickle(addr: &str, head: &[u8], deadline: Instant) -> String {
    let Ok(mut s) = TcpStream::connect(addr) else {
        std::thread::sleep(Duration::from_millis(100));
        return "connect-failed".into();
    };
    let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
    if s.write_all(head).is_err() {
        return "closed".into();
    }
    let mut buf = [0u8; 512];
    while Instant::now() < deadline + Duration::from_secs(10) {
        match s.read(&mut buf) {
            Ok(0) => return "closed".into(),
            Ok(n) => {
                let text = String::from_utf8_lossy(&buf[..n]);
                return text
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("answered")
                    .to_owned();
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return "closed".into(),
        }
        if s.write_all(b"x").is_err() {
            return "closed".into();
        }
    }
    "never-answered".into()
}
