//! A small hand-built report shared by the writers' snapshot tests and by
//! `tests/sarif_schema.rs` (which includes this file by path, so it names
//! types through `crate::model` / `crate::source` / `crate::fingerprint`, paths
//! that exist in both crates).
//!
//! It covers what the writers must get right: two files with real text (one
//! line with non-ASCII characters, so code-point columns differ from bytes), a
//! third file that could not be read (no text, a space and a non-ASCII
//! character in its path), every severity, a note, a related location, an
//! empty region, a suppressed finding, a user rule marked `security`, and two
//! notifications.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::model::{
    AppliedConfigFile, AppliedConfiguration, AppliedIgnoreFile, Finding, FindingKind, Location,
    Notification, NotificationLevel, PathSeg, RelatedLocation, Report, ReportedBundle, RuleError,
    RuleInfo, RuleRef, Severity, Subject, Summary, Suppression, SuppressionKind,
};
use crate::source::{Region, SourceFile};

pub const WEB_YAML: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels:
    app.kubernetes.io/name: web
    owner: équipe-données
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    spec:
      containers:
        - name: web
          image: nginx:1.27
";

pub const MAIN_TF: &str = "\
locals {
  common_tags = {
    owner = \"platform\"
  }
}

resource \"aws_s3_bucket\" \"logs\" {
  bucket = \"Logs_Bucket\"
  tags   = local.common_tags
}
";

/// The unreadable file: reported, but absent from `Report::sources`.
pub const BROKEN_TF: &str = "infra/legacy módulo.tf";

/// The report's rule table, by id: what a finding's rule handle indexes.
const RULE_IDS: [&str; 8] = [
    "ACME-001",
    "SG-K8S-004",
    "SG-K8S-008",
    "SG-K8S-010",
    "SG-META-001",
    "SG-NAM-002",
    "SG-PARSE-001",
    "SG-TAG-001",
];

/// The report's bundle table.
const BUNDLES: [&str; 2] = ["infra", "k8s"];

fn key(k: &str) -> PathSeg {
    PathSeg::Key(k.to_owned())
}

fn rule(id: &str, slug: &str, title: &str, severity: Severity, builtin: bool) -> RuleInfo {
    RuleInfo {
        id: id.to_owned(),
        slug: slug.to_owned(),
        title: title.to_owned(),
        description: format!("Why {slug} matters: it keeps a fleet of services scalable."),
        remediation: format!("Fix {slug} as the documentation shows."),
        severity,
        security: false,
        builtin,
        help_uri: if builtin {
            format!("https://github.com/scalegate/scalegate/blob/main/docs/rules/{id}.md")
        } else {
            String::new()
        },
        file: if builtin {
            format!("policies/common/{slug}.rego")
        } else {
            format!("policy/{slug}.rego")
        },
    }
}

#[allow(clippy::too_many_arguments)]
fn finding(
    rule: &RuleInfo,
    kind: FindingKind,
    message: &str,
    file: &str,
    region: Region,
    resource: Option<&str>,
    path: Vec<PathSeg>,
    bundle: Option<&str>,
) -> Finding {
    let index = |table: &[&str], name: &str| {
        table
            .iter()
            .position(|n| *n == name)
            .expect("listed in the table") as u32
    };
    Finding {
        rule: RuleRef(index(&RULE_IDS, &rule.id)),
        kind,
        message: message.to_owned(),
        location: Location {
            file: file.to_owned(),
            region,
        },
        resource: resource.map(str::to_owned),
        path,
        subject: bundle.map(|b| Subject {
            bundle: index(&BUNDLES, b),
            resource: None,
            written: None,
        }),
        key: None,
        unverified: None,
        related: Vec::new(),
        fingerprint: String::new(),
        suppression: None,
    }
}

/// A rule that could not run on the `k8s` bundle, for the writers' tests
/// of how they show one.
pub fn rule_error() -> RuleError {
    RuleError {
        rule: "SG-K8S-008".to_owned(),
        file: "policies/kubernetes/pdb.rego".to_owned(),
        line: 12,
        column: 5,
        bundle: "k8s".to_owned(),
        message: "division by zero".to_owned(),
        frame: None,
    }
}

/// The report; findings sorted and fingerprinted as the scanner leaves them.
pub fn report() -> Report {
    let mut acme = rule(
        "ACME-001",
        "s3-encryption",
        "S3 bucket is not encrypted",
        Severity::Critical,
        false,
    );
    acme.security = true;
    acme.description = "Unencrypted buckets can leak customer data".to_owned();
    acme.remediation = "Add a server-side encryption configuration.".to_owned();
    let labels = rule(
        "SG-K8S-004",
        "label-values",
        "Label value does not match its pattern",
        Severity::Low,
        true,
    );
    let pdb = rule(
        "SG-K8S-008",
        "pdb-coverage",
        "Deployment has no PodDisruptionBudget",
        Severity::Medium,
        true,
    );
    let probes = rule(
        "SG-K8S-010",
        "probes",
        "Container has no readiness probe",
        Severity::Medium,
        true,
    );
    let meta = rule(
        "SG-META-001",
        "unverified",
        "Check could not be verified",
        Severity::Info,
        true,
    );
    let naming = rule(
        "SG-NAM-002",
        "resource-naming",
        "Resource name does not follow the naming convention",
        Severity::Low,
        true,
    );
    let parse = rule(
        "SG-PARSE-001",
        "parse-error",
        "File could not be read or parsed",
        Severity::High,
        true,
    );
    let tags = rule(
        "SG-TAG-001",
        "required-tags",
        "Resource is missing required tags",
        Severity::High,
        true,
    );

    let bucket = Some("aws_s3_bucket.logs");
    let web = Some("apps/Deployment/shop/web");
    let mut tags_finding = finding(
        &tags,
        FindingKind::Violation,
        "aws_s3_bucket \"logs\" has no tag \"cost-center\"",
        "infra/main.tf",
        Region::new(9, 12, 9, 29),
        bucket,
        vec![key("tags")],
        Some("infra"),
    );
    tags_finding.related.push(RelatedLocation {
        location: Location {
            file: "infra/main.tf".to_owned(),
            region: Region::new(2, 3, 4, 4),
        },
        message: "the tags come from local.common_tags".to_owned(),
    });
    let mut suppressed = finding(
        &probes,
        FindingKind::Violation,
        "Container 'web' of Deployment 'web' has no readinessProbe",
        "k8s/web.yaml",
        Region::new(17, 11, 17, 20),
        web,
        vec![
            key("spec"),
            key("template"),
            key("spec"),
            key("containers"),
            PathSeg::Index(0),
        ],
        Some("k8s"),
    );
    suppressed.suppression = Some(Suppression {
        kind: SuppressionKind::Inline,
        source: "k8s/web.yaml:16".to_owned(),
        reason: Some("the service mesh sidecar answers readiness".to_owned()),
        expires: Some("2026-06-30".to_owned()),
        owner: Some("@platform".to_owned()),
    });

    let mut findings = vec![
        finding(
            &parse,
            FindingKind::Violation,
            "unexpected token `}` while parsing a block body",
            BROKEN_TF,
            Region::new(3, 5, 3, 5),
            None,
            Vec::new(),
            // As a scan reports it: a file that could not be parsed joined
            // no bundle.
            None,
        ),
        finding(
            &acme,
            FindingKind::Violation,
            "S3 bucket \"logs\" has no server_side_encryption_configuration",
            "infra/main.tf",
            Region::new(7, 10, 7, 32),
            bucket,
            Vec::new(),
            Some("infra"),
        ),
        finding(
            &naming,
            FindingKind::Violation,
            "bucket name \"Logs_Bucket\" does not match ^[a-z0-9][a-z0-9.-]{2,62}$",
            "infra/main.tf",
            Region::new(8, 12, 8, 25),
            bucket,
            vec![key("bucket")],
            Some("infra"),
        ),
        tags_finding,
        finding(
            &labels,
            FindingKind::Violation,
            "label owner=\"équipe-données\" does not match ^[a-z0-9-]+$",
            "k8s/web.yaml",
            Region::new(8, 12, 8, 26),
            web,
            vec![key("metadata"), key("labels"), key("owner")],
            Some("k8s"),
        ),
        finding(
            &pdb,
            FindingKind::Violation,
            "Deployment \"web\" has 3 replicas but no PodDisruptionBudget in k8s selects its pods",
            "k8s/web.yaml",
            Region::new(11, 3, 11, 11),
            web,
            vec![key("spec"), key("selector")],
            Some("k8s"),
        ),
        suppressed,
        finding(
            &meta,
            FindingKind::Note,
            "SG-K8S-012 (image-tag) could not be verified: the image comes from an unknown value",
            "k8s/web.yaml",
            Region::new(18, 11, 18, 11),
            web,
            vec![
                key("spec"),
                key("template"),
                key("spec"),
                key("containers"),
                PathSeg::Index(0),
                key("image"),
            ],
            Some("k8s"),
        ),
    ];
    let rules = vec![acme, labels, pdb, probes, meta, naming, parse, tags];
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    crate::fingerprint::assign(&mut findings, &rules);

    let mut sources = BTreeMap::new();
    for (path, text) in [("infra/main.tf", MAIN_TF), ("k8s/web.yaml", WEB_YAML)] {
        sources.insert(
            path.to_owned(),
            Arc::new(SourceFile::new(path, text.to_owned())),
        );
    }

    Report {
        findings,
        notifications: vec![
            Notification {
                level: NotificationLevel::Error,
                file: Some(BROKEN_TF.to_owned()),
                line: Some(3),
                column: Some(5),
                message: "could not parse the file: unexpected token `}`".to_owned(),
            },
            Notification {
                level: NotificationLevel::Note,
                file: None,
                line: None,
                column: None,
                message: "2 files were excluded by .scalegate.yaml".to_owned(),
            },
        ],
        rules,
        bundles: BUNDLES
            .map(|path| ReportedBundle {
                path: path.to_owned(),
                chart_render: false,
            })
            .to_vec(),
        summary: Summary {
            files_scanned: 3,
            ignored_paths: 0,
            charts_not_rendered: 0,
            bundles: 2,
            resources: 4,
        },
        sources,
        rule_errors: Vec::new(),
        incomplete: false,
        timings: None,
        configuration: AppliedConfiguration {
            repository_ignored: false,
            config: Some(AppliedConfigFile {
                path: ".scalegate.yaml".to_owned(),
                given: false,
                fail_on: Some("medium".to_owned()),
                rules_off: vec!["SG-NAM-002".to_owned()],
                severity_changes: vec![("SG-K8S-008".to_owned(), Severity::High)],
                exclude: vec!["examples/**".to_owned()],
            }),
            ignore_file: Some(AppliedIgnoreFile {
                path: ".scalegate-ignore.yaml".to_owned(),
                suppressed: 0,
            }),
            inline_suppressions_ignored: false,
            suppressed_inline: 1,
            suppressed_by_annotation: 0,
            skipped_rules: Vec::new(),
        },
    }
}
