package scalegate.rules.tag_key_near_miss_test

import data.scalegate.rules.tag_key_near_miss as rule

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

_tagged(id, type, tags) := _resource(id, type, tags, [], tags, [])

_input(resources) := {"bundle": {"format": "terraform", "path": "infra/prod"}, "resources": resources}

_finding(id, path, key, required) := {
	"resource": id,
	"path": path,
	"msg": sprintf("%s: tag key %q differs from the required key %q only by case or separators, so it is a different tag", [id, key, required]),
	"key": key,
}

test_deny_case_and_separator_variants if {
	tags := {"CostCenter": "cc-1042", "Owner": "web-team", "environment": "production", "Name": "logs"}
	findings := rule.deny with input as _input([_tagged("aws_s3_bucket.logs", "aws_s3_bucket", tags)])
	findings == {
		_finding("aws_s3_bucket.logs", ["tags", "CostCenter"], "CostCenter", "cost-center"),
		_finding("aws_s3_bucket.logs", ["tags", "Owner"], "Owner", "owner"),
	}
}

test_deny_other_separators if {
	tags := {"cost_center": "a", "cost.center": "b", "cost center": "c", "ENVIRONMENT": "prod"}
	findings := rule.deny with input as _input([_tagged("aws_sqs_queue.jobs", "aws_sqs_queue", tags)])
	{f.key | some f in findings} == {"cost_center", "cost.center", "cost center", "ENVIRONMENT"}
}

test_allow_exact_required_and_unrelated_keys if {
	tags := {"cost-center": "cc-1042", "owner": "web-team", "environment": "production", "costcentre": "x", "team-owner": "y"}
	count(rule.deny) == 0 with input as _input([_tagged("aws_s3_bucket.logs", "aws_s3_bucket", tags)])
}

test_azure_case_is_the_same_key_but_separators_are_not if {
	tags := {"Cost-Center": "cc-1042", "OWNER": "web-team", "Environ_ment": "production"}
	findings := rule.deny with input as _input([_tagged("azurerm_resource_group.main", "azurerm_resource_group", tags)])
	findings == {_finding("azurerm_resource_group.main", ["tags", "Environ_ment"], "Environ_ment", "environment")}
}

test_deny_key_with_unknown_value if {
	# The value is unknown, the key is not.
	r := _resource("aws_s3_bucket.logs", "aws_s3_bucket", {}, [["tags", "CostCenter"]], {}, ["CostCenter"])
	findings := rule.deny with input as _input([r])
	findings == {_finding("aws_s3_bucket.logs", ["tags", "CostCenter"], "CostCenter", "cost-center")}
}

test_nothing_when_tags_are_unknown if {
	r := _resource("aws_s3_bucket.logs", "aws_s3_bucket", {}, [["tags"]], {}, ["*"])
	count(rule.deny) == 0 with input as _input([r])
	count(rule.unverified) == 0 with input as _input([r])
}

test_deny_default_tags_once_on_the_provider if {
	provider := {
		"id": "provider.aws",
		"format": "terraform",
		"type": "provider",
		"name": "aws",
		"provider": null,
		"config": {"default_tags": [{"tags": {"CostCenter": "cc-1042"}}]},
		"unknown": [],
		"references": {},
		"tags": {},
		"tags_unknown": [],
	}
	bucket := _resource("aws_s3_bucket.logs", "aws_s3_bucket", {"owner": "web"}, [], {"owner": "web", "CostCenter": "cc-1042"}, [])
	findings := rule.deny with input as _input([provider, bucket])
	findings == {_finding("provider.aws", ["default_tags", 0, "tags", "CostCenter"], "CostCenter", "cost-center")}
}

test_deny_autoscaling_group_tag_block_at_its_key if {
	asg := object.union(_tagged("aws_autoscaling_group.web", "aws_autoscaling_group", {"Cost_Center": "cc-1042"}), {"config": {"tag": [
		{"key": "Cost_Center", "value": "cc-1042", "propagate_at_launch": true},
	]}})
	findings := rule.deny with input as _input([asg])
	findings == {_finding("aws_autoscaling_group.web", ["tag", 0, "key"], "Cost_Center", "cost-center")}
}

test_required_keys_come_from_settings if {
	inp := _input([_tagged("aws_s3_bucket.logs", "aws_s3_bucket", {"CostCenter": "x", "Team": "y"})])
	findings := rule.deny with input as inp with data.scalegate.settings.tags.required as ["team"]
	findings == {_finding("aws_s3_bucket.logs", ["tags", "Team"], "Team", "team")}
}

test_allow_types_not_taggable_or_excluded if {
	inp := _input([
		_tagged("aws_route.r", "aws_route", {"CostCenter": "x"}),
		_tagged("aws_sqs_queue.jobs", "aws_sqs_queue", {"CostCenter": "x"}),
	])
	count(rule.deny) == 0 with input as inp with data.scalegate.settings.tags.exclude_types as ["aws_sqs_queue"]
}
