//! Differential test and timing of regorus's interpreter against its
//! compiled VM (RVM) on the built-in pack: the VM may replace the
//! interpreter only when it gives the same result for every rule on every
//! bundle, and it is worth doing only if it is faster than the evaluation
//! production runs (one combined entry point per bundle).
//!
//! Inputs: the benchmark corpus (`benches/corpus.txt`, when fetched), every
//! rule fixture file (`fixtures/rules/<slug>/*`, each alone, as the fixture
//! test scans it) and the other fixture trees under `fixtures/`.
//!
//! Four evaluations of every bundle, each timed alone:
//! * interpreter, one `eval_rule` per rule entry point (`<package>.deny`,
//!   `<package>.unverified`): what production falls back to;
//! * interpreter, the combined entry point production evaluates;
//! * VM, one compiled program per rule entry point;
//! * VM, the combined entry point compiled to one program.
//!
//! Then every VM result is compared with the interpreter's in the same mode
//! (and the interpreter's two modes with each other), and each difference
//! is printed under its rule with the bundle and the findings one engine
//! gave and the other did not. Exit status 1 when any result differs.
//!
//! Run with `cargo bench --features rvm --bench rvm` (about a minute on two
//! cores). The per-rule evaluations run on the fixtures only: on the corpus
//! they take minutes, and production does not evaluate per rule. Options
//! (after `--`):
//! * `--full`: the per-rule evaluations on the corpus too;
//! * `--quick`: the fixtures only;
//! * `--limit N`: at most N differences printed per rule (default: all);
//! * `--max-instructions N`: the VM's instruction budget per evaluation
//!   (default: none; regorus's own default is 25,000).

mod corpus;
mod differential;

use differential::{Dataset, Engines, Evaluation, Spent};
use scalegate::scan::{self, Options};
use std::path::{Path, PathBuf};

fn main() {
    // As the binary does: no backtraces for the engine's discarded errors.
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        std::env::set_var("RUST_LIB_BACKTRACE", "0");
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let full = args.iter().any(|a| a == "--full");
    let number = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .and_then(|n| n.parse().ok())
    };
    let limit = number("--limit").unwrap_or(usize::MAX);
    // regorus's VM stops after 25,000 instructions by default, which one
    // rule on a bundle of a few dozen resources exceeds: the interpreter has
    // no such budget, so the comparison runs without one.
    let max_instructions = number("--max-instructions").unwrap_or(usize::MAX);

    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let options = options_for(&fixtures);
    let prepared = scan::prepare(&options).expect("pack loads");
    let mut engines = Engines::compile(&prepared.policies, max_instructions);
    println!(
        "entry points: {} per rule, compiled in {:.3} s; combined compiled in {:.3} s",
        engines.entry_points.len(),
        engines.per_rule_compile.as_secs_f64(),
        engines.combined_compile.as_secs_f64(),
    );

    // (dataset, whether to evaluate it per rule too)
    let mut datasets = vec![
        (
            differential::rule_fixtures(&fixtures.join("rules"), &prepared.policies),
            true,
        ),
        (
            differential::fixture_trees(&fixtures, &prepared.policies),
            true,
        ),
    ];
    if !quick {
        if let Some(dir) = corpus::directory() {
            let options = Options {
                search_path: corpus::search_path(),
                ..options_for(&dir)
            };
            let corpus = scan::prepare(&options).expect("pack loads");
            let loaded = scan::load_inputs(&options, &corpus).expect("corpus loads");
            datasets.push((
                Dataset::new("corpus", loaded.bundles, &prepared.policies),
                full,
            ));
        }
    }

    let mut differing = 0;
    for (dataset, per_rule) in &datasets {
        let evaluation = Evaluation::run(&mut engines, dataset, *per_rule);
        print_timings(dataset, &engines, &evaluation);
        let differences = evaluation.differences(&engines, dataset);
        differing += differences.len();
        differential::print_differences(&differences, &engines, &prepared.policies, limit);
    }
    if differing > 0 {
        println!("{differing} differing results in all");
        std::process::exit(1);
    }
    println!("no differences");
}

fn options_for(dir: &Path) -> Options {
    Options {
        paths: vec![PathBuf::from(dir)],
        cwd: PathBuf::from(dir),
        threads: Some(1),
        search_path: corpus::search_path(),
        ..Options::default()
    }
}

fn print_timings(dataset: &Dataset, engines: &Engines, evaluation: &Evaluation) {
    let t = &evaluation.times;
    println!(
        "\n== {}: {} bundles, {} resources, {} entry points each",
        dataset.name,
        dataset.inputs.len(),
        dataset.resources,
        engines.entry_points.len()
    );
    println!("{:<12} {:>22} {:>22}", "", "per rule", "combined");
    let row = |name: &str, per_rule: Option<Spent>, combined: Spent| {
        println!(
            "{name:<12} {:>22} {:>22}",
            spent(per_rule),
            spent(Some(combined))
        );
    };
    row(
        "interpreter",
        t.interpreter_per_rule,
        t.interpreter_combined,
    );
    row("vm", t.vm_per_rule, t.vm_combined);
    let ratio = |a: Option<Spent>, b: Option<Spent>| match a.zip(b) {
        Some((a, b)) => {
            let cpu = |s: Spent| s.cpu.unwrap_or(s.wall).as_secs_f64();
            format!("{:.2}x", cpu(a) / cpu(b))
        }
        None => "-".into(),
    };
    println!(
        "vm speed-up (cpu): per rule {}, combined {}; vm per rule vs interpreter combined {}",
        ratio(t.interpreter_per_rule, t.vm_per_rule),
        ratio(Some(t.interpreter_combined), Some(t.vm_combined)),
        ratio(Some(t.interpreter_combined), t.vm_per_rule),
    );
}

/// `cpu s (wall s)`, or `-` for an evaluation that did not run.
fn spent(spent: Option<Spent>) -> String {
    match spent {
        Some(Spent {
            wall,
            cpu: Some(cpu),
        }) => format!(
            "{:.3} s ({:.3} wall)",
            cpu.as_secs_f64(),
            wall.as_secs_f64()
        ),
        Some(Spent { wall, cpu: None }) => format!("{:.3} s wall", wall.as_secs_f64()),
        None => "-".into(),
    }
}
