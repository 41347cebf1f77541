package scalegate.rules.tag_values_test

import data.scalegate.rules.tag_values as rule

# _resource(id, type, own, unknown, effective, tags_unknown) is a Terraform resource
# that writes `own` as its `tags` and has the effective tags `effective`.
_resource(id, type, own, unknown, effective, tags_unknown) := {
	"id": id,
	"format": "terraform",
	"type": type,
	"name": split(id, ".")[1],
	"namespace": null,
	"provider": split(type, "_")[0],
	"file": "infra/prod/main.tf",
	"config": {"tags": own},
	"unknown": unknown,
	"references": {},
	"tags": effective,
	"tags_unknown": tags_unknown,
}

# _tagged(id, type, tags) writes `tags` and has them as its effective tags.
_tagged(id, type, tags) := _resource(id, type, tags, [], tags, [])

_provider(config, unknown) := {
	"id": "provider.aws",
	"format": "terraform",
	"type": "provider",
	"name": "aws",
	"namespace": null,
	"provider": null,
	"file": "infra/prod/providers.tf",
	"config": config,
	"unknown": unknown,
	"references": {},
	"tags": {},
	"tags_unknown": [],
}

_input(resources) := {"bundle": {"format": "terraform", "path": "infra/prod"}, "resources": resources}

_good := {"owner": "web-team", "cost-center": "cc-1042", "environment": "production"}

test_deny_value_not_in_allowed_list if {
	inp := _input([_tagged("aws_s3_bucket.logs", "aws_s3_bucket", object.union(_good, {"environment": "prd"}))])
	findings := rule.deny with input as inp
	findings == {{
		"resource": "aws_s3_bucket.logs",
		"path": ["tags", "environment"],
		"msg": `aws_s3_bucket.logs: tag "environment" has the value "prd", which is not one of the allowed values production, prod, staging, development, dev, test`,
		"key": "environment",
	}}
}

test_deny_values_compare_with_case if {
	inp := _input([_tagged("aws_s3_bucket.logs", "aws_s3_bucket", {"environment": "Production"})])
	count(rule.deny) == 1 with input as inp
}

test_allow_allowed_values_and_unconstrained_keys if {
	inp := _input([
		_tagged("aws_s3_bucket.logs", "aws_s3_bucket", _good),
		_tagged("aws_sqs_queue.jobs", "aws_sqs_queue", {"environment": "dev", "team": "anything at all"}),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_deny_value_not_matching_pattern if {
	inp := _input([_tagged("aws_s3_bucket.logs", "aws_s3_bucket", {"cost-center": "1042"})])
	findings := rule.deny with input as inp with data.scalegate.settings.tags.patterns as {"cost-center": "^cc-[0-9]{4}$"}
	findings == {{
		"resource": "aws_s3_bucket.logs",
		"path": ["tags", "cost-center"],
		"msg": `aws_s3_bucket.logs: tag "cost-center" has the value "1042", which does not match the pattern "^cc-[0-9]{4}$"`,
		"key": "cost-center",
	}}
}

test_allow_value_matching_pattern if {
	inp := _input([_tagged("aws_s3_bucket.logs", "aws_s3_bucket", _good)])
	count(rule.deny) == 0 with input as inp with data.scalegate.settings.tags.patterns as {"cost-center": "^cc-[0-9]{4}$"}
}

test_list_and_pattern_accept_either if {
	patterns := {"environment": "^preview-[a-z0-9-]+$"}
	ok := _input([
		_tagged("aws_s3_bucket.a", "aws_s3_bucket", {"environment": "preview-pr-42"}),
		_tagged("aws_s3_bucket.b", "aws_s3_bucket", {"environment": "staging"}),
	])
	count(rule.deny) == 0 with input as ok with data.scalegate.settings.tags.patterns as patterns
	bad := _input([_tagged("aws_s3_bucket.c", "aws_s3_bucket", {"environment": "qa"})])
	findings := rule.deny with input as bad with data.scalegate.settings.tags.patterns as patterns
	[f.msg | some f in findings] == [`aws_s3_bucket.c: tag "environment" has the value "qa", which is neither one of the allowed values production, prod, staging, development, dev, test nor matches the pattern "^preview-[a-z0-9-]+$"`]
}

test_empty_list_or_pattern_switches_a_constraint_off if {
	inp := _input([_tagged("aws_s3_bucket.logs", "aws_s3_bucket", {"environment": "qa", "cost-center": "x"})])
	count(rule.deny) == 0 with input as inp
		with data.scalegate.settings.tags.allowed_values as {"environment": []}
		with data.scalegate.settings.tags.patterns as {"cost-center": ""}
}

test_key_with_a_pattern_that_does_not_compile_is_not_checked if {
	# `\d` does not compile in regorus: the key is skipped, not failed everywhere.
	inp := _input([_tagged("aws_s3_bucket.logs", "aws_s3_bucket", {"environment": "qa", "cost-center": "cc-1042"})])
	count(rule.deny) == 0 with input as inp
		with data.scalegate.settings.tags.patterns as {"cost-center": `^cc-\d{4}$`, "environment": `^\w+$`}
}

test_values_are_compared_as_text if {
	inp := _input([_tagged("aws_s3_bucket.logs", "aws_s3_bucket", {"cost-center": 1042, "environment": "dev"})])
	count(rule.deny) == 0 with input as inp with data.scalegate.settings.tags.allowed_values as {"cost-center": [1042, 1043]}
	findings := rule.deny with input as inp with data.scalegate.settings.tags.allowed_values as {"cost-center": [1043]}
	[f.msg | some f in findings] == [`aws_s3_bucket.logs: tag "cost-center" has the value "1042", which is not one of the allowed values 1043`]
}

test_deny_azure_key_in_any_case if {
	inp := _input([_tagged("azurerm_resource_group.main", "azurerm_resource_group", {"Environment": "prd"})])
	findings := rule.deny with input as inp
	findings == {{
		"resource": "azurerm_resource_group.main",
		"path": ["tags", "Environment"],
		"msg": `azurerm_resource_group.main: tag "Environment" has the value "prd", which is not one of the allowed values production, prod, staging, development, dev, test`,
		"key": "Environment",
	}}
}

test_allow_other_case_key_outside_azure if {
	# On AWS `Environment` is another key than `environment` (SG-TAG-003's concern).
	inp := _input([_tagged("aws_s3_bucket.logs", "aws_s3_bucket", {"Environment": "prd"})])
	count(rule.deny) == 0 with input as inp
}

test_deny_default_tags_value_once_on_the_provider if {
	provider := _provider({"default_tags": [{"tags": {"environment": "prd", "owner": "platform"}}]}, [])
	# The bucket inherits the value: reported on the provider only.
	bucket := _resource("aws_s3_bucket.logs", "aws_s3_bucket", {"owner": "web"}, [], {"environment": "prd", "owner": "web"}, [])
	inp := _input([provider, bucket])
	findings := rule.deny with input as inp
	findings == {{
		"resource": "provider.aws",
		"path": ["default_tags", 0, "tags", "environment"],
		"msg": `provider.aws: tag "environment" has the value "prd", which is not one of the allowed values production, prod, staging, development, dev, test`,
		"key": "environment",
	}}
}

test_deny_autoscaling_group_tag_block if {
	asg := object.union(_tagged("aws_autoscaling_group.web", "aws_autoscaling_group", {"environment": "live"}), {"config": {"tag": [
		{"key": "owner", "value": "web-team", "propagate_at_launch": true},
		{"key": "environment", "value": "live", "propagate_at_launch": true},
	]}})
	findings := rule.deny with input as _input([asg])
	[f.path | some f in findings] == [["tag", 1, "value"]]
}

test_allow_types_not_taggable_excluded_or_kubernetes if {
	route := _tagged("aws_route.r", "aws_route", {"environment": "prd"})
	queue := _tagged("aws_sqs_queue.jobs", "aws_sqs_queue", {"environment": "prd"})
	deployment := {
		"id": "apps/Deployment/shop/web",
		"format": "kubernetes",
		"type": "Deployment",
		"name": "web",
		"namespace": "shop",
		"config": {"metadata": {"name": "web", "labels": {"environment": "prd"}}},
		"unknown": [],
		"references": {},
		"tags": {"environment": "prd"},
	}
	inp := _input([route, queue, deployment])
	count(rule.deny) == 0 with input as inp with data.scalegate.settings.tags.exclude_types as ["aws_sqs_queue"]
}

test_unverified_when_a_constrained_value_is_unknown if {
	inp := _input([
		_resource("aws_s3_bucket.logs", "aws_s3_bucket", {"owner": "web"}, [["tags", "environment"], ["tags", "team"]], {"owner": "web"}, ["environment", "team"]),
		_provider({"default_tags": [{"tags": {}}]}, [["default_tags", 0, "tags", "environment"]]),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {
		{
			"resource": "aws_s3_bucket.logs",
			"path": ["tags", "environment"],
			"msg": `aws_s3_bucket.logs: the value of tag "environment" is known only when Terraform runs, so it cannot be checked against the allowed values`,
		},
		{
			"resource": "provider.aws",
			"path": ["default_tags", 0, "tags", "environment"],
			"msg": `provider.aws: the value of tag "environment" is known only when Terraform runs, so it cannot be checked against the allowed values`,
		},
	}
}

test_no_note_when_tags_may_only_hold_more_keys if {
	inp := _input([_resource("aws_s3_bucket.logs", "aws_s3_bucket", _good, [["tags", "*"]], _good, ["*"])])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_unknown_unconstrained_value_gives_no_note if {
	inp := _input([_resource("aws_s3_bucket.logs", "aws_s3_bucket", {}, [["tags", "team"]], {}, ["team"])])
	count(rule.unverified) == 0 with input as inp
}

