# METADATA
# title: API Gateway stage has no throttling
# description: >-
#   Without stage throttling an API takes whatever arrives until the account-wide
#   quota of the region, shared by every API, is exhausted: one runaway client or
#   retry storm then slows every API of the account and floods the backends behind
#   them. A REST API stage counts as throttled when an `aws_api_gateway_method_settings`
#   for `method_path = "*/*"` sets `throttling_burst_limit` and `throttling_rate_limit`
#   (`-1`, the provider's default, means off), or a usage plan with `throttle_settings`
#   lists it, each naming the stage by reference or by its literal `stage_name`; an
#   HTTP or WebSocket stage (`aws_apigatewayv2_stage`) needs both limits in
#   `default_route_settings`.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-AWS-005.md
# custom:
#   id: SG-AWS-005
#   slug: api-throttling
#   severity: medium
#   input:
#     selector:
#       types: [aws_api_gateway_method_settings, aws_api_gateway_rest_api, aws_api_gateway_stage, aws_api_gateway_usage_plan, aws_apigatewayv2_stage]
#   remediation: >-
#     For a REST API, throttle every method of the stage, e.g. `resource
#     "aws_api_gateway_method_settings" "all" { rest_api_id =
#     aws_api_gateway_rest_api.api.id, stage_name =
#     aws_api_gateway_stage.prod.stage_name, method_path = "*/*", settings {
#     throttling_burst_limit = 500, throttling_rate_limit = 1000 } }`; for an HTTP API,
#     `default_route_settings { throttling_burst_limit = 500, throttling_rate_limit =
#     1000 }` in the `aws_apigatewayv2_stage`.
package scalegate.rules.api_throttling

import data.scalegate.lib.aws
import data.scalegate.lib.index
import data.scalegate.lib.known
import data.scalegate.lib.result
import data.scalegate.lib.terraform as tf

# REST API (v1) stages.

deny contains finding if {
	some s in _v1_unthrottled
	count(_v1_reasons_of[s.id]) == 0
	finding := result.finding(s, ["stage_name"], sprintf(
		`%s: no aws_api_gateway_method_settings for "*/*" with throttling_burst_limit and throttling_rate_limit, nor a usage plan with throttle_settings, in %s applies to it, so its callers share only the account-wide limit`,
		[s.id, input.bundle.path],
	))
}

unverified contains finding if {
	some s in _v1_unthrottled
	reasons := _v1_reasons_of[s.id]
	count(reasons) > 0
	finding := result.finding(s, ["stage_name"], sprintf(
		"%s: no method settings or usage plan in %s is seen to throttle it, but %s",
		[s.id, input.bundle.path, concat("; ", sort(reasons))],
	))
}

# HTTP and WebSocket API (v2) stages.

deny contains finding if {
	some s in _v2_stages
	missing := [attr | some attr in _v2_limits; known.missing(s, ["default_route_settings", 0, attr])]
	count(missing) > 0
	finding := result.finding(s, ["default_route_settings", 0, missing[0]], sprintf(
		"%s does not set %s in default_route_settings, so its callers share only the account-wide limit",
		[s.id, concat(" and ", missing)],
	))
}

unverified contains finding if {
	some s in _v2_stages
	every attr in _v2_limits {
		not known.missing(s, ["default_route_settings", 0, attr])
	}
	unknown := [attr | some attr in _v2_limits; known.unknown(s, ["default_route_settings", 0, attr])]
	count(unknown) > 0
	finding := result.finding(s, ["default_route_settings", 0, unknown[0]], sprintf(
		"%s: its default_route_settings %s known only when Terraform runs",
		[s.id, _is_are(unknown)],
	))
}

_v2_limits := ["throttling_burst_limit", "throttling_rate_limit"]

_is_are(attrs) := sprintf("%s is", [attrs[0]]) if count(attrs) == 1

_is_are(attrs) := sprintf("%s are", [concat(" and ", attrs)]) if count(attrs) > 1

_managed(type) := [r | some r in object.get(tf.by_type, type, []); tf.is_managed(r)]

_v1_stages := _managed("aws_api_gateway_stage")

# The REST stages nothing is seen to throttle, and the uncertainties of each,
# computed once for both sets above.
_v1_unthrottled := [s | some s in _v1_stages; not _v1_throttled(s)]

_v1_reasons_of := {s.id: _v1_reasons(s) | some s in _v1_unthrottled}

_v2_stages := _managed("aws_apigatewayv2_stage")

_v1_throttled(s) if {
	some m in _method_settings(s)
	_method_settings_state(m) == {"yes"}
}

_v1_throttled(s) if {
	some p in _usage_plans(s)
	_usage_plan_state(p) == "yes"
}

# The method settings of a stage: those whose `stage_name` refers to it, and those
# that name it by a literal for the same REST API.
_method_settings(s) := array.concat(tf.referencing(s, "aws_api_gateway_method_settings", "stage_name"), [m |
	some m in aws.indexed(_method_settings_by_stage_name, aws.string(s, ["stage_name"]))
	_same_api(_api(m, ["rest_api_id"], "rest_api_id"), _api(s, ["rest_api_id"], "rest_api_id"))
])

_method_settings_by_stage_name := aws.value_index("aws_api_gateway_method_settings", ["stage_name"])

# _method_settings_state(m) is the set of answers to "does `m` throttle every method":
# `{"yes"}` when it does, and "maybe" among them when that is known only when
# Terraform runs.
_method_settings_state(m) := {_method_path_state(m)} | {_limit_state(m, attr) | some attr in _v2_limits}

_method_path_state(m) := "yes" if aws.string(m, ["method_path"]) == "*/*"

_method_path_state(m) := "maybe" if known.unknown(m, ["method_path"])

_method_path_state(m) := "no" if {
	not aws.string(m, ["method_path"]) == "*/*"
	not known.unknown(m, ["method_path"])
}

# A limit of -1, the provider's default, turns throttling off.
_limit_state(m, attr) := "yes" if aws.number(m, ["settings", 0, attr]) >= 0

_limit_state(m, attr) := "maybe" if known.unknown(m, ["settings", 0, attr])

_limit_state(m, attr) := "no" if {
	not aws.number(m, ["settings", 0, attr]) >= 0
	not known.unknown(m, ["settings", 0, attr])
}

# The usage plans that list a stage: an `api_stages` entry whose `stage` refers to it,
# or names it by a literal for the same REST API.
_usage_plans(s) := array.concat(aws.referring(_usage_plans_by_stage, s), [tf.by_id[id] |
	some [id, i] in object.get(_usage_plan_entries_by_stage_name, aws.string(s, ["stage_name"]), [])
	_same_api(_api(tf.by_id[id], ["api_stages", i, "api_id"], sprintf("api_stages.%d.api_id", [i])), _api(s, ["rest_api_id"], "rest_api_id"))
])

_usage_plans_by_stage := aws.referrer_index("aws_api_gateway_usage_plan", `^api_stages\.[0-9]+\.stage$`)

_usage_plan_entries_by_stage_name := index.group([[name, [p.id, i]] |
	some p in _managed("aws_api_gateway_usage_plan")
	some i, _ in object.get(p.config, "api_stages", [])
	name := aws.string(p, ["api_stages", i, "stage"])
])

# _usage_plan_state(p) answers "does `p` set a throttle limit": "yes", or "maybe" when
# that is known only when Terraform runs; undefined for no.
_usage_plan_state(p) := "yes" if _usage_plan_throttles(p)

_usage_plan_state(p) := "maybe" if {
	not _usage_plan_throttles(p)
	some attr in ["burst_limit", "rate_limit"]
	known.unknown(p, ["throttle_settings", 0, attr])
}

_usage_plan_throttles(p) if {
	some attr in ["burst_limit", "rate_limit"]
	aws.number(p, ["throttle_settings", 0, attr])
}

# _api(r, path, dotted) identifies the REST API an attribute names: its literal id,
# or the REST API resources it refers to; `["unknown"]` when neither can be told.
_api(r, path, _) := ["id", v] if v := aws.string(r, path)

_api(r, path, dotted) := ["ref", apis] if {
	not aws.string(r, path)
	apis := sort({tf.base_address(a) |
		some a in object.get(r, ["references", dotted], [])
		aws.address_type(a) == "aws_api_gateway_rest_api"
	})
	count(apis) > 0
}

_api(r, path, dotted) := ["unknown"] if {
	not aws.string(r, path)
	not _refers_to_rest_api(r, dotted)
}

_refers_to_rest_api(r, dotted) if aws.refers_to_type(r, dotted, {"aws_api_gateway_rest_api"})

# Two REST APIs are the same when both are told and equal; when either cannot be
# told, the stage name alone decides (fewer false positives).
_same_api(a, b) if a == b

_same_api(a, _) if a == ["unknown"]

_same_api(_, b) if b == ["unknown"]

# _v1_reasons(s) is the set of values, known only when Terraform runs, on which the
# answer for `s` depends.
_v1_reasons(s) := ((_unknown_method_settings(s) | _unknown_usage_plans(s)) | _unknown_stage_name(s)) | _open_v1_referrers

_unknown_method_settings(s) := {sprintf("whether %s throttles every method is known only when Terraform runs", [m.id]) |
	some m in _method_settings(s)
	state := _method_settings_state(m)
	not "no" in state
	"maybe" in state
}

_unknown_usage_plans(s) := {sprintf("the throttle_settings of %s are known only when Terraform runs", [p.id]) |
	some p in _usage_plans(s)
	_usage_plan_state(p) == "maybe"
}

_unknown_stage_name(s) := {"its stage_name is known only when Terraform runs, and method settings or usage plans name a stage by a literal" |
	known.unknown(s, ["stage_name"])
	count(_method_settings_by_stage_name) + count(_usage_plan_entries_by_stage_name) > 0
}

# Method settings and usage plans that may name any stage of the bundle.
_open_v1_referrers := {sprintf("%s names a stage known only when Terraform runs", [m.id]) |
	some m in aws.unresolved("aws_api_gateway_method_settings", "stage_name", {"aws_api_gateway_stage"})
} | {sprintf("%s lists stages known only when Terraform runs", [p.id]) |
	some p in _managed("aws_api_gateway_usage_plan")
	_open_usage_plan(p)
}

_open_usage_plan(p) if known.unknown(p, ["api_stages"])

_open_usage_plan(p) if {
	some i, _ in object.get(p.config, "api_stages", [])
	known.unknown(p, ["api_stages", i, "stage"])
	not aws.refers_to_type(p, sprintf("api_stages.%d.stage", [i]), {"aws_api_gateway_stage"})
}
