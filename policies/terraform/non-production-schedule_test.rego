package scalegate.rules.non_production_schedule_test

import data.scalegate.rules.non_production_schedule as rule

_r(id, type, config, unknown, references, tags, tags_unknown) := {
	"id": id,
	"format": "terraform",
	"type": type,
	"name": "x",
	"provider": "aws",
	"file": "asg.tf",
	"config": config,
	"unknown": unknown,
	"references": references,
	"tags": tags,
	"tags_unknown": tags_unknown,
}

# _group(name, sizes, environment) is an autoscaling group tagged with `environment`.
_group(name, sizes, environment) := _r(
	sprintf("aws_autoscaling_group.%s", [name]), "aws_autoscaling_group",
	object.union({"name": name}, sizes), [], {},
	{"environment": environment}, [],
)

# _schedule(name, group_address, sizes, unknown) refers to its group as `aws_autoscaling_group.x.name` does.
_schedule(name, group_address, sizes, unknown) := _r(
	sprintf("aws_autoscaling_schedule.%s", [name]), "aws_autoscaling_schedule",
	object.union({"scheduled_action_name": name, "recurrence": "0 19 * * 1-5"}, sizes),
	array.concat([["autoscaling_group_name"]], unknown),
	{"autoscaling_group_name": [group_address]}, {}, [],
)

# _tagged(name, sizes, tags, tags_unknown) is a group with the given effective tags.
_tagged(name, sizes, tags, tags_unknown) := _r(
	sprintf("aws_autoscaling_group.%s", [name]), "aws_autoscaling_group",
	object.union({"name": name}, sizes), [], {},
	tags, tags_unknown,
)

_sizes := {"min_size": 1, "max_size": 4, "desired_capacity": 2}

_night := {"min_size": 0, "max_size": 0, "desired_capacity": 0}

_input(resources) := {"bundle": {"format": "terraform", "path": "infra"}, "resources": resources}

test_deny_non_production_group_without_schedule if {
	inp := _input([
		_group("web", _sizes, "staging"),
		# A scale-up schedule does not count.
		_group("api", _sizes, "dev"),
		_schedule("morning", "aws_autoscaling_group.api", {"min_size": 1, "max_size": 4, "desired_capacity": 2}, []),
	])
	rule.deny == {
		{
			"resource": "aws_autoscaling_group.web",
			"path": [],
			"msg": `aws_autoscaling_group.web runs in "staging" with max_size = 4, and no aws_autoscaling_schedule scales it down outside working hours`,
		},
		{
			"resource": "aws_autoscaling_group.api",
			"path": [],
			"msg": `aws_autoscaling_group.api runs in "dev" with max_size = 4, and no aws_autoscaling_schedule scales it down outside working hours`,
		},
	} with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_production_untagged_off_or_cluster_autoscaled if {
	untagged := _tagged("b", _sizes, {"owner": "web-team"}, [])
	cluster := _tagged("d", _sizes, {"environment": "dev", "k8s.io/cluster-autoscaler/enabled": "true"}, [])
	inp := _input([
		_group("a", _sizes, "production"),
		untagged,
		_group("c", {"min_size": 0, "max_size": 0}, "dev"),
		cluster,
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_schedules_that_scale_down if {
	inp := _input([
		_group("a", _sizes, "dev"),
		_schedule("a_night", "aws_autoscaling_group.a", _night, []),
		# Capacity to 0, the ceiling unchanged.
		_group("b", _sizes, "dev"),
		_schedule("b_night", "aws_autoscaling_group.b", {"desired_capacity": 0, "max_size": -1, "min_size": -1}, []),
		# Capacity below the group's desired_capacity.
		_group("c", {"min_size": 1, "max_size": 10, "desired_capacity": 6}, "dev"),
		_schedule("c_night", "aws_autoscaling_group.c", {"desired_capacity": 1}, []),
		# Capacity below min_size when desired_capacity is unset.
		_group("d", {"min_size": 3, "max_size": 10}, "test"),
		_schedule("d_night", "aws_autoscaling_group.d", {"desired_capacity": 1}, []),
		# Named by its literal name.
		_group("e", _sizes, "dev"),
		_r("aws_autoscaling_schedule.e_night", "aws_autoscaling_schedule", {"autoscaling_group_name": "e", "max_size": 1}, [], {}, {}, []),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_module_group_with_instance_key if {
	group := object.union(_group("this", _sizes, "dev"), {"id": "module.web.aws_autoscaling_group.this[0]"})
	schedule := object.union(
		_schedule("night", "module.web.aws_autoscaling_group.this[0]", _night, []),
		{"id": "module.web.aws_autoscaling_schedule.this[\"night\"]"},
	)
	inp := _input([group, schedule])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_note_max_size_unknown if {
	group := object.union(_group("web", {"min_size": 1}, "dev"), {"unknown": [["max_size"]]})
	inp := _input([group])
	count(rule.deny) == 0 with input as inp
	rule.unverified == {{
		"resource": "aws_autoscaling_group.web",
		"path": ["max_size"],
		"msg": `aws_autoscaling_group.web runs in "dev", and whether it is scaled down outside working hours is known only when Terraform runs: its max_size is known only when Terraform runs`,
	}} with input as inp
}

test_note_schedule_unknown_or_absent_or_unresolved if {
	inp := _input([
		_group("web", _sizes, "dev"),
		_schedule("night", "aws_autoscaling_group.web", {}, [["max_size"], ["desired_capacity"]]),
		_schedule("weekend", "aws_autoscaling_group.web", _night, [["for_each"]]),
		_r("aws_autoscaling_schedule.shared", "aws_autoscaling_schedule", _night, [["autoscaling_group_name"]], {"autoscaling_group_name": ["var.asg_name"]}, {}, []),
	])
	count(rule.deny) == 0 with input as inp
	rule.unverified == {{
		"resource": "aws_autoscaling_group.web",
		"path": [],
		"msg": `aws_autoscaling_group.web runs in "dev", and whether it is scaled down outside working hours is known only when Terraform runs: aws_autoscaling_schedule.shared names its group by a value known only when Terraform runs; aws_autoscaling_schedule.weekend may not be created (its count or for_each is known only when Terraform runs); whether aws_autoscaling_schedule.night scales it down is known only when Terraform runs`,
	}} with input as inp
}

test_note_environment_unknown if {
	open_tags := _tagged("web", _sizes, {"owner": "web-team"}, ["*"])
	scheduled := _tagged("api", _sizes, {}, ["environment"])
	inp := _input([open_tags, scheduled, _schedule("night", "aws_autoscaling_group.api", _night, [])])
	count(rule.deny) == 0 with input as inp
	rule.unverified == {{
		"resource": "aws_autoscaling_group.web",
		"path": ["tags"],
		"msg": "aws_autoscaling_group.web is not scaled down by any aws_autoscaling_schedule, and its environment tag is known only when Terraform runs",
	}} with input as inp
}

test_deny_schedule_that_changes_nothing if {
	inp := _input([
		_group("web", _sizes, "dev"),
		# -1 leaves every size unchanged; a larger max_size raises the ceiling.
		_schedule("noop", "aws_autoscaling_group.web", {"min_size": -1, "max_size": -1, "desired_capacity": -1}, []),
		_schedule("peak", "aws_autoscaling_group.web", {"max_size": 8}, []),
	])
	{f.resource | some f in rule.deny} == {"aws_autoscaling_group.web"} with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_note_group_capacity_unknown if {
	# The schedule lowers desired_capacity to 1: whether that is lower depends on the group's.
	group := object.union(_group("web", {"min_size": 1, "max_size": 4}, "dev"), {"unknown": [["desired_capacity"]]})
	inp := _input([group, _schedule("night", "aws_autoscaling_group.web", {"desired_capacity": 1}, [])])
	count(rule.deny) == 0 with input as inp
	rule.unverified == {{
		"resource": "aws_autoscaling_group.web",
		"path": [],
		"msg": `aws_autoscaling_group.web runs in "dev", and whether it is scaled down outside working hours is known only when Terraform runs: whether aws_autoscaling_schedule.night scales it down is known only when Terraform runs`,
	}} with input as inp
}
