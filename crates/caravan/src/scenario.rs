//! `caravan scenario list|show`, and what `--scenario` accepts: a scenario file (TOML, or JSON
//! when named *.json) or a library id (`trans-afghan-railway`).

use std::path::Path;

use anyhow::Context;
use caravan_net::{files, projects, Network, Project};
use caravan_route::{Library, Router, Scenario};
use clap::Subcommand;

use crate::{bad_input, Failure, Format, EXIT_BAD_INPUT};

/// The curated policy scenarios.
pub const POLICIES: &str = "curated/scenarios.toml";

#[derive(Subcommand)]
pub enum ScenarioCommand {
    /// The scenario library: planned projects and policy scenarios.
    List {
        /// table or json.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// One library scenario, with its sources, or a scenario file as it will be applied.
    Show {
        /// Library id or scenario file.
        id: String,
        /// table or json.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

fn read_text(dir: &Path, rel: &str) -> anyhow::Result<String> {
    let path = dir.join(rel);
    std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
}

/// The library from the data files alone (no network load).
pub fn library(dir: &Path) -> anyhow::Result<Library> {
    let text = read_text(dir, files::PROJECTS)?;
    let list = projects::parse_library(files::PROJECTS, &text)?;
    let mut lib = Library::of_project_list(list.iter());
    lib.add_policies(POLICIES, &read_text(dir, POLICIES)?)?;
    Ok(lib)
}

/// Adds the policy scenarios to a router's library.
pub fn with_policies(dir: &Path, router: Router) -> anyhow::Result<Router> {
    Ok(router.with_policies(POLICIES, &read_text(dir, POLICIES)?)?)
}

/// A `--scenario` value: a file if one exists at that path, else a library id.
pub fn resolve(dir: &Path, arg: &str) -> Result<Scenario, Failure> {
    let path = Path::new(arg);
    if path.is_file() {
        return crate::read_scenario(path).map_err(|e| Failure {
            code: EXIT_BAD_INPUT,
            error: e,
            json: None,
        });
    }
    let lib = library(dir).map_err(|e| Failure {
        code: 1,
        error: e,
        json: None,
    })?;
    match lib.get(arg) {
        Some(e) => Ok(e.scenario.clone()),
        None => Err(bad_input(format!(
            "--scenario `{arg}` is neither a file nor a library scenario; did you mean: {}? (`caravan scenario list`)",
            lib.suggest(arg, 3).join(", ")
        ))),
    }
}

/// The network with a scenario's own projects appended (those the library does not hold).
pub fn network_with(dir: &Path, scenario: &Scenario) -> anyhow::Result<Network> {
    let mut net = Network::load_dir(dir)
        .with_context(|| format!("loading the network in {}", dir.display()))?;
    for p in &scenario.infrastructure {
        add_own_project(&mut net, p)?;
    }
    Ok(net)
}

fn add_own_project(net: &mut Network, p: &Project) -> anyhow::Result<()> {
    match net.project_index(&p.id) {
        Some(i) if net.projects[i].project == *p => Ok(()),
        Some(_) => anyhow::bail!(
            "the scenario's project `{}` has the id of a library project: rename it",
            p.id
        ),
        None => net
            .add_project(p.clone())
            .with_context(|| format!("the scenario's project `{}`", p.id)),
    }
}

pub fn run(dir: &Path, cmd: ScenarioCommand) -> Result<(), Failure> {
    let fail = |e: anyhow::Error| Failure {
        code: 1,
        error: e,
        json: None,
    };
    match cmd {
        ScenarioCommand::List { format } => {
            let lib = library(dir).map_err(fail)?;
            if format == Format::Json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &serde_json::json!({ "scenarios": lib.entries() })
                    )
                    .map_err(|e| fail(e.into()))?
                );
                return Ok(());
            }
            let mut t = comfy_table::Table::new();
            t.load_preset(comfy_table::presets::UTF8_HORIZONTAL_ONLY);
            t.set_header(["id", "kind", "status", "opens", "name"]);
            for e in lib.entries() {
                t.add_row([
                    e.id.clone(),
                    e.kind.to_owned(),
                    e.status.clone(),
                    e.opening_year.map(|y| y.to_string()).unwrap_or_default(),
                    e.name.clone(),
                ]);
            }
            println!("{t}");
            Ok(())
        }
        ScenarioCommand::Show { id, format } => {
            let lib = library(dir).map_err(fail)?;
            let entry = lib.get(&id).cloned();
            let scenario = match &entry {
                Some(e) => e.scenario.clone(),
                None => resolve(dir, &id)?,
            };
            if format == Format::Json {
                let v = match &entry {
                    Some(e) => serde_json::to_value(e),
                    None => serde_json::to_value(&scenario),
                }
                .map_err(|e| fail(e.into()))?;
                println!(
                    "{}",
                    serde_json::to_string_pretty(&v).map_err(|e| fail(e.into()))?
                );
                return Ok(());
            }
            if let Some(e) = &entry {
                println!("{} ({}, {})", e.name, e.kind, e.status);
                if let Some(y) = e.opening_year {
                    println!("expected opening: {y}");
                }
                println!("\n{}\n", e.summary);
                if !e.notes.is_empty() {
                    println!("notes: {}\n", e.notes);
                }
                println!("sources:");
                for s in &e.sources {
                    println!("  - {s}");
                }
                if e.kind == "project" {
                    let text = read_text(dir, files::PROJECTS).map_err(fail)?;
                    let list = projects::parse_library(files::PROJECTS, &text)
                        .map_err(|e| fail(e.into()))?;
                    if let Some(p) = list.iter().find(|p| p.id == e.id) {
                        println!("\nlinks:");
                        for l in &p.links {
                            println!(
                                "  {} {} - {}: {}{}{}",
                                l.mode,
                                l.from,
                                l.to,
                                l.km.map(|k| format!("{k} km"))
                                    .unwrap_or_else(|| "chord x 1.2".into()),
                                l.gauge_mm.map(|g| format!(", {g} mm")).unwrap_or_default(),
                                l.crossing
                                    .as_ref()
                                    .map(|c| format!(", crosses at {c}"))
                                    .unwrap_or_default()
                            );
                        }
                    }
                }
            }
            println!(
                "\nas applied:\n{}",
                toml::to_string(&scenario).map_err(|e| fail(e.into()))?
            );
            Ok(())
        }
    }
}
