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

use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;

use regorus::rvm::program::{DeserializationResult, Program};
use regorus::rvm::vm::RegoVM;
use regorus::Value;

include!(concat!(env!("OUT_DIR"), "/builtin_pack.rs"));

/// The compiled pack and the data it runs with; each worker thread makes
/// its own [`RegoVM`] from it.
#[derive(Clone)]
pub struct CompiledPack {
    program: Arc<BackgroundProgram>,
    data: Value,
}

/// The program, read back on a thread of its own: a scan needs it only once
/// its files are parsed, and reading it (about 2 ms) would otherwise come
/// before the first file is even found.
struct BackgroundProgram {
    reading: Mutex<Option<JoinHandle<Option<Arc<Program>>>>>,
    program: OnceLock<Option<Arc<Program>>>,
}

impl BackgroundProgram {
    fn start() -> BackgroundProgram {
        let reading = std::thread::Builder::new()
            .name("scalegate-program".to_owned())
            .spawn(read_program)
            .ok();
        BackgroundProgram {
            reading: Mutex::new(reading),
            program: OnceLock::new(),
        }
    }

    /// The program; `None` when it cannot be read back.
    fn get(&self) -> Option<Arc<Program>> {
        self.program
            .get_or_init(|| {
                let reading = self
                    .reading
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .take();
                match reading {
                    // A panic on that thread reads as no program.
                    Some(handle) => handle.join().ok().flatten(),
                    // No thread could be started: read it here.
                    None => read_program(),
                }
            })
            .clone()
    }
}

/// The program `build.rs` embedded, read back. A partial program needs the
/// recompilation only the build does, so it counts as none.
fn read_program() -> Option<Arc<Program>> {
    match Program::deserialize_binary(BUILTIN_PROGRAM) {
        Ok(DeserializationResult::Complete(program)) => Some(Arc::new(program)),
        _ => None,
    }
}

impl CompiledPack {
    /// The built-in pack as `build.rs` compiled it, to run with `data`;
    /// `None` when the build compiled nothing. The program is read back in
    /// the background; should that fail, [`CompiledPack::vm`] says so and
    /// the scan evaluates with the interpreter.
    pub fn builtin(data: Value) -> Option<CompiledPack> {
        if BUILTIN_PROGRAM.is_empty() {
            return None;
        }
        Some(CompiledPack {
            program: Arc::new(BackgroundProgram::start()),
            data,
        })
    }

    /// A VM ready to evaluate bundles, configured as the interpreter is.
    pub fn vm(&self) -> Result<RegoVM, String> {
        let program = self
            .program
            .get()
            .ok_or("the built-in program embedded at build time cannot be read")?;
        let mut vm = RegoVM::new();
        vm.load_program(program);
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
        let pack = CompiledPack::builtin(Value::new_object()).expect("a compiled pack");
        assert!(pack.vm().is_ok());
        // Every worker's VM shares the one program read back.
        assert!(pack.clone().vm().is_ok());
        assert!(builtin_rule_sets().len() > 30);
    }
}
