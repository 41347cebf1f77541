package scalegate.rules.image_pinned_test

import data.scalegate.rules.image_pinned as rule

_deployment(containers, init_containers, unknown) := {
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
		"metadata": {"name": "web", "namespace": "shop"},
		"spec": {
			"replicas": 2,
			"selector": {"matchLabels": {"app": "web"}},
			"template": {
				"metadata": {"labels": {"app": "web"}},
				"spec": {"containers": containers, "initContainers": init_containers},
			},
		},
	},
	"unknown": unknown,
	"references": {},
	"tags": {},
}

_cronjob(image) := {
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
		"spec": {"schedule": "0 * * * *", "jobTemplate": {"spec": {"template": {"spec": {
			"containers": [{"name": "report", "image": image}],
			"restartPolicy": "OnFailure",
		}}}}},
	},
	"unknown": [],
	"references": {},
	"tags": {},
}

_input(resources) := {"bundle": {"format": "kubernetes", "path": "k8s"}, "resources": resources}

_c(name, image) := {"name": name, "image": image}

_digest := "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

test_deny_latest_and_untagged if {
	containers := [_c("web", "nginx:latest"), _c("proxy", "registry:5000/envoy")]
	findings := rule.deny with input as _input([_deployment(containers, [_c("migrate", "shop/migrate")], [])])
	findings == {
		{
			"resource": "apps/Deployment/shop/web",
			"path": ["spec", "template", "spec", "containers", 0, "image"],
			"msg": `Container "web" of Deployment "web" uses the image "nginx:latest", tagged latest: each pull may run different code`,
			"key": "web",
		},
		{
			"resource": "apps/Deployment/shop/web",
			"path": ["spec", "template", "spec", "containers", 1, "image"],
			"msg": `Container "proxy" of Deployment "web" uses the image "registry:5000/envoy", which has no tag or digest: it runs whatever latest is at pull time`,
			"key": "proxy",
		},
		{
			"resource": "apps/Deployment/shop/web",
			"path": ["spec", "template", "spec", "initContainers", 0, "image"],
			"msg": `Init container "migrate" of Deployment "web" uses the image "shop/migrate", which has no tag or digest: it runs whatever latest is at pull time`,
			"key": "migrate",
		},
	}
}

test_deny_empty_tag_and_bad_digest if {
	inp := _input([_deployment([_c("web", "shop/web:"), _c("api", "shop/api@sha256:abc")], [], [])])
	findings := rule.deny with input as inp
	{f.key | some f in findings} == {"web", "api"}
}

test_deny_cronjob if {
	findings := rule.deny with input as _input([_cronjob("shop/report:latest")])
	{f.path | some f in findings} == {["spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "image"]}
}

test_allow_tags_and_digests if {
	containers := [
		_c("web", "nginx:1.27"),
		_c("proxy", "registry:5000/envoy:v1.30.1"),
		_c("api", sprintf("ghcr.io/shop/api@%s", [_digest])),
		_c("worker", sprintf("shop/worker:latest@%s", [_digest])),
	]
	inp := _input([_deployment(containers, [_c("migrate", "shop/migrate:2.0.0")], []), _cronjob("shop/report:2024.05")])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_container_without_image if {
	inp := _input([_deployment([{"name": "web"}], [], [])])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_unverified_when_image_is_unknown if {
	inp := _input([_deployment([{"name": "web"}], [], [["spec", "template", "spec", "containers", 0, "image"]])])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {{
		"resource": "apps/Deployment/shop/web",
		"path": ["spec", "template", "spec", "containers", 0, "image"],
		"msg": `Container "web" of Deployment "web": its image is not known before deployment`,
		"key": "web",
	}}
}
