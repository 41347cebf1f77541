//! The two engines behind one interface, the inputs they are compared on,
//! and the comparison itself, for `benches/rvm.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::vm::RegoVM;
use regorus::{Engine, Value};
use scalegate::model::Bundle;
use scalegate::policy::combined::{self, COMBINED_RULE};
use scalegate::policy::input::bundle_input;
use scalegate::policy::loader::PolicySet;
use scalegate::scan::{self, Options};

/// What one engine gave for one entry point on one bundle: the value, or
/// the error's text.
pub type Outcome = Result<Value, String>;

/// One rule's `deny` or `unverified` set.
pub struct EntryPoint {
    /// Index into [`PolicySet::rules`].
    pub rule: usize,
    pub set: &'static str,
    /// `data.scalegate.rules.x`.
    pub package: String,
    /// `data.scalegate.rules.x.deny`.
    pub name: String,
}

impl EntryPoint {
    /// Its key in the combined entry point's object.
    fn combined_key(&self) -> Value {
        Value::from(combined::key(&self.package, self.set))
    }
}

/// The interpreter as production prepares it, and the VM compiled from it.
pub struct Engines {
    pub entry_points: Vec<EntryPoint>,
    interpreter: Engine,
    /// One program per entry point, in the order of `entry_points`; an
    /// entry point that does not compile holds the compiler's error.
    per_rule: Vec<Result<RegoVM, String>>,
    combined: Result<RegoVM, String>,
    pub per_rule_compile: Duration,
    pub combined_compile: Duration,
}

impl Engines {
    /// Compiles every entry point of `set`, and the combined one, to VM
    /// programs loaded with the set's data.
    pub fn compile(set: &PolicySet, max_instructions: usize) -> Engines {
        let entry_points: Vec<EntryPoint> = set
            .rules
            .iter()
            .enumerate()
            .flat_map(|(rule, loaded)| {
                loaded.sets().map(move |(name, _)| EntryPoint {
                    rule,
                    set: name,
                    package: loaded.package.clone(),
                    name: format!("{}.{name}", loaded.package),
                })
            })
            .collect();
        let engine = set.engine().expect("the interpreter loads");
        let data = engine.get_data();
        let start = Instant::now();
        let per_rule = entry_points
            .iter()
            .map(|entry| compile_vm(engine, &entry.name, &data, max_instructions))
            .collect();
        let per_rule_compile = start.elapsed();
        let start = Instant::now();
        let combined = compile_vm(engine, COMBINED_RULE, &data, max_instructions);
        let combined_compile = start.elapsed();
        if let Err(e) = &combined {
            eprintln!("VM: the combined entry point does not compile: {e}");
        }
        Engines {
            entry_points,
            interpreter: engine.clone(),
            per_rule,
            combined,
            per_rule_compile,
            combined_compile,
        }
    }
}

/// A VM running `entry` of the policies in `engine`, with `data`.
fn compile_vm(
    engine: &Engine,
    entry: &str,
    data: &Value,
    max_instructions: usize,
) -> Result<RegoVM, String> {
    let mut engine = engine.clone();
    let name: regorus::Rc<str> = Arc::from(entry);
    let compiled = engine
        .compile_with_entrypoint(&name)
        .map_err(|e| format!("cannot compile {entry}: {e}"))?;
    let program = Compiler::compile_from_policy(&compiled, &[entry])
        .map_err(|e| format!("cannot compile {entry} to RVM: {e}"))?;
    let mut vm = RegoVM::new_with_policy(compiled);
    vm.load_program(program);
    // As the interpreter is configured (loader.rs): a builtin's error makes
    // its call undefined.
    vm.set_strict_builtin_errors(false);
    vm.set_max_instructions(max_instructions);
    vm.set_data(data.clone())
        .map_err(|e| format!("cannot load data for {entry}: {e}"))?;
    Ok(vm)
}

/// The bundles of one set of inputs, as policies see them.
pub struct Dataset {
    pub name: String,
    /// Each bundle's path as a reader finds it.
    pub labels: Vec<String>,
    pub inputs: Vec<Value>,
    /// Per bundle, per rule: whether production evaluates the rule on it
    /// (its input selector admits the bundle).
    pub applies: Vec<Vec<bool>>,
    pub resources: usize,
}

impl Dataset {
    pub fn new(name: &str, bundles: Vec<Bundle>, set: &PolicySet) -> Dataset {
        Dataset::labelled(name, bundles, set, |path| path.to_owned())
    }

    fn labelled(
        name: &str,
        bundles: Vec<Bundle>,
        set: &PolicySet,
        label: impl Fn(&str) -> String,
    ) -> Dataset {
        Dataset {
            name: name.to_owned(),
            labels: bundles.iter().map(|b| label(&b.path)).collect(),
            inputs: bundles.iter().map(bundle_input).collect(),
            applies: bundles
                .iter()
                .map(|b| set.rules.iter().map(|r| r.applies_to(b)).collect())
                .collect(),
            resources: bundles.iter().map(|b| b.resources.len()).sum(),
        }
    }
}

/// Suffix of the directory each rule fixture file is copied into.
const FIXTURE_DIR_SUFFIX: &str = ".d";

/// Every file of `fixtures/rules/<slug>/` (but `expected.txt`), each in its
/// own directory so that it forms a bundle alone, as the fixture test scans
/// it: a `fail.tf` and a `pass.tf` must not form one Terraform module.
pub fn rule_fixtures(rules: &Path, set: &PolicySet) -> Dataset {
    let scratch = tempfile::tempdir().expect("a temporary directory");
    for slug in sorted_entries(rules) {
        for file in sorted_entries(&slug) {
            let name = file.file_name().expect("a file name");
            if name == "expected.txt" || !file.is_file() {
                continue;
            }
            let mut dir_name = name.to_os_string();
            dir_name.push(FIXTURE_DIR_SUFFIX);
            let dir = scratch
                .path()
                .join(slug.file_name().expect("a directory name"))
                .join(dir_name);
            std::fs::create_dir_all(&dir).expect("a fixture directory");
            std::fs::copy(&file, dir.join(name)).expect("a fixture copy");
        }
    }
    let bundles = load(scratch.path(), vec![scratch.path().to_path_buf()]);
    Dataset::labelled("fixtures/rules", bundles, set, |path| {
        format!(
            "fixtures/rules/{}",
            path.strip_suffix(FIXTURE_DIR_SUFFIX).unwrap_or(path)
        )
    })
}

/// The fixture trees other than the rule fixtures (Helm charts,
/// kustomizations, Terraform modules…), each scanned as a directory.
pub fn fixture_trees(fixtures: &Path, set: &PolicySet) -> Dataset {
    let trees: Vec<PathBuf> = sorted_entries(fixtures)
        .into_iter()
        .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n != "rules"))
        .collect();
    let bundles = load(fixtures, trees);
    Dataset::labelled("fixtures (other trees)", bundles, set, |path| {
        format!("fixtures/{path}")
    })
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    entries
}

/// The bundles of scanning `paths` from `cwd`.
fn load(cwd: &Path, paths: Vec<PathBuf>) -> Vec<Bundle> {
    let options = Options {
        paths,
        cwd: cwd.to_path_buf(),
        threads: Some(1),
        search_path: super::corpus::search_path(),
        ..Options::default()
    };
    let prepared = scan::prepare(&options).expect("pack loads");
    let loaded = scan::load_inputs(&options, &prepared).expect("fixtures load");
    loaded.bundles
}

/// Time spent in one evaluation: wall, and the CPU time of this thread
/// (`None` where `/proc/thread-self/schedstat` cannot be read), which other
/// processes on a shared machine do not inflate.
#[derive(Default, Clone, Copy)]
pub struct Spent {
    pub wall: Duration,
    pub cpu: Option<Duration>,
}

impl Spent {
    /// Runs `work`, measuring it.
    fn measure<T>(work: impl FnOnce() -> T) -> (T, Spent) {
        let cpu_start = thread_cpu();
        let start = Instant::now();
        let result = work();
        let wall = start.elapsed();
        let cpu = thread_cpu()
            .zip(cpu_start)
            .map(|(end, start)| end.saturating_sub(start));
        (result, Spent { wall, cpu })
    }
}

/// This thread's time on CPU so far (Linux).
fn thread_cpu() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// Time spent in each of the four evaluations of a dataset; `None` for
/// the per-rule ones when they were skipped.
#[derive(Default)]
pub struct Times {
    pub interpreter_per_rule: Option<Spent>,
    pub interpreter_combined: Spent,
    pub vm_per_rule: Option<Spent>,
    pub vm_combined: Spent,
}

/// Every result of the four evaluations, per bundle, per entry point.
pub struct Evaluation {
    pub times: Times,
    interpreter_per_rule: Vec<Vec<Outcome>>,
    interpreter_combined: Vec<Vec<Outcome>>,
    vm_per_rule: Vec<Vec<Outcome>>,
    vm_combined: Vec<Vec<Outcome>>,
}

impl Evaluation {
    /// Evaluates every bundle of `dataset` four times (twice, combined
    /// only, without `per_rule`), one mode after the other so that each is
    /// timed alone.
    pub fn run(engines: &mut Engines, dataset: &Dataset, per_rule: bool) -> Evaluation {
        let mut times = Times::default();
        let entries = &engines.entry_points;
        let interpreter = &mut engines.interpreter;
        let mut interpreter_per_rule = Vec::new();
        let mut vm_per_rule = Vec::new();

        if per_rule {
            let (results, spent) = Spent::measure(|| {
                dataset
                    .inputs
                    .iter()
                    .map(|input| {
                        interpreter.set_input(input.clone());
                        entries
                            .iter()
                            .map(|e| {
                                interpreter
                                    .eval_rule(e.name.clone())
                                    .map_err(|e| e.to_string())
                            })
                            .collect()
                    })
                    .collect()
            });
            interpreter_per_rule = results;
            times.interpreter_per_rule = Some(spent);
        }

        let (interpreter_combined, spent) = Spent::measure(|| {
            dataset
                .inputs
                .iter()
                .map(|input| {
                    interpreter.set_input(input.clone());
                    interpreter
                        .eval_rule(COMBINED_RULE.into())
                        .map_err(|e| e.to_string())
                })
                .collect::<Vec<Outcome>>()
        });
        times.interpreter_combined = spent;

        if per_rule {
            let vms = &mut engines.per_rule;
            let (results, spent) = Spent::measure(|| {
                dataset
                    .inputs
                    .iter()
                    .map(|input| {
                        entries
                            .iter()
                            .zip(vms.iter_mut())
                            .map(|(entry, vm)| {
                                let vm = vm.as_mut().map_err(|e| e.clone())?;
                                vm.set_input(input.clone());
                                vm.execute_entry_point_by_name(&entry.name)
                                    .map_err(|e| e.to_string())
                            })
                            .collect()
                    })
                    .collect()
            });
            vm_per_rule = results;
            times.vm_per_rule = Some(spent);
        }

        let combined = &mut engines.combined;
        let (vm_combined, spent) = Spent::measure(|| {
            dataset
                .inputs
                .iter()
                .map(|input| {
                    let vm = combined.as_mut().map_err(|e| e.clone())?;
                    vm.set_input(input.clone());
                    vm.execute_entry_point_by_name(COMBINED_RULE)
                        .map_err(|e| e.to_string())
                })
                .collect::<Vec<Outcome>>()
        });
        times.vm_combined = spent;

        let split = |results: Vec<Outcome>| -> Vec<Vec<Outcome>> {
            results.iter().map(|r| split_combined(r, entries)).collect()
        };
        Evaluation {
            times,
            interpreter_per_rule,
            interpreter_combined: split(interpreter_combined),
            vm_per_rule,
            vm_combined: split(vm_combined),
        }
    }

    /// Every result on which two evaluations that should agree do not.
    pub fn differences(&self, engines: &Engines, dataset: &Dataset) -> Vec<Difference> {
        let pairs = [
            (
                Comparison::PerRule,
                &self.interpreter_per_rule,
                &self.vm_per_rule,
            ),
            (
                Comparison::Combined,
                &self.interpreter_combined,
                &self.vm_combined,
            ),
            (
                Comparison::InterpreterModes,
                &self.interpreter_per_rule,
                &self.interpreter_combined,
            ),
        ];
        let mut differences = Vec::new();
        for (comparison, expected, actual) in pairs {
            for (bundle, (expected, actual)) in expected.iter().zip(actual).enumerate() {
                for (entry, (expected, actual)) in expected.iter().zip(actual).enumerate() {
                    if expected != actual {
                        let rule = engines.entry_points[entry].rule;
                        differences.push(Difference {
                            comparison,
                            entry,
                            bundle: dataset.labels[bundle].clone(),
                            applies: dataset.applies[bundle][rule],
                            expected: expected.clone(),
                            actual: actual.clone(),
                        });
                    }
                }
            }
        }
        differences
    }
}

/// The combined entry point's object cut into one outcome per entry point.
fn split_combined(result: &Outcome, entries: &[EntryPoint]) -> Vec<Outcome> {
    entries
        .iter()
        .map(|entry| match result {
            Ok(Value::Object(sets)) => Ok(sets
                .get(&entry.combined_key())
                .cloned()
                .unwrap_or(Value::Undefined)),
            Ok(other) => Err(format!(
                "the combined entry point gave {}",
                abbreviate(&other.to_string())
            )),
            Err(e) => Err(e.clone()),
        })
        .collect()
}

/// Which two evaluations a difference is between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Comparison {
    /// Interpreter vs VM, one entry point per rule.
    PerRule,
    /// Interpreter vs VM, the combined entry point.
    Combined,
    /// The interpreter per rule vs the interpreter combined.
    InterpreterModes,
}

impl Comparison {
    fn label(self) -> &'static str {
        match self {
            Comparison::PerRule => "per-rule",
            Comparison::Combined => "combined",
            Comparison::InterpreterModes => "interpreter per-rule vs combined",
        }
    }
}

/// One entry point on one bundle on which two evaluations disagree.
pub struct Difference {
    pub comparison: Comparison,
    /// Index into [`Engines::entry_points`].
    pub entry: usize,
    pub bundle: String,
    /// Whether production evaluates the rule on this bundle.
    pub applies: bool,
    /// The interpreter's result (per rule, for the interpreter's modes).
    pub expected: Outcome,
    pub actual: Outcome,
}

impl Difference {
    /// The findings only `expected` has, and those only `actual` has, when
    /// both are sets of findings (an undefined set reads as empty, as
    /// production reads it).
    fn finding_diff(&self) -> Option<(Vec<&Value>, Vec<&Value>)> {
        let expected = findings(&self.expected)?;
        let actual = findings(&self.actual)?;
        Some((
            expected.difference(&actual).copied().collect(),
            actual.difference(&expected).copied().collect(),
        ))
    }
}

fn findings(outcome: &Outcome) -> Option<BTreeSet<&Value>> {
    match outcome {
        Ok(Value::Undefined) | Ok(Value::Null) => Some(BTreeSet::new()),
        Ok(Value::Set(items)) => Some(items.iter().collect()),
        Ok(Value::Array(items)) => Some(items.iter().collect()),
        _ => None,
    }
}

/// Prints every difference under its rule (and set), with the findings one
/// engine gave and the other did not, at most `limit` per rule; then a
/// table of the counts per rule and comparison.
pub fn print_differences(
    differences: &[Difference],
    engines: &Engines,
    set: &PolicySet,
    limit: usize,
) {
    let mut by_rule: BTreeMap<(&str, &str), Vec<&Difference>> = BTreeMap::new();
    for difference in differences {
        let entry = &engines.entry_points[difference.entry];
        by_rule
            .entry((&set.rules[entry.rule].info.id, entry.set))
            .or_default()
            .push(difference);
    }
    for ((id, set_name), differences) in &by_rule {
        let rule = &set.rules[engines.entry_points[differences[0].entry].rule];
        println!(
            "\n{id} {} ({set_name}): {} differing results",
            rule.info.slug,
            differences.len()
        );
        for difference in differences.iter().take(limit) {
            print_difference(difference);
        }
        if differences.len() > limit {
            println!("  … {} more", differences.len() - limit);
        }
    }
    if by_rule.is_empty() {
        return;
    }
    println!(
        "\n{:<14} {:<11} {:>8} {:>8} {:>8} {:>9}",
        "rule", "set", "per-rule", "combined", "interp", "findings"
    );
    for ((id, set_name), differences) in &by_rule {
        let count = |c: Comparison| differences.iter().filter(|d| d.comparison == c).count();
        // Differences a user would see: in findings, on a bundle the rule
        // runs on in production.
        let visible = differences
            .iter()
            .filter(|d| {
                d.applies
                    && d.finding_diff()
                        .is_none_or(|(missing, extra)| !missing.is_empty() || !extra.is_empty())
            })
            .count();
        println!(
            "{id:<14} {set_name:<11} {:>8} {:>8} {:>8} {visible:>9}",
            count(Comparison::PerRule),
            count(Comparison::Combined),
            count(Comparison::InterpreterModes),
        );
    }
}

fn print_difference(difference: &Difference) {
    let scope = if difference.applies {
        ""
    } else {
        " (selector excludes the bundle)"
    };
    println!(
        "  [{}] {}{scope}",
        difference.comparison.label(),
        difference.bundle
    );
    match difference.finding_diff() {
        Some((missing, extra)) if missing.is_empty() && extra.is_empty() => println!(
            "    same findings; values {} vs {}",
            shape(&difference.expected),
            shape(&difference.actual)
        ),
        Some((missing, extra)) => {
            for finding in missing {
                println!("    - {}", compact(finding));
            }
            for finding in extra {
                println!("    + {}", compact(finding));
            }
        }
        None => println!(
            "    expected {}\n    actual   {}",
            describe(&difference.expected),
            describe(&difference.actual)
        ),
    }
}

/// A finding on one line: resource, path and message.
fn compact(finding: &Value) -> String {
    let field = |name: &str| match finding {
        Value::Object(map) => map.get(&Value::from(name)).cloned(),
        _ => None,
    };
    let text = match (field("resource"), field("path"), field("msg")) {
        (resource, path, Some(msg)) => {
            let mut text = String::new();
            if let Some(Value::String(r)) = resource {
                text.push_str(&r);
                text.push(' ');
            }
            if let Some(path @ Value::Array(_)) = path {
                text.push_str(&path.to_string());
                text.push(' ');
            }
            match msg {
                Value::String(m) => text.push_str(&m),
                other => text.push_str(&other.to_string()),
            }
            text
        }
        _ => finding.to_string(),
    };
    abbreviate(&text)
}

fn shape(outcome: &Outcome) -> &'static str {
    match outcome {
        Ok(Value::Undefined) => "undefined",
        Ok(Value::Null) => "null",
        Ok(Value::Set(_)) => "set",
        Ok(Value::Array(_)) => "array",
        Ok(_) => "other",
        Err(_) => "error",
    }
}

fn describe(outcome: &Outcome) -> String {
    match outcome {
        Ok(value) => abbreviate(&value.to_string()),
        Err(e) => format!("error: {}", abbreviate(e)),
    }
}

fn abbreviate(text: &str) -> String {
    const MAX: usize = 200;
    let line = text.replace('\n', " ");
    match line.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line,
    }
}
