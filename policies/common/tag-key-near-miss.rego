# METADATA
# title: Tag key is a misspelling of a required key
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-TAG-003.md
# description: >-
#   AWS and Google compare tag keys exactly, so `CostCenter`, `cost_center` and
#   `cost-center` are three tags: cost reports split the spend between them and
#   allocation rules written for the required key miss the rest. A key that differs
#   from a required key only by case or by separators (`-`, `_`, `.`, `:`, `/`,
#   blanks) is almost always meant to be that key; on Azure, where keys compare
#   without case, only a different separator counts. Keys are checked where they are
#   written (a provider's `default_tags` once, on the provider block); Kubernetes
#   labels are not checked (SG-K8S-001 governs them).
# custom:
#   id: SG-TAG-003
#   slug: tag-key-near-miss
#   severity: low
#   input:
#     selector:
#       formats: [terraform, plan]
#   remediation: >-
#     Spell the key exactly as the required key, e.g. `tags = { "cost-center" =
#     "cc-1042" }` instead of `tags = { CostCenter = "cc-1042" }`; AWS Cost Explorer
#     only groups spend under the key that is activated as a cost allocation tag.
package scalegate.rules.tag_key_near_miss

import data.scalegate.lib.result
import data.scalegate.lib.tags

deny contains finding if {
	some source in tags.written_sources
	r := source.resource
	some e in source.entries
	# One normalisation and one lookup per written key: a resource may carry
	# hundreds of tags, and comparing each with every required key (normalising
	# both every time) made this rule the slowest of the pack. Most keys miss the
	# lookup, so the exact comparison below runs only for the few that hit.
	# (`tags.normalized_key` spelled out: a function call per tag costs more than
	# the work it does.)
	near := _required_by_normalized_key[regex.replace(lower(e.key), tags.key_separators, "")]
	not _required(r, e.key)
	finding := result.finding_with_key(r, e.key_path, sprintf(
		"%s: tag key %q differs from the required key %q only by case or separators, so it is a different tag",
		[r.id, e.key, min(near)],
	), e.key)
}

# A map whose value is unknown (`tags = var.tags` without a value) has keys nobody can
# read here; they are written where the variable gets its value, and checked when the
# scan evaluates the module from that caller. A note for every such map would say
# nothing SG-TAG-001 does not already say.
unverified := set()

# _required_by_normalized_key maps each normalised required key to the required keys
# that normalise to it, computed once per evaluation rather than once per tag.
_required_by_normalized_key := {n: {key |
	some key in data.scalegate.settings.tags.required
	tags.normalized_key(key) == n
} |
	some required in data.scalegate.settings.tags.required
	n := tags.normalized_key(required)
}

_required(r, k) if {
	some key in data.scalegate.settings.tags.required
	tags.same_key(r, k, key)
}
