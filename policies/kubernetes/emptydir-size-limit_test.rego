package scalegate.rules.emptydir_size_limit_test

import data.scalegate.rules.emptydir_size_limit as rule

# _workload(kind, containers, volumes, unknown) is a workload in namespace "shop"
# whose pod spec has the given containers and volumes.
_workload(kind, containers, volumes, unknown) := {
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
		"spec": {
			"selector": {"matchLabels": {"app": "web"}},
			"template": {
				"metadata": {"labels": {"app": "web"}},
				"spec": {"containers": containers, "volumes": volumes},
			},
		},
	},
	"unknown": unknown,
	"references": {},
	"tags": {},
}

_cronjob(volumes) := {
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
		"spec": {"schedule": "0 3 * * *", "jobTemplate": {"spec": {"template": {"spec": {
			"restartPolicy": "OnFailure",
			"containers": [_app({})],
			"volumes": volumes,
		}}}}},
	},
	"unknown": [],
	"references": {},
	"tags": {},
}

_input(resources) := {"bundle": {"format": "kubernetes", "path": "k8s/shop"}, "resources": resources}

_app(limits) := {"name": "app", "image": "shop/app:1.0.0", "resources": {"limits": limits}}

_sidecar(limits) := {"name": "proxy", "image": "shop/proxy:2.0.0", "resources": {"limits": limits}}

_vol_path(i) := ["spec", "template", "spec", "volumes", i, "emptyDir", "sizeLimit"]

test_deny_disk_empty_dir_without_size_limit if {
	inp := _input([_workload("Deployment", [_app({"memory": "256Mi"})], [
		{"name": "config", "configMap": {"name": "web"}},
		{"name": "cache", "emptyDir": {}},
	], [])])
	findings := rule.deny with input as inp
	findings == {{
		"resource": "apps/Deployment/shop/web",
		"path": _vol_path(1),
		"msg": `Deployment "web": emptyDir volume "cache" has no sizeLimit, and not every container sets resources.limits.ephemeral-storage, so it can fill the node's disk`,
		"key": "cache",
	}}
	count(rule.unverified) == 0 with input as inp
}

test_deny_memory_empty_dir_when_a_container_has_no_memory_limit if {
	inp := _input([_workload(
		"Deployment",
		[_app({"memory": "256Mi"}), _sidecar({"cpu": "100m"})],
		[{"name": "shm", "emptyDir": {"medium": "Memory"}}],
		[],
	)])
	[f.msg | some f in rule.deny] == [`Deployment "web": emptyDir volume "shm" has no sizeLimit, and not every container sets resources.limits.memory, so it can fill the node's memory`] with input as inp
}

test_deny_zero_size_limit if {
	zero_number := _input([_workload("Deployment", [_app({})], [{"name": "cache", "emptyDir": {"sizeLimit": 0}}], [])])
	[f.path | some f in rule.deny] == [_vol_path(0)] with input as zero_number
	zero_quantity := _input([_workload("Deployment", [_app({})], [{"name": "cache", "emptyDir": {"sizeLimit": "0Gi"}}], [])])
	count(rule.deny) == 1 with input as zero_quantity
}

test_deny_every_workload_kind if {
	inp := _input([
		_workload("DaemonSet", [_app({})], [{"name": "buffer", "emptyDir": {}}], []),
		_cronjob([{"name": "scratch", "emptyDir": {}}]),
	])
	paths := {f.resource: f.path | some f in rule.deny} with input as inp
	paths == {
		"apps/DaemonSet/shop/web": _vol_path(0),
		"batch/CronJob/shop/report": ["spec", "jobTemplate", "spec", "template", "spec", "volumes", 0, "emptyDir", "sizeLimit"],
	}
}

test_deny_init_container_without_the_limit if {
	w := _workload("Deployment", [_app({"ephemeral-storage": "1Gi"})], [{"name": "cache", "emptyDir": {}}], [])
	with_init := object.union(w, {"config": {"spec": {"template": {"spec": {"initContainers": [{"name": "migrate", "image": "shop/migrate:1.0.0"}]}}}}})
	count(rule.deny) == 1 with input as _input([with_init])
	count(rule.deny) == 0 with input as _input([w])
}

test_allow_size_limit if {
	inp := _input([_workload("Deployment", [_app({})], [
		{"name": "cache", "emptyDir": {"sizeLimit": "512Mi"}},
		{"name": "shm", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}},
	], [])])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_when_every_container_sets_the_bounding_limit if {
	disk := _input([_workload(
		"Deployment",
		[_app({"ephemeral-storage": "2Gi"}), _sidecar({"ephemeral-storage": "100Mi"})],
		[{"name": "cache", "emptyDir": {}}],
		[],
	)])
	count(rule.deny) == 0 with input as disk

	memory := _input([_workload(
		"Deployment",
		[_app({"memory": "512Mi"}), _sidecar({"memory": "64Mi"})],
		[{"name": "shm", "emptyDir": {"medium": "Memory"}}],
		[],
	)])
	count(rule.deny) == 0 with input as memory
	count(rule.unverified) == 0 with input as memory
}

test_memory_limits_do_not_bound_a_disk_empty_dir if {
	inp := _input([_workload("Deployment", [_app({"memory": "512Mi"})], [{"name": "cache", "emptyDir": {"medium": ""}}], [])])
	count(rule.deny) == 1 with input as inp
}

test_allow_no_empty_dir if {
	inp := _input([
		_workload("Deployment", [_app({})], [{"name": "config", "configMap": {"name": "web"}}], []),
		_workload("StatefulSet", [_app({})], null, []),
		# `emptyDir:` with no value is not a volume source the API server accepts.
		_workload("ReplicaSet", [_app({})], [{"name": "x", "emptyDir": null}], []),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_unverified_when_volumes_are_unknown if {
	inp := _input([_workload("Deployment", [_app({})], [], [["spec", "template", "spec", "volumes"]])])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {{
		"resource": "apps/Deployment/shop/web",
		"path": ["spec", "template", "spec", "volumes"],
		"msg": `Deployment "web": its volumes are not known before deployment`,
	}}
}

test_unverified_when_size_limit_is_unknown if {
	inp := _input([_workload("Deployment", [_app({})], [{"name": "cache", "emptyDir": {}}], [_vol_path(0)])])
	count(rule.deny) == 0 with input as inp
	[n.msg | some n in rule.unverified] == [`Deployment "web": the sizeLimit of emptyDir volume "cache" is not known before deployment`] with input as inp
}

test_unverified_when_medium_is_unknown if {
	inp := _input([_workload(
		"Deployment", [_app({"ephemeral-storage": "1Gi"})],
		[{"name": "cache", "emptyDir": {}}],
		[["spec", "template", "spec", "volumes", 0, "emptyDir", "medium"]],
	)])
	count(rule.deny) == 0 with input as inp
	[n.path | some n in rule.unverified] == [["spec", "template", "spec", "volumes", 0, "emptyDir", "medium"]] with input as inp
}

test_unverified_when_container_limits_are_unknown if {
	inp := _input([_workload(
		"Deployment", [_app({"ephemeral-storage": "1Gi"}), _sidecar({})],
		[{"name": "cache", "emptyDir": {}}],
		[["spec", "template", "spec", "containers", 1, "resources", "limits", "ephemeral-storage"]],
	)])
	count(rule.deny) == 0 with input as inp
	[n.msg | some n in rule.unverified] == [`Deployment "web": emptyDir volume "cache" has no sizeLimit, and the resources.limits.ephemeral-storage of its containers are not all known before deployment`] with input as inp

	# A container known to miss the limit decides it, whatever the others hold.
	missing := _input([_workload(
		"Deployment", [_app({}), _sidecar({})],
		[{"name": "cache", "emptyDir": {}}],
		[["spec", "template", "spec", "containers", 1, "resources", "limits", "ephemeral-storage"]],
	)])
	count(rule.deny) == 1 with input as missing
	count(rule.unverified) == 0 with input as missing
}

test_deny_pod_spec_without_containers if {
	# Nothing sets a limit, so nothing bounds the volume.
	inp := _input([_workload("Deployment", [], [{"name": "cache", "emptyDir": {"medium": "Memory"}}], [])])
	count(rule.deny) == 1 with input as inp
}
