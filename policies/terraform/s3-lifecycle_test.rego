package scalegate.rules.s3_lifecycle_test

import data.scalegate.rules.s3_lifecycle as rule

_r(id, type, config, unknown, references) := {
	"id": id,
	"format": "terraform",
	"type": type,
	"name": "x",
	"provider": "aws",
	"file": "s3.tf",
	"config": config,
	"unknown": unknown,
	"references": references,
	"tags": {},
	"tags_unknown": [],
}

_bucket(name, config, unknown) := _r(sprintf("aws_s3_bucket.%s", [name]), "aws_s3_bucket", object.union({"bucket": sprintf("shop-%s", [name])}, config), unknown, {})

# _lifecycle(name, bucket_address, rules, unknown) refers to its bucket as `aws_s3_bucket.x.id` does.
_lifecycle(name, bucket_address, rules, unknown) := _r(
	sprintf("aws_s3_bucket_lifecycle_configuration.%s", [name]),
	"aws_s3_bucket_lifecycle_configuration",
	{"rule": rules},
	array.concat([["bucket"]], unknown),
	{"bucket": [bucket_address]},
)

_enabled := [{"id": "expire", "status": "Enabled", "expiration": [{"days": 90}]}]

_disabled := [{"id": "expire", "status": "Disabled", "expiration": [{"days": 90}]}]

_input(resources) := {"bundle": {"format": "terraform", "path": "infra"}, "resources": resources}

test_deny_bucket_without_any_lifecycle if {
	inp := _input([
		_bucket("uploads", {}, []),
		# A configuration of another bucket does not count.
		_lifecycle("logs", "aws_s3_bucket.logs", _enabled, []),
	])
	findings := rule.deny with input as inp
	findings == {{
		"resource": "aws_s3_bucket.uploads",
		"path": ["lifecycle_rule"],
		"msg": "aws_s3_bucket.uploads has no lifecycle: no aws_s3_bucket_lifecycle_configuration refers to it and it has no lifecycle_rule block",
	}}
	count(rule.unverified) == 0 with input as inp
}

test_deny_all_rules_disabled if {
	inp := _input([
		_bucket("uploads", {}, []),
		_lifecycle("uploads", "aws_s3_bucket.uploads", _disabled, []),
		_bucket("legacy", {"lifecycle_rule": [{"enabled": false}]}, []),
	])
	findings := rule.deny with input as inp
	findings == {
		{
			"resource": "aws_s3_bucket.uploads",
			"path": ["lifecycle_rule"],
			"msg": "aws_s3_bucket.uploads has no enabled lifecycle rule: the rules of aws_s3_bucket_lifecycle_configuration.uploads are all disabled",
		},
		{
			"resource": "aws_s3_bucket.legacy",
			"path": ["lifecycle_rule", 0, "enabled"],
			"msg": "aws_s3_bucket.legacy has no enabled lifecycle rule: the rules of its lifecycle_rule blocks are all disabled",
		},
	}
}

test_allow_configuration_by_reference_or_name if {
	by_name := _r(
		"aws_s3_bucket_lifecycle_configuration.assets", "aws_s3_bucket_lifecycle_configuration",
		{"bucket": "shop-assets", "rule": _enabled}, [], {},
	)
	inp := _input([
		_bucket("uploads", {}, []),
		_lifecycle("uploads", "aws_s3_bucket.uploads", array.concat(_disabled, _enabled), []),
		_bucket("assets", {}, []),
		by_name,
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_module_instances if {
	bucket := object.union(_bucket("this", {}, []), {"id": "module.logs.aws_s3_bucket.this[0]"})
	config := object.union(
		_lifecycle("this", "module.logs.aws_s3_bucket.this[0]", _enabled, []),
		{"id": "module.logs.aws_s3_bucket_lifecycle_configuration.this[0]"},
	)
	inp := _input([bucket, config])
	count(rule.deny) == 0 with input as inp
}

test_allow_inline_rule_enabled_or_without_enabled if {
	inp := _input([
		_bucket("a", {"lifecycle_rule": [{"enabled": false}, {"enabled": true}]}, []),
		_bucket("b", {"lifecycle_rule": [{"id": "expire"}]}, []),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_data_source_is_not_checked if {
	shared := object.union(_bucket("shared", {}, []), {"id": "data.aws_s3_bucket.shared"})
	count(rule.deny) == 0 with input as _input([shared])
}

test_note_configuration_may_not_exist if {
	inp := _input([
		_bucket("uploads", {}, []),
		_lifecycle("uploads", "aws_s3_bucket.uploads", _enabled, [["count"]]),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {{
		"resource": "aws_s3_bucket.uploads",
		"path": ["lifecycle_rule"],
		"msg": "aws_s3_bucket.uploads has no lifecycle that is known to be enabled: aws_s3_bucket_lifecycle_configuration.uploads may not be created (its count or for_each is known only when Terraform runs)",
	}}
}

test_note_rules_unknown if {
	dynamic_rules := object.union(_lifecycle("uploads", "aws_s3_bucket.uploads", [], [["rule"]]), {"config": {}})
	unknown_status := _lifecycle("more", "aws_s3_bucket.uploads", [{"id": "x"}], [["rule", 0, "status"]])
	inp := _input([_bucket("uploads", {}, []), dynamic_rules, unknown_status])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {{
		"resource": "aws_s3_bucket.uploads",
		"path": ["lifecycle_rule"],
		"msg": "aws_s3_bucket.uploads has no lifecycle that is known to be enabled: the rule status of aws_s3_bucket_lifecycle_configuration.more is known only when Terraform runs; the rule status of aws_s3_bucket_lifecycle_configuration.uploads is known only when Terraform runs",
	}}
}

test_note_inline_rules_unknown if {
	inp := _input([
		_bucket("a", {}, [["lifecycle_rule"]]),
		_bucket("b", {"lifecycle_rule": [{}]}, [["lifecycle_rule", 0, "enabled"]]),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {
		{
			"resource": "aws_s3_bucket.a",
			"path": ["lifecycle_rule"],
			"msg": "aws_s3_bucket.a has no lifecycle that is known to be enabled: its lifecycle_rule blocks are known only when Terraform runs",
		},
		{
			"resource": "aws_s3_bucket.b",
			"path": ["lifecycle_rule"],
			"msg": "aws_s3_bucket.b has no lifecycle that is known to be enabled: lifecycle_rule 0: enabled is known only when Terraform runs",
		},
	}
}

test_note_configuration_of_a_variable_bucket if {
	by_var := _r(
		"aws_s3_bucket_lifecycle_configuration.this", "aws_s3_bucket_lifecycle_configuration",
		{"rule": _enabled}, [["bucket"]], {"bucket": ["var.bucket_name"]},
	)
	inp := _input([_bucket("uploads", {}, []), by_var])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {{
		"resource": "aws_s3_bucket.uploads",
		"path": ["lifecycle_rule"],
		"msg": "aws_s3_bucket.uploads has no lifecycle that is known to be enabled: aws_s3_bucket_lifecycle_configuration.this names its bucket by a value known only when Terraform runs",
	}}
}
