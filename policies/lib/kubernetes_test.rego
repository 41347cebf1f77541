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

_hpa(name, namespace, spec) := {
	"id": sprintf("autoscaling/HorizontalPodAutoscaler/%s/%s", [namespace, name]),
	"format": "kubernetes",
	"type": "HorizontalPodAutoscaler",
	"name": name,
	"namespace": namespace,
	"config": {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "spec": spec},
	"unknown": [],
	"tags": {},
}

_scaled_object(name, namespace, api_version, spec) := {
	"id": sprintf("keda.sh/ScaledObject/%s/%s", [namespace, name]),
	"format": "kubernetes",
	"type": "ScaledObject",
	"name": name,
	"namespace": namespace,
	"config": {"apiVersion": api_version, "kind": "ScaledObject", "spec": spec},
	"unknown": [],
	"tags": {},
}

test_api_group if {
	k8s.api_group({"config": {"apiVersion": "apps/v1"}}) == "apps"
	k8s.api_group({"config": {"apiVersion": "v1"}}) == "core"
	not k8s.api_group({"config": {}})
}

test_scale_target_key_of_hpa_and_scaled_object if {
	k8s.scale_target_key(_hpa("web", "shop", {"scaleTargetRef": {"kind": "StatefulSet", "name": "db"}})) == ["shop", "StatefulSet", "db"]
	k8s.scale_target_key(_scaled_object("w", "shop", "keda.sh/v1alpha1", {"scaleTargetRef": {"name": "worker"}})) == ["shop", "Deployment", "worker"]
	k8s.scale_target_key(_scaled_object("w", "shop", "keda.sh/v1alpha1", {"scaleTargetRef": {"kind": "StatefulSet", "name": "worker"}})) == ["shop", "StatefulSet", "worker"]
	not k8s.scale_target_key(_hpa("web", "shop", {"scaleTargetRef": {"kind": "Deployment"}}))
	not k8s.scale_target_key(_hpa("web", "shop", {}))
}

test_autoscaler_min_replicas_defaults_and_unknown if {
	k8s.autoscaler_min_replicas(_hpa("web", "shop", {"minReplicas": 3})) == 3
	k8s.autoscaler_min_replicas(_hpa("web", "shop", {})) == 1
	k8s.autoscaler_min_replicas(_hpa("web", "shop", {"minReplicas": null})) == 1
	k8s.autoscaler_min_replicas(_scaled_object("w", "shop", "keda.sh/v1alpha1", {})) == 0
	k8s.autoscaler_min_replicas(_scaled_object("w", "shop", "keda.sh/v1alpha1", {"minReplicaCount": 2})) == 2
	not k8s.autoscaler_min_replicas(object.union(_hpa("web", "shop", {}), {"unknown": [["spec", "minReplicas"]]}))
}

test_autoscalers_of_and_replicas_with_keda if {
	web := _w("Deployment", "web", "shop", {"spec": {"replicas": 3}})
	worker := _w("Deployment", "worker", "shop", {"spec": {"replicas": 2}})
	db := _w("StatefulSet", "db", "shop", {"spec": {}})
	other_ns := _w("Deployment", "worker", "other", {"spec": {"replicas": 2}})
	hpa := _hpa("web", "shop", {"minReplicas": 2, "scaleTargetRef": {"kind": "Deployment", "name": "web"}})
	so := _scaled_object("worker", "shop", "keda.sh/v1alpha1", {"scaleTargetRef": {"name": "worker"}})
	not_keda := _scaled_object("db", "shop", "example.com/v1", {"scaleTargetRef": {"kind": "StatefulSet", "name": "db"}})
	inp := {"resources": [web, worker, db, other_ns, hpa, so, not_keda]}
	[a.id | some a in k8s.autoscalers_of(web)] == [hpa.id] with input as inp
	[a.id | some a in k8s.autoscalers_of(worker)] == [so.id] with input as inp
	k8s.autoscalers_of(db) == [] with input as inp
	k8s.autoscaled(worker) with input as inp
	not k8s.hpa_targeted(worker) with input as inp
	not k8s.autoscaled(db) with input as inp
	not k8s.autoscaled(other_ns) with input as inp
	k8s.replicas(web) == 2 with input as inp
	k8s.replicas(worker) == 0 with input as inp
	k8s.replicas(db) == 1 with input as inp
	k8s.replicas(other_ns) == 2 with input as inp
}

test_replicas_empty_or_unknown if {
	empty := _w("Deployment", "web", "shop", {"spec": {"replicas": null}})
	unknown := object.union(_w("Deployment", "api", "shop", {"spec": {}}), {"unknown": [["spec", "replicas"]]})
	k8s.replicas(empty) == 1 with input as {"resources": [empty, unknown]}
	not k8s.replicas(unknown) with input as {"resources": [empty, unknown]}
}

test_scale_target_in_bundle if {
	web := _w("Deployment", "web", "shop", {"spec": {}})
	hpa := _hpa("web", "shop", {"scaleTargetRef": {"kind": "Deployment", "name": "web"}})
	wrong_kind := _hpa("web-sts", "shop", {"scaleTargetRef": {"kind": "StatefulSet", "name": "web"}})
	wrong_ns := _hpa("web", "other", {"scaleTargetRef": {"kind": "Deployment", "name": "web"}})
	inp := {"resources": [web, hpa, wrong_kind, wrong_ns]}
	k8s.scale_target(hpa).id == web.id with input as inp
	not k8s.scale_target(wrong_kind) with input as inp
	not k8s.scale_target(wrong_ns) with input as inp
}

test_limit_range_default_request if {
	lr := {
		"id": "core/LimitRange/shop/defaults", "format": "kubernetes", "type": "LimitRange", "name": "defaults",
		"namespace": "shop", "unknown": [], "tags": {},
		"config": {"spec": {"limits": [
			{"type": "Container", "default": {"memory": "512Mi"}},
			{"type": "Pod", "max": {"cpu": "4"}},
		]}},
	}
	k8s.limit_range_default_request("shop", "memory") with input as {"resources": [lr]}
	not k8s.limit_range_default_request("shop", "cpu") with input as {"resources": [lr]}
	not k8s.limit_range_default_request("other", "memory") with input as {"resources": [lr]}
}

test_hpa_targeted_with_unknown_min_replicas if {
	web := _w("Deployment", "web", "shop", {"spec": {"replicas": 3}})
	hpa := object.union(_hpa("web", "shop", {"scaleTargetRef": {"kind": "Deployment", "name": "web"}}), {"unknown": [["spec", "minReplicas"]]})
	inp := {"resources": [web, hpa]}
	k8s.hpa_targeted(web) with input as inp
	k8s.autoscaled(web) with input as inp
	not k8s.replicas(web) with input as inp
}
