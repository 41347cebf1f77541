package scalegate.rules.container_resources_test

import data.scalegate.rules.container_resources as rule

_complete := {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}}

_deployment(containers, unknown) := {
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
		"metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
		"spec": {
			"replicas": 2,
			"selector": {"matchLabels": {"app": "web"}},
			"template": {
				"metadata": {"labels": {"app": "web"}},
				"spec": {"containers": containers},
			},
		},
	},
	"unknown": unknown,
	"references": {},
	"tags": {"app": "web"},
}

_cronjob(init_containers, containers) := {
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
		"spec": {
			"schedule": "0 * * * *",
			"jobTemplate": {"spec": {"template": {"spec": {
				"initContainers": init_containers,
				"containers": containers,
			}}}},
		},
	},
	"unknown": [],
	"references": {},
	"tags": {},
}

_input(resources) := {"bundle": {"format": "kubernetes", "path": "k8s"}, "resources": resources}

_api_path := ["spec", "template", "spec", "containers", 0, "resources"]

test_deny_missing_memory_limit if {
	api := {"name": "api", "image": "shop/api:1.4.2", "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}}}
	findings := rule.deny with input as _input([_deployment([api], [])])
	findings == {{
		"resource": "apps/Deployment/shop/web",
		"path": array.concat(_api_path, ["limits", "memory"]),
		"msg": `Container "api" of Deployment "web" does not set resources.limits.memory`,
		"key": "api/resources.limits.memory",
	}}
}

test_deny_every_missing_field_of_init_and_app_containers if {
	migrate := {"name": "migrate", "image": "shop/migrate:1.4.2"}
	report := {"name": "report", "image": "shop/report:1.4.2", "resources": _complete}
	findings := rule.deny with input as _input([_cronjob([migrate], [report])])
	base := ["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0, "resources"]
	findings == {
		{
			"resource": "batch/CronJob/shop/report",
			"path": array.concat(base, ["requests", "cpu"]),
			"msg": `Init container "migrate" of CronJob "report" does not set resources.requests.cpu`,
			"key": "migrate/resources.requests.cpu",
		},
		{
			"resource": "batch/CronJob/shop/report",
			"path": array.concat(base, ["requests", "memory"]),
			"msg": `Init container "migrate" of CronJob "report" does not set resources.requests.memory`,
			"key": "migrate/resources.requests.memory",
		},
		{
			"resource": "batch/CronJob/shop/report",
			"path": array.concat(base, ["limits", "memory"]),
			"msg": `Init container "migrate" of CronJob "report" does not set resources.limits.memory`,
			"key": "migrate/resources.limits.memory",
		},
	}
}

test_allow_complete_resources if {
	api := {"name": "api", "image": "shop/api:1.4.2", "resources": _complete}
	count(rule.deny) == 0 with input as _input([_deployment([api], [])])
	count(rule.unverified) == 0 with input as _input([_deployment([api], [])])
}

test_allow_objects_that_are_not_workloads if {
	service := {
		"id": "core/Service/shop/web", "format": "kubernetes", "type": "Service", "name": "web",
		"namespace": "shop", "provider": null, "file": "k8s/web.yaml",
		"config": {"apiVersion": "v1", "kind": "Service", "spec": {"ports": [{"port": 80}]}},
		"unknown": [], "references": {}, "tags": {},
	}
	count(rule.deny) == 0 with input as _input([service])
}

test_unverified_when_resources_are_unknown if {
	api := {"name": "api", "image": "shop/api:1.4.2"}
	inp := _input([_deployment([api], [_api_path])])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {
		{
			"resource": "apps/Deployment/shop/web",
			"path": array.concat(_api_path, ["requests", "cpu"]),
			"msg": `Container "api" of Deployment "web": resources.requests.cpu is not known before deployment`,
			"key": "api/resources.requests.cpu",
		},
		{
			"resource": "apps/Deployment/shop/web",
			"path": array.concat(_api_path, ["requests", "memory"]),
			"msg": `Container "api" of Deployment "web": resources.requests.memory is not known before deployment`,
			"key": "api/resources.requests.memory",
		},
		{
			"resource": "apps/Deployment/shop/web",
			"path": array.concat(_api_path, ["limits", "memory"]),
			"msg": `Container "api" of Deployment "web": resources.limits.memory is not known before deployment`,
			"key": "api/resources.limits.memory",
		},
	}
}

test_required_fields_come_from_settings if {
	api := {"name": "api", "image": "shop/api:1.4.2", "resources": _complete}
	findings := rule.deny with input as _input([_deployment([api], [])])
		with data.scalegate.settings.kubernetes.container_resources as {"limits": ["cpu", "memory"]}
	findings == {{
		"resource": "apps/Deployment/shop/web",
		"path": array.concat(_api_path, ["limits", "cpu"]),
		"msg": `Container "api" of Deployment "web" does not set resources.limits.cpu`,
		"key": "api/resources.limits.cpu",
	}}
}
