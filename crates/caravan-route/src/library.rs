//! The scenario library: every planned project of the network (as a scenario that switches it
//! on) and the curated policy scenarios (`curated/scenarios.toml`: reopened crossings, border
//! reforms). Wherever a scenario is accepted, a library id works as well.

use caravan_net::projects::toml_error;
use caravan_net::{DataError, Network};
use serde::{Deserialize, Serialize};

use crate::request::Scenario;

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

/// A `[[scenario]]` of `curated/scenarios.toml`: what it is, and the fields of a scenario
/// (any field a scenario file takes; unknown ones are refused by `Scenario`).
#[derive(Deserialize)]
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
    #[serde(flatten)]
    scenario: toml::Table,
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
            let mut scenario: Scenario =
                toml::Value::Table(e.scenario)
                    .try_into()
                    .map_err(|err: toml::de::Error| {
                        DataError::Invalid(vec![format!(
                            "{file}: scenario `{}`: {}",
                            e.id,
                            err.message()
                        )])
                    })?;
            scenario.name = Some(e.name.clone());
            self.entries.push(LibraryEntry {
                scenario,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_scenarios_take_every_scenario_field_and_refuse_unknown_ones() {
        let mut lib = Library::default();
        lib.add_policies(
            "scenarios.toml",
            "[[scenario]]\nid = \"a\"\nname = \"A\"\nclose_country_pairs = [\"AF-PK\"]\nremove_links = [{ mode = \"rail\", lat = 1.0, lon = 2.0 }]\n",
        )
        .unwrap();
        let a = lib.get("a").unwrap();
        assert_eq!(a.scenario.close_country_pairs, vec!["AF-PK".to_string()]);
        assert_eq!(a.scenario.remove_links.len(), 1);
        assert_eq!(a.scenario.name.as_deref(), Some("A"));
        let e = lib
            .add_policies(
                "scenarios.toml",
                "[[scenario]]\nid = \"b\"\nname = \"B\"\nclose_bcp = [\"x\"]\n",
            )
            .unwrap_err()
            .to_string();
        assert!(e.contains("scenario `b`") && e.contains("close_bcp"), "{e}");
        let e = lib
            .add_policies(
                "scenarios.toml",
                "[[scenario]]\nid = \"a\"\nname = \"again\"\n",
            )
            .unwrap_err()
            .to_string();
        assert!(e.contains("defined twice"), "{e}");
    }
}
