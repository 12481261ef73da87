//! Calibration check against the ADB CAREC CPMM 2022 corridor indicators (DESIGN.md): runs
//! road and rail routes between corridor cities and compares the model's speed with delay
//! (SWD: distance over total time including borders and transfers) and cost per 500 km per
//! 20 t (TFI3) with the published regional values.
//!
//! cargo run --release -p caravan-route --example calibration

use std::path::PathBuf;

use caravan_net::{Layer, Network};
use caravan_route::{Criterion, Location, RouteRequest, Router};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let router = Router::new(Network::load_dir(&data)?);
    let pairs = [
        ("Almaty", "Bishkek"),
        ("Tashkent", "Almaty"),
        ("Almaty", "Urumqi"),
        ("Tashkent", "Dushanbe"),
        ("Bishkek", "Kashgar"),
        ("Termez", "Mazar-i-Sharif"),
        ("Tashkent", "Ashgabat"),
        ("Baku", "Tbilisi"),
        ("Astana", "Moscow"),
        ("Ulaanbaatar", "Beijing"),
    ];
    for (mode, swd, tfi3) in [(Layer::Road, 23.4, 945.0), (Layer::Rail, 12.4, 804.0)] {
        println!("{mode}: CPMM 2022 SWD {swd} km/h, TFI3 {tfi3} USD per 500 km per 20 t");
        println!(
            "{:<32} {:>8} {:>8} {:>9} {:>12} {:>8}",
            "route", "km", "hours", "SWD km/h", "USD/500km", "borders"
        );
        let (mut km, mut h, mut usd) = (0.0, 0.0, 0.0);
        for (a, b) in pairs {
            let req = RouteRequest {
                from: Location::Place(a.into()),
                to: Location::Place(b.into()),
                modes: vec![mode],
                optimize: Criterion::Generalized,
                ..RouteRequest::default()
            };
            match router.route(&req) {
                Ok(res) => {
                    let s = &res.routes[0].summary;
                    km += s.distance_km;
                    h += s.hours;
                    usd += s.cost_usd;
                    println!(
                        "{:<32} {:>8.0} {:>8.1} {:>9.1} {:>12.0} {:>8}",
                        format!("{a} - {b}"),
                        s.distance_km,
                        s.hours,
                        s.distance_km / s.hours,
                        s.cost_usd / s.distance_km * 500.0,
                        res.routes[0].border_crossings.len()
                    );
                }
                Err(e) => println!("{:<32} no route: {e}", format!("{a} - {b}")),
            }
        }
        println!(
            "{:<32} {:>8.0} {:>8.1} {:>9.1} {:>12.0}\n",
            "all routes",
            km,
            h,
            km / h,
            usd / km * 500.0
        );
    }
    Ok(())
}
