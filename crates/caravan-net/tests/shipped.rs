//! Loads the network Caravan ships (data/) and checks it: every crossing on the network and
//! on a real border, places and terminals in the area, parameters sourced, counts sane.

use std::path::PathBuf;
use std::sync::OnceLock;

use caravan_net::geo::haversine_km;
use caravan_net::*;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data")
}

fn net() -> &'static Network {
    static NET: OnceLock<Network> = OnceLock::new();
    NET.get_or_init(|| {
        Network::load_dir(&data_dir()).expect("the shipped network loads and validates")
    })
}

#[test]
fn counts_are_in_the_expected_ranges() {
    let n = net();
    let count = |l: Layer| n.nodes.iter().filter(|x| x.layer == l).count();
    assert!(
        (150_000..400_000).contains(&count(Layer::Road)),
        "road nodes {}",
        count(Layer::Road)
    );
    assert!(
        (20_000..80_000).contains(&count(Layer::Rail)),
        "rail nodes {}",
        count(Layer::Rail)
    );
    assert!(
        (500..5_000).contains(&count(Layer::Sea)),
        "sea nodes {}",
        count(Layer::Sea)
    );
    assert!(n.bcps.iter().filter(|b| b.listed).count() >= 40);
    assert!(n.places.len() > 3_000);
    assert!(n.links.iter().any(|l| l.class == LinkClass::CaspianFerry));
}

#[test]
fn the_required_crossings_are_curated() {
    let n = net();
    for id in [
        "torkham",
        "chaman-spin-boldak",
        "hairatan-termez",
        "dostyk-alashankou",
        "khorgos",
        "zamyn-uud-erenhot",
        "irkeshtam",
        "torugart",
        "kulma-karasu",
        "khunjerab",
        "islam-qala-dogharoun",
        "sarakhs",
        "serhetabat-torghundi",
        "sher-khan-bandar-nizhny-pyanj",
        "taftan-mirjaveh",
        "wagah-attari",
        "farap-alat",
        "bolashak-serhetyaka",
        "astara",
        "sarpi",
        "red-bridge",
    ] {
        assert!(!n.find_bcps(id).is_empty(), "missing BCP {id}");
    }
    assert!(n.bcps.iter().any(|b| b.listed && b.id.contains("yallama")));
}

#[test]
fn every_crossing_is_on_the_network_and_on_its_border() {
    let n = net();
    let off = n.validate().unwrap();
    let report = std::fs::read_to_string(data_dir().join("network/BUILD_REPORT.md")).unwrap();
    // The few that cannot be placed are named in the build report with the reason.
    assert!(off.len() <= 4, "{} BCPs off the network", off.len());
    for i in off {
        let b = &n.bcps[i as usize];
        assert!(b.listed);
        assert!(
            report.contains(&format!("| {} | {} | NOT ON THE NETWORK", b.id, b.mode)),
            "{}",
            b.key()
        );
    }
    for (li, l) in n.links.iter().enumerate() {
        let Some(bi) = l.bcp else { continue };
        let b = &n.bcps[bi as usize];
        let (a, c) = (&n.nodes[l.from as usize], &n.nodes[l.to as usize]);
        assert_ne!(
            a.country,
            c.country,
            "BCP link {li} of {} stays in one country",
            b.key()
        );
        if b.listed {
            // The link passes near the curated coordinate (long simplified edges aside).
            let d = haversine_km(a.lat, a.lon, b.lat, b.lon)
                .min(haversine_km(c.lat, c.lon, b.lat, b.lon));
            assert!(
                d < 60.0 || l.km > 100.0,
                "{} is {d:.0} km from its link",
                b.key()
            );
        }
    }
}

#[test]
fn figures_are_finite_and_sourced() {
    let n = net();
    for b in &n.bcps {
        for v in b.wait_hours.iter().chain(&b.fee_usd) {
            assert!(v.is_finite() && *v >= 0.0, "{}", b.key());
        }
        assert!(
            !b.wait_source.is_empty() && !b.fee_source.is_empty(),
            "{}",
            b.key()
        );
    }
    for c in &n.params.classes {
        for s in [
            &c.speed_kmh,
            &c.cost_usd_per_tkm,
            &c.co2e_g_per_tkm,
            &c.payload_t,
        ] {
            assert!(s.value.is_finite() && s.value > 0.0);
            assert!(!s.source.is_empty());
        }
    }
    for t in &n.terminals {
        assert!(
            t.handling_hours.value.is_finite() && !t.handling_hours.source.is_empty(),
            "{}",
            t.id
        );
    }
    // Road moves at the CPMM 2022 SWOD (DESIGN.md); rail at the commercial speed of container
    // trains in Kazakhstan (941 km/day), below the CPMM rail SWOD of 53.9 km/h.
    assert_eq!(n.params.class(LinkClass::Road).speed_kmh.value, 42.0);
    assert!((n.params.class(LinkClass::Rail).speed_kmh.value - 941.0 / 24.0).abs() < 0.05);
    assert!(
        (n.params.class(LinkClass::Road).cost_usd_per_tkm.value - 945.0 / 10_000.0).abs() < 1e-9
    );
    assert!(
        (n.params.class(LinkClass::Rail).cost_usd_per_tkm.value - 804.0 / 10_000.0).abs() < 1e-9
    );
}

#[test]
fn the_sea_gates_are_terminals_and_places() {
    let n = net();
    let index = PlaceIndex::new(&n.places);
    for name in [
        "Karachi",
        "Port Qasim",
        "Gwadar",
        "Chabahar",
        "Bandar Abbas",
        "Mundra",
        "Nhava Sheva",
        "Poti",
        "Batumi",
        "Novorossiysk",
        "Aktau",
        "Kuryk",
        "Alat",
        "Turkmenbashi",
        "Lianyungang",
        "Tianjin",
        "Shanghai",
    ] {
        let hits = index.search(name, 3);
        assert!(!hits.is_empty(), "no place for {name}");
        let t = n.terminals.iter().find(|t| {
            caravan_net::places::normalize(&t.name).contains(&caravan_net::places::normalize(name))
        });
        assert!(t.is_some(), "no terminal for {name}");
    }
}

#[test]
fn places_are_in_the_area_with_unique_ids() {
    let n = net();
    let mut ids = std::collections::HashSet::new();
    for p in &n.places {
        assert!(p.lat.is_finite() && p.lon.is_finite());
        assert!(
            (-5.0..=62.0).contains(&p.lat) && (18.0..=137.0).contains(&p.lon),
            "{} at {},{}",
            p.id,
            p.lat,
            p.lon
        );
        assert!(ids.insert(p.id.clone()), "duplicate id {}", p.id);
    }
    let index = PlaceIndex::new(&n.places);
    for (q, id) in [
        ("Tashkent", "UZTAS"),
        ("Alma-Ata", "KZALA"),
        ("Mazar-e-Sharif", "AFMZR"),
        ("Lianyungang", "CNLYG"),
    ] {
        let i = index.resolve(q).unwrap_or_else(|c| panic!("{q}: {c:?}"));
        assert_eq!(n.places[i].id, id, "{q}");
    }
}

#[test]
fn rail_gauges_cover_the_region() {
    let n = net();
    for (c, mm) in [
        ("KZ", 1520),
        ("CN", 1435),
        ("PK", 1676),
        ("IN", 1676),
        ("IR", 1435),
        ("UZ", 1520),
        ("MN", 1520),
        ("TR", 1435),
    ] {
        assert_eq!(n.gauge_of(Country::parse(c).unwrap()), Some(mm), "{c}");
    }
}

#[test]
fn malformed_files_report_file_line_and_field() {
    let dir = std::env::temp_dir().join(format!("caravan-bad-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("curated")).unwrap();
    std::fs::create_dir_all(dir.join("network")).unwrap();
    for f in [
        files::NODES,
        files::EDGES,
        files::PLACES,
        files::UNLISTED_BCPS,
        files::MODE_PARAMS,
        files::TRANSFERS,
        files::SEAPORTS,
        files::TERMINALS,
        files::GAUGES,
    ] {
        std::fs::copy(data_dir().join(f), dir.join(f)).unwrap();
    }
    let good = std::fs::read_to_string(data_dir().join(files::BCPS)).unwrap();
    let mut lines: Vec<String> = good.lines().map(str::to_owned).collect();
    lines[3] = lines[3]
        .replacen(",road,", ",plane,", 1)
        .replacen(",rail,", ",plane,", 1);
    std::fs::write(dir.join(files::BCPS), lines.join("\n")).unwrap();
    let err = Network::load_dir(&dir).unwrap_err().to_string();
    assert!(
        err.contains("curated/bcps.csv:4") && err.contains("`mode`") && err.contains("plane"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// `resolve` answers exact names without scoring typos; it must still give exactly what the
/// full ranked search decides (an exact match on top, else the candidates), for every name
/// and alias of the shipped places and for prefixes, typos and country suffixes of them.
#[test]
fn resolve_agrees_with_the_full_ranked_search() {
    let places = &net().places;
    let idx = PlaceIndex::new(places);
    let mut queries: Vec<String> = Vec::new();
    for (i, p) in places.iter().enumerate().step_by(20) {
        queries.push(p.name.clone());
        queries.extend(p.aliases.iter().cloned());
        let chars: Vec<char> = p.name.chars().collect();
        if chars.len() > 4 {
            queries.push(chars[..chars.len() - 1].iter().collect());
            let mut typo = chars.clone();
            let k = i % typo.len();
            typo[k] = if typo[k] == 'a' { 'e' } else { 'a' };
            queries.push(typo.into_iter().collect());
        }
        queries.push(format!("{}, {}", p.name, p.country));
    }
    for q in &queries {
        let full = idx.search(q, 8);
        let expected = match full.first() {
            Some(h) if h.score >= 870 => Ok(h.index),
            _ => Err(full.iter().map(|h| h.index).collect::<Vec<_>>()),
        };
        let got = idx
            .resolve(q)
            .map_err(|e| e.iter().map(|h| h.index).collect());
        match (&got, &expected) {
            // An exact primary name resolves by name before any ranking (the most important
            // place of that name), as it always has.
            (Ok(g), Ok(e)) if g != e => assert_eq!(
                caravan_net::places::normalize(&places[*g].name),
                caravan_net::places::normalize(q),
                "{q}"
            ),
            _ => assert_eq!(got, expected, "{q}"),
        }
    }
    assert!(queries.len() > 800, "{}", queries.len());
}

/// The shipped edges file as text (the loader's input, before any factor).
fn edges_csv() -> String {
    use std::io::Read;
    let mut text = String::new();
    open_data_file(&data_dir(), files::EDGES)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// Road km of record (network patch sections with a published length, `km_of_record` in
/// edges.csv) are not multiplied by the road circuity model; the rest of a road link is, by
/// the factor its terrain (`climb_m_per_km`) calls for: `flat` up to the flat climb,
/// `mountain` from the mountain climb, linear in between, and where the model has a full
/// segment length, only a share of the excess for finely drawn links (worked out here, not
/// with the crate's own function).
#[test]
fn road_links_are_scaled_by_their_terrain_except_km_of_record() {
    let n = net();
    let text = edges_csv();
    let params = std::fs::read_to_string(data_dir().join(files::MODE_PARAMS)).unwrap();
    let optional = |name: &str| -> Option<f64> {
        params
            .lines()
            .find_map(|l| l.strip_prefix(&format!("road,{name},")))
            .and_then(|rest| rest.split(',').next())
            .and_then(|v| v.parse().ok())
    };
    let param =
        |name: &str| optional(name).unwrap_or_else(|| panic!("mode_params.csv has road,{name}"));
    let full_segment_km = optional("circuity_full_segment_km");
    let (flat, mountain) = (param("circuity_factor"), param("circuity_factor_mountain"));
    let (lo, hi) = (
        param("circuity_climb_flat_m_per_km"),
        param("circuity_climb_mountain_m_per_km"),
    );
    assert!(flat <= mountain && lo <= hi);
    let factor = |climb: f64, segment_km: f64| {
        let terrain = if climb <= lo {
            flat
        } else if climb >= hi {
            mountain
        } else {
            flat + (mountain - flat) * (climb - lo) / (hi - lo)
        };
        match full_segment_km {
            Some(full) => 1.0 + (terrain - 1.0) * (segment_km / full).min(1.0),
            None => terrain,
        }
    };
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (c_from, c_to, c_class, c_km, c_rec, c_climb, c_geom) = (
        col("from"),
        col("to"),
        col("class"),
        col("km"),
        col("km_of_record"),
        col("climb_m_per_km"),
        col("geometry"),
    );
    let (mut with_record, mut steep) = (0, 0);
    for (row, link) in lines.zip(&n.links) {
        let f: Vec<&str> = row.split(',').collect();
        assert_eq!(f[c_from].parse::<u32>().unwrap(), link.from);
        assert_eq!(f[c_to].parse::<u32>().unwrap(), link.to);
        let km: f64 = f[c_km].parse().unwrap();
        let rec: f64 = f[c_rec].parse().unwrap_or(0.0);
        let want = if f[c_class] == "road" {
            let climb: f64 = f[c_climb].parse().expect("every road link has its climb");
            steep += usize::from(climb >= hi);
            let segments = f[c_geom].split(';').filter(|p| !p.is_empty()).count() + 1;
            (km - rec) * factor(climb, km / segments as f64) + rec
        } else {
            assert_eq!(f[c_climb], "", "{row}");
            km
        };
        assert!(
            (link.km - want).abs() < 1e-6,
            "{row}: {} for {want}",
            link.km
        );
        if rec > 0.0 {
            assert_eq!(f[c_class], "road", "{row}");
            with_record += 1;
        }
    }
    assert!(with_record > 0, "no road link carries km of record");
    assert!(
        steep > 1000,
        "only {steep} road links take the mountain factor"
    );
}

/// The terrain the build writes tells a mountain road from a steppe road: known places, the
/// road links within 15 km of them.
#[test]
fn road_terrain_tells_mountains_from_steppe() {
    let n = net();
    let text = edges_csv();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let c_climb = header.iter().position(|h| *h == "climb_m_per_km").unwrap();
    let climbs: Vec<Option<f64>> = lines
        .map(|row| row.split(',').nth(c_climb).and_then(|v| v.parse().ok()))
        .collect();
    let mean_near = |lat: f64, lon: f64| {
        let (mut sum, mut k) = (0.0, 0);
        for (link, climb) in n.links.iter().zip(&climbs) {
            let a = &n.nodes[link.from as usize];
            if let Some(c) = climb {
                if caravan_net::geo::haversine_km(a.lat, a.lon, lat, lon) < 15.0 {
                    sum += c;
                    k += 1;
                }
            }
        }
        assert!(k > 0, "no road link near {lat},{lon}");
        sum / k as f64
    };
    // Steppe between Karaganda and Balkhash; the Kazakh side of the Caspian lowland.
    for (lat, lon) in [(48.0, 74.0), (47.1, 51.9)] {
        let c = mean_near(lat, lon);
        assert!(c < 10.0, "{lat},{lon}: {c} m/km");
    }
    // The Pamir Highway at Khorog; the Karakoram Highway at Passu; the Panj road at Qal'ai Khumb.
    for (lat, lon) in [(37.49, 71.55), (36.47, 74.88), (38.45, 70.78)] {
        let c = mean_near(lat, lon);
        assert!(c > 20.0, "{lat},{lon}: {c} m/km");
    }
}

/// A road patch section without a published length is stored at its straight chord: the
/// loader's terrain circuity adds the detour, so the build must not add its own x 1.2 as well
/// (it did until 2026-12-03). Checked on the sections of 10 km or more, where the patch's
/// straight link is most of the graph link that carries it.
#[test]
fn road_patch_chords_without_a_published_length_are_stored_straight() {
    let n = net();
    let text = edges_csv();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (c_class, c_km, c_geom) = (col("class"), col("km"), col("geometry"));
    // Each road link as (km in the file, its polyline).
    let roads: Vec<(f64, Vec<(f64, f64)>)> = lines
        .zip(&n.links)
        .filter_map(|(row, link)| {
            let f: Vec<&str> = row.split(',').collect();
            (f[c_class] == "road").then(|| {
                let (a, b) = (&n.nodes[link.from as usize], &n.nodes[link.to as usize]);
                let mut pts = vec![(a.lat, a.lon)];
                pts.extend(f[c_geom].split(';').filter(|p| !p.is_empty()).map(|p| {
                    let mut it = p.split(' ').map(|x| x.parse::<f64>().unwrap());
                    (it.next().unwrap(), it.next().unwrap())
                }));
                pts.push((b.lat, b.lon));
                (f[c_km].parse().unwrap(), pts)
            })
        })
        .collect();
    let path = data_dir().join("curated/network_patches.csv");
    let mut patches = csv::Reader::from_path(&path).unwrap();
    let mut checked = 0;
    for row in patches.deserialize::<std::collections::HashMap<String, String>>() {
        let row = row.unwrap();
        if row["mode"] != "road" || !row["length_km"].trim().is_empty() {
            continue;
        }
        let points: Vec<(f64, f64)> = row["waypoints"]
            .split(';')
            .map(|wp| {
                let (_, coord) = wp.rsplit_once('@').unwrap();
                let (la, lo) = coord.split_once(',').unwrap();
                (la.trim().parse().unwrap(), lo.trim().parse().unwrap())
            })
            .collect();
        for pair in points.windows(2) {
            let ((la1, lo1), (la2, lo2)) = (pair[0], pair[1]);
            let chord = haversine_km(la1, lo1, la2, lo2);
            if chord < 10.0 {
                continue;
            }
            let near = |pts: &[(f64, f64)], la: f64, lo: f64| {
                pts.iter().any(|&(a, b)| haversine_km(a, b, la, lo) < 1.0)
            };
            for (km, pts) in &roads {
                if !(near(pts, la1, lo1) && near(pts, la2, lo2)) {
                    continue;
                }
                let drawn: f64 = pts
                    .windows(2)
                    .map(|w| haversine_km(w[0].0, w[0].1, w[1].0, w[1].1))
                    .sum();
                if drawn > 2.0 * chord {
                    continue; // a longer graph link that happens to pass both points
                }
                assert!(
                    *km < 1.05 * drawn,
                    "{} section of {chord:.1} km stored as {km} km over a {drawn:.1} km line",
                    row["id"]
                );
                checked += 1;
            }
        }
    }
    assert!(
        checked > 0,
        "no long road patch section without a published length found"
    );
}
