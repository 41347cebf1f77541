//! `kustomize build` (or `kubectl kustomize`) of one kustomization root,
//! with origin and transformer annotations turned on.
//!
//! The annotations are asked for through a temporary kustomization that
//! wraps the root and sets `buildMetadata`; it is written in a fresh
//! directory under the system's temporary directory, never in the user's
//! tree, and removed afterwards. The user's kustomizations were checked for
//! remote resources before (`discover::kustomize`); the build also runs with
//! proxies pointing nowhere, so a fetch that slipped through fails instead
//! of reaching the network.

use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::{on_path, run_tool, RENDER_TIMEOUT};

/// The most output a build may write (the scan's file budget).
pub const MAX_OUTPUT_BYTES: u64 = 64 * 1024 * 1024;

/// How long one build may run.
pub const TIMEOUT: Duration = RENDER_TIMEOUT;

/// The program that builds kustomizations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tool {
    /// `kustomize build DIR`
    Kustomize(PathBuf),
    /// `kubectl kustomize DIR`
    Kubectl(PathBuf),
}

impl Tool {
    /// A binary named by the user: `kubectl` by its name, anything else is
    /// taken as `kustomize`.
    pub fn named(path: &Path) -> Tool {
        let name = path
            .file_stem()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if name.starts_with("kubectl") {
            Tool::Kubectl(path.to_path_buf())
        } else {
            Tool::Kustomize(path.to_path_buf())
        }
    }

    /// `kustomize`, else `kubectl`, the first found on `path_var` (the
    /// value of `PATH`).
    pub fn find(path_var: Option<&std::ffi::OsStr>) -> Option<Tool> {
        on_path("kustomize", path_var)
            .map(Tool::Kustomize)
            .or_else(|| on_path("kubectl", path_var).map(Tool::Kubectl))
    }

    /// The program and its arguments to build `dir`.
    fn command(&self, dir: &Path) -> (&Path, Vec<String>) {
        let (program, sub) = match self {
            Tool::Kustomize(p) => (p, "build"),
            Tool::Kubectl(p) => (p, "kustomize"),
        };
        (
            program,
            vec![sub.to_owned(), dir.to_string_lossy().into_owned()],
        )
    }
}

/// A build's output and the directory its origin paths are relative to.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub text: String,
    /// The wrapper's directory (removed once the build ended): origin
    /// annotations' paths are relative to it.
    pub base: PathBuf,
}

/// Builds the kustomization root `dir` (absolute, normalised; `display` is
/// how it is reported). The error is the tool's message, its lines joined,
/// with the root's paths written as `display` and the temporary directory's
/// name taken out, so the report depends on neither.
pub fn build(tool: &Tool, dir: &Path, display: &str) -> Result<Rendered, String> {
    let wrapper = fresh_dir().map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let result = build_in(tool, dir, &wrapper);
    let _ = std::fs::remove_dir_all(&wrapper);
    result
        .map(|text| Rendered {
            text,
            base: wrapper.clone(),
        })
        .map_err(|message| scrub(&message, &wrapper, dir, display))
}

fn build_in(tool: &Tool, dir: &Path, wrapper: &Path) -> Result<String, String> {
    // kustomize refuses absolute resource paths, so the wrapper names the
    // root relative to itself, both by their real paths.
    let real = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let relative = relative_path(wrapper, &real);
    let quoted = serde_json::to_string(&relative.to_string_lossy().replace('\\', "/"))
        .map_err(|e| e.to_string())?;
    let text = format!(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - {quoted}\nbuildMetadata: [originAnnotations, transformerAnnotations]\n"
    );
    std::fs::write(wrapper.join("kustomization.yaml"), text)
        .map_err(|e| format!("cannot write the temporary kustomization: {e}"))?;
    let (program, args) = tool.command(wrapper);
    let mut env: Vec<(String, String)> = [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ]
    .iter()
    .map(|proxy| ((*proxy).to_owned(), "http://127.0.0.1:9".to_owned()))
    .collect();
    // An empty NO_PROXY exempts no host from the proxies above.
    for (key, value) in [
        ("NO_PROXY", ""),
        ("no_proxy", ""),
        ("GIT_TERMINAL_PROMPT", "0"),
        ("GIT_ALLOW_PROTOCOL", "file"),
    ] {
        env.push((key.to_owned(), value.to_owned()));
    }
    let program_name = program.display().to_string();
    let output = run_tool(program, &args, &env, wrapper, TIMEOUT, MAX_OUTPUT_BYTES)
        .map_err(|e| format!("{program_name} {e}"))?;
    if !output.success {
        return Err(tool_message(&output.stderr));
    }
    Ok(output.stdout)
}

/// kubectl's log line prefix and quoting taken off the tool's error.
fn tool_message(stderr: &str) -> String {
    let lines: Vec<String> = stderr
        .lines()
        .map(|line| match line.split_once("\"command failed\" err=") {
            // klog quotes the error once; quotes inside it are escaped
            // (and one may end the error, so only one is stripped).
            Some((_, err)) => {
                let err = err.trim();
                let err = err.strip_prefix('"').unwrap_or(err);
                let err = err.strip_suffix('"').unwrap_or(err);
                err.replace("\\\"", "\"")
            }
            // A multi-line error is a `<` … `>` block of tab-indented lines.
            None => line.trim().trim_start_matches("Error: ").to_owned(),
        })
        .map(|l| l.trim_start_matches(':').trim().to_owned())
        .filter(|l| !l.is_empty() && l != "<" && l != ">")
        .collect();
    if lines.is_empty() {
        "kustomize build failed without a message".to_owned()
    } else {
        lines.join("; ")
    }
}

/// The root's paths in a message written as it is reported, and the
/// temporary directory's name removed. The relative form goes first: it
/// ends with the absolute one.
fn scrub(message: &str, wrapper: &Path, dir: &Path, display: &str) -> String {
    let real = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let relative = relative_path(wrapper, &real);
    message
        .replace(&relative.display().to_string(), display)
        .replace(&real.display().to_string(), display)
        .replace(&dir.display().to_string(), display)
        .replace(&wrapper.display().to_string(), "<temporary kustomization>")
}

/// A new empty directory for one wrapper.
fn fresh_dir() -> std::io::Result<PathBuf> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let base = std::env::temp_dir();
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = base.join(format!("scalegate-kustomize-{}-{n}", std::process::id()));
        match std::fs::create_dir(&dir) {
            // Its real path: kustomize resolves symlinks (a linked
            // temporary directory) before it writes origin paths.
            Ok(()) => return std::fs::canonicalize(&dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// `to` relative to `from` (both absolute and normalised).
pub fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for c in &to[common..] {
        out.push(c.as_os_str());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_to_the_common_ancestor() {
        assert_eq!(
            relative_path(Path::new("/tmp/w"), Path::new("/repo/overlays/prod")),
            PathBuf::from("../../repo/overlays/prod")
        );
        assert_eq!(
            relative_path(Path::new("/repo/a"), Path::new("/repo/a/b")),
            PathBuf::from("b")
        );
    }

    #[test]
    fn messages_name_the_root_as_reported() {
        let message =
            "from '../../repo/app': '/repo/app' must resolve to a file; /tmp/w/kustomization.yaml";
        assert_eq!(
            scrub(message, Path::new("/tmp/w"), Path::new("/repo/app"), "app"),
            "from 'app': 'app' must resolve to a file; <temporary kustomization>/kustomization.yaml"
        );
    }

    #[test]
    fn kubectl_log_prefixes_are_taken_off_errors() {
        let stderr = "E1206 05:07:55.849343   14187 run.go:72] \"command failed\" err=\"accumulating resources: x\"\n";
        assert_eq!(tool_message(stderr), "accumulating resources: x");
        assert_eq!(tool_message("Error: bad thing\n"), "bad thing");
        let block = "E1 run.go:72] \"command failed\" err=<\n\taccumulating: Error: unknown flag -c\n\t: unable to run helm\n >\n";
        assert_eq!(
            tool_message(block),
            "accumulating: Error: unknown flag -c; unable to run helm"
        );
        let nested =
            r#"E1 run.go:72] "command failed" err="invalid: json: unknown field \"namePrefx\"""#;
        assert_eq!(
            tool_message(nested),
            r#"invalid: json: unknown field "namePrefx""#
        );
    }

    #[test]
    fn a_named_binary_is_kubectl_only_by_its_name() {
        assert_eq!(
            Tool::named(Path::new("/x/kubectl")),
            Tool::Kubectl(PathBuf::from("/x/kubectl"))
        );
        assert_eq!(
            Tool::named(Path::new("/x/kustomize-5")),
            Tool::Kustomize(PathBuf::from("/x/kustomize-5"))
        );
    }
}
