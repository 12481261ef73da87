//! A border crossing named as an endpoint lies on the border: a route may leave or reach it on
//! either side, at the crossing itself, without driving into the neighbour and back (checked
//! on the shipped network).

use std::path::PathBuf;
use std::sync::OnceLock;

use caravan_net::{Layer, Network};
use caravan_route::{Location, RouteRequest, RouteResponse, Router};

fn router() -> &'static Router {
    static R: OnceLock<Router> = OnceLock::new();
    R.get_or_init(|| {
        let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data");
        Router::new(Network::load_dir(&data).expect("shipped network"))
    })
}

fn by_road(from: &str, to: &str) -> RouteResponse {
    router()
        .route(&RouteRequest {
            from: Location::Place(from.into()),
            to: Location::Place(to.into()),
            modes: vec![Layer::Road],
            ..RouteRequest::default()
        })
        .unwrap_or_else(|e| panic!("{from} -> {to}: {e}"))
}

/// The Khunjerab place is filed under Pakistan, but the pass node of the road graph is
/// Chinese: leaving it for Kashgar used to start with a 19 km access leg back to the last
/// Pakistani node and then the crossing link forward again.
#[test]
fn a_route_leaves_a_crossing_on_the_side_it_goes() {
    let r = by_road("Khunjerab Pass", "Kashgar");
    assert!(
        r.origin.snap_km < 5.0,
        "origin snapped {} km away",
        r.origin.snap_km
    );
    let best = &r.routes[0];
    assert_eq!(
        best.summary.countries,
        ["CN"],
        "{:?}",
        best.summary.countries
    );
    assert!(best.border_crossings.is_empty());
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("is a border crossing")),
        "{:?}",
        r.warnings
    );
}

/// Each side offers its own nearest nodes: the Uzbek nodes next to Hairatan do not crowd out
/// the Afghan ones, so Hairatan -> Mazar-i-Sharif stays in Afghanistan.
#[test]
fn one_side_does_not_crowd_out_the_other() {
    let best = &by_road("Hairatan", "Mazar-i-Sharif").routes[0];
    assert_eq!(
        best.summary.countries,
        ["AF"],
        "{:?}",
        best.summary.countries
    );
    assert!(best.border_crossings.is_empty());
}

/// The other side is joined only at the crossing itself: the Kyrgyz road ends about 55 km
/// short of the Irkeshtam place, so Osh -> Irkeshtam must not end in a 55 km straight line.
#[test]
fn the_other_side_is_joined_only_at_the_crossing() {
    let r = by_road("Osh", "Irkeshtam");
    assert!(
        r.destination.snap_km < 5.0,
        "destination snapped {} km away",
        r.destination.snap_km
    );
}
