package scalegate.rules.provider_default_tags_test

import data.scalegate.rules.provider_default_tags as rule

# _provider(id, name, config, unknown) is a provider block as the parser gives it.
_provider(id, name, config, unknown) := {
	"id": id,
	"format": "terraform",
	"type": "provider",
	"name": name,
	"namespace": null,
	"provider": null,
	"file": "infra/prod/providers.tf",
	"config": config,
	"unknown": unknown,
	"references": {},
	"tags": {},
	"tags_unknown": [],
}

_aws(config, unknown) := _provider("provider.aws", "aws", config, unknown)

_default_tags(tags) := {"region": "eu-west-1", "default_tags": [{"tags": tags}]}

_input(resources) := {"bundle": {"format": "terraform", "path": "infra/prod"}, "resources": resources}

_all := {"owner": "web-team", "cost-center": "cc-1042", "environment": "production"}

test_deny_provider_without_default_tags if {
	findings := rule.deny with input as _input([_aws({"region": "eu-west-1"}, [])])
	findings == {{
		"resource": "provider.aws",
		"path": ["default_tags"],
		"msg": "provider.aws has no default_tags block, so none of the required tags owner, cost-center, environment is applied to the resources it manages",
		"key": "default_tags",
	}}
}

test_deny_each_missing_key if {
	findings := rule.deny with input as _input([_aws(_default_tags({"owner": "web-team", "Environment": "production"}), [])])
	findings == {
		{
			"resource": "provider.aws",
			"path": ["default_tags", 0, "tags"],
			"msg": `provider.aws: default_tags does not set the required tag "cost-center"`,
			"key": "cost-center",
		},
		{
			"resource": "provider.aws",
			"path": ["default_tags", 0, "tags"],
			"msg": `provider.aws: default_tags does not set the required tag "environment"`,
			"key": "environment",
		},
	}
}

test_deny_empty_default_tags_block if {
	findings := rule.deny with input as _input([_aws({"default_tags": [{}]}, [])])
	{f.key | some f in findings} == {"owner", "cost-center", "environment"}
}

test_deny_aliased_provider if {
	west := _provider("provider.aws.west", "aws", {"alias": "west", "region": "us-west-2"}, [])
	inp := _input([_aws(_default_tags(_all), []), west])
	findings := rule.deny with input as inp
	{f.resource | some f in findings} == {"provider.aws.west"}
}

test_allow_all_required_keys if {
	inp := _input([_aws(_default_tags(_all), [])])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_required_key_with_unknown_value if {
	tags := {"owner": "web-team", "cost-center": "cc-1042"}
	inp := _input([_aws(_default_tags(tags), [["default_tags", 0, "tags", "environment"]])])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_other_providers if {
	inp := _input([
		_provider("provider.google", "google", {"project": "shop"}, []),
		_provider("provider.azurerm", "azurerm", {"features": [{}]}, []),
	])
	count(rule.deny) == 0 with input as inp
}

test_allow_nothing_to_check_without_required_keys if {
	inp := _input([_aws({"region": "eu-west-1"}, [])])
	count(rule.deny) == 0 with input as inp with data.scalegate.settings.tags.required as []
}

test_unverified_when_default_tags_may_hold_more if {
	inp := _input([
		# tags = merge(var.default_tags, { owner = "web-team" })
		_provider("provider.aws", "aws", _default_tags({"owner": "web-team"}), [["default_tags", 0, "tags", "*"]]),
		# tags = var.default_tags
		_provider("provider.aws.west", "aws", {"alias": "west", "default_tags": [{}]}, [["default_tags", 0, "tags"]]),
		# dynamic "default_tags" over a variable
		_provider("provider.aws.east", "aws", {"alias": "east"}, [["default_tags"]]),
		# Every required key known: nothing to note.
		_provider("provider.aws.eu", "aws", _default_tags(_all), [["default_tags", 0, "tags", "*"]]),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {
		{
			"resource": "provider.aws",
			"path": ["default_tags", 0, "tags"],
			"msg": "provider.aws: the required tags cost-center, environment are not among the known keys of its default_tags, which hold values known only when Terraform runs",
		},
		{
			"resource": "provider.aws.west",
			"path": ["default_tags", 0, "tags"],
			"msg": "provider.aws.west: the required tags owner, cost-center, environment are not among the known keys of its default_tags, which hold values known only when Terraform runs",
		},
		{
			"resource": "provider.aws.east",
			"path": ["default_tags", 0, "tags"],
			"msg": "provider.aws.east: the required tags owner, cost-center, environment are not among the known keys of its default_tags, which hold values known only when Terraform runs",
		},
	}
}

test_required_keys_come_from_settings if {
	inp := _input([_aws(_default_tags(_all), [])])
	findings := rule.deny with input as inp with data.scalegate.settings.tags.required as ["owner", "team"]
	{f.key | some f in findings} == {"team"}
}
