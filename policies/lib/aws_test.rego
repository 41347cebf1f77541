package scalegate.lib.aws_test

import data.scalegate.lib.aws

# _r(id, type, config, unknown, references) is a Terraform resource.
_r(id, type, config, unknown, references) := {
	"id": id,
	"format": "terraform",
	"type": type,
	"name": "x",
	"config": config,
	"unknown": unknown,
	"references": references,
	"tags": {},
	"tags_unknown": [],
}

_input(resources) := {"bundle": {"format": "terraform", "path": "infra"}, "resources": resources}

test_number_reads_numbers_and_numeric_strings if {
	r := _r("aws_autoscaling_group.web", "aws_autoscaling_group", {
		"max_size": 4,
		"min_size": " 2",
		"name": "web",
		"desired_capacity": null,
		"block": [{"size": 1.5}],
	}, [["capacity"]], {})
	aws.number(r, ["max_size"]) == 4
	aws.number(r, ["min_size"]) == 2
	aws.number(r, ["block", 0, "size"]) == 1.5
	not aws.number(r, ["name"])
	not aws.number(r, ["desired_capacity"])
	not aws.number(r, ["capacity"])
	not aws.number(r, ["absent"])
}

test_string_reads_known_strings_only if {
	r := _r("aws_lb.web", "aws_lb", {"name": "web", "port": 80}, [["arn"]], {})
	aws.string(r, ["name"]) == "web"
	not aws.string(r, ["port"])
	not aws.string(r, ["arn"])
}

test_address_type_names_resources_and_data_sources if {
	aws.address_type("aws_lb_target_group.web") == "aws_lb_target_group"
	aws.address_type(`module.alb.aws_lb_target_group.this["web"]`) == "aws_lb_target_group"
	aws.address_type(`module.a["x.y"].aws_lb.this[0]`) == "aws_lb"
	aws.address_type("data.aws_autoscaling_group.legacy") == "aws_autoscaling_group"
	aws.address_type("module.x.data.aws_elb.old") == "aws_elb"
}

test_address_type_undefined_for_what_is_not_a_resource if {
	not aws.address_type("var.tgs")
	not aws.address_type("local.tags")
	not aws.address_type("module.alb")
	not aws.address_type(`module.alb["a"]`)
	not aws.address_type("module.x.var.tgs")
	not aws.address_type("module.x.local.tags")
	not aws.address_type("module.a.module.b")
	not aws.address_type("each.value")
	not aws.address_type("")
}

test_refers_to_type if {
	r := _r("aws_autoscaling_policy.up", "aws_autoscaling_policy", {}, [["autoscaling_group_name"]], {"autoscaling_group_name": ["var.name", "module.web.aws_autoscaling_group.this[0]"]})
	aws.refers_to_type(r, "autoscaling_group_name", {"aws_autoscaling_group"})
	not aws.refers_to_type(r, "autoscaling_group_name", {"aws_ecs_service"})
	not aws.refers_to_type(r, "policy_type", {"aws_autoscaling_group"})
}

_policies := [
	# Refers to a group: resolved.
	_r("aws_autoscaling_policy.ref", "aws_autoscaling_policy", {}, [["autoscaling_group_name"]], {"autoscaling_group_name": ["aws_autoscaling_group.web"]}),
	# Names a group by a literal: resolved.
	_r("aws_autoscaling_policy.lit", "aws_autoscaling_policy", {"autoscaling_group_name": "web"}, [], {}),
	# From a variable and from a module that is not downloaded: may be any group.
	_r("aws_autoscaling_policy.var", "aws_autoscaling_policy", {}, [["autoscaling_group_name"]], {"autoscaling_group_name": ["var.name"]}),
	_r("aws_autoscaling_policy.mod", "aws_autoscaling_policy", {}, [["autoscaling_group_name"]], {"autoscaling_group_name": ["module.asg"]}),
	# A data source: an existing group, not one of the bundle's, but resolved.
	_r("aws_autoscaling_policy.data", "aws_autoscaling_policy", {}, [["autoscaling_group_name"]], {"autoscaling_group_name": ["data.aws_autoscaling_group.old"]}),
	# Not a policy, not managed.
	_r("aws_autoscaling_schedule.var", "aws_autoscaling_schedule", {}, [["autoscaling_group_name"]], {}),
	_r("data.aws_autoscaling_policy.x", "aws_autoscaling_policy", {}, [["autoscaling_group_name"]], {}),
]

test_unresolved if {
	inp := _input(_policies)
	open := aws.unresolved("aws_autoscaling_policy", "autoscaling_group_name", {"aws_autoscaling_group"}) with input as inp
	[r.id | some r in open] == ["aws_autoscaling_policy.var", "aws_autoscaling_policy.mod"]
	none := aws.unresolved("aws_appautoscaling_target", "resource_id", {"aws_ecs_service"}) with input as inp
	none == []
}

test_unresolved_indexed_paths if {
	plan := _r("aws_api_gateway_usage_plan.p", "aws_api_gateway_usage_plan", {"api_stages": [{}]}, [["api_stages", 0, "stage"]], {"api_stages.0.stage": ["var.stage"]})
	open := aws.unresolved("aws_api_gateway_usage_plan", "api_stages.0.stage", {"aws_api_gateway_stage"}) with input as _input([plan])
	[r.id | some r in open] == ["aws_api_gateway_usage_plan.p"]
	none := aws.unresolved("aws_api_gateway_usage_plan", "api_stages.1.stage", {"aws_api_gateway_stage"}) with input as _input([plan])
	none == []
}

_targets := [
	_r("aws_appautoscaling_target.web", "aws_appautoscaling_target", {"resource_id": "service/prod/web"}, [], {}),
	_r("aws_appautoscaling_target.web2", "aws_appautoscaling_target", {"resource_id": "service/stage/web"}, [], {}),
	_r("aws_appautoscaling_target.table", "aws_appautoscaling_target", {"resource_id": "table/orders"}, [], {}),
	_r("aws_appautoscaling_target.unknown", "aws_appautoscaling_target", {}, [["resource_id"]], {}),
]

test_capture_index_and_indexed if {
	inp := _input(_targets)
	idx := aws.capture_index("aws_appautoscaling_target", ["resource_id"], `^service/[^/]+/([^/]+)$`) with input as inp
	idx == {"web": ["aws_appautoscaling_target.web", "aws_appautoscaling_target.web2"]}
	found := aws.indexed(idx, "web") with input as inp
	[r.id | some r in found] == ["aws_appautoscaling_target.web", "aws_appautoscaling_target.web2"]
	none := aws.indexed(idx, "api") with input as inp
	none == []
}

test_value_index if {
	idx := aws.value_index("aws_appautoscaling_target", ["resource_id"]) with input as _input(_targets)
	idx == {
		"service/prod/web": ["aws_appautoscaling_target.web"],
		"service/stage/web": ["aws_appautoscaling_target.web2"],
		"table/orders": ["aws_appautoscaling_target.table"],
	}
}

_plans := [
	_r("aws_api_gateway_usage_plan.a", "aws_api_gateway_usage_plan", {}, [], {
		"api_stages.0.stage": ["aws_api_gateway_stage.dev"],
		"api_stages.1.stage": ["aws_api_gateway_stage.prod"],
		"api_stages.1.api_id": ["aws_api_gateway_rest_api.api"],
	}),
	_r("aws_api_gateway_usage_plan.b", "aws_api_gateway_usage_plan", {}, [], {"api_stages.0.stage": ["module.api.aws_api_gateway_stage.this"]}),
]

_stage(id) := _r(id, "aws_api_gateway_stage", {}, [], {})

test_referrer_index_and_referring if {
	inp := _input(_plans)
	idx := aws.referrer_index("aws_api_gateway_usage_plan", `^api_stages\.[0-9]+\.stage$`) with input as inp
	idx == {
		"aws_api_gateway_stage.dev": ["aws_api_gateway_usage_plan.a"],
		"aws_api_gateway_stage.prod": ["aws_api_gateway_usage_plan.a"],
		"module.api.aws_api_gateway_stage.this": ["aws_api_gateway_usage_plan.b"],
	}
	prod := aws.referring(idx, _stage("aws_api_gateway_stage.prod")) with input as inp
	[r.id | some r in prod] == ["aws_api_gateway_usage_plan.a"]

	# The base address refers to every instance.
	inst := aws.referring(idx, _stage("module.api.aws_api_gateway_stage.this[0]")) with input as inp
	[r.id | some r in inst] == ["aws_api_gateway_usage_plan.b"]
	none := aws.referring(idx, _stage("aws_api_gateway_stage.test")) with input as inp
	none == []
}

_asg(id, name) := _r(id, "aws_autoscaling_group", {"name": name}, [], {})

_asg_input := _input([
	_asg("aws_autoscaling_group.web", "web"),
	_r("aws_autoscaling_group.api", "aws_autoscaling_group", {}, [["name"]], {}),
	_r("aws_autoscaling_policy.ref", "aws_autoscaling_policy", {}, [["autoscaling_group_name"]], {"autoscaling_group_name": ["aws_autoscaling_group.web"]}),
	_r("aws_autoscaling_policy.lit", "aws_autoscaling_policy", {"autoscaling_group_name": "web"}, [], {}),
	_r("aws_autoscaling_policy.other", "aws_autoscaling_policy", {"autoscaling_group_name": "batch"}, [], {}),
	_r("aws_autoscaling_schedule.night", "aws_autoscaling_schedule", {}, [["autoscaling_group_name"]], {"autoscaling_group_name": ["var.name"]}),
])

test_asg_referrers_by_reference_and_by_name if {
	web := aws.asg_referrers(_asg("aws_autoscaling_group.web", "web"), "aws_autoscaling_policy") with input as _asg_input
	[r.id | some r in web] == ["aws_autoscaling_policy.lit", "aws_autoscaling_policy.ref"]

	# A group whose name is not known is joined by reference only.
	api := aws.asg_referrers(_r("aws_autoscaling_group.api", "aws_autoscaling_group", {}, [["name"]], {}), "aws_autoscaling_policy") with input as _asg_input
	api == []
	none := aws.asg_referrers(_asg("aws_autoscaling_group.web", "web"), "aws_autoscaling_schedule") with input as _asg_input
	none == []
}

test_unresolved_asg_referrers if {
	open := aws.unresolved_asg_referrers("aws_autoscaling_schedule") with input as _asg_input
	[r.id | some r in open] == ["aws_autoscaling_schedule.night"]
	none := aws.unresolved_asg_referrers("aws_autoscaling_policy") with input as _asg_input
	none == []
}

_tagged(config, unknown, tags_unknown) := object.union(
	_r("aws_autoscaling_group.web", "aws_autoscaling_group", config, unknown, {}),
	{"tags_unknown": tags_unknown},
)

test_asg_tags_may_hold_more_when_a_key_is_unknown if {
	aws.asg_tags_may_hold_more(_tagged({}, [["tag"]], ["*"]))
	aws.asg_tags_may_hold_more(_tagged({"tag": [{}]}, [["tag", 0]], ["*"]))
	aws.asg_tags_may_hold_more(_tagged({"tag": [{"value": "x"}]}, [["tag", 0, "key"]], ["*"]))
	aws.asg_tags_may_hold_more(_tagged({}, [["tags"]], ["*"]))
}

test_asg_tags_known_keys_with_unknown_values_hide_nothing if {
	config := {"tag": [{"key": "Name", "propagate_at_launch": true}, {"key": "team"}]}
	not aws.asg_tags_may_hold_more(_tagged(config, [["tag", 0, "value"], ["tag", 1, "propagate_at_launch"]], ["*"]))
	not aws.asg_tags_may_hold_more(_tagged(config, [["max_size"]], []))
}

test_asg_tags_may_hold_more_from_tags_unknown_alone if {
	aws.asg_tags_may_hold_more(_tagged({}, [], ["*"]))
	not aws.asg_tags_may_hold_more(_tagged({}, [], []))
}
