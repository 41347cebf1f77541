//! The GitHub Action as far as it can run here: `action.yml` has the
//! structure GitHub expects with every third-party action pinned by commit,
//! its install step picks the right release asset and refuses what it
//! cannot download, and its scan step runs under bash with the environment
//! a runner sets (GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY).
//! A full install from a served release is `.ci/install-check`.

mod common;

use std::path::Path;
use std::process::Command;

use common::Project;
use scalegate::yaml::{parse_documents, Limits, Typing};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn action() -> serde_json::Value {
    let text = std::fs::read_to_string(repo().join("action.yml")).unwrap();
    let docs = parse_documents(&text, Typing::Core, &Limits::YAML).expect("action.yml parses");
    let root = docs.into_iter().find_map(|d| d.root).expect("one document");
    serde_json::from_str(&root.to_value().to_json_str().unwrap()).unwrap()
}

#[test]
fn action_yml_is_a_composite_action_with_the_documented_inputs() {
    let action = action();
    let inputs: Vec<&str> = action["inputs"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        inputs,
        [
            "baseline",
            "category",
            "config",
            "fail-on",
            "helm-values",
            "no-config",
            "paths",
            "policy",
            "sarif-file",
            "upload-sarif",
            "version"
        ]
    );
    for (name, input) in action["inputs"].as_object().unwrap() {
        assert!(
            input["description"].is_string(),
            "{name} has no description"
        );
    }
    assert_eq!(action["inputs"]["upload-sarif"]["default"], "true");
    assert_eq!(action["inputs"]["no-config"]["default"], "false");
    assert_eq!(action["runs"]["using"], "composite");
    let steps = action["runs"]["steps"].as_array().unwrap();
    for step in steps {
        if step.get("run").is_some() {
            assert_eq!(step["shell"], "bash", "{step}");
        } else {
            assert!(step["uses"].is_string(), "{step}");
        }
    }
    let names: Vec<&str> = steps.iter().map(|s| s["name"].as_str().unwrap()).collect();
    let at = |name: &str| names.iter().position(|n| *n == name).unwrap();
    // The upload happens before the gate fails the job, and cannot fail it.
    let upload = &steps[at("Upload SARIF to code scanning")];
    let (action_name, pin) = upload["uses"].as_str().unwrap().split_once('@').unwrap();
    assert_eq!(action_name, "github/codeql-action/upload-sarif");
    assert!(is_commit_sha(pin), "{pin}");
    assert_eq!(upload["continue-on-error"], true);
    assert!(at("Upload SARIF to code scanning") < at("Gate"));
    assert_eq!(names.last(), Some(&"Gate"));
    assert!(steps[at("Scan")]["run"]
        .as_str()
        .unwrap()
        .contains("action/scan.sh"));
    // A prebuilt, verified binary: no toolchain and no cache on the runner.
    assert_eq!(at("Install scalegate"), 0);
    assert!(steps[0]["run"]
        .as_str()
        .unwrap()
        .contains("action/install.sh"));
    assert_eq!(steps[0]["env"]["INPUT_VERSION"], "${{ inputs.version }}");
}

fn is_commit_sha(pin: &str) -> bool {
    pin.len() == 40
        && pin
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// Every `uses:` of a third-party action in the Action and the workflows,
/// with what follows it on the line.
fn third_party_uses() -> Vec<(String, String)> {
    let mut files = vec![repo().join("action.yml")];
    for entry in std::fs::read_dir(repo().join(".github/workflows")).unwrap() {
        files.push(entry.unwrap().path());
    }
    files.sort();
    let mut uses = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for line in text.lines() {
            let step = line.trim_start().trim_start_matches("- ");
            let Some(rest) = step.strip_prefix("uses: ") else {
                continue;
            };
            if rest.starts_with("./") {
                continue;
            }
            uses.push((file.display().to_string(), rest.to_string()));
        }
    }
    uses
}

#[test]
fn every_third_party_action_is_pinned_by_commit_with_its_version_in_a_comment() {
    let uses = third_party_uses();
    assert!(uses.len() >= 5, "{uses:?}");
    for (file, rest) in uses {
        let (reference, comment) = rest
            .split_once(" # v")
            .unwrap_or_else(|| panic!("{file}: `{rest}` has no `# vX.Y.Z` comment"));
        let (_, pin) = reference.split_once('@').unwrap();
        assert!(
            is_commit_sha(pin),
            "{file}: `{rest}` is not pinned by commit"
        );
        assert!(
            comment.chars().next().is_some_and(|c| c.is_ascii_digit()),
            "{file}: `{rest}`"
        );
    }
}

#[test]
fn the_scan_step_annotates_writes_sarif_and_summary_and_records_the_exit_code() {
    let p = Project::new();
    p.write(
        "infra/main.tf",
        "resource \"aws_sqs_queue\" \"jobs\" {\n  name = \"jobs\"\n}\n",
    );
    let output_file = p.path().join("github_output");
    let summary_file = p.path().join("step_summary.md");
    let out = Command::new("bash")
        .arg(repo().join("action/scan.sh"))
        .env("SCALEGATE_BIN", env!("CARGO_BIN_EXE_scalegate"))
        .env("GITHUB_WORKSPACE", p.path())
        .env("GITHUB_OUTPUT", &output_file)
        .env("GITHUB_STEP_SUMMARY", &summary_file)
        .env("INPUT_PATHS", "infra\n")
        .env("INPUT_CATEGORY", "infra/")
        .env("INPUT_SARIF_FILE", "out.sarif")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "the gate step fails the job, not this one"
    );
    assert!(
        stdout.contains("::warning file=infra/main.tf,line=1"),
        "{stdout}"
    );
    let outputs = std::fs::read_to_string(&output_file).unwrap();
    assert!(outputs.contains("exit-code=1\n"), "{outputs}");
    assert!(outputs.contains("sarif-written=true\n"), "{outputs}");
    assert!(outputs.contains("sarif-file=out.sarif\n"), "{outputs}");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p.path().join("out.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["runs"][0]["automationDetails"]["id"], "infra/");
    let summary = std::fs::read_to_string(&summary_file).unwrap();
    assert!(summary.contains("scalegate"), "{summary}");

    // A broken input is exit 2, recorded the same way.
    let out = Command::new("bash")
        .arg(repo().join("action/scan.sh"))
        .env("SCALEGATE_BIN", env!("CARGO_BIN_EXE_scalegate"))
        .env("GITHUB_WORKSPACE", p.path())
        .env("GITHUB_OUTPUT", &output_file)
        .env("INPUT_PATHS", "does-not-exist")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(std::fs::read_to_string(&output_file)
        .unwrap()
        .contains("exit-code=2\n"));
}

#[test]
fn the_no_config_input_keeps_the_pull_requests_own_config_out() {
    // The pull request turns its own gate off; `no-config: true` ignores that.
    let p = Project::new();
    p.write(
        "infra/main.tf",
        "resource \"aws_sqs_queue\" \"jobs\" {\n  name = \"jobs\"\n}\n",
    );
    p.write(".scalegate.yaml", "fail_on: never\n");
    let output_file = p.path().join("github_output");
    let run = |no_config: &str| {
        std::fs::write(&output_file, "").unwrap();
        let out = Command::new("bash")
            .arg(repo().join("action/scan.sh"))
            .env("SCALEGATE_BIN", env!("CARGO_BIN_EXE_scalegate"))
            .env("GITHUB_WORKSPACE", p.path())
            .env("GITHUB_OUTPUT", &output_file)
            .env("INPUT_PATHS", "infra")
            .env("INPUT_SARIF_FILE", "out.sarif")
            .env("INPUT_NO_CONFIG", no_config)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let outputs = std::fs::read_to_string(&output_file).unwrap();
        let sarif: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(p.path().join("out.sarif")).unwrap())
                .unwrap();
        let repository_config = sarif["runs"][0]["properties"]["scalegate/configuration"]
            ["repository_config"]
            .as_str()
            .unwrap()
            .to_owned();
        (
            outputs
                .lines()
                .find_map(|l| l.strip_prefix("exit-code="))
                .unwrap()
                .to_owned(),
            repository_config,
        )
    };
    assert_eq!(run("false"), ("0".to_owned(), "applied".to_owned()));
    assert_eq!(run("true"), ("1".to_owned(), "ignored".to_owned()));
}

#[test]
fn the_helm_values_input_renders_the_named_chart_with_those_values() {
    let p = Project::new();
    p.write(
        "web/Chart.yaml",
        "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    );
    p.write("web/values.yaml", "replicas: 1\n");
    p.write(
        "web/templates/d.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {{ .Values.replicas }}\n",
    );
    p.write("envs/a.yaml", "replicas: 2\n");
    p.write("envs/b.yaml", "replicas: 1\n");
    let helm_dir = common::tools::tool("helm").parent().unwrap().to_path_buf();
    let run = |values: &str| {
        let output_file = p.path().join("github_output");
        let out = Command::new("bash")
            .arg(repo().join("action/scan.sh"))
            .env("SCALEGATE_BIN", env!("CARGO_BIN_EXE_scalegate"))
            .env("GITHUB_WORKSPACE", p.path())
            .env("GITHUB_OUTPUT", &output_file)
            .env("PATH", format!("{}:/usr/bin:/bin", helm_dir.display()))
            .env("INPUT_PATHS", "web")
            .env("INPUT_HELM_VALUES", values)
            .env("INPUT_SARIF_FILE", "out.sarif")
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // Values apply in order: the last file's replica count wins.
    assert!(!run("envs/b.yaml\nenvs/a.yaml").contains("SG-K8S-003"));
    assert!(run("envs/a.yaml envs/b.yaml").contains("SG-K8S-003"));
}

/// Nothing listens on port 1 of the loopback interface: every download is
/// refused at once, without a network.
const NO_SERVER: &str = "http://127.0.0.1:1";

struct Install {
    code: Option<i32>,
    stdout: String,
    github_path: String,
}

fn install(p: &Project, os: &str, arch: &str, version: &str) -> Install {
    let github_path = p.path().join("github_path");
    std::fs::write(&github_path, "").unwrap();
    let out = Command::new("bash")
        .arg(repo().join("action/install.sh"))
        .env("RUNNER_OS", os)
        .env("RUNNER_ARCH", arch)
        .env("RUNNER_TOOL_CACHE", p.path().join("toolcache"))
        .env("GITHUB_PATH", &github_path)
        .env("GITHUB_ACTION_PATH", repo())
        .env("INPUT_VERSION", version)
        .env("SCALEGATE_RELEASE_BASE_URL", NO_SERVER)
        .output()
        .unwrap();
    Install {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        github_path: std::fs::read_to_string(&github_path).unwrap(),
    }
}

#[test]
fn the_install_step_asks_for_the_asset_of_the_runner_and_the_checkout_version() {
    let version = env!("CARGO_PKG_VERSION");
    for (os, arch, asset) in [
        ("Linux", "X64", "x86_64-unknown-linux-gnu.tar.gz"),
        ("Linux", "ARM64", "aarch64-unknown-linux-gnu.tar.gz"),
        ("macOS", "X64", "x86_64-apple-darwin.tar.gz"),
        ("macOS", "ARM64", "aarch64-apple-darwin.tar.gz"),
        ("Windows", "X64", "x86_64-pc-windows-msvc.zip"),
    ] {
        let p = Project::new();
        // No version input: the one in the action checkout's Cargo.toml.
        let run = install(&p, os, arch, "");
        assert_eq!(run.code, Some(1), "{os} {arch}: {}", run.stdout);
        let url = format!("{NO_SERVER}/scalegate-{version}-{asset}");
        assert!(
            run.stdout.starts_with(&format!(
                "::error::scalegate install: could not download {url} "
            )),
            "{os} {arch}: {}",
            run.stdout
        );
        assert!(run.stdout.contains("version: source"), "{}", run.stdout);
        assert_eq!(run.github_path, "", "nothing unverified goes on PATH");
        assert!(!p.path().join("toolcache/scalegate").exists());
    }
}

#[test]
fn the_install_step_takes_the_version_input_with_or_without_a_v() {
    for input in ["0.9.1", "v0.9.1"] {
        let p = Project::new();
        let run = install(&p, "Linux", "X64", input);
        assert_eq!(run.code, Some(1));
        assert!(
            run.stdout.contains(&format!(
                "could not download {NO_SERVER}/scalegate-0.9.1-x86_64-unknown-linux-gnu.tar.gz "
            )),
            "{}",
            run.stdout
        );
        assert!(
            run.stdout.contains("release v0.9.1 exists"),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn the_install_step_refuses_runners_without_a_prebuilt_binary_and_odd_versions() {
    let p = Project::new();
    let run = install(&p, "Windows", "ARM64", "");
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stdout,
        "::error::scalegate install: no prebuilt scalegate for RUNNER_OS=Windows \
         RUNNER_ARCH=ARM64; set 'version: source' to build it with cargo.\n"
    );
    assert_eq!(run.github_path, "");

    let run = install(&p, "Linux", "X64", "1.0; rm -rf /");
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stdout,
        "::error::scalegate install: '1.0; rm -rf /' is not a version; use e.g. 0.1.0, or 'source'.\n"
    );
    assert_eq!(run.github_path, "");
}

#[test]
fn the_install_step_downloads_from_the_release_of_the_repository_the_action_came_from() {
    // github.action_repository can be empty in a composite action; the
    // runner's checkout path names the repository, here a fork's.
    let p = Project::new();
    let checkout = p.path().join("_actions/acme/scalegate-fork/v0.3.0");
    std::fs::create_dir_all(&checkout).unwrap();
    std::fs::write(
        checkout.join("Cargo.toml"),
        "[package]\nname = \"scalegate\"\nversion = \"0.3.0\"\n",
    )
    .unwrap();
    let github_path = p.path().join("github_path");
    let out = Command::new("bash")
        .arg(repo().join("action/install.sh"))
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env("RUNNER_TOOL_CACHE", p.path().join("toolcache"))
        .env("GITHUB_PATH", &github_path)
        .env("GITHUB_ACTION_PATH", &checkout)
        .env("INPUT_VERSION", "")
        .env("ACTION_REPOSITORY", "")
        .env_remove("SCALEGATE_RELEASE_BASE_URL")
        // Every request goes to a proxy that refuses it: no network is used.
        .env("https_proxy", NO_SERVER)
        .env("HTTPS_PROXY", NO_SERVER)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with(
            "::error::scalegate install: could not download https://github.com/acme/scalegate-fork/releases/download/v0.3.0/scalegate-0.3.0-x86_64-unknown-linux-gnu.tar.gz "
        ),
        "{stdout}"
    );
    assert!(!github_path.exists() || std::fs::read_to_string(&github_path).unwrap().is_empty());
}
