# Shape knowledge about Terraform (and plan) resources: resources by type and by
# address, data sources versus managed resources, and which types take tags.
package scalegate.lib.terraform

import data.scalegate.lib.index
import data.scalegate.lib.taggable_aws
import data.scalegate.lib.taggable_azurerm
import data.scalegate.lib.taggable_google

# The `type` of blocks that are not resources but appear in `input.resources` so that
# rules can report on them (DESIGN.md §4, "Ids").
block_types := {"provider", "module", "variable", "output", "locals"}

# resources is every Terraform and plan entry of the bundle, blocks included, in
# input order.
resources := [r | some r in input.resources; r.format in {"terraform", "plan"}]

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

# has_tag(r, key) holds when the effective tags of `r` carry `key`, or a value for
# that exact key is listed as unknown (the key is written; only its value is not
# known).
has_tag(r, key) if _ = r.tags[key]

has_tag(r, key) if ["tags", key] in object.get(r, "unknown", [])

has_tag(r, key) if {
	provider_of(r.type) in tag_keys_case_insensitive
	some k, _ in r.tags
	lower(k) == lower(key)
}

# tags_may_hold_more(r) holds when the tags of `r` may hold keys that cannot be seen
# before Terraform runs (`merge(var.tags, {...})`, `tags = var.tags`).
tags_may_hold_more(r) if {
	some u in object.get(r, "unknown", [])
	u in {["tags"], ["tags", "*"]}
}
