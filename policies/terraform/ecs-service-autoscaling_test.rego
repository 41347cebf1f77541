package scalegate.rules.ecs_service_autoscaling_test

import data.scalegate.rules.ecs_service_autoscaling as rule

# _res(id, type, config, unknown, references) is a Terraform resource.
_res(id, type, config, unknown, references) := {
	"id": id,
	"format": "terraform",
	"type": type,
	"name": split(id, ".")[1],
	"namespace": null,
	"provider": "aws",
	"file": "ecs.tf",
	"config": config,
	"unknown": unknown,
	"references": references,
	"tags": {},
	"tags_unknown": [],
}

_service(name, config, unknown) := _res(sprintf("aws_ecs_service.%s", [name]), "aws_ecs_service", object.union({"name": name, "desired_count": 2}, config), unknown, {"cluster": ["aws_ecs_cluster.main"]})

# _target(name, config, unknown, references) is an `ecs` target.
_target(name, config, unknown, references) := _res(
	sprintf("aws_appautoscaling_target.%s", [name]),
	"aws_appautoscaling_target",
	object.union({"service_namespace": "ecs", "scalable_dimension": "ecs:service:DesiredCount"}, config),
	unknown,
	references,
)

# _target_of(name, service) names `aws_ecs_service.<service>` by reference.
_target_of(name, service) := _target(name, {}, [["resource_id"]], {"resource_id": ["aws_ecs_cluster.main", sprintf("aws_ecs_service.%s", [service])]})

_input(resources) := {"bundle": {"format": "terraform", "path": "services"}, "resources": resources}

test_deny_service_without_target if {
	inp := _input([
		_service("web", {}, []),
		_service("api", {"scheduling_strategy": "REPLICA"}, []),
		# A target of another service, and one of another namespace.
		_target_of("worker", "worker"),
		_res("aws_appautoscaling_target.table", "aws_appautoscaling_target", {"service_namespace": "dynamodb"}, [["resource_id"]], {"resource_id": ["aws_ecs_service.api"]}),
	])
	findings := rule.deny with input as inp
	findings == {
		{
			"resource": "aws_ecs_service.web",
			"path": ["desired_count"],
			"msg": "aws_ecs_service.web: no aws_appautoscaling_target in services names it, so its desired_count never follows the load",
		},
		{
			"resource": "aws_ecs_service.api",
			"path": ["desired_count"],
			"msg": "aws_ecs_service.api: no aws_appautoscaling_target in services names it, so its desired_count never follows the load",
		},
	}
	count(rule.unverified) == 0 with input as inp
}

test_allow_targets_by_reference_and_by_literal if {
	inp := _input([
		_service("web", {}, []),
		_target_of("web", "web"),
		_service("api", {}, []),
		_target("api", {"resource_id": "service/main/api"}, [], {}),
		# Module instances: the target refers to both count-exclusive services.
		_res("module.svc.aws_ecs_service.this[0]", "aws_ecs_service", {"name": "svc"}, [], {}),
		_res("module.svc.aws_appautoscaling_target.this[0]", "aws_appautoscaling_target", {"service_namespace": "ecs"}, [["resource_id"]], {"resource_id": [
			"module.cluster.aws_ecs_cluster.this[0]",
			"module.svc.aws_ecs_service.ignore_task_definition[0]",
			"module.svc.aws_ecs_service.this[0]",
		]}),
		# The namespace is not known, the service is.
		_service("jobs", {}, []),
		_res("aws_appautoscaling_target.jobs", "aws_appautoscaling_target", {}, [["resource_id"], ["service_namespace"]], {"resource_id": ["aws_ecs_service.jobs"], "service_namespace": ["var.namespace"]}),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_daemon_services if {
	inp := _input([_service("agent", {"scheduling_strategy": "DAEMON"}, [])])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_unverified_unknown_strategy if {
	inp := _input([_service("agent", {}, [["scheduling_strategy"]])])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {{
		"resource": "aws_ecs_service.agent",
		"path": ["scheduling_strategy"],
		"msg": "aws_ecs_service.agent: no aws_appautoscaling_target in services is seen to name it, but its scheduling_strategy is known only when Terraform runs",
	}}
}

test_unverified_target_of_an_unknown_service if {
	inp := _input([
		_service("web", {}, []),
		_target("any", {}, [["resource_id"]], {"resource_id": ["var.cluster", "var.service"]}),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {{
		"resource": "aws_ecs_service.web",
		"path": ["desired_count"],
		"msg": "aws_ecs_service.web: no aws_appautoscaling_target in services is seen to name it, but aws_appautoscaling_target.any names a service known only when Terraform runs",
	}}
}

test_unverified_unknown_name_and_a_literal_target if {
	inp := _input([
		_res("aws_ecs_service.web", "aws_ecs_service", {}, [["name"]], {}),
		_target("other", {"resource_id": "service/main/other"}, [], {}),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	[n.msg | some n in notes] == ["aws_ecs_service.web: no aws_appautoscaling_target in services is seen to name it, but its name is known only when Terraform runs, and a target names a service by a literal resource_id"]
}
