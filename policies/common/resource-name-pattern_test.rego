package scalegate.rules.resource_name_pattern_test

import data.scalegate.rules.resource_name_pattern as rule

_tf(id, config, unknown) := {
	"id": id,
	"format": "terraform",
	"type": split(id, ".")[0],
	"name": split(id, ".")[1],
	"namespace": null,
	"provider": "aws",
	"file": "infra/prod/main.tf",
	"config": config,
	"unknown": unknown,
	"references": {},
	"tags": {},
	"tags_unknown": [],
}

_k8s(kind, name) := {
	"id": sprintf("apps/%s/shop/%s", [kind, name]),
	"format": "kubernetes",
	"type": kind,
	"name": name,
	"namespace": "shop",
	"provider": null,
	"file": "k8s/web.yaml",
	"config": {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name, "namespace": "shop"}},
	"unknown": [],
	"references": {},
	"tags": {},
}

_input(resources) := {"bundle": {"format": "terraform", "path": "infra/prod"}, "resources": resources}

# -- Terraform --------------------------------------------------------------------

test_deny_bucket_name if {
	findings := rule.deny with input as _input([_tf("aws_s3_bucket.logs", {"bucket": "Shop_Logs"}, [])])
	findings == {{
		"resource": "aws_s3_bucket.logs",
		"path": ["bucket"],
		"msg": `aws_s3_bucket.logs: bucket "Shop_Logs" does not match the naming pattern "^[a-z0-9][a-z0-9.-]{2,62}$"`,
	}}
}

test_deny_each_listed_type_on_its_attribute if {
	inp := _input([
		_tf("aws_sqs_queue.jobs", {"name": "Jobs.fifo"}, []),
		_tf("aws_sns_topic.events", {"name": "1-events"}, []),
		_tf("aws_dynamodb_table.carts", {"name": "carts_v2"}, []),
		_tf("aws_db_instance.main", {"identifier": "Main"}, []),
		_tf("aws_lb.web", {"name": "web_lb"}, []),
		_tf("aws_ecs_service.api", {"name": "API"}, []),
	])
	findings := rule.deny with input as inp
	{[f.resource, f.path] | some f in findings} == {
		["aws_sqs_queue.jobs", ["name"]],
		["aws_sns_topic.events", ["name"]],
		["aws_dynamodb_table.carts", ["name"]],
		["aws_db_instance.main", ["identifier"]],
		["aws_lb.web", ["name"]],
		["aws_ecs_service.api", ["name"]],
	}
}

test_allow_names_that_match if {
	inp := _input([
		_tf("aws_s3_bucket.logs", {"bucket": "shop-logs.eu-west-1"}, []),
		_tf("aws_sqs_queue.jobs", {"name": "jobs_v2.fifo"}, []),
		_tf("aws_db_instance.main", {"identifier": "shop-main"}, []),
	])
	count(rule.deny) == 0 with input as inp
}

test_allow_types_not_listed_and_data_sources if {
	inp := _input([
		_tf("aws_iam_role.Web", {"name": "WebRole"}, []),
		_tf("data.aws_s3_bucket.shared", {"bucket": "Legacy_Bucket"}, []),
	])
	count(rule.deny) == 0 with input as inp
}

test_allow_name_absent_or_unknown if {
	inp := _input([
		# bucket_prefix: Terraform generates the name.
		_tf("aws_s3_bucket.logs", {"bucket_prefix": "logs-"}, []),
		# "${var.env}-jobs" without a value for var.env: unknown as a whole.
		_tf("aws_sqs_queue.jobs", {}, [["name"]]),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_types_patterns_and_attributes_come_from_settings if {
	types := {
		"aws_iam_role": {"pattern": "^[a-z][a-z0-9-]*$"},
		"aws_elasticache_replication_group": {"attribute": "log_delivery_configuration.0.destination", "pattern": "^[a-z-]+$"},
	}
	inp := _input([
		_tf("aws_iam_role.web", {"name": "WebRole"}, []),
		_tf("aws_elasticache_replication_group.cache", {"log_delivery_configuration": [{"destination": "Cache_Logs"}]}, []),
		_tf("aws_s3_bucket.logs", {"bucket": "Shop_Logs"}, []),
	])
	findings := rule.deny with input as inp with data.scalegate.settings.naming.types as types
	{[f.resource, f.path] | some f in findings} == {
		["aws_iam_role.web", ["name"]],
		["aws_elasticache_replication_group.cache", ["log_delivery_configuration", 0, "destination"]],
	}
}

test_pattern_that_does_not_compile_is_not_checked if {
	types := {"aws_sqs_queue": {"attribute": "name", "pattern": `^\w+$`}}
	inp := _input([_tf("aws_sqs_queue.jobs", {"name": "jobs"}, [])])
	count(rule.deny) == 0 with input as inp with data.scalegate.settings.naming.types as types
}

# -- Kubernetes -------------------------------------------------------------------

test_deny_kubernetes_names_that_are_not_dns_labels if {
	inp := _input([
		_k8s("Deployment", "Web_API"),
		_k8s("StatefulSet", "db.primary"),
		_k8s("Service", "-web"),
		_k8s("CronJob", concat("", ["a" | some _ in numbers.range(1, 64)])),
	])
	findings := rule.deny with input as inp
	count(findings) == 4
	some f in findings
	f == {
		"resource": "apps/Deployment/shop/Web_API",
		"path": ["metadata", "name"],
		"msg": `Deployment "Web_API": metadata.name is not a DNS-1123 label (at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit)`,
	}
}

test_allow_kubernetes_dns_labels_and_other_kinds if {
	inp := _input([
		_k8s("Deployment", "web-api"),
		_k8s("Service", "web"),
		_k8s("Job", "migrate-2024-06"),
		_k8s("CronJob", concat("", ["a" | some _ in numbers.range(1, 63)])),
		# Not a workload or a Service.
		_k8s("ConfigMap", "web.config"),
	])
	count(rule.deny) == 0 with input as inp
}

test_allow_kubernetes_generate_name if {
	job := object.union(_k8s("Job", "x"), {"config": {"kind": "Job", "metadata": {"generateName": "migrate-"}}})
	count(rule.deny) == 0 with input as _input([job])
}

test_never_unverified if {
	inp := _input([_tf("aws_sqs_queue.jobs", {}, [["name"]]), _k8s("Deployment", "Web")])
	count(rule.unverified) == 0 with input as inp
}
