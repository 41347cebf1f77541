//! The built-in pack compiled for regorus's virtual machine (RVM): the
//! combined entry point every bundle evaluates, run about three times
//! faster than by the interpreter (docs/architecture.md "Policies").
//!
//! Only the built-in pack runs on it. regorus 0.14.1's VM let an assignment
//! of an undefined value succeed, which this repository's copy of regorus
//! fixes (`vendor/regorus/PATCHES.md`; a build without the fix keeps the
//! interpreter), and never tries an `else` after a body whose iteration
//! finds nothing, which the pack does not write (`tests/rvm_differences.rs`
//! reduces both). `tests/vm_agreement.rs` evaluates every fixture both ways
//! and fails on any difference. A user's policy may be written any way, so
//! a scan with user policies keeps the interpreter; so does any bundle the
//! VM fails on.

use std::sync::Arc;

use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::program::Program;
use regorus::rvm::vm::RegoVM;
use regorus::{CompiledPolicy, Engine, Value};

/// The combined entry point compiled once; each worker thread makes its
/// own [`RegoVM`] from it.
#[derive(Clone)]
pub struct CompiledPack {
    policy: CompiledPolicy,
    program: Arc<Program>,
    data: Value,
}

impl CompiledPack {
    /// Compiles `entry_point` of the policies loaded in `engine`; refused
    /// when the VM at hand still lets an assignment of an undefined value
    /// succeed ([`assignments_of_undefined_fail`]).
    pub fn compile(engine: &Engine, entry_point: &str) -> Result<CompiledPack, String> {
        if !assignments_of_undefined_fail() {
            return Err("this build's regorus VM lets `x := <undefined>` succeed".to_owned());
        }
        CompiledPack::compile_unchecked(&mut engine.clone(), entry_point)
    }

    fn compile_unchecked(engine: &mut Engine, entry_point: &str) -> Result<CompiledPack, String> {
        let name: regorus::Rc<str> = Arc::from(entry_point);
        let policy = engine
            .compile_with_entrypoint(&name)
            .map_err(|e| format!("cannot compile {entry_point}: {e}"))?;
        let program = Compiler::compile_from_policy(&policy, &[entry_point])
            .map_err(|e| format!("cannot compile {entry_point} for the VM: {e}"))?;
        Ok(CompiledPack {
            policy,
            program,
            data: engine.get_data(),
        })
    }

    /// A VM ready to evaluate bundles, configured as the interpreter is.
    pub fn vm(&self) -> Result<RegoVM, String> {
        let mut vm = RegoVM::new_with_policy(self.policy.clone());
        vm.load_program(self.program.clone());
        // As the interpreter (loader.rs): a builtin's error makes its call
        // undefined rather than failing the rule.
        vm.set_strict_builtin_errors(false);
        // regorus's default budget (25,000 instructions) stops the pack on
        // bundles of a few dozen resources; the interpreter has none.
        vm.set_max_instructions(usize::MAX);
        vm.set_data(self.data.clone())
            .map_err(|e| format!("cannot load data into the VM: {e}"))?;
        Ok(vm)
    }
}

/// Whether the VM fails a body that assigns an undefined value, as OPA and
/// the interpreter do. regorus 0.14.1 from crates.io does not; this
/// repository builds a patched copy (`vendor/regorus/PATCHES.md`), but a
/// build from the published crate (`cargo install`) gets the registry's,
/// and must then keep the interpreter rather than miss findings.
pub fn assignments_of_undefined_fail() -> bool {
    const ENTRY: &str = "data.canary.x";
    let mut engine = Engine::new();
    if engine
        .add_policy(
            "<canary>".into(),
            "package canary\n\nx := 1 if {\n\ta := input.missing\n}\n".into(),
        )
        .is_err()
    {
        return false;
    }
    let Ok(compiled) = CompiledPack::compile_unchecked(&mut engine, ENTRY) else {
        return false;
    };
    let Ok(mut vm) = compiled.vm() else {
        return false;
    };
    vm.set_input(Value::new_object());
    matches!(vm.execute_entry_point_by_name(ENTRY), Ok(Value::Undefined))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_build_has_the_patched_vm() {
        assert!(assignments_of_undefined_fail());
    }
}
