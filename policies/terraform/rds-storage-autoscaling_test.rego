package scalegate.rules.rds_storage_autoscaling_test

import data.scalegate.rules.rds_storage_autoscaling as rule

# _db(name, config, unknown) is `aws_db_instance.<name>`.
_db(name, config, unknown) := {
	"id": sprintf("aws_db_instance.%s", [name]),
	"format": "terraform",
	"type": "aws_db_instance",
	"name": name,
	"namespace": null,
	"provider": "aws",
	"file": "rds.tf",
	"config": object.union({"engine": "postgres", "instance_class": "db.t3.medium"}, config),
	"unknown": unknown,
	"references": {},
	"tags": {},
	"tags_unknown": [],
}

_input(resources) := {"bundle": {"format": "terraform", "path": "db"}, "resources": resources}

test_deny_missing_or_low_ceiling if {
	inp := _input([
		_db("missing", {"allocated_storage": 100}, []),
		_db("off", {"allocated_storage": 100, "max_allocated_storage": 0}, []),
		_db("equal", {"allocated_storage": "200", "max_allocated_storage": 200}, []),
	])
	findings := rule.deny with input as inp
	findings == {
		{
			"resource": "aws_db_instance.missing",
			"path": ["max_allocated_storage"],
			"msg": "aws_db_instance.missing does not set max_allocated_storage, so its storage (allocated_storage 100 GiB) cannot grow when the database fills it",
		},
		{
			"resource": "aws_db_instance.off",
			"path": ["max_allocated_storage"],
			"msg": "aws_db_instance.off: max_allocated_storage (0) is not greater than allocated_storage (100), so its storage cannot grow when the database fills it",
		},
		{
			"resource": "aws_db_instance.equal",
			"path": ["max_allocated_storage"],
			"msg": "aws_db_instance.equal: max_allocated_storage (200) is not greater than allocated_storage (200), so its storage cannot grow when the database fills it",
		},
	}
	count(rule.unverified) == 0 with input as inp
}

test_deny_replica_without_ceiling if {
	inp := _input([
		_db("replica", {"replicate_source_db": "orders-primary"}, []),
		_db("replica_off", {"replicate_source_db": "orders-primary", "max_allocated_storage": 0}, []),
	])
	findings := rule.deny with input as inp
	findings == {
		{
			"resource": "aws_db_instance.replica",
			"path": ["max_allocated_storage"],
			"msg": "aws_db_instance.replica does not set max_allocated_storage, so its storage cannot grow when the database fills it",
		},
		{
			"resource": "aws_db_instance.replica_off",
			"path": ["max_allocated_storage"],
			"msg": "aws_db_instance.replica_off: max_allocated_storage is 0, which turns storage autoscaling off, so its storage cannot grow when the database fills it",
		},
	}
}

test_allow_storage_autoscaling if {
	inp := _input([
		_db("primary", {"allocated_storage": 100, "max_allocated_storage": 500}, []),
		_db("strings", {"allocated_storage": "20", "max_allocated_storage": "100"}, []),
		_db("replica", {"max_allocated_storage": 500}, [["replicate_source_db"]]),
		# RDS Custom does not support storage autoscaling.
		_db("custom", {"engine": "custom-oracle-ee", "allocated_storage": 100}, []),
		# Not managed here.
		object.union(_db("existing", {"allocated_storage": 100}, []), {"id": "data.aws_db_instance.existing"}),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_unverified_unknown_storage if {
	inp := _input([
		_db("max", {"allocated_storage": 100}, [["max_allocated_storage"]]),
		_db("allocated", {"max_allocated_storage": 500}, [["allocated_storage"]]),
		# Unknown allocated_storage and no ceiling at all: a violation still.
		_db("neither", {}, [["allocated_storage"]]),
	])
	findings := rule.deny with input as inp
	[f.resource | some f in findings] == ["aws_db_instance.neither"]
	notes := rule.unverified with input as inp
	notes == {
		{
			"resource": "aws_db_instance.max",
			"path": ["max_allocated_storage"],
			"msg": "aws_db_instance.max: its max_allocated_storage is known only when Terraform runs",
		},
		{
			"resource": "aws_db_instance.allocated",
			"path": ["allocated_storage"],
			"msg": "aws_db_instance.allocated: its allocated_storage is known only when Terraform runs, so whether max_allocated_storage (500) is above it is not known",
		},
	}
}
