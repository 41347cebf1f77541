//! The pack fails closed, tested as a property: a rule that cannot read a field
//! must say so (a violation, or an SG-META-001 note), never go quiet.
//!
//! For every rule's `fixtures/rules/<slug>/fail.*`, each field is removed in
//! turn — every key of every YAML mapping (the key line and its value), every
//! attribute and nested block of a Terraform block — and the result is scanned.
//! Every object (YAML document, top-level Terraform block) the rule reports in
//! the unchanged file must still get a violation or a note of the rule, unless
//! the removal makes it compliant by the rule's own definition: those cases are
//! listed in `EXEMPT`, each with its reason.
//!
//! All the variants of one fixture are scanned together, one directory each, so
//! the test costs one scan per rule.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::Project;
use hcl_edit::structure::{Body, Structure};

/// Removals that make the reported object compliant by the rule's own
/// definition: `(fixture slug or "*", removed field, reason)`. A YAML field is
/// named by its path in the document (`spec.template.spec.volumes.0.hostPath`),
/// a Terraform one by its block and path (`aws_autoscaling_group.web.tag.key`).
const EXEMPT: &[(&str, &str, &str)] = &[
    (
        "*",
        "apiVersion",
        "a document without apiVersion is not a Kubernetes object, so no rule of the pack applies",
    ),
    (
        "*",
        "kind",
        "a document without kind is not a Kubernetes object of a kind the rule checks",
    ),
    (
        "container-resources",
        "spec",
        "a workload without a pod template has no container to check",
    ),
    (
        "container-resources",
        "spec.template",
        "a workload without a pod template has no container to check",
    ),
    (
        "container-resources",
        "spec.template.spec",
        "a workload without a pod template has no container to check",
    ),
    (
        "container-resources",
        "spec.template.spec.containers",
        "a pod without containers has no container that lacks requests or limits",
    ),
    (
        "image-pinned",
        "spec",
        "a workload without a pod template has no container to check",
    ),
    (
        "image-pinned",
        "spec.template",
        "a workload without a pod template has no container to check",
    ),
    (
        "image-pinned",
        "spec.template.spec",
        "a workload without a pod template has no container to check",
    ),
    (
        "probes",
        "spec",
        "a workload without a pod template has no container to check",
    ),
    (
        "probes",
        "spec.template",
        "a workload without a pod template has no container to check",
    ),
    (
        "probes",
        "spec.template.spec",
        "a workload without a pod template has no container to check",
    ),
    (
        "hpa-needs-requests",
        "spec",
        "a workload without a pod template has no container to check, or the HPA no longer scales on utilisation",
    ),
    (
        "hpa-needs-requests",
        "spec.template",
        "a workload without a pod template has no container to check",
    ),
    (
        "hpa-needs-requests",
        "spec.template.spec",
        "a workload without a pod template has no container to check",
    ),
    (
        "hpa-needs-requests",
        "spec.template.spec.containers",
        "a pod without containers has no container that lacks a request",
    ),
    (
        "hpa-needs-requests",
        "metadata",
        "the HPA no longer targets the workload (SG-K8S-005 reports the missing target)",
    ),
    (
        "hpa-needs-requests",
        "metadata.name",
        "the HPA no longer targets the workload (SG-K8S-005 reports the missing target)",
    ),
    (
        "hpa-needs-requests",
        "metadata.namespace",
        "the HPA no longer targets the workload (SG-K8S-005 reports the missing target)",
    ),
    (
        "hpa-needs-requests",
        "spec.scaleTargetRef",
        "the HPA targets no workload (SG-K8S-005 reports it)",
    ),
    (
        "hpa-needs-requests",
        "spec.scaleTargetRef.kind",
        "the HPA targets no workload (SG-K8S-005 reports it)",
    ),
    (
        "hpa-needs-requests",
        "spec.scaleTargetRef.name",
        "the HPA targets no workload (SG-K8S-005 reports it)",
    ),
    (
        "no-hostpath",
        "spec",
        "without the volume (or its source) there is no such volume to check",
    ),
    (
        "no-hostpath",
        "spec.template",
        "without the volume (or its source) there is no such volume to check",
    ),
    (
        "no-hostpath",
        "spec.template.spec",
        "without the volume (or its source) there is no such volume to check",
    ),
    (
        "no-hostpath",
        "spec.template.spec.volumes",
        "without the volume (or its source) there is no such volume to check",
    ),
    (
        "no-hostpath",
        "spec.template.spec.volumes.0.hostPath",
        "the volume is no longer a hostPath volume",
    ),
    (
        "emptydir-size-limit",
        "spec",
        "without the volume (or its source) there is no such volume to check",
    ),
    (
        "emptydir-size-limit",
        "spec.template",
        "without the volume (or its source) there is no such volume to check",
    ),
    (
        "emptydir-size-limit",
        "spec.template.spec",
        "without the volume (or its source) there is no such volume to check",
    ),
    (
        "emptydir-size-limit",
        "spec.template.spec.volumes",
        "without the volume (or its source) there is no such volume to check",
    ),
    (
        "emptydir-size-limit",
        "spec.template.spec.volumes.0.emptyDir",
        "the volume is no longer an emptyDir",
    ),
    (
        "deployment-persistent-volume",
        "spec",
        "without the volume (or its source) there is no such volume to check; on the claim, no access mode is stated",
    ),
    (
        "deployment-persistent-volume",
        "spec.template",
        "without the volume (or its source) there is no such volume to check",
    ),
    (
        "deployment-persistent-volume",
        "spec.template.spec",
        "without the volume (or its source) there is no such volume to check",
    ),
    (
        "deployment-persistent-volume",
        "spec.template.spec.volumes",
        "without the volume (or its source) there is no such volume to check",
    ),
    (
        "deployment-persistent-volume",
        "spec.template.spec.volumes.0.persistentVolumeClaim",
        "the volume no longer mounts a claim",
    ),
    (
        "deployment-persistent-volume",
        "spec.template.spec.volumes.0.persistentVolumeClaim.claimName",
        "the volume names no claim, so it shares none",
    ),
    (
        "deployment-persistent-volume",
        "spec.accessModes",
        "a claim without accessModes is not single-node",
    ),
    (
        "deployment-persistent-volume",
        "spec.replicas",
        "spec.replicas defaults to 1: a single replica is compliant",
    ),
    (
        "deployment-persistent-volume",
        "spec.scaleTargetRef",
        "the HPA no longer raises the replica count above 1",
    ),
    (
        "deployment-persistent-volume",
        "metadata",
        "the claim or HPA no longer matches by name and namespace, so the workload is single-replica or the claim is outside the bundle",
    ),
    (
        "deployment-persistent-volume",
        "metadata.name",
        "the claim or HPA no longer matches by name, so the workload is single-replica or the claim is outside the bundle",
    ),
    (
        "deployment-persistent-volume",
        "metadata.namespace",
        "the claim or HPA moves to another namespace than the workload",
    ),
    (
        "pdb-allows-disruption",
        "spec",
        "a PodDisruptionBudget without spec limits nothing",
    ),
    (
        "pdb-allows-disruption",
        "spec.minAvailable",
        "without minAvailable the budget no longer blocks eviction",
    ),
    (
        "pdb-allows-disruption",
        "spec.maxUnavailable",
        "without maxUnavailable the budget no longer blocks eviction",
    ),
    (
        "pdb-coverage",
        "spec",
        "spec.replicas defaults to 1: a single replica is compliant",
    ),
    (
        "pdb-coverage",
        "spec.replicas",
        "spec.replicas defaults to 1: a single replica is compliant",
    ),
    (
        "replica-spread",
        "spec",
        "spec.replicas defaults to 1: a single replica is compliant",
    ),
    (
        "replica-spread",
        "spec.replicas",
        "spec.replicas defaults to 1: a single replica is compliant",
    ),
    (
        "rollout-strategy",
        "spec",
        "spec.replicas defaults to 1: a single replica is compliant",
    ),
    (
        "rollout-strategy",
        "spec.replicas",
        "spec.replicas defaults to 1: a single replica is compliant",
    ),
    (
        "rollout-strategy",
        "spec.strategy",
        "the default strategy is RollingUpdate with maxUnavailable 25%",
    ),
    (
        "rollout-strategy",
        "spec.strategy.type",
        "the default strategy is RollingUpdate with maxUnavailable 25%",
    ),
    (
        "rollout-strategy",
        "spec.strategy.rollingUpdate",
        "the default maxUnavailable is 25%",
    ),
    (
        "rollout-strategy",
        "spec.strategy.rollingUpdate.maxUnavailable",
        "the default maxUnavailable is 25%",
    ),
    (
        "static-replicas-with-hpa",
        "spec",
        "the workload no longer sets replicas, or the HPA targets nothing",
    ),
    (
        "static-replicas-with-hpa",
        "spec.replicas",
        "the workload no longer sets spec.replicas",
    ),
    (
        "static-replicas-with-hpa",
        "metadata",
        "the HPA no longer targets the workload",
    ),
    (
        "static-replicas-with-hpa",
        "metadata.name",
        "the HPA no longer targets the workload",
    ),
    (
        "static-replicas-with-hpa",
        "metadata.namespace",
        "the HPA and the workload are in different namespaces",
    ),
    (
        "static-replicas-with-hpa",
        "spec.scaleTargetRef",
        "the HPA targets no workload (SG-K8S-005 reports it)",
    ),
    (
        "static-replicas-with-hpa",
        "spec.scaleTargetRef.kind",
        "the HPA targets no workload (SG-K8S-005 reports it)",
    ),
    (
        "static-replicas-with-hpa",
        "spec.scaleTargetRef.name",
        "the HPA targets no workload (SG-K8S-005 reports it)",
    ),
    (
        "session-affinity",
        "spec",
        "a Service without spec has no session affinity",
    ),
    (
        "session-affinity",
        "spec.sessionAffinity",
        "the default is None",
    ),
    (
        "session-affinity",
        "metadata",
        "without annotations the Ingress asks for no affinity",
    ),
    (
        "session-affinity",
        "metadata.annotations",
        "without annotations the Ingress asks for no affinity",
    ),
    (
        "session-affinity",
        "metadata.annotations.nginx.ingress.kubernetes.io/affinity",
        "the annotation that asks for affinity is gone",
    ),
    (
        "session-affinity",
        "metadata.annotations.alb.ingress.kubernetes.io/target-group-attributes",
        "the annotation that enables stickiness is gone",
    ),
    (
        "session-affinity",
        "resource.aws_lb_target_group.api.stickiness",
        "stickiness is off by default",
    ),
    (
        "session-affinity",
        "resource.aws_lb_target_group.web.stickiness",
        "stickiness is off by default",
    ),
    (
        "resource-name-pattern",
        "metadata",
        "an object without metadata.name has no name to check",
    ),
    (
        "resource-name-pattern",
        "metadata.name",
        "an object without metadata.name has no name to check",
    ),
    (
        "resource-name-pattern",
        "resource.aws_db_instance.orders.identifier",
        "without it the provider generates the identifier; there is no written name to check",
    ),
    (
        "resource-name-pattern",
        "resource.aws_s3_bucket.exports.bucket",
        "without it the provider generates the bucket name; there is no written name to check",
    ),
    (
        "terraform-label-case",
        "locals.QueueName",
        "the local value whose name is not snake_case is gone",
    ),
    (
        "s3-lifecycle",
        "resource.aws_s3_bucket_lifecycle_configuration.archive.count",
        "without `count = 0` the lifecycle configuration exists and covers the bucket",
    ),
    (
        "tag-key-near-miss",
        "provider.aws.default_tags",
        "the misspelt key is gone",
    ),
    (
        "tag-key-near-miss",
        "provider.aws.default_tags.tags",
        "the misspelt key is gone",
    ),
    (
        "tag-key-near-miss",
        "resource.aws_opensearch_domain.catalog.tags",
        "the misspelt key is gone",
    ),
    (
        "tag-key-near-miss",
        "resource.azurerm_storage_account.exports.tags",
        "the misspelt key is gone",
    ),
    (
        "tag-values",
        "provider.aws.default_tags",
        "the tag with the value not allowed is gone (SG-TAG-001 reports a missing required tag)",
    ),
    (
        "tag-values",
        "provider.aws.default_tags.tags",
        "the tag with the value not allowed is gone (SG-TAG-001 reports a missing required tag)",
    ),
    (
        "tag-values",
        "resource.aws_s3_bucket.receipts.tags",
        "the tag with the value not allowed is gone (SG-TAG-001 reports a missing required tag)",
    ),
    (
        "tag-values",
        "resource.aws_sqs_queue.payments.tags",
        "the tag with the value not allowed is gone (SG-TAG-001 reports a missing required tag)",
    ),
    (
        "rds-resilience",
        "resource.aws_db_instance.billing.tags",
        "without the environment tag the database is not known to be production",
    ),
    (
        "rds-resilience",
        "resource.aws_db_instance.orders.tags",
        "without the environment tag the database is not known to be production",
    ),
    (
        "rds-resilience",
        "resource.aws_rds_cluster.catalog.tags",
        "without the environment tag the database is not known to be production",
    ),
    (
        "non-production-schedule",
        "resource.aws_autoscaling_group.web.tag",
        "without the environment tag the group is not known to be non-production",
    ),
    (
        "non-production-schedule",
        "resource.aws_autoscaling_group.web.tag.key",
        "without the environment tag the group is not known to be non-production",
    ),
    (
        "non-production-schedule",
        "resource.aws_autoscaling_group.web.tag.value",
        "without the environment tag the group is not known to be non-production",
    ),
    (
        "non-production-schedule",
        "resource.aws_autoscaling_group.worker.tag",
        "without the environment tag the group is not known to be non-production",
    ),
    (
        "non-production-schedule",
        "resource.aws_autoscaling_group.worker.tag.key",
        "without the environment tag the group is not known to be non-production",
    ),
    (
        "non-production-schedule",
        "resource.aws_autoscaling_group.worker.tag.value",
        "without the environment tag the group is not known to be non-production",
    ),
    (
        "non-production-schedule",
        "resource.aws_autoscaling_group.worker.max_size",
        "a required argument Terraform rejects the block without (terraform validate), so no plan reaches the gate",
    ),
    (
        "asg-tag-propagation",
        "resource.aws_autoscaling_group.web.tag",
        "the tag is no longer on the group at all (SG-TAG-001 reports the missing required tag)",
    ),
    (
        "asg-tag-propagation",
        "resource.aws_autoscaling_group.web.tag.key",
        "a tag block without key names no tag (the provider rejects it)",
    ),
    (
        "asg-tag-propagation",
        "resource.aws_autoscaling_group.workers.dynamic",
        "the tag is no longer on the group at all (SG-TAG-001 reports the missing required tag)",
    ),
    (
        "asg-elastic-bounds",
        "resource.aws_autoscaling_group.web.target_group_arns",
        "the group is no longer attached to a load balancer",
    ),
    (
        "asg-elastic-bounds",
        "resource.aws_autoscaling_group.batch.max_size",
        "a required argument Terraform rejects the block without (terraform validate), so no plan reaches the gate",
    ),
    (
        "asg-elastic-bounds",
        "resource.aws_autoscaling_group.workers.max_size",
        "a required argument Terraform rejects the block without (terraform validate), so no plan reaches the gate",
    ),
    (
        "asg-elastic-bounds",
        "resource.aws_autoscaling_group.workers.min_size",
        "a required argument Terraform rejects the block without (terraform validate), so no plan reaches the gate",
    ),
    (
        "asg-scaling-policy",
        "resource.aws_autoscaling_group.web.max_size",
        "a required argument Terraform rejects the block without (terraform validate), so no plan reaches the gate",
    ),
    (
        "asg-scaling-policy",
        "resource.aws_autoscaling_group.web.min_size",
        "a required argument Terraform rejects the block without (terraform validate), so no plan reaches the gate",
    ),
    (
        "asg-scaling-policy",
        "resource.aws_autoscaling_group.workers.max_size",
        "a required argument Terraform rejects the block without (terraform validate), so no plan reaches the gate",
    ),
];

/// One variant of a fail fixture: the field removed and the text without it.
struct Variant {
    removed: String,
    text: String,
}

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules")
}

fn rule_of(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("expected.txt")).expect("expected.txt");
    text.lines()
        .find_map(|l| l.trim().strip_prefix("rule ").map(|r| r.trim().to_owned()))
        .expect("a `rule ID` line")
}

// -- YAML: remove one key line and its value, keeping the text otherwise as written.

/// A YAML line that opens a mapping key: its indentation, whether it is the
/// first key of a sequence item (`- name: x`), the key, and whether the value
/// follows on the same line.
struct KeyLine {
    indent: usize,
    dash: bool,
    key: String,
    inline: bool,
}

fn key_line(line: &str) -> Option<KeyLine> {
    let indent = line.len() - line.trim_start().len();
    let mut rest = &line[indent..];
    let dash = rest.starts_with("- ");
    if dash {
        rest = &rest[2..];
    }
    if rest.starts_with('#') || rest.starts_with('-') {
        return None;
    }
    let colon = rest.find(':')?;
    let key = &rest[..colon];
    let after = &rest[colon + 1..];
    let is_key = !key.is_empty()
        && !key.contains(' ')
        && !key.starts_with('{')
        && !key.starts_with('[')
        && (after.is_empty() || after.starts_with(' '));
    is_key.then(|| KeyLine {
        indent,
        dash,
        key: key.trim_matches('"').to_owned(),
        inline: !after.trim().is_empty() && !after.trim().starts_with('#'),
    })
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Every variant of a YAML file with one key removed, named by its dotted path.
fn yaml_variants(text: &str) -> Vec<Variant> {
    let lines: Vec<&str> = text.lines().collect();
    // The path of keys and item indexes leading to each key line.
    let mut stack: Vec<(usize, String)> = Vec::new(); // (column, segment)
    let mut items: BTreeMap<(usize, String), usize> = BTreeMap::new();
    let mut variants = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.trim() == "---" {
            stack.clear();
            items.clear();
            continue;
        }
        let Some(k) = key_line(line) else { continue };
        let column = k.indent + if k.dash { 2 } else { 0 };
        if k.dash {
            // A new item of the sequence at this indent.
            while stack.last().is_some_and(|(c, _)| *c >= k.indent) {
                stack.pop();
            }
            let parent = stack
                .iter()
                .map(|(_, s)| s.as_str())
                .collect::<Vec<_>>()
                .join(".");
            let n = items.entry((k.indent, parent)).or_insert(usize::MAX);
            *n = n.wrapping_add(1);
            stack.push((k.indent, n.to_string()));
        }
        while stack.last().is_some_and(|(c, _)| *c >= column) {
            stack.pop();
        }
        let path: Vec<&str> = stack
            .iter()
            .map(|(_, s)| s.as_str())
            .chain([k.key.as_str()])
            .collect();
        let removed = path.join(".");
        stack.push((column, k.key.clone()));
        // The value: deeper lines, blank lines, and a sequence written at the
        // key's own indent (`containers:` then `- name: a`).
        let mut end = i + 1;
        while end < lines.len() {
            let l = lines[end];
            let deeper = indent_of(l) > column;
            let same_indent_item =
                !k.inline && indent_of(l) == column && l.trim_start().starts_with("- ");
            if l.trim().is_empty() || deeper || same_indent_item {
                end += 1;
            } else {
                break;
            }
        }
        while end > i + 1 && lines[end - 1].trim().is_empty() {
            end -= 1;
        }
        let mut out: Vec<String> = lines[..i].iter().map(|l| l.to_string()).collect();
        let mut rest: Vec<String> = lines[end..].iter().map(|l| l.to_string()).collect();
        if k.dash {
            // The item keeps its other keys: the next one takes the dash.
            match rest.first_mut() {
                Some(next) if indent_of(next) == column && key_line(next).is_some() => {
                    *next = format!("{}- {}", " ".repeat(k.indent), next.trim_start());
                }
                _ => out.push(format!("{}- {{}}", " ".repeat(k.indent))),
            }
        }
        out.append(&mut rest);
        variants.push(Variant {
            removed,
            text: out.join("\n") + "\n",
        });
    }
    variants
}

/// The line range (1-based, inclusive) of each YAML document.
fn yaml_units(text: &str) -> Vec<(usize, usize)> {
    let mut units = Vec::new();
    let mut start = 1;
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.trim() == "---" {
            units.push((start, i));
            start = i + 2;
        }
    }
    units.push((start, lines.len().max(start)));
    units
}

// -- Terraform: remove one attribute or nested block through hcl-edit.

/// Every variant of a Terraform file with one attribute or nested block of a
/// top-level block removed, named `<block index>.<path>`.
fn hcl_variants(text: &str) -> Vec<Variant> {
    let body = hcl_edit::parser::parse_body(text).expect("fixture parses");
    let mut paths = Vec::new();
    for (i, structure) in body.iter().enumerate() {
        if let Structure::Block(block) = structure {
            let mut name = vec![block.ident.as_str().to_owned()];
            name.extend(block.labels.iter().map(|l| l.as_str().to_owned()));
            collect_paths(&block.body, vec![i], &name.join("."), &mut paths);
        }
    }
    paths
        .into_iter()
        .map(|(indexes, name)| {
            let mut copy = body.clone();
            remove_at(&mut copy, &indexes);
            Variant {
                removed: name,
                text: copy.to_string(),
            }
        })
        .collect()
}

/// Collects the index path and the name (`aws_lb.web.access_logs.enabled`) of
/// every attribute and block under `body`.
fn collect_paths(body: &Body, at: Vec<usize>, prefix: &str, out: &mut Vec<(Vec<usize>, String)>) {
    for (i, structure) in body.iter().enumerate() {
        let mut here = at.clone();
        here.push(i);
        let name = match structure {
            Structure::Attribute(a) => format!("{prefix}.{}", a.key.as_str()),
            Structure::Block(b) => format!("{prefix}.{}", b.ident.as_str()),
        };
        out.push((here.clone(), name.clone()));
        if let Structure::Block(b) = structure {
            collect_paths(&b.body, here, &name, out);
        }
    }
}

fn remove_at(body: &mut Body, indexes: &[usize]) {
    match indexes {
        [last] => {
            body.remove(*last);
        }
        [first, rest @ ..] => match body.get_mut(*first) {
            Some(Structure::Block(block)) => remove_at(&mut block.body, rest),
            _ => panic!("no block at {first}"),
        },
        [] => {}
    }
}

/// The line range (1-based, inclusive) of each top-level Terraform item.
fn hcl_units(text: &str) -> Vec<(usize, usize)> {
    let body = hcl_edit::parser::parse_body(text).expect("variant parses");
    let line = |offset: usize| text[..offset].matches('\n').count() + 1;
    body.iter()
        .map(|s| {
            let span = hcl_edit::Span::span(s).expect("parsed items have spans");
            (
                line(span.start),
                line(span.end.saturating_sub(1).max(span.start)),
            )
        })
        .collect()
}

// -- Scanning.

/// The first and last line (1-based, inclusive) of one object of a file.
type Lines = (usize, usize);

/// One fail fixture and its variants, as written into the project.
struct Case {
    slug: String,
    rule: String,
    file: String,
    yaml: bool,
    /// Project path → text, the original first.
    original: (String, String),
    variants: Vec<(Variant, String)>,
}

/// For each file of the scan, the units that got a violation or a note of its
/// case's rule (or a parse error, which fails the gate as well).
fn reported_units(project: &Project, cases: &[Case]) -> BTreeMap<String, BTreeSet<usize>> {
    let (code, report, stderr) = project.scan_json(&["."]);
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    // Project path → (rule, unit line ranges).
    let mut files: BTreeMap<String, (&str, Vec<Lines>)> = BTreeMap::new();
    for case in cases {
        let units = |text: &str| {
            if case.yaml {
                yaml_units(text)
            } else {
                hcl_units(text)
            }
        };
        files.insert(
            case.original.0.clone(),
            (&case.rule, units(&case.original.1)),
        );
        for (v, path) in &case.variants {
            files.insert(path.clone(), (&case.rule, units(&v.text)));
        }
    }
    let mut out: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for f in report["findings"].as_array().unwrap() {
        let file = f["file"].as_str().unwrap().to_owned();
        let Some((rule, ranges)) = files.get(&file) else {
            continue;
        };
        let note = f["rule_id"] == "SG-META-001"
            && f["message"]
                .as_str()
                .is_some_and(|m| m.starts_with(&format!("{rule} ")));
        let parse = f["rule_id"] == "SG-PARSE-001";
        if !(f["rule_id"] == *rule || note || parse) {
            continue;
        }
        let line = f["start_line"].as_u64().unwrap() as usize;
        let entry = out.entry(file).or_default();
        if parse {
            entry.extend(0..ranges.len());
        } else if let Some(u) = ranges.iter().position(|(a, b)| *a <= line && line <= *b) {
            entry.insert(u);
        }
    }
    out
}

fn exemption(
    slug: &str,
    removed: &str,
) -> Option<&'static (&'static str, &'static str, &'static str)> {
    EXEMPT
        .iter()
        .find(|(s, r, _)| (*s == slug || *s == "*") && *r == removed)
}

#[test]
fn removing_any_field_of_a_fail_fixture_never_silences_its_rule() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(rules_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let project = Project::new();
    let mut cases = Vec::new();
    for dir in &dirs {
        let slug = dir.file_name().unwrap().to_string_lossy().into_owned();
        let rule = rule_of(dir);
        let mut fails: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("fail.")
            })
            .collect();
        fails.sort();
        for fail in fails {
            let file = fail.file_name().unwrap().to_string_lossy().into_owned();
            let yaml = file.ends_with(".yaml") || file.ends_with(".yml");
            let text = std::fs::read_to_string(&fail).unwrap();
            let variants = if yaml {
                yaml_variants(&text)
            } else {
                hcl_variants(&text)
            };
            // Each variant in its own directory, so it is its own bundle.
            let original = (format!("{slug}/{file}/original/{file}"), text);
            project.write(&original.0, &original.1);
            let variants: Vec<(Variant, String)> = variants
                .into_iter()
                .enumerate()
                .map(|(i, v)| {
                    let path = format!("{slug}/{file}/v{i:03}/{file}");
                    project.write(&path, &v.text);
                    (v, path)
                })
                .collect();
            cases.push(Case {
                slug: slug.clone(),
                rule: rule.clone(),
                file,
                yaml,
                original,
                variants,
            });
        }
    }
    let reported = reported_units(&project, &cases);
    let mut problems = Vec::new();
    let mut used = BTreeSet::new();
    let mut checked = 0;
    for case in &cases {
        let expected = reported.get(&case.original.0).cloned().unwrap_or_default();
        if expected.is_empty() {
            problems.push(format!(
                "{}/{}: the rule reports nothing on the fixture",
                case.slug, case.file
            ));
        }
        for (v, path) in &case.variants {
            checked += 1;
            let got = reported.get(path).cloned().unwrap_or_default();
            let silenced: Vec<usize> = expected.difference(&got).copied().collect();
            if silenced.is_empty() {
                continue;
            }
            if let Some(e) = exemption(&case.slug, &v.removed) {
                used.insert((e.0, e.1));
                continue;
            }
            problems.push(format!(
                "{}/{}: removing `{}` silences {} on object(s) {silenced:?}",
                case.slug, case.file, v.removed, case.rule
            ));
        }
    }
    for (slug, removed, _) in EXEMPT {
        if !used.contains(&(*slug, *removed)) {
            problems.push(format!(
                "exemption {slug} `{removed}` is not needed: the rule still reports"
            ));
        }
    }
    assert!(checked > 300, "only {checked} variants");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
