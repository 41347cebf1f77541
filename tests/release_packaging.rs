//! `dist/package.sh`, the one script that packs release assets for the
//! release workflow and for CI: the archive's name and layout, the
//! SHA256SUMS line, Windows zips, argument errors, and the agreement with
//! what `cargo binstall` (Cargo.toml metadata) and the Action's installer
//! look for.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sha2::{Digest, Sha256};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn package(args: &[&Path]) -> Output {
    Command::new("bash")
        .arg(repo().join("dist/package.sh"))
        .args(args)
        .output()
        .unwrap()
}

/// A stand-in binary: packing copies bytes, it never runs them.
fn fake_binary(dir: &Path) -> PathBuf {
    let binary = dir.join("built-scalegate");
    std::fs::write(&binary, "#!/bin/sh\necho scalegate 0.7.0\n").unwrap();
    binary
}

fn sha256_hex(path: &Path) -> String {
    let digest = Sha256::digest(std::fs::read(path).unwrap());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn listing(command: &mut Command) -> Vec<String> {
    let out = command.output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let mut names: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    names.sort();
    names
}

#[test]
fn a_unix_asset_is_a_tarball_with_the_binary_licence_and_readme_and_its_sum() {
    let tmp = tempfile::tempdir().unwrap();
    let binary = fake_binary(tmp.path());
    let out_dir = tmp.path().join("release");
    let version = Path::new("0.7.0");
    let target = Path::new("x86_64-unknown-linux-gnu");
    let out = package(&[version, target, &binary, &out_dir]);
    assert!(out.status.success(), "{out:?}");
    let archive = out_dir.join("scalegate-0.7.0-x86_64-unknown-linux-gnu.tar.gz");
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{}\n", archive.display())
    );

    let names = listing(Command::new("tar").arg("-tzf").arg(&archive));
    assert_eq!(
        names,
        [
            "scalegate-0.7.0-x86_64-unknown-linux-gnu/",
            "scalegate-0.7.0-x86_64-unknown-linux-gnu/LICENSE",
            "scalegate-0.7.0-x86_64-unknown-linux-gnu/README.md",
            "scalegate-0.7.0-x86_64-unknown-linux-gnu/scalegate",
        ]
    );
    let unpacked = tmp.path().join("unpacked");
    std::fs::create_dir(&unpacked).unwrap();
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&unpacked)
        .status()
        .unwrap();
    assert!(status.success());
    let packed = unpacked.join("scalegate-0.7.0-x86_64-unknown-linux-gnu/scalegate");
    assert_eq!(
        std::fs::read(&packed).unwrap(),
        std::fs::read(&binary).unwrap()
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&packed).unwrap().permissions().mode() & 0o777,
        0o755
    );

    let sums = std::fs::read_to_string(out_dir.join("scalegate-0.7.0-SHA256SUMS")).unwrap();
    assert_eq!(
        sums,
        format!(
            "{}  scalegate-0.7.0-x86_64-unknown-linux-gnu.tar.gz\n",
            sha256_hex(&archive)
        )
    );
}

#[test]
fn packing_more_targets_keeps_one_sorted_line_per_asset() {
    let tmp = tempfile::tempdir().unwrap();
    let binary = fake_binary(tmp.path());
    let out_dir = tmp.path().join("release");
    let version = Path::new("0.7.0");
    for target in [
        "x86_64-unknown-linux-gnu",
        "aarch64-apple-darwin",
        // Packed again (a re-run): its line is replaced, not repeated.
        "x86_64-unknown-linux-gnu",
    ] {
        let out = package(&[version, Path::new(target), &binary, &out_dir]);
        assert!(out.status.success(), "{out:?}");
    }
    let sums = std::fs::read_to_string(out_dir.join("scalegate-0.7.0-SHA256SUMS")).unwrap();
    let files: Vec<&str> = sums
        .lines()
        .map(|l| l.split_once("  ").unwrap().1)
        .collect();
    assert_eq!(
        files,
        [
            "scalegate-0.7.0-aarch64-apple-darwin.tar.gz",
            "scalegate-0.7.0-x86_64-unknown-linux-gnu.tar.gz"
        ]
    );
    for line in sums.lines() {
        let (sum, file) = line.split_once("  ").unwrap();
        assert_eq!(sum, sha256_hex(&out_dir.join(file)), "{file}");
    }
}

#[test]
fn a_windows_asset_is_a_zip_holding_scalegate_exe() {
    let tmp = tempfile::tempdir().unwrap();
    let binary = fake_binary(tmp.path());
    let out_dir = tmp.path().join("release");
    let out = package(&[
        Path::new("0.7.0"),
        Path::new("x86_64-pc-windows-msvc"),
        &binary,
        &out_dir,
    ]);
    assert!(out.status.success(), "{out:?}");
    let archive = out_dir.join("scalegate-0.7.0-x86_64-pc-windows-msvc.zip");
    let names = listing(
        Command::new("python3")
            .args([
                "-c",
                "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))",
            ])
            .arg(&archive),
    );
    assert_eq!(
        names,
        [
            "scalegate-0.7.0-x86_64-pc-windows-msvc/",
            "scalegate-0.7.0-x86_64-pc-windows-msvc/LICENSE",
            "scalegate-0.7.0-x86_64-pc-windows-msvc/README.md",
            "scalegate-0.7.0-x86_64-pc-windows-msvc/scalegate.exe",
        ]
    );
    let sums = std::fs::read_to_string(out_dir.join("scalegate-0.7.0-SHA256SUMS")).unwrap();
    assert_eq!(
        sums,
        format!(
            "{}  scalegate-0.7.0-x86_64-pc-windows-msvc.zip\n",
            sha256_hex(&archive)
        )
    );
}

#[test]
fn wrong_arguments_exit_2_with_the_expected_form_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let binary = fake_binary(tmp.path());
    let out_dir = tmp.path().join("release");
    let target = Path::new("x86_64-unknown-linux-gnu");

    let out = package(&[Path::new("0.7.0"), target, &binary]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .starts_with("usage: dist/package.sh VERSION TARGET BINARY OUTDIR\n"));

    let out = package(&[Path::new("v0.7.0"), target, &binary, &out_dir]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "package.sh: VERSION is the bare version, e.g. 0.1.0 (got 'v0.7.0')\n"
    );

    let missing = tmp.path().join("not-built");
    let out = package(&[Path::new("0.7.0"), target, &missing, &out_dir]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("package.sh: no binary at {}\n", missing.display())
    );
    assert!(!out_dir.exists());
}

/// The `[package.metadata.binstall]` value of `key`, from Cargo.toml's text.
fn binstall(key: &str) -> String {
    let manifest = std::fs::read_to_string(repo().join("Cargo.toml")).unwrap();
    let section = manifest
        .split_once("[package.metadata.binstall]\n")
        .unwrap()
        .1;
    let line = section
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{key} = ")))
        .unwrap();
    line.trim_matches('"').to_string()
}

#[test]
fn cargo_binstall_metadata_names_the_assets_the_packing_script_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let binary = fake_binary(tmp.path());
    let out_dir = tmp.path().join("release");
    let target = "aarch64-unknown-linux-gnu";
    let out = package(&[Path::new("0.7.0"), Path::new(target), &binary, &out_dir]);
    assert!(out.status.success(), "{out:?}");
    let written = String::from_utf8(out.stdout).unwrap();
    let written = Path::new(written.trim_end()).file_name().unwrap();

    let expand = |template: &str| {
        template
            .replace("{ repo }", "https://github.com/scalegate/scalegate")
            .replace("{ name }", "scalegate")
            .replace("{ version }", "0.7.0")
            .replace("{ target }", target)
            .replace("{ archive-suffix }", ".tar.gz")
            .replace("{ bin }", "scalegate")
            .replace("{ binary-ext }", "")
    };
    // The URL the Action's installer also uses for its default release.
    assert_eq!(
        expand(&binstall("pkg-url")),
        format!(
            "https://github.com/scalegate/scalegate/releases/download/v0.7.0/{}",
            written.to_str().unwrap()
        )
    );
    assert_eq!(
        expand(&binstall("bin-dir")),
        "scalegate-0.7.0-aarch64-unknown-linux-gnu/scalegate"
    );
}
