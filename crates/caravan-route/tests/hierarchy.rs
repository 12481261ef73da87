//! The contraction hierarchy against A* on the shipped network: the same best weight for
//! random city pairs under every criterion and random scenarios (closures, waits, fees,
//! avoided countries), the same "no route"; matrices equal to single routes; the hierarchy's
//! image round-trips and a mismatched one is refused.

use std::path::PathBuf;
use std::sync::OnceLock;

use caravan_net::{Layer, Network, PlaceKind};
use caravan_route::{
    BcpChange, Criterion, Engine, Location, MatrixOptions, MatrixRequest, RouteRequest, Router,
    Scenario,
};

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data")
}

fn network() -> Network {
    Network::load_dir(&data_dir()).expect("shipped network")
}

/// (A* router, hierarchy router): two routers over the same data.
fn routers() -> &'static (Router, Router) {
    static R: OnceLock<(Router, Router)> = OnceLock::new();
    R.get_or_init(|| {
        let astar = Router::new(network());
        let cch = Router::new(network()).with_engine(Engine::Hierarchy);
        cch.ensure_hierarchy();
        (astar, cch)
    })
}

fn cities(r: &Router, min_pop: u64) -> Vec<String> {
    r.network()
        .places
        .iter()
        .filter(|p| p.kind == PlaceKind::City && p.population.unwrap_or(0) >= min_pop)
        .map(|p| p.id.clone())
        .collect()
}

/// A reproducible pseudo-random walk (no extra dependency on a seeded RNG's stream).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

fn random_scenario(r: &Router, rng: &mut Lcg) -> (Scenario, Vec<String>) {
    let bcps = &r.network().bcps;
    let mut s = Scenario::default();
    let listed: Vec<_> = bcps.iter().filter(|b| b.listed).collect();
    for _ in 0..rng.next(4) {
        s.close_bcps.push(listed[rng.next(listed.len())].id.clone());
    }
    for _ in 0..rng.next(3) {
        let b = listed[rng.next(listed.len())];
        if s.close_bcps.contains(&b.id) {
            continue;
        }
        s.bcp_changes.push(BcpChange {
            bcp: b.id.clone(),
            wait_hours: Some(rng.next(100) as f64),
            wait_factor: None,
            fee_usd: Some(rng.next(500) as f64),
        });
    }
    let avoid = match rng.next(4) {
        0 => vec!["IR".to_string()],
        1 => vec!["AF".to_string()],
        _ => Vec::new(),
    };
    (s, avoid)
}

#[test]
fn hierarchy_routes_equal_astar() {
    let (astar, cch) = routers();
    let cities = cities(astar, 300_000);
    let mut rng = Lcg(42);
    let criteria = [
        Criterion::Generalized,
        Criterion::Fastest,
        Criterion::Cheapest,
        Criterion::Greenest,
    ];
    let mut compared = 0;
    for round in 0..8 {
        let (scenario, avoid) = if round == 0 {
            (Scenario::default(), Vec::new())
        } else {
            random_scenario(astar, &mut rng)
        };
        let modes: Vec<Layer> = match round % 3 {
            0 => Vec::new(),
            1 => vec![Layer::Road],
            _ => vec![Layer::Rail],
        };
        for criterion in criteria {
            for _ in 0..6 {
                let req = RouteRequest {
                    from: Location::Place(cities[rng.next(cities.len())].clone()),
                    to: Location::Place(cities[rng.next(cities.len())].clone()),
                    optimize: criterion,
                    modes: modes.clone(),
                    scenario: scenario.clone(),
                    avoid_countries: avoid.clone(),
                    cargo_tonnes: 1.0 + rng.next(40) as f64,
                    ..RouteRequest::default()
                };
                let a = astar.route(&req);
                let b = cch.route(&req);
                match (&a, &b) {
                    (Ok(a), Ok(b)) => {
                        let (x, y) = (a.routes[0].summary.objective, b.routes[0].summary.objective);
                        assert!(
                            (x - y).abs() <= 1e-6 * x.abs().max(1.0) + 1e-3,
                            "{req:?}: A* {x} vs hierarchy {y}"
                        );
                        compared += 1;
                    }
                    (Err(a), Err(b)) => assert_eq!(a.code(), b.code(), "{req:?}"),
                    _ => panic!("{req:?}: A* {:?} vs hierarchy {:?}", a.is_ok(), b.is_ok()),
                }
            }
        }
    }
    assert!(compared >= 70, "only {compared} routes compared");
}

#[test]
fn matrix_cells_equal_single_routes() {
    let (_, cch) = routers();
    let cities = cities(cch, 1_000_000);
    let mut rng = Lcg(7);
    let pick = |rng: &mut Lcg, k: usize| -> Vec<Location> {
        (0..k)
            .map(|_| Location::Place(cities[rng.next(cities.len())].clone()))
            .collect()
    };
    for optimize in [Criterion::Generalized, Criterion::Fastest] {
        let options = MatrixOptions {
            optimize,
            ..MatrixOptions::default()
        };
        let req = MatrixRequest {
            sources: pick(&mut rng, 6),
            targets: pick(&mut rng, 5),
            pairs: None,
            corridor_keys: false,
            options: options.clone(),
        };
        let m = cch.matrix(&req).expect("matrix");
        assert_eq!(m.cells.len(), 30);
        for cell in &m.cells {
            let route = cch.route(&options.route(
                req.sources[cell.source].clone(),
                req.targets[cell.target].clone(),
            ));
            match route {
                Ok(r) => {
                    let s = &r.routes[0].summary;
                    assert!(cell.reachable);
                    let close = |a: Option<f64>, b: f64| {
                        (a.unwrap_or(f64::NAN) - b).abs() <= 0.02 + 1e-6 * b.abs()
                    };
                    assert!(close(cell.objective, s.objective), "{cell:?} vs {s:?}");
                    assert!(close(cell.hours, s.hours), "{cell:?} vs {s:?}");
                    assert!(close(cell.cost_usd, s.cost_usd), "{cell:?} vs {s:?}");
                    assert!(close(cell.distance_km, s.distance_km), "{cell:?} vs {s:?}");
                    assert!(close(cell.co2e_kg, s.co2e_kg), "{cell:?} vs {s:?}");
                }
                Err(_) => assert!(!cell.reachable && cell.hours.is_none(), "{cell:?}"),
            }
        }
        // Sparse pairs give the same cells as the dense matrix.
        let pairs: Vec<[usize; 2]> = vec![[0, 4], [3, 1], [0, 0], [5, 2]];
        let sparse = cch
            .matrix(&MatrixRequest {
                pairs: Some(pairs.clone()),
                ..req.clone()
            })
            .expect("sparse matrix");
        for (k, p) in pairs.iter().enumerate() {
            assert_eq!(sparse.cells[k], m.cells[p[0] * 5 + p[1]]);
        }
    }
}

#[test]
fn unreachable_pairs_are_explicit() {
    let (_, cch) = routers();
    // Rail only, to a place with no rail: every cell says unreachable, none says 0.
    let m = cch
        .matrix(&MatrixRequest {
            sources: vec![Location::Place("Tashkent".into())],
            targets: vec![
                Location::Place("Gwadar".into()),
                Location::Place("Almaty".into()),
            ],
            pairs: None,
            corridor_keys: false,
            options: MatrixOptions {
                modes: vec![Layer::Rail],
                scenario: Scenario {
                    close_bcps: r_all_kz_uz_rail(cch),
                    ..Scenario::default()
                },
                ..MatrixOptions::default()
            },
        })
        .expect("matrix");
    for c in &m.cells {
        if !c.reachable {
            assert!(c.hours.is_none() && c.cost_usd.is_none() && c.objective.is_none());
        }
    }
    assert!(m.unreachable >= 1, "{m:?}");
}

fn r_all_kz_uz_rail(r: &Router) -> Vec<String> {
    r.network()
        .bcps
        .iter()
        .filter(|b| b.listed && b.mode == Layer::Rail)
        .filter(|b| {
            let p = (b.country_a.as_str(), b.country_b.as_str());
            matches!(p, ("KZ", "UZ") | ("UZ", "KZ"))
        })
        .map(|b| format!("{}:rail", b.id))
        .collect()
}

#[test]
fn hierarchy_image_round_trips_and_a_foreign_one_is_refused() {
    let (astar, cch) = routers();
    let image = cch.hierarchy_image();
    let fresh = Router::new(network());
    fresh
        .load_hierarchy(&image)
        .expect("image of the same graph loads");
    let req = RouteRequest {
        from: Location::Place("Tashkent".into()),
        to: Location::Place("Almaty".into()),
        ..RouteRequest::default()
    };
    let a = astar.route(&req).expect("route");
    let b = fresh.route(&req).expect("route");
    // `fresh` has the hierarchy but the A* engine: it routes by A* until a metric is cached.
    assert_eq!(a.routes[0].summary.objective, b.routes[0].summary.objective);
    let damaged = &image[..image.len() / 2];
    assert!(fresh.load_hierarchy(damaged).is_err());
    let toy = caravan_cch::Cch::build(&[[40.0, 60.0], [41.0, 61.0]], &[(0, 1)]).to_bytes();
    let err = Router::new(network()).load_hierarchy(&toy).unwrap_err();
    assert!(err.to_string().contains("built for 2 nodes"), "{err}");
}

#[test]
fn compiled_file_round_trips_and_refuses_other_data_or_damage() {
    let (astar, cch) = routers();
    let sum = caravan_net::inputs_checksum(&data_dir()).expect("checksum");
    let file = cch.compile(sum, 1_700_000_000).expect("compiles");
    let header = caravan_route::read_header(&file).expect("header");
    assert_eq!(header.inputs_checksum, sum);
    assert_eq!(header.fingerprint, astar.graph_fingerprint());

    // Loaded without any CSV: the same network, graph and answers, and its hierarchy
    // installs from the file (no build) with the same results.
    let (loaded, _) = Router::from_compiled(file.clone(), sum).expect("loads");
    assert!(loaded.is_compiled());
    assert_eq!(loaded.graph_fingerprint(), astar.graph_fingerprint());
    assert_eq!(loaded.graph_size(), astar.graph_size());
    assert_eq!(loaded.network().bcps, astar.network().bcps);
    assert_eq!(loaded.network().links, astar.network().links);
    assert_eq!(loaded.network().places, astar.network().places);
    for (from, to, criterion) in [
        ("Tashkent", "Almaty", Criterion::Fastest),
        ("Kashgar", "Karachi", Criterion::Cheapest),
        ("Mashhad", "Termez", Criterion::Greenest),
    ] {
        let req = RouteRequest {
            from: Location::Place(from.into()),
            to: Location::Place(to.into()),
            optimize: criterion,
            alternatives: 2,
            ..RouteRequest::default()
        };
        let a = serde_json::to_value(astar.route(&req).expect("route")).unwrap();
        let b = serde_json::to_value(loaded.route(&req).expect("route")).unwrap();
        assert_eq!(a, b, "{from} -> {to}");
    }
    assert_eq!(loaded.ensure_hierarchy(), None, "hierarchy from the file");
    assert_eq!(loaded.hierarchy_stats(), cch.hierarchy_stats());

    // Other data: refused as stale, whatever else is in the file.
    let err = Router::from_compiled(file.clone(), sum ^ 1)
        .err()
        .expect("stale");
    assert!(err.to_string().contains("stale"), "{err}");
    // Damage anywhere in the network part is caught by its CRC; a truncated file too.
    let mut flipped = file.clone();
    flipped[file.len() / 4] ^= 0x40;
    let err = Router::from_compiled(flipped, sum).err().expect("damaged");
    assert!(err.to_string().contains("damaged"), "{err}");
    let err = Router::from_compiled(file[..file.len() / 3].to_vec(), sum)
        .err()
        .expect("truncated");
    assert!(err.to_string().contains("damaged"), "{err}");
    let err = Router::from_compiled(b"CARAVANC\x01\0\0\0".to_vec(), sum)
        .err()
        .expect("old format");
    assert!(err.to_string().contains("format 1"), "{err}");
    // A damaged hierarchy image: the network still loads, and the hierarchy is rebuilt
    // (with the reason) rather than used.
    let mut bad_image = file.clone();
    let last = bad_image.len() - 9;
    bad_image[last] ^= 0x01;
    let (r, _) = Router::from_compiled(bad_image, sum).expect("the network part is intact");
    let why = r.ensure_hierarchy().expect("image refused");
    assert!(why.contains("CRC"), "{why}");
    assert_eq!(r.hierarchy_stats(), cch.hierarchy_stats());
}

/// Alternatives on the hierarchy router run their variant searches by A* guided by exact
/// weights to the destination (CH potentials); they must be the very routes that A* with the
/// great-circle potential finds.
#[test]
fn alternatives_guided_by_the_hierarchy_equal_plain_astar() {
    let (astar, cch) = routers();
    let road_only = RouteRequest {
        from: Location::Place("Tashkent".into()),
        to: Location::Place("Karachi".into()),
        modes: vec![Layer::Road],
        alternatives: 2,
        ..RouteRequest::default()
    };
    let show = |r: &Router| {
        r.route(&road_only)
            .expect("route")
            .routes
            .iter()
            .map(|x| {
                let crossings: Vec<String> =
                    x.border_crossings.iter().map(|c| c.id.clone()).collect();
                (format!("{:.6}", x.summary.objective), crossings)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(show(cch), show(astar), "road only");
    for (from, to, optimize) in [
        ("Tashkent", "Karachi", Criterion::Generalized),
        ("Almaty", "Urumqi", Criterion::Fastest),
        ("Ashgabat", "Bandar Abbas", Criterion::Cheapest),
        ("Urumqi", "Tbilisi", Criterion::Generalized),
        ("Kabul", "Peshawar", Criterion::Fastest),
        ("Bishkek", "Kashgar", Criterion::Greenest),
    ] {
        let req = RouteRequest {
            from: Location::Place(from.into()),
            to: Location::Place(to.into()),
            optimize,
            alternatives: 3,
            ..RouteRequest::default()
        };
        let summary = |r: &Router| {
            let resp = r.route(&req).expect("route");
            resp.routes
                .iter()
                .map(|x| {
                    let crossings: Vec<String> =
                        x.border_crossings.iter().map(|c| c.id.clone()).collect();
                    (format!("{:.6}", x.summary.objective), crossings)
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(summary(cch), summary(astar), "{from} -> {to}");
    }
}
