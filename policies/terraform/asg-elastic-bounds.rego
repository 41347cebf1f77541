# METADATA
# title: Autoscaling group cannot scale, or ignores its load balancer's health checks
# description: >-
#   An autoscaling group whose `max_size` is not above its `min_size` is a fixed fleet:
#   it cannot add instances under load, so a traffic peak becomes an outage. Behind a
#   load balancer, the default `EC2` health check replaces only instances whose VM
#   fails, and keeps instances the load balancer already marks unhealthy (a hung
#   process, a bad deploy) in service. A group held at zero (`max_size = 0`) runs
#   nothing and is not checked; `ELB` or `VPC_LATTICE` among the health check types
#   counts, and a group counts as attached through `target_group_arns`,
#   `load_balancers`, `traffic_source` blocks, `aws_autoscaling_attachment` or
#   `aws_autoscaling_traffic_source_attachment`.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-AWS-001.md
# custom:
#   id: SG-AWS-001
#   slug: asg-elastic-bounds
#   severity: medium
#   input:
#     selector:
#       types: [aws_autoscaling_group, aws_autoscaling_attachment, aws_autoscaling_traffic_source_attachment, aws_alb, aws_lb, aws_elb, aws_alb_target_group, aws_lb_target_group, aws_vpclattice_target_group]
#   remediation: >-
#     Give the group room to scale and let the load balancer decide when an instance
#     is unhealthy, e.g. `min_size = 2`, `max_size = 10`, `health_check_type = "ELB"`,
#     `health_check_grace_period = 300`.
package scalegate.rules.asg_elastic_bounds

import data.scalegate.lib.aws
import data.scalegate.lib.index
import data.scalegate.lib.known
import data.scalegate.lib.result
import data.scalegate.lib.scale
import data.scalegate.lib.terraform as tf

deny contains finding if {
	some g in _groups
	max := aws.number(g, ["max_size"])
	min := aws.number(g, ["min_size"])
	max <= min
	finding := result.finding_with_key(g, ["max_size"], sprintf(
		"%s: max_size (%v) is not greater than min_size (%v), so the group cannot add instances under load",
		[g.id, max, min],
	), "bounds")
}

deny contains finding if {
	some g in _groups
	via := _attachments[g.id]
	count(via) > 0
	checks := _health_checks(g)
	not _checked_by_load_balancer(checks)
	finding := result.finding_with_key(g, ["health_check_type"], sprintf(
		"%s is attached to a load balancer (%s) but its health_check_type is %s, so instances the load balancer marks unhealthy are never replaced",
		[g.id, concat(", ", sort(via)), _describe_health_check(g)],
	), "health-check")
}

# One note per group, with every check it could not verify; the path is the first
# unknown field.
unverified contains finding if {
	some id, notes in index.group([[n[0], [n[1], n[2]]] | some n in _notes])
	first := min(notes)
	finding := result.finding(tf.by_id[id], first[0], concat("; ", [n[1] | some n in notes]))
}

# A group held at zero (`max_size = 0`) launches nothing: neither its bounds nor its
# health checks matter until it is given a size.
_groups := [g |
	some g in object.get(tf.by_type, "aws_autoscaling_group", [])
	tf.is_managed(g)
	not scale.held_at_zero(g)
]

# _notes holds [id, path, text] for each check of a group that depends on a value
# known only when Terraform runs. Each note is built in the body, not in the head: in
# regorus 0.14.1 a head that calls a function undefined for one element spoils the
# whole set.
_notes contains note if {
	some g in _groups
	some attr in ["max_size", "min_size"]
	known.unknown(g, [attr])
	note := [g.id, [attr], sprintf(
		"%s: %s is known only when Terraform runs, so whether the group can scale is not known",
		[g.id, attr],
	)]
}

_notes contains note if {
	some g in _groups
	via := _attachments[g.id]
	count(via) > 0
	known.unknown(g, ["health_check_type"])
	note := [g.id, ["health_check_type"], sprintf(
		"%s is attached to a load balancer (%s) but its health_check_type is known only when Terraform runs",
		[g.id, concat(", ", sort(via))],
	)]
}

_notes contains note if {
	some g in _groups
	count(_attachments[g.id]) == 0
	maybe := _maybe_attachments[g.id]
	count(maybe) > 0
	checks := _health_checks(g)
	not _checked_by_load_balancer(checks)
	note := [g.id, ["health_check_type"], sprintf(
		"%s may be attached to a load balancer (%s), and its health_check_type is %s",
		[g.id, concat("; ", sort(maybe)), _describe_health_check(g)],
	)]
}

_notes contains note if {
	some g in _groups
	count(_attachments[g.id]) == 0
	maybe := _maybe_attachments[g.id]
	count(maybe) > 0
	known.unknown(g, ["health_check_type"])
	note := [g.id, ["health_check_type"], sprintf(
		"%s may be attached to a load balancer (%s), and its health_check_type is known only when Terraform runs",
		[g.id, concat("; ", sort(maybe))],
	)]
}

# _parked(g) holds for a group held at zero instances: it runs nothing to scale.
# _health_checks(g) is the set of health check types of `g`, upper case:
# `health_check_type` is a comma-separated list (`"ELB,EBS"`), and `EC2` when unset.
# Undefined when unknown.
_health_checks(g) := {upper(trim_space(t)) | some t in split(value, ",")} if {
	value := aws.string(g, ["health_check_type"])
}

_health_checks(g) := {"EC2"} if known.missing(g, ["health_check_type"])

# A load balancer's health check: ELB for Classic, Application, Network and Gateway
# Load Balancers, VPC_LATTICE for VPC Lattice target groups.
_checked_by_load_balancer(checks) if {
	some t in checks
	t in {"ELB", "VPC_LATTICE"}
}

_describe_health_check(g) := sprintf("%q", [aws.string(g, ["health_check_type"])])

_describe_health_check(g) := "not set (EC2 status checks only)" if known.missing(g, ["health_check_type"])

# What a load balancer's target group, or the load balancer itself, is.
_load_balancer_types := {"aws_lb_target_group", "aws_alb_target_group", "aws_elb", "aws_lb", "aws_alb", "aws_vpclattice_target_group"}

# What attaches each group to a load balancer, and why it may be attached where we
# cannot see, by group id: computed once, as several rules above read them.
_attachments := {g.id: _attached(g) | some g in _groups}

_maybe_attachments := {g.id: _maybe_attached(g) | some g in _groups}

# _attached(g) is the set of what attaches `g` to a load balancer: its own
# attributes and blocks, or the attachment resources that name it.
_attached(g) := (_attached_by_value(g) | _attached_by_reference(g)) | {r.id |
	some type in _attachment_types
	some r in aws.asg_referrers(g, type)
}

_attached_by_value(g) := {attr |
	some attr in ["target_group_arns", "load_balancers", "traffic_source"]
	v := known.at(g.config, [attr])
	is_array(v)
	count(v) > 0
}

# `[aws_lb_target_group.web.arn]` is unknown as a whole, but it names a target group.
_attached_by_reference(g) := {attr |
	some attr in ["target_group_arns", "load_balancers"]
	known.unknown(g, [attr])
	aws.refers_to_type(g, attr, _load_balancer_types)
}

_attachment_types := ["aws_autoscaling_attachment", "aws_autoscaling_traffic_source_attachment"]

# _maybe_attached(g) is the set of reasons why `g` may be attached to a load balancer
# that we cannot see: an attribute known only when Terraform runs, or an attachment
# whose group is.
_maybe_attached(g) := {sprintf("%s is known only when Terraform runs", [attr]) |
	some attr in ["target_group_arns", "load_balancers", "traffic_source"]
	known.unknown(g, [attr])
	not aws.refers_to_type(g, attr, _load_balancer_types)
} | _open_attachment_reasons

_open_attachment_reasons := {sprintf("%s names a group known only when Terraform runs", [r.id]) |
	some type in _attachment_types
	some r in aws.unresolved_asg_referrers(type)
}
