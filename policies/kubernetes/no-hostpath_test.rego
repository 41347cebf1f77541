package scalegate.rules.no_hostpath_test

import data.scalegate.rules.no_hostpath as rule

_workload(kind, name, volumes, unknown) := {
	"id": sprintf("apps/%s/node/%s", [kind, name]),
	"format": "kubernetes",
	"type": kind,
	"name": name,
	"namespace": "node",
	"provider": null,
	"file": "k8s/agents.yaml",
	"config": {
		"apiVersion": "apps/v1",
		"kind": kind,
		"metadata": {"name": name, "namespace": "node"},
		"spec": {
			"selector": {"matchLabels": {"app": name}},
			"template": {
				"metadata": {"labels": {"app": name}},
				"spec": {
					"containers": [{"name": name, "image": "agent:1.0.0"}],
					"volumes": volumes,
				},
			},
		},
	},
	"unknown": unknown,
	"references": {},
	"tags": {},
}

_pod(volumes) := {
	"id": "core/Pod/_/debug",
	"format": "kubernetes",
	"type": "Pod",
	"name": "debug",
	"namespace": null,
	"provider": null,
	"file": "k8s/debug.yaml",
	"config": {
		"apiVersion": "v1",
		"kind": "Pod",
		"metadata": {"name": "debug"},
		"spec": {"containers": [{"name": "sh", "image": "busybox:1.36"}], "volumes": volumes},
	},
	"unknown": [],
	"references": {},
	"tags": {},
}

_input(resources) := {"bundle": {"format": "kubernetes", "path": "k8s"}, "resources": resources}

_host_logs := {"name": "logs", "hostPath": {"path": "/var/log", "type": "Directory"}}

_scratch := {"name": "scratch", "emptyDir": {}}

test_deny_deployment_with_hostpath if {
	findings := rule.deny with input as _input([_workload("Deployment", "web", [_scratch, _host_logs], [])])
	findings == {{
		"resource": "apps/Deployment/node/web",
		"path": ["spec", "template", "spec", "volumes", 1, "hostPath"],
		"msg": `Deployment "web" mounts the hostPath volume "logs" (/var/log)`,
		"key": "logs",
	}}
}

test_deny_pod_with_hostpath if {
	findings := rule.deny with input as _input([_pod([_host_logs])])
	findings == {{
		"resource": "core/Pod/_/debug",
		"path": ["spec", "volumes", 0, "hostPath"],
		"msg": `Pod "debug" mounts the hostPath volume "logs" (/var/log)`,
		"key": "logs",
	}}
}

test_allow_daemonset_and_other_volumes if {
	inp := _input([
		_workload("DaemonSet", "log-agent", [_host_logs], []),
		_workload("Deployment", "web", [_scratch], []),
		_pod([]),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_exempt_kinds_come_from_settings if {
	inp := _input([_workload("DaemonSet", "log-agent", [_host_logs], [])])
	findings := rule.deny with input as inp with data.scalegate.settings.stateless.hostpath_exempt_kinds as []
	count(findings) == 1
}

test_unverified_when_volumes_are_unknown if {
	inp := _input([_workload("Deployment", "web", [], [["spec", "template", "spec", "volumes"]])])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {{
		"resource": "apps/Deployment/node/web",
		"path": ["spec", "template", "spec", "volumes"],
		"msg": `Deployment "web": its volumes are not known before deployment`,
	}}
}
