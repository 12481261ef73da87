//! The scenario library: every planned project of the network (as a scenario that switches it
//! on) and the curated policy scenarios (`curated/scenarios.toml`: reopened crossings, border
//! reforms). Wherever a scenario is accepted, a library id works as well.

use caravan_net::projects::toml_error;
use caravan_net::{DataError, Network};
use serde::{Deserialize, Serialize};

use crate::request::{BcpChange, ModeChange, RemoveLinks, Scenario};

/// One library scenario, with what it is and where its figures come from.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LibraryEntry {
    pub id: String,
    pub name: String,
    /// `project` (planned infrastructure) or `policy` (an overlay on existing crossings).
    pub kind: &'static str,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opening_year: Option<u16>,
    pub summary: String,
    pub sources: Vec<String>,
    pub notes: String,
    pub scenario: Scenario,
}

/// A `[[scenario]]` of `curated/scenarios.toml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyEntry {
    id: String,
    name: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    sources: Vec<String>,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    close_bcps: Vec<String>,
    #[serde(default)]
    open_bcps: Vec<String>,
    #[serde(default)]
    bcp_changes: Vec<BcpChange>,
    #[serde(default)]
    projects: Vec<String>,
    #[serde(default)]
    mode_changes: Vec<ModeChange>,
    #[serde(default)]
    close_country_pairs: Vec<String>,
    #[serde(default)]
    remove_links: Vec<RemoveLinks>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    #[serde(default)]
    scenario: Vec<PolicyEntry>,
}

#[derive(Clone, Debug, Default)]
pub struct Library {
    entries: Vec<LibraryEntry>,
}

impl Library {
    /// The network's projects, each as a scenario that switches it on.
    pub fn of_projects(net: &Network) -> Library {
        Library::of_project_list(net.projects.iter().map(|s| &s.project))
    }

    /// Projects (as parsed from the library file), each as a scenario that switches it on.
    pub fn of_project_list<'a>(
        projects: impl Iterator<Item = &'a caravan_net::Project>,
    ) -> Library {
        let entries = projects
            .map(|p| LibraryEntry {
                id: p.id.clone(),
                name: p.name.clone(),
                kind: "project",
                status: p.status.clone(),
                opening_year: p.opening_year,
                summary: p.summary.clone(),
                sources: p.sources.clone(),
                notes: p.notes.clone(),
                scenario: Scenario {
                    name: Some(p.name.clone()),
                    projects: vec![p.id.clone()],
                    ..Scenario::default()
                },
            })
            .collect();
        Library { entries }
    }

    /// Adds the policy scenarios of a `scenarios.toml` text; errors name the line.
    pub fn add_policies(&mut self, file: &str, text: &str) -> Result<(), DataError> {
        let parsed: PolicyFile = toml::from_str(text).map_err(|e| toml_error(file, text, &e))?;
        for e in parsed.scenario {
            if self.get(&e.id).is_some() {
                return Err(DataError::Invalid(vec![format!(
                    "{file}: scenario `{}` is defined twice (or shares a project's id)",
                    e.id
                )]));
            }
            self.entries.push(LibraryEntry {
                scenario: Scenario {
                    name: Some(e.name.clone()),
                    close_bcps: e.close_bcps,
                    open_bcps: e.open_bcps,
                    bcp_changes: e.bcp_changes,
                    projects: e.projects,
                    infrastructure: Vec::new(),
                    mode_changes: e.mode_changes,
                    close_country_pairs: e.close_country_pairs,
                    remove_links: e.remove_links,
                },
                id: e.id,
                name: e.name,
                kind: "policy",
                status: e.status,
                opening_year: None,
                summary: e.summary,
                sources: e.sources,
                notes: e.notes,
            });
        }
        Ok(())
    }

    pub fn entries(&self) -> &[LibraryEntry] {
        &self.entries
    }

    pub fn get(&self, id: &str) -> Option<&LibraryEntry> {
        let id = id.trim().to_ascii_lowercase();
        self.entries.iter().find(|e| e.id == id)
    }

    /// Library ids that look like `id`, best first.
    pub fn suggest(&self, id: &str, limit: usize) -> Vec<String> {
        let q = id.trim().to_ascii_lowercase();
        let mut scored: Vec<(f64, &str)> = self
            .entries
            .iter()
            .map(|e| {
                let s = if e.id.contains(&q) || q.contains(&e.id) {
                    1.0
                } else {
                    strsim::normalized_levenshtein(&q, &e.id)
                };
                (s, e.id.as_str())
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        scored
            .into_iter()
            .take(limit)
            .map(|(_, id)| id.to_owned())
            .collect()
    }
}
