# METADATA
# title: ElastiCache replication group cannot fail over
# description: >-
#   A Redis or Valkey replication group with one node per shard, or without
#   automatic failover, turns a node failure or a maintenance reboot into an outage
#   and a cold cache, and every service behind it takes the load at once. Checked in
#   every environment, as the catalog states: a cache that cannot fail over in
#   staging hides the failover behaviour production will see. More than one node
#   means `num_cache_clusters` > 1 or, in cluster mode, `replicas_per_node_group` >= 1.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-AWS-011.md
# custom:
#   id: SG-AWS-011
#   slug: cache-failover
#   severity: medium
#   input:
#     selector:
#       types: [aws_elasticache_replication_group]
#   remediation: >-
#     Run a replica in another availability zone and let ElastiCache promote it, e.g.
#     `automatic_failover_enabled = true`, `multi_az_enabled = true` and
#     `num_cache_clusters = 2` (cluster mode: `replicas_per_node_group = 1`).
package scalegate.rules.cache_failover

import data.scalegate.lib.aws_data
import data.scalegate.lib.known
import data.scalegate.lib.result
import data.scalegate.lib.terraform as tf

deny contains finding if {
	some g in _groups
	some [key, path, msg] in _problems(g)
	finding := result.finding_with_key(g, path, msg, key)
}

# One note per group, naming every check that depended on an unknown value.
unverified contains finding if {
	some g in _groups
	doubts := _doubts(g)
	count(doubts) > 0
	finding := result.finding(g, _doubt_path(g), sprintf(
		"%s: %s %s known only when Terraform runs",
		[g.id, concat(" and ", doubts), _verb(count(doubts))],
	))
}

_groups := [g | some g in tf.by_type.aws_elasticache_replication_group; tf.is_managed(g)]

_problems(g) := [p | some p in [_failover_problem(g), _nodes_problem(g)]; p != null]

_doubts(g) := [d | some d in [_failover_doubt(g), _nodes_doubt(g)]; d != null]

_doubt_path(g) := ["automatic_failover_enabled"] if _failover_doubt(g) != null

_doubt_path(g) := [_unknown_node_attributes(g)[0]] if _failover_doubt(g) == null

_verb(1) := "is"

_verb(n) := "are" if n > 1

# Automatic failover: off unless set to true.
_failover_problem(g) := [
	"automatic_failover_enabled",
	["automatic_failover_enabled"],
	sprintf("%s does not enable automatic_failover_enabled, so a failed primary is not replaced by a replica", [g.id]),
] if {
	not known.unknown(g, ["automatic_failover_enabled"])
	not known.at(g.config, ["automatic_failover_enabled"]) == true
} else := null

_failover_doubt(g) := "automatic_failover_enabled" if {
	known.unknown(g, ["automatic_failover_enabled"])
} else := null

# Nodes: `num_cache_clusters` (formerly `number_cache_clusters`) counts the nodes of
# a non-cluster-mode group, `replicas_per_node_group` the replicas of each shard;
# both default to one node.
_node_attributes := ["num_cache_clusters", "number_cache_clusters", "replicas_per_node_group"]

_has_replica(g) if aws_data.number_at(g.config, ["num_cache_clusters"]) > 1

_has_replica(g) if aws_data.number_at(g.config, ["number_cache_clusters"]) > 1

_has_replica(g) if aws_data.number_at(g.config, ["replicas_per_node_group"]) >= 1

_unknown_node_attributes(g) := [a | some a in _node_attributes; known.unknown(g, [a])]

_nodes_unknown(g) if count(_unknown_node_attributes(g)) > 0

_nodes_problem(g) := [
	"nodes",
	_nodes_path(g),
	sprintf("%s runs one node per shard (%s), so there is no replica to fail over to", [g.id, _nodes_setting(g)]),
] if {
	not _has_replica(g)
	not _nodes_unknown(g)
} else := null

_nodes_doubt(g) := sprintf("its node count (%s)", [concat(", ", _unknown_node_attributes(g))]) if {
	not _has_replica(g)
	_nodes_unknown(g)
} else := null

# The attribute to point at: the one the group sets, cluster mode's replicas when it
# uses cluster mode, else num_cache_clusters (missing: the resource header).
_nodes_path(g) := [_set_node_attributes(g)[0]] if {
	count(_set_node_attributes(g)) > 0
} else := ["replicas_per_node_group"] if {
	known.present(g.config, ["num_node_groups"])
} else := ["num_cache_clusters"]

_set_node_attributes(g) := [a | some a in _node_attributes; known.present(g.config, [a])]

# The list is tested for an element before its first is taken, so that regorus's
# compiled VM, which lets `a := <undefined>` succeed, agrees with its interpreter.
_nodes_setting(g) := sprintf("%s = %v", [attrs[0], known.at(g.config, [attrs[0]])]) if {
	attrs := _set_node_attributes(g)
	count(attrs) > 0
} else := "neither num_cache_clusters nor replicas_per_node_group is set"
