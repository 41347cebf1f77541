package scalegate.lib.tags_test

import data.scalegate.lib.tags

# _r(id, type, config, unknown, effective, tags_unknown) is a Terraform resource as
# the parser gives it: `effective` and `tags_unknown` are its effective tags.
_r(id, type, config, unknown, effective, tags_unknown) := {
	"id": id,
	"format": "terraform",
	"type": type,
	"name": split(id, ".")[1],
	"provider": split(type, "_")[0],
	"config": config,
	"unknown": unknown,
	"references": {},
	"tags": effective,
	"tags_unknown": tags_unknown,
}

_provider(name, config, unknown) := object.union(_r(sprintf("provider.%s", [name]), "provider", config, unknown, {}, []), {
	"name": name,
	"provider": null,
})

test_written_map_of_a_resource if {
	r := _r(
		"aws_s3_bucket.logs",
		"aws_s3_bucket",
		{"bucket": "logs", "tags": {"owner": "web", "cost-center": 1042}},
		[["tags", "environment"], ["tags", "*"]],
		{"owner": "web", "cost-center": 1042, "team": "x"},
		["environment", "*"],
	)
	tags.written(r) == [
		{"key": "cost-center", "path": ["tags", "cost-center"], "key_path": ["tags", "cost-center"], "value": 1042},
		{"key": "owner", "path": ["tags", "owner"], "key_path": ["tags", "owner"], "value": "web"},
		{"key": "environment", "path": ["tags", "environment"], "key_path": ["tags", "environment"], "unknown": true},
	]
}

test_written_leaves_out_keys_dropped_by_ignore_tags if {
	r := _r(
		"aws_s3_bucket.logs",
		"aws_s3_bucket",
		{"tags": {"owner": "web", "kubernetes.io/cluster/x": "owned"}},
		[],
		{"owner": "web"},
		[],
	)
	[e.key | some e in tags.written(r)] == ["owner"]
}

test_written_nothing_when_the_map_is_unknown_or_absent if {
	tags.written(_r("aws_s3_bucket.a", "aws_s3_bucket", {}, [["tags"]], {}, ["*"])) == []
	tags.written(_r("aws_s3_bucket.b", "aws_s3_bucket", {"bucket": "b"}, [], {}, [])) == []
}

test_written_default_tags_of_an_aws_provider if {
	p := _provider("aws", {"default_tags": [{"tags": {"owner": "platform"}}]}, [
		["default_tags", 0, "tags", "environment"],
		["default_tags", 0, "tags", "*"],
	])
	tags.written(p) == [
		{"key": "owner", "path": ["default_tags", 0, "tags", "owner"], "key_path": ["default_tags", 0, "tags", "owner"], "value": "platform"},
		{"key": "environment", "path": ["default_tags", 0, "tags", "environment"], "key_path": ["default_tags", 0, "tags", "environment"], "unknown": true},
	]
}

test_written_default_labels_of_a_google_provider if {
	p := _provider("google", {"default_labels": {"environment": "prod"}}, [])
	tags.written(p) == [{"key": "environment", "path": ["default_labels", "environment"], "key_path": ["default_labels", "environment"], "value": "prod"}]
}

test_written_nothing_for_other_providers if {
	tags.written(_provider("azurerm", {"features": [{}]}, [])) == []
}

test_written_google_labels_by_type if {
	cluster := _r("google_container_cluster.main", "google_container_cluster", {"resource_labels": {"owner": "data"}}, [], {"owner": "data"}, [])
	[e.path | some e in tags.written(cluster)] == [["resource_labels", "owner"]]
	sql := _r("google_sql_database_instance.db", "google_sql_database_instance", {"settings": [{"user_labels": {"owner": "data"}}]}, [], {"owner": "data"}, [])
	[e.path | some e in tags.written(sql)] == [["settings", 0, "user_labels", "owner"]]
	bucket := _r("google_storage_bucket.b", "google_storage_bucket", {"labels": {"owner": "data"}}, [], {"owner": "data"}, [])
	[e.path | some e in tags.written(bucket)] == [["labels", "owner"]]
}

# The node pool's path comes from the parser's table, as data: a list index in it
# is a number, as in `config`.
test_written_google_node_pool_labels_from_the_parser_table if {
	pool := _r("google_container_node_pool.p", "google_container_node_pool", {"node_config": [{"labels": {"owner": "data"}}]}, [], {"owner": "data"}, [])
	[e.path | some e in tags.written(pool)] == [["node_config", 0, "labels", "owner"]]
}

test_written_autoscaling_group_blocks if {
	asg := _r(
		"aws_autoscaling_group.web",
		"aws_autoscaling_group",
		{
			"tag": [
				{"key": "owner", "value": "web", "propagate_at_launch": true},
				{"key": "environment", "propagate_at_launch": true},
				{"value": "x", "propagate_at_launch": true},
			],
			"tags": [{"key": "cost-center", "value": "cc-1042", "propagate_at_launch": "true"}],
		},
		[["tag", 1, "value"], ["tag", 2, "key"], ["tag"]],
		{"owner": "web", "environment": null, "cost-center": "cc-1042"},
		["*"],
	)
	tags.written(asg) == [
		{"key": "owner", "path": ["tag", 0, "value"], "key_path": ["tag", 0, "key"], "value": "web"},
		{"key": "environment", "path": ["tag", 1, "value"], "key_path": ["tag", 1, "key"], "unknown": true},
		{"key": "cost-center", "path": ["tags", 0, "value"], "key_path": ["tags", 0, "key"], "value": "cc-1042"},
	]
}

test_written_plan_resource_effective_tags if {
	r := object.union(
		_r(
			"aws_s3_bucket.logs",
			"aws_s3_bucket",
			{"tags": {"Name": "logs"}, "tags_all": {"Name": "logs", "owner": "platform"}},
			[["tags_all"]],
			{"Name": "logs", "owner": "platform"},
			["*", "environment"],
		),
		{"format": "plan"},
	)
	tags.written(r) == [
		{"key": "Name", "path": ["tags", "Name"], "key_path": ["tags", "Name"], "value": "logs"},
		{"key": "owner", "path": ["tags_all", "owner"], "key_path": ["tags_all", "owner"], "value": "platform"},
		{"key": "environment", "path": ["tags_all", "environment"], "key_path": ["tags_all", "environment"], "unknown": true},
	]
}

test_sources_are_taggable_resources_and_tagging_providers if {
	inp := {"bundle": {"format": "terraform", "path": "infra"}, "resources": [
		_r("aws_s3_bucket.logs", "aws_s3_bucket", {}, [], {}, []),
		_r("aws_sqs_queue.jobs", "aws_sqs_queue", {}, [], {}, []),
		_r("aws_route.r", "aws_route", {}, [], {}, []),
		_provider("aws", {}, []),
		_provider("azurerm", {}, []),
		object.union(_provider("google", {}, []), {"id": "provider.google.eu"}),
	]}
	ids := [r.id | some r in tags.sources] with input as inp with data.scalegate.settings.tags.exclude_types as ["aws_sqs_queue"]
	ids == ["aws_s3_bucket.logs", "provider.aws", "provider.google.eu"]
}

test_same_key_ignores_case_on_azure_only if {
	azure := _r("azurerm_resource_group.main", "azurerm_resource_group", {}, [], {}, [])
	aws := _r("aws_s3_bucket.logs", "aws_s3_bucket", {}, [], {}, [])
	tags.same_key(azure, "Environment", "environment")
	tags.same_key(aws, "environment", "environment")
	not tags.same_key(aws, "Environment", "environment")
	not tags.same_key(azure, "cost_center", "cost-center")
}

test_normalized_key if {
	tags.normalized_key("CostCenter") == "costcenter"
	tags.normalized_key("cost_center") == "costcenter"
	tags.normalized_key("Cost-Center") == "costcenter"
	tags.normalized_key("cost.center") == "costcenter"
	tags.normalized_key("cost center") == "costcenter"
}

test_value_text if {
	tags.value_text("prod") == "prod"
	tags.value_text(1042) == "1042"
	tags.value_text(1.5) == "1.5"
	tags.value_text(true) == "true"
	not tags.value_text(null)
	not tags.value_text(["a"])
}

# Regression: with a rule of the package evaluated first, a function that read the
# terraform lib's rule through the import was undefined in regorus 0.14.1.
test_same_key_after_a_rule_of_the_package if {
	inp := {"bundle": {"format": "terraform", "path": "infra"}, "resources": [
		_r("azurerm_resource_group.main", "azurerm_resource_group", {}, [], {}, []),
	]}
	ids := [r.id | some r in tags.sources; tags.same_key(r, "Environment", "environment")] with input as inp
	ids == ["azurerm_resource_group.main"]
}

test_written_plan_autoscaling_group_blocks if {
	asg := object.union(
		_r("aws_autoscaling_group.web", "aws_autoscaling_group", {"tag": [{"key": "owner", "value": "web", "propagate_at_launch": true}]}, [], {}, []),
		{"format": "plan"},
	)
	tags.written(asg) == [{"key": "owner", "path": ["tag", 0, "value"], "key_path": ["tag", 0, "key"], "value": "web"}]
}
