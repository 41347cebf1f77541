# METADATA
# title: RDS instance storage cannot grow
# description: >-
#   A database that fills its allocated storage stops accepting writes
#   (`storage-full`), usually at the busiest time, and growing it by hand takes an
#   apply and hours of storage optimisation. With `max_allocated_storage` above
#   `allocated_storage`, RDS grows the volume on its own, and the initial allocation
#   can stay small. Read replicas and restores that inherit their storage need
#   `max_allocated_storage` above zero; RDS Custom engines (`custom-*`), which do not
#   support storage autoscaling, are not checked.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-AWS-006.md
# custom:
#   id: SG-AWS-006
#   slug: rds-storage-autoscaling
#   severity: low
#   input:
#     selector:
#       types: [aws_db_instance]
#   remediation: >-
#     Set a ceiling above the initial allocation, e.g. `allocated_storage = 100` and
#     `max_allocated_storage = 500`.
package scalegate.rules.rds_storage_autoscaling

import data.scalegate.lib.aws
import data.scalegate.lib.known
import data.scalegate.lib.result
import data.scalegate.lib.terraform as tf

deny contains finding if {
	some db in _instances
	known.missing(db, ["max_allocated_storage"])
	finding := result.finding(db, ["max_allocated_storage"], sprintf(
		"%s does not set max_allocated_storage, so its storage%s cannot grow when the database fills it",
		[db.id, _allocated(db)],
	))
}

deny contains finding if {
	some db in _instances
	max := aws.number(db, ["max_allocated_storage"])
	allocated := aws.number(db, ["allocated_storage"])
	max <= allocated
	finding := result.finding(db, ["max_allocated_storage"], sprintf(
		"%s: max_allocated_storage (%v) is not greater than allocated_storage (%v), so its storage cannot grow when the database fills it",
		[db.id, max, allocated],
	))
}

# Storage inherited from the source database or snapshot: any ceiling above zero
# turns autoscaling on.
deny contains finding if {
	some db in _instances
	aws.number(db, ["max_allocated_storage"]) == 0
	known.missing(db, ["allocated_storage"])
	finding := result.finding(db, ["max_allocated_storage"], sprintf(
		"%s: max_allocated_storage is 0, which turns storage autoscaling off, so its storage cannot grow when the database fills it",
		[db.id],
	))
}

unverified contains finding if {
	some db in _instances
	known.unknown(db, ["max_allocated_storage"])
	finding := result.finding(db, ["max_allocated_storage"], sprintf(
		"%s: its max_allocated_storage is known only when Terraform runs",
		[db.id],
	))
}

unverified contains finding if {
	some db in _instances
	max := aws.number(db, ["max_allocated_storage"])
	max > 0
	known.unknown(db, ["allocated_storage"])
	finding := result.finding(db, ["allocated_storage"], sprintf(
		"%s: its allocated_storage is known only when Terraform runs, so whether max_allocated_storage (%v) is above it is not known",
		[db.id, max],
	))
}

_instances := [db |
	some db in object.get(tf.by_type, "aws_db_instance", [])
	tf.is_managed(db)
	not startswith(object.get(db.config, "engine", ""), "custom-")
]

_allocated(db) := sprintf(" (allocated_storage %v GiB)", [aws.number(db, ["allocated_storage"])]) if aws.number(db, ["allocated_storage"])

_allocated(db) := "" if not aws.number(db, ["allocated_storage"])
