package scalegate.lib.aws_data_test

import data.scalegate.lib.aws_data

# _r(id, type, config, unknown, references) is a Terraform resource for these tests.
_r(id, type, config, unknown, references) := {
	"id": id,
	"format": "terraform",
	"type": type,
	"name": "x",
	"provider": "aws",
	"file": "main.tf",
	"config": config,
	"unknown": unknown,
	"references": references,
	"tags": {},
	"tags_unknown": [],
}

_input(resources) := {"bundle": {"format": "terraform", "path": "infra"}, "resources": resources}

_ids(resources) := [r.id | some r in resources]

test_named_as_dead_letter_through_a_queue_redrive_policy if {
	dlq := _r("aws_sqs_queue.dlq", "aws_sqs_queue", {"name": "orders-dlq"}, [], {})
	orders := _r("aws_sqs_queue.orders", "aws_sqs_queue", {}, [["redrive_policy"]], {"redrive_policy": ["aws_sqs_queue.dlq"]})
	inp := _input([dlq, orders])
	aws_data.named_as_dead_letter(dlq) with input as inp
	not aws_data.named_as_dead_letter(orders) with input as inp
}

test_named_as_dead_letter_through_nested_blocks_and_instances if {
	dlq := _r("module.fn.aws_sqs_queue.dlq[0]", "aws_sqs_queue", {}, [], {})
	fn := _r(
		"module.fn.aws_lambda_function.this[0]", "aws_lambda_function",
		{"dead_letter_config": [{}]}, [["dead_letter_config", 0, "target_arn"]],
		{"dead_letter_config.0.target_arn": ["module.fn.aws_sqs_queue.dlq[0]"]},
	)
	aws_data.named_as_dead_letter(dlq) with input as _input([dlq, fn])
}

test_named_as_dead_letter_not_by_other_attributes if {
	queue := _r("aws_sqs_queue.jobs", "aws_sqs_queue", {}, [], {})
	# An event source mapping that reads the queue does not make it a dead-letter queue.
	mapping := _r(
		"aws_lambda_event_source_mapping.jobs", "aws_lambda_event_source_mapping",
		{}, [["event_source_arn"]], {"event_source_arn": ["aws_sqs_queue.jobs"]},
	)
	not aws_data.named_as_dead_letter(queue) with input as _input([queue, mapping])
}

test_attached_by_reference_in_input_order if {
	bucket := _r("aws_s3_bucket.logs[0]", "aws_s3_bucket", {"bucket": "shop-logs"}, [], {})
	a := _r("aws_s3_bucket_lifecycle_configuration.a", "aws_s3_bucket_lifecycle_configuration", {}, [["bucket"]], {"bucket": ["aws_s3_bucket.logs[0]"]})
	# Refers to the bucket without an instance key: the instance was not known.
	b := _r("aws_s3_bucket_lifecycle_configuration.b", "aws_s3_bucket_lifecycle_configuration", {}, [["bucket"]], {"bucket": ["aws_s3_bucket.logs"]})
	other := _r("aws_s3_bucket_lifecycle_configuration.c", "aws_s3_bucket_lifecycle_configuration", {}, [["bucket"]], {"bucket": ["aws_s3_bucket.other"]})
	found := aws_data.attached(bucket, "aws_s3_bucket_lifecycle_configuration", "bucket", "bucket") with input as _input([bucket, other, a, b])
	_ids(found) == ["aws_s3_bucket_lifecycle_configuration.a", "aws_s3_bucket_lifecycle_configuration.b"]
}

test_attached_by_literal_name_arn_or_url if {
	bucket := _r("aws_s3_bucket.logs", "aws_s3_bucket", {"bucket": "shop-logs"}, [], {})
	by_name := _r("aws_s3_bucket_lifecycle_configuration.logs", "aws_s3_bucket_lifecycle_configuration", {"bucket": "shop-logs"}, [], {})
	elsewhere := _r("aws_s3_bucket_lifecycle_configuration.other", "aws_s3_bucket_lifecycle_configuration", {"bucket": "shop-logs-archive"}, [], {})
	found := aws_data.attached(bucket, "aws_s3_bucket_lifecycle_configuration", "bucket", "bucket") with input as _input([bucket, by_name, elsewhere])
	_ids(found) == ["aws_s3_bucket_lifecycle_configuration.logs"]

	queue := _r("aws_sqs_queue.orders", "aws_sqs_queue", {"name": "orders"}, [], {})
	by_url := _r("aws_sqs_queue_redrive_policy.orders", "aws_sqs_queue_redrive_policy", {"queue_url": "https://sqs.eu-west-1.amazonaws.com/123456789012/orders"}, [], {})
	urls := aws_data.attached(queue, "aws_sqs_queue_redrive_policy", "queue_url", "name") with input as _input([queue, by_url])
	_ids(urls) == ["aws_sqs_queue_redrive_policy.orders"]
}

test_attached_once_when_both_reference_and_name_match if {
	group := _r("aws_autoscaling_group.web", "aws_autoscaling_group", {"name": "web"}, [], {})
	both := _r("aws_autoscaling_schedule.night", "aws_autoscaling_schedule", {"autoscaling_group_name": "web"}, [], {"autoscaling_group_name": ["aws_autoscaling_group.web"]})
	found := aws_data.attached(group, "aws_autoscaling_schedule", "autoscaling_group_name", "name") with input as _input([group, both])
	_ids(found) == ["aws_autoscaling_schedule.night"]
}

test_attached_none_when_name_unknown if {
	# The bucket's name is unknown: a literal name cannot be matched to it.
	bucket := _r("aws_s3_bucket.logs", "aws_s3_bucket", {}, [["bucket"]], {"bucket": ["var.name"]})
	config := _r("aws_s3_bucket_lifecycle_configuration.logs", "aws_s3_bucket_lifecycle_configuration", {"bucket": "shop-logs"}, [], {})
	found := aws_data.attached(bucket, "aws_s3_bucket_lifecycle_configuration", "bucket", "bucket") with input as _input([bucket, config])
	found == []
}

test_last_segment if {
	aws_data.last_segment("arn:aws:sqs:eu-west-1:123456789012:orders") == "orders"
	aws_data.last_segment("https://sqs.eu-west-1.amazonaws.com/123456789012/orders") == "orders"
	aws_data.last_segment("shop-logs") == "shop-logs"
}

test_unresolved_only_variables_and_locals if {
	by_var := _r("aws_s3_bucket_lifecycle_configuration.a", "aws_s3_bucket_lifecycle_configuration", {}, [["bucket"]], {"bucket": ["module.logs.var.bucket_name"]})
	by_local := _r("aws_s3_bucket_lifecycle_configuration.b", "aws_s3_bucket_lifecycle_configuration", {}, [["bucket"]], {"bucket": ["local.bucket"]})
	# Unknown, but it names a bucket (here one outside the bundle's view): resolved.
	by_data := _r("aws_s3_bucket_lifecycle_configuration.c", "aws_s3_bucket_lifecycle_configuration", {}, [["bucket"]], {"bucket": ["data.aws_s3_bucket.shared"]})
	# Known: it names its bucket.
	literal := _r("aws_s3_bucket_lifecycle_configuration.d", "aws_s3_bucket_lifecycle_configuration", {"bucket": "shop-logs"}, [], {})
	found := aws_data.unresolved("aws_s3_bucket_lifecycle_configuration", "bucket") with input as _input([by_var, by_local, by_data, literal])
	_ids(found) == ["aws_s3_bucket_lifecycle_configuration.a", "aws_s3_bucket_lifecycle_configuration.b"]
}

test_may_be_absent if {
	aws_data.may_be_absent(_r("aws_sqs_queue.a", "aws_sqs_queue", {}, [["count"]], {}))
	aws_data.may_be_absent(_r("aws_sqs_queue.a", "aws_sqs_queue", {}, [["for_each"]], {}))
	not aws_data.may_be_absent(_r("aws_sqs_queue.a[0]", "aws_sqs_queue", {"count": 1}, [["name"]], {}))
}

test_refers_to_resource if {
	aws_data.refers_to_resource(_r("a", "aws_sqs_queue", {}, [["redrive_policy"]], {"redrive_policy": ["var.max_receive_count", "aws_sqs_queue.dlq"]}), "redrive_policy")
	aws_data.refers_to_resource(_r("a", "aws_sqs_queue", {}, [["redrive_policy"]], {"redrive_policy": ["module.dlq"]}), "redrive_policy")
	not aws_data.refers_to_resource(_r("a", "aws_sqs_queue", {}, [["redrive_policy"]], {"redrive_policy": ["module.q.var.redrive_policy", "local.x"]}), "redrive_policy")
	not aws_data.refers_to_resource(_r("a", "aws_sqs_queue", {}, [["redrive_policy"]], {}), "redrive_policy")
}

test_number_at if {
	aws_data.number_at({"a": 30}, ["a"]) == 30
	aws_data.number_at({"a": "30"}, ["a"]) == 30
	aws_data.number_at({"a": "-1"}, ["a"]) == -1
	not aws_data.number_at({"a": "thirty"}, ["a"])
	not aws_data.number_at({"a": null}, ["a"])
	not aws_data.number_at({}, ["a"])
}

# Regression (regorus 0.14.1): reading a rule of this package through its alias marks
# the whole package evaluated; the joins must still see the bundle afterwards.
test_joins_after_a_rule_of_the_package_was_read if {
	group := _r("aws_autoscaling_group.web", "aws_autoscaling_group", {"name": "web"}, [], {})
	schedule := _r("aws_autoscaling_schedule.night", "aws_autoscaling_schedule", {}, [["autoscaling_group_name"]], {"autoscaling_group_name": ["aws_autoscaling_group.web"]})
	dlq := _r("aws_sqs_queue.dlq", "aws_sqs_queue", {}, [], {})
	orders := _r("aws_sqs_queue.orders", "aws_sqs_queue", {}, [["redrive_policy"]], {"redrive_policy": ["aws_sqs_queue.dlq"]})
	lifecycle := _r("aws_s3_bucket_lifecycle_configuration.a", "aws_s3_bucket_lifecycle_configuration", {}, [["bucket"]], {"bucket": ["var.bucket"]})
	inp := _input([group, schedule, dlq, orders, lifecycle])
	found := [[
		_ids(aws_data.attached(group, "aws_autoscaling_schedule", "autoscaling_group_name", "name")),
		aws_data.named_as_dead_letter(dlq),
		_ids(aws_data.unresolved("aws_s3_bucket_lifecycle_configuration", "bucket")),
	] |
		aws_data.cluster_autoscaler_tag
		aws_data.attachment_paths
	] with input as inp
	found == [[["aws_autoscaling_schedule.night"], true, ["aws_s3_bucket_lifecycle_configuration.a"]]]
}
