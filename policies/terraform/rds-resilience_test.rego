package scalegate.rules.rds_resilience_test

import data.scalegate.rules.rds_resilience as rule

_r(id, type, config, unknown, references, tags, tags_unknown) := {
	"id": id,
	"format": "terraform",
	"type": type,
	"name": "x",
	"provider": "aws",
	"file": "rds.tf",
	"config": config,
	"unknown": unknown,
	"references": references,
	"tags": tags,
	"tags_unknown": tags_unknown,
}

_prod := {"environment": "production"}

_db(name, config, unknown, tags) := _r(
	sprintf("aws_db_instance.%s", [name]), "aws_db_instance",
	object.union({"identifier": name, "engine": "postgres", "instance_class": "db.r6g.large"}, config),
	unknown, {}, tags, [],
)

_cluster(name, config, unknown, tags) := _r(
	sprintf("aws_rds_cluster.%s", [name]), "aws_rds_cluster",
	object.union({"cluster_identifier": name, "engine": "aurora-postgresql"}, config),
	unknown, {}, tags, [],
)

# _instance(name, cluster_address, unknown) refers to its cluster as `aws_rds_cluster.x.id` does.
_instance(name, cluster_address, unknown) := _r(
	sprintf("aws_rds_cluster_instance.%s", [name]), "aws_rds_cluster_instance",
	{"instance_class": "db.r6g.large"},
	array.concat([["cluster_identifier"]], unknown),
	{"cluster_identifier": [cluster_address]}, {}, [],
)

_resilient_db := {"multi_az": true, "backup_retention_period": 7}

_input(resources) := {"bundle": {"format": "terraform", "path": "infra"}, "resources": resources}

_summary(findings) := {[f.resource, f.key, f.path] | some f in findings}

test_deny_production_instance_defaults if {
	inp := _input([_db("orders", {}, [], _prod)])
	rule.deny == {
		{
			"resource": "aws_db_instance.orders",
			"path": ["multi_az"],
			"msg": "aws_db_instance.orders does not set multi_az = true, so an instance or zone failure takes the database down",
			"key": "multi_az",
		},
		{
			"resource": "aws_db_instance.orders",
			"path": ["backup_retention_period"],
			"msg": "aws_db_instance.orders keeps backups for 1 day(s) (backup_retention_period not set), fewer than the minimum of 7",
			"key": "backup_retention_period",
		},
	} with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_deny_production_instance_explicit_values if {
	inp := _input([_db("orders", {"multi_az": false, "backup_retention_period": "3"}, [], {"environment": "Prod"})])
	findings := rule.deny with input as inp
	_summary(findings) == {
		["aws_db_instance.orders", "multi_az", ["multi_az"]],
		["aws_db_instance.orders", "backup_retention_period", ["backup_retention_period"]],
	}
	some f in findings
	f.key == "backup_retention_period"
	f.msg == "aws_db_instance.orders keeps backups for 3 day(s) (backup_retention_period), fewer than the minimum of 7"
}

test_deny_production_cluster_backup_and_single_instance if {
	inp := _input([
		_cluster("main", {"backup_retention_period": 1}, [], _prod),
		_instance("writer", "aws_rds_cluster.main", []),
		# An instance of another cluster does not count.
		_instance("other", "aws_rds_cluster.other", []),
	])
	rule.deny == {
		{
			"resource": "aws_rds_cluster.main",
			"path": ["backup_retention_period"],
			"msg": "aws_rds_cluster.main keeps backups for 1 day(s) (backup_retention_period), fewer than the minimum of 7",
			"key": "backup_retention_period",
		},
		{
			"resource": "aws_rds_cluster.main",
			"path": [],
			"msg": "aws_rds_cluster.main runs 1 instance(s), fewer than 2, so a failed writer has no reader to fail over to",
			"key": "instances",
		},
	} with input as inp
}

test_deny_minimum_from_settings if {
	inp := _input([_db("orders", {"multi_az": true, "backup_retention_period": 7}, [], _prod)])
	findings := rule.deny with input as inp with data.scalegate.settings.aws.backup_retention_min_days as 14
	_summary(findings) == {["aws_db_instance.orders", "backup_retention_period", ["backup_retention_period"]]}
}

test_allow_resilient_production if {
	inp := _input([
		_db("orders", _resilient_db, [], _prod),
		_cluster("main", {"backup_retention_period": 14}, [], _prod),
		_instance("one", "aws_rds_cluster.main", []),
		_instance("two", "aws_rds_cluster.main", []),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_non_production_untagged_and_data_sources if {
	shared := object.union(_db("shared", {}, [], _prod), {"id": "data.aws_db_instance.shared"})
	inp := _input([
		_db("a", {}, [], {"environment": "staging"}),
		_db("b", {}, [], {}),
		_cluster("c", {}, [], {"environment": "dev"}),
		shared,
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_read_replicas if {
	inp := _input([
		_db("replica", {"replicate_source_db": "orders-primary"}, [], _prod),
		_r("aws_db_instance.by_ref", "aws_db_instance", {"engine": "postgres"}, [["replicate_source_db"]], {"replicate_source_db": ["aws_db_instance.orders"]}, _prod, []),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_clusters_without_instances_to_declare if {
	inp := _input([
		# Multi-AZ DB cluster: RDS runs a writer and two readers.
		_cluster("multi_az", {"engine": "postgres", "db_cluster_instance_class": "db.m6gd.large", "backup_retention_period": 7}, [], _prod),
		_cluster("v1", {"engine_mode": "serverless", "backup_retention_period": 7}, [], _prod),
		_cluster("limitless", {"cluster_scalability_type": "limitless", "backup_retention_period": 7}, [], _prod),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_replica_autoscaling_minimum_and_module_instances if {
	cluster := object.union(_cluster("this", {"backup_retention_period": 7}, [], _prod), {"id": "module.db.aws_rds_cluster.this[0]"})
	writer := object.union(_instance("one", "module.db.aws_rds_cluster.this[0]", []), {"id": "module.db.aws_rds_cluster_instance.this[\"one\"]"})
	target := _r(
		"module.db.aws_appautoscaling_target.this[0]", "aws_appautoscaling_target",
		{"service_namespace": "rds", "scalable_dimension": "rds:cluster:ReadReplicaCount", "min_capacity": 1, "max_capacity": 5},
		[["resource_id"]], {"resource_id": ["module.db.aws_rds_cluster.this[0]"]}, {}, [],
	)
	inp := _input([cluster, writer, target])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_note_production_values_unknown if {
	inp := _input([
		_db("orders", {}, [["multi_az"], ["backup_retention_period"]], _prod),
		_db("maybe_replica", {"backup_retention_period": 7}, [["replicate_source_db"]], _prod),
	])
	count(rule.deny) == 0 with input as inp
	rule.unverified == {
		{
			"resource": "aws_db_instance.orders",
			"path": ["multi_az"],
			"msg": "aws_db_instance.orders: multi_az and backup_retention_period are known only when Terraform runs",
		},
		{
			"resource": "aws_db_instance.maybe_replica",
			"path": ["replicate_source_db"],
			"msg": "aws_db_instance.maybe_replica: whether it is a read replica (replicate_source_db) is known only when Terraform runs",
		},
	} with input as inp
}

test_note_instance_count_unknown if {
	inp := _input([
		_cluster("main", {"backup_retention_period": 7}, [], _prod),
		_instance("this", "aws_rds_cluster.main", [["for_each"]]),
		_cluster("global", {"backup_retention_period": 7, "engine": null}, [["engine"]], _prod),
		_instance("global", "aws_rds_cluster.global", []),
	])
	count(rule.deny) == 0 with input as inp
	rule.unverified == {
		{
			"resource": "aws_rds_cluster.main",
			"path": [],
			"msg": "aws_rds_cluster.main: its instance count (aws_rds_cluster_instance.this may not be created) is known only when Terraform runs",
		},
		{
			"resource": "aws_rds_cluster.global",
			"path": ["engine"],
			"msg": "aws_rds_cluster.global: its instance count (engine) is known only when Terraform runs",
		},
	} with input as inp
}

test_note_environment_unknown if {
	open_tags := _r("aws_db_instance.orders", "aws_db_instance", {"engine": "postgres"}, [], {}, {"owner": "data-team"}, ["*"])
	resilient := _r("aws_db_instance.billing", "aws_db_instance", _resilient_db, [], {}, {}, ["environment"])
	inp := _input([open_tags, resilient])
	count(rule.deny) == 0 with input as inp
	rule.unverified == {{
		"resource": "aws_db_instance.orders",
		"path": ["tags"],
		"msg": "aws_db_instance.orders: its environment tag is known only when Terraform runs, and as a production database: aws_db_instance.orders does not set multi_az = true, so an instance or zone failure takes the database down; aws_db_instance.orders keeps backups for 1 day(s) (backup_retention_period not set), fewer than the minimum of 7",
	}} with input as inp
}

test_note_replica_autoscaling_minimum_unknown_or_unresolved_instance if {
	target := _r(
		"aws_appautoscaling_target.readers", "aws_appautoscaling_target",
		{"service_namespace": "rds", "scalable_dimension": "rds:cluster:ReadReplicaCount", "max_capacity": 5},
		[["resource_id"], ["min_capacity"]], {"resource_id": ["aws_rds_cluster.main"]}, {}, [],
	)
	shared := _r(
		"aws_rds_cluster_instance.shared", "aws_rds_cluster_instance", {},
		[["cluster_identifier"]], {"cluster_identifier": ["var.cluster_id"]}, {}, [],
	)
	inp := _input([
		_cluster("main", {"backup_retention_period": 7}, [], _prod),
		_instance("writer", "aws_rds_cluster.main", []),
		target,
		shared,
	])
	count(rule.deny) == 0 with input as inp
	rule.unverified == {{
		"resource": "aws_rds_cluster.main",
		"path": [],
		"msg": "aws_rds_cluster.main: its instance count (the min_capacity of aws_appautoscaling_target.readers, the cluster of aws_rds_cluster_instance.shared) is known only when Terraform runs",
	}} with input as inp
}
