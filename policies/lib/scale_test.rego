package scalegate.lib.scale_test

import data.scalegate.lib.scale

_k8s(kind, name, config, unknown) := {
	"id": sprintf("apps/%s/shop/%s", [kind, name]),
	"format": "kubernetes",
	"type": kind,
	"name": name,
	"namespace": "shop",
	"config": config,
	"unknown": unknown,
	"tags": {},
}

_deploy(name, spec) := _k8s("Deployment", name, {"spec": spec}, [])

_scaled_object(target) := {
	"id": "keda.sh/ScaledObject/shop/web",
	"format": "kubernetes",
	"type": "ScaledObject",
	"name": "web",
	"namespace": "shop",
	"config": {"apiVersion": "keda.sh/v1alpha1", "spec": {"scaleTargetRef": {"name": target}}},
	"unknown": [],
	"tags": {},
}

_tf(type, config, unknown) := {
	"id": sprintf("%s.this", [type]),
	"format": "terraform",
	"type": type,
	"name": "this",
	"config": config,
	"unknown": unknown,
}

test_replicas_zero_is_held_at_zero if {
	scale.held_at_zero(_deploy("web", {"replicas": 0}))
}

test_replicas_unset_one_or_unknown_is_not if {
	not scale.held_at_zero(_deploy("web", {}))
	not scale.held_at_zero(_deploy("web", {"replicas": 1}))
	not scale.held_at_zero(_k8s("Deployment", "web", {"spec": {}}, [["spec", "replicas"]]))
}

# KEDA scales a workload up from zero when load arrives: replicas 0 is its idle state.
test_keda_target_at_zero_is_not_held if {
	w := _deploy("web", {"replicas": 0})
	not scale.held_at_zero(w) with input as {"resources": [w, _scaled_object("web")]}
	scale.held_at_zero(w) with input as {"resources": [w, _scaled_object("api")]}
}

test_running_workloads_leave_out_those_at_zero if {
	inp := {"resources": [_deploy("stub", {"replicas": 0}), _deploy("web", {"replicas": 2})]}
	[w.name | some w in scale.running_workloads] == ["web"] with input as inp
}

test_ecs_service_with_desired_count_zero if {
	scale.held_at_zero(_tf("aws_ecs_service", {"desired_count": 0}, []))
	scale.held_at_zero(_tf("aws_ecs_service", {"desired_count": "0"}, []))
	not scale.held_at_zero(_tf("aws_ecs_service", {"desired_count": 2}, []))
	not scale.held_at_zero(_tf("aws_ecs_service", {}, [["desired_count"]]))
}

test_autoscaling_group_with_max_size_zero if {
	scale.held_at_zero(_tf("aws_autoscaling_group", {"min_size": 0, "max_size": 0}, []))
	not scale.held_at_zero(_tf("aws_autoscaling_group", {"min_size": 0, "max_size": 3, "desired_capacity": 0}, []))
	not scale.held_at_zero(_tf("aws_autoscaling_group", {}, [["max_size"]]))
}

# Only the types the helper knows: a `desired_count` elsewhere means something else.
test_other_types_are_never_held if {
	not scale.held_at_zero(_tf("aws_autoscaling_policy", {"max_size": 0}, []))
}
