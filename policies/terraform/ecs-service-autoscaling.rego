# METADATA
# title: ECS service has no autoscaling target
# description: >-
#   An ECS service without Application Auto Scaling runs its `desired_count` tasks
#   whatever the load: too few at the peak, paid for at night. A service counts as
#   scaled when an `aws_appautoscaling_target` with `service_namespace = "ecs"` names
#   it in `resource_id`, by reference (`service/${aws_ecs_cluster.main.name}/${
#   aws_ecs_service.web.name}`) or by the literal service name. Services with
#   `scheduling_strategy = "DAEMON"` run one task per instance and are not checked.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-AWS-003.md
# custom:
#   id: SG-AWS-003
#   slug: ecs-service-autoscaling
#   severity: medium
#   input:
#     selector:
#       types: [aws_ecs_service, aws_appautoscaling_target]
#   remediation: >-
#     Add a scalable target for the service and a policy that moves it, e.g. `resource
#     "aws_appautoscaling_target" "web" { service_namespace = "ecs",
#     scalable_dimension = "ecs:service:DesiredCount", resource_id =
#     "service/${aws_ecs_cluster.main.name}/${aws_ecs_service.web.name}",
#     min_capacity = 2, max_capacity = 10 }` with an `aws_appautoscaling_policy` of
#     type `TargetTrackingScaling`.
package scalegate.rules.ecs_service_autoscaling

import data.scalegate.lib.aws
import data.scalegate.lib.known
import data.scalegate.lib.result
import data.scalegate.lib.scale
import data.scalegate.lib.terraform as tf

deny contains finding if {
	some s in _unscaled
	count(_reasons_of[s.id]) == 0
	finding := result.finding(s, ["desired_count"], sprintf(
		"%s: no aws_appautoscaling_target in %s names it, so its desired_count never follows the load",
		[s.id, input.bundle.path],
	))
}

unverified contains finding if {
	some s in _unscaled
	reasons := _reasons_of[s.id]
	count(reasons) > 0
	finding := result.finding(s, _note_path(s), sprintf(
		"%s: no aws_appautoscaling_target in %s is seen to name it, but %s",
		[s.id, input.bundle.path, concat("; ", sort(reasons))],
	))
}

# A service held at zero (`desired_count = 0`) runs no task, so there is no load
# for a target to follow.
_services := [s |
	some s in object.get(tf.by_type, "aws_ecs_service", [])
	tf.is_managed(s)
	not scale.held_at_zero(s)
]

# The services that no target is seen to name, and the uncertainties of each,
# computed once for both sets above.
_unscaled := [s | some s in _services; not _daemon(s); not _scaled(s)]

_reasons_of := {s.id: _reasons(s) | some s in _unscaled}

_daemon(s) if aws.string(s, ["scheduling_strategy"]) == "DAEMON"

_scaled(s) if {
	some t in tf.referencing(s, "aws_appautoscaling_target", "resource_id")
	_ecs_target(t)
}

_scaled(s) if {
	some t in aws.indexed(_targets_by_service_name, aws.string(s, ["name"]))
	_ecs_target(t)
}

# A target of the `ecs` namespace, or one whose namespace is not known.
_ecs_target(t) if aws.string(t, ["service_namespace"]) == "ecs"

_ecs_target(t) if known.unknown(t, ["service_namespace"])

# Targets that name a service by a literal `resource_id`: `service/<cluster>/<name>`.
_targets_by_service_name := aws.capture_index("aws_appautoscaling_target", ["resource_id"], `^service/[^/]+/([^/]+)$`)

# _reasons(s) is the set of values, known only when Terraform runs, on which the
# answer for `s` depends.
_reasons(s) := (_unknown_strategy(s) | _unknown_name(s)) | _open_targets

_unknown_strategy(s) := {"its scheduling_strategy is known only when Terraform runs" | known.unknown(s, ["scheduling_strategy"])}

_unknown_name(s) := {"its name is known only when Terraform runs, and a target names a service by a literal resource_id" |
	known.unknown(s, ["name"])
	count(_targets_by_service_name) > 0
}

# ECS targets whose `resource_id` may name any service of the bundle.
_open_targets := {sprintf("%s names a service known only when Terraform runs", [t.id]) |
	some t in aws.unresolved("aws_appautoscaling_target", "resource_id", {"aws_ecs_service"})
	_ecs_target(t)
}

_note_path(s) := ["scheduling_strategy"] if known.unknown(s, ["scheduling_strategy"])

_note_path(s) := ["desired_count"] if not known.unknown(s, ["scheduling_strategy"])
