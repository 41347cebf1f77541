# METADATA
# title: S3 bucket has no lifecycle rule
# description: >-
#   A bucket without a lifecycle keeps every object and every noncurrent version
#   forever: storage cost grows with each upload and never comes back down, and
#   nobody decides when data may go to a cheaper class or away. A lifecycle counts
#   when an `aws_s3_bucket_lifecycle_configuration` refers to the bucket (or names
#   it by its literal name) with at least one enabled rule, or when the bucket has
#   an inline `lifecycle_rule` that is not disabled; all-disabled rules do not count.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-AWS-009.md
# custom:
#   id: SG-AWS-009
#   slug: s3-lifecycle
#   severity: low
#   input:
#     selector:
#       types: [aws_s3_bucket, aws_s3_bucket_lifecycle_configuration]
#   remediation: >-
#     Add an `aws_s3_bucket_lifecycle_configuration` for the bucket that expires or
#     transitions what is no longer needed, e.g. `resource
#     "aws_s3_bucket_lifecycle_configuration" "logs" { bucket = aws_s3_bucket.logs.id
#     rule { id = "expire" status = "Enabled" filter {} expiration { days = 90 }
#     noncurrent_version_expiration { noncurrent_days = 30 } } }`.
package scalegate.rules.s3_lifecycle

import data.scalegate.lib.aws_data
import data.scalegate.lib.known
import data.scalegate.lib.result
import data.scalegate.lib.terraform as tf

_config_type := "aws_s3_bucket_lifecycle_configuration"

deny contains finding if {
	some b in _buckets
	not _has_lifecycle(b)
	count(_doubts(b)) == 0
	finding := _violation(b)
}

unverified contains finding if {
	some b in _buckets
	not _has_lifecycle(b)
	doubts := _doubts(b)
	count(doubts) > 0
	finding := result.finding(b, ["lifecycle_rule"], sprintf(
		"%s has no lifecycle that is known to be enabled: %s",
		[b.id, concat("; ", sort(doubts))],
	))
}

_buckets := [b | some b in tf.by_type.aws_s3_bucket; tf.is_managed(b)]

_configs(b) := aws_data.attached(b, _config_type, "bucket", "bucket")

# Nothing at all: the path is the missing inline block (the engine shows the header).
_violation(b) := result.finding(b, ["lifecycle_rule"], sprintf(
	"%s has no lifecycle: no %s refers to it and it has no lifecycle_rule block",
	[b.id, _config_type],
)) if {
	count(_inline_rules(b)) == 0
	count(_configs(b)) == 0
}

# Rules exist, all disabled: point at the first inline rule's `enabled`, if any.
_violation(b) := result.finding(b, _disabled_path(b), sprintf(
	"%s has no enabled lifecycle rule: %s all disabled",
	[b.id, concat(" and ", _rule_sources(b))],
)) if {
	count(_inline_rules(b)) + count(_configs(b)) > 0
}

_disabled_path(b) := ["lifecycle_rule", 0, "enabled"] if count(_inline_rules(b)) > 0

_disabled_path(b) := ["lifecycle_rule"] if count(_inline_rules(b)) == 0

_rule_sources(b) := array.concat(
	["the rules of its lifecycle_rule blocks are" | count(_inline_rules(b)) > 0],
	[sprintf("the rules of %s are", [c.id]) | some c in _configs(b)],
)

_inline_rules(b) := object.get(b.config, "lifecycle_rule", [])

# An inline `lifecycle_rule` is on unless `enabled = false`.
_has_lifecycle(b) if {
	some i, _ in _inline_rules(b)
	not known.unknown(b, ["lifecycle_rule", i, "enabled"])
	not known.at(b.config, ["lifecycle_rule", i, "enabled"]) == false
}

_has_lifecycle(b) if {
	some c in _configs(b)
	not aws_data.may_be_absent(c)
	_enables(c)
}

# _enables(c) holds when a rule of lifecycle configuration `c` is known to be Enabled.
_enables(c) if {
	some rule in object.get(c.config, "rule", [])
	rule.status == "Enabled"
}

# _may_enable(c) holds when a rule of `c` has a status known only when Terraform runs.
_may_enable(c) if known.unknown(c, ["rule"])

_may_enable(c) if {
	some i, _ in object.get(c.config, "rule", [])
	known.unknown(c, ["rule", i, "status"])
}

# _doubts(b) is why the bucket may have a lifecycle after all, one phrase each.
_doubts(b) := {d | some d in _inline_doubts(b)} | {d | some d in _config_doubts(b)} | {d | some d in _unresolved_doubts}

_inline_doubts(b) := ["its lifecycle_rule blocks are known only when Terraform runs"] if {
	known.unknown(b, ["lifecycle_rule"])
}

_inline_doubts(b) := [sprintf("lifecycle_rule %d: enabled is known only when Terraform runs", [i]) |
	some i, _ in _inline_rules(b)
	known.unknown(b, ["lifecycle_rule", i, "enabled"])
] if not known.unknown(b, ["lifecycle_rule"])

_config_doubts(b) := array.concat(
	[sprintf("%s may not be created (its count or for_each is known only when Terraform runs)", [c.id]) |
		some c in _configs(b)
		aws_data.may_be_absent(c)
		_enables_or_may(c)
	],
	[sprintf("the rule status of %s is known only when Terraform runs", [c.id]) |
		some c in _configs(b)
		not _enables(c)
		_may_enable(c)
	],
)

_enables_or_may(c) if _enables(c)

_enables_or_may(c) if _may_enable(c)

# A lifecycle configuration whose bucket is a variable may belong to any bucket here.
_unresolved_doubts := [sprintf("%s names its bucket by a value known only when Terraform runs", [c.id]) |
	some c in aws_data.unresolved(_config_type, "bucket")
]
