//! The HTML report end to end: written beside another report, its links
//! relative to where it is written, and opened in headless Chromium.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::Project;
use serde_json::Value;

/// The findings the page's script reads, from its JSON block.
fn page_data(page: &str) -> Value {
    let start = page.find("id=\"report-data\">").expect("the data block") + 17;
    let end = start + page[start..].find("</script>").expect("its end");
    serde_json::from_str(&page[start..end]).expect("valid JSON")
}

/// One scalegate finding in a Deployment with no probes: small, and
/// written where the test knows its line.
const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
";

#[test]
fn html_file_is_written_beside_the_main_report_and_links_back_to_the_files() {
    let project = Project::new();
    project.write("k8s/web.yaml", DEPLOYMENT);
    // Reports are written into existing directories only.
    std::fs::create_dir_all(project.path().join("out/html")).unwrap();
    let output = project.run(&[
        "scan",
        "--fail-on",
        "never",
        "--format",
        "json",
        "-o",
        "out/report.json",
        "--html-file",
        "out/html/report.html",
    ]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let json: Value = serde_json::from_str(
        &std::fs::read_to_string(project.path().join("out/report.json")).unwrap(),
    )
    .unwrap();
    let page = std::fs::read_to_string(project.path().join("out/html/report.html")).unwrap();
    let data = page_data(&page);
    let findings = json["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    assert_eq!(data["findings"].as_array().unwrap().len(), findings.len());
    for (shown, reported) in data["findings"].as_array().unwrap().iter().zip(findings) {
        assert_eq!(shown["file"], "k8s/web.yaml");
        assert_eq!(shown["fingerprint"], reported["fingerprint"]);
        // From out/html/ back up to the project root.
        assert_eq!(
            shown["link"],
            format!("../../k8s/web.yaml#L{}", reported["start_line"])
        );
    }
    let medium = json["summary"]["by_severity"]["medium"].as_u64().unwrap();
    assert!(medium > 0);
    assert!(page.contains(&format!("id=\"count-medium\">{medium}</span>")));
}

#[test]
fn html_on_stdout_links_from_the_project_root() {
    let project = Project::new();
    project.write("k8s/web.yaml", DEPLOYMENT);
    let output = project.run(&["scan", "--fail-on", "never", "--format", "html"]);
    assert_eq!(output.status.code(), Some(0));
    let page = String::from_utf8(output.stdout).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>\n"));
    let data = page_data(&page);
    let link = data["findings"][0]["link"].as_str().unwrap();
    assert!(link.starts_with("k8s/web.yaml#L"), "{link}");
}

#[test]
fn html_on_stdout_in_a_subdirectory_links_from_there() {
    let project = Project::new();
    project.write("k8s/web.yaml", DEPLOYMENT);
    project.write("docs/README.md", "where `> report.html` puts the report\n");
    let output = assert_cmd::Command::cargo_bin("scalegate")
        .unwrap()
        .current_dir(project.path().join("docs"))
        .env("SCALEGATE_NOW", common::TODAY)
        .args(["scan", "..", "--fail-on", "never", "--format", "html"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let data = page_data(&String::from_utf8(output.stdout).unwrap());
    let link = data["findings"][0]["link"].as_str().unwrap();
    assert!(link.starts_with("../k8s/web.yaml#L"), "{link}");
}

/// Where `.ci/run` installs playwright-core (tests/browser/package-lock.json).
fn browser_modules(root: &Path) -> PathBuf {
    std::env::var_os("SCALEGATE_BROWSER_MODULES")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/browser-test/node_modules"))
}

/// Opens the report of `examples/shop` in headless Chromium and checks the
/// counts, the filters, a link and that nothing is requested from outside
/// (tests/browser/report-test.cjs). Without Chromium, Node.js or the
/// installed playwright-core it is skipped with a message, except under CI
/// (`CI` set), where `.ci/run` installed them and their absence is a failure.
#[test]
fn the_report_of_the_example_works_in_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let chromium = Path::new("/usr/bin/chromium");
    let modules = browser_modules(root);
    let node = Command::new("node").arg("--version").output();
    let missing: Vec<String> = [
        (!chromium.exists()).then(|| chromium.display().to_string()),
        (!modules.join("playwright-core").exists())
            .then(|| modules.join("playwright-core").display().to_string()),
        node.is_err().then(|| "node".to_owned()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !missing.is_empty() {
        let message = format!(
            "browser test: missing {} (.ci/run installs them)",
            missing.join(", ")
        );
        if std::env::var_os("CI").is_some() {
            panic!("{message}");
        }
        eprintln!("SKIPPED {message}");
        return;
    }
    let out = root.join("target/browser");
    std::fs::create_dir_all(&out).unwrap();
    let (html, json) = (out.join("report.html"), out.join("report.json"));
    let scan = Command::new(env!("CARGO_BIN_EXE_scalegate"))
        .current_dir(root)
        .env("SCALEGATE_NOW", common::TODAY)
        .args([
            "scan",
            "examples/shop",
            "--fail-on",
            "never",
            "--format",
            "html",
            "-o",
        ])
        .arg(&html)
        .arg("--json-file")
        .arg(&json)
        .output()
        .expect("scalegate runs");
    assert_eq!(scan.status.code(), Some(0), "{scan:?}");
    let test = Command::new("node")
        .current_dir(root)
        .env("SCALEGATE_BROWSER_MODULES", &modules)
        .arg("tests/browser/report-test.cjs")
        .args([&html, &json, &out.join("report.png")])
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&test.stdout);
    let stderr = String::from_utf8_lossy(&test.stderr);
    assert!(test.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("filters: severity, rule and text hide and show rows"),
        "{stdout}"
    );
}
