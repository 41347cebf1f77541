package scalegate.rules.probes_test

import data.scalegate.rules.probes as rule

_workload(kind, name, pod_spec, unknown) := {
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
		"spec": {
			"selector": {"matchLabels": {"app": name}},
			"template": {"metadata": {"labels": {"app": name}}, "spec": pod_spec},
		},
	},
	"unknown": unknown,
	"references": {},
	"tags": {},
}

_cronjob(pod_spec) := {
	"id": "batch/CronJob/shop/report",
	"format": "kubernetes",
	"type": "CronJob",
	"name": "report",
	"namespace": "shop",
	"provider": null,
	"file": "k8s/report.yaml",
	"config": {
		"apiVersion": "batch/v1",
		"kind": "CronJob",
		"metadata": {"name": "report", "namespace": "shop"},
		"spec": {"schedule": "0 * * * *", "jobTemplate": {"spec": {"template": {"spec": pod_spec}}}},
	},
	"unknown": [],
	"references": {},
	"tags": {},
}

_pod(name, pod_spec) := {
	"id": sprintf("core/Pod/shop/%s", [name]),
	"format": "kubernetes",
	"type": "Pod",
	"name": name,
	"namespace": "shop",
	"provider": null,
	"file": "k8s/pod.yaml",
	"config": object.union({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "shop"}}, {"spec": pod_spec}),
	"unknown": [],
	"references": {},
	"tags": {},
}

_input(resources) := {"bundle": {"format": "kubernetes", "path": "k8s"}, "resources": resources}

_probed(name) := {
	"name": name,
	"image": "shop/app:1.0.0",
	"readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}},
	"livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}},
}

_bare(name) := {"name": name, "image": "shop/app:1.0.0"}

_containers := ["spec", "template", "spec", "containers"]

test_deny_container_without_probes if {
	inp := _input([_workload("Deployment", "web", {"containers": [_probed("web"), _bare("metrics")]}, [])])
	findings := rule.deny with input as inp
	findings == {
		{
			"resource": "apps/Deployment/shop/web",
			"path": array.concat(_containers, [1, "readinessProbe"]),
			"msg": `Container "metrics" of Deployment "web" has no readinessProbe`,
			"key": "metrics/readinessProbe",
		},
		{
			"resource": "apps/Deployment/shop/web",
			"path": array.concat(_containers, [1, "livenessProbe"]),
			"msg": `Container "metrics" of Deployment "web" has no livenessProbe`,
			"key": "metrics/livenessProbe",
		},
	}
}

test_deny_one_missing_probe if {
	web := object.remove(_probed("web"), ["livenessProbe"])
	findings := rule.deny with input as _input([_workload("StatefulSet", "web", {"containers": [web]}, [])])
	findings == {{
		"resource": "apps/StatefulSet/shop/web",
		"path": array.concat(_containers, [0, "livenessProbe"]),
		"msg": `Container "web" of StatefulSet "web" has no livenessProbe`,
		"key": "web/livenessProbe",
	}}
}

test_deny_native_sidecar_but_not_init_container if {
	proxy := object.union(_bare("proxy"), {"restartPolicy": "Always", "readinessProbe": {"tcpSocket": {"port": 15001}}})
	pod_spec := {"initContainers": [_bare("migrate"), proxy], "containers": [_probed("web")]}
	findings := rule.deny with input as _input([_workload("Deployment", "web", pod_spec, [])])
	findings == {{
		"resource": "apps/Deployment/shop/web",
		"path": ["spec", "template", "spec", "initContainers", 1, "livenessProbe"],
		"msg": `Sidecar container "proxy" of Deployment "web" has no livenessProbe`,
		"key": "proxy/livenessProbe",
	}}
}

test_deny_daemonset_and_long_running_pod if {
	inp := _input([
		_workload("DaemonSet", "agent", {"containers": [object.remove(_probed("agent"), ["readinessProbe"])]}, []),
		_pod("debug", {"containers": [object.remove(_probed("debug"), ["readinessProbe"])]}),
	])
	findings := rule.deny with input as inp
	{[f.resource, f.path] | some f in findings} == {
		["apps/DaemonSet/shop/agent", array.concat(_containers, [0, "readinessProbe"])],
		["core/Pod/shop/debug", ["spec", "containers", 0, "readinessProbe"]],
	}
}

test_allow_probed_containers if {
	inp := _input([_workload("Deployment", "web", {"containers": [_probed("web")], "initContainers": [_bare("migrate")]}, [])])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_run_to_completion if {
	inp := _input([
		_workload("Job", "seed", {"containers": [_bare("seed")], "restartPolicy": "Never"}, []),
		_cronjob({"containers": [_bare("report")], "restartPolicy": "OnFailure"}),
		_pod("smoke-test", {"containers": [_bare("test")], "restartPolicy": "Never"}),
		_pod("once", {"containers": [_bare("once")], "restartPolicy": "OnFailure"}),
	])
	count(rule.deny) == 0 with input as inp
}

test_probes_come_from_settings if {
	web := object.remove(_probed("web"), ["readinessProbe"])
	inp := _input([_workload("Deployment", "web", {"containers": [web]}, [])])
	count(rule.deny) == 0 with input as inp with data.scalegate.settings.kubernetes.probes as ["liveness"]
	findings := rule.deny with input as inp with data.scalegate.settings.kubernetes.probes as ["liveness", "startup"]
	{f.key | some f in findings} == {"web/startupProbe"}
}

test_unverified_when_probes_are_unknown if {
	inp := _input([_workload("Deployment", "web", {"containers": [_bare("web")]}, [array.concat(_containers, [0])])])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	{n.msg | some n in notes} == {
		`Container "web" of Deployment "web": its readinessProbe is not known before deployment`,
		`Container "web" of Deployment "web": its livenessProbe is not known before deployment`,
	}
}
