package scalegate.rules.hpa_needs_requests_test

import data.scalegate.rules.hpa_needs_requests as rule

_object(group, kind, name, config, unknown) := {
	"id": sprintf("%s/%s/shop/%s", [group, kind, name]),
	"format": "kubernetes",
	"type": kind,
	"name": name,
	"namespace": "shop",
	"provider": null,
	"file": "k8s/app.yaml",
	"config": config,
	"unknown": unknown,
	"references": {},
	"tags": {},
}

_deployment(pod_spec, unknown) := _object("apps", "Deployment", "web", {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web", "namespace": "shop"},
	"spec": {
		"selector": {"matchLabels": {"app": "web"}},
		"template": {"metadata": {"labels": {"app": "web"}}, "spec": pod_spec},
	},
}, unknown)

_hpa(api_version, spec, unknown) := _object("autoscaling", "HorizontalPodAutoscaler", "web", {
	"apiVersion": api_version,
	"kind": "HorizontalPodAutoscaler",
	"metadata": {"name": "web", "namespace": "shop"},
	"spec": object.union({"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "minReplicas": 2, "maxReplicas": 10}, spec),
}, unknown)

_resource_metric(name, target) := {"type": "Resource", "resource": {"name": name, "target": target}}

_utilization := {"type": "Utilization", "averageUtilization": 70}

_container(name, resources) := {"name": name, "image": "shop/app:1.0.0", "resources": resources}

_input(resources) := {"bundle": {"format": "kubernetes", "path": "k8s/shop"}, "resources": resources}

_finding(i, container, resource, msg) := {
	"resource": "apps/Deployment/shop/web",
	"path": ["spec", "template", "spec", "containers", i, "resources", "requests", resource],
	"msg": msg,
	"key": sprintf("%s/resources.requests.%s", [container, resource]),
}

test_deny_memory_utilization_without_memory_request if {
	pod := {"containers": [
		_container("app", {"requests": {"cpu": "250m", "memory": "256Mi"}}),
		_container("proxy", {"requests": {"cpu": "50m"}}),
	]}
	hpa := _hpa("autoscaling/v2", {"metrics": [
		_resource_metric("cpu", _utilization),
		_resource_metric("memory", _utilization),
	]}, [])
	findings := rule.deny with input as _input([_deployment(pod, []), hpa])
	findings == {_finding(1, "proxy", "memory", `Container "proxy" of Deployment "web" does not set resources.requests.memory, which HorizontalPodAutoscaler "web" needs to compute memory utilisation`)}
}

test_deny_default_cpu_metric if {
	pod := {"containers": [_container("app", {"requests": {"memory": "256Mi"}})]}
	inp := _input([_deployment(pod, []), _hpa("autoscaling/v2", {}, [])])
	findings := rule.deny with input as inp
	findings == {_finding(0, "app", "cpu", `Container "app" of Deployment "web" does not set resources.requests.cpu, which HorizontalPodAutoscaler "web" needs to compute CPU utilisation (the default metric of an HPA without metrics)`)}
	empty_metrics := _input([_deployment(pod, []), _hpa("autoscaling/v2", {"metrics": []}, [])])
	count(rule.deny) == 1 with input as empty_metrics
}

test_deny_v1_target_cpu if {
	pod := {"containers": [{"name": "app", "image": "shop/app:1.0.0"}]}
	inp := _input([_deployment(pod, []), _hpa("autoscaling/v1", {"targetCPUUtilizationPercentage": 75}, [])])
	findings := rule.deny with input as inp
	findings == {_finding(0, "app", "cpu", `Container "app" of Deployment "web" does not set resources.requests.cpu, which HorizontalPodAutoscaler "web" needs to compute CPU utilisation`)}
}

test_deny_v2beta1_and_native_sidecar if {
	sidecar := {"name": "mesh", "image": "mesh/proxy:1.0", "restartPolicy": "Always"}
	migrate := {"name": "migrate", "image": "shop/migrate:1.0"}
	pod := {"initContainers": [migrate, sidecar], "containers": [_container("app", {"requests": {"cpu": "250m"}})]}
	hpa := _hpa("autoscaling/v2beta1", {"metrics": [{"type": "Resource", "resource": {"name": "cpu", "targetAverageUtilization": 70}}]}, [])
	findings := rule.deny with input as _input([_deployment(pod, []), hpa])
	findings == {{
		"resource": "apps/Deployment/shop/web",
		"path": ["spec", "template", "spec", "initContainers", 1, "resources", "requests", "cpu"],
		"msg": `Init container "mesh" of Deployment "web" does not set resources.requests.cpu, which HorizontalPodAutoscaler "web" needs to compute CPU utilisation`,
		"key": "mesh/resources.requests.cpu",
	}}
}

test_deny_container_resource_names_one_container if {
	pod := {"containers": [_container("app", {}), _container("proxy", {})]}
	hpa := _hpa("autoscaling/v2", {"metrics": [{"type": "ContainerResource", "containerResource": {"name": "cpu", "container": "app", "target": _utilization}}]}, [])
	findings := rule.deny with input as _input([_deployment(pod, []), hpa])
	findings == {_finding(0, "app", "cpu", `Container "app" of Deployment "web" does not set resources.requests.cpu, which HorizontalPodAutoscaler "web" needs to compute CPU utilisation`)}
}

test_allow_requests_limits_and_limit_range if {
	pod := {"containers": [
		_container("app", {"requests": {"cpu": "250m"}, "limits": {"memory": "512Mi"}}),
		_container("proxy", {"limits": {"cpu": "100m", "memory": "64Mi"}}),
	]}
	hpa := _hpa("autoscaling/v2", {"metrics": [_resource_metric("cpu", _utilization), _resource_metric("memory", _utilization)]}, [])
	count(rule.deny) == 0 with input as _input([_deployment(pod, []), hpa])

	bare := {"containers": [_container("app", {})]}
	limit_range := _object("core", "LimitRange", "defaults", {"apiVersion": "v1", "kind": "LimitRange", "spec": {"limits": [{"type": "Container", "defaultRequest": {"cpu": "100m"}, "default": {"memory": "256Mi"}}]}}, [])
	count(rule.deny) == 0 with input as _input([_deployment(bare, []), hpa, limit_range])
}

test_allow_metrics_that_need_no_request if {
	pod := {"containers": [_container("app", {})]}
	hpa := _hpa("autoscaling/v2", {"metrics": [
		_resource_metric("cpu", {"type": "AverageValue", "averageValue": "500m"}),
		{"type": "Pods", "pods": {"metric": {"name": "requests_per_second"}, "target": {"type": "AverageValue", "averageValue": "100"}}},
		{"type": "External", "external": {"metric": {"name": "queue_depth"}, "target": {"type": "Value", "value": "30"}}},
	]}, [])
	inp := _input([_deployment(pod, []), hpa])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_target_not_in_bundle if {
	count(rule.deny) == 0 with input as _input([_hpa("autoscaling/v2", {}, [])])
}

test_unverified_when_requests_unknown if {
	pod := {"containers": [_container("app", {})]}
	inp := _input([_deployment(pod, [["spec", "template", "spec", "containers", 0, "resources", "requests"]]), _hpa("autoscaling/v2", {}, [])])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {_finding(0, "app", "cpu", `Container "app" of Deployment "web": resources.requests.cpu is not known before deployment, and HorizontalPodAutoscaler "web" scales on CPU utilisation`)}
}

test_unverified_when_metrics_unknown if {
	pod := {"containers": [_container("app", {})]}
	inp := _input([_deployment(pod, []), _hpa("autoscaling/v2", {}, [["spec", "metrics"]])])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {{
		"resource": "autoscaling/HorizontalPodAutoscaler/shop/web",
		"path": ["spec", "metrics"],
		"msg": `HorizontalPodAutoscaler "web": spec.metrics is not known before deployment`,
	}}
}
