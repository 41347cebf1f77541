# METADATA
# title: Elastic autoscaling group has nothing that scales it
# description: >-
#   Room between `min_size` and `max_size` is used only when something changes the
#   group's desired capacity: without a scaling policy or schedule the group stays at
#   its desired capacity through every peak, and pays for it through every trough. A
#   group counts as scaled when an `aws_autoscaling_policy` or `aws_autoscaling_schedule`
#   names it (by reference or by its literal name) or an `aws_ecs_capacity_provider`
#   with `managed_scaling` `ENABLED` manages it; groups tagged
#   `k8s.io/cluster-autoscaler/enabled` (any value) are exempt, as the Kubernetes
#   Cluster Autoscaler sets their capacity.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-AWS-002.md
# custom:
#   id: SG-AWS-002
#   slug: asg-scaling-policy
#   severity: medium
#   input:
#     selector:
#       types: [aws_autoscaling_group, aws_autoscaling_policy, aws_autoscaling_schedule, aws_ecs_capacity_provider]
#   remediation: >-
#     Add a target-tracking policy for the group, e.g. `resource
#     "aws_autoscaling_policy" "cpu" { autoscaling_group_name =
#     aws_autoscaling_group.web.name, policy_type = "TargetTrackingScaling",
#     target_tracking_configuration { predefined_metric_specification {
#     predefined_metric_type = "ASGAverageCPUUtilization" }, target_value = 60 } }`,
#     or schedules (`aws_autoscaling_schedule`) for a predictable load.
package scalegate.rules.asg_scaling_policy

import data.scalegate.lib.aws
import data.scalegate.lib.known
import data.scalegate.lib.result
import data.scalegate.lib.scale
import data.scalegate.lib.terraform as tf

deny contains finding if {
	some g in _unscaled
	max := aws.number(g, ["max_size"])
	min := aws.number(g, ["min_size"])
	max > min
	count(_reasons_of[g.id]) == 0
	finding := result.finding(g, ["max_size"], sprintf(
		"%s can scale from min_size %v to max_size %v, but no aws_autoscaling_policy or aws_autoscaling_schedule in %s refers to it, so it stays at its desired capacity",
		[g.id, min, max, input.bundle.path],
	))
}

# A group that may be elastic, that nothing in the bundle is seen to scale, and whose
# answer depends on values known only when Terraform runs.
unverified contains finding if {
	some g in _unscaled
	not _fixed(g)
	reasons := _reasons_of[g.id]
	count(reasons) > 0
	finding := result.finding(g, _note_path(g), sprintf(
		"%s: no aws_autoscaling_policy or aws_autoscaling_schedule in %s is seen to scale it, but %s",
		[g.id, input.bundle.path, concat("; ", sort(reasons))],
	))
}

_cluster_autoscaler_tag := "k8s.io/cluster-autoscaler/enabled"

_groups := [g |
	some g in object.get(tf.by_type, "aws_autoscaling_group", [])
	tf.is_managed(g)
	not scale.held_at_zero(g)
]

# The groups that nothing is seen to scale and that are not exempt, and the
# uncertainties of each, computed once for both sets above.
_unscaled := [g | some g in _groups; not _scaled(g); not tf.has_tag(g, _cluster_autoscaler_tag)]

_reasons_of := {g.id: _reasons(g) | some g in _unscaled}

# _fixed(g) holds when the bounds of `g` are known and leave no room to scale, or
# when the group is held at zero (SG-AWS-001 reports the first).
_fixed(g) if aws.number(g, ["max_size"]) <= aws.number(g, ["min_size"])

# _scaled(g) holds when a policy, a schedule or an ECS capacity provider with managed
# scaling sets the desired capacity of `g`.
_scaled(g) if {
	some type in ["aws_autoscaling_policy", "aws_autoscaling_schedule"]
	count(aws.asg_referrers(g, type)) > 0
}

_scaled(g) if {
	some p in _capacity_providers(g)
	aws.string(p, ["auto_scaling_group_provider", 0, "managed_scaling", 0, "status"]) == "ENABLED"
}

_capacity_providers(g) := tf.referencing(g, "aws_ecs_capacity_provider", "auto_scaling_group_provider.0.auto_scaling_group_arn")

# _reasons(g) is the set of values, known only when Terraform runs, on which the
# answer for `g` depends.
_reasons(g) := ((_unknown_bounds(g) | _unknown_exemption(g)) | _unknown_managed_scaling(g)) | _open_referrers

_unknown_bounds(g) := {sprintf("its %s is known only when Terraform runs", [attr]) |
	some attr in ["max_size", "min_size"]
	known.unknown(g, [attr])
}

_unknown_exemption(g) := {sprintf("its tags hold keys known only when Terraform runs, which may include %s", [_cluster_autoscaler_tag]) |
	aws.asg_tags_may_hold_more(g)
}

_unknown_managed_scaling(g) := {sprintf("whether %s manages its scaling is known only when Terraform runs", [p.id]) |
	some p in _capacity_providers(g)
	known.unknown(p, ["auto_scaling_group_provider", 0, "managed_scaling", 0, "status"])
}

# Policies and schedules that may name any group of the bundle.
_open_referrers := {sprintf("%s names a group known only when Terraform runs", [r.id]) |
	some type in ["aws_autoscaling_policy", "aws_autoscaling_schedule"]
	some r in aws.unresolved_asg_referrers(type)
}

# The note points at the first unknown bound, else at the tags when they are what is
# unknown, else at `max_size`.
# Each list is tested for an element before its first is taken: an assignment of
# an undefined value (`attr := list[0]` on an empty list) must fail the body and move
# on to the `else`, which regorus's compiled VM does not do (its interpreter, like
# OPA, does); written this way both engines agree.
_note_path(g) := [attrs[0]] if {
	attrs := [a | some a in ["max_size", "min_size"]; known.unknown(g, [a])]
	count(attrs) > 0
} else := [attrs[0]] if {
	aws.asg_tags_may_hold_more(g)
	attrs := [u[0] | some u in object.get(g, "unknown", []); u[0] in {"tag", "tags"}]
	count(attrs) > 0
} else := ["max_size"]
