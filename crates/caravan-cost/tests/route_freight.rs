//! The transport figures taken from a real route of the shipped network: the freight to the
//! destination's border is part of the whole freight, and neither counts border fees (they
//! are `border_fees_usd`).

use std::path::PathBuf;

use caravan_cost::transport_from_route;
use caravan_net::{Layer, Network};
use caravan_route::{Location, RouteRequest, Router};

/// Tashkent -> Karachi by road crosses two borders before Pakistan's. The running cost at
/// the Pakistani border includes their fees, so taking it as the freight to the border made
/// it larger than the whole freight at 5 t (the web map's landed cost was refused with 400).
#[test]
fn freight_to_the_border_leaves_out_the_fees_of_earlier_crossings() {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let router = Router::new(Network::load_dir(&data).expect("shipped network"));
    let resp = router
        .route(&RouteRequest {
            from: Location::Place("Tashkent".into()),
            to: Location::Place("Karachi".into()),
            modes: vec![Layer::Road],
            cargo_tonnes: 5.0,
            alternatives: 2,
            ..RouteRequest::default()
        })
        .expect("Tashkent -> Karachi by road");
    let mut checked = 0;
    for route in &resp.routes {
        let t = transport_from_route(&resp, route, "PK");
        let (all, to_border) = (t.freight_usd.unwrap(), t.freight_to_border_usd.unwrap());
        assert!(
            (0.0..=all).contains(&to_border),
            "{to_border} to the border of {all}"
        );
        let entry = route
            .border_crossings
            .iter()
            .rposition(|c| c.countries[1] == "PK")
            .expect("the route enters Pakistan");
        if entry > 0 {
            let at = route
                .profile
                .iter()
                .position(|p| {
                    p.event == "border" && (p.km - route.border_crossings[entry].at_km).abs() < 1e-6
                })
                .unwrap();
            let fees: f64 = route.border_crossings[..entry]
                .iter()
                .map(|c| c.fee_usd)
                .sum();
            assert!(fees > 0.0);
            assert!((route.profile[at - 1].cost_usd - fees - to_border).abs() < 1e-6);
            checked += 1;
        }
    }
    assert!(checked > 0, "no route crossed a border before Pakistan's");
}
