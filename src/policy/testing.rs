//! The `opa test`-like runner behind `scalegate test` and the pack's own tests.
//!
//! regorus has no test runner, so this one finds every `test_*` rule in the
//! loaded modules and evaluates each alone, in its own clone of one prepared
//! engine: a test cannot leak state (cached rule values, `with` overrides,
//! gathered prints) into the next, and cloning a prepared engine is far cheaper
//! than re-parsing the policies per test.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context as _};
use regorus::unstable::{Expr, Rule, RuleHead};
use regorus::{Engine, Value};

pub use crate::assets::PolicyFile;

/// What one test rule evaluated to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The rule evaluated to `true`.
    Pass,
    /// The rule evaluated to anything but `true`: `false`, undefined (a body
    /// that did not hold), or a non-boolean value.
    Fail,
    /// Evaluation raised an error; the text is regorus's message.
    Error(String),
}

/// The result of one `test_*` rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestResult {
    /// The package with its `data.` prefix, e.g. `data.scalegate.rules.pdb_coverage_test`,
    /// so that `format!("{package}.{name}")` is the rule's full path.
    pub package: String,
    /// The rule's name, e.g. `test_deny_single_pdb_missing`.
    pub name: String,
    /// The [`PolicyFile::path`] of the file that declares the rule first.
    pub file: String,
    /// Pass, fail or error.
    pub outcome: Outcome,
    /// Wall time of the evaluation alone (not of the engine clone).
    pub duration: Duration,
}

/// A test rule found in a module, before it is run.
struct TestRule {
    package: String,
    name: String,
    file: String,
    line: u32,
}

/// Loads every file into one engine with `data` added (the caller gives
/// `{"scalegate": {"settings": ...}}` plus user data), finds every rule named
/// `test_*` in every package and evaluates it alone: `true` → pass;
/// `false`/undefined → fail; an error → error.
///
/// Results are ordered by file path, then by the rule's position in the file.
/// A rule declared twice in one package (incremental definitions) is one test,
/// as in OPA. Functions (`test_x(a)`), partial sets and `default` declarations
/// are not tests.
///
/// A policy that fails to parse or compile gives `Err` with the engine's message,
/// which names `file:line:col`.
pub fn run_tests(files: &[PolicyFile], data: Value) -> anyhow::Result<Vec<TestResult>> {
    let mut engine = Engine::new();
    // OPA semantics: a builtin given bad arguments is undefined, not an error,
    // so tests see what the scanner sees.
    engine.set_strict_builtin_errors(false);
    // Prints belong to the test, not to our stdout (which carries only the report).
    engine.set_gather_prints(true);
    crate::policy::crypto::register(&mut engine)?;

    let mut packages = Vec::with_capacity(files.len());
    for file in files {
        let package = engine
            .add_policy(file.path.clone(), file.text.clone())
            .map_err(|e| anyhow!("{e}"))
            .with_context(|| format!("cannot load policy {}", file.path))?;
        packages.push(package);
    }
    engine
        .add_data(data)
        .context("cannot add the data document to the policy engine")?;

    // add_policy only parses; rule conflicts, unsafe variables and bad imports
    // surface when the engine is prepared. Preparing once here reports them as a
    // load error, not as the same error on every test, and every clone below
    // starts prepared.
    engine
        .eval_query("true".to_string(), false)
        .map_err(|e| anyhow!("{e}"))
        .context("policies do not compile")?;

    let tests = find_tests(&mut engine, &packages)?;

    let mut results = Vec::with_capacity(tests.len());
    for test in tests {
        let mut instance = engine.clone();
        let path = format!("{}.{}", test.package, test.name);
        let start = Instant::now();
        let value = instance.eval_rule(path);
        let duration = start.elapsed();
        let outcome = match value {
            Ok(Value::Bool(true)) => Outcome::Pass,
            Ok(_) => Outcome::Fail,
            Err(e) => Outcome::Error(e.to_string()),
        };
        results.push(TestResult {
            package: test.package,
            name: test.name,
            file: test.file,
            outcome,
            duration,
        });
    }
    Ok(results)
}

/// Reads the test rules from the module ASTs rather than scanning the text, so a
/// `test_` inside a string, a comment or a rule body is never mistaken for one.
fn find_tests(engine: &mut Engine, packages: &[String]) -> anyhow::Result<Vec<TestRule>> {
    let mut seen = HashSet::new();
    let mut tests = Vec::new();
    // get_modules returns the modules in add_policy order, which is `packages`' order.
    for (module, package) in engine.get_modules().iter().zip(packages) {
        for rule in &module.policy {
            let Rule::Spec { head, .. } = rule.as_ref() else {
                continue;
            };
            let (RuleHead::Compr { refr, .. } | RuleHead::Func { refr, .. }) = head else {
                continue;
            };
            if let RuleHead::Func { args, .. } = head {
                if !args.is_empty() {
                    continue;
                }
            }
            let Expr::Var { span, .. } = refr.as_ref() else {
                continue;
            };
            let name = span.text();
            if !name.starts_with("test_") {
                continue;
            }
            if seen.insert((package.clone(), name.to_string())) {
                tests.push(TestRule {
                    package: package.clone(),
                    name: name.to_string(),
                    file: span.source.file().clone(),
                    line: span.line,
                });
            }
        }
    }
    // Stable: rules of one file keep their source order when lines tie (never, but cheap).
    tests.sort_by(|a, b| a.file.cmp(&b.file).then(a.line.cmp(&b.line)));
    Ok(tests)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> PolicyFile {
        PolicyFile {
            path: path.to_string(),
            text: text.to_string(),
        }
    }

    fn data() -> Value {
        Value::from_json_str(r#"{"scalegate": {"settings": {"limit": 2}}}"#).unwrap()
    }

    fn outcomes(results: &[TestResult]) -> Vec<(&str, &Outcome)> {
        results
            .iter()
            .map(|r| (r.name.as_str(), &r.outcome))
            .collect()
    }

    #[test]
    fn pass_and_fail_and_with_overrides() {
        let policy = file(
            "p/rule.rego",
            r#"package x.rule
deny contains msg if {
    input.n > data.scalegate.settings.limit
    msg := sprintf("n is %d", [input.n])
}
"#,
        );
        let tests = file(
            "p/rule_test.rego",
            r#"package x.rule_test
import data.x.rule

test_pass if {
    rule.deny == {"n is 3"} with input as {"n": 3}
}

test_fail if {
    count(rule.deny) == 1 with input as {"n": 1}
}

test_false := false

test_with_data if {
    count(rule.deny) == 0 with input as {"n": 3} with data.scalegate.settings.limit as 5
}

test_helper(a) if { a }
not_a_test if { true }
"#,
        );
        let results = run_tests(&[tests, policy], data()).unwrap();
        let got = outcomes(&results);
        assert_eq!(
            got,
            [
                ("test_pass", &Outcome::Pass),
                ("test_fail", &Outcome::Fail),
                ("test_false", &Outcome::Fail),
                ("test_with_data", &Outcome::Pass),
            ]
        );
        assert_eq!(results[0].package, "data.x.rule_test");
        assert_eq!(results[0].file, "p/rule_test.rego");
    }

    #[test]
    fn evaluation_errors_are_errors_not_failures() {
        // Non-strict builtins make `1 / 0` undefined (a failure, as in OPA), but
        // a complete rule with two values and an operator on the wrong type are
        // errors in both.
        let tests = file(
            "t_test.rego",
            r#"package t
conflict := 1 if input.x == 1
conflict := 2 if input.x == 1
test_conflict if { conflict == 1 with input as {"x": 1} }
test_type_error if { x := "a" + 1; x }
test_division_by_zero if { x := 1 / 0; x > 0 }
"#,
        );
        let results = run_tests(&[tests], data()).unwrap();
        let got = outcomes(&results);
        assert!(
            matches!(got[0], ("test_conflict", Outcome::Error(m)) if m.contains("t_test.rego:3:1")),
            "{got:?}"
        );
        assert!(
            matches!(got[1], ("test_type_error", Outcome::Error(m)) if m.contains("add")),
            "{got:?}"
        );
        assert_eq!(got[2], ("test_division_by_zero", &Outcome::Fail));
    }

    #[test]
    fn results_are_ordered_by_file_then_position() {
        let b = file(
            "b_test.rego",
            "package b\ntest_z if { true }\ntest_a if { true }\n",
        );
        let a = file("a_test.rego", "package a\ntest_y if { true }\n");
        let results = run_tests(&[b, a], data()).unwrap();
        let names: Vec<_> = results.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["test_y", "test_z", "test_a"]);
    }

    #[test]
    fn parse_error_names_file_line_and_column() {
        let broken = file("dir/broken.rego", "package b\n\ntest_x if {\n  1 +\n}\n");
        let err = run_tests(&[broken], data()).unwrap_err();
        let text = format!("{err:#}");
        assert!(text.contains("dir/broken.rego:"), "{text}");
        assert!(text.contains("dir/broken.rego:5:1"), "{text}");
    }

    #[test]
    fn compile_error_names_file_line_and_column() {
        // Parses, but `y` is unsafe: caught when the engine is prepared.
        let unsafe_var = file("dir/unsafe.rego", "package u\n\ntest_x if {\n  y > 1\n}\n");
        let err = run_tests(&[unsafe_var], data()).unwrap_err();
        let text = format!("{err:#}");
        assert!(text.contains("dir/unsafe.rego:4:"), "{text}");
    }
}
