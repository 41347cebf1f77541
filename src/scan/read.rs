//! One input file: read (within the size budget), decoded, classified and
//! parsed, or a failure saying why not. Runs in parallel, one file per task,
//! so it touches nothing shared but the memory ceiling.

use std::sync::Arc;

use super::{Unreadable, MAX_FILE_BYTES};
use crate::discover::{self, Candidate, FileKind, Scope};
use crate::model::{FileComments, Notification, NotificationLevel, Resource};
use crate::parse::{self, ParseError};
use crate::source::{SharedSource, SourceFile};

/// One file after reading and parsing.
pub(super) struct ParsedFile {
    pub(super) candidate: Candidate,
    pub(super) scope: Scope,
    pub(super) source: Option<SharedSource>,
    pub(super) resources: Vec<Resource>,
    /// A parsed Terraform file, evaluated with its module once all are read.
    pub(super) terraform: Option<parse::terraform::TerraformFile>,
    pub(super) failure: Option<Unreadable>,
    /// What was read but deserves a warning (a key written twice).
    pub(super) warnings: Vec<Notification>,
    /// A manifest's comments, handed on for suppressions (a Terraform
    /// file's travel with `terraform`).
    pub(super) comments: Option<FileComments>,
}

impl ParsedFile {
    /// A file with nothing parsed from it: out of scope (`failure` `None`),
    /// or reported as SG-PARSE-001 at `failure`'s position in its source.
    pub(super) fn unparsed(
        candidate: Candidate,
        scope: Scope,
        failure: Option<Unreadable>,
    ) -> ParsedFile {
        ParsedFile {
            candidate,
            scope,
            source: None,
            resources: Vec::new(),
            terraform: None,
            failure,
            warnings: Vec::new(),
            comments: None,
        }
    }
}

pub(super) fn read_and_parse(candidate: &Candidate) -> ParsedFile {
    read_and_parse_sized(candidate, file_size(candidate))
}

/// The size of `candidate`'s file; 0 when it cannot be read, and reading
/// the file then says why.
pub(super) fn file_size(candidate: &Candidate) -> u64 {
    std::fs::metadata(&candidate.path).map_or(0, |m| m.len())
}

/// [`read_and_parse`] with the file's size already known ([`file_size`]),
/// which decides whether it is read at all.
pub(super) fn read_and_parse_sized(candidate: &Candidate, size: u64) -> ParsedFile {
    let fail = |candidate: &Candidate, text: String, offset: usize, message: String| {
        let source = Arc::new(SourceFile::new(candidate.display.clone(), text));
        ParsedFile::unparsed(
            candidate.clone(),
            Scope::Terraform,
            Some((source, ParseError::new(offset, message))),
        )
    };
    if size > MAX_FILE_BYTES {
        return fail(
            candidate,
            String::new(),
            0,
            format!(
                "file is {} MB, over the 64 MB budget; not read",
                size / (1024 * 1024)
            ),
        );
    }
    let bytes = match std::fs::read(&candidate.path) {
        Ok(bytes) => bytes,
        Err(e) => {
            return fail(
                candidate,
                String::new(),
                0,
                format!("cannot read file: {e}"),
            )
        }
    };
    // UTF-16 and UTF-32 with a byte order mark are decoded for YAML and
    // JSON (editors on Windows write them); Terraform itself reads only
    // UTF-8, so a `.tf` in UTF-16 stays a parse error.
    let decoded = match candidate.kind {
        FileKind::Yaml | FileKind::Json => discover::decode(&bytes),
        _ => None,
    };
    let bytes = match decoded {
        None => bytes,
        Some(Ok(text)) => text.into_bytes(),
        Some(Err(message)) => return fail(candidate, String::new(), 0, message),
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            // Out-of-scope YAML/JSON (a binary file named .yaml) is not ours to judge.
            if discover::classify(candidate.kind, &lossy, candidate.named) == Scope::OutOfScope {
                return ParsedFile::unparsed(candidate.clone(), Scope::OutOfScope, None);
            }
            let offset = String::from_utf8_lossy(&e.as_bytes()[..valid]).len();
            let offset = offset.saturating_sub(usize::from(lossy.starts_with('\u{feff}')) * 3);
            return fail(
                candidate,
                lossy,
                offset,
                format!("file is not valid UTF-8 (invalid byte at offset {valid})"),
            );
        }
    };
    let scope = discover::classify(candidate.kind, &text, candidate.named);
    if scope == Scope::OutOfScope {
        return ParsedFile::unparsed(candidate.clone(), scope, None);
    }
    let source = Arc::new(SourceFile::new(candidate.display.clone(), text));
    if let Some(message) = crate::memory::over_ceiling() {
        // Other files' work took the scan to its ceiling: this one is not
        // parsed, and says so.
        return ParsedFile::unparsed(
            candidate.clone(),
            scope,
            Some((source, ParseError::new(0, message))),
        );
    }
    within_ceiling(parse_source(candidate.clone(), scope, source))
}

/// `file`, or, when parsing it took the scan over its memory ceiling, a
/// failure in its place: its resources are dropped here, which frees the
/// memory for the files that follow.
pub(super) fn within_ceiling(file: ParsedFile) -> ParsedFile {
    if file.failure.is_some() {
        return file;
    }
    let Some(message) = crate::memory::over_ceiling() else {
        return file;
    };
    let Some(source) = file.source else {
        return file;
    };
    ParsedFile {
        candidate: file.candidate,
        scope: file.scope,
        source: None,
        resources: Vec::new(),
        terraform: None,
        failure: Some((source, ParseError::new(0, message))),
        warnings: file.warnings,
        comments: None,
    }
}

pub(super) fn parse_source(candidate: Candidate, scope: Scope, source: SharedSource) -> ParsedFile {
    let mut terraform = None;
    let mut warnings = Vec::new();
    let mut comments = None;
    let result = match scope {
        Scope::Terraform | Scope::TerraformJson | Scope::TerraformVars => {
            parse::terraform::parse(&source).map(|file| {
                terraform = Some(file);
                Vec::new()
            })
        }
        Scope::Kubernetes => parse::kubernetes::parse_with_warnings(&source).map(|parsed| {
            comments = parsed.comments;
            for (offset, message) in parsed.warnings {
                let (line, column) = source.position(offset);
                warnings.push(Notification {
                    level: NotificationLevel::Warning,
                    file: Some(source.path.clone()),
                    line: Some(line),
                    column: Some(column),
                    message,
                });
            }
            parsed.resources
        }),
        Scope::Plan => parse::plan::parse(&source),
        Scope::OutOfScope => Ok(Vec::new()),
    };
    let (resources, failure) = match result {
        Ok(resources) => (resources, None),
        Err(error) => (Vec::new(), Some((source.clone(), error))),
    };
    ParsedFile {
        candidate,
        scope,
        source: Some(source),
        resources,
        terraform,
        failure,
        warnings,
        comments,
    }
}
