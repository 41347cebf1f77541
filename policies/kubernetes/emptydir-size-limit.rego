# METADATA
# title: emptyDir volume has no sizeLimit
# description: >-
#   An emptyDir lives on the node: without a bound, one pod's cache or spool can
#   fill the node's disk (or, with `medium: Memory`, its memory), and the kubelet
#   then evicts its neighbours as well, so node-local state becomes a noisy-neighbour
#   outage and a source of hard-to-plan node sizes. An emptyDir without `sizeLimit`
#   passes when every container and init container of the pod already sets the
#   limit the kubelet counts the volume against: `limits.ephemeral-storage` for a
#   disk-backed emptyDir, `limits.memory` for `medium: Memory`. A `sizeLimit` of zero
#   is no limit.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-STL-004.md
# custom:
#   id: SG-STL-004
#   slug: emptydir-size-limit
#   severity: low
#   input:
#     selector:
#       types: [Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod]
#   remediation: >-
#     Give every emptyDir a `sizeLimit` sized from what the pod really writes there,
#     e.g. `volumes: [{name: cache, emptyDir: {sizeLimit: 512Mi}}]` (or `{medium:
#     Memory, sizeLimit: 64Mi}`), or set `resources.limits.ephemeral-storage`
#     (`limits.memory` for a memory-backed one) on every container.
package scalegate.rules.emptydir_size_limit

import data.scalegate.lib.known
import data.scalegate.lib.kubernetes as k8s
import data.scalegate.lib.result
import data.scalegate.lib.scale
import data.scalegate.lib.volumes

deny contains finding if {
	some w in scale.running_workloads
	some entry in _empty_dirs(w)
	path := _size_limit_path(entry)
	_no_size_limit(w, entry, path)
	limit := _bounding_limit(w, entry)
	_some_container_misses(w, limit)
	finding := result.finding_with_key(
		w,
		path,
		sprintf("%s %q: emptyDir volume %s has no sizeLimit, and not every container sets resources.limits.%s, so it can fill the node's %s", [
			w.type, w.name, volumes.volume_label(entry), limit, _resource_word[limit],
		]),
		volumes.volume_key(entry),
	)
}

# One note per workload, naming everything that could not be checked.
unverified contains finding if {
	some w in scale.running_workloads
	reasons := sort([r | some r in _unverified_reasons(w)])
	count(reasons) > 0
	finding := result.finding(w, reasons[0][0], sprintf("%s %q: %s", [
		w.type, w.name,
		concat("; ", [text | some [_, text] in reasons]),
	]))
}

_resource_word := {"ephemeral-storage": "disk", "memory": "memory"}

# _empty_dirs(w) is the volumes(w) entries that are emptyDir volumes.
_empty_dirs(w) := [entry |
	some entry in volumes.volumes(w)
	is_object(object.get(entry.volume, "emptyDir", null))
]

_size_limit_path(entry) := array.concat(entry.path, ["emptyDir", "sizeLimit"])

# _no_size_limit(w, entry, path) holds when the emptyDir is known to have no limit:
# `sizeLimit` absent, or zero (which the kubelet treats as no limit).
_no_size_limit(w, _, path) if known.missing(w, path)

_no_size_limit(_, entry, _) if _zero(entry.volume.emptyDir.sizeLimit)

_zero(q) if q == 0

_zero(q) if {
	is_string(q)
	regex.match(`^\+?0+(\.0*)?[A-Za-z]*$`, q)
}

# _bounding_limit(w, entry) is the container limit the kubelet counts the emptyDir
# against: memory for a tmpfs (`medium: Memory`), ephemeral-storage for the node's
# disk (medium absent or ""). Undefined when the medium is unknown.
_bounding_limit(_, entry) := "memory" if entry.volume.emptyDir.medium == "Memory"

_bounding_limit(w, entry) := "ephemeral-storage" if {
	not entry.volume.emptyDir.medium == "Memory"
	not known.unknown(w, array.concat(entry.path, ["emptyDir", "medium"]))
}

_limit_path(c, limit) := array.concat(c.path, ["resources", "limits", limit])

# _some_container_misses(w, limit) holds when a container or init container of `w`
# is known not to set `resources.limits.<limit>`; a pod spec without containers
# bounds nothing either.
_some_container_misses(w, limit) if {
	some c in k8s.containers(w)
	known.missing(w, _limit_path(c, limit))
}

_some_container_misses(w, _) if count(k8s.containers(w)) == 0

# _limits_unknown(w, limit) holds when no container is known to miss the limit but
# some container's limit is unknown.
_limits_unknown(w, limit) if {
	not _some_container_misses(w, limit)
	some c in k8s.containers(w)
	not known.present(w.config, _limit_path(c, limit))
}

# _unverified_reasons(w) is a set of [path, text]: what could not be checked on `w`.
_unverified_reasons(w) := ((_volumes_unknown(w) | _size_limits_unknown(w)) | _media_unknown(w)) | _container_limits_unknown(w)

_volumes_unknown(w) := {[path, "its volumes are not known before deployment"] |
	path := volumes.volumes_path(w)
	known.unknown(w, path)
}

_size_limits_unknown(w) := {[path, sprintf("the sizeLimit of emptyDir volume %s is not known before deployment", [volumes.volume_label(entry)])] |
	some entry in _empty_dirs(w)
	path := _size_limit_path(entry)
	not known.present(w.config, path)
	known.unknown(w, path)
}

_media_unknown(w) := {[path, sprintf("emptyDir volume %s has no sizeLimit, and its medium is not known before deployment", [volumes.volume_label(entry)])] |
	some entry in _empty_dirs(w)
	_no_size_limit(w, entry, _size_limit_path(entry))
	not _bounding_limit(w, entry)
	path := array.concat(entry.path, ["emptyDir", "medium"])
}

_container_limits_unknown(w) := {[path, text] |
	some entry in _empty_dirs(w)
	path := _size_limit_path(entry)
	_no_size_limit(w, entry, path)
	limit := _bounding_limit(w, entry)
	_limits_unknown(w, limit)
	text := sprintf(
		"emptyDir volume %s has no sizeLimit, and the resources.limits.%s of its containers are not all known before deployment",
		[volumes.volume_label(entry), limit],
	)
}
