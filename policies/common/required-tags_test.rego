package scalegate.rules.required_tags_test

import data.scalegate.rules.required_tags as rule

_resource(id, type, tags, unknown) := {
	"id": id,
	"format": "terraform",
	"type": type,
	"name": split(id, ".")[1],
	"namespace": null,
	"provider": split(type, "_")[0],
	"file": "infra/prod/main.tf",
	"config": {"tags": tags},
	"unknown": unknown,
	"references": {},
	"tags": tags,
}

_input(resources) := {"bundle": {"format": "terraform", "path": "infra/prod"}, "resources": resources}

_all_tags := {"owner": "web-team", "cost-center": "cc-1234", "environment": "production"}

test_deny_each_missing_tag if {
	inp := _input([_resource("aws_s3_bucket.logs", "aws_s3_bucket", {"owner": "web-team"}, [])])
	findings := rule.deny with input as inp
	findings == {
		{
			"resource": "aws_s3_bucket.logs",
			"path": ["tags"],
			"msg": `aws_s3_bucket.logs does not set the required tag "cost-center"`,
			"key": "cost-center",
		},
		{
			"resource": "aws_s3_bucket.logs",
			"path": ["tags"],
			"msg": `aws_s3_bucket.logs does not set the required tag "environment"`,
			"key": "environment",
		},
	}
}

test_deny_azure_ignores_key_case_but_not_absence if {
	tags := {"Owner": "web-team", "COST-CENTER": "cc-1234"}
	inp := _input([_resource("azurerm_resource_group.main", "azurerm_resource_group", tags, [])])
	findings := rule.deny with input as inp
	findings == {{
		"resource": "azurerm_resource_group.main",
		"path": ["tags"],
		"msg": `azurerm_resource_group.main does not set the required tag "environment"`,
		"key": "environment",
	}}
}

test_allow_all_tags_present if {
	inp := _input([
		_resource("aws_s3_bucket.logs", "aws_s3_bucket", _all_tags, []),
		_resource("module.web.aws_lb.this", "aws_lb", _all_tags, []),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_types_not_taggable_or_excluded if {
	inp := _input([
		# Not taggable: an attachment, a data source, a provider block.
		_resource("aws_iam_role_policy_attachment.ssm", "aws_iam_role_policy_attachment", {}, []),
		_resource("data.aws_s3_bucket.shared", "aws_s3_bucket", {}, []),
		# Excluded by settings.
		_resource("aws_sqs_queue.jobs", "aws_sqs_queue", {}, []),
	])
	count(rule.deny) == 0 with input as inp with data.scalegate.settings.tags.exclude_types as ["aws_sqs_queue"]
}

test_allow_key_with_unknown_value if {
	tags := {"owner": "web-team", "cost-center": "cc-1234"}
	inp := _input([_resource("aws_s3_bucket.logs", "aws_s3_bucket", tags, [["tags", "environment"]])])
	count(rule.deny) == 0 with input as inp
}

test_unverified_when_tags_may_hold_unknown_keys if {
	inp := _input([
		_resource("aws_s3_bucket.logs", "aws_s3_bucket", {"owner": "web-team"}, [["tags", "*"]]),
		_resource("aws_sqs_queue.jobs", "aws_sqs_queue", {}, [["tags"]]),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {
		{
			"resource": "aws_s3_bucket.logs",
			"path": ["tags"],
			"msg": "aws_s3_bucket.logs: the required tags cost-center, environment are not among its known tags, and its tags hold values known only when Terraform runs",
		},
		{
			"resource": "aws_sqs_queue.jobs",
			"path": ["tags"],
			"msg": "aws_sqs_queue.jobs: the required tags owner, cost-center, environment are not among its known tags, and its tags hold values known only when Terraform runs",
		},
	}
}

test_required_keys_come_from_settings if {
	inp := _input([_resource("aws_s3_bucket.logs", "aws_s3_bucket", _all_tags, [])])
	findings := rule.deny with input as inp with data.scalegate.settings.tags.required as ["team"]
	findings == {{
		"resource": "aws_s3_bucket.logs",
		"path": ["tags"],
		"msg": `aws_s3_bucket.logs does not set the required tag "team"`,
		"key": "team",
	}}
}
