package scalegate.lib.disruption_test

import data.scalegate.lib.disruption

_w(kind, name, spec, unknown) := {
	"id": sprintf("apps/%s/shop/%s", [kind, name]),
	"format": "kubernetes",
	"type": kind,
	"name": name,
	"namespace": "shop",
	"config": {"kind": kind, "metadata": {"name": name}, "spec": object.union(spec, {"template": {"metadata": {"labels": {"app": name}}}})},
	"unknown": unknown,
	"tags": {},
}

_pdb(selector) := {
	"id": "policy/PodDisruptionBudget/shop/pdb",
	"format": "kubernetes",
	"type": "PodDisruptionBudget",
	"name": "pdb",
	"namespace": "shop",
	"config": {"kind": "PodDisruptionBudget", "spec": {"minAvailable": 1, "selector": selector}},
	"unknown": [],
	"tags": {},
}

_hpa(target, min) := {
	"id": sprintf("autoscaling/HorizontalPodAutoscaler/shop/%s", [target]),
	"format": "kubernetes",
	"type": "HorizontalPodAutoscaler",
	"name": target,
	"namespace": "shop",
	"config": {"spec": {"minReplicas": min, "maxReplicas": 10, "scaleTargetRef": {"kind": "Deployment", "name": target}}},
	"unknown": [],
	"tags": {},
}

test_percent if {
	disruption.percent("25%") == 25
	disruption.percent("0%") == 0
	disruption.percent("100%") == 100
	not disruption.percent("25")
	not disruption.percent(25)
	not disruption.percent("12.5%")
}

test_scaled_rounds_like_kubernetes if {
	disruption.scaled(2, 5, true) == 2
	disruption.scaled("90%", 3, true) == 3
	disruption.scaled("90%", 3, false) == 2
	disruption.scaled("50%", 1, true) == 1
	disruption.scaled("50%", 1, false) == 0
	disruption.scaled("25%", 8, false) == 2
	not disruption.scaled("many", 3, true)
}

test_pdb_workloads_joins_by_selector if {
	inp := {"resources": [
		_w("Deployment", "web", {"replicas": 3}, []),
		_w("Deployment", "api", {"replicas": 2}, []),
		_pdb({"matchLabels": {"app": "web"}}),
	]}
	[w.name | some w in disruption.pdb_workloads(_pdb({"matchLabels": {"app": "web"}}))] == ["web"] with input as inp
	[w.name | some w in disruption.pdb_workloads(_pdb({}))] == ["web", "api"] with input as inp
	[w.name | some w in disruption.pdb_workloads(_pdb(null))] == [] with input as inp
}

test_expected_pods_sums_replicas_and_hpa_floors if {
	web := _w("Deployment", "web", {"replicas": 3}, [])
	api := _w("Deployment", "api", {}, [])
	db := _w("StatefulSet", "db", {}, [])
	inp := {"resources": [web, api, db, _hpa("api", 4)]}
	disruption.expected_pods([web, api, db]) == 8 with input as inp
	disruption.expected_pods([]) == 0 with input as inp
}

test_expected_pods_undefined_when_not_in_bundle if {
	agent := _w("DaemonSet", "agent", {}, [])
	job := _w("Job", "seed", {}, [])
	web := _w("Deployment", "web", {}, [["spec", "replicas"]])
	inp := {"resources": [agent, job, web]}
	not disruption.expected_pods([agent]) with input as inp
	not disruption.expected_pods([job]) with input as inp
	not disruption.expected_pods([web]) with input as inp
}
