# METADATA
# title: Autoscaling instances or volumes launch without the required tags
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-TAG-005.md
# description: >-
#   Provider `default_tags` do not reach what an autoscaling group launches: its
#   instances carry only the group's tags marked `propagate_at_launch = true` and the
#   launch template's `tag_specifications`, and their EBS volumes only the latter. As
#   the group scales out, that untagged compute and storage is usually most of the
#   bill. A `tag_specifications` block counts only when it sets tags; a group's
#   required key passes when any of its blocks for that key propagates.
# custom:
#   id: SG-TAG-005
#   slug: asg-tag-propagation
#   severity: medium
#   input:
#     selector:
#       types: [aws_autoscaling_group, aws_launch_template]
#   remediation: >-
#     Set `propagate_at_launch = true` on the group's `tag {}` blocks for the required
#     keys, e.g. `tag { key = "owner"`, `value = "web-team"`, `propagate_at_launch =
#     true }`, and give the launch template a `tag_specifications` block with tags for
#     both `resource_type = "instance"` and `resource_type = "volume"`.
package scalegate.rules.asg_tag_propagation

import data.scalegate.lib.known
import data.scalegate.lib.result
import data.scalegate.lib.terraform as tf

_required := data.scalegate.settings.tags.required

# The resource types a launch template must tag (§6).
_launched_types := ["instance", "volume"]

# -- Autoscaling groups -----------------------------------------------------------

deny contains finding if {
	some r in _groups
	some e in _tag_blocks(r)
	e.block.key in _required
	not _propagated(r, e.block.key)
	not _propagation_unknown(r, e)
	finding := result.finding_with_key(
		r,
		array.concat(e.path, ["propagate_at_launch"]),
		sprintf("%s: the tag %q %s, so the instances it launches do not carry it", [r.id, e.block.key, _setting(e.block)]),
		e.block.key,
	)
}

# One note per group: the required keys whose propagation cannot be told, because
# their `propagate_at_launch` is unknown, or because the group's tags hold blocks that
# are known only when Terraform runs (a `dynamic "tag"` over a variable) and the key
# is not among the known ones.
unverified contains finding if {
	some r in _groups
	keys := [key | some key in _required; _asg_uncertain(r, key)]
	count(keys) > 0
	finding := result.finding(r, ["tag"], sprintf(
		"%s: whether its tag blocks propagate the required keys %s to the instances it launches is known only when Terraform runs",
		[r.id, concat(", ", keys)],
	))
}

# _tag_blocks(r) is the group's `tag {}` blocks and the entries of the old `tags`
# list whose key is known, each with its path.
_tag_blocks(r) := [{"block": block, "path": [attr, i]} |
	some attr in ["tag", "tags"]
	some i, block in object.get(r.config, attr, [])
	is_string(block.key)
]

# Terraform converts the string "true" of the old `tags` list to the bool.
_propagates(block) if block.propagate_at_launch in {true, "true"}

_propagated(r, key) if {
	some e in _tag_blocks(r)
	e.block.key == key
	_propagates(e.block)
}

_propagation_unknown(r, e) if {
	some u in object.get(r, "unknown", [])
	u in {e.path, array.concat(e.path, ["propagate_at_launch"])}
}

_setting(block) := sprintf("sets propagate_at_launch = %v", [block.propagate_at_launch]) if {
	known.present(block, ["propagate_at_launch"])
}

_setting(block) := "does not set propagate_at_launch" if not known.present(block, ["propagate_at_launch"])

_asg_uncertain(r, key) if {
	not _propagated(r, key)
	some e in _tag_blocks(r)
	e.block.key == key
	_propagation_unknown(r, e)
}

_asg_uncertain(r, key) if {
	not key in {e.block.key | some e in _tag_blocks(r)}
	_asg_tags_hidden(r)
}

# Blocks whose key is not known: the whole list, more entries (`*`), or one block's
# key.
_asg_tags_hidden(r) if {
	some u in object.get(r, "unknown", [])
	u[0] in {"tag", "tags"}
	_hides_keys(u)
}

_hides_keys(u) if count(u) <= 2

_hides_keys(u) if u[2] == "key"

# -- Launch templates -------------------------------------------------------------

deny contains finding if {
	some r in _templates
	not _specs_hidden(r)
	some type in _launched_types
	not _tagged_type(r, type)
	finding := result.finding_with_key(r, ["tag_specifications"], sprintf(
		"%s: no tag_specifications block sets tags for resource_type %q, so %s",
		[r.id, type, _untagged[type]],
	), type)
}

unverified contains finding if {
	some r in _templates
	_specs_hidden(r)
	types := [type | some type in _launched_types; not _tagged_type(r, type)]
	count(types) > 0
	finding := result.finding(r, ["tag_specifications"], sprintf(
		"%s: whether tag_specifications set tags for resource_type %s is known only when Terraform runs",
		[r.id, concat(" and ", [sprintf("%q", [t]) | some t in types])],
	))
}

_untagged := {
	"instance": "the instances launched from it are tagged only by what an autoscaling group propagates",
	"volume": "the EBS volumes of the instances launched from it are untagged",
}

_specs(r) := object.get(r.config, "tag_specifications", [])

# _tagged_type(r, type) holds when a `tag_specifications` block for `type` sets tags:
# a non-empty map, or one whose content is known only when Terraform runs (given the
# benefit of the doubt: `merge(var.tags, ...)` is how modules write it).
_tagged_type(r, type) if {
	some i, spec in _specs(r)
	spec.resource_type == type
	_spec_has_tags(r, i, spec)
}

_spec_has_tags(_, _, spec) if count(object.get(spec, "tags", {})) > 0

_spec_has_tags(r, i, _) if {
	some u in object.get(r, "unknown", [])
	count(u) >= 2
	u[0] == "tag_specifications"
	u[1] == i
	_spec_tags_path(u)
}

_spec_tags_path(u) if count(u) == 2

_spec_tags_path(u) if u[2] == "tags"

# The blocks are not all known: the list as a whole or more entries (a `dynamic
# "tag_specifications"` over a variable), or a block's `resource_type`.
_specs_hidden(r) if {
	some u in object.get(r, "unknown", [])
	u[0] == "tag_specifications"
	_hides_specs(u)
}

_hides_specs(u) if count(u) == 1

_hides_specs(u) if u[1] == "*"

_hides_specs(u) if {
	count(u) == 2
	is_number(u[1])
}

_hides_specs(u) if u[2] == "resource_type"

# Rules, not a function of the type: regorus 0.14.1 loses an imported rule
# (`tf.by_type`) read from a function once a rule of this package has been evaluated.
_groups := [r | some r in object.get(tf.by_type, "aws_autoscaling_group", []); tf.is_managed(r)]

_templates := [r | some r in object.get(tf.by_type, "aws_launch_template", []); tf.is_managed(r)]
