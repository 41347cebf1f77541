package scalegate.rules.queue_dead_letter_test

import data.scalegate.rules.queue_dead_letter as rule

_r(id, type, config, unknown, references) := {
	"id": id,
	"format": "terraform",
	"type": type,
	"name": "x",
	"provider": "aws",
	"file": "sqs.tf",
	"config": config,
	"unknown": unknown,
	"references": references,
	"tags": {},
	"tags_unknown": [],
}

_queue(name, config, unknown, references) := _r(
	sprintf("aws_sqs_queue.%s", [name]), "aws_sqs_queue",
	object.union({"name": name}, config), unknown, references,
)

# _redriven(name, dlq) is a queue whose redrive_policy is `jsonencode({deadLetterTargetArn = <dlq>.arn, ...})`.
_redriven(name, dlq) := _queue(name, {}, [["redrive_policy"]], {"redrive_policy": [dlq]})

_input(resources) := {"bundle": {"format": "terraform", "path": "infra"}, "resources": resources}

_missing(name) := {
	"resource": sprintf("aws_sqs_queue.%s", [name]),
	"path": ["redrive_policy"],
	"msg": sprintf("aws_sqs_queue.%s has no redrive_policy (inline or aws_sqs_queue_redrive_policy), so a message that keeps failing is retried until it expires", [name]),
}

test_deny_queue_without_redrive_policy if {
	inp := _input([
		_queue("orders", {}, [], {}),
		_queue("emails", {"redrive_policy": ""}, [], {}),
		# Reads from `jobs`: an event source, not a dead-letter destination.
		_queue("jobs", {}, [], {}),
		_r("aws_lambda_event_source_mapping.jobs", "aws_lambda_event_source_mapping", {}, [["event_source_arn"]], {"event_source_arn": ["aws_sqs_queue.jobs"]}),
	])
	findings := rule.deny with input as inp
	findings == {_missing("orders"), _missing("emails"), _missing("jobs")}
	count(rule.unverified) == 0 with input as inp
}

test_deny_policy_without_target if {
	inp := _input([_queue("orders", {"redrive_policy": "{\"maxReceiveCount\":5}"}, [], {})])
	findings := rule.deny with input as inp
	findings == {{
		"resource": "aws_sqs_queue.orders",
		"path": ["redrive_policy"],
		"msg": "aws_sqs_queue.orders sets a redrive_policy without deadLetterTargetArn, so a message that keeps failing is retried until it expires",
	}}
}

test_deny_deny_all_allow_policy_is_not_a_dead_letter_queue if {
	inp := _input([_queue("orders", {"redrive_allow_policy": "{\"redrivePermission\":\"denyAll\"}"}, [], {})])
	rule.deny == {_missing("orders")} with input as inp
}

test_allow_queue_and_its_dead_letter_queue if {
	inp := _input([_redriven("orders", "aws_sqs_queue.orders_dlq"), _queue("orders_dlq", {}, [], {})])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_module_queues_with_instance_keys if {
	orders := object.union(_redriven("this", "module.orders.aws_sqs_queue.dlq[0]"), {"id": "module.orders.aws_sqs_queue.this[0]"})
	dlq := object.union(_queue("dlq", {}, [], {}), {"id": "module.orders.aws_sqs_queue.dlq[0]"})
	inp := _input([orders, dlq])
	count(rule.deny) == 0 with input as inp
}

test_allow_literal_policy_and_literal_dead_letter_arn if {
	policy := "{\"deadLetterTargetArn\":\"arn:aws:sqs:eu-west-1:123456789012:orders-dlq\",\"maxReceiveCount\":5}"
	inp := _input([_queue("orders", {"redrive_policy": policy}, [], {}), _queue("orders-dlq", {}, [], {})])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_redrive_policy_resources if {
	inp := _input([
		_queue("orders", {}, [], {}),
		_queue("dlq", {}, [], {}),
		_r("aws_sqs_queue_redrive_policy.orders", "aws_sqs_queue_redrive_policy", {}, [["queue_url"], ["redrive_policy"]], {
			"queue_url": ["aws_sqs_queue.orders"],
			"redrive_policy": ["aws_sqs_queue.dlq"],
		}),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_dead_letter_queues_of_other_services if {
	inp := _input([
		_queue("fn_dlq", {}, [], {}),
		_r("aws_lambda_function.worker", "aws_lambda_function", {"dead_letter_config": [{}]}, [["dead_letter_config", 0, "target_arn"]], {"dead_letter_config.0.target_arn": ["aws_sqs_queue.fn_dlq"]}),
		_queue("events_dlq", {}, [], {}),
		_r("aws_cloudwatch_event_target.audit", "aws_cloudwatch_event_target", {"dead_letter_config": [{}]}, [["dead_letter_config", 0, "arn"]], {"dead_letter_config.0.arn": ["aws_sqs_queue.events_dlq"]}),
		_queue("sub_dlq", {}, [], {}),
		_r("aws_sns_topic_subscription.orders", "aws_sns_topic_subscription", {}, [["redrive_policy"]], {"redrive_policy": ["aws_sqs_queue.sub_dlq"]}),
		_queue("failures", {}, [], {}),
		_r("aws_lambda_event_source_mapping.stream", "aws_lambda_event_source_mapping", {"destination_config": [{"on_failure": [{}]}]}, [["destination_config", 0, "on_failure", 0, "destination_arn"]], {"destination_config.0.on_failure.0.destination_arn": ["aws_sqs_queue.failures"]}),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_queues_with_a_redrive_allow_policy if {
	inp := _input([
		_queue("by_queue", {}, [["redrive_allow_policy"]], {"redrive_allow_policy": ["aws_sqs_queue.orders"]}),
		_queue("allow_all", {"redrive_allow_policy": "{\"redrivePermission\":\"allowAll\"}"}, [], {}),
		_queue("by_resource", {}, [], {}),
		_r("aws_sqs_queue_redrive_allow_policy.dlq", "aws_sqs_queue_redrive_allow_policy", {}, [["queue_url"], ["redrive_allow_policy"]], {
			"queue_url": ["aws_sqs_queue.by_resource"],
			"redrive_allow_policy": ["aws_sqs_queue.orders"],
		}),
		_redriven("orders", "module.dlq"),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_note_redrive_policy_from_a_variable if {
	inp := _input([_queue("orders", {}, [["redrive_policy"]], {"redrive_policy": ["var.redrive_policy"]})])
	count(rule.deny) == 0 with input as inp
	rule.unverified == {{
		"resource": "aws_sqs_queue.orders",
		"path": ["redrive_policy"],
		"msg": "aws_sqs_queue.orders: whether it has a dead-letter queue is known only when Terraform runs: its redrive_policy comes from var.redrive_policy",
	}} with input as inp
}

test_note_redrive_policy_resource_may_not_exist_or_names_a_variable_queue if {
	inp := _input([
		_queue("orders", {}, [], {}),
		_r("aws_sqs_queue_redrive_policy.orders", "aws_sqs_queue_redrive_policy", {}, [["count"], ["queue_url"], ["redrive_policy"]], {
			"queue_url": ["aws_sqs_queue.orders"],
			"redrive_policy": ["var.dlq_arn"],
		}),
		_r("aws_sqs_queue_redrive_policy.shared", "aws_sqs_queue_redrive_policy", {}, [["queue_url"], ["redrive_policy"]], {
			"queue_url": ["var.queue_url"],
			"redrive_policy": ["var.dlq_arn"],
		}),
	])
	count(rule.deny) == 0 with input as inp
	rule.unverified == {{
		"resource": "aws_sqs_queue.orders",
		"path": ["redrive_policy"],
		"msg": "aws_sqs_queue.orders: whether it has a dead-letter queue is known only when Terraform runs: aws_sqs_queue_redrive_policy.orders may not be created (its count or for_each is known only when Terraform runs); aws_sqs_queue_redrive_policy.shared names its queue by a value known only when Terraform runs",
	}} with input as inp
}
