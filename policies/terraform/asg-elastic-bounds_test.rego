package scalegate.rules.asg_elastic_bounds_test

import data.scalegate.rules.asg_elastic_bounds as rule

# _res(id, type, config, unknown, references) is a Terraform resource.
_res(id, type, config, unknown, references) := {
	"id": id,
	"format": "terraform",
	"type": type,
	"name": split(id, ".")[1],
	"namespace": null,
	"provider": "aws",
	"file": "asg.tf",
	"config": config,
	"unknown": unknown,
	"references": references,
	"tags": {},
	"tags_unknown": [],
}

# _asg(name, config, unknown, references) is `aws_autoscaling_group.<name>`.
_asg(name, config, unknown, references) := _res(sprintf("aws_autoscaling_group.%s", [name]), "aws_autoscaling_group", config, unknown, references)

_input(resources) := {"bundle": {"format": "terraform", "path": "infra"}, "resources": resources}

_bounds(max, min) := {"max_size": max, "min_size": min}

# Bounds

test_deny_max_not_above_min if {
	inp := _input([
		_asg("fixed", _bounds(2, 2), [], {}),
		_asg("inverted", _bounds(1, 3), [], {}),
	])
	findings := rule.deny with input as inp
	findings == {
		{
			"resource": "aws_autoscaling_group.fixed",
			"path": ["max_size"],
			"msg": "aws_autoscaling_group.fixed: max_size (2) is not greater than min_size (2), so the group cannot add instances under load",
			"key": "bounds",
		},
		{
			"resource": "aws_autoscaling_group.inverted",
			"path": ["max_size"],
			"msg": "aws_autoscaling_group.inverted: max_size (1) is not greater than min_size (3), so the group cannot add instances under load",
			"key": "bounds",
		},
	}
	count(rule.unverified) == 0 with input as inp
}

test_deny_numeric_strings_and_module_groups if {
	inp := _input([_res("module.web.aws_autoscaling_group.this[0]", "aws_autoscaling_group", _bounds("3", "3"), [], {})])
	findings := rule.deny with input as inp
	[f.resource | some f in findings] == ["module.web.aws_autoscaling_group.this[0]"]
}

test_allow_elastic_and_parked_groups if {
	inp := _input([
		_asg("web", _bounds(10, 2), [], {}),
		_asg("strings", _bounds("4", "1"), [], {}),
		# Held at zero: runs nothing.
		_asg("parked", _bounds(0, 0), [], {}),
		_asg("parked_unknown_min", {"max_size": 0}, [["min_size"]], {}),
		# Not a managed group.
		_res("data.aws_autoscaling_group.old", "aws_autoscaling_group", _bounds(1, 1), [], {}),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_unverified_unknown_bounds if {
	inp := _input([
		_asg("max", {"min_size": 2}, [["max_size"]], {"max_size": ["var.max"]}),
		_asg("min", {"max_size": 2}, [["min_size"]], {}),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {
		{
			"resource": "aws_autoscaling_group.max",
			"path": ["max_size"],
			"msg": "aws_autoscaling_group.max: max_size is known only when Terraform runs, so whether the group can scale is not known",
		},
		{
			"resource": "aws_autoscaling_group.min",
			"path": ["min_size"],
			"msg": "aws_autoscaling_group.min: min_size is known only when Terraform runs, so whether the group can scale is not known",
		},
	}
}

test_absent_bounds_are_not_reported if {
	# Both are required by the provider: a group without them does not plan.
	inp := _input([_asg("web", {}, [], {})])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

# Health checks

_elastic(extra) := object.union(_bounds(4, 2), extra)

test_deny_attached_group_without_elb_health_check if {
	inp := _input([
		_asg("tg", _elastic({"target_group_arns": ["arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/web/1"]}), [], {}),
		_asg("classic", _elastic({"load_balancers": ["web"], "health_check_type": "EC2"}), [], {}),
	])
	findings := rule.deny with input as inp
	findings == {
		{
			"resource": "aws_autoscaling_group.tg",
			"path": ["health_check_type"],
			"msg": "aws_autoscaling_group.tg is attached to a load balancer (target_group_arns) but its health_check_type is not set (EC2 status checks only), so instances the load balancer marks unhealthy are never replaced",
			"key": "health-check",
		},
		{
			"resource": "aws_autoscaling_group.classic",
			"path": ["health_check_type"],
			"msg": `aws_autoscaling_group.classic is attached to a load balancer (load_balancers) but its health_check_type is "EC2", so instances the load balancer marks unhealthy are never replaced`,
			"key": "health-check",
		},
	}
}

test_deny_attached_through_a_reference_or_a_traffic_source if {
	inp := _input([
		# `target_group_arns = [aws_lb_target_group.web.arn]`: unknown, but a target group.
		_asg("ref", _bounds(4, 2), [["target_group_arns"]], {"target_group_arns": ["aws_lb_target_group.web"]}),
		_asg("block", _elastic({"traffic_source": [{"type": "elbv2"}]}), [["traffic_source", 0, "identifier"]], {}),
	])
	findings := rule.deny with input as inp
	{[f.resource, f.key] | some f in findings} == {
		["aws_autoscaling_group.ref", "health-check"],
		["aws_autoscaling_group.block", "health-check"],
	}
}

test_deny_attached_by_attachment_resources if {
	inp := _input([
		_asg("web", _elastic({"name": "web"}), [], {}),
		_asg("api", _bounds(4, 2), [["name"]], {}),
		_res("aws_autoscaling_attachment.web", "aws_autoscaling_attachment", {"autoscaling_group_name": "web"}, [], {}),
		_res("aws_autoscaling_traffic_source_attachment.api", "aws_autoscaling_traffic_source_attachment", {}, [["autoscaling_group_name"]], {"autoscaling_group_name": ["aws_autoscaling_group.api"]}),
	])
	findings := rule.deny with input as inp
	{[f.resource, f.msg] | some f in findings} == {
		["aws_autoscaling_group.web", "aws_autoscaling_group.web is attached to a load balancer (aws_autoscaling_attachment.web) but its health_check_type is not set (EC2 status checks only), so instances the load balancer marks unhealthy are never replaced"],
		["aws_autoscaling_group.api", "aws_autoscaling_group.api is attached to a load balancer (aws_autoscaling_traffic_source_attachment.api) but its health_check_type is not set (EC2 status checks only), so instances the load balancer marks unhealthy are never replaced"],
	}
}

test_allow_load_balancer_health_checks if {
	tgs := ["arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/web/1"]
	inp := _input([
		_asg("elb", _elastic({"target_group_arns": tgs, "health_check_type": "ELB"}), [], {}),
		_asg("many", _elastic({"target_group_arns": tgs, "health_check_type": "EBS, elb"}), [], {}),
		_asg("lattice", _elastic({"traffic_source": [{"identifier": "tg", "type": "vpc-lattice"}], "health_check_type": "VPC_LATTICE"}), [], {}),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_groups_not_attached if {
	inp := _input([
		_asg("plain", _elastic({}), [], {}),
		_asg("empty", _elastic({"target_group_arns": [], "load_balancers": [], "health_check_type": "EC2"}), [], {}),
		# An attachment of another group.
		_res("aws_autoscaling_attachment.other", "aws_autoscaling_attachment", {"autoscaling_group_name": "other"}, [], {}),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_unverified_attached_with_unknown_health_check if {
	inp := _input([_asg("web", _elastic({"target_group_arns": ["tg"]}), [["health_check_type"]], {"health_check_type": ["var.health_check_type"]})])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {{
		"resource": "aws_autoscaling_group.web",
		"path": ["health_check_type"],
		"msg": "aws_autoscaling_group.web is attached to a load balancer (target_group_arns) but its health_check_type is known only when Terraform runs",
	}}
}

test_unverified_attachment_not_known if {
	inp := _input([
		_asg("var", _bounds(4, 2), [["target_group_arns"]], {"target_group_arns": ["var.target_group_arns"]}),
		_asg("dynamic", _elastic({"health_check_type": "EC2"}), [["traffic_source"]], {}),
		_asg("both", _bounds(4, 2), [["load_balancers"], ["health_check_type"]], {}),
		# ELB health checks: nothing to verify.
		_asg("fine", _elastic({"health_check_type": "ELB"}), [["target_group_arns"]], {}),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {
		{
			"resource": "aws_autoscaling_group.var",
			"path": ["health_check_type"],
			"msg": "aws_autoscaling_group.var may be attached to a load balancer (target_group_arns is known only when Terraform runs), and its health_check_type is not set (EC2 status checks only)",
		},
		{
			"resource": "aws_autoscaling_group.dynamic",
			"path": ["health_check_type"],
			"msg": `aws_autoscaling_group.dynamic may be attached to a load balancer (traffic_source is known only when Terraform runs), and its health_check_type is "EC2"`,
		},
		{
			"resource": "aws_autoscaling_group.both",
			"path": ["health_check_type"],
			"msg": "aws_autoscaling_group.both may be attached to a load balancer (load_balancers is known only when Terraform runs), and its health_check_type is known only when Terraform runs",
		},
	}
}

test_unverified_attachment_of_an_unknown_group if {
	inp := _input([
		_asg("web", _elastic({}), [], {}),
		_res("aws_autoscaling_attachment.any", "aws_autoscaling_attachment", {}, [["autoscaling_group_name"]], {"autoscaling_group_name": ["var.asg_name"]}),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {{
		"resource": "aws_autoscaling_group.web",
		"path": ["health_check_type"],
		"msg": "aws_autoscaling_group.web may be attached to a load balancer (aws_autoscaling_attachment.any names a group known only when Terraform runs), and its health_check_type is not set (EC2 status checks only)",
	}}
}

test_one_note_per_group_with_every_reason if {
	inp := _input([_asg("web", {"min_size": 1, "target_group_arns": ["tg"]}, [["max_size"], ["health_check_type"]], {})])
	notes := rule.unverified with input as inp
	notes == {{
		"resource": "aws_autoscaling_group.web",
		"path": ["health_check_type"],
		"msg": "aws_autoscaling_group.web is attached to a load balancer (target_group_arns) but its health_check_type is known only when Terraform runs; aws_autoscaling_group.web: max_size is known only when Terraform runs, so whether the group can scale is not known",
	}}
}
