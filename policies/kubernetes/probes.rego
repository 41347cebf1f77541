# METADATA
# title: Long-running container has no health probes
# description: >-
#   Without a readiness probe a pod receives traffic as soon as its process starts,
#   so every scale-out and rolling update sends requests to replicas that cannot
#   answer yet; without a liveness probe a hung process keeps its slot and its
#   share of traffic until a human restarts it. Checked on the containers of
#   workloads that run until stopped — not Jobs, CronJobs or Pods with
#   `restartPolicy` `Never`/`OnFailure` — including native sidecars (init containers
#   with `restartPolicy: Always`), but not ordinary init containers, which run to
#   completion and cannot have probes.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-K8S-010.md
# custom:
#   id: SG-K8S-010
#   slug: probes
#   severity: medium
#   input:
#     selector:
#       types: [Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod]
#   remediation: >-
#     Add each required probe, pointed at an endpoint that reflects the container's
#     health (readiness: can serve now; liveness: is not stuck), e.g.
#     `readinessProbe: {httpGet: {path: /ready, port: http}, periodSeconds: 5}` and
#     `livenessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 10,
#     failureThreshold: 6}`.
package scalegate.rules.probes

import data.scalegate.lib.known
import data.scalegate.lib.kubernetes as k8s
import data.scalegate.lib.result
import data.scalegate.lib.scale

deny contains finding if {
	some w in _long_running
	some entry in k8s.containers(w)
	_runs_until_stopped(entry)
	some field in _required
	path := array.concat(entry.path, [field])
	known.missing(w, path)
	finding := result.finding_with_key(
		w,
		path,
		sprintf("%s has no %s", [_describe(entry, w), field]),
		sprintf("%s/%s", [k8s.container_key(entry), field]),
	)
}

unverified contains finding if {
	some w in _long_running
	some entry in k8s.containers(w)
	_runs_until_stopped(entry)
	some field in _required
	path := array.concat(entry.path, [field])
	not known.present(w.config, path)
	known.unknown(w, path)
	finding := result.finding_with_key(
		w,
		path,
		sprintf("%s: its %s is not known before deployment", [_describe(entry, w), field]),
		sprintf("%s/%s", [k8s.container_key(entry), field]),
	)
}

# The probe fields the settings ask for: `readiness` → `readinessProbe`.
_required contains sprintf("%sProbe", [probe]) if some probe in data.scalegate.settings.kubernetes.probes

# Workloads whose pods are meant to keep running. The pod's `restartPolicy` says so
# (Always is the default, and the only value a Deployment or DaemonSet accepts); Jobs and CronJobs run to completion whatever it says.
_long_running := [w |
	some w in scale.running_workloads
	not w.type in {"Job", "CronJob"}
	not known.at(w.config, array.concat(k8s.pod_spec_path(w), ["restartPolicy"])) in {"Never", "OnFailure"}
]

# App containers run until stopped; an init container does only when it is a
# native sidecar (`restartPolicy: Always`).
_runs_until_stopped(entry) if not entry.init

_runs_until_stopped(entry) if entry.container.restartPolicy == "Always"

_describe(entry, w) := sprintf("Sidecar container %s of %s %q", [k8s.container_label(entry), w.type, w.name]) if entry.init

_describe(entry, w) := k8s.container_description(entry, w) if not entry.init
