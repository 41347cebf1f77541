# METADATA
# title: Autoscaled workload also sets spec.replicas
# description: >-
#   When the manifest sets `spec.replicas` and an autoscaler owns the replica count,
#   every `kubectl apply`, Helm upgrade or GitOps sync resets the workload to the fixed
#   number: a service scaled out for peak load drops to it in the middle of a deploy,
#   and a GitOps controller and the autoscaler fight forever. Any value counts (even
#   one equal to `minReplicas`, which still undoes a scale-out); the autoscaler is an
#   HPA or a KEDA ScaledObject in the same bundle and namespace.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-K8S-007.md
# custom:
#   id: SG-K8S-007
#   slug: static-replicas-with-hpa
#   severity: medium
#   input:
#     selector:
#       types: [Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod]
#   remediation: >-
#     Remove `spec.replicas` from the manifest and let the autoscaler's floor set the
#     size; in a Helm chart render it only without autoscaling, e.g.
#     `{{- if not .Values.autoscaling.enabled }} replicas: {{ .Values.replicaCount }} {{- end }}`.
package scalegate.rules.static_replicas_with_hpa

import data.scalegate.lib.known
import data.scalegate.lib.kubernetes as k8s
import data.scalegate.lib.result
import data.scalegate.lib.scale

deny contains finding if {
	some w in scale.running_workloads
	autoscaler := k8s.autoscalers_of(w)[0]
	_sets_replicas(w)
	finding := result.finding(w, ["spec", "replicas"], sprintf(
		"%s %q sets spec.replicas%s while %s %q scales it: every apply resets the replica count",
		[w.type, w.name, _value_text(w), _kind_text[autoscaler.type], autoscaler.name],
	))
}

unverified contains finding if {
	some w in scale.running_workloads
	autoscaler := k8s.autoscalers_of(w)[0]
	not _sets_replicas(w)
	known.unknown(w, ["spec", "replicas"])
	finding := result.finding(w, ["spec", "replicas"], sprintf(
		"%s %q: whether it sets spec.replicas is not known before deployment, and %s %q scales it",
		[w.type, w.name, _kind_text[autoscaler.type], autoscaler.name],
	))
}

# _sets_replicas(w): `spec.replicas` has a value, known or not (an unknown value at
# exactly that path is still a value; an unknown `spec` may or may not hold one).
_sets_replicas(w) if known.present(w.config, ["spec", "replicas"])

_sets_replicas(w) if ["spec", "replicas"] in object.get(w, "unknown", [])

_value_text(w) := sprintf(" (%v)", [w.config.spec.replicas]) if known.present(w.config, ["spec", "replicas"])

_value_text(w) := " (to a value not known before deployment)" if not known.present(w.config, ["spec", "replicas"])

_kind_text := {"HorizontalPodAutoscaler": "HorizontalPodAutoscaler", "ScaledObject": "KEDA ScaledObject"}
