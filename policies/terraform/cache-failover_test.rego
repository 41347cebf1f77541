package scalegate.rules.cache_failover_test

import data.scalegate.rules.cache_failover as rule

_group(name, config, unknown) := {
	"id": sprintf("aws_elasticache_replication_group.%s", [name]),
	"format": "terraform",
	"type": "aws_elasticache_replication_group",
	"name": name,
	"provider": "aws",
	"file": "cache.tf",
	"config": object.union({"replication_group_id": name, "node_type": "cache.t4g.small"}, config),
	"unknown": unknown,
	"references": {},
	"tags": {},
	"tags_unknown": [],
}

_input(resources) := {"bundle": {"format": "terraform", "path": "infra"}, "resources": resources}

test_deny_default_group_both_checks if {
	inp := _input([_group("sessions", {}, [])])
	findings := rule.deny with input as inp
	findings == {
		{
			"resource": "aws_elasticache_replication_group.sessions",
			"path": ["automatic_failover_enabled"],
			"msg": "aws_elasticache_replication_group.sessions does not enable automatic_failover_enabled, so a failed primary is not replaced by a replica",
			"key": "automatic_failover_enabled",
		},
		{
			"resource": "aws_elasticache_replication_group.sessions",
			"path": ["num_cache_clusters"],
			"msg": "aws_elasticache_replication_group.sessions runs one node per shard (neither num_cache_clusters nor replicas_per_node_group is set), so there is no replica to fail over to",
			"key": "nodes",
		},
	}
	count(rule.unverified) == 0 with input as inp
}

test_deny_failover_off_with_replicas if {
	inp := _input([_group("sessions", {"automatic_failover_enabled": false, "num_cache_clusters": 2}, [])])
	findings := rule.deny with input as inp
	findings == {{
		"resource": "aws_elasticache_replication_group.sessions",
		"path": ["automatic_failover_enabled"],
		"msg": "aws_elasticache_replication_group.sessions does not enable automatic_failover_enabled, so a failed primary is not replaced by a replica",
		"key": "automatic_failover_enabled",
	}}
}

test_deny_single_node_names_the_attribute if {
	inp := _input([
		_group("a", {"automatic_failover_enabled": true, "num_cache_clusters": 1}, []),
		_group("b", {"automatic_failover_enabled": true, "num_node_groups": 3, "replicas_per_node_group": 0}, []),
		# Cluster mode without replicas_per_node_group: one node per shard.
		_group("c", {"automatic_failover_enabled": true, "num_node_groups": 3}, []),
		_group("d", {"automatic_failover_enabled": true, "number_cache_clusters": "1"}, []),
	])
	findings := {[f.resource, f.path, f.msg] | some f in rule.deny} with input as inp
	findings == {
		["aws_elasticache_replication_group.a", ["num_cache_clusters"], "aws_elasticache_replication_group.a runs one node per shard (num_cache_clusters = 1), so there is no replica to fail over to"],
		["aws_elasticache_replication_group.b", ["replicas_per_node_group"], "aws_elasticache_replication_group.b runs one node per shard (replicas_per_node_group = 0), so there is no replica to fail over to"],
		["aws_elasticache_replication_group.c", ["replicas_per_node_group"], "aws_elasticache_replication_group.c runs one node per shard (neither num_cache_clusters nor replicas_per_node_group is set), so there is no replica to fail over to"],
		["aws_elasticache_replication_group.d", ["number_cache_clusters"], "aws_elasticache_replication_group.d runs one node per shard (number_cache_clusters = 1), so there is no replica to fail over to"],
	}
}

test_allow_replicas_and_failover if {
	inp := _input([
		_group("a", {"automatic_failover_enabled": true, "num_cache_clusters": 2}, []),
		_group("b", {"automatic_failover_enabled": true, "num_node_groups": 2, "replicas_per_node_group": 1}, []),
		_group("c", {"automatic_failover_enabled": true, "number_cache_clusters": 3}, []),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_data_source_is_not_checked if {
	shared := object.union(_group("shared", {}, []), {"id": "data.aws_elasticache_replication_group.shared"})
	count(rule.deny) == 0 with input as _input([shared])
}

test_note_unknown_failover_and_nodes if {
	inp := _input([
		_group("a", {}, [["automatic_failover_enabled"], ["num_cache_clusters"]]),
		# Unknown node count, but failover known off: a violation and a note.
		_group("b", {"automatic_failover_enabled": false}, [["replicas_per_node_group"]]),
	])
	findings := {[f.resource, f.key] | some f in rule.deny} with input as inp
	findings == {["aws_elasticache_replication_group.b", "automatic_failover_enabled"]}
	notes := rule.unverified with input as inp
	notes == {
		{
			"resource": "aws_elasticache_replication_group.a",
			"path": ["automatic_failover_enabled"],
			"msg": "aws_elasticache_replication_group.a: automatic_failover_enabled and its node count (num_cache_clusters) are known only when Terraform runs",
		},
		{
			"resource": "aws_elasticache_replication_group.b",
			"path": ["replicas_per_node_group"],
			"msg": "aws_elasticache_replication_group.b: its node count (replicas_per_node_group) is known only when Terraform runs",
		},
	}
}

test_allow_unknown_count_when_another_attribute_has_replicas if {
	inp := _input([_group("a", {"automatic_failover_enabled": true, "replicas_per_node_group": 2}, [["num_cache_clusters"]])])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}
