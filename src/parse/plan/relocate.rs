//! Mapping plan resources back to the `.tf` blocks they were planned from,
//! so findings land on the file and line a user edits. Separate from reading:
//! it runs later, once the Terraform bundle of the plan's directory is
//! evaluated.

use std::collections::HashMap;

use crate::address::{module_steps, steps};
use crate::model::{Format, Resource};

/// Points plan resources at the Terraform source they come from: for each
/// plan resource whose address (`module.a.aws_s3_bucket.b["k"]`) matches the
/// id of a resource in `terraform` (the resources of the Terraform bundle
/// evaluated from the plan file's directory, same address scheme), its
/// `source`, `spans`, `header` and `module_calls` become that Terraform
/// resource's, so findings point at the `.tf` file and line.
///
/// The address is tried as written, then without its last instance key (a
/// resource whose `count`/`for_each` is unknown is kept once without a key),
/// then without module instance keys (the same for a module call), then
/// without either. Unmatched resources keep pointing into the plan file.
pub fn relocate(plan: &mut [Resource], terraform: &[Resource]) {
    let mut by_id: HashMap<&str, &Resource> = HashMap::new();
    for resource in terraform.iter().filter(|r| r.format == Format::Terraform) {
        // Terraform rejects two blocks with one address; should a broken
        // configuration have them, the first one written is the one shown.
        by_id.entry(resource.id.as_str()).or_insert(resource);
    }
    for resource in plan.iter_mut() {
        let found = relocation_candidates(&resource.id)
            .iter()
            .find_map(|id| by_id.get(id.as_str()).copied());
        if let Some(written) = found {
            resource.source = written.source.clone();
            resource.spans = written.spans.clone();
            resource.header = written.header;
            // The call chain decides where a finding inside a downloaded
            // module is reported, so it travels with the location.
            resource.module_calls = written.module_calls.clone();
        }
    }
}

/// The ids a plan address may have among Terraform resources, most exact
/// first: as written, without the resource's instance key, without module
/// instance keys, without either.
fn relocation_candidates(address: &str) -> Vec<String> {
    let steps = steps(address);
    let module_len = module_steps(&steps);
    let render = |module_keys: bool, resource_key: bool| -> String {
        let last = steps.len().saturating_sub(1);
        let parts: Vec<String> = steps
            .iter()
            .enumerate()
            .map(|(i, step)| {
                let keep = if i < module_len {
                    module_keys
                } else if i == last {
                    resource_key
                } else {
                    true
                };
                if keep {
                    format!("{}{}", step.name, step.key)
                } else {
                    step.name.to_owned()
                }
            })
            .collect();
        parts.join(".")
    };
    let mut candidates: Vec<String> = Vec::with_capacity(4);
    for (module_keys, resource_key) in [(true, true), (true, false), (false, true), (false, false)]
    {
        let candidate = render(module_keys, resource_key);
        if !candidates.contains(&candidate) {
            candidates.push(candidate);
        }
    }
    candidates
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use regorus::Value;

    use super::{relocate, relocation_candidates};
    use crate::model::Format;
    use crate::parse::plan::testing::{fixture, fixture_source, get, parse_text, path, region};
    use crate::source::{Region, SourceFile};

    #[test]
    fn relocate_points_plan_resources_at_their_blocks() {
        let mut resources = fixture();
        let sources = [
            fixture_source("main.tf"),
            fixture_source("modules/logs/main.tf"),
        ];
        let terraform = crate::parse::terraform::evaluate_sources(&sources, &[])
            .remove("plan")
            .unwrap();
        relocate(&mut resources, &terraform);
        let at = |id: &str| {
            let r = get(&resources, id);
            (r.source.path.clone(), region(r, r.header))
        };
        let main = "plan/main.tf".to_owned();
        assert_eq!(
            at("aws_s3_bucket.logs"),
            (main.clone(), Region::new(41, 1, 41, 32))
        );
        // `count = var.instance_count` (default 2): each instance has its
        // own resource, at the same block.
        assert_eq!(
            at("aws_instance.web[0]"),
            (main.clone(), Region::new(66, 1, 66, 30))
        );
        assert_eq!(
            at("aws_instance.web[1]"),
            (main.clone(), Region::new(66, 1, 66, 30))
        );
        assert_eq!(
            at("data.aws_iam_policy_document.logs"),
            (main.clone(), Region::new(78, 1, 78, 38))
        );
        // A module's resources land in the module's file.
        assert_eq!(
            at("module.logs.aws_cloudwatch_log_group.this"),
            (
                "plan/modules/logs/main.tf".to_owned(),
                Region::new(8, 1, 8, 43)
            )
        );
        // Findings on a value land on its attribute in the .tf file; values
        // the .tf does not write fall back to the block header.
        let lifecycle = get(&resources, "aws_s3_bucket_lifecycle_configuration.logs");
        let days = crate::locate::span_of(lifecycle, &path("rule.0.expiration.0.days"));
        assert_eq!(lifecycle.source.region(days).start_line, 61);
        let bucket = get(&resources, "aws_s3_bucket.logs");
        let tags_all = crate::locate::span_of(bucket, &path("tags_all.owner"));
        assert_eq!(tags_all, bucket.header);
        // What policies see is still the plan's.
        assert_eq!(bucket.format, Format::Plan);
        assert_eq!(bucket.config["tags_all"]["owner"], Value::from("platform"));
    }

    #[test]
    fn relocate_prefers_the_exact_instance() {
        // Two one-file roots, so both blocks are evaluated.
        let tf = |path: &str, text: &str| {
            let source = Arc::new(SourceFile::new(path, text.to_owned()));
            crate::parse::terraform::evaluate_sources(&[source], &[])
                .remove(".")
                .unwrap()
        };
        let mut terraform = tf(
            "a.tf",
            "resource \"aws_instance\" \"web\" {\n  count = 2\n}\n",
        );
        terraform.extend(tf(
            "b.tf",
            "variable \"n\" {}\nresource \"aws_instance\" \"web\" {\n  count = var.n\n}\n",
        ));
        terraform.retain(|r| r.kind == "aws_instance");
        let ids: Vec<&str> = terraform.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "aws_instance.web[0]",
                "aws_instance.web[1]",
                "aws_instance.web"
            ]
        );
        let mut plan = parse_text(
            r#"{"planned_values": {"root_module": {"resources": [
                {"address": "aws_instance.web[1]", "type": "aws_instance", "name": "web", "values": {}},
                {"address": "aws_instance.web[5]", "type": "aws_instance", "name": "web", "values": {}},
                {"address": "aws_instance.db", "type": "aws_instance", "name": "db", "values": {}}
            ]}}}"#,
        );
        relocate(&mut plan, &terraform);
        let files: Vec<&str> = plan.iter().map(|r| r.source.path.as_str()).collect();
        assert_eq!(files, ["a.tf", "b.tf", "plan.json"]);
        assert_eq!(plan[1].source.region(plan[1].header).start_line, 2);
    }

    #[test]
    fn relocation_candidates_drop_instance_keys() {
        assert_eq!(
            relocation_candidates("aws_s3_bucket.b"),
            ["aws_s3_bucket.b"]
        );
        assert_eq!(
            relocation_candidates(r#"module.a["x.y"].module.b[0].aws_s3_bucket.c["k"]"#),
            [
                r#"module.a["x.y"].module.b[0].aws_s3_bucket.c["k"]"#,
                r#"module.a["x.y"].module.b[0].aws_s3_bucket.c"#,
                r#"module.a.module.b.aws_s3_bucket.c["k"]"#,
                "module.a.module.b.aws_s3_bucket.c",
            ]
        );
        assert_eq!(
            relocation_candidates("module.m.data.aws_ami.x[0]"),
            ["module.m.data.aws_ami.x[0]", "module.m.data.aws_ami.x"]
        );
    }
}
