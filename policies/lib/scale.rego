# Whether a workload is held at zero: written to run no pod, no task and no instance
# (`replicas: 0` stubs that charts ship disabled, an ECS service with
# `desired_count = 0`, an autoscaling group with `max_size = 0`). Such a workload
# runs nothing, so every rule about how a workload runs (resources, probes, scaling,
# disruption budgets, spread, rollout, image pinning, autoscaling) skips it through
# this one helper. Rules about what describes the object (labels, tags) still apply:
# they hold whether it runs or not.
package scalegate.lib.scale

import data.scalegate.lib.aws
import data.scalegate.lib.known
import data.scalegate.lib.kubernetes as k8s

# held_at_zero(r) holds when `r` is written to run nothing:
# - a Kubernetes workload whose `spec.replicas` is 0 and that no KEDA ScaledObject
#   targets (KEDA scales up from zero; an HPA does not act on a workload at zero);
# - an `aws_ecs_service` whose `desired_count` is 0;
# - an `aws_autoscaling_group` whose `max_size` is 0 (it may never launch one).
# An unknown value is not zero: the rules then say what they cannot verify.
held_at_zero(r) if {
	r.format == "kubernetes"
	known.at(r.config, ["spec", "replicas"]) == 0
	not _keda_scaled(r)
}

held_at_zero(r) if {
	r.format in {"terraform", "plan"}
	r.type == "aws_ecs_service"
	aws.number(r, ["desired_count"]) == 0
}

held_at_zero(r) if {
	r.format in {"terraform", "plan"}
	r.type == "aws_autoscaling_group"
	aws.number(r, ["max_size"]) == 0
}

# running_workloads is every Kubernetes workload (`k8s.workloads`) that is not held
# at zero, in input order: what rules about running pods iterate.
running_workloads := [w | some w in k8s.workloads; not held_at_zero(w)]

_keda_scaled(w) if {
	some a in k8s.autoscalers_of(w)
	a.type == "ScaledObject"
}
