# METADATA
# title: Resource is missing a required tag
# description: >-
#   Cost reports, budgets and ownership lookups group resources by their tags: an
#   untagged resource is spend nobody is accountable for and an outage nobody is
#   paged for. Tags added after the fact are rarely complete, so they are required
#   where the resource is defined.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-TAG-001.md
# custom:
#   id: SG-TAG-001
#   slug: required-tags
#   severity: medium
#   input:
#     selector:
#       formats: [terraform, plan]
#   remediation: >-
#     Add every required tag, on the resource or, for AWS, once for all resources in
#     the `default_tags` block of the `provider "aws"`, e.g. `default_tags { tags =
#     { owner = "web-team", "cost-center" = "cc-1234", environment = "production" }
#     }` (quote keys that contain a hyphen).
package scalegate.rules.required_tags

import data.scalegate.lib.result
import data.scalegate.lib.terraform as tf

deny contains finding if {
	some r in _checked
	not tf.tags_may_hold_more(r)
	some key in data.scalegate.settings.tags.required
	not tf.has_tag(r, key)
	finding := result.finding_with_key(
		r,
		["tags"],
		sprintf("%s does not set the required tag %q", [r.id, key]),
		key,
	)
}

# One note per resource, listing every required key it may or may not carry.
unverified contains finding if {
	some r in _checked
	tf.tags_may_hold_more(r)
	absent := [key | some key in data.scalegate.settings.tags.required; not tf.has_tag(r, key)]
	count(absent) > 0
	finding := result.finding(r, ["tags"], sprintf(
		"%s: the required tags %s are not among its known tags, and its tags hold values known only when Terraform runs",
		[r.id, concat(", ", absent)],
	))
}

_checked := [r |
	some r in tf.resources
	tf.taggable(r)
	not r.type in data.scalegate.settings.tags.exclude_types
]
