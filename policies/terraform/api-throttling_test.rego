package scalegate.rules.api_throttling_test

import data.scalegate.rules.api_throttling as rule

# _res(id, type, config, unknown, references) is a Terraform resource.
_res(id, type, config, unknown, references) := {
	"id": id,
	"format": "terraform",
	"type": type,
	"name": split(id, ".")[1],
	"namespace": null,
	"provider": "aws",
	"file": "api.tf",
	"config": config,
	"unknown": unknown,
	"references": references,
	"tags": {},
	"tags_unknown": [],
}

_input(resources) := {"bundle": {"format": "terraform", "path": "api"}, "resources": resources}

# _stage(name, api) is `aws_api_gateway_stage.<name>` of `aws_api_gateway_rest_api.<api>`,
# with `stage_name` `name`.
_stage(name, api) := _res(
	sprintf("aws_api_gateway_stage.%s", [name]),
	"aws_api_gateway_stage",
	{"stage_name": name, "deployment_id": "d"},
	[["rest_api_id"]],
	{"rest_api_id": [sprintf("aws_api_gateway_rest_api.%s", [api])]},
)

# _settings(name, stage, config, unknown) refers to `aws_api_gateway_stage.<stage>`.
_settings(name, stage, config, unknown) := _res(
	sprintf("aws_api_gateway_method_settings.%s", [name]),
	"aws_api_gateway_method_settings",
	config,
	array.concat([["rest_api_id"], ["stage_name"]], unknown),
	{"rest_api_id": ["aws_api_gateway_rest_api.shop"], "stage_name": [sprintf("aws_api_gateway_stage.%s", [stage])]},
)

# _literal_settings(name, stage_name, api, config) names its stage by a literal, for
# `aws_api_gateway_rest_api.<api>`.
_literal_settings(name, stage_name, api, config) := _res(
	sprintf("aws_api_gateway_method_settings.%s", [name]),
	"aws_api_gateway_method_settings",
	object.union({"stage_name": stage_name}, config),
	[["rest_api_id"]],
	{"rest_api_id": [sprintf("aws_api_gateway_rest_api.%s", [api])]},
)

_throttled(burst, rate) := {"method_path": "*/*", "settings": [{"throttling_burst_limit": burst, "throttling_rate_limit": rate}]}

# _plan(name, entries, config, unknown, references) is a usage plan.
_plan(name, config, unknown, references) := _res(sprintf("aws_api_gateway_usage_plan.%s", [name]), "aws_api_gateway_usage_plan", config, unknown, references)

_no_throttling_msg(id) := sprintf(`%s: no aws_api_gateway_method_settings for "*/*" with throttling_burst_limit and throttling_rate_limit, nor a usage plan with throttle_settings, in api applies to it, so its callers share only the account-wide limit`, [id])

test_deny_v1_stage_without_throttling if {
	inp := _input([_stage("prod", "shop")])
	findings := rule.deny with input as inp
	findings == {{
		"resource": "aws_api_gateway_stage.prod",
		"path": ["stage_name"],
		"msg": _no_throttling_msg("aws_api_gateway_stage.prod"),
	}}
	count(rule.unverified) == 0 with input as inp
}

test_deny_v1_settings_that_do_not_throttle_every_method if {
	inp := _input([
		# Logging only.
		_stage("logs", "shop"),
		_settings("logs", "logs", {"method_path": "*/*", "settings": [{"logging_level": "INFO"}]}, []),
		# -1 is the provider's "off".
		_stage("off", "shop"),
		_settings("off", "off", _throttled(-1, -1), []),
		# One method only.
		_stage("one", "shop"),
		_settings("one", "one", object.union(_throttled(100, 50), {"method_path": "orders/GET"}), []),
		# A usage plan without throttle_settings.
		_stage("plan", "shop"),
		_plan("free", {"api_stages": [{}]}, [["api_stages", 0, "stage"]], {"api_stages.0.stage": ["aws_api_gateway_stage.plan"]}),
		# Named by a literal, for another REST API.
		_stage("other", "shop"),
		_literal_settings("other", "other", "admin", _throttled(100, 50)),
	])
	findings := rule.deny with input as inp
	{f.resource | some f in findings} == {
		"aws_api_gateway_stage.logs",
		"aws_api_gateway_stage.off",
		"aws_api_gateway_stage.one",
		"aws_api_gateway_stage.plan",
		"aws_api_gateway_stage.other",
	}
	count(rule.unverified) == 0 with input as inp
}

test_allow_v1_throttled_stages if {
	inp := _input([
		_stage("ref", "shop"),
		_settings("ref", "ref", _throttled(500, 1000), []),
		# Named by a literal, for the same REST API.
		_stage("literal", "shop"),
		_literal_settings("literal", "literal", "shop", _throttled("500", "1000")),
		# Zero is a limit.
		_stage("closed", "shop"),
		_settings("closed", "closed", _throttled(0, 0), []),
		# Usage plans, by reference and by a literal; one limit is enough.
		_stage("plan", "shop"),
		_plan("basic", {"api_stages": [{}, {}], "throttle_settings": [{"rate_limit": 10}]}, [["api_stages", 1, "stage"]], {"api_stages.1.stage": ["aws_api_gateway_stage.plan"]}),
		_stage("plan_literal", "shop"),
		_plan("pro", {"api_stages": [{"stage": "plan_literal"}], "throttle_settings": [{"burst_limit": 20}]}, [["api_stages", 0, "api_id"]], {"api_stages.0.api_id": ["aws_api_gateway_rest_api.shop"]}),
		# Module instances joined through the base address.
		_res("module.api.aws_api_gateway_stage.this[0]", "aws_api_gateway_stage", {"stage_name": "v1"}, [], {}),
		_res("module.api.aws_api_gateway_method_settings.all[0]", "aws_api_gateway_method_settings", _throttled(5, 10), [["stage_name"]], {"stage_name": ["module.api.aws_api_gateway_stage.this"]}),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_unverified_v1_unknown_limits_and_paths if {
	inp := _input([
		_stage("burst", "shop"),
		_settings("burst", "burst", {"method_path": "*/*", "settings": [{"throttling_rate_limit": 100}]}, [["settings", 0, "throttling_burst_limit"]]),
		_stage("path", "shop"),
		_settings("path", "path", {"settings": [{"throttling_burst_limit": 1, "throttling_rate_limit": 1}]}, [["method_path"]]),
		_stage("plan", "shop"),
		_plan("plan", {"api_stages": [{}], "throttle_settings": [{}]}, [["api_stages", 0, "stage"], ["throttle_settings", 0, "rate_limit"]], {"api_stages.0.stage": ["aws_api_gateway_stage.plan"]}),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	{[n.resource, n.msg] | some n in notes} == {
		["aws_api_gateway_stage.burst", "aws_api_gateway_stage.burst: no method settings or usage plan in api is seen to throttle it, but whether aws_api_gateway_method_settings.burst throttles every method is known only when Terraform runs"],
		["aws_api_gateway_stage.path", "aws_api_gateway_stage.path: no method settings or usage plan in api is seen to throttle it, but whether aws_api_gateway_method_settings.path throttles every method is known only when Terraform runs"],
		["aws_api_gateway_stage.plan", "aws_api_gateway_stage.plan: no method settings or usage plan in api is seen to throttle it, but the throttle_settings of aws_api_gateway_usage_plan.plan are known only when Terraform runs"],
	}
}

test_unverified_v1_referrers_of_unknown_stages if {
	inp := _input([
		_stage("prod", "shop"),
		_res("aws_api_gateway_method_settings.any", "aws_api_gateway_method_settings", _throttled(1, 1), [["stage_name"]], {"stage_name": ["var.stage_name"]}),
		_plan("dynamic", {"throttle_settings": [{"rate_limit": 1}]}, [["api_stages"]], {}),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {{
		"resource": "aws_api_gateway_stage.prod",
		"path": ["stage_name"],
		"msg": "aws_api_gateway_stage.prod: no method settings or usage plan in api is seen to throttle it, but aws_api_gateway_method_settings.any names a stage known only when Terraform runs; aws_api_gateway_usage_plan.dynamic lists stages known only when Terraform runs",
	}}
}

test_unverified_v1_unknown_stage_name if {
	inp := _input([
		_res("aws_api_gateway_stage.prod", "aws_api_gateway_stage", {}, [["stage_name"]], {}),
		_literal_settings("other", "other", "shop", _throttled(1, 1)),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	[n.msg | some n in notes] == ["aws_api_gateway_stage.prod: no method settings or usage plan in api is seen to throttle it, but its stage_name is known only when Terraform runs, and method settings or usage plans name a stage by a literal"]
}

# _v2(name, config, unknown) is an HTTP API stage.
_v2(name, config, unknown) := _res(sprintf("aws_apigatewayv2_stage.%s", [name]), "aws_apigatewayv2_stage", object.union({"name": "$default"}, config), array.concat([["api_id"]], unknown), {"api_id": ["aws_apigatewayv2_api.http"]})

test_deny_v2_stage_without_limits if {
	inp := _input([
		_v2("none", {}, []),
		_v2("rate_only", {"default_route_settings": [{"throttling_rate_limit": 100, "detailed_metrics_enabled": true}]}, []),
		# One limit missing is a violation even when the other is unknown.
		_v2("burst_unknown", {"default_route_settings": [{}]}, [["default_route_settings", 0, "throttling_burst_limit"]]),
	])
	findings := rule.deny with input as inp
	findings == {
		{
			"resource": "aws_apigatewayv2_stage.none",
			"path": ["default_route_settings", 0, "throttling_burst_limit"],
			"msg": "aws_apigatewayv2_stage.none does not set throttling_burst_limit and throttling_rate_limit in default_route_settings, so its callers share only the account-wide limit",
		},
		{
			"resource": "aws_apigatewayv2_stage.rate_only",
			"path": ["default_route_settings", 0, "throttling_burst_limit"],
			"msg": "aws_apigatewayv2_stage.rate_only does not set throttling_burst_limit in default_route_settings, so its callers share only the account-wide limit",
		},
		{
			"resource": "aws_apigatewayv2_stage.burst_unknown",
			"path": ["default_route_settings", 0, "throttling_rate_limit"],
			"msg": "aws_apigatewayv2_stage.burst_unknown does not set throttling_rate_limit in default_route_settings, so its callers share only the account-wide limit",
		},
	}
	count(rule.unverified) == 0 with input as inp
}

test_allow_v2_stage_with_limits if {
	inp := _input([_v2("default", {"default_route_settings": [{"throttling_burst_limit": 500, "throttling_rate_limit": 1000}]}, [])])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_unverified_v2_unknown_limits if {
	inp := _input([
		_v2("vars", {"default_route_settings": [{"throttling_rate_limit": 100}]}, [["default_route_settings", 0, "throttling_burst_limit"]]),
		_v2("dynamic", {}, [["default_route_settings"]]),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {
		{
			"resource": "aws_apigatewayv2_stage.vars",
			"path": ["default_route_settings", 0, "throttling_burst_limit"],
			"msg": "aws_apigatewayv2_stage.vars: its default_route_settings throttling_burst_limit is known only when Terraform runs",
		},
		{
			"resource": "aws_apigatewayv2_stage.dynamic",
			"path": ["default_route_settings", 0, "throttling_burst_limit"],
			"msg": "aws_apigatewayv2_stage.dynamic: its default_route_settings throttling_burst_limit and throttling_rate_limit are known only when Terraform runs",
		},
	}
}
