package scalegate.lib.volumes_test

import data.scalegate.lib.volumes

_obj(kind, name, namespace, config) := {
	"id": sprintf("core/%s/%s/%s", [kind, namespace, name]),
	"format": "kubernetes",
	"type": kind,
	"name": name,
	"namespace": namespace,
	"config": config,
	"unknown": [],
	"tags": {},
}

_claim(name, namespace, modes) := _obj("PersistentVolumeClaim", name, namespace, {"spec": {"accessModes": modes}})

_cron(vols) := _obj("CronJob", "report", "shop", {"spec": {"jobTemplate": {"spec": {"template": {"spec": {
	"containers": [{"name": "app"}],
	"volumes": vols,
}}}}}})

test_volumes_with_their_paths if {
	w := _cron([{"name": "a", "emptyDir": {}}, "not a volume", {"name": "b", "persistentVolumeClaim": {"claimName": "data"}}])
	volumes.volumes(w) == [
		{"volume": {"name": "a", "emptyDir": {}}, "path": ["spec", "jobTemplate", "spec", "template", "spec", "volumes", 0]},
		{"volume": {"name": "b", "persistentVolumeClaim": {"claimName": "data"}}, "path": ["spec", "jobTemplate", "spec", "template", "spec", "volumes", 2]},
	]
	volumes.volumes_path(w) == ["spec", "jobTemplate", "spec", "template", "spec", "volumes"]
}

test_volumes_absent_or_null if {
	volumes.volumes(_obj("Pod", "p", null, {"spec": {"containers": []}})) == []
	volumes.volumes(_obj("Pod", "p", null, {"spec": {"volumes": null}})) == []
}

_claims_input := {"resources": [
	_claim("data", "shop", ["ReadWriteOnce"]),
	_claim("data", "other", ["ReadWriteMany"]),
	_claim("cache", null, ["ReadWriteOnce"]),
	_obj("ConfigMap", "data", "shop", {}),
]}

names_and_namespaces(cs) := [[c.name, c.namespace] | some c in cs]

test_claims_for_same_namespace if {
	names_and_namespaces(volumes.claims_for("shop", "data")) == [["data", "shop"]] with input as _claims_input
	names_and_namespaces(volumes.claims_for("other", "data")) == [["data", "other"]] with input as _claims_input
	volumes.claims_for("shop", "missing") == [] with input as _claims_input
	volumes.claims_for("third", "data") == [] with input as _claims_input
}

test_claims_for_unset_namespaces_match_any if {
	# A claim without a namespace lands in the pod's namespace...
	names_and_namespaces(volumes.claims_for("shop", "cache")) == [["cache", null]] with input as _claims_input

	# ...and a pod without one finds the claim in any namespace.
	names_and_namespaces(volumes.claims_for(null, "data")) == [["data", "shop"], ["data", "other"]] with input as _claims_input
	names_and_namespaces(volumes.claims_for(null, "cache")) == [["cache", null]] with input as _claims_input
}

test_single_node_access_modes if {
	volumes.single_node(_claim("a", null, ["ReadWriteOnce"]))
	volumes.single_node(_claim("a", null, ["ReadWriteOncePod"]))
	volumes.single_node_mode(_claim("a", null, ["ReadWriteOncePod"])) == "ReadWriteOncePod"
	volumes.single_node_mode(_claim("a", null, ["ReadWriteOnce"])) == "ReadWriteOnce"
	not volumes.single_node(_claim("a", null, ["ReadWriteMany"]))
	not volumes.single_node(_claim("a", null, ["ReadWriteOnce", "ReadOnlyMany"]))
	not volumes.single_node(_claim("a", null, []))
	not volumes.single_node(_obj("PersistentVolumeClaim", "a", null, {"spec": {}}))
}

test_claim_name if {
	volumes.claim_name({"name": "d", "persistentVolumeClaim": {"claimName": "data"}}) == "data"
	not volumes.claim_name({"name": "d", "persistentVolumeClaim": {}})
	not volumes.claim_name({"name": "d", "emptyDir": {}})
}
