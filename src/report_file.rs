//! Writing a report file so that a reader never sees half of one.
//!
//! A report is written to a temporary file beside its target and renamed
//! over it only once every byte is on disk: a full disk, a killed process or
//! a failed write leaves the previous report (or none), never a truncated one
//! that a later CI step would upload as if it were complete. A target that
//! is not a regular file (`/dev/stdout`, a FIFO, `/dev/full`) cannot be
//! replaced by a rename, so it is written directly, and its errors reported.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `text` to `path` whole or not at all (see the module docs).
pub fn write(path: &Path, text: &str) -> io::Result<()> {
    write_with(path, |file| file.write_all(text.as_bytes()))
}

/// [`write`] with the writing done by `fill`, so a failure part-way can be
/// tested without filling a disk.
pub fn write_with(path: &Path, fill: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => {
            return Err(io::Error::new(
                io::ErrorKind::IsADirectory,
                "is a directory",
            ))
        }
        Ok(meta) if !meta.is_file() => {
            let mut file = OpenOptions::new().write(true).open(path)?;
            fill(&mut file)?;
            return file.flush();
        }
        _ => {}
    }
    let (temp, mut file) = create_temp(path)?;
    let written = fill(&mut file)
        .and_then(|()| file.sync_all())
        .and_then(|()| {
            drop(file);
            fs::rename(&temp, path)
        });
    if written.is_err() {
        // Best effort: the error being returned is the one that matters.
        let _ = fs::remove_file(&temp);
    }
    written
}

/// A new file beside `path`, named after it and the process so concurrent
/// runs writing the same report do not share one.
fn create_temp(path: &Path) -> io::Result<(PathBuf, File)> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut attempt = 0u32;
    loop {
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(".{}.{attempt}.tmp", std::process::id()));
        let temp = dir.join(temp_name);
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_the_whole_text_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        write(&path, "{}\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "{}\n");
        assert_eq!(names(dir.path()), ["report.json"]);
    }

    #[test]
    fn a_write_failing_part_way_keeps_the_previous_report_and_no_partial_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        fs::write(&path, "previous\n").unwrap();
        let error = write_with(&path, |file| {
            file.write_all(b"{\"half\":")?;
            Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"))
        })
        .unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::StorageFull);
        assert_eq!(fs::read_to_string(&path).unwrap(), "previous\n");
        assert_eq!(names(dir.path()), ["report.json"]);
    }

    #[test]
    fn a_directory_target_is_an_error_and_stays_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let error = write(dir.path(), "x").unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::IsADirectory);
        assert!(dir.path().is_dir());
    }

    #[test]
    fn a_device_is_written_in_place_and_its_error_returned() {
        let full = Path::new("/dev/full");
        if !full.exists() {
            return;
        }
        let error = write(full, "report").unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::StorageFull);
        assert!(!full.metadata().unwrap().is_file());
    }
}
