//! Saved scenarios in an embedded SQLite database.
//!
//! WAL journal with `synchronous=FULL`: a write is acknowledged only after it is durable, so a
//! crash loses nothing the client was told succeeded. Every write is one `BEGIN IMMEDIATE`
//! transaction, and a busy timeout lets several processes share the file.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use caravan_route::Scenario;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no scenario `{0}`")]
    NotFound(String),
    #[error("scenario `{id}` is at version {current}, not {expected}; fetch it and retry")]
    Conflict {
        id: String,
        expected: i64,
        current: i64,
    },
    #[error("cannot create the directory {0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error("stored scenario `{0}` is unreadable: {1}")]
    Corrupt(String, serde_json::Error),
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// A scenario as stored: the overlay plus its name, version and timestamps.
#[derive(Clone, Debug)]
pub struct StoredScenario {
    pub id: String,
    pub name: String,
    pub description: String,
    pub scenario: Scenario,
    /// Starts at 1 and grows by one with every update (for optimistic concurrency).
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

pub struct ScenarioStore {
    conn: Mutex<Connection>,
}

const SCHEMA_VERSION: i64 = 1;
const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";

impl ScenarioStore {
    /// Opens (creating if needed) the database at `path`.
    pub fn open(path: &Path) -> Result<ScenarioStore, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Io(dir.to_path_buf(), e))?;
        }
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version < SCHEMA_VERSION {
            conn.execute_batch(
                "BEGIN IMMEDIATE;
                 CREATE TABLE IF NOT EXISTS scenarios (
                     id TEXT PRIMARY KEY,
                     name TEXT NOT NULL,
                     description TEXT NOT NULL DEFAULT '',
                     body TEXT NOT NULL,
                     version INTEGER NOT NULL,
                     created_at TEXT NOT NULL,
                     updated_at TEXT NOT NULL
                 );
                 PRAGMA user_version = 1;
                 COMMIT;",
            )?;
        }
        Ok(ScenarioStore {
            conn: Mutex::new(conn),
        })
    }

    fn with_conn<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        // A poisoned lock only means another request panicked mid-call; SQLite rolled back its
        // transaction, so the connection is still consistent.
        let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut conn)
    }

    pub fn list(&self) -> Result<Vec<StoredScenario>, StoreError> {
        self.with_conn(|c| {
            let mut stmt = c.prepare(
                "SELECT id, name, description, body, version, created_at, updated_at
                 FROM scenarios ORDER BY created_at, id",
            )?;
            let rows = stmt.query_map([], row_parts)?;
            rows.map(|r| r.map_err(StoreError::from).and_then(decode))
                .collect()
        })
    }

    pub fn get(&self, id: &str) -> Result<StoredScenario, StoreError> {
        self.with_conn(|c| get_in(c, id))
    }

    pub fn create(
        &self,
        name: &str,
        description: &str,
        scenario: &Scenario,
    ) -> Result<StoredScenario, StoreError> {
        let body = encode(scenario);
        self.with_conn(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let id: String = tx.query_row(
                &format!(
                    "INSERT INTO scenarios (id, name, description, body, version, created_at, updated_at)
                     VALUES ('sc_' || lower(hex(randomblob(8))), ?1, ?2, ?3, 1, {NOW}, {NOW})
                     RETURNING id"
                ),
                params![name, description, body],
                |r| r.get(0),
            )?;
            tx.commit()?;
            get_in(c, &id)
        })
    }

    /// Replaces a scenario. With `expected_version`, fails with `Conflict` if someone else
    /// updated it since the caller read it.
    pub fn update(
        &self,
        id: &str,
        expected_version: Option<i64>,
        name: &str,
        description: &str,
        scenario: &Scenario,
    ) -> Result<StoredScenario, StoreError> {
        let body = encode(scenario);
        self.with_conn(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let current: Option<i64> = tx
                .query_row(
                    "SELECT version FROM scenarios WHERE id = ?1",
                    params![id],
                    |r| r.get(0),
                )
                .optional()?;
            let current = current.ok_or_else(|| StoreError::NotFound(id.to_owned()))?;
            if let Some(expected) = expected_version.filter(|&e| e != current) {
                return Err(StoreError::Conflict {
                    id: id.to_owned(),
                    expected,
                    current,
                });
            }
            tx.execute(
                &format!(
                    "UPDATE scenarios SET name = ?2, description = ?3, body = ?4,
                     version = version + 1, updated_at = {NOW} WHERE id = ?1"
                ),
                params![id, name, description, body],
            )?;
            tx.commit()?;
            get_in(c, id)
        })
    }

    pub fn delete(&self, id: &str) -> Result<(), StoreError> {
        self.with_conn(|c| {
            let n = c.execute("DELETE FROM scenarios WHERE id = ?1", params![id])?;
            if n == 0 {
                return Err(StoreError::NotFound(id.to_owned()));
            }
            Ok(())
        })
    }

    /// A cheap read that proves the database answers (for `/health`).
    pub fn count(&self) -> Result<i64, StoreError> {
        self.with_conn(|c| Ok(c.query_row("SELECT count(*) FROM scenarios", [], |r| r.get(0))?))
    }
}

type RowParts = (String, String, String, String, i64, String, String);

fn row_parts(r: &rusqlite::Row<'_>) -> rusqlite::Result<RowParts> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

fn decode(
    (id, name, description, body, version, created_at, updated_at): RowParts,
) -> Result<StoredScenario, StoreError> {
    let scenario = serde_json::from_str(&body).map_err(|e| StoreError::Corrupt(id.clone(), e))?;
    Ok(StoredScenario {
        id,
        name,
        description,
        scenario,
        version,
        created_at,
        updated_at,
    })
}

fn encode(scenario: &Scenario) -> String {
    // Serializing plain strings and numbers cannot fail.
    serde_json::to_string(scenario).unwrap_or_else(|_| "{}".to_owned())
}

fn get_in(c: &Connection, id: &str) -> Result<StoredScenario, StoreError> {
    let parts = c
        .query_row(
            "SELECT id, name, description, body, version, created_at, updated_at
             FROM scenarios WHERE id = ?1",
            params![id],
            row_parts,
        )
        .optional()?
        .ok_or_else(|| StoreError::NotFound(id.to_owned()))?;
    decode(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(close: &str) -> Scenario {
        Scenario {
            close_bcps: vec![close.to_owned()],
            ..Scenario::default()
        }
    }

    #[test]
    fn create_update_delete_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = ScenarioStore::open(&dir.path().join("a/b/s.sqlite")).unwrap();
        let s = store.create("one", "", &scenario("torkham")).unwrap();
        assert_eq!(s.version, 1);
        assert!(s.id.starts_with("sc_"));
        let u = store
            .update(&s.id, Some(1), "one'", "d", &scenario("chaman"))
            .unwrap();
        assert_eq!(u.version, 2);
        assert_eq!(u.scenario.close_bcps, vec!["chaman".to_owned()]);
        let stale = store.update(&s.id, Some(1), "x", "", &scenario("x"));
        assert!(matches!(
            stale,
            Err(StoreError::Conflict { current: 2, .. })
        ));
        store.delete(&s.id).unwrap();
        assert!(matches!(store.get(&s.id), Err(StoreError::NotFound(_))));
        assert!(matches!(store.delete(&s.id), Err(StoreError::NotFound(_))));
    }

    #[test]
    fn concurrent_writers_from_two_connections_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sqlite");
        let a = std::sync::Arc::new(ScenarioStore::open(&path).unwrap());
        let b = std::sync::Arc::new(ScenarioStore::open(&path).unwrap());
        let handles: Vec<_> = (0..8)
            .map(|t| {
                let store = if t % 2 == 0 { a.clone() } else { b.clone() };
                std::thread::spawn(move || {
                    for i in 0..25 {
                        store
                            .create(&format!("t{t}-{i}"), "", &scenario("torkham"))
                            .unwrap();
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(a.count().unwrap(), 200);
        let reopened = ScenarioStore::open(&path).unwrap();
        assert_eq!(reopened.list().unwrap().len(), 200);
    }
}
