package scalegate.rules.asg_scaling_policy_test

import data.scalegate.rules.asg_scaling_policy as rule

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

# _asg(name, config, unknown) is `aws_autoscaling_group.<name>` named `name`, with
# the tags of its `tag` blocks as effective tags.
_asg(name, config, unknown) := object.union(
	_res(sprintf("aws_autoscaling_group.%s", [name]), "aws_autoscaling_group", object.union({"name": name}, config), unknown, {}),
	{"tags": {t.key: object.get(t, "value", null) | some t in object.get(config, "tag", [])}},
)

_bounds(min, max) := {"min_size": min, "max_size": max}

# _policy(name, group) refers to `aws_autoscaling_group.<group>`.
_policy(type, name, group) := _res(sprintf("%s.%s", [type, name]), type, {}, [["autoscaling_group_name"]], {"autoscaling_group_name": [sprintf("aws_autoscaling_group.%s", [group])]})

_input(resources) := {"bundle": {"format": "terraform", "path": "infra/web"}, "resources": resources}

test_deny_elastic_group_without_policy if {
	inp := _input([_asg("web", _bounds(2, 10), [])])
	findings := rule.deny with input as inp
	findings == {{
		"resource": "aws_autoscaling_group.web",
		"path": ["max_size"],
		"msg": "aws_autoscaling_group.web can scale from min_size 2 to max_size 10, but no aws_autoscaling_policy or aws_autoscaling_schedule in infra/web refers to it, so it stays at its desired capacity",
	}}
	count(rule.unverified) == 0 with input as inp
}

test_deny_policy_of_another_group_and_managed_scaling_disabled if {
	inp := _input([
		_asg("web", _bounds(2, 10), []),
		_asg("api", _bounds(1, 4), []),
		_policy("aws_autoscaling_policy", "api_cpu", "api"),
		_res("aws_autoscaling_policy.lit", "aws_autoscaling_policy", {"autoscaling_group_name": "batch"}, [], {}),
		_res("aws_ecs_capacity_provider.web", "aws_ecs_capacity_provider", {"auto_scaling_group_provider": [{"managed_scaling": [{"status": "DISABLED"}]}]}, [["auto_scaling_group_provider", 0, "auto_scaling_group_arn"]], {"auto_scaling_group_provider.0.auto_scaling_group_arn": ["aws_autoscaling_group.web"]}),
	])
	findings := rule.deny with input as inp
	{f.resource | some f in findings} == {"aws_autoscaling_group.web"}
}

test_allow_scaled_groups if {
	inp := _input([
		_asg("policy", _bounds(2, 10), []),
		_policy("aws_autoscaling_policy", "cpu", "policy"),
		_asg("schedule", _bounds(0, 3), []),
		_policy("aws_autoscaling_schedule", "office_hours", "schedule"),
		# Named by a literal.
		_asg("literal", _bounds(2, 10), []),
		_res("aws_autoscaling_policy.literal", "aws_autoscaling_policy", {"autoscaling_group_name": "literal"}, [], {}),
		# Instances of a module: the policy refers to the base address.
		_res("module.web.aws_autoscaling_group.this[0]", "aws_autoscaling_group", _bounds(1, 5), [], {}),
		_res("module.web.aws_autoscaling_policy.this[\"cpu\"]", "aws_autoscaling_policy", {}, [["autoscaling_group_name"]], {"autoscaling_group_name": ["module.web.aws_autoscaling_group.this"]}),
		# Managed by ECS.
		_asg("ecs", _bounds(1, 8), []),
		_res("aws_ecs_capacity_provider.ecs", "aws_ecs_capacity_provider", {"auto_scaling_group_provider": [{"managed_scaling": [{"status": "ENABLED"}]}]}, [["auto_scaling_group_provider", 0, "auto_scaling_group_arn"]], {"auto_scaling_group_provider.0.auto_scaling_group_arn": ["aws_autoscaling_group.ecs"]}),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_cluster_autoscaler_groups if {
	tag := {"key": "k8s.io/cluster-autoscaler/enabled", "value": "true", "propagate_at_launch": false}
	inp := _input([
		_asg("nodes", object.union(_bounds(1, 20), {"tag": [tag]}), []),
		# The value does not matter, nor whether it is known.
		_asg("gpu", object.union(_bounds(0, 4), {"tag": [{"key": "k8s.io/cluster-autoscaler/enabled"}]}), [["tag", 0, "value"]]),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_groups_that_cannot_scale if {
	inp := _input([
		_asg("fixed", _bounds(3, 3), []),
		_asg("parked", _bounds(0, 0), []),
		_asg("parked_unknown_min", {"max_size": 0}, [["min_size"]]),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_unverified_unknown_bounds if {
	inp := _input([_asg("web", {"min_size": 2}, [["max_size"]])])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {{
		"resource": "aws_autoscaling_group.web",
		"path": ["max_size"],
		"msg": "aws_autoscaling_group.web: no aws_autoscaling_policy or aws_autoscaling_schedule in infra/web is seen to scale it, but its max_size is known only when Terraform runs",
	}}
}

test_unverified_tags_may_hold_the_exemption if {
	inp := _input([
		_asg("web", object.union(_bounds(2, 10), {"tag": [{"key": "Name", "value": "web"}]}), [["tag", 1]]),
		# A known key with an unknown value hides no key: a violation.
		_asg("api", object.union(_bounds(2, 10), {"tag": [{"key": "Name"}]}), [["tag", 0, "value"]]),
	])
	findings := rule.deny with input as inp
	{f.resource | some f in findings} == {"aws_autoscaling_group.api"}
	notes := rule.unverified with input as inp
	notes == {{
		"resource": "aws_autoscaling_group.web",
		"path": ["tag"],
		"msg": "aws_autoscaling_group.web: no aws_autoscaling_policy or aws_autoscaling_schedule in infra/web is seen to scale it, but its tags hold keys known only when Terraform runs, which may include k8s.io/cluster-autoscaler/enabled",
	}}
}

test_unverified_policy_of_an_unknown_group if {
	inp := _input([
		_asg("web", _bounds(2, 10), []),
		_res("aws_autoscaling_schedule.night", "aws_autoscaling_schedule", {}, [["autoscaling_group_name"]], {"autoscaling_group_name": ["var.asg_name"]}),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {{
		"resource": "aws_autoscaling_group.web",
		"path": ["max_size"],
		"msg": "aws_autoscaling_group.web: no aws_autoscaling_policy or aws_autoscaling_schedule in infra/web is seen to scale it, but aws_autoscaling_schedule.night names a group known only when Terraform runs",
	}}
}

test_unverified_managed_scaling_unknown if {
	inp := _input([
		_asg("ecs", _bounds(1, 8), []),
		_res("aws_ecs_capacity_provider.ecs", "aws_ecs_capacity_provider", {"auto_scaling_group_provider": [{}]}, [["auto_scaling_group_provider", 0, "auto_scaling_group_arn"], ["auto_scaling_group_provider", 0, "managed_scaling"]], {"auto_scaling_group_provider.0.auto_scaling_group_arn": ["aws_autoscaling_group.ecs"]}),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	[n.msg | some n in notes] == ["aws_autoscaling_group.ecs: no aws_autoscaling_policy or aws_autoscaling_schedule in infra/web is seen to scale it, but whether aws_ecs_capacity_provider.ecs manages its scaling is known only when Terraform runs"]
}
