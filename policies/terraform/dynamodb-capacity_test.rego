package scalegate.rules.dynamodb_capacity_test

import data.scalegate.rules.dynamodb_capacity as rule

# _res(id, type, config, unknown, references) is a Terraform resource.
_res(id, type, config, unknown, references) := {
	"id": id,
	"format": "terraform",
	"type": type,
	"name": split(id, ".")[1],
	"namespace": null,
	"provider": "aws",
	"file": "dynamodb.tf",
	"config": config,
	"unknown": unknown,
	"references": references,
	"tags": {},
	"tags_unknown": [],
}

_table(name, config, unknown) := _res(sprintf("aws_dynamodb_table.%s", [name]), "aws_dynamodb_table", object.union({"name": name, "hash_key": "id"}, config), unknown, {})

_gsi := {"global_secondary_index": [{"name": "by-customer", "hash_key": "customer_id"}]}

# _target(name, table, dimension) scales `dimension` of `aws_dynamodb_table.<table>`,
# naming it by reference.
_target(name, table, dimension) := _res(
	sprintf("aws_appautoscaling_target.%s", [name]),
	"aws_appautoscaling_target",
	{"service_namespace": "dynamodb", "scalable_dimension": sprintf("dynamodb:%s", [dimension])},
	[["resource_id"]],
	{"resource_id": [sprintf("aws_dynamodb_table.%s", [table])]},
)

# _literal(name, resource_id, dimension) names its table by a literal resource id.
_literal(name, resource_id, dimension) := _res(
	sprintf("aws_appautoscaling_target.%s", [name]),
	"aws_appautoscaling_target",
	{"service_namespace": "dynamodb", "scalable_dimension": sprintf("dynamodb:%s", [dimension]), "resource_id": resource_id},
	[],
	{},
)

_input(resources) := {"bundle": {"format": "terraform", "path": "data"}, "resources": resources}

test_deny_provisioned_table_without_targets if {
	inp := _input([
		_table("orders", {}, []),
		_table("carts", {"billing_mode": "PROVISIONED", "read_capacity": 5, "write_capacity": 5}, []),
	])
	findings := rule.deny with input as inp
	findings == {
		{
			"resource": "aws_dynamodb_table.orders",
			"path": ["billing_mode"],
			"msg": "aws_dynamodb_table.orders uses provisioned capacity (billing_mode not set, so PROVISIONED) but no aws_appautoscaling_target in data scales its table read capacity and table write capacity, so requests beyond the provisioned units are throttled",
		},
		{
			"resource": "aws_dynamodb_table.carts",
			"path": ["billing_mode"],
			"msg": `aws_dynamodb_table.carts uses provisioned capacity (billing_mode "PROVISIONED") but no aws_appautoscaling_target in data scales its table read capacity and table write capacity, so requests beyond the provisioned units are throttled`,
		},
	}
	count(rule.unverified) == 0 with input as inp
}

test_deny_one_dimension_or_the_indexes_missing if {
	inp := _input([
		_table("orders", {}, []),
		_target("orders_read", "orders", "table:ReadCapacityUnits"),
		_table("carts", _gsi, []),
		_target("carts_read", "carts", "table:ReadCapacityUnits"),
		_target("carts_write", "carts", "table:WriteCapacityUnits"),
		# A target of another service does not count.
		_res("aws_appautoscaling_target.carts_ecs", "aws_appautoscaling_target", {"service_namespace": "ecs", "scalable_dimension": "dynamodb:index:ReadCapacityUnits"}, [["resource_id"]], {"resource_id": ["aws_dynamodb_table.carts"]}),
	])
	findings := rule.deny with input as inp
	{[f.resource, f.msg] | some f in findings} == {
		["aws_dynamodb_table.orders", "aws_dynamodb_table.orders uses provisioned capacity (billing_mode not set, so PROVISIONED) but no aws_appautoscaling_target in data scales its table write capacity, so requests beyond the provisioned units are throttled"],
		["aws_dynamodb_table.carts", "aws_dynamodb_table.carts uses provisioned capacity (billing_mode not set, so PROVISIONED) but no aws_appautoscaling_target in data scales its index read capacity and index write capacity, so requests beyond the provisioned units are throttled"],
	}
}

test_allow_on_demand_and_autoscaled_tables if {
	inp := _input([
		_table("events", {"billing_mode": "PAY_PER_REQUEST"}, []),
		_table("events_idx", object.union({"billing_mode": "PAY_PER_REQUEST"}, _gsi), []),
		_table("orders", {}, []),
		_target("orders_read", "orders", "table:ReadCapacityUnits"),
		_target("orders_write", "orders", "table:WriteCapacityUnits"),
		_table("carts", _gsi, []),
		_literal("carts_read", "table/carts", "table:ReadCapacityUnits"),
		_literal("carts_write", "table/carts", "table:WriteCapacityUnits"),
		_literal("carts_idx_read", "table/carts/index/by-customer", "index:ReadCapacityUnits"),
		_target("carts_idx_write", "carts", "index:WriteCapacityUnits"),
		# A module's table, targets referring to the instance or the base address.
		_res("module.t.aws_dynamodb_table.this[0]", "aws_dynamodb_table", {"name": "t"}, [], {}),
		_res("module.t.aws_appautoscaling_target.read[0]", "aws_appautoscaling_target", {"service_namespace": "dynamodb", "scalable_dimension": "dynamodb:table:ReadCapacityUnits"}, [["resource_id"]], {"resource_id": ["module.t.aws_dynamodb_table.this"]}),
		_res("module.t.aws_appautoscaling_target.write[0]", "aws_appautoscaling_target", {"service_namespace": "dynamodb", "scalable_dimension": "dynamodb:table:WriteCapacityUnits"}, [["resource_id"]], {"resource_id": ["module.t.aws_dynamodb_table.this[0]"]}),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_unverified_unknown_billing_mode if {
	inp := _input([_table("orders", {}, [["billing_mode"]])])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {{
		"resource": "aws_dynamodb_table.orders",
		"path": ["billing_mode"],
		"msg": "aws_dynamodb_table.orders: no aws_appautoscaling_target in data is seen to scale its table read capacity and table write capacity, but its billing_mode is known only when Terraform runs",
	}}
}

test_unverified_unknown_indexes if {
	inp := _input([
		_table("orders", {}, [["global_secondary_index"]]),
		_target("orders_read", "orders", "table:ReadCapacityUnits"),
		_target("orders_write", "orders", "table:WriteCapacityUnits"),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {{
		"resource": "aws_dynamodb_table.orders",
		"path": ["global_secondary_index"],
		"msg": "aws_dynamodb_table.orders: no aws_appautoscaling_target in data is seen to scale its index read capacity and index write capacity, but its global_secondary_index blocks are known only when Terraform runs",
	}}
}

test_unverified_unknown_dimension_and_open_targets if {
	inp := _input([
		_table("orders", {}, []),
		_res("aws_appautoscaling_target.orders", "aws_appautoscaling_target", {"service_namespace": "dynamodb"}, [["resource_id"], ["scalable_dimension"]], {"resource_id": ["aws_dynamodb_table.orders"]}),
		_table("carts", {}, []),
		_res("aws_appautoscaling_target.any", "aws_appautoscaling_target", {"service_namespace": "dynamodb", "scalable_dimension": "dynamodb:table:ReadCapacityUnits"}, [["resource_id"]], {"resource_id": ["var.table_name"]}),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	{[n.resource, n.msg] | some n in notes} == {
		["aws_dynamodb_table.orders", "aws_dynamodb_table.orders: no aws_appautoscaling_target in data is seen to scale its table read capacity and table write capacity, but aws_appautoscaling_target.any names a table known only when Terraform runs; the scalable_dimension of aws_appautoscaling_target.orders is known only when Terraform runs"],
		["aws_dynamodb_table.carts", "aws_dynamodb_table.carts: no aws_appautoscaling_target in data is seen to scale its table read capacity and table write capacity, but aws_appautoscaling_target.any names a table known only when Terraform runs"],
	}
}

test_unverified_unknown_name_and_a_literal_target if {
	inp := _input([
		_res("aws_dynamodb_table.orders", "aws_dynamodb_table", {}, [["name"]], {}),
		_literal("other", "table/other", "table:ReadCapacityUnits"),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	[n.resource | some n in notes] == ["aws_dynamodb_table.orders"]
}

test_deny_lists_every_missing_dimension if {
	inp := _input([
		_table("carts", _gsi, []),
		_target("carts_read", "carts", "table:ReadCapacityUnits"),
	])
	findings := rule.deny with input as inp
	[f.msg | some f in findings] == ["aws_dynamodb_table.carts uses provisioned capacity (billing_mode not set, so PROVISIONED) but no aws_appautoscaling_target in data scales its index read capacity, index write capacity and table write capacity, so requests beyond the provisioned units are throttled"]
}
