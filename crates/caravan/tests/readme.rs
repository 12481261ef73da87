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

fn summarize(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_caravan"))
        .args(args)
        .args(["--format", "json"])
        .env(
            "CARAVAN_DATA",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../data"),
        )
        .output()
        .expect("run caravan");
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
    let code = out.status.code().unwrap_or(-1);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
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
