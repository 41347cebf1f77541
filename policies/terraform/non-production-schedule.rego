# METADATA
# title: Non-production autoscaling group runs around the clock
# description: >-
#   Development and test fleets are used in working hours, yet an autoscaling group
#   without a schedule bills for them all week; scaling them down at night and at
#   weekends is the cheapest saving a platform team can make. A schedule counts
#   when an `aws_autoscaling_schedule` of the group lowers `max_size` below the
#   group's, or sets `desired_capacity` to 0 or below the group's
#   `desired_capacity` (its `min_size` when unset); -1 means unchanged. Groups
#   tagged `k8s.io/cluster-autoscaler/enabled` are exempt: the cluster sets their
#   capacity.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-AWS-013.md
# custom:
#   id: SG-AWS-013
#   slug: non-production-schedule
#   severity: low
#   input:
#     selector:
#       types: [aws_autoscaling_group, aws_autoscaling_schedule]
#   remediation: >-
#     Add a scheduled action that scales the group down outside working hours (and
#     one that brings it back), e.g. `resource "aws_autoscaling_schedule" "night" {
#     scheduled_action_name = "night" autoscaling_group_name =
#     aws_autoscaling_group.web.name recurrence = "0 19 * * 1-5" time_zone =
#     "Europe/Berlin" min_size = 0 max_size = 0 desired_capacity = 0 }`.
package scalegate.rules.non_production_schedule

import data.scalegate.lib.aws_data
import data.scalegate.lib.environment
import data.scalegate.lib.known
import data.scalegate.lib.result
import data.scalegate.lib.scale
import data.scalegate.lib.terraform as tf

_schedule_type := "aws_autoscaling_schedule"

deny contains finding if {
	some g in _candidates
	environment.non_production(g)
	_max_size(g) > 0
	count(_doubts(g)) == 0
	finding := result.finding(g, [], sprintf(
		"%s runs in %q with max_size = %d, and no aws_autoscaling_schedule scales it down outside working hours",
		[g.id, environment.environment(g), _max_size(g)],
	))
}

unverified contains finding if {
	some g in _candidates
	environment.non_production(g)
	doubts := _doubts(g)
	count(doubts) > 0
	finding := result.finding(g, _doubt_path(g), sprintf(
		"%s runs in %q, and whether it is scaled down outside working hours is known only when Terraform runs: %s",
		[g.id, environment.environment(g), concat("; ", sort(doubts))],
	))
}

# Environment unknown: a note only where the group would fail or be in doubt.
unverified contains finding if {
	some g in _candidates
	environment.unknown(g)
	_fails_or_doubtful(g)
	finding := result.finding(g, ["tags"], sprintf(
		"%s is not scaled down by any aws_autoscaling_schedule, and its environment tag is known only when Terraform runs",
		[g.id],
	))
}

# Groups that no schedule is known to scale down and that are not exempt; a known
# max_size of 0 is a group that is already off.
_candidates := [g |
	some g in tf.by_type.aws_autoscaling_group
	tf.is_managed(g)
	not tf.has_tag(g, aws_data.cluster_autoscaler_tag)
	not scale.held_at_zero(g)
	not _scaled_down(g)
]

_fails_or_doubtful(g) if _max_size(g) > 0

_fails_or_doubtful(g) if count(_doubts(g)) > 0

_max_size(g) := aws_data.number_at(g.config, ["max_size"])

# The capacity the group normally runs at: `desired_capacity`, else `min_size`.
_baseline(g) := aws_data.number_at(g.config, ["desired_capacity"])

_baseline(g) := aws_data.number_at(g.config, ["min_size"]) if known.missing(g, ["desired_capacity"])

_schedules(g) := aws_data.attached(g, _schedule_type, "autoscaling_group_name", "name")

_scaled_down(g) if {
	some s in _schedules(g)
	not aws_data.may_be_absent(s)
	_scales_down(s, g)
}

# A schedule lowers the ceiling, or the capacity, of the group; -1 leaves a value
# unchanged and an absent value is not sent.
_scales_down(s, g) if {
	ceiling := aws_data.number_at(s.config, ["max_size"])
	ceiling >= 0
	ceiling < _max_size(g)
}

_scales_down(s, _) if aws_data.number_at(s.config, ["desired_capacity"]) == 0

_scales_down(s, g) if {
	capacity := aws_data.number_at(s.config, ["desired_capacity"])
	capacity > 0
	capacity < _baseline(g)
}

# A schedule whose values, or the group's values they are compared with, are known
# only when Terraform runs.
_may_scale_down(s, _) if known.unknown(s, ["max_size"])

_may_scale_down(s, _) if known.unknown(s, ["desired_capacity"])

_may_scale_down(s, g) if {
	aws_data.number_at(s.config, ["max_size"]) >= 0
	not _max_size(g)
}

_may_scale_down(s, g) if {
	aws_data.number_at(s.config, ["desired_capacity"]) > 0
	not _baseline(g)
}

# _doubts(g) is why the group may be scaled down, or need no schedule, after all.
_doubts(g) := {d | some d in _max_size_doubts(g)} | {d | some d in _schedule_doubts(g)} | {d | some d in _unresolved_doubts}

_max_size_doubts(g) := ["its max_size is known only when Terraform runs"] if {
	known.unknown(g, ["max_size"])
} else := []

_schedule_doubts(g) := array.concat(
	[sprintf("%s may not be created (its count or for_each is known only when Terraform runs)", [s.id]) |
		some s in _schedules(g)
		aws_data.may_be_absent(s)
		_scales_down_or_may(s, g)
	],
	[sprintf("whether %s scales it down is known only when Terraform runs", [s.id]) |
		some s in _schedules(g)
		not _scales_down(s, g)
		_may_scale_down(s, g)
	],
)

_scales_down_or_may(s, g) if _scales_down(s, g)

_scales_down_or_may(s, g) if _may_scale_down(s, g)

# A schedule whose group name is a variable may belong to any group here.
_unresolved_doubts := [sprintf("%s names its group by a value known only when Terraform runs", [s.id]) |
	some s in aws_data.unresolved(_schedule_type, "autoscaling_group_name")
]

_doubt_path(g) := ["max_size"] if known.unknown(g, ["max_size"])

_doubt_path(g) := [] if not known.unknown(g, ["max_size"])
