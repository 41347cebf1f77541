# METADATA
# title: Budget notifies nobody
# description: >-
#   A budget without a notification that reaches someone tracks spending silently:
#   a runaway autoscaling group or a forgotten load test is found on the invoice a
#   month later instead of the day it starts. A budget counts as alerting when a
#   `notification` block has a subscriber (`subscriber_email_addresses` or
#   `subscriber_sns_topic_arns`), or when an `aws_budgets_budget_action` (whose
#   subscribers are required) is attached to it.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-AWS-012.md
# custom:
#   id: SG-AWS-012
#   slug: budget-alerts
#   severity: low
#   input:
#     selector:
#       types: [aws_budgets_budget, aws_budgets_budget_action]
#   remediation: >-
#     Add a `notification` block with a subscriber, e.g. `notification {
#     comparison_operator = "GREATER_THAN" threshold = 80 threshold_type =
#     "PERCENTAGE" notification_type = "FORECASTED" subscriber_email_addresses =
#     ["finops@example.com"] }`.
package scalegate.rules.budget_alerts

import data.scalegate.lib.aws_data
import data.scalegate.lib.known
import data.scalegate.lib.result
import data.scalegate.lib.terraform as tf

_subscriber_attributes := ["subscriber_email_addresses", "subscriber_sns_topic_arns"]

deny contains finding if {
	some b in _budgets
	not _alerts(b)
	count(_doubts(b)) == 0
	finding := _violation(b)
}

unverified contains finding if {
	some b in _budgets
	not _alerts(b)
	doubts := _doubts(b)
	count(doubts) > 0
	finding := result.finding(b, ["notification"], sprintf(
		"%s: whether it notifies anyone is known only when Terraform runs: %s",
		[b.id, concat("; ", sort(doubts))],
	))
}

_budgets := [b | some b in tf.by_type.aws_budgets_budget; tf.is_managed(b)]

_notifications(b) := object.get(b.config, "notification", [])

_actions(b) := aws_data.attached(b, "aws_budgets_budget_action", "budget_name", "name")

_violation(b) := result.finding(b, ["notification"], sprintf(
	"%s has no notification block, so nobody hears when spending passes its limit",
	[b.id],
)) if {
	count(_notifications(b)) == 0
}

_violation(b) := result.finding(b, ["notification", 0], sprintf(
	"no notification of %s has a subscriber (subscriber_email_addresses or subscriber_sns_topic_arns), so nobody hears when spending passes its limit",
	[b.id],
)) if {
	count(_notifications(b)) > 0
}

_alerts(b) if {
	some n in _notifications(b)
	some a in _subscriber_attributes
	count(object.get(n, a, [])) > 0
}

# A list known only when Terraform runs that refers to a resource
# (`[aws_sns_topic.alerts.arn]`) holds that resource's value.
_alerts(b) if {
	some i, _ in _notifications(b)
	some a in _subscriber_attributes
	known.unknown(b, ["notification", i, a])
	aws_data.refers_to_resource(b, sprintf("notification.%d.%s", [i, a]))
}

_alerts(b) if {
	some action in _actions(b)
	not aws_data.may_be_absent(action)
}

# _doubts(b) is why the budget may notify someone after all, one phrase each.
_doubts(b) := {d | some d in _notification_doubts(b)} | {d | some d in _action_doubts(b)} | {d | some d in _unresolved_doubts}

_notification_doubts(b) := ["its notification blocks are known only when Terraform runs"] if {
	known.unknown(b, ["notification"])
} else := [sprintf("notification %d: %s is known only when Terraform runs", [i, a]) |
	some i, _ in _notifications(b)
	some a in _subscriber_attributes
	known.unknown(b, ["notification", i, a])
]

_action_doubts(b) := [sprintf("%s may not be created (its count or for_each is known only when Terraform runs)", [action.id]) |
	some action in _actions(b)
	aws_data.may_be_absent(action)
]

# A budget action whose budget_name is a variable may belong to any budget here.
_unresolved_doubts := [sprintf("%s names its budget by a value known only when Terraform runs", [action.id]) |
	some action in aws_data.unresolved("aws_budgets_budget_action", "budget_name")
]
