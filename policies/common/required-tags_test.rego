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
	"tags_unknown": [],
}

# _effective(id, type, tags, tags_unknown) is a resource whose effective tags do not
# come from its own `tags` attribute (provider `default_tags`, `merge(var.tags, ...)`):
# `config.tags` is empty, `tags` and `tags_unknown` say what AWS would apply.
_effective(id, type, tags, tags_unknown) := object.union(_resource(id, type, {}, []), {
	"tags": tags,
	"tags_unknown": tags_unknown,
})

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

test_allow_tags_from_provider_default_tags if {
	inp := _input([
		_effective("aws_s3_bucket.logs", "aws_s3_bucket", _all_tags, []),
		object.union(_effective("aws_sqs_queue.jobs", "aws_sqs_queue", _all_tags, []), {"config": {}}),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_deny_missing_key_of_fully_known_effective_tags if {
	tags := {"owner": "web-team", "cost-center": "cc-1234"}
	inp := _input([_effective("aws_s3_bucket.logs", "aws_s3_bucket", tags, [])])
	findings := rule.deny with input as inp
	findings == {{
		"resource": "aws_s3_bucket.logs",
		"path": ["tags"],
		"msg": `aws_s3_bucket.logs does not set the required tag "environment"`,
		"key": "environment",
	}}
	count(rule.unverified) == 0 with input as inp
}

test_unverified_only_when_tags_unknown_may_hold_more if {
	inp := _input([
		_effective("aws_s3_bucket.logs", "aws_s3_bucket", {"owner": "web-team"}, ["*"]),
		# Said by both sources: still one note.
		object.union(
			_effective("aws_sqs_queue.jobs", "aws_sqs_queue", {}, ["environment", "*"]),
			{"unknown": [["tags", "*"]]},
		),
		# Every required key is known: nothing to note.
		_effective("aws_sns_topic.events", "aws_sns_topic", _all_tags, ["*"]),
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
			"msg": "aws_sqs_queue.jobs: the required tags owner, cost-center are not among its known tags, and its tags hold values known only when Terraform runs",
		},
	}
}

test_allow_required_key_listed_in_tags_unknown if {
	inp := _input([
		_effective("aws_s3_bucket.logs", "aws_s3_bucket", {"owner": "web-team", "cost-center": "cc-1234"}, ["environment"]),
		_effective("aws_sqs_queue.jobs", "aws_sqs_queue", {}, ["owner", "cost-center", "environment"]),
		_effective("azurerm_resource_group.main", "azurerm_resource_group", {"Owner": "web-team"}, ["Cost-Center", "ENVIRONMENT"]),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}
