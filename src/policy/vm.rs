//! The built-in pack compiled for regorus's virtual machine (RVM): the
//! combined entry point every bundle evaluates, run about three times
//! faster than by the interpreter (docs/architecture.md "Policies").
//!
//! `build.rs` compiles it once, at build time, into regorus's binary
//! program format; a scan reads it back in about 2 ms, where compiling took
//! about 35 ms and needed the pack loaded into the interpreter first.
//!
//! Only the built-in pack runs on it. regorus 0.14.1's VM let an assignment
//! of an undefined value succeed, which this repository's copy of regorus
//! fixes (`vendor/regorus/PATCHES.md`; `build.rs` compiles nothing for a
//! regorus without the fix, and scans keep the interpreter), and never
//! tries an `else` after a body whose iteration finds nothing, which the
//! pack does not write (`tests/rvm_differences.rs` reduces both).
//! `tests/vm_agreement.rs` evaluates every fixture both ways and fails on
//! any difference. A user's policy may be written any way, so a scan with
//! user policies keeps the interpreter; so does any bundle the VM fails on.

use std::sync::Arc;

use regorus::rvm::program::{DeserializationResult, Program};
use regorus::rvm::vm::RegoVM;
use regorus::Value;

include!(concat!(env!("OUT_DIR"), "/builtin_pack.rs"));

/// The compiled pack and the data it runs with; each worker thread makes
/// its own [`RegoVM`] from it.
#[derive(Clone)]
pub struct CompiledPack {
    program: Arc<Program>,
    data: Value,
}

impl CompiledPack {
    /// The built-in pack as `build.rs` compiled it, to run with `data`;
    /// `None` when the build compiled nothing.
    pub fn builtin(data: Value) -> Option<CompiledPack> {
        if BUILTIN_PROGRAM.is_empty() {
            return None;
        }
        match Program::deserialize_binary(BUILTIN_PROGRAM) {
            Ok(DeserializationResult::Complete(program)) => Some(CompiledPack {
                program: Arc::new(program),
                data,
            }),
            // A partial program needs the recompilation only the build does.
            _ => None,
        }
    }

    /// A VM ready to evaluate bundles, configured as the interpreter is.
    pub fn vm(&self) -> Result<RegoVM, String> {
        let mut vm = RegoVM::new();
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

/// Each built-in rule file the build compiled: its path, package, and
/// whether it defines `deny` and `unverified`. Empty when the build
/// compiled nothing.
pub fn builtin_rule_sets() -> &'static [(&'static str, &'static str, bool, bool)] {
    BUILTIN_RULE_SETS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_build_compiled_the_pack_with_the_patched_vm() {
        assert!(CompiledPack::builtin(Value::new_object()).is_some());
        assert!(builtin_rule_sets().len() > 30);
    }
}
