package scalegate.rules.pdb_coverage_test

import data.scalegate.rules.pdb_coverage as rule

_deployment(name, namespace, replicas, labels, unknown) := {
	"id": sprintf("apps/Deployment/%s/%s", [namespace, name]),
	"format": "kubernetes",
	"type": "Deployment",
	"name": name,
	"namespace": namespace,
	"provider": null,
	"file": "k8s/web.yaml",
	"config": {
		"apiVersion": "apps/v1",
		"kind": "Deployment",
		"metadata": {"name": name, "namespace": namespace},
		"spec": object.union(replicas, {
			"selector": {"matchLabels": labels},
			"template": {
				"metadata": {"labels": labels},
				"spec": {"containers": [{"name": "app", "image": "shop/app:1.0.0"}]},
			},
		}),
	},
	"unknown": unknown,
	"references": {},
	"tags": {},
}

_pdb(name, namespace, selector) := {
	"id": sprintf("policy/PodDisruptionBudget/%s/%s", [namespace, name]),
	"format": "kubernetes",
	"type": "PodDisruptionBudget",
	"name": name,
	"namespace": namespace,
	"provider": null,
	"file": "k8s/pdb.yaml",
	"config": {
		"apiVersion": "policy/v1",
		"kind": "PodDisruptionBudget",
		"metadata": {"name": name, "namespace": namespace},
		"spec": {"maxUnavailable": 1, "selector": selector},
	},
	"unknown": [],
	"references": {},
	"tags": {},
}

_hpa(target, min_replicas) := {
	"id": sprintf("autoscaling/HorizontalPodAutoscaler/shop/%s", [target]),
	"format": "kubernetes",
	"type": "HorizontalPodAutoscaler",
	"name": target,
	"namespace": "shop",
	"provider": null,
	"file": "k8s/hpa.yaml",
	"config": {
		"apiVersion": "autoscaling/v2",
		"kind": "HorizontalPodAutoscaler",
		"metadata": {"name": target, "namespace": "shop"},
		"spec": object.union(min_replicas, {
			"maxReplicas": 10,
			"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target},
		}),
	},
	"unknown": [],
	"references": {},
	"tags": {},
}

_input(resources) := {"bundle": {"format": "kubernetes", "path": "k8s/shop"}, "resources": resources}

_web_labels := {"app": "web", "tier": "frontend"}

_web_finding(replicas) := {
	"resource": "apps/Deployment/shop/web",
	"path": ["spec", "selector"],
	"msg": sprintf(`Deployment "web" has %d replicas but no PodDisruptionBudget in k8s/shop selects its pods`, [replicas]),
}

test_deny_without_pdb if {
	findings := rule.deny with input as _input([_deployment("web", "shop", {"replicas": 3}, _web_labels, [])])
	findings == {_web_finding(3)}
}

test_deny_when_pdb_selects_other_pods_or_namespace if {
	inp := _input([
		_deployment("web", "shop", {"replicas": 3}, _web_labels, []),
		_pdb("api", "shop", {"matchLabels": {"app": "api"}}),
		_pdb("web", "other", {"matchLabels": {"app": "web"}}),
		_pdb("frontend-canary", "shop", {"matchLabels": {"tier": "frontend", "track": "canary"}}),
		_pdb("not-frontend", "shop", {"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["frontend"]}]}),
		_pdb("no-selector", "shop", null),
	])
	findings := rule.deny with input as inp
	findings == {_web_finding(3)}
}

test_deny_counts_hpa_min_replicas if {
	inp := _input([
		_deployment("web", "shop", {}, _web_labels, []),
		_hpa("web", {"minReplicas": 2}),
	])
	findings := rule.deny with input as inp
	findings == {_web_finding(2)}
}

test_allow_when_pdb_matches_labels if {
	inp := _input([
		_deployment("web", "shop", {"replicas": 3}, _web_labels, []),
		_pdb("web", "shop", {"matchLabels": {"app": "web"}}),
	])
	count(rule.deny) == 0 with input as inp
}

test_allow_when_pdb_matches_expressions if {
	inp := _input([
		_deployment("web", "shop", {"replicas": 3}, _web_labels, []),
		_pdb("frontend", "shop", {"matchExpressions": [
			{"key": "tier", "operator": "In", "values": ["frontend", "edge"]},
			{"key": "app", "operator": "Exists"},
			{"key": "track", "operator": "DoesNotExist"},
			{"key": "env", "operator": "NotIn", "values": ["dev"]},
		]}),
	])
	count(rule.deny) == 0 with input as inp
}

test_allow_when_empty_selector_selects_namespace if {
	inp := _input([
		_deployment("web", "shop", {"replicas": 3}, _web_labels, []),
		_pdb("everything", "shop", {}),
	])
	count(rule.deny) == 0 with input as inp
}

test_allow_single_replica if {
	inp := _input([
		_deployment("web", "shop", {}, _web_labels, []),
		_deployment("api", "shop", {"replicas": 1}, {"app": "api"}, []),
		_hpa("api", {}),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_unverified_when_replicas_unknown if {
	inp := _input([_deployment("web", "shop", {}, _web_labels, [["spec", "replicas"]])])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {{
		"resource": "apps/Deployment/shop/web",
		"path": ["spec", "replicas"],
		"msg": `Deployment "web": its replica count is not known, and no PodDisruptionBudget in k8s/shop selects its pods`,
	}}
}
