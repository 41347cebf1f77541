//! The built-in pack compiled for regorus's virtual machine (RVM): the
//! combined entry point every bundle evaluates, run about three times
//! faster than by the interpreter (docs/architecture.md "Policies").
//!
//! Only the built-in pack runs on it. The pack is kept to what the VM and
//! the interpreter agree on: `tests/vm_agreement.rs` evaluates every
//! fixture both ways and fails on any difference, and
//! `tests/rvm_differences.rs` records the constructs regorus 0.14.1's VM
//! gets wrong (an assignment of an undefined value succeeds; an `else`
//! after a body whose iteration finds nothing is never tried). A user's
//! policy may be written with either, so a scan with user policies keeps
//! the interpreter; so does any bundle the VM fails on.

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
    /// Compiles `entry_point` of the policies loaded in `engine`.
    pub fn compile(engine: &Engine, entry_point: &str) -> Result<CompiledPack, String> {
        let mut engine = engine.clone();
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
