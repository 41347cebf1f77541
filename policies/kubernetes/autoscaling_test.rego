package scalegate.rules.autoscaling_test

import data.scalegate.rules.autoscaling as rule

_workload(kind, name, namespace, spec, unknown) := {
	"id": sprintf("apps/%s/%s/%s", [kind, namespace, name]),
	"format": "kubernetes",
	"type": kind,
	"name": name,
	"namespace": namespace,
	"provider": null,
	"file": "k8s/web.yaml",
	"config": {
		"apiVersion": "apps/v1",
		"kind": kind,
		"metadata": {"name": name, "namespace": namespace},
		"spec": object.union(spec, {
			"selector": {"matchLabels": {"app": name}},
			"template": {
				"metadata": {"labels": {"app": name}},
				"spec": {"containers": [{"name": "app", "image": "shop/app:1.0.0"}]},
			},
		}),
	},
	"unknown": unknown,
	"references": {},
	"tags": {},
}

_hpa(name, namespace, kind, target) := {
	"id": sprintf("autoscaling/HorizontalPodAutoscaler/%s/%s", [namespace, name]),
	"format": "kubernetes",
	"type": "HorizontalPodAutoscaler",
	"name": name,
	"namespace": namespace,
	"provider": null,
	"file": "k8s/hpa.yaml",
	"config": {
		"apiVersion": "autoscaling/v2",
		"kind": "HorizontalPodAutoscaler",
		"metadata": {"name": name, "namespace": namespace},
		"spec": {
			"scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": target},
			"minReplicas": 2,
			"maxReplicas": 10,
		},
	},
	"unknown": [],
	"references": {},
	"tags": {},
}

_scaled_object(name, target_ref) := {
	"id": sprintf("keda.sh/ScaledObject/shop/%s", [name]),
	"format": "kubernetes",
	"type": "ScaledObject",
	"name": name,
	"namespace": "shop",
	"provider": null,
	"file": "k8s/keda.yaml",
	"config": {
		"apiVersion": "keda.sh/v1alpha1",
		"kind": "ScaledObject",
		"metadata": {"name": name, "namespace": "shop"},
		"spec": {"scaleTargetRef": target_ref, "triggers": [{"type": "rabbitmq", "metadata": {"queueName": "jobs"}}]},
	},
	"unknown": [],
	"references": {},
	"tags": {},
}

_input(resources) := {"bundle": {"format": "kubernetes", "path": "k8s/shop"}, "resources": resources}

_finding(kind, name, replicas_text) := {
	"resource": sprintf("apps/%s/shop/%s", [kind, name]),
	"path": ["spec", "replicas"],
	"msg": sprintf(
		"%s %q runs %s and no HorizontalPodAutoscaler or KEDA ScaledObject in k8s/shop targets it; at least 2 replicas or an autoscaler are required",
		[kind, name, replicas_text],
	),
}

test_deny_single_replica_without_autoscaler if {
	inp := _input([
		_workload("Deployment", "web", "shop", {"replicas": 1}, []),
		_workload("StatefulSet", "db", "shop", {}, []),
	])
	findings := rule.deny with input as inp
	findings == {
		_finding("Deployment", "web", "1 replica (spec.replicas)"),
		_finding("StatefulSet", "db", "1 replica (spec.replicas is not set)"),
	}
}

test_deny_when_autoscaler_targets_something_else if {
	inp := _input([
		_workload("Deployment", "web", "shop", {}, []),
		_hpa("web", "shop", "StatefulSet", "web"),
		_hpa("web", "other", "Deployment", "web"),
		_hpa("api", "shop", "Deployment", "api"),
		_scaled_object("web", {"kind": "StatefulSet", "name": "web"}),
	])
	findings := rule.deny with input as inp
	findings == {_finding("Deployment", "web", "1 replica (spec.replicas is not set)")}
}

test_deny_below_configured_minimum if {
	inp := _input([_workload("Deployment", "web", "shop", {"replicas": 2}, [])])
	findings := rule.deny with input as inp with data.scalegate.settings.kubernetes.min_replicas as 3
	findings == {{
		"resource": "apps/Deployment/shop/web",
		"path": ["spec", "replicas"],
		"msg": `Deployment "web" runs 2 replicas (spec.replicas) and no HorizontalPodAutoscaler or KEDA ScaledObject in k8s/shop targets it; at least 3 replicas or an autoscaler are required`,
	}}
}

test_allow_enough_replicas if {
	inp := _input([
		_workload("Deployment", "web", "shop", {"replicas": 2}, []),
		_workload("StatefulSet", "db", "shop", {"replicas": 3}, []),
	])
	count(rule.deny) == 0 with input as inp
}

test_allow_hpa_target if {
	inp := _input([
		_workload("Deployment", "web", "shop", {}, []),
		_workload("StatefulSet", "db", "shop", {"replicas": 1}, []),
		_hpa("web", "shop", "Deployment", "web"),
		_hpa("db", "shop", "StatefulSet", "db"),
	])
	count(rule.deny) == 0 with input as inp
}

test_allow_keda_target_with_default_kind if {
	inp := _input([
		_workload("Deployment", "worker", "shop", {}, []),
		_scaled_object("worker", {"name": "worker"}),
	])
	count(rule.deny) == 0 with input as inp
}

test_allow_parked_and_other_kinds if {
	inp := _input([
		_workload("Deployment", "legacy", "shop", {"replicas": 0}, []),
		_workload("DaemonSet", "agent", "shop", {}, []),
		_workload("ReplicaSet", "rs", "shop", {"replicas": 1}, []),
	])
	count(rule.deny) == 0 with input as inp
}

test_unverified_when_replicas_unknown if {
	inp := _input([
		_workload("Deployment", "web", "shop", {}, [["spec", "replicas"]]),
		_workload("Deployment", "api", "shop", {}, [["spec", "replicas"]]),
		_hpa("api", "shop", "Deployment", "api"),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {{
		"resource": "apps/Deployment/shop/web",
		"path": ["spec", "replicas"],
		"msg": `Deployment "web": spec.replicas is not known, and no HorizontalPodAutoscaler or KEDA ScaledObject in k8s/shop targets it`,
	}}
}
