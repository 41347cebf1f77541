//! Time-boxed comparison of regorus's interpreter with its compiled VM (RVM)
//! on the built-in pack over the benchmark corpus (`benches/corpus.txt`): the
//! interpreter ships unless the VM is at least 2× faster with identical results.
//!
//! Run with `cargo bench --features rvm --bench rvm`.

mod corpus;

use std::sync::Arc;
use std::time::Instant;

use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::vm::RegoVM;
use regorus::Value;
use scalegate::policy::input::bundle_input;
use scalegate::scan::{self, Options};

fn main() {
    // As the binary does: no backtraces for the engine's discarded errors.
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        std::env::set_var("RUST_LIB_BACKTRACE", "0");
    }
    let Some(corpus) = corpus::directory() else {
        return;
    };
    let options = Options {
        paths: vec![corpus.clone()],
        cwd: corpus,
        threads: Some(1),
        search_path: corpus::search_path(),
        ..Options::default()
    };
    let prepared = scan::prepare(&options).expect("pack loads");
    let loaded = scan::load_inputs(&options, &prepared).expect("corpus loads");
    let inputs: Vec<Value> = loaded.bundles.iter().map(bundle_input).collect();
    let entry_points: Vec<String> = prepared
        .policies
        .rules
        .iter()
        .flat_map(|r| {
            let mut e = Vec::new();
            if r.has_deny {
                e.push(format!("{}.deny", r.package));
            }
            if r.has_unverified {
                e.push(format!("{}.unverified", r.package));
            }
            e
        })
        .collect();

    // Interpreter: one clone of the prepared engine, eval_rule per entry point.
    let mut engine = prepared.policies.engine.clone();
    let start = Instant::now();
    let mut interpreted = Vec::new();
    for input in &inputs {
        engine.set_input(input.clone());
        for entry in &entry_points {
            interpreted.push(engine.eval_rule(entry.clone()).unwrap_or(Value::Undefined));
        }
    }
    let interpreter_time = start.elapsed();

    // VM: one program per entry point, compiled once.
    let compile_start = Instant::now();
    let mut programs = Vec::new();
    for entry in &entry_points {
        let mut e = prepared.policies.engine.clone();
        let rc: regorus::Rc<str> = Arc::from(entry.as_str());
        let compiled = match e.compile_with_entrypoint(&rc) {
            Ok(c) => c,
            Err(err) => {
                eprintln!("VM: cannot compile {entry}: {err}");
                return;
            }
        };
        let program = match Compiler::compile_from_policy(&compiled, &[entry.as_str()]) {
            Ok(p) => p,
            Err(err) => {
                eprintln!("VM: cannot compile {entry} to RVM: {err}");
                return;
            }
        };
        programs.push((compiled, program));
    }
    let compile_time = compile_start.elapsed();
    let data = prepared.policies.engine.get_data();
    let mut vms: Vec<RegoVM> = programs
        .iter()
        .map(|(compiled, program)| {
            let mut vm = RegoVM::new_with_policy(compiled.clone());
            vm.load_program(program.clone());
            vm.set_data(data.clone()).expect("data");
            vm
        })
        .collect();
    let start = Instant::now();
    let mut executed = Vec::new();
    for input in &inputs {
        for (vm, entry) in vms.iter_mut().zip(&entry_points) {
            vm.set_input(input.clone());
            executed.push(
                vm.execute_entry_point_by_name(entry)
                    .unwrap_or(Value::Undefined),
            );
        }
    }
    let vm_time = start.elapsed();
    let differing = interpreted
        .iter()
        .zip(&executed)
        .filter(|(a, b)| a != b)
        .count();
    println!(
        "bundles: {}, entry points: {}, evaluations: {}",
        inputs.len(),
        entry_points.len(),
        interpreted.len()
    );
    println!("interpreter: {:.3} s", interpreter_time.as_secs_f64());
    println!(
        "rvm:         {:.3} s (+ {:.3} s compiling)",
        vm_time.as_secs_f64(),
        compile_time.as_secs_f64()
    );
    println!(
        "speed-up: {:.2}x; differing results: {differing}",
        interpreter_time.as_secs_f64() / vm_time.as_secs_f64()
    );
}
