//! What reaches the reader: the exit code whatever happens to stdout,
//! report files written whole or not at all, and no terminal control
//! characters from a scanned file in the text or GitHub output.

mod common;

use std::process::{Command, Stdio};

use common::Project;

/// A file that fails every gate: SG-PARSE-001 at line 3.
const BROKEN_TF: &str = "resource \"aws_s3_bucket\" \"b\" {\n  tags = {}\n  bucket = \n";

fn scalegate() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("scalegate"));
    cmd.env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("SCALEGATE_NOW", common::TODAY);
    cmd
}

/// `scalegate scan . | head` under `set -o pipefail`: the reader goes away
/// before the report is written; the gate still fails.
#[test]
fn a_closed_stdout_keeps_the_failing_verdict() {
    let project = Project::new();
    project.write("main.tf", BROKEN_TF);
    let mut child = scalegate()
        .current_dir(project.path())
        .args(["scan", "."])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the read end at once: the scan writes into a pipe nobody reads.
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_closed_stdout_on_a_clean_scan_is_still_clean() {
    let project = Project::new();
    project.write("main.tf", "locals {\n  a = 1\n}\n");
    let mut child = scalegate()
        .current_dir(project.path())
        .args(["scan", "."])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

/// A full disk: the write fails, the run says so and exits 2.
#[test]
fn a_report_to_a_full_device_is_exit_2_with_a_message() {
    if !std::path::Path::new("/dev/full").exists() {
        return;
    }
    let project = Project::new();
    project.write("main.tf", BROKEN_TF);
    let output = project.run(&["scan", ".", "--format", "json", "-o", "/dev/full"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot write /dev/full"), "{stderr}");
}

#[test]
fn a_report_to_a_directory_is_exit_2_and_writes_nothing_beside_it() {
    let project = Project::new();
    project.write("main.tf", BROKEN_TF);
    std::fs::create_dir(project.path().join("out")).unwrap();
    let output = project.run(&["scan", "main.tf", "--sarif-file", "out"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot write out: is a directory"),
        "{stderr}"
    );
    let mut names: Vec<String> = std::fs::read_dir(project.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [".git", "main.tf", "out"]);
    assert_eq!(
        std::fs::read_dir(project.path().join("out"))
            .unwrap()
            .count(),
        0
    );
}

#[test]
fn a_report_file_is_complete_and_alone_in_its_directory() {
    let project = Project::new();
    project.write("main.tf", BROKEN_TF);
    std::fs::create_dir(project.path().join("out")).unwrap();
    let output = project.run(&["scan", "main.tf", "--format", "json", "-o", "out/r.json"]);
    assert_eq!(output.status.code(), Some(1));
    let text = std::fs::read_to_string(project.path().join("out/r.json")).unwrap();
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["findings"][0]["rule_id"], "SG-PARSE-001");
    let names: Vec<_> = std::fs::read_dir(project.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["r.json"]);
}

/// An OSC title sequence, a BEL, a "conceal" SGR, a bare CR and a C1 CSI
/// on the line before a syntax error, so the code frame shows them.
const HOSTILE_TF: &str = "resource \"aws_s3_bucket\" \"b\" {\n  # \u{1b}]0;pwned\u{7} \u{1b}[8mhidden\rX \u{9b}31m\n  bucket = \n";

fn assert_no_control(text: &str) {
    for c in ['\u{7}', '\u{9b}', '\u{1b}'] {
        assert!(!text.contains(c), "{c:?} in {text:?}");
    }
    assert!(!text.contains('\r'), "bare CR in {text:?}");
}

#[test]
fn control_characters_of_a_scanned_file_are_escaped_in_the_text_frame() {
    let project = Project::new();
    project.write("main.tf", HOSTILE_TF);
    let output = project.run(&["scan", ".", "--no-color"]);
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    assert_no_control(&text);
    assert!(
        text.contains(" 2 │   # ␛]0;pwned␇ ␛[8mhidden␍X �31m\n"),
        "{text}"
    );
}

#[test]
fn with_colour_only_scalegates_own_escapes_remain() {
    let project = Project::new();
    project.write("main.tf", HOSTILE_TF);
    // Colour needs a terminal; `script` gives the run one.
    if Command::new("script").arg("--version").output().is_err() {
        return;
    }
    let bin = assert_cmd::cargo::cargo_bin("scalegate");
    let output = Command::new("script")
        .current_dir(project.path())
        .env_remove("NO_COLOR")
        .env("SCALEGATE_NOW", common::TODAY)
        .args(["-qec", &format!("{} scan .", bin.display()), "/dev/null"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("\u{1b}["), "coloured: {text:?}");
    assert!(text.contains("␛]0;pwned␇"), "{text:?}");
    assert!(
        !text.contains("\u{1b}]"),
        "OSC reached the terminal: {text:?}"
    );
    assert!(
        !text.contains("\u{1b}[8m"),
        "conceal reached the terminal: {text:?}"
    );
    assert!(!text.contains('\u{9b}'), "{text:?}");
}

/// A file name is scanned text too: it heads the frame, is the annotation's
/// `file` and is quoted in the notification message.
#[test]
fn control_characters_in_file_names_are_escaped_in_every_terminal_and_ci_output() {
    let project = Project::new();
    project.write("x\u{1b}]0;t\u{7}.tf", "resource \"a\" \"b\" {\n");
    for format in ["text", "github", "compact", "junit"] {
        let output = project.run(&["scan", ".", "--format", format]);
        assert_eq!(output.status.code(), Some(1), "{format}");
        let text = String::from_utf8(output.stdout).unwrap();
        assert_no_control(&text);
        assert!(text.contains("x␛]0;t␇.tf"), "{format}: {text}");
        // The compact format's notifications and summary are on stderr.
        assert_no_control(&String::from_utf8(output.stderr).unwrap());
    }
}
