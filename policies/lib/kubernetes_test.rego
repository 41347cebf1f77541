package scalegate.lib.kubernetes_test

import data.scalegate.lib.kubernetes as k8s

_w(kind, name, namespace, config) := {
	"id": sprintf("apps/%s/%s/%s", [kind, namespace, name]),
	"format": "kubernetes",
	"type": kind,
	"name": name,
	"namespace": namespace,
	"config": config,
	"unknown": [],
	"tags": {},
}

_template(labels) := {"metadata": {"labels": labels}, "spec": {
	"initContainers": [{"name": "init"}],
	"containers": [{"name": "app"}, {"name": "sidecar"}],
}}

_deploy(name, namespace, labels) := _w("Deployment", name, namespace, {"spec": {"template": _template(labels)}})

_cron := _w("CronJob", "report", "shop", {"spec": {"jobTemplate": {"spec": {"template": _template({"app": "report"})}}}})

_pod := _w("Pod", "debug", null, object.union(_template({"app": "debug"}), {"kind": "Pod"}))

test_pod_spec_and_containers_by_kind if {
	k8s.pod_spec_path(_cron) == ["spec", "jobTemplate", "spec", "template", "spec"]
	k8s.pod_spec_path(_pod) == ["spec"]
	k8s.pod_labels(_pod) == {"app": "debug"}
	[[e.container.name, e.path, e.init] | some e in k8s.containers(_cron)] == [
		["app", ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0], false],
		["sidecar", ["spec", "jobTemplate", "spec", "template", "spec", "containers", 1], false],
		["init", ["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0], true],
	]
}

test_selected_workloads_by_labels_and_namespace if {
	inp := {"resources": [
		_deploy("web", "shop", {"app": "web", "tier": "frontend"}),
		_deploy("api", "shop", {"app": "api", "tier": "backend"}),
		_deploy("web", "other", {"app": "web", "tier": "frontend"}),
		_cron,
	]}
	names(k8s.selected_workloads("shop", {"matchLabels": {"app": "web"}})) == ["web"] with input as inp
	names(k8s.selected_workloads("shop", {"matchExpressions": [{"key": "tier", "operator": "Exists"}]})) == ["web", "api"] with input as inp
	names(k8s.selected_workloads("shop", {})) == ["web", "api", "report"] with input as inp
	names(k8s.selected_workloads("shop", null)) == [] with input as inp
	names(k8s.selected_workloads("shop", {"matchLabels": {"tier": "frontend"}, "matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["web"]}]})) == [] with input as inp
}

names(workloads) := [w.name | some w in workloads]

test_replicas_default_spec_and_hpa if {
	hpa := {"id": "autoscaling/HorizontalPodAutoscaler/shop/api", "format": "kubernetes", "type": "HorizontalPodAutoscaler", "name": "api", "namespace": "shop",
		"config": {"spec": {"minReplicas": 4, "maxReplicas": 8, "scaleTargetRef": {"kind": "Deployment", "name": "api"}}}, "unknown": [], "tags": {}}
	api := _w("Deployment", "api", "shop", {"spec": {"replicas": 2}})
	fixed := _w("Deployment", "fixed", "shop", {"spec": {"replicas": 3}})
	inp := {"resources": [api, fixed, _cron, hpa]}
	k8s.replicas(api) == 4 with input as inp
	k8s.hpa_targeted(api) with input as inp
	k8s.replicas(fixed) == 3 with input as inp
	not k8s.hpa_targeted(fixed) with input as inp
	k8s.replicas(_cron) == 1 with input as inp
}
