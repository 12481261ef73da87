//! `caravan matrix`, `caravan reach` and `caravan build` through the real binary: CSV and
//! JSON agree with each other and with single routes, lists from files, sparse pairs, bad
//! input with the line and field, a route from the compiled file equal to one from the CSV,
//! and a stale or damaged compiled file rebuilt with a note.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn data_dir() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../data")
}

fn caravan_in(data: &Path) -> Command {
    let mut c = Command::cargo_bin("caravan").unwrap();
    c.env("CARAVAN_DATA", data);
    c
}

fn caravan() -> Command {
    caravan_in(Path::new(data_dir()))
}

fn ok_stdout(c: &mut Command) -> String {
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn route_summary(from: &str, to: &str) -> Value {
    let text = ok_stdout(caravan().args(["route", "--from", from, "--to", to, "--format", "json"]));
    let v: Value = serde_json::from_str(&text).unwrap();
    v["routes"][0]["summary"].clone()
}

#[test]
fn csv_json_and_single_routes_agree() {
    let from = r#"Tashkent,"41.3,69.2""#;
    let to = "Karachi,Bishkek";
    let csv = ok_stdout(caravan().args([
        "matrix",
        "--from",
        from,
        "--to",
        to,
        "--metric",
        "hours,usd,km,co2e,objective",
    ]));
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("from,to,hours,usd,km,co2e,objective,reachable")
    );
    let rows: Vec<Vec<String>> = lines.map(csv_fields).collect();
    assert_eq!(rows.len(), 4);
    let json: Value = serde_json::from_str(&ok_stdout(
        caravan().args(["matrix", "--from", from, "--to", to, "--format", "json"]),
    ))
    .unwrap();
    let cells = json["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 4);
    for (row, cell) in rows.iter().zip(cells) {
        assert_eq!(
            row[2].parse::<f64>().unwrap(),
            cell["hours"].as_f64().unwrap()
        );
        assert_eq!(
            row[3].parse::<f64>().unwrap(),
            cell["cost_usd"].as_f64().unwrap()
        );
        assert_eq!(row[7], "true");
    }
    // Tashkent -> Bishkek, against the route command (a separate process, A* by default).
    let s = route_summary("Tashkent", "Bishkek");
    let row = rows
        .iter()
        .find(|r| r[0] == "Tashkent" && r[1] == "Bishkek")
        .unwrap();
    for (i, k) in [
        (2, "hours"),
        (3, "cost_usd"),
        (4, "distance_km"),
        (5, "co2e_kg"),
    ] {
        let (a, b) = (row[i].parse::<f64>().unwrap(), s[k].as_f64().unwrap());
        assert!((a - b).abs() <= 0.011, "{k}: matrix {a} vs route {b}");
    }
}

/// Splits one CSV line (quoted fields keep their commas).
fn csv_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for ch in line.chars() {
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

#[test]
fn parquet_holds_the_csv_rows() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::RowAccessor;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.parquet");
    let args = [
        "matrix",
        "--from",
        "Almaty,Tashkent",
        "--to",
        "Bishkek,Gwadar",
        "--modes",
        "rail",
        "--metric",
        "hours,km",
    ];
    let csv = ok_stdout(caravan().args(args));
    ok_stdout(
        caravan()
            .args(args)
            .args(["--format", "parquet", "--out"])
            .arg(&file),
    );
    let reader = SerializedFileReader::new(std::fs::File::open(&file).unwrap()).unwrap();
    let rows: Vec<String> = reader
        .get_row_iter(None)
        .unwrap()
        .map(|r| {
            let r = r.unwrap();
            let num = |i: usize| r.get_double(i).map(|x| x.to_string()).unwrap_or_default();
            format!(
                "{},{},{},{},{}",
                r.get_string(0).unwrap(),
                r.get_string(1).unwrap(),
                num(2),
                num(3),
                r.get_bool(4).unwrap()
            )
        })
        .collect();
    let expected: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows, expected);
    assert!(
        rows.iter().any(|r| r.ends_with(",,,false")),
        "an unreachable row: {rows:?}"
    );
    // Parquet needs a file to write to.
    let out = caravan()
        .args(args)
        .args(["--format", "parquet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn lists_and_pairs_from_files_and_their_errors() {
    let dir = tempfile::tempdir().unwrap();
    let places = dir.path().join("places.csv");
    std::fs::write(&places, "place\nAlmaty\nUrumqi\n").unwrap();
    let coords = dir.path().join("coords.csv");
    std::fs::write(&coords, "name,lat,lon\nnear Bishkek,42.87,74.59\n").unwrap();
    let out = ok_stdout(caravan().args([
        "matrix",
        "--from",
        &format!("@{}", places.display()),
        "--to",
        &format!("@{}", coords.display()),
        "--metric",
        "km",
    ]));
    assert_eq!(out.lines().count(), 3, "{out}");
    let pairs = dir.path().join("pairs.csv");
    std::fs::write(
        &pairs,
        "from,to\nAlmaty,Bishkek\nTashkent,Almaty\nAlmaty,Urumqi\n",
    )
    .unwrap();
    let out = ok_stdout(caravan().args(["matrix", "--pairs", &format!("@{}", pairs.display())]));
    let firsts: Vec<&str> = out
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(
        firsts,
        ["Almaty", "Tashkent", "Almaty"],
        "pairs keep their order"
    );

    // A bad number names the file, the line and the field.
    std::fs::write(&coords, "lat,lon\n42.87,74.59\n42.1,east\n").unwrap();
    let out = caravan()
        .args([
            "matrix",
            "--from",
            "Almaty",
            "--to",
            &format!("@{}", coords.display()),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 3") && err.contains("`lon`"), "{err}");
    // Unknown place: exit 2 with suggestions; unknown metric: exit 2.
    let out = caravan()
        .args(["matrix", "--from", "Almaty", "--to", "Tashkentt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean"));
    let out = caravan()
        .args([
            "matrix", "--from", "Almaty", "--to", "Tashkent", "--metric", "speed",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn unreachable_pairs_are_marked_not_zero() {
    // Rail only to Gwadar, which has no railway within reach.
    let out = ok_stdout(caravan().args([
        "matrix",
        "--from",
        "Almaty",
        "--to",
        "Tashkent,Gwadar",
        "--modes",
        "rail",
    ]));
    let gwadar = out.lines().find(|l| l.contains("Gwadar")).unwrap();
    assert!(gwadar.ends_with(",,,,false"), "{gwadar}");
}

#[test]
fn reach_respects_its_budget() {
    let out = ok_stdout(caravan().args([
        "reach",
        "--from",
        "Tashkent",
        "--within-hours",
        "24",
        "--modes",
        "road",
    ]));
    let mut names = Vec::new();
    for line in out.lines().skip(1) {
        let f = csv_fields(line);
        assert!(f[3].parse::<f64>().unwrap() <= 24.0, "{line}");
        names.push(f[1].clone());
    }
    assert!(
        names.iter().any(|n| n == "Samarkand" || n == "Samarqand"),
        "{names:?}"
    );
    assert!(!names.iter().any(|n| n == "Karachi"));
}

#[test]
fn stale_or_damaged_compiled_files_are_rebuilt_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(Path::new(data_dir()), &data);
    let compiled = data.join("network/caravan.compiled");
    let _ = std::fs::remove_file(&compiled);
    let route = |c: &mut Command| {
        ok_stdout(c.args([
            "route",
            "--from",
            "Tashkent",
            "--to",
            "Bishkek",
            "--alternatives",
            "2",
            "--format",
            "json",
        ]))
    };
    let from_csv = route(&mut caravan_in(&data));
    let built = ok_stdout(caravan_in(&data).arg("build"));
    // The same answer, byte for byte, from the compiled file.
    assert_eq!(route(&mut caravan_in(&data)), from_csv);
    assert!(
        built.contains("hierarchy edges") && built.contains("fingerprint"),
        "{built}"
    );
    let good = std::fs::read(&compiled).unwrap();
    let ask = |c: &mut Command| {
        c.args([
            "matrix", "--from", "Almaty", "--to", "Bishkek", "--metric", "km",
        ])
        .output()
        .unwrap()
    };
    let out = ask(&mut caravan_in(&data));
    assert!(out.status.success());
    let answer = String::from_utf8(out.stdout).unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).is_empty(),
        "a good file loads quietly"
    );
    // Another network's fingerprint: stale, rebuilt, same answer.
    let mut stale = good.clone();
    stale[12] ^= 0xff;
    std::fs::write(&compiled, &stale).unwrap();
    let out = ask(&mut caravan_in(&data));
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(err.contains("stale") && err.contains("rebuilt"), "{err}");
    assert_eq!(String::from_utf8(out.stdout).unwrap(), answer);
    assert_eq!(
        std::fs::read(&compiled).unwrap().len(),
        good.len(),
        "rewritten"
    );
    // Truncated: damaged, rebuilt, same answer.
    std::fs::write(&compiled, &good[..good.len() / 3]).unwrap();
    let out = ask(&mut caravan_in(&data));
    assert!(String::from_utf8_lossy(&out.stderr).contains("rebuilt"));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), answer);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else if e.file_name() != "caravan.compiled" {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}
