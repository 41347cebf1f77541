# METADATA
# title: CloudWatch log group has no bounded retention
# description: >-
#   A log group without `retention_in_days`, or with 0, keeps every event forever:
#   its storage bill grows with traffic and never comes back down, and nobody
#   decides what old logs are for. Retention below the minimum loses the logs an
#   incident review needs; above the maximum it is the same unbounded growth.
#   Log groups of the `DELIVERY` class are not checked, since AWS fixes their
#   retention at two days and rejects any other.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-AWS-008.md
# custom:
#   id: SG-AWS-008
#   slug: log-retention
#   severity: low
#   input:
#     selector:
#       types: [aws_cloudwatch_log_group]
#   remediation: >-
#     Set `retention_in_days` to a value CloudWatch accepts (1, 3, 5, 7, 14, 30, 60,
#     90, … 3653) within the configured bounds, e.g. `resource
#     "aws_cloudwatch_log_group" "app" { name = "/shop/app" retention_in_days = 30 }`.
package scalegate.rules.log_retention

import data.scalegate.lib.aws_data
import data.scalegate.lib.known
import data.scalegate.lib.result
import data.scalegate.lib.terraform as tf

deny contains finding if {
	some r in _checked
	not _may_be_delivery(r)
	msg := _problem(r)
	finding := result.finding(r, ["retention_in_days"], msg)
}

unverified contains finding if {
	some r in _checked
	known.unknown(r, ["retention_in_days"])
	finding := result.finding(r, ["retention_in_days"], sprintf(
		"%s: retention_in_days is known only when Terraform runs",
		[r.id],
	))
}

# A class known only when Terraform runs may be DELIVERY, which allows no retention.
unverified contains finding if {
	some r in _checked
	known.unknown(r, ["log_group_class"])
	_problem(r)
	finding := result.finding(r, ["log_group_class"], sprintf(
		"%s, unless its log_group_class, known only when Terraform runs, is DELIVERY",
		[_problem(r)],
	))
}

_checked := [r |
	some r in tf.by_type.aws_cloudwatch_log_group
	tf.is_managed(r)
	not known.at(r.config, ["log_group_class"]) == "DELIVERY"
]

_may_be_delivery(r) if known.unknown(r, ["log_group_class"])

_bounds := data.scalegate.settings.aws.log_retention_days

_problem(r) := sprintf("%s does not set retention_in_days, so its logs never expire", [r.id]) if {
	known.missing(r, ["retention_in_days"])
}

_problem(r) := sprintf("%s sets retention_in_days = 0, so its logs never expire", [r.id]) if {
	_days(r) == 0
}

_problem(r) := sprintf(
	"%s sets retention_in_days = %d, below the minimum of %d days",
	[r.id, days, _bounds.min],
) if {
	days := _days(r)
	days != 0
	days < _bounds.min
}

_problem(r) := sprintf(
	"%s sets retention_in_days = %d, above the maximum of %d days",
	[r.id, days, _bounds.max],
) if {
	days := _days(r)
	days > _bounds.max
}

_days(r) := aws_data.number_at(r.config, ["retention_in_days"])
