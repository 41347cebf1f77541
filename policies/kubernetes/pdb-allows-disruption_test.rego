package scalegate.rules.pdb_allows_disruption_test

import data.scalegate.rules.pdb_allows_disruption as rule

_workload(kind, name, replicas, labels, unknown) := {
	"id": sprintf("apps/%s/shop/%s", [kind, name]),
	"format": "kubernetes",
	"type": kind,
	"name": name,
	"namespace": "shop",
	"provider": null,
	"file": "k8s/app.yaml",
	"config": {
		"apiVersion": "apps/v1",
		"kind": kind,
		"metadata": {"name": name, "namespace": "shop"},
		"spec": object.union(replicas, {
			"selector": {"matchLabels": labels},
			"template": {
				"metadata": {"labels": labels},
				"spec": {"containers": [{"name": name, "image": "shop/app:1.0.0"}]},
			},
		}),
	},
	"unknown": unknown,
	"references": {},
	"tags": {},
}

_deployment(name, replicas, labels) := _workload("Deployment", name, replicas, labels, [])

_pdb(name, budget, selector) := {
	"id": sprintf("policy/PodDisruptionBudget/shop/%s", [name]),
	"format": "kubernetes",
	"type": "PodDisruptionBudget",
	"name": name,
	"namespace": "shop",
	"provider": null,
	"file": "k8s/pdb.yaml",
	"config": {
		"apiVersion": "policy/v1",
		"kind": "PodDisruptionBudget",
		"metadata": {"name": name, "namespace": "shop"},
		"spec": object.union(budget, {"selector": selector}),
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
		"spec": {
			"minReplicas": min_replicas,
			"maxReplicas": 10,
			"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target},
		},
	},
	"unknown": [],
	"references": {},
	"tags": {},
}

_input(resources) := {"bundle": {"format": "kubernetes", "path": "k8s/shop"}, "resources": resources}

_finding(name, field, msg) := {
	"resource": sprintf("policy/PodDisruptionBudget/shop/%s", [name]),
	"path": ["spec", field],
	"msg": msg,
}

test_deny_max_unavailable_zero if {
	inp := _input([
		_deployment("web", {"replicas": 3}, {"app": "web"}),
		_pdb("web", {"maxUnavailable": 0}, {"matchLabels": {"app": "web"}}),
		_pdb("web-percent", {"maxUnavailable": "0%"}, {"matchLabels": {"app": "web"}}),
	])
	findings := rule.deny with input as inp
	findings == {
		_finding("web", "maxUnavailable", `PodDisruptionBudget "web" sets maxUnavailable 0: none of the pods it selects can be evicted, so node drains and cluster upgrades stall`),
		_finding("web-percent", "maxUnavailable", `PodDisruptionBudget "web-percent" sets maxUnavailable 0%: none of the pods it selects can be evicted, so node drains and cluster upgrades stall`),
	}
	count(rule.unverified) == 0 with input as inp
}

test_deny_min_available_hundred_percent_without_workloads if {
	inp := _input([_pdb("web", {"minAvailable": "100%"}, {"matchLabels": {"app": "web"}})])
	findings := rule.deny with input as inp
	findings == {_finding("web", "minAvailable", `PodDisruptionBudget "web" sets minAvailable 100%: none of the pods it selects can be evicted, so node drains and cluster upgrades stall`)}
	count(rule.unverified) == 0 with input as inp
}

test_deny_min_available_of_single_replica if {
	inp := _input([
		_deployment("web", {}, {"app": "web"}),
		_pdb("web", {"minAvailable": 1}, {"matchLabels": {"app": "web"}}),
	])
	findings := rule.deny with input as inp
	findings == {_finding("web", "minAvailable", `PodDisruptionBudget "web" sets minAvailable 1 but the workloads it selects (Deployment "web") run 1 pod: none can be evicted, so node drains and cluster upgrades stall`)}
}

test_deny_percentage_rounded_up if {
	inp := _input([
		_deployment("web", {"replicas": 3}, {"app": "web"}),
		_pdb("web", {"minAvailable": "90%"}, {"matchLabels": {"app": "web"}}),
	])
	findings := rule.deny with input as inp
	findings == {_finding("web", "minAvailable", `PodDisruptionBudget "web" sets minAvailable 90% (3 pods, rounded up) but the workloads it selects (Deployment "web") run 3 pods: none can be evicted, so node drains and cluster upgrades stall`)}
}

test_deny_counts_hpa_floor_and_every_selected_workload if {
	inp := _input([
		_deployment("web", {}, {"app": "web", "tier": "frontend"}),
		_hpa("web", 2),
		_workload("StatefulSet", "cache", {"replicas": 1}, {"app": "cache", "tier": "frontend"}, []),
		_pdb("frontend", {"minAvailable": 3}, {"matchLabels": {"tier": "frontend"}}),
	])
	findings := rule.deny with input as inp
	findings == {_finding("frontend", "minAvailable", `PodDisruptionBudget "frontend" sets minAvailable 3 but the workloads it selects (Deployment "web", StatefulSet "cache") run 3 pods: none can be evicted, so node drains and cluster upgrades stall`)}
}

test_allow_budgets_that_leave_a_pod if {
	inp := _input([
		_deployment("web", {"replicas": 3}, {"app": "web"}),
		_deployment("api", {"replicas": 1}, {"app": "api"}),
		_deployment("idle", {"replicas": 0}, {"app": "idle"}),
		_pdb("web-min", {"minAvailable": 2}, {"matchLabels": {"app": "web"}}),
		_pdb("web-percent", {"minAvailable": "50%"}, {"matchLabels": {"app": "web"}}),
		_pdb("web-max", {"maxUnavailable": 1}, {"matchLabels": {"app": "web"}}),
		_pdb("api-max", {"maxUnavailable": "10%"}, {"matchLabels": {"app": "api"}}),
		_pdb("api-zero", {"minAvailable": 0}, {"matchLabels": {"app": "api"}}),
		_pdb("api-none", {}, {"matchLabels": {"app": "api"}}),
		_pdb("idle", {"minAvailable": 1}, {"matchLabels": {"app": "idle"}}),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_max_unavailable_wins_over_min_available if {
	inp := _input([
		_deployment("web", {}, {"app": "web"}),
		_pdb("web", {"maxUnavailable": 1, "minAvailable": 1}, {"matchLabels": {"app": "web"}}),
	])
	count(rule.deny) == 0 with input as inp
}

test_unverified_when_pdb_selects_nothing_in_bundle if {
	inp := _input([
		_deployment("api", {"replicas": 1}, {"app": "api"}),
		_pdb("web", {"minAvailable": 1}, {"matchLabels": {"app": "web"}}),
		_pdb("web-percent", {"minAvailable": "50%"}, {"matchLabels": {"app": "web"}}),
		_pdb("web-zero", {"minAvailable": 0}, {"matchLabels": {"app": "web"}}),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {
		_finding("web", "minAvailable", `PodDisruptionBudget "web" selects no workload in k8s/shop, so whether minAvailable 1 leaves a pod to evict is not known`),
		_finding("web-percent", "minAvailable", `PodDisruptionBudget "web-percent" selects no workload in k8s/shop, so whether minAvailable 50% leaves a pod to evict is not known`),
	}
}

test_unverified_when_pod_count_not_in_bundle if {
	inp := _input([
		_workload("DaemonSet", "agent", {}, {"app": "agent"}, []),
		_workload("Deployment", "web", {}, {"app": "web"}, [["spec", "replicas"]]),
		_pdb("agent", {"minAvailable": 1}, {"matchLabels": {"app": "agent"}}),
		_pdb("web", {"minAvailable": 1}, {"matchLabels": {"app": "web"}}),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {
		_finding("agent", "minAvailable", `PodDisruptionBudget "agent" selects DaemonSet "agent", whose pod count is not stated in the manifests, so whether minAvailable 1 leaves a pod to evict is not known`),
		_finding("web", "minAvailable", `PodDisruptionBudget "web" selects Deployment "web", whose pod count is not stated in the manifests, so whether minAvailable 1 leaves a pod to evict is not known`),
	}
}

# A workload held at zero runs no pod, whatever floor its HPA states (an HPA does not
# act on a workload at zero): it adds nothing to the pods a budget protects.
test_allow_when_selected_workloads_are_held_at_zero if {
	inp := _input([
		_deployment("web", {"replicas": 0}, {"app": "web"}),
		_hpa("web", 2),
		_pdb("web", {"minAvailable": 1}, {"matchLabels": {"app": "web"}}),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}
