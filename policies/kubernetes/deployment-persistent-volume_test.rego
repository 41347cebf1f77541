package scalegate.rules.deployment_persistent_volume_test

import data.scalegate.rules.deployment_persistent_volume as rule

# _workload(kind, name, namespace, spec, volumes, unknown) is a workload whose pod
# template mounts `volumes`; `spec` adds fields such as `replicas`.
_workload(kind, name, namespace, spec, volumes, unknown) := {
	"id": sprintf("apps/%s/%s/%s", [kind, _ns(namespace), name]),
	"format": "kubernetes",
	"type": kind,
	"name": name,
	"namespace": namespace,
	"provider": null,
	"file": "k8s/web.yaml",
	"config": {
		"apiVersion": "apps/v1",
		"kind": kind,
		"metadata": {"name": name, "namespace": namespace},
		"spec": object.union(spec, {
			"selector": {"matchLabels": {"app": name}},
			"template": {
				"metadata": {"labels": {"app": name}},
				"spec": {
					"containers": [{"name": name, "image": "shop/app:1.0.0"}],
					"volumes": volumes,
				},
			},
		}),
	},
	"unknown": unknown,
	"references": {},
	"tags": {},
}

_ns(namespace) := namespace if namespace != null

_ns(namespace) := "_" if namespace == null

_deployment(replicas, volumes) := _workload("Deployment", "web", "shop", {"replicas": replicas}, volumes, [])

_claim(name, namespace, modes) := {
	"id": sprintf("core/PersistentVolumeClaim/%s/%s", [_ns(namespace), name]),
	"format": "kubernetes",
	"type": "PersistentVolumeClaim",
	"name": name,
	"namespace": namespace,
	"provider": null,
	"file": "k8s/pvc.yaml",
	"config": {
		"apiVersion": "v1",
		"kind": "PersistentVolumeClaim",
		"metadata": {"name": name, "namespace": namespace},
		"spec": {"accessModes": modes, "resources": {"requests": {"storage": "5Gi"}}},
	},
	"unknown": [],
	"references": {},
	"tags": {},
}

_hpa(target, min_replicas) := {
	"id": sprintf("autoscaling/HorizontalPodAutoscaler/shop/%s", [target]),
	"format": "kubernetes",
	"type": "HorizontalPodAutoscaler",
	"name": target,
	"namespace": "shop",
	"provider": null,
	"file": "k8s/hpa.yaml",
	"config": {
		"apiVersion": "autoscaling/v2",
		"kind": "HorizontalPodAutoscaler",
		"metadata": {"name": target, "namespace": "shop"},
		"spec": {
			"minReplicas": min_replicas,
			"maxReplicas": 10,
			"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target},
		},
	},
	"unknown": [],
	"references": {},
	"tags": {},
}

_input(resources) := {"bundle": {"format": "kubernetes", "path": "k8s/shop"}, "resources": resources}

_uploads := {"name": "uploads", "persistentVolumeClaim": {"claimName": "web-uploads"}}

_scratch := {"name": "scratch", "emptyDir": {}}

_claim_path(i) := ["spec", "template", "spec", "volumes", i, "persistentVolumeClaim", "claimName"]

test_deny_replicas_with_read_write_once_claim if {
	inp := _input([_deployment(3, [_scratch, _uploads]), _claim("web-uploads", "shop", ["ReadWriteOnce"])])
	findings := rule.deny with input as inp
	findings == {{
		"resource": "apps/Deployment/shop/web",
		"path": _claim_path(1),
		"msg": `Deployment "web" has 3 replicas but its volume "uploads" mounts the PersistentVolumeClaim "web-uploads", which is ReadWriteOnce: it attaches to one node at a time, so replicas scheduled on other nodes cannot start`,
		"key": "uploads",
	}}
	count(rule.unverified) == 0 with input as inp
}

test_deny_hpa_with_read_write_once_pod_claim if {
	# No spec.replicas, and an HPA floor of 1: the HPA may still add replicas.
	inp := _input([
		_workload("Deployment", "web", "shop", {}, [_uploads], []),
		_hpa("web", 1),
		_claim("web-uploads", "shop", ["ReadWriteOncePod"]),
	])
	findings := rule.deny with input as inp
	findings == {{
		"resource": "apps/Deployment/shop/web",
		"path": _claim_path(0),
		"msg": `Deployment "web" is scaled by a HorizontalPodAutoscaler but its volume "uploads" mounts the PersistentVolumeClaim "web-uploads", which is ReadWriteOncePod: only one pod at a time can use it, so the other replicas cannot start`,
		"key": "uploads",
	}}
}

test_deny_statefulset_sharing_a_claim_through_volumes if {
	inp := _input([
		_workload("StatefulSet", "db", "shop", {"replicas": 2}, [_uploads], []),
		_claim("web-uploads", "shop", ["ReadWriteOnce"]),
	])
	[f.resource | some f in rule.deny] == ["apps/StatefulSet/shop/db"] with input as inp
}

test_allow_single_replica if {
	inp := _input([
		_deployment(1, [_uploads]),
		_workload("Deployment", "api", "shop", {}, [{"name": "d", "persistentVolumeClaim": {"claimName": "web-uploads"}}], []),
		_claim("web-uploads", "shop", ["ReadWriteOnce"]),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_multi_node_claims if {
	many := _input([_deployment(3, [_uploads]), _claim("web-uploads", "shop", ["ReadWriteMany"])])
	count(rule.deny) == 0 with input as many
	count(rule.unverified) == 0 with input as many

	# A claim that allows ReadOnlyMany beside ReadWriteOnce can be attached to many nodes.
	mixed := _input([_deployment(3, [_uploads]), _claim("web-uploads", "shop", ["ReadWriteOnce", "ReadOnlyMany"])])
	count(rule.deny) == 0 with input as mixed
}

test_allow_claim_without_access_modes if {
	# The API server rejects such a claim; it is not this rule's to report.
	inp := _input([_deployment(3, [_uploads]), _claim("web-uploads", "shop", null)])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_other_kinds_and_volume_types if {
	inp := _input([
		_workload("DaemonSet", "agent", "shop", {}, [_uploads], []),
		_workload("Job", "seed", "shop", {"parallelism": 4}, [_uploads], []),
		_deployment(3, [_scratch]),
		_claim("web-uploads", "shop", ["ReadWriteOnce"]),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_claim_in_another_namespace_is_not_the_one_mounted if {
	inp := _input([_deployment(3, [_uploads]), _claim("web-uploads", "other", ["ReadWriteOnce"])])
	count(rule.deny) == 0 with input as inp
	[f.path | some f in rule.unverified] == [_claim_path(0)] with input as inp
}

test_unset_namespaces_match if {
	# A claim without a namespace is applied into the workload's.
	claim_unset := _input([_deployment(3, [_uploads]), _claim("web-uploads", null, ["ReadWriteOnce"])])
	count(rule.deny) == 1 with input as claim_unset

	# A workload without a namespace finds the claim wherever it is, and is reported
	# only when every candidate is single-node.
	unset := _workload("Deployment", "web", null, {"replicas": 2}, [_uploads], [])
	one := _input([unset, _claim("web-uploads", "shop", ["ReadWriteOnce"])])
	count(rule.deny) == 1 with input as one
	two := _input([unset, _claim("web-uploads", "shop", ["ReadWriteOnce"]), _claim("web-uploads", "other", ["ReadWriteMany"])])
	count(rule.deny) == 0 with input as two
}

test_unverified_when_claim_is_not_in_the_bundle if {
	inp := _input([_deployment(2, [_uploads])])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {{
		"resource": "apps/Deployment/shop/web",
		"path": _claim_path(0),
		"msg": `Deployment "web": volume "uploads" mounts the PersistentVolumeClaim "web-uploads", which is not in the bundle "k8s/shop", so its access modes cannot be checked`,
	}}
}

test_one_note_names_every_unknown_claim if {
	other := {"name": "cache", "persistentVolumeClaim": {"claimName": "web-cache"}}
	notes := rule.unverified with input as _input([_deployment(2, [_uploads, other])])
	[n.msg | some n in notes] == [`Deployment "web": volume "uploads" mounts the PersistentVolumeClaim "web-uploads", which is not in the bundle "k8s/shop", so its access modes cannot be checked; volume "cache" mounts the PersistentVolumeClaim "web-cache", which is not in the bundle "k8s/shop", so its access modes cannot be checked`]
}

test_unverified_when_replicas_are_unknown if {
	inp := _input([
		_workload("Deployment", "web", "shop", {}, [_uploads], [["spec", "replicas"]]),
		_claim("web-uploads", "shop", ["ReadWriteOnce"]),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {{
		"resource": "apps/Deployment/shop/web",
		"path": ["spec", "replicas"],
		"msg": `Deployment "web": its replica count is not known, and volume "uploads" mounts the ReadWriteOnce PersistentVolumeClaim "web-uploads"`,
	}}
}

test_no_note_when_replicas_are_unknown_and_claims_allow_many_nodes if {
	inp := _input([
		_workload("Deployment", "web", "shop", {}, [_uploads], [["spec", "replicas"]]),
		_claim("web-uploads", "shop", ["ReadWriteMany"]),
	])
	count(rule.unverified) == 0 with input as inp
}

test_unverified_when_volumes_or_claim_names_are_unknown if {
	volumes_unknown := _input([_workload("Deployment", "web", "shop", {"replicas": 2}, [], [["spec", "template", "spec", "volumes"]])])
	[n.msg | some n in rule.unverified] == [`Deployment "web": its volumes are not known before deployment`] with input as volumes_unknown

	name_unknown := _input([_workload(
		"Deployment", "web", "shop", {"replicas": 2},
		[{"name": "uploads", "persistentVolumeClaim": {}}],
		[_claim_path(0)],
	)])
	[n.path | some n in rule.unverified] == [_claim_path(0)] with input as name_unknown
	count(rule.deny) == 0 with input as name_unknown
}
