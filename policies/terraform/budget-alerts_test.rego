package scalegate.rules.budget_alerts_test

import data.scalegate.rules.budget_alerts as rule

_r(id, type, config, unknown, references) := {
	"id": id,
	"format": "terraform",
	"type": type,
	"name": "x",
	"provider": "aws",
	"file": "budgets.tf",
	"config": config,
	"unknown": unknown,
	"references": references,
	"tags": {},
	"tags_unknown": [],
}

_budget(name, notifications, unknown) := _r(
	sprintf("aws_budgets_budget.%s", [name]), "aws_budgets_budget",
	object.union(
		{"name": name, "budget_type": "COST", "limit_amount": "1000", "limit_unit": "USD", "time_unit": "MONTHLY"},
		notifications,
	),
	unknown, {},
)

_notification(subscribers) := object.union({
	"comparison_operator": "GREATER_THAN",
	"threshold": 80,
	"threshold_type": "PERCENTAGE",
	"notification_type": "FORECASTED",
}, subscribers)

# _action(name, budget_address, unknown) is a budget action attached by `budget_name = <budget>.name`.
_action(name, budget_address, unknown) := _r(
	sprintf("aws_budgets_budget_action.%s", [name]), "aws_budgets_budget_action",
	{"subscriber": [{"address": "finops@example.com", "subscription_type": "EMAIL"}]},
	array.concat([["budget_name"]], unknown), {"budget_name": [budget_address]},
)

_input(resources) := {"bundle": {"format": "terraform", "path": "infra"}, "resources": resources}

test_deny_no_notification if {
	inp := _input([_budget("monthly", {}, [])])
	rule.deny == {{
		"resource": "aws_budgets_budget.monthly",
		"path": ["notification"],
		"msg": "aws_budgets_budget.monthly has no notification block, so nobody hears when spending passes its limit",
	}} with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_deny_notifications_without_subscribers if {
	inp := _input([_budget("monthly", {"notification": [
		_notification({}),
		_notification({"subscriber_email_addresses": [], "subscriber_sns_topic_arns": []}),
	]}, [])])
	rule.deny == {{
		"resource": "aws_budgets_budget.monthly",
		"path": ["notification", 0],
		"msg": "no notification of aws_budgets_budget.monthly has a subscriber (subscriber_email_addresses or subscriber_sns_topic_arns), so nobody hears when spending passes its limit",
	}} with input as inp
}

test_deny_action_of_another_budget_does_not_count if {
	inp := _input([_budget("monthly", {}, []), _action("stop", "aws_budgets_budget.other", [])])
	count(rule.deny) == 1 with input as inp
}

test_allow_email_or_topic_subscriber if {
	inp := _input([
		_budget("a", {"notification": [_notification({}), _notification({"subscriber_email_addresses": ["finops@example.com"]})]}, []),
		_budget("b", {"notification": [_notification({"subscriber_sns_topic_arns": ["arn:aws:sns:us-east-1:123456789012:budget"]})]}, []),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_subscriber_list_that_refers_to_a_resource if {
	budget := object.union(
		_budget("a", {"notification": [_notification({})]}, [["notification", 0, "subscriber_sns_topic_arns"]]),
		{"references": {"notification.0.subscriber_sns_topic_arns": ["aws_sns_topic.budget_alerts"]}},
	)
	inp := _input([budget])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_budget_action_by_reference_or_name if {
	by_name := _r("aws_budgets_budget_action.named", "aws_budgets_budget_action", {"budget_name": "b"}, [], {})
	inp := _input([_budget("a", {}, []), _action("stop", "aws_budgets_budget.a", []), _budget("b", {}, []), by_name])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_note_notifications_unknown if {
	inp := _input([
		_budget("a", {}, [["notification"]]),
		_budget("b", {"notification": [_notification({})]}, [["notification", 0, "subscriber_email_addresses"]]),
	])
	count(rule.deny) == 0 with input as inp
	rule.unverified == {
		{
			"resource": "aws_budgets_budget.a",
			"path": ["notification"],
			"msg": "aws_budgets_budget.a: whether it notifies anyone is known only when Terraform runs: its notification blocks are known only when Terraform runs",
		},
		{
			"resource": "aws_budgets_budget.b",
			"path": ["notification"],
			"msg": "aws_budgets_budget.b: whether it notifies anyone is known only when Terraform runs: notification 0: subscriber_email_addresses is known only when Terraform runs",
		},
	} with input as inp
}

test_note_action_may_not_exist_or_names_a_variable_budget if {
	by_var := _r("aws_budgets_budget_action.shared", "aws_budgets_budget_action", {}, [["budget_name"]], {"budget_name": ["var.budget_name"]})
	inp := _input([_budget("a", {}, []), _action("stop", "aws_budgets_budget.a", [["count"]]), by_var])
	count(rule.deny) == 0 with input as inp
	rule.unverified == {{
		"resource": "aws_budgets_budget.a",
		"path": ["notification"],
		"msg": "aws_budgets_budget.a: whether it notifies anyone is known only when Terraform runs: aws_budgets_budget_action.shared names its budget by a value known only when Terraform runs; aws_budgets_budget_action.stop may not be created (its count or for_each is known only when Terraform runs)",
	}} with input as inp
}
