//! Embeds the built-in policy pack: every file under `policies/` becomes an
//! entry of `EMBEDDED_POLICIES`, so the binary never reads or downloads
//! policies at run time. The pack's combined entry point is also compiled
//! for regorus's VM here, once, rather than by every scan: the compile took
//! about 35 ms and loading the pack into the interpreter, which a scan with
//! the compiled program no longer needs, about 55 ms.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::vm::RegoVM;
use regorus::{Engine, Value};

#[path = "src/policy/combined.rs"]
#[allow(dead_code)]
mod combined;

fn main() {
    // Read at run time, not with `env!`: a build script compiled in one
    // checkout and reused from a copied `target/` must still embed the
    // policies of the checkout being built.
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = manifest_dir.join("policies");
    println!("cargo:rerun-if-changed=policies");
    let mut files = Vec::new();
    if root.is_dir() {
        collect(&root, &mut files);
    }
    files.sort();
    let mut out = String::from("/// Built-in pack files: (path relative to the repository, text).\npub static EMBEDDED_POLICIES: &[(&str, &str)] = &[\n");
    for file in &files {
        let rel = file
            .strip_prefix(&manifest_dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        println!("cargo:rerun-if-changed={}", file.display());
        out.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            file.display().to_string()
        ));
    }
    out.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    fs::write(out_dir.join("embedded_policies.rs"), out).unwrap();
    let rules = files
        .iter()
        .filter(|f| {
            let name = f.to_string_lossy();
            name.ends_with(".rego") && !name.ends_with("_test.rego")
        })
        .map(|f| {
            let rel = f.strip_prefix(&manifest_dir).unwrap();
            (
                rel.to_string_lossy().replace('\\', "/"),
                fs::read_to_string(f).unwrap(),
            )
        })
        .collect::<Vec<_>>();
    write_compiled_pack(&out_dir, &rules);
}

/// Writes `builtin_pack.rs`: the pack's combined entry point compiled for
/// the VM (`BUILTIN_PROGRAM`, regorus's binary program format) and each
/// rule file's package and sets (`BUILTIN_RULE_SETS`). When the pack does
/// not compile, or this regorus's VM lets an assignment of an undefined
/// value succeed, both are empty and scans evaluate with the interpreter,
/// which reports a broken policy by file and line.
fn write_compiled_pack(out_dir: &Path, files: &[(String, String)]) {
    let (program, sets) = match compile_pack(files) {
        Ok(compiled) => compiled,
        Err(e) => {
            println!("cargo:warning=the built-in pack was not compiled for the VM: {e}");
            (Vec::new(), Vec::new())
        }
    };
    fs::write(out_dir.join("builtin_pack.rvm"), &program).unwrap();
    let mut out = String::from(
        "/// The built-in pack's combined entry point, compiled for the VM.\n\
         pub static BUILTIN_PROGRAM: &[u8] = include_bytes!(concat!(env!(\"OUT_DIR\"), \"/builtin_pack.rvm\"));\n\
         /// Each built-in rule file: (path, package, defines `deny`, defines `unverified`).\n\
         pub static BUILTIN_RULE_SETS: &[(&str, &str, bool, bool)] = &[\n",
    );
    for (path, package, deny, unverified) in &sets {
        out.push_str(&format!(
            "    ({path:?}, {package:?}, {deny}, {unverified}),\n"
        ));
    }
    out.push_str("];\n");
    fs::write(out_dir.join("builtin_pack.rs"), out).unwrap();
}

type RuleSets = (String, String, bool, bool);

fn compile_pack(files: &[(String, String)]) -> Result<(Vec<u8>, Vec<RuleSets>), String> {
    if !assignments_of_undefined_fail() {
        return Err("this regorus's VM lets `x := <undefined>` succeed".into());
    }
    let mut engine = Engine::new();
    let mut sets = Vec::new();
    for (path, text) in files {
        let package = engine
            .add_policy(path.clone(), text.clone())
            .map_err(|e| e.to_string())?;
        let has = |name: &str| {
            engine
                .has_declared_rule_rooted_at(path, name)
                .unwrap_or(false)
        };
        let (deny, unverified) = (has("deny"), has("unverified"));
        if deny || unverified {
            sets.push((path.clone(), package, deny, unverified));
        }
    }
    let module = combined::module(sets.iter().flat_map(|(_, package, deny, unverified)| {
        [(*deny, "deny"), (*unverified, "unverified")]
            .into_iter()
            .filter(|(present, _)| *present)
            .map(move |(_, set)| (package.as_str(), set))
    }));
    engine
        .add_policy("<scalegate:evaluate>".into(), module)
        .map_err(|e| e.to_string())?;
    let program = compile(&mut engine, combined::COMBINED_RULE)?;
    let bytes = program.serialize_binary()?;
    Ok((bytes, sets))
}

fn compile(
    engine: &mut Engine,
    entry_point: &str,
) -> Result<Arc<regorus::rvm::program::Program>, String> {
    let name: regorus::Rc<str> = Arc::from(entry_point);
    let policy = engine
        .compile_with_entrypoint(&name)
        .map_err(|e| format!("cannot compile {entry_point}: {e}"))?;
    Compiler::compile_from_policy(&policy, &[entry_point])
        .map_err(|e| format!("cannot compile {entry_point} for the VM: {e}"))
}

/// Whether the VM fails a body that assigns an undefined value, as OPA and
/// the interpreter do. regorus 0.14.1 from crates.io does not; this
/// repository builds a patched copy (`vendor/regorus/PATCHES.md`), but a
/// build from the published crate gets the registry's, and must then keep
/// the interpreter rather than miss findings.
fn assignments_of_undefined_fail() -> bool {
    const ENTRY: &str = "data.canary.x";
    let mut engine = Engine::new();
    let policy = "package canary\n\nx := 1 if {\n\ta := input.missing\n}\n";
    if engine.add_policy("<canary>".into(), policy.into()).is_err() {
        return false;
    }
    let Ok(program) = compile(&mut engine, ENTRY) else {
        return false;
    };
    let mut vm = RegoVM::new();
    vm.load_program(program);
    vm.set_input(Value::new_object());
    matches!(vm.execute_entry_point_by_name(ENTRY), Ok(Value::Undefined))
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, files);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("rego" | "yaml")
        ) {
            files.push(path);
        }
    }
}
