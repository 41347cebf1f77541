# METADATA
# title: Production database cannot survive an instance or zone failure
# description: >-
#   A production database on one instance in one availability zone, or with a few
#   days of backups, turns a hardware fault, a zone outage or a bad migration into
#   lost data or hours of downtime, and every service that scales out in front of it
#   stops with it. Production `aws_db_instance`s must be Multi-AZ and keep backups for
#   the minimum, and production Aurora clusters must keep backups and run at least two
#   instances (the `min_capacity` of Aurora replica autoscaling counts). All three
#   checks apply to production only, as non-production databases trade resilience for
#   cost; read replicas, Multi-AZ DB clusters, Aurora Serverless v1 and Limitless
#   clusters are not checked where they have no such setting.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-AWS-007.md
# custom:
#   id: SG-AWS-007
#   slug: rds-resilience
#   severity: high
#   input:
#     selector:
#       types: [aws_db_instance, aws_rds_cluster, aws_rds_cluster_instance, aws_appautoscaling_target]
#   remediation: >-
#     Run the database in two availability zones and keep backups for at least the
#     minimum, e.g. `multi_az = true` and `backup_retention_period = 7` on an
#     `aws_db_instance`; for Aurora, `backup_retention_period = 7` on the
#     `aws_rds_cluster` and a second `aws_rds_cluster_instance` with
#     `cluster_identifier = aws_rds_cluster.main.id`.
package scalegate.rules.rds_resilience

import data.scalegate.lib.aws_data
import data.scalegate.lib.environment
import data.scalegate.lib.known
import data.scalegate.lib.result
import data.scalegate.lib.terraform as tf

deny contains finding if {
	some r in _checked
	environment.production(r)
	some [key, path, msg] in _problems(r)
	finding := result.finding_with_key(r, path, msg, key)
}

unverified contains finding if {
	some r in _checked
	environment.production(r)
	doubts := _doubts(r)
	count(doubts) > 0
	finding := result.finding(r, _doubt_path(r), sprintf(
		"%s: %s %s known only when Terraform runs",
		[r.id, concat(" and ", doubts), _verb(count(doubts))],
	))
}

# Environment unknown: one note where production would give a finding or a note.
unverified contains finding if {
	some r in _checked
	environment.unknown(r)
	reasons := array.concat([msg | some [_, _, msg] in _problems(r)], _doubt_sentence(r))
	count(reasons) > 0
	finding := result.finding(r, ["tags"], sprintf(
		"%s: its environment tag is known only when Terraform runs, and as a production database: %s",
		[r.id, concat("; ", reasons)],
	))
}

_doubt_sentence(r) := [sprintf("%s %s known only when Terraform runs", [concat(" and ", doubts), _verb(count(doubts))])] if {
	doubts := _doubts(r)
	count(doubts) > 0
} else := []

_checked := [r |
	some type in ["aws_db_instance", "aws_rds_cluster"]
	some r in tf.by_type[type]
	tf.is_managed(r)
]

_verb(1) := "is"

_verb(n) := "are" if n > 1

_problems(r) := [p | some p in [_multi_az_problem(r), _backup_problem(r), _instances_problem(r)]; p != null]

_doubts(r) := [d | some d in [_replica_doubt(r), _multi_az_doubt(r), _backup_doubt(r), _instances_doubt(r)]; d != null]

_doubt_path(r) := [_doubt_paths(r)[0]] if count(_doubt_paths(r)) > 0

_doubt_path(r) := [] if count(_doubt_paths(r)) == 0

_doubt_paths(r) := [a |
	some a in ["replicate_source_db", "multi_az", "backup_retention_period", "engine", "engine_mode", "cluster_scalability_type"]
	known.unknown(r, [a])
]

# Read replicas: their source holds the Multi-AZ and backup settings that matter. A
# source known only when Terraform runs that refers to a resource
# (`replicate_source_db = aws_db_instance.main.identifier`) is a replica all the same.
_replica(r) if {
	r.type == "aws_db_instance"
	source := known.at(r.config, ["replicate_source_db"])
	source != ""
}

_replica(r) if {
	r.type == "aws_db_instance"
	known.unknown(r, ["replicate_source_db"])
	aws_data.refers_to_resource(r, "replicate_source_db")
}

_maybe_replica(r) if {
	r.type == "aws_db_instance"
	known.unknown(r, ["replicate_source_db"])
	not _replica(r)
}

_replica_doubt(r) := "whether it is a read replica (replicate_source_db)" if {
	_maybe_replica(r)
	count([p | some p in [_multi_az_problem_if_primary(r), _backup_problem_if_primary(r)]; p != null]) > 0
} else := null

# Multi-AZ (aws_db_instance): off unless `multi_az = true`.
_multi_az_problem(r) := _multi_az_problem_if_primary(r) if not _maybe_replica(r) else := null

_multi_az_problem_if_primary(r) := [
	"multi_az",
	["multi_az"],
	sprintf("%s does not set multi_az = true, so an instance or zone failure takes the database down", [r.id]),
] if {
	r.type == "aws_db_instance"
	not _replica(r)
	not known.unknown(r, ["multi_az"])
	not known.at(r.config, ["multi_az"]) == true
} else := null

_multi_az_doubt(r) := "multi_az" if {
	r.type == "aws_db_instance"
	not _replica(r)
	known.unknown(r, ["multi_az"])
} else := null

# Backups: AWS keeps one day when `backup_retention_period` is not set.
_min_days := data.scalegate.settings.aws.backup_retention_min_days

_retention(r) := aws_data.number_at(r.config, ["backup_retention_period"])

_retention(r) := 1 if known.missing(r, ["backup_retention_period"])

_backup_problem(r) := _backup_problem_if_primary(r) if not _maybe_replica(r) else := null

_backup_problem_if_primary(r) := [
	"backup_retention_period",
	["backup_retention_period"],
	sprintf("%s keeps backups for %d day(s) (backup_retention_period%s), fewer than the minimum of %d", [r.id, _retention(r), _default_note(r), _min_days]),
] if {
	not _replica(r)
	_retention(r) < _min_days
} else := null

_default_note(r) := " not set" if known.missing(r, ["backup_retention_period"])

_default_note(r) := "" if not known.missing(r, ["backup_retention_period"])

_backup_doubt(r) := "backup_retention_period" if {
	not _replica(r)
	known.unknown(r, ["backup_retention_period"])
} else := null

# Instances (aws_rds_cluster): Aurora needs a second instance to fail over to.
# Multi-AZ DB clusters (engine `mysql` or `postgres`) come with three; Aurora
# Serverless v1 and Limitless clusters have none to declare.
_not_aurora_provisioned(c) if known.at(c.config, ["engine_mode"]) == "serverless"

_not_aurora_provisioned(c) if known.at(c.config, ["cluster_scalability_type"]) == "limitless"

_not_aurora_provisioned(c) if {
	engine := known.at(c.config, ["engine"])
	not startswith(engine, "aurora")
}

_kind_unknown(c) := [a |
	some a in ["engine", "engine_mode", "cluster_scalability_type"]
	known.unknown(c, [a])
]

_instances(c) := aws_data.attached(c, "aws_rds_cluster_instance", "cluster_identifier", "cluster_identifier")

# Aurora replica autoscaling keeps at least `min_capacity` readers.
# Targets whose dimension is known only when Terraform runs may be one of them.
_replica_targets(c) := [t |
	some t in aws_data.attached(c, "aws_appautoscaling_target", "resource_id", "cluster_identifier")
	_replica_dimension(t)
]

_replica_dimension(t) if known.at(t.config, ["scalable_dimension"]) == "rds:cluster:ReadReplicaCount"

_replica_dimension(t) if known.unknown(t, ["scalable_dimension"])

_instance_count(c) := count([i | some i in _instances(c); not aws_data.may_be_absent(i)]) + sum([n |
	some t in _replica_targets(c)
	not _target_unclear(t)
	n := aws_data.number_at(t.config, ["min_capacity"])
])

_count_doubts(c) := array.concat(
	array.concat(
		[sprintf("%s may not be created", [i.id]) | some i in _instances(c); aws_data.may_be_absent(i)],
		[sprintf("the min_capacity of %s", [t.id]) |
			some t in _replica_targets(c)
			_target_unclear(t)
		],
	),
	[sprintf("the cluster of %s", [i.id]) | some i in aws_data.unresolved("aws_rds_cluster_instance", "cluster_identifier")],
)

_target_unclear(t) if aws_data.may_be_absent(t)

_target_unclear(t) if known.unknown(t, ["min_capacity"])

_target_unclear(t) if known.unknown(t, ["scalable_dimension"])

_instances_problem(c) := [
	"instances",
	[],
	sprintf("%s runs %d instance(s), fewer than 2, so a failed writer has no reader to fail over to", [c.id, _instance_count(c)]),
] if {
	c.type == "aws_rds_cluster"
	not _not_aurora_provisioned(c)
	count(_kind_unknown(c)) == 0
	_instance_count(c) < 2
	count(_count_doubts(c)) == 0
} else := null

_instances_doubt(c) := sprintf("its instance count (%s)", [concat(", ", array.concat(_kind_unknown(c), _count_doubts(c)))]) if {
	c.type == "aws_rds_cluster"
	not _not_aurora_provisioned(c)
	_instance_count(c) < 2
	count(_kind_unknown(c)) + count(_count_doubts(c)) > 0
} else := null
