//! Rendering with external tools: what `helm template` (and, beside it,
//! other renderers) produce is scanned like any manifest file.
//!
//! This module holds what every renderer shares: running a tool with a
//! timeout, with its output held to the file-size budget, so that a
//! renderer that hangs or floods stdout ends in a failure the scan reports
//! instead of a stuck or exhausted process. One module per tool does the rest
//! (`helm.rs`, `kustomize.rs`).

pub mod helm;
pub mod kustomize;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The program `name` in the first directory of `path_var` (the value of
/// `PATH`) that has it, with Windows' `.exe` tried too.
pub fn on_path(name: &str, path_var: Option<&std::ffi::OsStr>) -> Option<std::path::PathBuf> {
    std::env::split_paths(path_var?)
        .flat_map(|dir| [dir.join(name), dir.join(format!("{name}.exe"))])
        .find(|candidate| candidate.is_file())
}

/// How long one render may take before it is stopped and reported.
pub const RENDER_TIMEOUT: Duration = Duration::from_secs(120);

/// What a tool printed, and whether it succeeded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolOutput {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Why a tool gave no usable output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolError {
    /// It could not be started (not found, not executable).
    Start(String),
    /// It ran longer than the timeout and was stopped.
    Timeout(Duration),
    /// It wrote more than `max_bytes` to stdout; the rest was not read.
    TooLarge(u64),
    /// Its output is not UTF-8.
    NotUtf8,
}

impl std::fmt::Display for ToolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ToolError::Start(why) => write!(f, "could not be started: {why}"),
            ToolError::Timeout(limit) => {
                write!(f, "took longer than {} s and was stopped", limit.as_secs())
            }
            ToolError::TooLarge(limit) => write!(
                f,
                "wrote more than the {} MB budget of output; not read",
                limit / (1024 * 1024)
            ),
            ToolError::NotUtf8 => f.write_str("wrote output that is not UTF-8"),
        }
    }
}

/// Runs `program args` in `dir` with `env` added, stdin closed. Stdout is
/// read up to `max_bytes` (more stops the tool: its output would be over the
/// file budget anyway), stderr up to 64 KB (enough for any error message).
pub fn run_tool(
    program: &Path,
    args: &[String],
    env: &[(String, String)],
    dir: &Path,
    timeout: Duration,
    max_bytes: u64,
) -> Result<ToolOutput, ToolError> {
    let mut child = Command::new(program)
        .args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| ToolError::Start(e.to_string()))?;
    // Both pipes are drained on their own threads: a tool blocked writing
    // to a full stderr pipe would otherwise never finish its stdout.
    let overflow = Arc::new(AtomicBool::new(false));
    let stdout = child.stdout.take().map(|pipe| {
        let overflow = overflow.clone();
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.take(max_bytes + 1).read_to_end(&mut bytes);
            // A tool still writing would block on the full pipe until the
            // timeout: the wait loop stops it as soon as this is set.
            overflow.store(bytes.len() as u64 > max_bytes, Ordering::Relaxed);
            bytes
        })
    });
    let stderr = child.stderr.take().map(|pipe| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.take(64 * 1024).read_to_end(&mut bytes);
            bytes
        })
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if overflow.load(Ordering::Relaxed) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(ToolError::TooLarge(max_bytes));
            }
            Ok(None) if started.elapsed() >= timeout => break None,
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(ToolError::Start(e.to_string()));
            }
        }
    };
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(ToolError::Timeout(timeout));
    };
    let stdout = stdout.and_then(|t| t.join().ok()).unwrap_or_default();
    let stderr = stderr.and_then(|t| t.join().ok()).unwrap_or_default();
    if stdout.len() as u64 > max_bytes {
        return Err(ToolError::TooLarge(max_bytes));
    }
    Ok(ToolOutput {
        success: status.success(),
        stdout: String::from_utf8(stdout).map_err(|_| ToolError::NotUtf8)?,
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn sh(script: &str, timeout: Duration, max: u64) -> Result<ToolOutput, ToolError> {
        run_tool(
            Path::new("/bin/sh"),
            &["-c".to_owned(), script.to_owned()],
            &[("GREETING".to_owned(), "hi".to_owned())],
            Path::new("/"),
            timeout,
            max,
        )
    }

    #[test]
    fn output_status_and_environment_are_captured() {
        let out = sh("echo $GREETING; echo oops >&2; exit 3", RENDER_TIMEOUT, 100).unwrap();
        assert_eq!(
            out,
            ToolOutput {
                success: false,
                stdout: "hi\n".to_owned(),
                stderr: "oops\n".to_owned()
            }
        );
    }

    #[test]
    fn a_tool_that_hangs_is_stopped() {
        let out = sh("sleep 30", Duration::from_millis(200), 100);
        assert_eq!(out, Err(ToolError::Timeout(Duration::from_millis(200))));
    }

    #[test]
    fn output_over_the_budget_is_refused() {
        let out = sh("printf 0123456789", RENDER_TIMEOUT, 9);
        assert_eq!(out, Err(ToolError::TooLarge(9)));
        // A tool that keeps writing is stopped, not waited for.
        let flood = sh("yes", RENDER_TIMEOUT, 1024);
        assert_eq!(flood, Err(ToolError::TooLarge(1024)));
        assert_eq!(
            sh("printf 012345678", RENDER_TIMEOUT, 9).unwrap().stdout,
            "012345678"
        );
    }

    #[test]
    fn a_missing_program_cannot_start() {
        let out = run_tool(
            Path::new("/nonexistent/helm"),
            &[],
            &[],
            Path::new("/"),
            RENDER_TIMEOUT,
            9,
        );
        assert!(matches!(out, Err(ToolError::Start(_))), "{out:?}");
    }
}
