//! Known-answer tests on a hand-made network whose answers are worked out by hand below.
//!
//! Two countries, AA (1520 mm) and BB (1435 mm), on the equator (1 degree of longitude is
//! 111.2 km). Road: a1 -(100 km)- a2 -(10 km, BCP "north")- b2 -(100 km)- b1, and a southern
//! way a1 -(120)- a3 -(10, BCP "south")- b3 -(120)- b1. Rail: ra1 -(200)- ra2 -(10, BCP
//! "railx", gauge change)- rb2 -(10)- rb1. Road 50 km/h, 0.1 USD/t-km, 100 g/t-km; rail
//! 50 km/h, 0.05 USD/t-km, 30 g/t-km; 20 t per vehicle; gauge change 5 h and 10 USD/t;
//! loading or unloading at a road-rail terminal 2 h and 1 USD/t.

use caravan_net::*;
use caravan_route::*;

fn src(v: f64) -> Sourced {
    Sourced {
        value: v,
        basis: Basis::Measured,
        source: "test".into(),
    }
}

fn class(speed: f64, cost: f64, co2: f64) -> ClassParams {
    ClassParams {
        speed_kmh: src(speed),
        cost_usd_per_tkm: src(cost),
        co2e_g_per_tkm: src(co2),
        payload_t: src(20.0),
    }
}

fn transfer(h: f64, usd: f64) -> TransferParams {
    TransferParams {
        hours: src(h),
        usd_per_t: src(usd),
    }
}

fn cc(s: &str) -> Country {
    Country::parse(s).unwrap()
}

fn bcp(id: &str, mode: Layer, wait: [f64; 2], fee: [f64; 2]) -> Bcp {
    Bcp {
        id: id.into(),
        mode,
        name: format!("{id} crossing"),
        name_a: format!("{id}-A"),
        name_b: format!("{id}-B"),
        country_a: cc("AA"),
        country_b: cc("BB"),
        lat: 0.0,
        lon: 0.0,
        status: BcpStatus::Open,
        status_note: String::new(),
        gauge_change: None,
        transloading: false,
        wait_hours: wait,
        wait_range: [(wait[0], wait[0]), (wait[1], wait[1])],
        wait_measured: [true; 2],
        wait_default_source: [None, None],
        wait_note: String::new(),
        fee_usd: fee,
        wait_basis: Basis::Measured,
        fee_basis: Basis::Measured,
        wait_source: "test".into(),
        fee_source: "test".into(),
        status_source: String::new(),
        notes: String::new(),
        listed: true,
    }
}

/// Degrees of longitude for a distance along the equator.
fn lon(km: f64) -> f64 {
    km / 111.195
}

fn toy() -> Network {
    let node = |layer, km: f64, lat: f64, c: &str| Node {
        lat,
        lon: lon(km),
        layer,
        country: cc(c),
    };
    let nodes = vec![
        node(Layer::Road, 0.0, 0.0, "AA"),    // 0 a1
        node(Layer::Road, 100.0, 0.0, "AA"),  // 1 a2
        node(Layer::Road, 110.0, 0.0, "BB"),  // 2 b2
        node(Layer::Road, 210.0, 0.0, "BB"),  // 3 b1
        node(Layer::Road, 105.0, -0.9, "AA"), // 4 a3 (south)
        node(Layer::Road, 106.0, -0.9, "BB"), // 5 b3
        node(Layer::Rail, 0.0, 0.01, "AA"),   // 6 ra1
        node(Layer::Rail, 100.0, 0.01, "AA"), // 7 ra2
        node(Layer::Rail, 110.0, 0.01, "BB"), // 8 rb2
        node(Layer::Rail, 210.0, 0.01, "BB"), // 9 rb1
    ];
    let link = |from, to, class, km, bcp| Link {
        from,
        to,
        class,
        km,
        bcp,
        geometry: Vec::new(),
    };
    let links = vec![
        link(0, 1, LinkClass::Road, 100.0, None),
        link(1, 2, LinkClass::Road, 10.0, Some(0)),
        link(2, 3, LinkClass::Road, 100.0, None),
        link(0, 4, LinkClass::Road, 120.0, None),
        link(4, 5, LinkClass::Road, 10.0, Some(1)),
        link(5, 3, LinkClass::Road, 120.0, None),
        link(6, 7, LinkClass::Rail, 200.0, None),
        link(7, 8, LinkClass::Rail, 10.0, Some(2)),
        link(8, 9, LinkClass::Rail, 10.0, None),
    ];
    let mut railx = bcp("railx", Layer::Rail, [3.0, 3.0], [30.0, 30.0]);
    railx.gauge_change = Some("1520/1435".into());
    let bcps = vec![
        bcp("north", Layer::Road, [10.0, 0.5], [100.0, 100.0]),
        bcp("south", Layer::Road, [1.0, 1.0], [50.0, 50.0]),
        railx,
    ];
    let place = |id: &str, name: &str, km: f64, c: &str| Place {
        id: id.into(),
        name: name.into(),
        aliases: vec![],
        country: cc(c),
        lat: 0.0,
        lon: lon(km),
        kind: PlaceKind::City,
        population: Some(100_000),
        source: "test".into(),
    };
    Network {
        nodes,
        links,
        bcps,
        terminals: vec![],
        places: vec![
            place("AAONE", "Alpha", 0.0, "AA"),
            place("BBONE", "Beta", 210.0, "BB"),
        ],
        gauges: vec![
            Gauge {
                country: cc("AA"),
                mm: 1520,
                note: String::new(),
                source: String::new(),
            },
            Gauge {
                country: cc("BB"),
                mm: 1435,
                note: String::new(),
                source: String::new(),
            },
        ],
        params: Params {
            classes: [
                class(50.0, 0.1, 100.0),
                class(50.0, 0.05, 30.0),
                class(25.0, 0.01, 10.0),
                class(25.0, 0.1, 100.0),
                class(12.0, 0.03, 30.0),
            ],
            gauge_change: transfer(5.0, 10.0),
            seaport: transfer(10.0, 5.0),
            caspian_port: transfer(10.0, 5.0),
            road_rail_terminal: transfer(2.0, 1.0),
            vot_day_share: src(0.012),
            carbon_price_usd_per_t: src(100.0),
        },
        projects: Vec::new(),
    }
}

fn req(from: &str, to: &str, modes: &[Layer], optimize: Criterion) -> RouteRequest {
    RouteRequest {
        from: Location::Place(from.into()),
        to: Location::Place(to.into()),
        modes: modes.to_vec(),
        optimize,
        ..RouteRequest::default()
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6 * a.abs().max(1.0)
}

#[test]
fn fastest_takes_the_quick_crossing_and_cheapest_the_cheap_one() {
    let r = Router::new(toy());
    // Fastest: north 210 km / 50 + 10 h = 14.2 h; south 250 km / 50 + 1 h = 6.0 h.
    let fast = r
        .route(&req("Alpha", "Beta", &[Layer::Road], Criterion::Fastest))
        .unwrap();
    let s = &fast.routes[0].summary;
    assert!(close(s.hours, 6.0), "{}", s.hours);
    assert_eq!(fast.routes[0].border_crossings[0].id, "south");
    assert_eq!(
        fast.routes[0].border_crossings[0].countries,
        ["AA".to_string(), "BB".to_string()]
    );
    // Cheapest: north 210 km x 0.1 x 20 t + 100 = 520 USD; south 250 x 2 + 50 = 550 USD.
    let cheap = r
        .route(&req("Alpha", "Beta", &[Layer::Road], Criterion::Cheapest))
        .unwrap();
    assert!(close(cheap.routes[0].summary.cost_usd, 520.0));
    assert_eq!(cheap.routes[0].border_crossings[0].id, "north");
    // CO2e: 210 km x 20 t x 100 g = 420 kg.
    assert!(close(cheap.routes[0].summary.co2e_kg, 420.0));
}

#[test]
fn border_waits_depend_on_the_direction() {
    let r = Router::new(toy());
    // BB to AA the north wait is 0.5 h: 4.2 + 0.5 = 4.7 h beats the south's 6.0 h.
    let back = r
        .route(&req("Beta", "Alpha", &[Layer::Road], Criterion::Fastest))
        .unwrap();
    assert!(close(back.routes[0].summary.hours, 4.7));
    assert_eq!(back.routes[0].border_crossings[0].id, "north");
    assert_eq!(
        back.routes[0].border_crossings[0].countries,
        ["BB".to_string(), "AA".to_string()]
    );
}

#[test]
fn closing_a_crossing_moves_the_route_and_scenario_changes_apply() {
    let r = Router::new(toy());
    let mut q = req("Alpha", "Beta", &[Layer::Road], Criterion::Fastest);
    q.scenario.close_bcps = vec!["south".into()];
    let res = r.route(&q).unwrap();
    assert!(close(res.routes[0].summary.hours, 14.2));
    // A single window cuts the north wait to zero: 4.2 h.
    q.scenario.close_bcps.clear();
    q.scenario.bcp_changes = vec![BcpChange {
        bcp: "north".into(),
        wait_hours: Some(0.0),
        ..Default::default()
    }];
    let res = r.route(&q).unwrap();
    assert!(close(res.routes[0].summary.hours, 4.2));
    // A 200 t consignment pays the north fee ten times: 210 x 0.1 x 200 + 10 x 100.
    let mut q = req("Alpha", "Beta", &[Layer::Road], Criterion::Cheapest);
    q.cargo_tonnes = 200.0;
    let res = r.route(&q).unwrap();
    assert!(close(res.routes[0].summary.cost_border_usd, 1000.0));
    assert!(close(res.routes[0].summary.cost_usd, 4200.0 + 1000.0));
}

#[test]
fn no_route_says_which_crossings_are_closed() {
    let r = Router::new(toy());
    let mut q = req("Alpha", "Beta", &[Layer::Road], Criterion::Fastest);
    q.scenario.close_bcps = vec!["north".into(), "south".into()];
    match r.route(&q) {
        Err(RouteError::NoRoute { reason, .. }) => {
            assert!(
                reason.contains("every road crossing between AA and BB is closed"),
                "{reason}"
            );
        }
        other => panic!("expected no route, got {other:?}"),
    }
    // Rail still works when allowed, and the diagnosis says so when it is not.
    let mut q = req("Alpha", "Beta", &[Layer::Road], Criterion::Fastest);
    q.avoid_bcps = vec!["north".into(), "south".into()];
    q.modes = vec![Layer::Road, Layer::Rail];
    assert!(r.route(&q).is_ok());
}

#[test]
fn rail_pays_the_gauge_change_and_terminal_handling() {
    let r = Router::new(toy());
    let res = r
        .route(&req("Alpha", "Beta", &[Layer::Rail], Criterion::Fastest))
        .unwrap();
    let route = &res.routes[0];
    // Access: the places sit 1.1 km from the rail nodes (0.01 degrees of latitude); loading
    // and unloading 2 h + 20 USD each, drayage 1.11 km at road rates each way.
    // Line-haul: 220 km / 50 = 4.4 h, 220 x 0.05 x 20 = 220 USD.
    // Border: 3 h, 30 USD per wagon. Gauge change: 5 h, 10 x 20 = 200 USD.
    let kinds: Vec<_> = route.transfers.iter().map(|t| t.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["road_rail_terminal", "gauge_change", "road_rail_terminal"]
    );
    assert!(route.border_crossings[0].gauge_change);
    let s = &route.summary;
    assert!(
        close(s.hours_transfer, 2.0 + 5.0 + 2.0),
        "{}",
        s.hours_transfer
    );
    assert!(close(s.hours_border, 3.0));
    assert!(close(s.cost_transfer_usd, 20.0 + 200.0 + 20.0));
    let dray_km = 2.0 * 0.01 * 111.195;
    assert!(
        (s.distance_km - (220.0 + dray_km)).abs() < 0.05,
        "{}",
        s.distance_km
    );
}

#[test]
fn legs_crossings_and_transfers_add_up_to_the_summary() {
    let r = Router::new(toy());
    for modes in [vec![Layer::Road], vec![Layer::Rail], vec![]] {
        for crit in [
            Criterion::Fastest,
            Criterion::Cheapest,
            Criterion::Greenest,
            Criterion::Generalized,
        ] {
            let res = r.route(&req("Alpha", "Beta", &modes, crit)).unwrap();
            for route in &res.routes {
                let s = &route.summary;
                let hours: f64 = route.legs.iter().map(|l| l.hours).sum::<f64>()
                    + route
                        .border_crossings
                        .iter()
                        .map(|b| b.wait_hours)
                        .sum::<f64>()
                    + route.transfers.iter().map(|t| t.hours).sum::<f64>();
                let usd: f64 = route.legs.iter().map(|l| l.cost_usd).sum::<f64>()
                    + route
                        .border_crossings
                        .iter()
                        .map(|b| b.fee_usd)
                        .sum::<f64>()
                    + route.transfers.iter().map(|t| t.cost_usd).sum::<f64>();
                assert!((hours - s.hours).abs() < 0.01, "{hours} vs {}", s.hours);
                assert!((usd - s.cost_usd).abs() < 0.05, "{usd} vs {}", s.cost_usd);
                let last = route.profile.last().unwrap();
                assert!(
                    (last.hours - s.hours).abs() < 0.01
                        && (last.cost_usd - s.cost_usd).abs() < 0.05
                );
                assert!(route
                    .profile
                    .windows(2)
                    .all(|w| w[1].km >= w[0].km && w[1].hours >= w[0].hours));
            }
        }
    }
}

#[test]
fn alternatives_differ_in_their_crossings_and_are_explained() {
    let r = Router::new(toy());
    let mut q = req("Alpha", "Beta", &[], Criterion::Fastest);
    q.alternatives = 3;
    let res = r.route(&q).unwrap();
    assert!(res.routes.len() >= 3, "{}", res.routes.len());
    let ids: Vec<Vec<String>> = res
        .routes
        .iter()
        .map(|r| r.border_crossings.iter().map(|b| b.id.clone()).collect())
        .collect();
    for i in 0..ids.len() {
        for j in 0..i {
            assert_ne!(
                ids[i], ids[j],
                "routes {i} and {j} cross at the same places"
            );
        }
    }
    for alt in &res.routes[1..] {
        assert!(alt.summary.objective >= res.routes[0].summary.objective);
        assert!(alt
            .distinguished_by
            .iter()
            .any(|s| s.contains("crosses at") || s.contains("uses")));
    }
}

#[test]
fn bad_input_is_refused_with_a_reason() {
    let r = Router::new(toy());
    let err = r
        .route(&req("Alfa", "Beta", &[], Criterion::Fastest))
        .unwrap_err();
    match &err {
        RouteError::UnknownPlace { suggestions, .. } => assert_eq!(suggestions[0].name, "Alpha"),
        other => panic!("{other:?}"),
    }
    assert!(err.is_bad_input());
    let mut q = req("Alpha", "Beta", &[], Criterion::Fastest);
    q.cargo_tonnes = -1.0;
    assert!(matches!(r.route(&q), Err(RouteError::InvalidRequest(_))));
    let mut q = req("Alpha", "Beta", &[], Criterion::Fastest);
    q.avoid_countries = vec!["BB".into()];
    assert!(matches!(r.route(&q), Err(RouteError::InvalidRequest(_))));
    let mut q = req("Alpha", "Beta", &[], Criterion::Fastest);
    q.scenario.close_bcps = vec!["nrth".into()];
    match r.route(&q) {
        Err(RouteError::UnknownBcp { suggestions, .. }) => assert_eq!(suggestions[0], "north"),
        other => panic!("{other:?}"),
    }
    let q = RouteRequest {
        from: Location::Coordinate {
            lat: 95.0,
            lon: 0.0,
        },
        to: Location::Place("Beta".into()),
        ..RouteRequest::default()
    };
    assert!(matches!(r.route(&q), Err(RouteError::InvalidRequest(_))));
}

#[test]
fn coordinates_snap_to_the_nearest_node_and_report_the_distance() {
    let r = Router::new(toy());
    let q = RouteRequest {
        from: Location::Coordinate { lat: 0.1, lon: 0.0 },
        to: Location::Place("Beta".into()),
        modes: vec![Layer::Road],
        optimize: Criterion::Fastest,
        ..RouteRequest::default()
    };
    let res = r.route(&q).unwrap();
    assert_eq!(res.origin.snapped_mode, "road");
    assert!(
        (res.origin.snap_km - 11.12).abs() < 0.05,
        "{}",
        res.origin.snap_km
    );
}

#[test]
fn a_cancelled_search_stops_with_cancelled_and_an_uncancelled_one_answers() {
    let router = Router::new(toy());
    let r = req("Alpha", "Beta", &[Layer::Road], Criterion::Fastest);
    let token = CancelToken::new();
    let plain = router.route(&r).unwrap();
    let same = router.route_cancellable(&r, &token).unwrap();
    assert!(close(
        plain.routes[0].summary.hours,
        same.routes[0].summary.hours
    ));
    token.cancel();
    let err = router.route_cancellable(&r, &token).unwrap_err();
    assert!(matches!(err, RouteError::Cancelled), "{err:?}");
    assert_eq!(err.code(), "cancelled");
    assert!(!err.is_bad_input());
}

/// A planned line from Alpha's rail node to a new node in BB and on to Beta's, through a
/// planned crossing with a short wait.
fn planned_line(link_crossing: Option<&str>, join_lat: f64) -> caravan_net::Project {
    let text = format!(
        r#"
[[project]]
id = "toy-line"
name = "Toy line"
status = "planned"
sources = ["test"]

[[project.points]]
id = "a"
name = "Alpha station"
country = "AA"
lat = {join_lat}
lon = {a_lon}
join = true

[[project.points]]
id = "mid"
name = "Mid"
country = "BB"
lat = 0.01
lon = {mid_lon}

[[project.points]]
id = "b"
name = "Beta station"
country = "BB"
lat = 0.01
lon = {b_lon}
join = true

[[project.links]]
mode = "rail"
from = "a"
to = "mid"
km = 130
{crossing}

[[project.links]]
mode = "rail"
from = "mid"
to = "b"
km = 90

[[project.crossings]]
id = "planned-x"
mode = "rail"
name = "Planned crossing"
country_a = "AA"
country_b = "BB"
lat = 0.01
lon = {x_lon}
wait_hours = [0.5, 0.5]
fee_usd = [1.0, 1.0]
"#,
        a_lon = lon(0.0),
        mid_lon = lon(120.0),
        b_lon = lon(210.0),
        x_lon = lon(60.0),
        crossing = link_crossing
            .map(|c| format!("crossing = \"{c}\""))
            .unwrap_or_default(),
    );
    caravan_net::projects::parse_library("projects.toml", &text)
        .unwrap()
        .remove(0)
}

#[test]
fn a_planned_line_is_used_only_when_its_scenario_switches_it_on() {
    let mut net = toy();
    net.add_project(planned_line(Some("planned-x"), 0.01))
        .unwrap();
    net.validate().unwrap();
    let r = Router::new(net);
    let base = r
        .route(&req("Alpha", "Beta", &[Layer::Rail], Criterion::Fastest))
        .unwrap();
    assert_eq!(base.routes[0].border_crossings[0].id, "railx");
    assert!(base.routes[0].projects.is_empty());
    let mut on = req("Alpha", "Beta", &[Layer::Rail], Criterion::Fastest);
    on.scenario.projects = vec!["toy-line".into()];
    let with = r.route(&on).unwrap();
    let route = &with.routes[0];
    assert_eq!(route.projects, vec!["toy-line".to_string()]);
    assert_eq!(route.border_crossings[0].id, "planned-x");
    // The gauges of AA and BB differ: the planned crossing changes gauge too.
    assert!(route.border_crossings[0].gauge_change);
    // 220 km at 50 km/h + 0.5 h wait + 5 h gauge change (+ loading and unloading 2 h each),
    // against 220 km + 3 h + 5 h on the existing line.
    assert!(close(
        base.routes[0].summary.hours - route.summary.hours,
        2.5
    ));
    // An unknown project is refused with the ones there are.
    on.scenario.projects = vec!["toy-lime".into()];
    let e = r.route(&on).unwrap_err().to_string();
    assert!(
        e.contains("unknown project `toy-lime`") && e.contains("toy-line"),
        "{e}"
    );
}

#[test]
fn a_malformed_project_is_refused_with_what_is_wrong() {
    let mut net = toy();
    let e = net
        .add_project(planned_line(None, 0.01))
        .unwrap_err()
        .to_string();
    assert!(e.contains("crosses AA-BB without a crossing"), "{e}");
    let e = net
        .add_project(planned_line(Some("north"), 0.01))
        .unwrap_err()
        .to_string();
    assert!(e.contains("no rail crossing `north`"), "{e}");
    // A join point far from the rail network.
    let e = net
        .add_project(planned_line(Some("planned-x"), 1.0))
        .unwrap_err()
        .to_string();
    assert!(e.contains("has no rail node within"), "{e}");
    // Nothing of a refused project stays behind.
    assert!(net.projects.is_empty());
    assert_eq!(net.nodes.len(), toy().nodes.len());
    assert_eq!(net.bcps.len(), toy().bcps.len());
    // A TOML error names its line.
    let e = caravan_net::projects::parse_library(
        "projects.toml",
        "[[project]]\nid = \"x\"\nname = 3\n",
    )
    .unwrap_err()
    .to_string();
    assert!(e.starts_with("projects.toml:3:"), "{e}");
}
