# METADATA
# title: AWS provider does not set the required default tags
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-TAG-004.md
# description: >-
#   `default_tags` on the `provider "aws"` block tag every resource it manages,
#   including the ones a module creates and the ones added next year, so cost
#   attribution does not depend on every resource block remembering its tags. Each
#   `provider "aws"` block (aliases included) is checked for every required key; a
#   module without a provider block of its own (a reusable module) is not, since its
#   caller's provider supplies the tags.
# custom:
#   id: SG-TAG-004
#   slug: provider-default-tags
#   severity: low
#   input:
#     selector:
#       formats: [terraform, plan]
#   remediation: >-
#     Add a `default_tags` block with every required key to each `provider "aws"`
#     block, e.g. `provider "aws" { region = "eu-west-1"` / `default_tags { tags =
#     { owner = "web-team", "cost-center" = "cc-1042", environment = "production" }
#     } }`; resources can still override a value in their own `tags`.
package scalegate.rules.provider_default_tags

import data.scalegate.lib.known
import data.scalegate.lib.result
import data.scalegate.lib.tags
import data.scalegate.lib.terraform as tf

_required := data.scalegate.settings.tags.required

_tags_path := ["default_tags", 0, "tags"]

# No `default_tags` block at all: one finding for the block, not one per key.
deny contains finding if {
	some p in _providers
	count(_required) > 0
	known.missing(p, ["default_tags"])
	finding := result.finding_with_key(p, ["default_tags"], sprintf(
		"%s has no default_tags block, so none of the required tags %s is applied to the resources it manages",
		[p.id, concat(", ", _required)],
	), "default_tags")
}

deny contains finding if {
	some p in _providers
	not known.missing(p, ["default_tags"])
	not _may_hold_more(p)
	some key in _absent(p)
	finding := result.finding_with_key(
		p,
		_tags_path,
		sprintf("%s: default_tags does not set the required tag %q", [p.id, key]),
		key,
	)
}

# One note per provider block whose default tags hold keys nobody can see yet
# (`tags = var.default_tags`, `merge(var.tags, {...})`, a `dynamic "default_tags"`).
unverified contains finding if {
	some p in _providers
	_may_hold_more(p)
	absent := _absent(p)
	count(absent) > 0
	finding := result.finding(p, _tags_path, sprintf(
		"%s: the required tags %s are not among the known keys of its default_tags, which hold values known only when Terraform runs",
		[p.id, concat(", ", absent)],
	))
}

_providers := [p |
	some p in object.get(tf.by_type, "provider", [])
	p.name == "aws"
	p.format == "terraform"
]

# _absent(p) is the required keys the default tags of `p` do not hold, in settings
# order; a key whose value is unknown is held. AWS compares keys exactly.
_absent(p) := [key |
	written := {e.key | some e in tags.written(p)}
	some key in _required
	not key in written
]

_may_hold_more(p) if known.unknown(p, array.concat(_tags_path, ["*"]))
