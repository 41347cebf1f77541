//! Where regorus's compiled VM (RVM) and its interpreter disagreed, each
//! reduced to a minimal policy and input. Every test asserts the
//! interpreter's result, which is OPA's, and the VM's: the same where
//! scalegate's copy of regorus is patched (`vendor/regorus/PATCHES.md`: an
//! assignment of an undefined value), the VM's own where it is still wrong
//! (an `else` after an iteration that finds nothing), so that a regorus
//! release fixing it makes its test fail. The pack's differential test
//! (`cargo bench --features rvm --bench rvm`) compares the two engines on
//! the whole pack.

use std::sync::Arc;

use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::vm::RegoVM;
use regorus::{Engine, Value};

/// The interpreter, configured as scalegate's loader configures it.
fn interpreter(policy: &str, input: &str) -> Engine {
    interpreter_of(&[policy], input)
}

/// The interpreter holding several modules, one file each.
fn interpreter_of(modules: &[&str], input: &str) -> Engine {
    let mut engine = Engine::new();
    engine.set_strict_builtin_errors(false);
    for (i, module) in modules.iter().enumerate() {
        engine
            .add_policy(format!("test{i}.rego"), (*module).into())
            .expect("policy parses");
    }
    engine.set_input(Value::from_json_str(input).expect("input is JSON"));
    engine
}

/// `rule` (`data.test.x`) evaluated by the interpreter.
fn interpreted(policy: &str, input: &str, rule: &str) -> Value {
    interpreter(policy, input)
        .eval_rule(rule.into())
        .expect("the interpreter evaluates")
}

/// `rule` compiled to a VM program and executed, with at most
/// `max_instructions` (regorus's default when `None`).
fn executed_with(
    policy: &str,
    input: &str,
    rule: &str,
    max_instructions: Option<usize>,
) -> Result<Value, String> {
    executed_in(interpreter(policy, input), input, rule, max_instructions)
}

/// `rule` compiled from `engine`'s modules to a VM program and executed.
fn executed_in(
    mut engine: Engine,
    input: &str,
    rule: &str,
    max_instructions: Option<usize>,
) -> Result<Value, String> {
    let entry: regorus::Rc<str> = Arc::from(rule);
    let compiled = engine
        .compile_with_entrypoint(&entry)
        .map_err(|e| e.to_string())?;
    let program = Compiler::compile_from_policy(&compiled, &[rule]).map_err(|e| e.to_string())?;
    let mut vm = RegoVM::new_with_policy(compiled);
    vm.load_program(program);
    vm.set_strict_builtin_errors(false);
    if let Some(max) = max_instructions {
        vm.set_max_instructions(max);
    }
    vm.set_input(Value::from_json_str(input).expect("input is JSON"));
    vm.execute_entry_point_by_name(rule)
        .map_err(|e| e.to_string())
}

/// `rule` executed by the VM without an instruction budget.
fn executed(policy: &str, input: &str, rule: &str) -> Value {
    executed_with(policy, input, rule, Some(usize::MAX)).expect("the VM executes")
}

fn json(text: &str) -> Value {
    Value::from_json_str(text).expect("JSON")
}

// Cause 1: `x := <undefined>` succeeds in the VM.
//
// In OPA an expression that refers to an undefined value is undefined, and
// an undefined expression fails the body: `a := input.missing` ends the body
// as `input.missing` alone would. regorus's compiler binds the variable
// without checking it: `PlanContext::require_defined_values`
// (src/languages/rego/compiler/destructuring.rs) leaves out
// `ColonAssignment`, so `bind_variable` emits no `Guard NotUndefined` for
// `:=`, and `compile_single_statement` (queries.rs) asserts nothing for an
// `AssignExpr` either. `=` is checked; `:=` is not.

#[test]
fn a_colon_assignment_of_an_undefined_value_fails_the_body() {
    let policy = "package test\n\nx := 1 if {\n\ta := input.missing\n}\n";
    assert_eq!(interpreted(policy, "{}", "data.test.x"), Value::Undefined);
    // regorus 0.14.1's VM let the body succeed (x = 1); patched.
    assert_eq!(executed(policy, "{}", "data.test.x"), Value::Undefined);
}

#[test]
fn an_unify_assignment_of_an_undefined_value_fails_the_body_in_both_engines() {
    // The same body with `=`: the VM checks it, which shows `:=` is the gap.
    let policy = "package test\n\nx := 1 if {\n\ta = input.missing\n}\n";
    assert_eq!(interpreted(policy, "{}", "data.test.x"), Value::Undefined);
    assert_eq!(executed(policy, "{}", "data.test.x"), Value::Undefined);
}

/// The construct of SG-AWS-002's `_note_path`: the first element of a
/// filtered list, assigned, with an `else` for when there is none. Wherever
/// the list is empty regorus 0.14.1's VM took neither branch, and SG-AWS-002's note,
/// which carries the path, disappears.
#[test]
fn an_else_is_taken_when_the_body_assigns_the_first_element_of_an_empty_list() {
    let policy = r#"package test

note_path(r) := [attr] if {
	attr := [a | some a in ["max_size", "min_size"]; a in r.unknown][0]
} else := ["max_size"]

known := note_path({"unknown": []})
unknown := note_path({"unknown": ["min_size"]})
"#;
    assert_eq!(
        interpreted(policy, "{}", "data.test.known"),
        json(r#"["max_size"]"#)
    );
    // regorus 0.14.1's VM gave undefined; patched.
    assert_eq!(
        executed(policy, "{}", "data.test.known"),
        json(r#"["max_size"]"#)
    );
    // A non-empty list: both engines agree.
    let unknown = json(r#"["min_size"]"#);
    assert_eq!(interpreted(policy, "{}", "data.test.unknown"), unknown);
    assert_eq!(executed(policy, "{}", "data.test.unknown"), unknown);
}

/// The construct of SG-AWS-011's `_nodes_setting`, and why regorus 0.14.1's VM lost
/// both of its findings there: the function gives undefined instead of its
/// `else`, and an array holding an undefined element is undefined as a
/// whole, which takes the other finding built beside it too.
#[test]
fn an_else_is_taken_when_the_body_assigns_an_element_only_the_head_reads() {
    let policy = r#"package test

setting(attrs) := sprintf("%s is set", [a]) if {
	a := attrs[0]
} else := "nothing is set"

x := setting([])
problems := [setting([]), "failover is off"]
"#;
    assert_eq!(
        interpreted(policy, "{}", "data.test.x"),
        json(r#""nothing is set""#)
    );
    // regorus 0.14.1's VM gave undefined for both; patched.
    assert_eq!(
        executed(policy, "{}", "data.test.x"),
        json(r#""nothing is set""#)
    );
    assert_eq!(
        interpreted(policy, "{}", "data.test.problems"),
        json(r#"["nothing is set", "failover is off"]"#)
    );
    assert_eq!(
        executed(policy, "{}", "data.test.problems"),
        json(r#"["nothing is set", "failover is off"]"#)
    );
}

/// The rewrite proposed for the pack: test that the list is not empty
/// before taking its first element. Both engines then agree, and give the
/// interpreter's result for the original.
#[test]
fn testing_for_an_element_before_assigning_it_agrees_in_both_engines() {
    let policy = r#"package test

note_path(r) := [attrs[0]] if {
	attrs := [a | some a in ["max_size", "min_size"]; a in r.unknown]
	count(attrs) > 0
} else := ["max_size"]

known := note_path({"unknown": []})
unknown := note_path({"unknown": ["min_size"]})
"#;
    for (rule, expected) in [
        ("data.test.known", r#"["max_size"]"#),
        ("data.test.unknown", r#"["min_size"]"#),
    ] {
        assert_eq!(interpreted(policy, "{}", rule), json(expected), "{rule}");
        assert_eq!(executed(policy, "{}", rule), json(expected), "{rule}");
    }
}

// Cause 2: a body whose iteration finds nothing does not fall through to
// `else` in the VM.
//
// OPA evaluates `else` whenever the body before it is undefined, however it
// came to be. In the VM a failed condition ends the body with an error, and
// `execute_rule_definitions_common` (src/rvm/vm/rules.rs) tries the next
// body; but a loop that runs out of elements ends the body normally, with
// the result register still undefined, and the same function then `break`s
// out of the bodies of a complete rule or function without looking at the
// result, so the `else` is never tried. No rule of the pack has this shape
// today; a user's policy may.

#[test]
fn an_else_is_taken_when_an_iteration_in_the_body_finds_nothing() {
    let policy = r#"package test

x := "found" if {
	some n in input.numbers
	n > 10
} else := "none"
"#;
    let input = r#"{"numbers": [1, 2]}"#;
    assert_eq!(interpreted(policy, input, "data.test.x"), json(r#""none""#));
    assert_eq!(executed(policy, input, "data.test.x"), Value::Undefined);
    // A solution: both engines agree.
    let input = r#"{"numbers": [1, 20]}"#;
    assert_eq!(
        interpreted(policy, input, "data.test.x"),
        json(r#""found""#)
    );
    assert_eq!(executed(policy, input, "data.test.x"), json(r#""found""#));
}

#[test]
fn an_else_is_taken_when_a_condition_in_the_body_fails_in_both_engines() {
    // The same rule without iteration: the VM takes the `else`.
    let policy = "package test\n\nx := \"found\" if {\n\tinput.n > 10\n} else := \"none\"\n";
    let input = r#"{"n": 1}"#;
    assert_eq!(interpreted(policy, input, "data.test.x"), json(r#""none""#));
    assert_eq!(executed(policy, input, "data.test.x"), json(r#""none""#));
}

// Cause 0, a setting rather than a defect: the VM stops after 25,000
// instructions by default (`RegoVM::new`, src/rvm/vm/machine.rs) with an
// error, where the interpreter has no budget. One rule of the pack on a
// bundle of a few dozen resources exceeds it, so a comparison that reads
// the error as "no findings" counts the bundle as a difference.

#[test]
fn the_vm_stops_after_25000_instructions_unless_told_otherwise() {
    let policy =
        "package test\n\nx := count([n | some n in numbers.range(1, 10000); n % 7 == 0])\n";
    assert_eq!(interpreted(policy, "{}", "data.test.x"), json("1428"));
    let error = executed_with(policy, "{}", "data.test.x", None).unwrap_err();
    assert!(
        error.contains("exceeded maximum instruction limit of 25000"),
        "{error}"
    );
    assert_eq!(executed(policy, "{}", "data.test.x"), json("1428"));
}

// Speed, not results: a reference through an aliased import
// (`import data.lib as l`, then `l.ok`) was compiled as `data.lib` followed
// by `.ok`, so the VM evaluated the whole package, every rule of it, to read
// one. On the built-in pack, where the rules read the library packages
// through aliases, that was about a tenth of a scan's CPU. Patched
// (`compile_local_var_chain`, src/languages/rego/compiler/references.rs) to
// resolve `data.lib.ok` whole, as a reference written out in full already
// was. The instruction budget shows which rules run: a costly sibling rule
// exhausts it only when it is evaluated.

#[test]
fn a_reference_through_an_aliased_import_evaluates_only_the_rule_it_names() {
    let library = "package lib\n\nok := 3\n\n\
                   costly := count([n | some n in numbers.range(1, 10000); n % 7 == 0])\n";
    let policy = "package test\n\nimport data.lib as l\n\nx := l.ok\n";
    let engine = || interpreter_of(&[library, policy], "{}");
    assert_eq!(
        engine().eval_rule("data.test.x".into()).expect("evaluates"),
        json("3")
    );
    // regorus 0.14.1's VM evaluated `costly` as well, past the default
    // budget of 25,000 instructions.
    assert_eq!(
        executed_in(engine(), "{}", "data.test.x", None),
        Ok(json("3"))
    );
    // Asked for the whole package, the VM still evaluates every rule.
    let whole = "package test\n\nimport data.lib as l\n\nx := l\n";
    let error = executed_in(
        interpreter_of(&[library, whole], "{}"),
        "{}",
        "data.test.x",
        None,
    )
    .unwrap_err();
    assert!(
        error.contains("exceeded maximum instruction limit"),
        "{error}"
    );
}
