package scalegate.rules.hpa_bounds_test

import data.scalegate.rules.hpa_bounds as rule

_hpa(api_version, spec, unknown) := {
	"id": "autoscaling/HorizontalPodAutoscaler/shop/web",
	"format": "kubernetes",
	"type": "HorizontalPodAutoscaler",
	"name": "web",
	"namespace": "shop",
	"provider": null,
	"file": "k8s/hpa.yaml",
	"config": {
		"apiVersion": api_version,
		"kind": "HorizontalPodAutoscaler",
		"metadata": {"name": "web", "namespace": "shop"},
		"spec": object.union({"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}}, spec),
	},
	"unknown": unknown,
	"references": {},
	"tags": {},
}

_input(resources) := {"bundle": {"format": "kubernetes", "path": "k8s/shop"}, "resources": resources}

_finding(field, msg) := {
	"resource": "autoscaling/HorizontalPodAutoscaler/shop/web",
	"path": ["spec", field],
	"msg": msg,
	"key": field,
}

test_deny_min_below_minimum if {
	findings := rule.deny with input as _input([_hpa("autoscaling/v2", {"minReplicas": 1, "maxReplicas": 5}, [])])
	findings == {_finding("minReplicas", `HorizontalPodAutoscaler "web" has minReplicas 1; at least 2 are required`)}
}

test_deny_min_absent_defaults_to_one if {
	findings := rule.deny with input as _input([_hpa("autoscaling/v1", {"maxReplicas": 5, "targetCPUUtilizationPercentage": 70}, [])])
	findings == {_finding("minReplicas", `HorizontalPodAutoscaler "web" does not set minReplicas (default 1); at least 2 are required`)}
}

test_deny_max_not_above_min if {
	findings := rule.deny with input as _input([_hpa("autoscaling/v2", {"minReplicas": 3, "maxReplicas": 3}, [])])
	findings == {_finding("maxReplicas", `HorizontalPodAutoscaler "web" has maxReplicas 3, not above its minReplicas 3: it can never add a replica`)}
}

test_deny_both_bounds if {
	findings := rule.deny with input as _input([_hpa("autoscaling/v2", {"maxReplicas": 1}, [])])
	findings == {
		_finding("minReplicas", `HorizontalPodAutoscaler "web" does not set minReplicas (default 1); at least 2 are required`),
		_finding("maxReplicas", `HorizontalPodAutoscaler "web" has maxReplicas 1, not above its minReplicas 1: it can never add a replica`),
	}
}

test_deny_max_absent if {
	findings := rule.deny with input as _input([_hpa("autoscaling/v2", {"minReplicas": 2}, [])])
	findings == {_finding("maxReplicas", `HorizontalPodAutoscaler "web" does not set maxReplicas (required)`)}
}

test_minimum_comes_from_settings if {
	inp := _input([_hpa("autoscaling/v2", {"minReplicas": 2, "maxReplicas": 10}, [])])
	findings := rule.deny with input as inp with data.scalegate.settings.kubernetes.min_replicas as 3
	findings == {_finding("minReplicas", `HorizontalPodAutoscaler "web" has minReplicas 2; at least 3 are required`)}
	count(rule.deny) == 0 with input as inp with data.scalegate.settings.kubernetes.min_replicas as 1
}

test_allow_good_bounds_and_scaled_objects if {
	keda := {
		"id": "keda.sh/ScaledObject/shop/worker", "format": "kubernetes", "type": "ScaledObject", "name": "worker",
		"namespace": "shop", "provider": null, "file": "k8s/keda.yaml",
		"config": {"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "spec": {"scaleTargetRef": {"name": "worker"}, "maxReplicaCount": 1}},
		"unknown": [], "references": {}, "tags": {},
	}
	inp := _input([_hpa("autoscaling/v2", {"minReplicas": 2, "maxReplicas": 10}, []), keda])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_unverified_when_bounds_unknown if {
	inp := _input([_hpa("autoscaling/v2", {}, [["spec", "minReplicas"], ["spec", "maxReplicas"]])])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {
		_finding("minReplicas", `HorizontalPodAutoscaler "web": spec.minReplicas is not known before deployment`),
		_finding("maxReplicas", `HorizontalPodAutoscaler "web": spec.maxReplicas is not known before deployment`),
	}
}

test_unknown_min_still_checks_nothing_else if {
	inp := _input([_hpa("autoscaling/v2", {"maxReplicas": 1}, [["spec", "minReplicas"]])])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 1 with input as inp
}
