//! The README's example outputs are the program's: this test runs each example and compares
//! the summary with the block between the README's `generated examples` markers. When the data
//! or the router change, it fails; `CARAVAN_UPDATE_README=1 cargo test -p caravan --test readme`
//! rewrites the block.

use std::process::Command;

use serde_json::Value;

const BEGIN: &str = "<!-- BEGIN generated examples";
const END: &str = "<!-- END generated examples -->";

const EXAMPLES: &[&[&str]] = &[
    &[
        "route",
        "--from",
        "Tashkent",
        "--to",
        "Karachi",
        "--modes",
        "road",
        "--alternatives",
        "2",
    ],
    &[
        "route",
        "--from",
        "Tashkent",
        "--to",
        "Karachi",
        "--modes",
        "road",
        "--open-bcp",
        "torkham,chaman-spin-boldak",
    ],
    &[
        "route",
        "--from",
        "Almaty",
        "--to",
        "Urumqi",
        "--modes",
        "rail",
        "--alternatives",
        "1",
    ],
    &["route", "--from", "Tashkent", "--to", "Nhava Sheva"],
    &[
        "route",
        "--from",
        "Urumqi",
        "--to",
        "Tbilisi",
        "--avoid-country",
        "RU,IR",
    ],
    &["route", "--from", "Urumqi", "--to", "Tbilisi"],
    &[
        "route",
        "--from",
        "Lianyungang",
        "--to",
        "Almaty",
        "--modes",
        "rail",
        "--alternatives",
        "2",
    ],
    &[
        "route",
        "--from",
        "Kabul",
        "--to",
        "Peshawar",
        "--modes",
        "road",
        "--avoid-country",
        "IR,CN",
    ],
    &[
        "cost",
        "--hs",
        "7208.10",
        "--value",
        "50000",
        "--incoterm",
        "CIF",
        "--from",
        "CN",
        "--to",
        "PK",
        "--date",
        "2020-06-15",
    ],
];

fn thousands(x: f64) -> String {
    let s = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

fn names(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| match x {
                    Value::String(s) => s.clone(),
                    o => o["name"].as_str().unwrap_or("?").to_owned(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Runs `caravan ARGS` on the shipped data: exit code and the JSON it printed.
fn caravan_json(args: &[&str]) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_caravan"))
        .args(args)
        .env(
            "CARAVAN_DATA",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../data"),
        )
        .output()
        .expect("run caravan");
    (
        out.status.code().unwrap_or(-1),
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
    )
}

fn summarize(args: &[&str]) -> String {
    let (code, json) = caravan_json(&[args, &["--format", "json"]].concat());
    let shown: Vec<String> = args
        .iter()
        .map(|a| {
            if a.contains(' ') {
                format!("\"{a}\"")
            } else {
                (*a).to_owned()
            }
        })
        .collect();
    let mut text = format!("$ caravan {}\n", shown.join(" "));
    if code != 0 {
        let msg = json["error"]["message"].as_str().unwrap_or("").to_owned();
        text.push_str(&format!("exit {code}: {msg}\n"));
        return text;
    }
    if args[0] == "cost" {
        text.push_str(&format!(
            "total {} {} ({}), customs value USD {}, duty basis {}{}\n",
            thousands(json["total"]["amount"].as_f64().unwrap_or(f64::NAN)),
            json["total"]["currency"].as_str().unwrap_or("?"),
            if json["complete"] == true {
                "complete"
            } else {
                "lower bound"
            },
            thousands(json["customs_value_usd"].as_f64().unwrap_or(f64::NAN)),
            json["duty_basis"]["level"].as_str().unwrap_or("?"),
            json["duty_basis"]["agreement"]["name"]
                .as_str()
                .map_or(String::new(), |a| format!(" under {a}"))
        ));
        for l in json["lines"].as_array().into_iter().flatten() {
            if l["kind"] == "duty" || l["kind"] == "vat" {
                text.push_str(&format!(
                    "  {}: {} = USD {}\n",
                    l["label"].as_str().unwrap_or("?"),
                    l["rate"].as_str().unwrap_or("?"),
                    l["amount"].as_f64().map_or("unknown".to_owned(), thousands)
                ));
            }
        }
        return text;
    }
    for r in json["routes"].as_array().into_iter().flatten() {
        let s = &r["summary"];
        let f = |k: &str| s[k].as_f64().unwrap_or(f64::NAN);
        text.push_str(&format!(
            "route {}: {} km, {:.1} days, USD {}, {} kg CO2e, {}; crossings: {}\n",
            r["rank"],
            thousands(f("distance_km")),
            f("days"),
            thousands(f("cost_usd")),
            thousands(f("co2e_kg")),
            names(s, "modes").join(" + "),
            names(r, "border_crossings").join(" > "),
        ));
        let why = names(r, "distinguished_by");
        if !why.is_empty() {
            text.push_str(&format!("  differs by: {}\n", why.join("; ")));
        }
    }
    text
}

#[test]
fn readme_example_outputs_match_the_program() {
    let readme_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md");
    let readme = std::fs::read_to_string(readme_path).unwrap();
    let start = readme
        .find(BEGIN)
        .expect("README has the generated-examples marker");
    let body_start = start + readme[start..].find('\n').unwrap() + 1;
    let end = readme.find(END).expect("README has the end marker");
    let mut generated = String::from("```text\n");
    for (i, ex) in EXAMPLES.iter().enumerate() {
        if i > 0 {
            generated.push('\n');
        }
        generated.push_str(&summarize(ex));
    }
    generated.push_str("```\n");
    if std::env::var_os("CARAVAN_UPDATE_README").is_some() {
        let updated = format!("{}{}{}", &readme[..body_start], generated, &readme[end..]);
        std::fs::write(readme_path, updated).unwrap();
        return;
    }
    assert!(
        readme[body_start..end] == generated,
        "the README's example outputs drifted from the program; run \
         `CARAVAN_UPDATE_README=1 cargo test -p caravan --test readme` and review the diff.\n\
         expected:\n{generated}\nREADME has:\n{}",
        &readme[body_start..end]
    );
}

const CORRIDOR_BEGIN: &str = "<!-- BEGIN generated corridor example";
const CORRIDOR_END: &str = "<!-- END generated corridor example -->";
const CORRIDOR_MAP: &str = "/../../docs/trans-afghan-corridor.geojson";

/// The SCO's named corridor: Tashkent and Termez to five ports, base vs the Trans-Afghan
/// railway (and with Torkham and Chaman reopened too), as a table; the routes as a map.
#[test]
fn readme_corridor_example_matches_the_program() {
    let origins = ["Tashkent", "Termez"];
    let ports = ["Karachi", "Gwadar", "Chabahar", "Bandar Abbas", "Mundra"];
    let scenarios: [(&str, Option<&str>); 3] = [
        ("base", None),
        ("Trans-Afghan", Some("trans-afghan-railway")),
        ("+ Torkham, Chaman", Some("trans-afghan-with-reopening")),
    ];
    let mut table = String::from(
        "| from | to | scenario | days | USD | modes | crossings |\n|---|---|---|---:|---:|---|---|\n",
    );
    let mut features: Vec<Value> = Vec::new();
    for o in origins {
        for p in ports {
            for (label, sc) in scenarios {
                let mut args = vec!["route", "--from", o, "--to", p, "--format", "json"];
                if let Some(id) = sc {
                    args.extend(["--scenario", id]);
                }
                let (code, v) = caravan_json(&args);
                if code != 0 {
                    table.push_str(&format!(
                        "| {o} | {p} | {label} | - | - | - | no route: {} |\n",
                        v["error"]["message"].as_str().unwrap_or("?")
                    ));
                    continue;
                }
                let r = &v["routes"][0];
                let s = &r["summary"];
                table.push_str(&format!(
                    "| {o} | {p} | {label} | {:.1} | {} | {} | {} |\n",
                    s["days"].as_f64().unwrap_or(f64::NAN),
                    thousands(s["cost_usd"].as_f64().unwrap_or(f64::NAN)),
                    names(s, "modes").join(" + "),
                    names(r, "border_crossings").join(" > "),
                ));
                if o == "Termez" && label != "+ Torkham, Chaman" {
                    let coords: Vec<Value> = r["legs"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .flat_map(|l| l["geometry"].as_array().cloned().unwrap_or_default())
                        .collect();
                    features.push(serde_json::json!({
                        "type": "Feature",
                        "geometry": {"type": "LineString", "coordinates": coords},
                        "properties": {"from": o, "to": p, "scenario": label,
                                       "days": s["days"], "cost_usd": s["cost_usd"],
                                       "stroke": if label == "base" { "#888888" } else { "#d7301f" }},
                    }));
                }
            }
        }
    }
    let map = serde_json::to_string(
        &serde_json::json!({"type": "FeatureCollection", "features": features}),
    )
    .unwrap();
    let readme_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md");
    let map_path = format!("{}{CORRIDOR_MAP}", env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(readme_path).unwrap();
    let start = readme
        .find(CORRIDOR_BEGIN)
        .expect("README has the corridor-example marker");
    let body_start = start + readme[start..].find('\n').unwrap() + 1;
    let end = readme
        .find(CORRIDOR_END)
        .expect("README has the end marker");
    if std::env::var_os("CARAVAN_UPDATE_README").is_some() {
        let updated = format!("{}{}{}", &readme[..body_start], table, &readme[end..]);
        std::fs::write(readme_path, updated).unwrap();
        std::fs::write(&map_path, &map).unwrap();
        return;
    }
    assert!(
        readme[body_start..end] == table,
        "the README's corridor example drifted from the program; run \
         `CARAVAN_UPDATE_README=1 cargo test -p caravan --test readme` and review the diff.\n\
         expected:\n{table}\nREADME has:\n{}",
        &readme[body_start..end]
    );
    assert_eq!(
        std::fs::read_to_string(&map_path).unwrap_or_default(),
        map,
        "docs/trans-afghan-corridor.geojson drifted; regenerate as above"
    );
}
