package scalegate.rules.hpa_target_exists_test

import data.scalegate.rules.hpa_target_exists as rule

_object(group, kind, name, namespace, config, unknown) := {
	"id": sprintf("%s/%s/%s/%s", [group, kind, namespace, name]),
	"format": "kubernetes",
	"type": kind,
	"name": name,
	"namespace": namespace,
	"provider": null,
	"file": "k8s/app.yaml",
	"config": config,
	"unknown": unknown,
	"references": {},
	"tags": {},
}

_workload(kind, name, namespace) := _object("apps", kind, name, namespace, {
	"apiVersion": "apps/v1",
	"kind": kind,
	"metadata": {"name": name, "namespace": namespace},
	"spec": {
		"selector": {"matchLabels": {"app": name}},
		"template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "app", "image": "shop/app:1.0.0"}]}},
	},
}, [])

_hpa_with(name, namespace, ref, unknown) := _object("autoscaling", "HorizontalPodAutoscaler", name, namespace, {
	"apiVersion": "autoscaling/v2",
	"kind": "HorizontalPodAutoscaler",
	"metadata": {"name": name, "namespace": namespace},
	"spec": {"scaleTargetRef": ref, "minReplicas": 2, "maxReplicas": 10},
}, unknown)

_hpa(name, namespace, kind, target) := _hpa_with(name, namespace, {"apiVersion": "apps/v1", "kind": kind, "name": target}, [])

_input(resources) := {"bundle": {"format": "kubernetes", "path": "k8s/shop"}, "resources": resources}

_finding(name, msg) := {
	"resource": sprintf("autoscaling/HorizontalPodAutoscaler/shop/%s", [name]),
	"path": ["spec", "scaleTargetRef", "name"],
	"msg": msg,
}

test_deny_wrong_name if {
	inp := _input([_workload("Deployment", "checkout", "shop"), _hpa("checkout", "shop", "Deployment", "checkout-api")])
	findings := rule.deny with input as inp
	findings == {_finding("checkout", `HorizontalPodAutoscaler "checkout" targets Deployment "checkout-api" in namespace "shop", which is not in k8s/shop`)}
}

test_deny_wrong_kind if {
	inp := _input([_workload("StatefulSet", "db", "shop"), _hpa("db", "shop", "Deployment", "db")])
	findings := rule.deny with input as inp
	findings == {_finding("db", `HorizontalPodAutoscaler "db" targets Deployment "db" in namespace "shop", which is not in k8s/shop`)}
}

test_deny_without_namespace if {
	inp := _input([_workload("Deployment", "web", null), _hpa("web", null, "Deployment", "wbe")])
	findings := rule.deny with input as inp
	findings == {{
		"resource": "autoscaling/HorizontalPodAutoscaler/null/web",
		"path": ["spec", "scaleTargetRef", "name"],
		"msg": `HorizontalPodAutoscaler "web" targets Deployment "wbe", which is not in k8s/shop`,
	}}
}

test_allow_target_in_bundle if {
	inp := _input([
		_workload("Deployment", "checkout", "shop"),
		_workload("StatefulSet", "db", "shop"),
		_workload("ReplicaSet", "legacy", "shop"),
		_hpa("checkout", "shop", "Deployment", "checkout"),
		_hpa("db", "shop", "StatefulSet", "db"),
		_hpa_with("legacy", "shop", {"kind": "ReplicaSet", "name": "legacy"}, []),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_custom_targets if {
	inp := _input([
		_workload("Deployment", "checkout", "shop"),
		_hpa_with("rollout", "shop", {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "checkout-rollout"}, []),
		_hpa_with("crd", "shop", {"apiVersion": "example.com/v1", "kind": "Deployment", "name": "x"}, []),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_unverified_when_bundle_has_no_such_workload if {
	inp := _input([
		_workload("Deployment", "adapter", "monitoring"),
		_hpa("checkout", "shop", "Deployment", "checkout"),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {_finding("checkout", `HorizontalPodAutoscaler "checkout" targets Deployment "checkout" in namespace "shop", which is not in k8s/shop; the target may be defined elsewhere, since the bundle holds no Deployment and no workload named "checkout" in namespace "shop"`)}
}

test_unverified_when_kustomized if {
	kustomization := _object("kustomize.config.k8s.io", "Kustomization", "", null, {
		"apiVersion": "kustomize.config.k8s.io/v1beta1",
		"kind": "Kustomization",
		"resources": ["../base", "hpa.yaml"],
	}, [])
	inp := _input([_workload("Deployment", "worker", "shop"), _hpa("checkout", "shop", "Deployment", "checkout"), kustomization])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {_finding("checkout", `HorizontalPodAutoscaler "checkout" targets Deployment "checkout" in namespace "shop", which is not in k8s/shop; the target may be defined elsewhere, since the bundle holds a kustomization`)}
}

test_unverified_when_target_name_unknown if {
	inp := _input([
		_workload("Deployment", "checkout", "shop"),
		_hpa_with("checkout", "shop", {"apiVersion": "apps/v1", "kind": "Deployment"}, [["spec", "scaleTargetRef", "name"]]),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {_finding("checkout", `HorizontalPodAutoscaler "checkout": spec.scaleTargetRef.name is not known before deployment`)}
}

test_deny_without_target_name if {
	inp := _input([_workload("Deployment", "web", "shop"), _hpa_with("web", "shop", {"kind": "Deployment"}, [])])
	findings := rule.deny with input as inp
	findings == {{
		"resource": "autoscaling/HorizontalPodAutoscaler/shop/web",
		"path": ["spec", "scaleTargetRef", "name"],
		"msg": `HorizontalPodAutoscaler "web" sets no spec.scaleTargetRef.name, so it targets no workload`,
	}}
}

test_deny_without_target_ref if {
	inp := _input([_hpa_with("web", "shop", null, [])])
	findings := rule.deny with input as inp
	count(findings) == 2
}

test_allow_unknown_target_name if {
	inp := _input([_hpa_with("web", "shop", {"kind": "Deployment"}, [["spec", "scaleTargetRef", "name"]])])
	count(rule.deny) == 0 with input as inp
}
