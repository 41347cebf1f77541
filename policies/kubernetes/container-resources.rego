# METADATA
# title: Container does not set resource requests and limits
# description: >-
#   The scheduler places pods by their requests, and the autoscalers compute
#   utilisation from them: a container without requests is packed onto nodes
#   that cannot hold it and cannot be scaled on CPU or memory. A container without
#   a memory limit can take the node's memory and get its neighbours evicted.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-K8S-002.md
# custom:
#   id: SG-K8S-002
#   slug: container-resources
#   severity: medium
#   input:
#     selector:
#       types: [Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod]
#   remediation: >-
#     Set every required request and limit on each container and init container,
#     sized from observed usage, e.g.
#     `resources: {requests: {cpu: 250m, memory: 256Mi}, limits: {memory: 512Mi}}`.
package scalegate.rules.container_resources

import data.scalegate.lib.known
import data.scalegate.lib.kubernetes as k8s
import data.scalegate.lib.result
import data.scalegate.lib.scale

deny contains finding if {
	some w in scale.running_workloads
	some entry in k8s.containers(w)
	some [kind, name] in _required
	path := array.concat(entry.path, ["resources", kind, name])
	known.missing(w, path)
	finding := result.finding_with_key(
		w,
		path,
		sprintf("%s does not set resources.%s.%s", [k8s.container_description(entry, w), kind, name]),
		sprintf("%s/resources.%s.%s", [k8s.container_key(entry), kind, name]),
	)
}

unverified contains finding if {
	some w in scale.running_workloads
	some entry in k8s.containers(w)
	some [kind, name] in _required
	path := array.concat(entry.path, ["resources", kind, name])
	not known.present(w.config, path)
	known.unknown(w, path)
	finding := result.finding_with_key(
		w,
		path,
		sprintf("%s: resources.%s.%s is not known before deployment", [k8s.container_description(entry, w), kind, name]),
		sprintf("%s/resources.%s.%s", [k8s.container_key(entry), kind, name]),
	)
}

# [requests|limits, resource name] pairs from the settings, e.g. ["limits", "memory"].
_required contains [kind, name] if {
	some kind, names in data.scalegate.settings.kubernetes.container_resources
	some name in names
}
