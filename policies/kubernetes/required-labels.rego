# METADATA
# title: Workload is missing a required label
# description: >-
#   Cost allocation tools (Kubecost, OpenCost, cloud billing exports) and dashboards
#   attribute spend and alerts by pod labels, while `kubectl` and deploy tooling
#   find the workload by its own labels: a label on only one of the two leaves the
#   other side unattributed. Both the workload's `metadata.labels` and its pod
#   template's labels must carry every required key with a non-empty value (a Pod
#   is its own template and is checked once).
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-K8S-001.md
# custom:
#   id: SG-K8S-001
#   slug: required-labels
#   severity: low
#   input:
#     selector:
#       types: [Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod]
#   remediation: >-
#     Add every required label to the workload and to its pod template, e.g.
#     `metadata: {labels: {app.kubernetes.io/name: web, owner: web-team}}` and
#     `spec: {template: {metadata: {labels: {app.kubernetes.io/name: web, owner:
#     web-team}}}}` (in a Helm chart, include the same labels helper in both places).
package scalegate.rules.required_labels

import data.scalegate.lib.known
import data.scalegate.lib.kubernetes as k8s
import data.scalegate.lib.result

deny contains finding if {
	some w in k8s.workloads
	some place in _places(w)
	some label in data.scalegate.settings.kubernetes.required_labels
	path := array.concat(place.path, [label])
	known.missing(w, path)
	finding := result.finding_with_key(
		w,
		path,
		sprintf("%s %q does not set the required label %q in %s", [w.type, w.name, label, place.name]),
		sprintf("%s/%s", [place.key, label]),
	)
}

# An empty value passes the API but attributes nothing: it is as good as absent.
deny contains finding if {
	some w in k8s.workloads
	some place in _places(w)
	some label in data.scalegate.settings.kubernetes.required_labels
	path := array.concat(place.path, [label])
	known.at(w.config, path) == ""
	finding := result.finding_with_key(
		w,
		path,
		sprintf("%s %q sets the required label %q to an empty value in %s", [w.type, w.name, label, place.name]),
		sprintf("%s/%s", [place.key, label]),
	)
}

unverified contains finding if {
	some w in k8s.workloads
	some place in _places(w)
	some label in data.scalegate.settings.kubernetes.required_labels
	path := array.concat(place.path, [label])
	not known.present(w.config, path)
	known.unknown(w, path)
	finding := result.finding_with_key(
		w,
		path,
		sprintf("%s %q: the label %q in %s is not known before deployment", [w.type, w.name, label, place.name]),
		sprintf("%s/%s", [place.key, label]),
	)
}

# _places(w) is where the labels of `w` live: its own, and its pod template's (for a
# Pod the same place, so it appears once). `key` keeps fingerprints apart.
_places(w) := [{"path": ["metadata", "labels"], "name": "metadata.labels", "key": "metadata"}] if w.type == "Pod"

_places(w) := [
	{"path": ["metadata", "labels"], "name": "metadata.labels", "key": "metadata"},
	{"path": template_labels, "name": concat(".", template_labels), "key": "template"},
] if {
	w.type != "Pod"
	template_labels := array.concat(k8s.pod_template_path(w), ["metadata", "labels"])
}
