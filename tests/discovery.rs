//! What is scanned: the repository as git sees it, nothing hidden by ignore
//! files git would not apply, non-regular files and names that are not
//! UTF-8 reported rather than dropped, and no path leaving the project root.

mod common;

use std::path::Path;
use std::process::Command;

use common::{notifications, Project};

/// A bucket with no tags: SG-AWS-009 at 1:1, among others.
const BUCKET: &str = "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n}\n";

/// `(rule, file, line, column)` of each finding of `rule`.
fn located(report: &serde_json::Value, rule: &str) -> Vec<(String, u64, u64)> {
    common::of_rule(report, rule)
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_owned(),
                f["start_line"].as_u64().unwrap(),
                f["start_column"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

/// A project that is a real git repository (`git init`, not an empty `.git`).
fn repository() -> Project {
    let p = Project::new();
    std::fs::remove_dir(p.path().join(".git")).unwrap();
    git(p.path(), &["init", "-q"]);
    p
}

#[test]
fn a_tracked_file_is_scanned_even_when_gitignore_lists_it() {
    let p = repository();
    p.write("main.tf", BUCKET);
    git(p.path(), &["add", "main.tf"]);
    // Written after the file was tracked: git keeps tracking it.
    p.write(".gitignore", "main.tf\n*.log\n");
    p.write("untracked.tf", BUCKET.replace("\"b\"", "\"u\""));
    p.write("build.log", "x");
    let (code, report, _) = p.scan_json(&[]);
    assert_eq!(code, 1);
    assert_eq!(
        located(&report, "SG-AWS-009"),
        [("main.tf".into(), 1, 1), ("untracked.tf".into(), 1, 1)]
    );
    // build.log is ignored (and is not a scanned kind anyway).
    assert_eq!(report["summary"]["ignored_paths"], 1);
}

#[test]
fn untracked_files_the_repository_ignores_are_skipped_and_counted() {
    let p = repository();
    p.write(".gitignore", "generated/\n");
    p.write("generated/out.tf", BUCKET);
    p.write("main.tf", BUCKET.replace("\"b\"", "\"m\""));
    let (_, report, _) = p.scan_json(&[]);
    assert_eq!(located(&report, "SG-AWS-009"), [("main.tf".into(), 1, 1)]);
    // The directory counts once.
    assert_eq!(report["summary"]["ignored_paths"], 1);
    let text = p.run(&["scan"]);
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.contains("; 1 path skipped by ignore rules"),
        "{stdout}"
    );

    let (_, report, _) = p.scan_json(&["--no-ignore"]);
    assert_eq!(
        located(&report, "SG-AWS-009"),
        [("generated/out.tf".into(), 1, 1), ("main.tf".into(), 1, 1)]
    );
    assert_eq!(report["summary"]["ignored_paths"], 0);
}

#[test]
fn ignore_files_above_the_work_tree_and_ripgreps_ignore_file_do_not_apply() {
    let outer = tempfile::tempdir().unwrap();
    std::fs::write(outer.path().join(".gitignore"), "*.tf\n").unwrap();
    std::fs::write(outer.path().join(".ignore"), "*.tf\n").unwrap();
    let repo = outer.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::write(repo.join(".ignore"), "*.tf\n").unwrap();
    std::fs::write(repo.join("main.tf"), BUCKET).unwrap();
    let output = assert_cmd::Command::cargo_bin("scalegate")
        .unwrap()
        .current_dir(&repo)
        .args(["scan", "--format", "json"])
        .env("NO_COLOR", "1")
        .env("SCALEGATE_NOW", common::TODAY)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(located(&report, "SG-AWS-009"), [("main.tf".into(), 1, 1)]);
    assert_eq!(report["summary"]["ignored_paths"], 0);
}

#[test]
fn outside_a_git_work_tree_no_ignore_file_applies() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".gitignore"), "*.tf\n").unwrap();
    std::fs::write(dir.path().join("main.tf"), BUCKET).unwrap();
    let output = assert_cmd::Command::cargo_bin("scalegate")
        .unwrap()
        .current_dir(dir.path())
        .args(["scan", "--format", "json"])
        .env("NO_COLOR", "1")
        .env("SCALEGATE_NOW", common::TODAY)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(located(&report, "SG-AWS-009"), [("main.tf".into(), 1, 1)]);
}

#[test]
fn a_repository_git_cannot_list_still_applies_gitignore_and_says_so() {
    let p = repository();
    p.write(".gitignore", "hidden.tf\n");
    p.write("hidden.tf", BUCKET);
    p.write("main.tf", BUCKET.replace("\"b\"", "\"m\""));
    // No git on PATH: tracked files cannot be known.
    let output = assert_cmd::Command::cargo_bin("scalegate")
        .unwrap()
        .current_dir(p.path())
        .args(["scan", "--format", "json"])
        .env("PATH", "")
        .env("NO_COLOR", "1")
        .env("SCALEGATE_NOW", common::TODAY)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(located(&report, "SG-AWS-009"), [("main.tf".into(), 1, 1)]);
    assert_eq!(report["summary"]["ignored_paths"], 1);
    let notes = notifications(&report);
    assert!(
        notes.iter().any(|n| n.contains("cannot run git")
            && n.contains("without knowing which files git tracks")),
        "{notes:?}"
    );
}

const POD_FLOW: &str = "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\"},\n \"spec\": {\"containers\": [{\"name\": \"c\", \"image\": \"nginx\"}]}}\n";

/// SG-K8S-013 (image without a pinned tag) is at the image value.
fn image_findings(report: &serde_json::Value) -> Vec<(String, u64, u64)> {
    located(report, "SG-K8S-013")
}

#[test]
fn manifests_in_any_yaml_formatting_or_json_are_kubernetes() {
    let p = Project::new();
    p.write("flow.yaml", POD_FLOW);
    p.write("pod.json", POD_FLOW);
    p.write(
        "quoted.yml",
        "'apiVersion': v1\n'kind': Pod\nmetadata: {name: q}\nspec:\n  containers:\n    - {name: c, image: nginx}\n",
    );
    p.write(
        "cr.yaml",
        "apiVersion: v1\rkind: Pod\rmetadata: {name: r}\rspec:\r  containers:\r    - {name: c, image: nginx}\r",
    );
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(
        POD_FLOW
            .replace("\"p\"", "\"w\"")
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    p.write("wide.yaml", utf16);
    // Not manifests: a values file and a package file stay out of scope.
    p.write("values.yaml", "replicas: 2\nimage: {tag: x}\n");
    p.write("package.json", "{\"name\": \"x\", \"kind\": \"lib\"}\n");
    let (code, report, _) = p.scan_json(&[]);
    assert_eq!(code, 1);
    assert_eq!(
        image_findings(&report),
        [
            ("cr.yaml".into(), 6, 24),
            ("flow.yaml".into(), 2, 49),
            ("pod.json".into(), 2, 49),
            ("quoted.yml".into(), 6, 24),
            ("wide.yaml".into(), 2, 49),
        ]
    );
    assert_eq!(report["summary"]["files_scanned"], 5);
    // The same, named on the command line.
    let (_, report, _) = p.scan_json(&["pod.json"]);
    assert_eq!(image_findings(&report), [("pod.json".into(), 2, 49)]);
}

#[test]
fn a_discovered_maybe_that_does_not_parse_is_skipped_but_a_named_one_is_an_error() {
    let p = Project::new();
    // A Go template with the words in it: not YAML until rendered.
    // (Indented, so the line pre-scan cannot say "yes" on its own.)
    let template = "{{- if .x }}\n  apiVersion: {{ .v }}\n  kind: {{ .k }}\n{{- end }}\n";
    p.write("deploy/tpl.yaml", template);
    let (code, report, _) = p.scan_json(&["--fail-on", "never"]);
    assert_eq!(code, 0);
    assert!(common::of_rule(&report, "SG-PARSE-001").is_empty());
    assert_eq!(report["summary"]["files_scanned"], 0);
    let (code, report, _) = p.scan_json(&["deploy/tpl.yaml"]);
    assert_eq!(code, 1);
    let errors = located(&report, "SG-PARSE-001");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].0, "deploy/tpl.yaml");
}

#[test]
fn a_utf16_file_that_does_not_decode_is_a_parse_error() {
    let p = Project::new();
    // A lone high surrogate.
    p.write("bad.yaml", [0xFF, 0xFE, b'k', 0, 0x00, 0xD8]);
    let (code, report, _) = p.scan_json(&[]);
    assert_eq!(code, 1);
    assert_eq!(
        located(&report, "SG-PARSE-001"),
        [("bad.yaml".into(), 1, 1)]
    );
}

#[test]
fn a_plan_with_sorted_keys_is_a_plan() {
    let p = Project::fixture("terraform/plan");
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p.path().join("plan.json")).unwrap())
            .unwrap();
    // `jq -S`: keys sorted at every level and pretty-printed, so
    // `format_version` comes after a long `configuration`, past 4 KB.
    fn sorted(value: &serde_json::Value) -> serde_json::Value {
        match value {
            serde_json::Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                serde_json::Value::Object(
                    keys.into_iter()
                        .map(|k| (k.clone(), sorted(&map[k])))
                        .collect(),
                )
            }
            serde_json::Value::Array(items) => {
                serde_json::Value::Array(items.iter().map(sorted).collect())
            }
            other => other.clone(),
        }
    }
    let sorted = serde_json::to_string_pretty(&sorted(&plan)).unwrap();
    assert!(sorted.find("\"format_version\"").unwrap() > 4096);
    std::fs::remove_file(p.path().join("plan.json")).unwrap();
    std::fs::remove_file(p.path().join("main.tf")).unwrap();
    p.write("plan.json", &sorted);
    let (_, report, _) = p.scan_json(&["plan.json"]);
    assert_eq!(report["summary"]["files_scanned"], 1);
    // The fixture plan has six resource instances, sorted or not.
    assert_eq!(report["summary"]["resources"], 6, "{report:#}");
    assert!(common::of_rule(&report, "SG-PARSE-001").is_empty());
}

#[test]
fn a_source_comment_never_reads_outside_the_chart_or_the_root() {
    let p = Project::fixture("helm");
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.yaml");
    std::fs::write(&secret, "TOP-SECRET-LINE\n").unwrap();
    let rendered = std::fs::read_to_string(p.path().join("rendered/web.yaml")).unwrap();
    let absolute = format!("# Source: web/{}", secret.display());
    let cases = [
        absolute,
        "# Source: web/../../../../../../..".to_owned() + &secret.display().to_string(),
        "# Source: ../../../../../../..".to_owned() + &secret.display().to_string(),
    ];
    for source in cases {
        let hostile = rendered
            .lines()
            .map(|l| {
                if l.starts_with("# Source:") {
                    source.clone()
                } else {
                    l.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        for args in [
            vec!["scan", "-", "--format", "sarif"],
            vec![
                "scan",
                "-",
                "--helm-chart",
                "charts/web",
                "--format",
                "sarif",
            ],
            vec!["scan", "-"],
        ] {
            let output = p.run_with_stdin(&args, Some(&hostile));
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert_eq!(output.status.code(), Some(1), "{stdout}");
            assert!(!stdout.contains("TOP-SECRET-LINE"), "{args:?}: {stdout}");
            assert!(
                !stdout.contains(&format!("\"uri\": \"{}", secret.display())),
                "{args:?}: {stdout}"
            );
        }
        let output = p.run_with_stdin(&["scan", "-", "--format", "json"], Some(&hostile));
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let notes = notifications(&report);
        assert!(
            notes.iter().any(|n| n.contains("points outside its chart")),
            "{source}: {notes:?}"
        );
        // Findings stay on the rendered input.
        assert!(common::findings(&report)
            .iter()
            .all(|(_, file, _, _)| file == "<stdin>"));
    }
}

#[cfg(unix)]
#[test]
fn directory_symlinks_out_of_the_root_or_into_node_modules_are_not_entered() {
    let p = Project::new();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("leak.tf"), BUCKET).unwrap();
    std::os::unix::fs::symlink(outside.path(), p.path().join("ext")).unwrap();
    p.write("node_modules/pkg/dep.tf", BUCKET);
    std::os::unix::fs::symlink(p.path().join("node_modules/pkg"), p.path().join("vendored"))
        .unwrap();
    p.write("main.tf", BUCKET.replace("\"b\"", "\"m\""));
    let (_, report, _) = p.scan_json(&[]);
    assert_eq!(located(&report, "SG-AWS-009"), [("main.tf".into(), 1, 1)]);
    assert_eq!(report["summary"]["files_scanned"], 1);
    let notes = notifications(&report);
    assert!(
        notes.contains(&"ext: symlink points outside the project root; not followed".to_owned()),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("vendored: symlink into")),
        "{notes:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_module_directory_symlinked_out_of_the_root_is_not_read() {
    let p = Project::new();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("leak.tf"), BUCKET).unwrap();
    std::fs::create_dir(p.path().join("modules")).unwrap();
    std::os::unix::fs::symlink(outside.path(), p.path().join("modules/x")).unwrap();
    p.write(
        "live/main.tf",
        "module \"x\" {\n  source = \"../modules/x\"\n}\n",
    );
    let (_, report, _) = p.scan_json(&["live"]);
    assert!(located(&report, "SG-AWS-009").is_empty(), "{report:#}");
    let notes = notifications(&report);
    assert!(
        notes.contains(
            &"modules/x: module path resolves outside the project root (a symlink); not read"
                .to_owned()
        ),
        "{notes:?}"
    );
}

#[cfg(unix)]
#[test]
fn names_that_are_not_utf8_are_each_scanned_and_shown_escaped() {
    use std::os::unix::ffi::OsStrExt;
    let p = Project::new();
    for (byte, name) in [(0xffu8, "a"), (0xfe, "b")] {
        let bytes = [b'm', byte, b'.', b't', b'f'];
        let file = std::ffi::OsStr::from_bytes(&bytes);
        std::fs::write(
            p.path().join(file),
            BUCKET.replace("\"b\"", &format!("\"{name}\"")),
        )
        .unwrap();
    }
    let (_, report, _) = p.scan_json(&[]);
    assert_eq!(report["summary"]["files_scanned"], 2);
    assert_eq!(
        located(&report, "SG-AWS-009"),
        [("m\\xfe.tf".into(), 1, 1), ("m\\xff.tf".into(), 1, 1)]
    );
}

#[cfg(unix)]
#[test]
fn fifos_and_device_links_are_reported_not_skipped_in_silence() {
    let p = Project::new();
    let fifo = p.path().join("pipe.yaml");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    std::os::unix::fs::symlink("/dev/zero", p.path().join("zero.tf")).unwrap();
    let (_, report, _) = p.scan_json(&[]);
    let notes = notifications(&report);
    assert!(
        notes.contains(
            &"pipe.yaml: not a regular file (a FIFO, socket or device); not read".to_owned()
        ),
        "{notes:?}"
    );
    assert!(
        notes
            .contains(&"zero.tf: symlink points outside the project root; not followed".to_owned()),
        "{notes:?}"
    );
    // Named on the command line, whatever its name.
    let (_, report, _) = p.scan_json(&["pipe.yaml"]);
    let notes = notifications(&report);
    assert!(
        notes.contains(
            &"pipe.yaml: not a regular file (a FIFO, socket or device); not read".to_owned()
        ),
        "{notes:?}"
    );
}
