//! axe-core (Deque's accessibility engine, pinned in `tests/web/package-lock.json` and installed
//! from the npm registry with `npm ci`) run inside the agent page by the browser driver: what it
//! finds of serious or critical impact, as one line per rule.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;

use serde_json::Value;

use super::browser::Browser;

/// The folder of the test-only npm tools.
fn tools() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/web")
}

/// Returns axe-core's source, running `npm ci` in `tests/web` first when it is not installed.
pub fn source() -> String {
    static NPM: Mutex<()> = Mutex::new(());
    let _one_at_a_time = NPM
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let axe = tools().join("node_modules/axe-core/axe.min.js");
    if !axe.exists() {
        super::system::ensure(&["/usr/bin/npm"], &["nodejs", "npm"]);
        let status = Command::new("/usr/bin/npm")
            .args(["ci", "--no-audit", "--no-fund", "--prefix"])
            .arg(tools())
            .status();
        assert!(
            status.is_ok_and(|s| s.success()),
            "npm ci --prefix tests/web failed"
        );
    }
    std::fs::read_to_string(&axe).unwrap_or_else(|e| panic!("{}: {e}", axe.display()))
}

/// Runs axe-core on the page as it is now and returns its serious and critical violations, each
/// as "rule (impact) ×nodes: first targets"; injects axe first if the page has none yet.
pub async fn serious(b: &Browser, axe: &str) -> Vec<String> {
    let loaded = b.eval("typeof axe === 'object' && axe.version").await;
    if loaded.as_str().is_none() {
        let version = b
            .client
            .execute(&format!("{axe}\n;return axe.version;"), vec![])
            .await
            .unwrap();
        assert!(
            version.as_str().is_some_and(|v| v.starts_with("4.")),
            "axe-core did not load in the page: {version}"
        );
    }
    let found = b
        .client
        .execute_async(RUN, vec![])
        .await
        .unwrap_or_else(|e| panic!("axe.run: {e}"));
    let Value::Array(found) = found else {
        panic!("axe.run failed: {found}");
    };
    found
        .iter()
        .map(|v| {
            format!(
                "{} ({}) ×{}: {}",
                v["id"].as_str().unwrap_or("?"),
                v["impact"].as_str().unwrap_or("?"),
                v["count"],
                v["targets"]
            )
        })
        .collect()
}

/// Calls back with the serious and critical violations (rule, impact, count, three targets and
/// the first one's summary), or a string when axe itself failed.
const RUN: &str = "const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] }).then((r) => done(r.violations
  .filter((v) => v.impact === 'serious' || v.impact === 'critical')
  .map((v) => ({ id: v.id, impact: v.impact, count: v.nodes.length,
    targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' — ' + (n.failureSummary || '').split('\\n').slice(1, 2).join('').trim()) }))),
  (e) => done(String(e)));";
