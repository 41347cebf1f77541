# METADATA
# title: Workload mounts a hostPath volume
# description: >-
#   A hostPath volume ties the pod's state to one node: a replica rescheduled
#   elsewhere sees different data, and replicas on the same node share and corrupt
#   it. Such a workload cannot scale horizontally or survive a node replacement.
#   Only node agents (DaemonSets) have a reason to read the host's filesystem.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-STL-001.md
# custom:
#   id: SG-STL-001
#   slug: no-hostpath
#   severity: high
#   input:
#     selector:
#       types: [Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod]
#   remediation: >-
#     Keep state out of the node: use a PersistentVolumeClaim (StatefulSet
#     `volumeClaimTemplates` for per-replica state), an external store, or an
#     `emptyDir` for scratch space, e.g.
#     `volumes: [{name: data, persistentVolumeClaim: {claimName: web-data}}]`.
package scalegate.rules.no_hostpath

import data.scalegate.lib.known
import data.scalegate.lib.kubernetes as k8s
import data.scalegate.lib.result
import data.scalegate.lib.scale
import data.scalegate.lib.volumes

deny contains finding if {
	some w in _checked
	some entry in volumes.volumes(w)
	entry.volume.hostPath
	finding := result.finding_with_key(
		w,
		array.concat(entry.path, ["hostPath"]),
		sprintf("%s %q mounts the hostPath volume %s (%s)", [w.type, w.name, volumes.volume_label(entry), _host_path(entry.volume)]),
		volumes.volume_key(entry),
	)
}

unverified contains finding if {
	some w in _checked
	path := array.concat(k8s.pod_spec_path(w), ["volumes"])
	known.unknown(w, path)
	finding := result.finding(w, path, sprintf("%s %q: its volumes are not known before deployment", [w.type, w.name]))
}

_checked := [w |
	some w in scale.running_workloads
	not w.type in data.scalegate.settings.stateless.hostpath_exempt_kinds
]

_host_path(volume) := volume.hostPath.path if is_string(volume.hostPath.path)

_host_path(volume) := "path unknown" if not is_string(volume.hostPath.path)
