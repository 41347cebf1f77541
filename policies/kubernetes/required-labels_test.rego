package scalegate.rules.required_labels_test

import data.scalegate.rules.required_labels as rule

_deployment(labels, pod_labels, unknown) := {
	"id": "apps/Deployment/shop/web",
	"format": "kubernetes",
	"type": "Deployment",
	"name": "web",
	"namespace": "shop",
	"provider": null,
	"file": "k8s/web.yaml",
	"config": {
		"apiVersion": "apps/v1",
		"kind": "Deployment",
		"metadata": object.union({"name": "web", "namespace": "shop"}, labels),
		"spec": {
			"selector": {"matchLabels": {"app.kubernetes.io/name": "web"}},
			"template": {
				"metadata": pod_labels,
				"spec": {"containers": [{"name": "web", "image": "shop/web:1.4.2"}]},
			},
		},
	},
	"unknown": unknown,
	"references": {},
	"tags": object.get(labels, "labels", {}),
}

_cronjob(pod_labels) := {
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
		"metadata": {"name": "report", "namespace": "shop", "labels": {"app.kubernetes.io/name": "report", "owner": "data-team"}},
		"spec": {
			"schedule": "0 * * * *",
			"jobTemplate": {"spec": {"template": {
				"metadata": {"labels": pod_labels},
				"spec": {"containers": [{"name": "report", "image": "shop/report:1.0.0"}]},
			}}},
		},
	},
	"unknown": [],
	"references": {},
	"tags": {"app.kubernetes.io/name": "report", "owner": "data-team"},
}

_pod(labels) := {
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
		"metadata": {"name": "debug", "labels": labels},
		"spec": {"containers": [{"name": "sh", "image": "busybox:1.36"}]},
	},
	"unknown": [],
	"references": {},
	"tags": labels,
}

_input(resources) := {"bundle": {"format": "kubernetes", "path": "k8s"}, "resources": resources}

_complete := {"app.kubernetes.io/name": "web", "owner": "web-team"}

_finding(path, msg, key) := {"resource": "apps/Deployment/shop/web", "path": path, "msg": msg, "key": key}

test_deny_label_missing_on_workload_and_template if {
	inp := _input([_deployment({"labels": {"app.kubernetes.io/name": "web"}}, {"labels": {"owner": "web-team"}}, [])])
	findings := rule.deny with input as inp
	findings == {
		_finding(
			["metadata", "labels", "owner"],
			`Deployment "web" does not set the required label "owner" in metadata.labels`,
			"metadata/owner",
		),
		_finding(
			["spec", "template", "metadata", "labels", "app.kubernetes.io/name"],
			`Deployment "web" does not set the required label "app.kubernetes.io/name" in spec.template.metadata.labels`,
			"template/app.kubernetes.io/name",
		),
	}
}

test_deny_when_labels_are_absent if {
	findings := rule.deny with input as _input([_deployment({}, {}, [])])
	count(findings) == 4
	{f.path | some f in findings} == {
		["metadata", "labels", "app.kubernetes.io/name"],
		["metadata", "labels", "owner"],
		["spec", "template", "metadata", "labels", "app.kubernetes.io/name"],
		["spec", "template", "metadata", "labels", "owner"],
	}
}

test_deny_empty_value if {
	findings := rule.deny with input as _input([_deployment(
		{"labels": {"app.kubernetes.io/name": "web", "owner": ""}},
		{"labels": {"app.kubernetes.io/name": "web", "owner": "web-team"}},
		[],
	)])
	findings == {_finding(
		["metadata", "labels", "owner"],
		`Deployment "web" sets the required label "owner" to an empty value in metadata.labels`,
		"metadata/owner",
	)}
}

test_deny_cronjob_pod_template if {
	findings := rule.deny with input as _input([_cronjob({"app.kubernetes.io/name": "report"})])
	findings == {{
		"resource": "batch/CronJob/shop/report",
		"path": ["spec", "jobTemplate", "spec", "template", "metadata", "labels", "owner"],
		"msg": `CronJob "report" does not set the required label "owner" in spec.jobTemplate.spec.template.metadata.labels`,
		"key": "template/owner",
	}}
}

test_deny_pod_once if {
	findings := rule.deny with input as _input([_pod({"owner": "sre"})])
	findings == {{
		"resource": "core/Pod/_/debug",
		"path": ["metadata", "labels", "app.kubernetes.io/name"],
		"msg": `Pod "debug" does not set the required label "app.kubernetes.io/name" in metadata.labels`,
		"key": "metadata/app.kubernetes.io/name",
	}}
}

test_allow_complete_labels if {
	inp := _input([
		_deployment({"labels": {"app.kubernetes.io/name": "web", "owner": "web-team", "tier": "frontend"}}, {"labels": {"app.kubernetes.io/name": "web", "owner": "web-team"}}, []),
		_cronjob({"app.kubernetes.io/name": "report", "owner": "data-team"}),
		_pod({"app.kubernetes.io/name": "debug", "owner": "sre"}),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_objects_that_are_not_workloads if {
	service := {
		"id": "core/Service/shop/web", "format": "kubernetes", "type": "Service", "name": "web",
		"namespace": "shop", "provider": null, "file": "k8s/web.yaml",
		"config": {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}},
		"unknown": [], "references": {}, "tags": {},
	}
	count(rule.deny) == 0 with input as _input([service])
}

test_required_labels_come_from_settings if {
	inp := _input([_deployment({"labels": {"team": "web"}}, {"labels": {"team": "web"}}, [])])
	count(rule.deny) == 0 with input as inp with data.scalegate.settings.kubernetes.required_labels as ["team"]
	count(rule.deny) == 2 with input as inp with data.scalegate.settings.kubernetes.required_labels as ["team", "tier"]
}

test_unverified_when_labels_are_unknown if {
	inp := _input([_deployment(
		{"labels": {"app.kubernetes.io/name": "web", "owner": "web-team"}},
		{},
		[["spec", "template", "metadata", "labels"]],
	)])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	{n.msg | some n in notes} == {
		`Deployment "web": the label "app.kubernetes.io/name" in spec.template.metadata.labels is not known before deployment`,
		`Deployment "web": the label "owner" in spec.template.metadata.labels is not known before deployment`,
	}
}

# Labels describe the object whether it runs or not: a workload held at zero
# (`replicas: 0`) is still checked.
test_deny_on_a_workload_held_at_zero if {
	d := _deployment({}, {}, [])
	held := object.union(d, {"config": {"spec": {"replicas": 0}}})
	findings := rule.deny with input as _input([held])
	count(findings) == 4
}
