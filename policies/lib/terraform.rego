# Shape knowledge about Terraform (and plan) resources: resources by type and by
# address, data sources versus managed resources, and which types take tags.
package scalegate.lib.terraform

import data.scalegate.lib.index
import data.scalegate.lib.taggable_aws
import data.scalegate.lib.taggable_azurerm
import data.scalegate.lib.taggable_google

# The `type` of blocks that are not resources but appear in `input.resources` so that
# rules can report on them (docs/architecture.md "Input model").
block_types := {"provider", "module", "variable", "output", "locals"}

# declarations is every Terraform and plan entry of the bundle, blocks included, in
# input order, with the blocks whose `count` or `for_each` is known to be empty
# (`"instances": 0`): they create nothing but are written all the same. Rules about
# how a block is written (its labels) read this list.
declarations := [r | some r in input.resources; r.format in {"terraform", "plan"}]

# resources is every entry of `declarations` that exists when Terraform applies:
# blocks with no instance are left out, so a rule about values never reports
# something that is not created. Rules about values read this list.
resources := [r | some r in declarations; not creates_nothing(r)]

# creates_nothing(r) holds for a block whose `count` or `for_each` is known to be
# empty (`count = 0`, `count = var.enabled ? 1 : 0` with `enabled = false`).
creates_nothing(r) if r.instances == 0

# by_id maps an address (`aws_s3_bucket.logs`, `module.web.aws_lb.this`) to its
# resource: the join of rules that follow `references`.
by_id := {r.id: r | some r in resources}

# by_type maps a resource type to its resources, in input order.
by_type := {type: [resources[i] | some i in indexes] |
	some type, indexes in index.group([[r.type, i] | some i, r in resources])
}

# is_data(r) holds for data sources (`data.aws_region.current`, also inside modules:
# `module.web.data.aws_iam_policy_document.this`). A module named `data` is not one.
is_data(r) if regex.match(`^(module\.[^.\[]+(\[[^\]]*\])?\.)*data\.`, r.id)

# is_managed(r) holds for `resource` blocks: not a data source, not a provider,
# module, variable, output or locals entry.
is_managed(r) if {
	not r.type in block_types
	not is_data(r)
}

# managed is every managed resource, in input order.
managed := [r | some r in resources; is_managed(r)]

# provider_of(type) is the provider a resource type belongs to, by Terraform's own
# rule: the type name up to the first underscore.
provider_of(type) := split(type, "_")[0]

# taggable_types maps a provider to the committed list of its resource types that
# take tags (labels on Google). Each list names the provider version it reflects.
taggable_types := {
	"aws": taggable_aws.types,
	"azurerm": taggable_azurerm.types,
	"google": taggable_google.types,
}

# taggable(r) holds for managed resources whose type is in the committed list of its
# provider; types not listed are never checked, so an unknown type cannot produce a
# false positive.
taggable(r) if {
	is_managed(r)
	r.type in taggable_types[provider_of(r.type)]
}

# tag_keys_case_insensitive holds the providers whose tag keys compare without case
# (Azure: `Owner` and `owner` are the same tag).
tag_keys_case_insensitive := {"azurerm"}

# has_tag(r, key) holds when the effective tags of `r` carry `key`: with a known value
# in `tags`, or written with a value known only when Terraform runs — listed in
# `tags_unknown`, or as `["tags", key]` in `unknown` (plan resources and resources
# without a provider still say it there; both sources count). Azure keys compare
# without case.
# The exact key is looked up rather than compared with every key, so a resource with
# hundreds of tags costs one lookup per required key; only a provider whose keys
# compare without case walks the keys.
has_tag(r, key) if key in _tag_keys(r)

has_tag(r, key) if {
	provider_of(r.type) in tag_keys_case_insensitive
	some k in _tag_keys(r)
	lower(k) == lower(key)
}

# _tag_keys(r) is every tag key `r` is known to carry, whether its value is known or
# not; the `*` marker of `tags_unknown` is not a key.
_tag_keys(r) := (_known_tag_keys(r) | _unknown_tag_keys(r)) | _unknown_tag_paths(r)

_unknown_tag_keys(r) := {k | some k in object.get(r, "tags_unknown", []); k != "*"}

_unknown_tag_paths(r) := {u[1] |
	some u in object.get(r, "unknown", [])
	count(u) == 2
	u[0] == "tags"
	u[1] != "*"
}

_known_tag_keys(r) := {k | some k, _ in tags} if {
	tags := object.get(r, "tags", null)
	is_object(tags)
} else := set()

# tags_may_hold_more(r) holds when the tags of `r` may hold keys that cannot be seen
# before Terraform runs (`merge(var.tags, {...})`, `tags = var.tags`, a provider's
# `default_tags { tags = var.default_tags }`): `*` in `tags_unknown`, or the old
# `["tags"]` / `["tags", "*"]` in `unknown`.
tags_may_hold_more(r) if "*" in object.get(r, "tags_unknown", [])

tags_may_hold_more(r) if {
	some u in object.get(r, "unknown", [])
	u in {["tags"], ["tags", "*"]}
}

# base_address(id) is the address `id` without its final instance key:
# `aws_s3_bucket.this[0]` and `aws_instance.web["a.b[0]"]` give `aws_s3_bucket.this`
# and `aws_instance.web`; `module.a["x"].aws_s3_bucket.b`, whose key is not last, is
# returned unchanged, as is anything that does not parse as an address. The address
# is read from its start, step by step, so brackets, dots and escaped quotes inside a
# string key are never taken for its structure.
base_address(id) := regex.replace(id, _trailing_instance_key, "${1}")

# Name steps, dots and instance keys (`[0]`, `["a\"b"]`), then one last instance key.
_trailing_instance_key := `^((?:[^.\["\]]+|\.|\[(?:[0-9]+|"(?:[^"\\]|\\.)*")\])*)\[(?:[0-9]+|"(?:[^"\\]|\\.)*")\]$`

# refers_to(r, path, target) holds when the expression of attribute `path` of `r` (a
# dotted path: `bucket`, `rule.0.filter.0.prefix`) refers to `target`: its reference
# list holds `target.id`, or `base_address(target.id)` when the instance it refers
# to is not known. The join of cross-resource rules (docs/architecture.md "Input model").
refers_to(r, path, target) if {
	some address in object.get(r, ["references", path], [])
	address in {target.id, base_address(target.id)}
}

# referrers maps `[type, path, address]` to the indexes in `resources`, ascending, of
# the resources of that type whose attribute `path` refers to `address`. Built once
# per bundle, so that `referencing` is a lookup and not a scan per target.
referrers := index.group([[[r.type, path, address], i] |
	some i, r in resources
	some path, addresses in object.get(r, "references", {})
	some address in addresses
])

# referencing(target, type, path) is the resources of `type` whose attribute `path`
# refers to `target` (see `refers_to`), in input order, each once: e.g. the lifecycle
# configurations of a bucket are `referencing(bucket,
# "aws_s3_bucket_lifecycle_configuration", "bucket")`.
referencing(target, type, path) := [resources[i] | some i in sort(_referrer_indexes(target, type, path))]

_referrer_indexes(target, type, path) := {i |
	some address in {target.id, base_address(target.id)}
	some i in referrers[[type, path, address]]
}
