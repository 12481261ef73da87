//! The real `caravan serve` binary on an ephemeral loopback port, and checks of its answers
//! against its own OpenAPI document: shared by the HTTP tests of every face.

// Each test binary uses only some of these.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};

/// A running server, killed when dropped (also when a test fails).
pub struct Server {
    pub child: Child,
    pub base: String,
    pub agent: ureq::Agent,
}

impl Server {
    pub fn start(db: &Path) -> Server {
        Server::start_with(db, &[])
    }

    pub fn start_with(db: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_caravan"))
            .args(["serve", "--addr", "127.0.0.1:0", "--db"])
            .arg(db)
            .args(extra)
            .env("CARAVAN_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start caravan serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line
            .trim()
            .strip_prefix("caravan listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .to_owned();
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        Server { child, base, agent }
    }

    pub fn get(&self, path: &str) -> (u16, Value) {
        let mut r = self
            .agent
            .get(&format!("{}{path}", self.base))
            .call()
            .unwrap();
        (r.status().as_u16(), read_json(&mut r))
    }

    pub fn send(&self, method: &str, path: &str, body: &Value) -> (u16, Value) {
        let url = format!("{}{path}", self.base);
        let mut r = match method {
            "POST" => self.agent.post(&url).send_json(body),
            "PUT" => self.agent.put(&url).send_json(body),
            _ => unreachable!(),
        }
        .unwrap();
        (r.status().as_u16(), read_json(&mut r))
    }

    pub fn raw_post(&self, path: &str, content_type: &str, body: Vec<u8>) -> (u16, Value) {
        let mut r = self
            .agent
            .post(&format!("{}{path}", self.base))
            .header("content-type", content_type)
            .send(&body[..])
            .unwrap();
        (r.status().as_u16(), read_json(&mut r))
    }

    pub fn delete(&self, path: &str) -> u16 {
        self.agent
            .delete(&format!("{}{path}", self.base))
            .call()
            .unwrap()
            .status()
            .as_u16()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn read_json(r: &mut ureq::http::Response<ureq::Body>) -> Value {
    let text = r.body_mut().read_to_string().unwrap_or_default();
    if text.is_empty() {
        return Value::Null;
    }
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Validates `value` against `#/components/schemas/{name}` of the served OpenAPI document.
pub fn assert_matches_schema(doc: &Value, name: &str, value: &Value) {
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": format!("#/components/schemas/{name}"),
        "components": doc["components"],
    });
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}");
}
