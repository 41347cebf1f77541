package scalegate.rules.rollout_strategy_test

import data.scalegate.rules.rollout_strategy as rule

_workload(kind, spec, unknown) := {
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
		"spec": object.union(spec, {
			"selector": {"matchLabels": {"app": "web"}},
			"template": {
				"metadata": {"labels": {"app": "web"}},
				"spec": {"containers": [{"name": "web", "image": "shop/web:1.0.0"}]},
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

_rolling(max_unavailable) := {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": max_unavailable, "maxSurge": 1}}

test_deny_recreate_with_replicas if {
	findings := rule.deny with input as _input([_workload("Deployment", {"replicas": 3, "strategy": {"type": "Recreate"}}, [])])
	findings == {{
		"resource": "apps/Deployment/shop/web",
		"path": ["spec", "strategy", "type"],
		"msg": `Deployment "web" runs 3 replicas but uses strategy.type Recreate: every rollout stops all of them before starting new ones`,
	}}
}

test_deny_recreate_with_hpa_floor if {
	inp := _input([_workload("Deployment", {"strategy": {"type": "Recreate"}}, []), _hpa(2)])
	findings := rule.deny with input as inp
	{f.msg | some f in findings} == {`Deployment "web" runs 2 replicas but uses strategy.type Recreate: every rollout stops all of them before starting new ones`}
}

test_deny_max_unavailable_covering_every_replica if {
	path := ["spec", "strategy", "rollingUpdate", "maxUnavailable"]
	percent := rule.deny with input as _input([_workload("Deployment", {"replicas": 4, "strategy": _rolling("100%")}, [])])
	percent == {{
		"resource": "apps/Deployment/shop/web",
		"path": path,
		"msg": `Deployment "web" runs 4 replicas but its rolling update allows maxUnavailable 100%: a rollout may stop all of them at once`,
	}}
	number := rule.deny with input as _input([_workload("Deployment", {"replicas": 2, "strategy": {"rollingUpdate": {"maxUnavailable": 2}}}, [])])
	{f.path | some f in number} == {path}
}

test_allow_rolling_updates_that_keep_replicas if {
	inp := _input([_workload("Deployment", {"replicas": 4, "strategy": _rolling("75%")}, [])])
	count(rule.deny) == 0 with input as inp
	count(rule.deny) == 0 with input as _input([_workload("Deployment", {"replicas": 3, "strategy": _rolling(2)}, [])])
	count(rule.deny) == 0 with input as _input([_workload("Deployment", {"replicas": 3}, [])])
}

test_allow_single_replica_recreate if {
	inp := _input([_workload("Deployment", {"replicas": 1, "strategy": {"type": "Recreate"}}, [])])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
	count(rule.deny) == 0 with input as _input([_workload("Deployment", {"strategy": _rolling("100%")}, [])])
}

test_allow_other_kinds if {
	inp := _input([_workload("StatefulSet", {"replicas": 3, "strategy": {"type": "Recreate"}}, [])])
	count(rule.deny) == 0 with input as inp
}

test_unverified_when_replicas_unknown if {
	inp := _input([_workload("Deployment", {"strategy": {"type": "Recreate"}}, [["spec", "replicas"]])])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {{
		"resource": "apps/Deployment/shop/web",
		"path": ["spec", "replicas"],
		"msg": `Deployment "web" uses strategy.type Recreate and its replica count is not known: with more than one replica every rollout is an outage`,
	}}
}
