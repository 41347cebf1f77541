package scalegate.rules.replica_spread_test

import data.scalegate.rules.replica_spread as rule

_workload(kind, replicas, scheduling, unknown) := {
	"id": sprintf("apps/%s/shop/web", [kind]),
	"format": "kubernetes",
	"type": kind,
	"name": "web",
	"namespace": "shop",
	"provider": null,
	"file": "k8s/web.yaml",
	"config": {
		"apiVersion": "apps/v1",
		"kind": kind,
		"metadata": {"name": "web", "namespace": "shop"},
		"spec": object.union(replicas, {
			"selector": {"matchLabels": {"app": "web"}},
			"template": {
				"metadata": {"labels": {"app": "web", "tier": "frontend"}},
				"spec": object.union(scheduling, {"containers": [{"name": "web", "image": "shop/web:1.0.0"}]}),
			},
		}),
	},
	"unknown": unknown,
	"references": {},
	"tags": {},
}

_hpa(min_replicas) := {
	"id": "autoscaling/HorizontalPodAutoscaler/shop/web",
	"format": "kubernetes",
	"type": "HorizontalPodAutoscaler",
	"name": "web",
	"namespace": "shop",
	"provider": null,
	"file": "k8s/hpa.yaml",
	"config": {"spec": {
		"minReplicas": min_replicas,
		"maxReplicas": 10,
		"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
	}},
	"unknown": [],
	"references": {},
	"tags": {},
}

_input(resources) := {"bundle": {"format": "kubernetes", "path": "k8s"}, "resources": resources}

_spec := ["spec", "template", "spec"]

_zone_spread(selector) := {"topologySpreadConstraints": [{
	"maxSkew": 1,
	"topologyKey": "topology.kubernetes.io/zone",
	"whenUnsatisfiable": "ScheduleAnyway",
	"labelSelector": selector,
}]}

test_deny_without_spread if {
	findings := rule.deny with input as _input([_workload("Deployment", {"replicas": 3}, {}, [])])
	findings == {{
		"resource": "apps/Deployment/shop/web",
		"path": array.concat(_spec, ["topologySpreadConstraints"]),
		"msg": `Deployment "web" runs 3 replicas without topologySpreadConstraints or pod anti-affinity, so they may all land on one node or zone`,
	}}
}

test_deny_counts_hpa_min_replicas if {
	inp := _input([_workload("Deployment", {}, {}, []), _hpa(2)])
	findings := rule.deny with input as inp
	{f.msg | some f in findings} == {`Deployment "web" runs 2 replicas without topologySpreadConstraints or pod anti-affinity, so they may all land on one node or zone`}
}

test_deny_spread_that_selects_other_pods if {
	scheduling := object.union(_zone_spread({"matchLabels": {"app": "api"}}), {"affinity": {"podAntiAffinity": {
		"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100, "podAffinityTerm": {
			"topologyKey": "kubernetes.io/hostname",
			"labelSelector": {"matchLabels": {"app": "api"}},
		}}],
	}}})
	findings := rule.deny with input as _input([_workload("StatefulSet", {"replicas": 3}, scheduling, [])])
	findings == {{
		"resource": "apps/StatefulSet/shop/web",
		"path": array.concat(_spec, ["topologySpreadConstraints", 0]),
		"msg": `StatefulSet "web" runs 3 replicas, but none of its topologySpreadConstraints or pod anti-affinity terms selects its own pods (labelSelector does not match the pod template's labels)`,
	}}
}

test_deny_anti_affinity_without_selector if {
	scheduling := {"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": "kubernetes.io/hostname"}]}}}
	findings := rule.deny with input as _input([_workload("Deployment", {"replicas": 2}, scheduling, [])])
	{f.path | some f in findings} == {array.concat(_spec, ["affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution", 0])}
}

test_allow_topology_spread if {
	inp := _input([_workload("Deployment", {"replicas": 3}, _zone_spread({"matchLabels": {"app": "web"}}), [])])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_required_anti_affinity_with_expressions if {
	scheduling := {"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{
		"topologyKey": "kubernetes.io/hostname",
		"labelSelector": {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["frontend"]}]},
	}]}}}
	count(rule.deny) == 0 with input as _input([_workload("Deployment", {"replicas": 3}, scheduling, [])])
}

test_allow_preferred_anti_affinity_beside_other_terms if {
	scheduling := object.union(_zone_spread({"matchLabels": {"app": "api"}}), {"affinity": {"podAntiAffinity": {
		"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100, "podAffinityTerm": {
			"topologyKey": "kubernetes.io/hostname",
			"labelSelector": {"matchLabels": {"app": "web"}},
		}}],
	}}})
	count(rule.deny) == 0 with input as _input([_workload("Deployment", {"replicas": 3}, scheduling, [])])
}

test_allow_single_replica_and_daemonset if {
	inp := _input([
		_workload("Deployment", {}, {}, []),
		_workload("DaemonSet", {}, {}, []),
		_workload("StatefulSet", {"replicas": 1}, {}, []),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_unverified_when_spread_is_unknown if {
	inp := _input([_workload("Deployment", {"replicas": 3}, {}, [array.concat(_spec, ["affinity"])])])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {{
		"resource": "apps/Deployment/shop/web",
		"path": _spec,
		"msg": `Deployment "web" runs 3 replicas, and its topologySpreadConstraints or affinity are not known before deployment`,
	}}
}

test_unverified_when_replicas_unknown if {
	inp := _input([_workload("Deployment", {}, {}, [["spec", "replicas"]])])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {{
		"resource": "apps/Deployment/shop/web",
		"path": ["spec", "replicas"],
		"msg": `Deployment "web": its replica count is not known, and it has no topologySpreadConstraints or pod anti-affinity that selects its pods`,
	}}
	count(rule.unverified) == 0 with input as _input([_workload("Deployment", {}, _zone_spread({"matchLabels": {"app": "web"}}), [["spec", "replicas"]])])
}
