# METADATA
# title: Multi-replica workload shares a single-node PersistentVolumeClaim
# description: >-
#   A ReadWriteOnce volume attaches to one node at a time and a ReadWriteOncePod
#   volume to one pod, so the replicas of a Deployment that share such a claim
#   (more than one, or an HPA that may add them) hang in ContainerCreating with a
#   Multi-Attach error wherever they land on another node, and rolling updates
#   stall the same way: the workload only looks horizontally scalable. ReplicaSets
#   and StatefulSets that share one claim through `volumes` are checked the same way
#   (per-replica state belongs in `volumeClaimTemplates`); a claim that also allows
#   ReadWriteMany or ReadOnlyMany passes. A claim not in the bundle gives a note, and
#   a claim or workload without a namespace matches the other's namespace, as both
#   are applied into the same one.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-STL-002.md
# custom:
#   id: SG-STL-002
#   slug: deployment-persistent-volume
#   severity: medium
#   input:
#     selector:
#       types: [Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod]
#   remediation: >-
#     Keep shared state out of the pods (an object store, a database, a cache), or
#     give the claim a storage class that supports ReadWriteMany (EFS, Filestore,
#     Azure Files), e.g. `spec: {accessModes: [ReadWriteMany], storageClassName:
#     efs-sc, resources: {requests: {storage: 5Gi}}}`; for data each replica owns,
#     use a StatefulSet with `volumeClaimTemplates`.
package scalegate.rules.deployment_persistent_volume

import data.scalegate.lib.known
import data.scalegate.lib.kubernetes as k8s
import data.scalegate.lib.result
import data.scalegate.lib.scale
import data.scalegate.lib.volumes

deny contains finding if {
	some w in _checked
	_scaled(w)
	some entry in volumes.volumes(w)
	name := volumes.claim_name(entry.volume)
	claims := volumes.claims_for(k8s.namespace(w), name)
	count(claims) > 0

	# A pod without a namespace may find one claim per namespace: report only when
	# every candidate is single-node.
	every c in claims {
		volumes.single_node(c)
	}
	finding := result.finding_with_key(
		w,
		array.concat(entry.path, ["persistentVolumeClaim", "claimName"]),
		sprintf("%s %q %s but its volume %s mounts the PersistentVolumeClaim %q, which is %s: %s", [
			w.type, w.name, _scale(w), volumes.volume_label(entry), name,
			volumes.single_node_mode(claims[0]), _consequence[volumes.single_node_mode(claims[0])],
		]),
		volumes.volume_key(entry),
	)
}

# One note per workload, naming everything that could not be checked.
unverified contains finding if {
	some w in _checked
	reasons := sort([r | some r in _unverified_reasons(w)])
	count(reasons) > 0
	finding := result.finding(w, reasons[0][0], sprintf("%s %q: %s", [
		w.type, w.name,
		concat("; ", [text | some [_, text] in reasons]),
	]))
}

# The kinds whose pods are interchangeable copies of one template: a claim in their
# `volumes` is shared by every replica. DaemonSets (node agents) and Jobs are not.
_kinds := {"Deployment", "ReplicaSet", "StatefulSet"}

_checked := [w | some w in scale.running_workloads; w.type in _kinds]

# _scaled(w) holds when `w` runs, or may be scaled to, more than one pod.
_scaled(w) if k8s.hpa_targeted(w)

_scaled(w) if {
	n := k8s.replicas(w)
	is_number(n)
	n > 1
}

# _scale(w) says why `w` has several pods, for messages.
_scale(w) := "is scaled by a HorizontalPodAutoscaler" if k8s.hpa_targeted(w)

_scale(w) := sprintf("has %d replicas", [k8s.replicas(w)]) if not k8s.hpa_targeted(w)

_consequence := {
	"ReadWriteOnce": "it attaches to one node at a time, so replicas scheduled on other nodes cannot start",
	"ReadWriteOncePod": "only one pod at a time can use it, so the other replicas cannot start",
}

# _replicas_unknown(w) holds when `spec.replicas` is unknown and no HPA sets the scale.
_replicas_unknown(w) if {
	not k8s.hpa_targeted(w)
	known.unknown(w, ["spec", "replicas"])
}

# _unverified_reasons(w) is a set of [path, text]: what could not be checked on `w`.
# A workload known to run one pod has nothing to check.
_unverified_reasons(w) := ((_volumes_unknown(w) | _claim_names_unknown(w)) | _claims_outside(w)) | _modes_with_unknown_replicas(w) if {
	_scaled_or_unknown(w)
}

_scaled_or_unknown(w) if _scaled(w)

_scaled_or_unknown(w) if _replicas_unknown(w)

_volumes_unknown(w) := {[path, "its volumes are not known before deployment"] |
	path := volumes.volumes_path(w)
	known.unknown(w, path)
}

_claim_names_unknown(w) := {[path, sprintf("the claim of volume %s is not known before deployment", [volumes.volume_label(entry)])] |
	some entry in volumes.volumes(w)
	path := array.concat(entry.path, ["persistentVolumeClaim", "claimName"])
	not volumes.claim_name(entry.volume)
	known.unknown(w, path)
}

_claims_outside(w) := {[path, text] |
	some entry in volumes.volumes(w)
	name := volumes.claim_name(entry.volume)
	count(volumes.claims_for(k8s.namespace(w), name)) == 0
	path := array.concat(entry.path, ["persistentVolumeClaim", "claimName"])
	text := sprintf(
		"volume %s mounts the PersistentVolumeClaim %q, which is not in the bundle %q, so its access modes cannot be checked",
		[volumes.volume_label(entry), name, input.bundle.path],
	)
}

_modes_with_unknown_replicas(w) := {[["spec", "replicas"], text] |
	_replicas_unknown(w)
	some entry in volumes.volumes(w)
	name := volumes.claim_name(entry.volume)
	claims := volumes.claims_for(k8s.namespace(w), name)
	count(claims) > 0
	every c in claims {
		volumes.single_node(c)
	}
	text := sprintf(
		"its replica count is not known, and volume %s mounts the %s PersistentVolumeClaim %q",
		[volumes.volume_label(entry), volumes.single_node_mode(claims[0]), name],
	)
}
