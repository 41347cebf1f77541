//! The integration-test harness: a throwaway project directory, files written
//! into it, and the real binary run in it the way a user runs it.

#![allow(dead_code)]

pub mod tools;

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

/// A temporary project: a directory with `.git`, so it is the project root.
/// "Today" for every test run (`SCALEGATE_NOW`).
pub const TODAY: &str = "2026-11-27";

pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    pub fn new() -> Project {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join(".git")).expect(".git");
        Project { dir }
    }

    /// A project holding a copy of `fixtures/<name>`.
    pub fn fixture(name: &str) -> Project {
        let project = Project::new();
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(name);
        copy_dir(&from, project.path());
        project
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating parent directories) and returns its path.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// `scalegate ARGS` with the project as working directory.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with_stdin(args, None)
    }

    pub fn run_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> Output {
        self.run_on(TODAY, args, stdin)
    }

    /// `scalegate ARGS` as if today were `today` (`SCALEGATE_NOW`).
    pub fn run_on(&self, today: &str, args: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = Command::cargo_bin("scalegate").expect("binary");
        cmd.current_dir(self.path())
            .args(args)
            .env_remove("GITHUB_STEP_SUMMARY")
            .env("NO_COLOR", "1")
            // Suppression expiry must not depend on the day the tests run.
            .env("SCALEGATE_NOW", today);
        if let Some(input) = stdin {
            cmd.write_stdin(input);
        }
        cmd.output().expect("runs")
    }

    /// `scalegate scan ARGS --format json`: exit code and the parsed report.
    pub fn scan_json(&self, args: &[&str]) -> (i32, Value, String) {
        self.scan_json_on(TODAY, args)
    }

    /// [`Project::scan_json`] as if today were `today`.
    pub fn scan_json_on(&self, today: &str, args: &[&str]) -> (i32, Value, String) {
        let mut all = vec!["scan"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--format", "json"]);
        let output = self.run_on(today, &all, None);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(!stderr.contains("panicked"), "panic: {stderr}");
        let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}\n{stderr}",
                String::from_utf8_lossy(&output.stdout)
            )
        });
        (output.status.code().unwrap_or(-1), json, stderr)
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("fixture exists") {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Findings as `(rule, file, start_line, start_column)` tuples, in report order.
pub fn findings(report: &Value) -> Vec<(String, String, u64, u64)> {
    report["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_owned(),
                f["file"].as_str().unwrap().to_owned(),
                f["start_line"].as_u64().unwrap(),
                f["start_column"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// A JSON-report finding's rule and whole span, as
/// `rule file:line:col-line:col`.
pub fn located(finding: &Value) -> String {
    format!(
        "{} {}:{}:{}-{}:{}",
        finding["rule_id"].as_str().unwrap(),
        finding["file"].as_str().unwrap(),
        finding["start_line"],
        finding["start_column"],
        finding["end_line"],
        finding["end_column"],
    )
}

/// The findings of one rule.
pub fn of_rule<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .collect()
}

/// Notification messages.
pub fn notifications(report: &Value) -> Vec<String> {
    report["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            format!(
                "{}: {}",
                n["file"].as_str().unwrap_or("-"),
                n["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// A Deployment with three replicas and no PodDisruptionBudget: one
/// SG-K8S-008 (pdb-coverage) at `selector:`, line 8, columns 3–11, for
/// tests that need one known finding (with `--rule pdb-coverage`).
pub const DEPLOYMENT_WITHOUT_PDB: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
";
