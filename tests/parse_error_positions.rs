//! Parse errors are reported where the parser gave up, as Terraform and
//! YAML tools do: something left open at the end of the input (or, for an
//! HCL string, at the end of its line), a bad token or indentation at
//! itself. Each case is one small file and its exact position.

mod common;

use common::{of_rule, Project};

/// The one SG-PARSE-001 of a scan of `text` written as `name`:
/// (line, column, message).
fn parse_error(name: &str, text: &str) -> (u64, u64, String) {
    let p = Project::new();
    p.write(name, text);
    let (code, report, _) = p.scan_json(&[]);
    assert_eq!(code, 1, "{report:#}");
    let errors = of_rule(&report, "SG-PARSE-001");
    assert_eq!(errors.len(), 1, "{report:#}");
    let e = errors[0];
    assert_eq!(e["file"], name);
    (
        e["start_line"].as_u64().unwrap(),
        e["start_column"].as_u64().unwrap(),
        e["message"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn hcl_an_unclosed_block_is_reported_at_the_end_of_the_input() {
    // The parser backtracks to `tags` (3:3); it gave up at the end.
    let (line, column, message) = parse_error(
        "broken.tf",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n  tags = {\n    a = \"1\"\n",
    );
    assert_eq!((line, column), (5, 1));
    assert!(message.contains("opened at line 3, column 10"), "{message}");
}

#[test]
fn hcl_an_unclosed_block_after_its_last_attribute_is_reported_at_the_end() {
    let (line, column, message) = parse_error("broken.tf", "locals {\n  a = 1\n  b = 2\n");
    assert_eq!((line, column), (4, 1));
    assert!(message.contains("opened at line 1, column 8"), "{message}");
}

#[test]
fn hcl_an_unclosed_string_is_reported_at_the_end_of_its_line() {
    let (line, column, message) =
        parse_error("broken.tf", "locals {\n  a = 1\n  name = \"web\n}\n");
    assert_eq!((line, column), (3, 14));
    assert!(
        message.starts_with("unclosed string (opened at line 3, column 10)"),
        "{message}"
    );
}

#[test]
fn hcl_an_unclosed_heredoc_is_reported_at_the_end_of_the_input() {
    let (line, column, message) = parse_error("broken.tf", "locals {\n  policy = <<EOT\n{}\n}\n");
    assert_eq!((line, column), (5, 1));
    assert!(message.contains("heredoc (no `EOT` line)"), "{message}");
    assert!(message.contains("opened at line 2, column 12"), "{message}");
}

#[test]
fn hcl_a_bad_token_mid_line_is_reported_at_the_token() {
    let (line, column, _) = parse_error("broken.tf", "locals {\n  a = 1 +* 2\n}\n");
    assert_eq!((line, column), (2, 10));
}

#[test]
fn hcl_a_bad_token_in_a_block_left_open_is_still_reported_at_the_token() {
    // The parser stopped at `*`, before it could see the block is unclosed.
    let (line, column, _) = parse_error("broken.tf", "locals {\n  a = 1 +* 2\n");
    assert_eq!((line, column), (2, 10));
}

const HEAD: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n";

#[test]
fn yaml_bad_indentation_is_reported_where_the_mapping_cannot_go_on() {
    let (line, column, message) =
        parse_error("cm.yaml", &format!("{HEAD}  name: x\n   labels: 1\n"));
    assert_eq!((line, column), (5, 10));
    assert!(message.contains("mapping values"), "{message}");
}

#[test]
fn yaml_an_unclosed_flow_sequence_is_reported_at_the_end_of_the_input() {
    let (line, column, message) =
        parse_error("cm.yaml", &format!("{HEAD}  name: x\ndata:\n  a: [1, 2\n"));
    assert_eq!((line, column), (7, 1));
    assert!(message.contains("opened at line 6, column 6"), "{message}");
}

#[test]
fn yaml_an_unclosed_quote_is_reported_at_the_end_of_the_input() {
    let (line, column, message) =
        parse_error("cm.yaml", &format!("{HEAD}  name: \"x\ndata:\n  a: b\n"));
    assert_eq!((line, column), (7, 1));
    assert!(
        message.contains("unclosed quote (opened at line 4, column 9)"),
        "{message}"
    );
}

#[test]
fn yaml_tab_indentation_is_reported_at_the_tab() {
    let (line, column, message) = parse_error("cm.yaml", &format!("{HEAD}\tname: x\n"));
    assert_eq!((line, column), (4, 1));
    assert!(message.contains("tab"), "{message}");
}
