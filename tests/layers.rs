//! The module layers written in `docs/architecture.md` are the ones the code
//! has: every `crate::…` and `super::…` path under `src/` goes from a file to
//! a file in the same layer or a lower one, and no files import each other
//! in a circle.
//!
//! Imports are read from the text, not from the compiler: every `crate::`
//! and `super::` path outside comments, outside `#[cfg(test)]` modules and
//! outside test-only files (`tests.rs`, `testing.rs`): tests may reach
//! anywhere. (Braces inside strings of a test module could end the skip
//! early; that only makes the check stricter.) A parent module reaching
//! its own children by a relative path (`eval::Value` in `terraform.rs`) is
//! not counted: a module and its children are one unit of the tree, and the
//! child's `super::` imports say the rest.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module of the library, as a path of names (`["parse", "terraform",
/// "eval"]`; `[]` is `lib.rs`).
type Module = Vec<String>;

/// The library's source files by module. The binary (`main.rs`, `cli.rs`)
/// is its own crate, whose `crate::` means something else.
fn library_files() -> BTreeMap<Module, PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut paths = Vec::new();
    walk(Path::new("src"), &mut paths);
    let mut files = BTreeMap::new();
    for path in paths {
        let relative = path.strip_prefix("src").unwrap().with_extension("");
        let mut module: Module = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if module == ["main"] || module == ["cli"] {
            continue;
        }
        // Test-only files (`#[cfg(test)] mod tests;` / `mod testing;`).
        if matches!(module.last().map(String::as_str), Some("tests" | "testing")) {
            continue;
        }
        if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
            module.pop();
        }
        files.insert(module, path);
    }
    files
}

/// The code of a file that counts for imports: comment lines and the
/// trailing test module left out.
fn code_of(text: &str) -> String {
    let mut code = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed == "#[cfg(test)]" {
            match lines.peek().map(|next| next.trim()) {
                // An inline test module: skipped to its closing brace.
                Some(next) if next.starts_with("mod ") && next.ends_with('{') => {
                    let mut depth = 0i64;
                    for line in lines.by_ref() {
                        depth += line.matches('{').count() as i64;
                        depth -= line.matches('}').count() as i64;
                        if depth <= 0 && line.contains('}') {
                            break;
                        }
                    }
                    continue;
                }
                // A test-only file's declaration; the file is left out.
                Some(next) if next.starts_with("mod ") => {
                    lines.next();
                    continue;
                }
                _ => {}
            }
        }
        if trimmed.starts_with("//") {
            continue;
        }
        let line = match line.find(" //") {
            Some(at) => &line[..at],
            None => line,
        };
        code.push_str(line);
        code.push('\n');
    }
    code
}

/// The paths a file's code names, each as the list of names after `crate`
/// or resolved from `super`; `use crate::{a, b::c}` gives `a` and `b::c`.
fn named_paths(code: &str, module: &Module, is_mod_file: bool) -> Vec<Module> {
    let mut paths = Vec::new();
    let bytes = code.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    for (root, skip) in [("crate::", 7), ("super::", 7)] {
        let mut from = 0;
        while let Some(found) = code[from..].find(root) {
            let at = from + found;
            from = at + skip;
            if at > 0 && (ident(bytes[at - 1]) || bytes[at - 1] == b':') {
                continue; // `self::super::` or part of a longer name
            }
            let base: Module = if root == "crate::" {
                Vec::new()
            } else {
                // `super` of a `mod.rs` or `lib.rs` file is its module's
                // parent; of `a/b.rs` it is `a`. Further `super::`s go up.
                let mut base = module.clone();
                if !is_mod_file || !base.is_empty() {
                    base.pop();
                }
                let mut rest = &code[from..];
                while let Some(after) = rest.strip_prefix("super::") {
                    base.pop();
                    rest = after;
                    from += 7;
                }
                base
            };
            use_tree(&code.as_bytes()[from..], 0, base, &mut paths);
        }
    }
    paths
}

/// Reads one use tree at `at` (`a::b::C`, `a::{b, c::{D, E}}`, `a::*`,
/// `a as b`) under `base`, adding each full path to `out`; returns where it
/// ended.
fn use_tree(text: &[u8], mut at: usize, mut base: Module, out: &mut Vec<Module>) -> usize {
    let skip_blanks = |mut at: usize| {
        while at < text.len() && text[at].is_ascii_whitespace() {
            at += 1;
        }
        at
    };
    loop {
        at = skip_blanks(at);
        if text.get(at) == Some(&b'{') {
            at += 1;
            loop {
                at = skip_blanks(at);
                match text.get(at) {
                    None => return at,
                    Some(b'}') => return at + 1,
                    Some(b',') => at += 1,
                    Some(_) => {
                        at = use_tree(text, at, base.clone(), out);
                        // Past an `as` alias, to the next item.
                        while at < text.len() && !matches!(text[at], b',' | b'}') {
                            at += 1;
                        }
                    }
                }
            }
        }
        let start = at;
        while at < text.len() && (text[at].is_ascii_alphanumeric() || text[at] == b'_') {
            at += 1;
        }
        let name = std::str::from_utf8(&text[start..at]).unwrap();
        if !name.is_empty() && name != "self" {
            base.push(name.to_owned());
        }
        if name.is_empty() || !text[at..].starts_with(b"::") {
            break;
        }
        at += 2;
    }
    out.push(base);
    at
}

/// The file a path leads into: the longest prefix that is a module file.
fn file_of(path: &Module, files: &BTreeMap<Module, PathBuf>) -> Option<Module> {
    (0..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|prefix| files.contains_key(prefix))
}

/// Every library file's imports of other library files.
fn imports() -> BTreeMap<Module, BTreeSet<Module>> {
    let files = library_files();
    let mut graph = BTreeMap::new();
    for (module, path) in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let is_mod_file = path.ends_with("mod.rs") || path.ends_with("lib.rs");
        let mut to = BTreeSet::new();
        for named in named_paths(&code_of(&text), module, is_mod_file) {
            if let Some(target) = file_of(&named, &files) {
                // Naming an ancestor module file by a path through it
                // (`crate::parse::yaml` from `parse/kubernetes`) lands on
                // `parse` only when nothing deeper exists; the root module
                // (`lib.rs`) re-exports nothing worth counting.
                if &target != module && !target.is_empty() {
                    to.insert(target);
                }
            }
        }
        graph.insert(module.clone(), to);
    }
    graph
}

fn show(module: &Module) -> String {
    if module.is_empty() {
        "lib".to_owned()
    } else {
        module.join("/")
    }
}

/// The layers listed in `docs/architecture.md`, bottom first: each a set of
/// module paths (`parse/terraform` covers that file and everything under it).
fn documented_layers() -> Vec<(String, Vec<Module>)> {
    let doc = std::fs::read_to_string("docs/architecture.md").unwrap();
    let section = doc
        .split("\n## Layers\n")
        .nth(1)
        .expect("docs/architecture.md has a Layers section");
    let section = section.split("\n## ").next().unwrap();
    let mut layers = Vec::new();
    for line in section.lines() {
        let Some((number, rest)) = line.split_once(". ") else {
            continue;
        };
        if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let modules: Vec<Module> = rest
            .split('`')
            .skip(1)
            .step_by(2)
            .map(|m| m.split('/').map(str::to_owned).collect())
            .collect();
        let name = rest.split(':').next().unwrap_or(rest).trim().to_owned();
        layers.push((name, modules));
    }
    assert!(layers.len() >= 3, "no layer list found: {layers:?}");
    layers
}

/// The layer a file belongs to: the layer listing the longest prefix of it.
fn layer_of(module: &Module, layers: &[(String, Vec<Module>)]) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (index, (_, modules)) in layers.iter().enumerate() {
        for listed in modules {
            if module.starts_with(listed) && best.is_none_or(|(_, len)| listed.len() > len) {
                best = Some((index, listed.len()));
            }
        }
    }
    best.map(|(index, _)| index)
}

#[test]
fn every_library_file_is_in_a_documented_layer() {
    let layers = documented_layers();
    let missing: Vec<String> = library_files()
        .keys()
        .filter(|m| !m.is_empty() && layer_of(m, &layers).is_none())
        .map(show)
        .collect();
    assert!(
        missing.is_empty(),
        "add these to the layer list in docs/architecture.md: {missing:?}"
    );
}

#[test]
fn no_file_imports_from_a_higher_layer() {
    let layers = documented_layers();
    let mut upward = Vec::new();
    for (from, targets) in imports() {
        let Some(from_layer) = layer_of(&from, &layers) else {
            continue;
        };
        for to in targets {
            let Some(to_layer) = layer_of(&to, &layers) else {
                continue;
            };
            if to_layer > from_layer {
                upward.push(format!(
                    "{} ({}) imports {} ({})",
                    show(&from),
                    layers[from_layer].0,
                    show(&to),
                    layers[to_layer].0
                ));
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports against the layer order:\n{}",
        upward.join("\n")
    );
}

#[test]
fn no_files_import_each_other_in_a_circle() {
    let graph = imports();
    let cycles = cycles(&graph);
    assert!(
        cycles.is_empty(),
        "import cycles among src/ files:\n{}",
        cycles
            .iter()
            .map(|c| c.iter().map(show).collect::<Vec<_>>().join(" -> "))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The strongly connected components of more than one file (Tarjan).
fn cycles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct State<'g> {
        graph: &'g BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'g Module, usize>,
        low: BTreeMap<&'g Module, usize>,
        stack: Vec<&'g Module>,
        on_stack: BTreeSet<&'g Module>,
        found: Vec<Vec<Module>>,
    }
    fn visit<'g>(state: &mut State<'g>, v: &'g Module) {
        let n = state.index.len();
        state.index.insert(v, n);
        state.low.insert(v, n);
        state.stack.push(v);
        state.on_stack.insert(v);
        for w in state.graph.get(v).into_iter().flatten() {
            if !state.index.contains_key(w) {
                visit(state, w);
                let low = state.low[v].min(state.low[w]);
                state.low.insert(v, low);
            } else if state.on_stack.contains(w) {
                let low = state.low[v].min(state.index[w]);
                state.low.insert(v, low);
            }
        }
        if state.low[v] == state.index[v] {
            let mut component = Vec::new();
            while let Some(w) = state.stack.pop() {
                state.on_stack.remove(w);
                component.push(w.clone());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                state.found.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !state.index.contains_key(v) {
            visit(&mut state, v);
        }
    }
    state.found
}

/// The reader itself: grouped `use`, `super::` from a `mod.rs` and from a
/// leaf file, comments and the test module.
#[test]
fn imports_are_read_as_the_compiler_would_resolve_them() {
    let leaf: Module = vec!["parse".into(), "terraform".into(), "eval".into()];
    let code = code_of(
        "use crate::{model::Cause, source::{Span, SourceFile}};\n\
         use super::value::Partial;\n\
         // crate::scan::nothing\n\
         fn f() { crate::memory::over_ceiling(); } // crate::report\n\
         #[cfg(test)]\n\
         mod tests { use crate::scan::Options; }\n",
    );
    let paths = named_paths(&code, &leaf, false);
    let shown: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        shown,
        [
            "model::Cause",
            "source::Span",
            "source::SourceFile",
            "memory::over_ceiling",
            "parse::terraform::value::Partial",
        ]
    );
    // A test module in the middle of a file is skipped, not what follows it.
    let code = code_of(
        "#[cfg(test)]\nmod support {\n    use crate::scan::Options;\n}\nuse crate::report::Format;\n",
    );
    let shown: Vec<String> = named_paths(&code, &leaf, false)
        .iter()
        .map(|p| p.join("::"))
        .collect();
    assert_eq!(shown, ["report::Format"]);
    let module_file: Module = vec!["policy".into()];
    let paths = named_paths("use super::model::Finding;\n", &module_file, true);
    assert_eq!(paths, [vec!["model".to_owned(), "Finding".to_owned()]]);
    let mut graph = BTreeMap::new();
    let a: Module = vec!["a".into()];
    let b: Module = vec!["b".into()];
    graph.insert(a.clone(), BTreeSet::from([b.clone()]));
    graph.insert(b.clone(), BTreeSet::from([a.clone()]));
    assert_eq!(cycles(&graph), [vec![a, b]]);
}
