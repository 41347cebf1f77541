package scalegate.rules.log_retention_test

import data.scalegate.rules.log_retention as rule

_group(name, config, unknown) := {
	"id": sprintf("aws_cloudwatch_log_group.%s", [name]),
	"format": "terraform",
	"type": "aws_cloudwatch_log_group",
	"name": name,
	"provider": "aws",
	"file": "logs.tf",
	"config": object.union({"name": sprintf("/shop/%s", [name])}, config),
	"unknown": unknown,
	"references": {},
	"tags": {},
	"tags_unknown": [],
}

_input(resources) := {"bundle": {"format": "terraform", "path": "infra"}, "resources": resources}

_finding(name, path, msg) := {"resource": sprintf("aws_cloudwatch_log_group.%s", [name]), "path": path, "msg": msg}

test_deny_absent_or_zero_never_expires if {
	inp := _input([_group("app", {}, []), _group("audit", {"retention_in_days": 0}, [])])
	findings := rule.deny with input as inp
	findings == {
		_finding("app", ["retention_in_days"], "aws_cloudwatch_log_group.app does not set retention_in_days, so its logs never expire"),
		_finding("audit", ["retention_in_days"], "aws_cloudwatch_log_group.audit sets retention_in_days = 0, so its logs never expire"),
	}
	count(rule.unverified) == 0 with input as inp
}

test_deny_outside_bounds if {
	inp := _input([_group("app", {"retention_in_days": 1}, []), _group("audit", {"retention_in_days": "7300"}, [])])
	findings := rule.deny with input as inp with data.scalegate.settings.aws.log_retention_days as {"min": 7, "max": 3653}
	findings == {
		_finding("app", ["retention_in_days"], "aws_cloudwatch_log_group.app sets retention_in_days = 1, below the minimum of 7 days"),
		_finding("audit", ["retention_in_days"], "aws_cloudwatch_log_group.audit sets retention_in_days = 7300, above the maximum of 3653 days"),
	}
}

test_allow_within_bounds_and_at_the_bounds if {
	inp := _input([
		_group("a", {"retention_in_days": 1}, []),
		_group("b", {"retention_in_days": 30}, []),
		_group("c", {"retention_in_days": "3653"}, []),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_delivery_class_and_data_sources if {
	data_source := object.union(_group("shared", {}, []), {"id": "data.aws_cloudwatch_log_group.shared"})
	inp := _input([_group("vended", {"log_group_class": "DELIVERY"}, []), data_source])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_note_when_retention_unknown if {
	inp := _input([_group("app", {}, [["retention_in_days"]])])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {_finding("app", ["retention_in_days"], "aws_cloudwatch_log_group.app: retention_in_days is known only when Terraform runs")}
}

test_note_when_class_unknown_and_retention_fails if {
	inp := _input([
		_group("app", {}, [["log_group_class"]]),
		# Retention within bounds: whatever the class, nothing to say.
		_group("ok", {"retention_in_days": 14}, [["log_group_class"]]),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {_finding(
		"app", ["log_group_class"],
		"aws_cloudwatch_log_group.app does not set retention_in_days, so its logs never expire, unless its log_group_class, known only when Terraform runs, is DELIVERY",
	)}
}
