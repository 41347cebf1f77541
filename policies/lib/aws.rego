# AWS knowledge shared by the rules of the elastic, resilient patterns for Terraform
# on AWS (docs/rules/): numbers as Terraform reads them, what an address names,
# joins through a literal name where a user wrote one instead of a reference, the
# referrers that cannot be resolved before Terraform runs, and the tags of
# autoscaling groups.
#
# Every index here is a function of constant arguments that a rule evaluates once, in
# a package-level rule (`_policies := aws.value_index(...)`), and then looks up per
# resource: regorus does not index comprehensions, so a scan per resource would make
# the rule quadratic in the bundle size (docs/architecture.md "Performance model").
package scalegate.lib.aws

import data.scalegate.lib.index
import data.scalegate.lib.known
import data.scalegate.lib.terraform as tf

# number(r, path) is the known number at `path` (keys and indexes) of the config of
# `r`. A numeric string counts: Terraform converts `"3"` where a number is expected,
# and tfvars files and string-typed variables give such strings. Undefined when the
# value is absent, unknown or not a number.
number(r, path) := v if {
	v := known.at(r.config, path)
	is_number(v)
}

number(r, path) := to_number(trim_space(v)) if {
	v := known.at(r.config, path)
	is_string(v)
}

# string(r, path) is the known string at `path` of the config of `r`.
string(r, path) := v if {
	v := known.at(r.config, path)
	is_string(v)
}

# address_type(address) is the resource type an address names: `aws_lb_target_group`
# for `module.alb.aws_lb_target_group.this["web"]` and for
# `data.aws_lb_target_group.web`. Undefined for what names no resource: variables,
# locals, modules and their outputs (`var.tgs`, `module.alb`, `module.x.var.tgs`).
address_type(address) := type if {
	parts := split(tf.base_address(address), ".")
	count(parts) >= 2
	type := parts[count(parts) - 2]
	contains(type, "_")
	not type in _not_types
}

# The first step of references that are not resources.
_not_types := {"module", "var", "local", "data", "each", "count", "path", "self", "terraform"}

# refers_to_type(r, path, types) holds when the expression of attribute `path` (dotted:
# `autoscaling_group_name`, `api_stages.0.stage`) of `r` refers to a resource or data
# source of one of `types`.
refers_to_type(r, path, types) if {
	some address in object.get(r, ["references", path], [])
	address_type(address) in types
}

# unresolved(type, path, target_types) is the managed resources of `type` whose
# attribute `path` (dotted) is unknown and refers to no resource of `target_types`
# (`autoscaling_group_name = var.asg_name`, or the output of a module that is not
# downloaded): each may point at any resource of those types. A rule that looks for a
# missing referrer reports an unverified note, not a violation, while one exists.
unresolved(type, path, target_types) := [r |
	some r in object.get(tf.by_type, type, [])
	tf.is_managed(r)
	known.unknown(r, _path_parts(path))
	not refers_to_type(r, path, target_types)
]

# A dotted path as an array path: numeric parts are list indexes.
_path_parts(path) := [_path_part(p) | some p in split(path, ".")]

_path_part(p) := to_number(p) if regex.match(`^[0-9]+$`, p)

_path_part(p) := p if not regex.match(`^[0-9]+$`, p)

# capture_index(type, path, pattern) maps the first capture group of `pattern`,
# matched against the known string at `path` (keys and indexes) of each managed
# resource of `type`, to the ids of those resources: the join of a referrer that names
# its target by a literal (`resource_id = "service/prod/web"` with
# `^service/[^/]+/([^/]+)$` gives `web`). Read it with `indexed`.
capture_index(type, path, pattern) := index.group([[m[0][1], r.id] |
	some r in object.get(tf.by_type, type, [])
	tf.is_managed(r)
	v := string(r, path)
	m := regex.find_all_string_submatch_n(pattern, v, 1)
	count(m) > 0
])

# value_index(type, path) maps each known string at `path` of the managed resources of
# `type` to their ids (`autoscaling_group_name = "web"` gives `web`). Read it with
# `indexed`. `(?s)` and not `[\s\S]`: in regorus 0.14.1 as the pack builds it, a
# pattern with `\s`, `\d` or `\w` makes the regex builtins undefined.
value_index(type, path) := capture_index(type, path, `(?s)^(.*)$`)

# indexed(idx, key) is the resources that `idx` (from `capture_index`, `value_index`)
# holds under `key`, in id order; `[]` when none.
indexed(idx, key) := [tf.by_id[id] | some id in object.get(idx, key, [])]

# referrer_index(type, pattern) maps an address to the ids of the managed resources of
# `type` that refer to it from an attribute whose dotted path matches the regular
# expression `pattern`: for attributes inside repeated blocks (`api_stages.0.stage`,
# `api_stages.1.stage`), where `tf.referencing` needs one exact path. Read it with
# `referring`.
referrer_index(type, pattern) := index.group([[address, r.id] |
	some r in object.get(tf.by_type, type, [])
	tf.is_managed(r)
	some path, addresses in object.get(r, "references", {})
	regex.match(pattern, path)
	some address in addresses
])

# referring(idx, target) is the resources that a `referrer_index` holds for `target`:
# under its address, or under its base address when the referrer does not know the
# instance (as `tf.refers_to`), each once, in id order.
referring(idx, target) := [tf.by_id[id] | some id in sort(_referring_ids(idx, target))]

# The ids `idx` holds for `target`, under either of its addresses.
_referring_ids(idx, target) := {id |
	some address in {target.id, tf.base_address(target.id)}
	some id in object.get(idx, address, [])
}

# The resource types that name an autoscaling group in `autoscaling_group_name`.
_asg_referrer_types := [
	"aws_autoscaling_attachment",
	"aws_autoscaling_policy",
	"aws_autoscaling_schedule",
	"aws_autoscaling_traffic_source_attachment",
]

# The referrers of autoscaling groups that name them by a literal, by type and name.
_asg_referrers_by_name := {type: value_index(type, ["autoscaling_group_name"]) | some type in _asg_referrer_types}

# asg_referrers(asg, type) is the resources of `type` (one of the types that take an
# `autoscaling_group_name`: attachments, policies, schedules) whose
# `autoscaling_group_name` refers to the group `asg`, or names it by its known `name`
# as a literal string, each once, in id order.
asg_referrers(asg, type) := [tf.by_id[id] | some id in sort(_asg_referrer_ids(asg, type))]

# The ids of the referrers of `asg`: by reference, then by its literal name.
_asg_referrer_ids(asg, type) := {r.id | some r in tf.referencing(asg, type, "autoscaling_group_name")} | {r.id |
	name := string(asg, ["name"])
	some r in indexed(object.get(_asg_referrers_by_name, type, {}), name)
}

# unresolved_asg_referrers(type) is the resources of `type` (see `asg_referrers`) that
# may name any autoscaling group (see `unresolved`).
unresolved_asg_referrers(type) := unresolved(type, "autoscaling_group_name", {"aws_autoscaling_group"})

# asg_tags_may_hold_more(asg) holds when an autoscaling group may carry tag keys that
# cannot be seen before Terraform runs: a `tag` block or `tags` entry whose key is
# unknown, or a whole list that is (`dynamic "tag"` over a variable). Unlike
# `tf.tags_may_hold_more`, an entry whose key is known and only its `value` or
# `propagate_at_launch` is unknown (`value = local.name`) hides no key.
asg_tags_may_hold_more(asg) if {
	some u in object.get(asg, "unknown", [])
	u[0] in {"tag", "tags"}
	not _key_known(asg, u)
}

# Plan resources and older inputs may say it only in `tags_unknown`.
asg_tags_may_hold_more(asg) if {
	tf.tags_may_hold_more(asg)
	not _tag_paths_unknown(asg)
}

# _key_known(asg, u) holds when unknown path `u` is the value or another attribute
# of a tag entry whose key is known.
_key_known(asg, u) if {
	count(u) >= 3
	u[2] != "key"
	is_string(object.get(asg.config, [u[0], u[1], "key"], null))
}

# _tag_paths_unknown(asg) holds when some path under `tag` or `tags` is unknown.
_tag_paths_unknown(asg) if {
	some u in object.get(asg, "unknown", [])
	u[0] in {"tag", "tags"}
}
