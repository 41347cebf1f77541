# METADATA
# title: DynamoDB table has fixed provisioned capacity
# description: >-
#   A provisioned table without autoscaling throttles every read and write beyond its
#   fixed capacity units during a peak, and pays for unused units the rest of the day.
#   A table is fine when it is `PAY_PER_REQUEST`, or when `aws_appautoscaling_target`s
#   name it (by reference or by a literal `table/<name>` resource id) for both
#   `dynamodb:table:ReadCapacityUnits` and `dynamodb:table:WriteCapacityUnits`. A table
#   with global secondary indexes also needs index-level read and write targets, since
#   a throttled index throttles writes to its table; which index a target scales is
#   often known only when Terraform runs, so one target of each dimension counts for
#   all of them.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-AWS-004.md
# custom:
#   id: SG-AWS-004
#   slug: dynamodb-capacity
#   severity: medium
#   input:
#     selector:
#       types: [aws_dynamodb_table, aws_appautoscaling_target]
#   remediation: >-
#     Use on-demand capacity, `billing_mode = "PAY_PER_REQUEST"`, or add a target and a
#     target-tracking policy for each dimension, e.g. `resource
#     "aws_appautoscaling_target" "orders_read" { service_namespace = "dynamodb",
#     scalable_dimension = "dynamodb:table:ReadCapacityUnits", resource_id =
#     "table/${aws_dynamodb_table.orders.name}", min_capacity = 5, max_capacity = 100 }`
#     and the same for `WriteCapacityUnits`.
package scalegate.rules.dynamodb_capacity

import data.scalegate.lib.aws
import data.scalegate.lib.known
import data.scalegate.lib.result
import data.scalegate.lib.terraform as tf

deny contains finding if {
	some t in _provisioned
	missing := _missing(t)
	count(missing) > 0
	count(_reasons_of[t.id]) == 0
	finding := result.finding(t, ["billing_mode"], sprintf(
		"%s uses provisioned capacity (billing_mode %s) but no aws_appautoscaling_target in %s scales its %s, so requests beyond the provisioned units are throttled",
		[t.id, _describe_billing_mode(t), input.bundle.path, _describe_dimensions(missing)],
	))
}

unverified contains finding if {
	some t in _provisioned
	missing := _missing(t) | _maybe_missing(t)
	count(missing) > 0
	reasons := _reasons_of[t.id]
	count(reasons) > 0
	finding := result.finding(t, _note_path(t), sprintf(
		"%s: no aws_appautoscaling_target in %s is seen to scale its %s, but %s",
		[t.id, input.bundle.path, _describe_dimensions(missing), concat("; ", sort(reasons))],
	))
}

# The tables not known to be on demand, and the uncertainties of each, computed once
# for both sets above.
_provisioned := [t |
	some t in object.get(tf.by_type, "aws_dynamodb_table", [])
	tf.is_managed(t)
	not _on_demand(t)
]

_reasons_of := {t.id: _reasons(t) | some t in _provisioned}

_on_demand(t) if aws.string(t, ["billing_mode"]) == "PAY_PER_REQUEST"

_table_dimensions := {"dynamodb:table:ReadCapacityUnits", "dynamodb:table:WriteCapacityUnits"}

_index_dimensions := {"dynamodb:index:ReadCapacityUnits", "dynamodb:index:WriteCapacityUnits"}

# _has_indexes(t) holds when `t` declares global secondary indexes.
_has_indexes(t) if count(object.get(t.config, "global_secondary_index", [])) > 0

# _missing(t) is the set of dimensions `t` needs and no target of it scales.
_missing(t) := _table_dimensions - _covered(t) if not _has_indexes(t)

_missing(t) := (_table_dimensions | _index_dimensions) - _covered(t) if _has_indexes(t)

# _maybe_missing(t) is the set of index dimensions no target scales, when whether
# `t` has indexes is known only when Terraform runs.
_maybe_missing(t) := _index_dimensions - _covered(t) if known.unknown(t, ["global_secondary_index"])

_maybe_missing(t) := set() if not known.unknown(t, ["global_secondary_index"])

_covered(t) := {d | some target in _targets(t); d := aws.string(target, ["scalable_dimension"])}

# _targets(t) is the targets that name `t`: by reference, or by a literal resource id
# `table/<name>` or `table/<name>/index/<index>`.
_targets(t) := [target |
	some target in array.concat(tf.referencing(t, "aws_appautoscaling_target", "resource_id"), _literal_targets(t))
	_dynamodb_target(target)
]

_literal_targets(t) := aws.indexed(_targets_by_table_name, aws.string(t, ["name"]))

_literal_targets(t) := [] if not aws.string(t, ["name"])

_targets_by_table_name := aws.capture_index("aws_appautoscaling_target", ["resource_id"], `^table/([^/]+)(/index/[^/]+)?$`)

# A target of the `dynamodb` namespace, or one whose namespace is not known.
_dynamodb_target(target) if aws.string(target, ["service_namespace"]) == "dynamodb"

_dynamodb_target(target) if known.unknown(target, ["service_namespace"])

# _reasons(t) is the set of values, known only when Terraform runs, on which the
# answer for `t` depends.
_reasons(t) := (((_unknown_billing_mode(t) | _unknown_indexes(t)) | _unknown_dimensions(t)) | _unknown_name(t)) | _open_targets

_unknown_billing_mode(t) := {"its billing_mode is known only when Terraform runs" | known.unknown(t, ["billing_mode"])}

_unknown_indexes(t) := {"its global_secondary_index blocks are known only when Terraform runs" |
	count(_maybe_missing(t)) > 0
}

_unknown_dimensions(t) := {sprintf("the scalable_dimension of %s is known only when Terraform runs", [target.id]) |
	some target in _targets(t)
	known.unknown(target, ["scalable_dimension"])
}

_unknown_name(t) := {"its name is known only when Terraform runs, and a target names a table by a literal resource_id" |
	known.unknown(t, ["name"])
	count(_targets_by_table_name) > 0
}

# DynamoDB targets whose `resource_id` may name any table of the bundle.
_open_targets := {sprintf("%s names a table known only when Terraform runs", [target.id]) |
	some target in aws.unresolved("aws_appautoscaling_target", "resource_id", {"aws_dynamodb_table"})
	_dynamodb_target(target)
}

_note_path(t) := ["billing_mode"] if known.unknown(t, ["billing_mode"])

_note_path(t) := ["global_secondary_index"] if {
	not known.unknown(t, ["billing_mode"])
	known.unknown(t, ["global_secondary_index"])
}

_note_path(t) := ["billing_mode"] if {
	not known.unknown(t, ["billing_mode"])
	not known.unknown(t, ["global_secondary_index"])
}

_describe_billing_mode(t) := sprintf("%q", [mode]) if mode := aws.string(t, ["billing_mode"])

_describe_billing_mode(t) := "not set, so PROVISIONED" if known.missing(t, ["billing_mode"])

_dimension_names := {
	"dynamodb:table:ReadCapacityUnits": "table read capacity",
	"dynamodb:table:WriteCapacityUnits": "table write capacity",
	"dynamodb:index:ReadCapacityUnits": "index read capacity",
	"dynamodb:index:WriteCapacityUnits": "index write capacity",
}

# _describe_dimensions(dimensions) lists them in words: `table read capacity and
# table write capacity`.
_describe_dimensions(dimensions) := _and(sort([_dimension_names[d] | some d in dimensions]))

_and(words) := words[0] if count(words) == 1

_and(words) := sprintf("%s and %s", [concat(", ", array.slice(words, 0, count(words) - 1)), words[count(words) - 1]]) if count(words) > 1
