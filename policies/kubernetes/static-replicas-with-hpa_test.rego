package scalegate.rules.static_replicas_with_hpa_test

import data.scalegate.rules.static_replicas_with_hpa as rule

_object(group, kind, name, api_version, spec, unknown) := {
	"id": sprintf("%s/%s/shop/%s", [group, kind, name]),
	"format": "kubernetes",
	"type": kind,
	"name": name,
	"namespace": "shop",
	"provider": null,
	"file": "k8s/app.yaml",
	"config": {"apiVersion": api_version, "kind": kind, "metadata": {"name": name, "namespace": "shop"}, "spec": spec},
	"unknown": unknown,
	"references": {},
	"tags": {},
}

_workload(kind, name, replicas, unknown) := _object("apps", kind, name, "apps/v1", object.union(replicas, {
	"selector": {"matchLabels": {"app": name}},
	"template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "app", "image": "shop/app:1.0.0"}]}},
}), unknown)

_hpa(name, kind, target) := _object("autoscaling", "HorizontalPodAutoscaler", name, "autoscaling/v2", {
	"scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": target},
	"minReplicas": 2,
	"maxReplicas": 10,
}, [])

_scaled_object(name, ref) := _object("keda.sh", "ScaledObject", name, "keda.sh/v1alpha1", {"scaleTargetRef": ref}, [])

_input(resources) := {"bundle": {"format": "kubernetes", "path": "k8s/shop"}, "resources": resources}

_finding(kind, name, msg) := {
	"resource": sprintf("apps/%s/shop/%s", [kind, name]),
	"path": ["spec", "replicas"],
	"msg": msg,
}

test_deny_replicas_with_hpa if {
	inp := _input([
		_workload("Deployment", "web", {"replicas": 3}, []),
		_workload("StatefulSet", "db", {"replicas": 2}, []),
		_hpa("web", "Deployment", "web"),
		_hpa("db", "StatefulSet", "db"),
	])
	findings := rule.deny with input as inp
	findings == {
		_finding("Deployment", "web", `Deployment "web" sets spec.replicas (3) while HorizontalPodAutoscaler "web" scales it: every apply resets the replica count`),
		_finding("StatefulSet", "db", `StatefulSet "db" sets spec.replicas (2) while HorizontalPodAutoscaler "db" scales it: every apply resets the replica count`),
	}
}

test_deny_replicas_with_scaled_object if {
	inp := _input([_workload("Deployment", "worker", {"replicas": 1}, []), _scaled_object("worker", {"name": "worker"})])
	findings := rule.deny with input as inp
	findings == {_finding("Deployment", "worker", `Deployment "worker" sets spec.replicas (1) while KEDA ScaledObject "worker" scales it: every apply resets the replica count`)}
}

test_deny_unknown_replicas_value if {
	inp := _input([_workload("Deployment", "web", {}, [["spec", "replicas"]]), _hpa("web", "Deployment", "web")])
	findings := rule.deny with input as inp
	findings == {_finding("Deployment", "web", `Deployment "web" sets spec.replicas (to a value not known before deployment) while HorizontalPodAutoscaler "web" scales it: every apply resets the replica count`)}
	count(rule.unverified) == 0 with input as inp
}

test_allow_autoscaled_without_replicas if {
	inp := _input([
		_workload("Deployment", "web", {}, []),
		_workload("Deployment", "worker", {"replicas": null}, []),
		_hpa("web", "Deployment", "web"),
		_scaled_object("worker", {"name": "worker"}),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_replicas_without_autoscaler if {
	inp := _input([
		_workload("Deployment", "web", {"replicas": 3}, []),
		_hpa("other", "Deployment", "api"),
		_hpa("web", "StatefulSet", "web"),
		_scaled_object("web", {"kind": "StatefulSet", "name": "web"}),
	])
	count(rule.deny) == 0 with input as inp
}

test_unverified_when_spec_unknown if {
	inp := _input([_workload("Deployment", "web", {}, [["spec"]]), _hpa("web", "Deployment", "web")])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {_finding("Deployment", "web", `Deployment "web": whether it sets spec.replicas is not known before deployment, and HorizontalPodAutoscaler "web" scales it`)}
}
