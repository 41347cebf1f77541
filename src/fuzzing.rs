//! Entry points for the fuzz targets in `fuzz/`: one function per input
//! format, each taking arbitrary bytes the way a scan would meet them in a
//! scanned repository. Not part of the supported API.
//!
//! They live in the library, in this one file, so the fuzz crate needs no
//! access to private modules and every target goes through the same calls
//! a scan makes. Besides "does not panic", each checks what the report
//! relies on: every span a parser hands back lies inside its file and on
//! character boundaries, since locations and code frames slice the text by
//! those spans.
//!
//! Invalid UTF-8 is read lossily rather than dropped: a scan reports such a
//! file as a parse error without parsing it, so the lossy text only keeps
//! the fuzzer's mutations useful instead of wasting them on rejected input.

use std::borrow::Cow;
use std::sync::Arc;

use crate::config;
use crate::model::{Resource, SpanChildren, SpanNode};
use crate::parse::terraform::comments;
use crate::parse::terraform::{self, CommandLineValues, Modules, TerraformFile};
use crate::parse::{kubernetes, plan, ParseError};
use crate::source::{SharedSource, SourceFile, Span};
use crate::suppress::directive;
use crate::suppress::ignore_file::IgnoreFile;

/// A module that declares variables of every shape a values file can set,
/// and uses each, so fuzzed values flow through evaluation into resources.
const VALUES_MODULE: &str = r#"
variable "name" { type = string }
variable "count_of" { type = number }
variable "enabled" { type = bool }
variable "tags" { type = map(string) }
variable "zones" { type = list(string) }
variable "anything" {}
resource "aws_instance" "web" {
  count         = var.enabled ? var.count_of : 0
  instance_type = var.name
  tags          = merge(var.tags, { Name = var.name })
  availability_zone = element(var.zones, count.index)
  user_data     = jsonencode(var.anything)
}
resource "aws_s3_bucket" "each" {
  for_each = toset(var.zones)
  bucket   = "${var.name}-${each.key}"
  tags     = var.tags
}
"#;

/// A `.tf` file: parsed, then evaluated as the only file of a root module.
pub fn terraform_module(bytes: &[u8]) {
    let source = source("main.tf", bytes);
    let Some(file) = parsed(&source, terraform::parse(&source)) else {
        return;
    };
    evaluate(vec![file], CommandLineValues::default());
}

/// A `.tfvars` (HCL) or `.tfvars.json` file, and the same text as a `--var`
/// value: parsed, then applied to a module that uses every variable.
pub fn terraform_values(bytes: &[u8]) {
    // The values file beside the module, as Terraform loads it by name.
    let hcl = source("terraform.tfvars", bytes);
    if let Some(values) = parsed(&hcl, terraform::parse(&hcl)) {
        evaluate(vec![values_module(), values], CommandLineValues::default());
    }
    // The same bytes as a `--var-file` in JSON and as `--var tags=…`.
    let json = source("values.tfvars.json", bytes);
    let mut command_line = CommandLineValues::default();
    if let Some(values) = parsed(&json, terraform::parse(&json)) {
        command_line.files.push(values);
    }
    command_line
        .vars
        .push(("tags".to_owned(), hcl.text.clone()));
    evaluate(vec![values_module()], command_line);
}

fn values_module() -> TerraformFile {
    let source = source("main.tf", VALUES_MODULE.as_bytes());
    terraform::parse(&source).expect("the fixed module parses")
}

/// A Kubernetes manifest stream (`.yaml`), rendered Helm output included.
pub fn kubernetes_manifests(bytes: &[u8]) {
    let source = source("deploy.yaml", bytes);
    if let Some(resources) = parsed(&source, kubernetes::parse(&source)) {
        check_resources(&resources);
    }
}

/// A Terraform plan (`terraform show -json`).
pub fn terraform_plan(bytes: &[u8]) {
    let source = source("plan.json", bytes);
    if let Some(resources) = parsed(&source, plan::parse(&source)) {
        check_resources(&resources);
    }
}

/// Suppression comments and annotations: the HCL comment scanner over the
/// whole text, the directive grammar over every comment it finds and over
/// every line (as a YAML comment's text), and the annotation grammar.
pub fn suppression_directives(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for comment in comments::hcl(&text) {
        check_span(&text, comment.span, "comment");
        check_span(&text, comment.body, "comment body");
        assert!(
            comment.span.start <= comment.body.start && comment.body.end <= comment.span.end,
            "comment body {:?} outside its comment {:?}",
            comment.body,
            comment.span
        );
        let _ = directive::parse_comment(&text[comment.body.start..comment.body.end]);
    }
    for line in text.lines() {
        if let Some(Ok(parsed)) = directive::parse_comment(line) {
            assert!(!parsed.rules.is_empty(), "a directive without rules parsed");
        }
    }
    let _ = directive::parse_annotation(&text);
}

/// `.scalegate.yaml`, the suppression file and a `--data` file: the three
/// YAML files scalegate reads as settings rather than as scanned input.
pub fn config_files(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let line_count = SourceFile::new("", text.clone().into_owned()).line_count();
    let errors = match config::parse(".scalegate.yaml", &text) {
        Ok(config) => {
            let _ = crate::settings::effective_settings(config.settings.as_ref());
            Vec::new()
        }
        Err(errors) => errors,
    };
    let ignore_errors = IgnoreFile::parse(".scalegate-ignore.yaml", &text)
        .err()
        .unwrap_or_default();
    let data_errors = config::load_data("data.yaml", &text)
        .err()
        .unwrap_or_default();
    for error in errors.iter().chain(&ignore_errors).chain(&data_errors) {
        // A position past the end would point the code frame at nothing. The
        // end of the file is a place (an unexpected end of input, or an empty
        // node the YAML parser places there): after a final line break that
        // is the start of the line after the last.
        // Every config-like error has a place, and a code frame for it.
        let (Some(line), Some(column)) = (error.line, error.column) else {
            panic!("error without a position: {error}");
        };
        assert!(
            (1..=line_count + 1).contains(&line) && column >= 1 && error.frame.is_some(),
            "error at {line}:{column} in a file of {line_count} lines: {}",
            error.message
        );
    }
}

fn source(path: &str, bytes: &[u8]) -> SharedSource {
    let text = match String::from_utf8_lossy(bytes) {
        Cow::Borrowed(text) => text.to_owned(),
        Cow::Owned(text) => text,
    };
    Arc::new(SourceFile::new(path, text))
}

/// The parsed value, after checking that an error points inside the file.
fn parsed<T>(source: &SourceFile, result: Result<T, ParseError>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(error) => {
            check_span(
                &source.text,
                Span::new(error.offset, error.offset),
                "parse error",
            );
            None
        }
    }
}

/// Evaluates one root module; the addresses of what it declares.
fn evaluate(files: Vec<TerraformFile>, command_line: CommandLineValues) -> Vec<String> {
    let mut modules = Modules::default();
    modules.scanned.insert(".".to_owned(), files);
    let evaluated = terraform::evaluate(modules, &command_line);
    let mut ids = Vec::new();
    for (_, resources) in &evaluated.roots {
        check_resources(resources);
        ids.extend(resources.iter().map(|r| r.id.clone()));
    }
    ids
}

fn check_resources(resources: &[Resource]) {
    for resource in resources {
        let text = &resource.source.text;
        check_span(text, resource.header, "resource header");
        check_span_node(text, &resource.spans);
    }
}

fn check_span_node(text: &str, node: &SpanNode) {
    if let Some(key) = node.key {
        check_span(text, key, "key");
    }
    check_span(text, node.value, "value");
    match &node.children {
        SpanChildren::Leaf => {}
        SpanChildren::Map(entries) => {
            for (_, child) in entries {
                check_span_node(text, child);
            }
        }
        SpanChildren::List(items) => {
            for child in items {
                check_span_node(text, child);
            }
        }
    }
}

fn check_span(text: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what} span {span:?} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what} span {span:?} splits a character"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The values target is only worth its executions if what it parses
    /// reaches evaluation: values set in a `.tfvars` file expand the fixed
    /// module's `count` and `for_each`.
    #[test]
    fn values_file_drives_the_fixed_module() {
        let text =
            "name = \"api\"\ncount_of = 2\nenabled = true\nzones = [\"a\", \"b\"]\ntags = {}\n";
        let values = source("terraform.tfvars", text.as_bytes());
        let values = terraform::parse(&values).unwrap();
        let ids = evaluate(vec![values_module(), values], CommandLineValues::default());
        // Variables are resources of the model too; the six declared come first.
        assert_eq!(ids.iter().filter(|id| id.starts_with("var.")).count(), 6);
        assert_eq!(
            ids[6..],
            [
                "aws_instance.web[0]",
                "aws_instance.web[1]",
                "aws_s3_bucket.each[\"a\"]",
                "aws_s3_bucket.each[\"b\"]",
            ]
        );
    }

    /// An empty explicit key (`?` and nothing else) at the end of a file is
    /// reported at its `?`. Found by the `config` target: the YAML parser
    /// places the empty node at the next token, here past the last line,
    /// which the target first took for a position outside the file.
    #[test]
    fn an_empty_key_at_the_end_of_the_file_is_at_its_question_mark() {
        let errors = config::parse(".scalegate.yaml", "fail_on: low\n? # empty key\n")
            .err()
            .unwrap();
        assert_eq!(
            errors
                .iter()
                .map(|e| (e.line, e.column))
                .collect::<Vec<_>>(),
            [(Some(2), Some(1))]
        );
        config_files(b"fail_on: low\n? # empty key\n");
    }

    #[test]
    #[should_panic(expected = "value span Span { start: 2, end: 4 } outside a text of 3 bytes")]
    fn a_span_past_the_end_fails_the_target() {
        check_span("abc", Span::new(2, 4), "value");
    }

    #[test]
    #[should_panic(expected = "key span Span { start: 1, end: 2 } splits a character")]
    fn a_span_inside_a_character_fails_the_target() {
        // `é` is two bytes: offset 1 is inside it.
        check_span("é", Span::new(1, 2), "key");
    }

    /// Each target's own checks pass on a well-formed input and on bytes
    /// that are not UTF-8, which every target reads lossily.
    #[test]
    fn every_target_accepts_valid_and_invalid_input() {
        type Target = fn(&[u8]);
        let inputs: [(Target, &[u8]); 6] = [
            (
                terraform_module,
                b"resource \"aws_s3_bucket\" \"b\" { tags = { a = \"\xff\" } }\n",
            ),
            (terraform_values, b"name = \"\xfe\"\n"),
            (
                kubernetes_manifests,
                b"apiVersion: v1\nkind: Pod\nmetadata: {name: \"\xff\"}\n",
            ),
            (
                terraform_plan,
                b"{\"format_version\": \"1.2\", \"planned_values\": {}}\xff",
            ),
            (
                suppression_directives,
                b"# scalegate:ignore SG-TAG-001 reason=\"\xff\"\n",
            ),
            (config_files, b"fail_on: \xff\n"),
        ];
        for (target, bytes) in inputs {
            target(bytes);
            target(&bytes[..bytes.len() / 2]);
        }
    }
}
