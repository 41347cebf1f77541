# METADATA
# title: Terraform label is not snake_case
# description: >-
#   Terraform addresses are built from block labels (`module.web_app.aws_lb.this`),
#   and they appear in plans, state moves, imports and every reference. Mixed styles
#   (`WebApp`, `web-app`) make addresses guessable only by looking, and renaming
#   later means a `moved` block for every resource.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-NAM-002.md
# custom:
#   id: SG-NAM-002
#   slug: terraform-label-case
#   severity: low
#   input:
#     selector:
#       formats: [terraform, plan]
#   remediation: >-
#     Rename the label to lower-case words joined by single underscores, and for
#     resources and modules add a `moved` block so Terraform keeps the existing
#     object, e.g. rename `resource "aws_lb" "WebApp"` to `resource "aws_lb"
#     "web_app"` and add `moved { from = aws_lb.WebApp` / `to = aws_lb.web_app }`.
package scalegate.rules.terraform_label_case

import data.scalegate.lib.index
import data.scalegate.lib.result
import data.scalegate.lib.terraform as tf

deny contains finding if {
	some [kind, _, _, label, id] in _labels
	r := _declarations_by_id[id]
	finding := result.finding(r, _path(kind), sprintf(
		"%s %q is not snake_case (lower-case words joined by single underscores)",
		[kind, label],
	))
}

# Block labels are known when Terraform parses the file, so there is nothing unverified.
unverified := set()

_kinds := {
	"provider": "provider alias",
	"module": "module name",
	"variable": "variable name",
	"output": "output name",
	"locals": "local value name",
}

_kind(r) := _kinds[r.type]

_kind(r) := "data source name" if {
	not r.type in tf.block_types
	tf.is_data(r)
}

_kind(r) := "resource name" if tf.is_managed(r)

# The alias is an attribute, the other labels are in the block header.
# Labels are how a block is written: a block with `count = 0` has them too.
_declarations_by_id := {r.id: r | some r in tf.declarations}

_path("provider alias") := ["alias"]

_path(kind) := [] if kind != "provider alias"

# A provider is named by its alias; without one it has nothing to check.
_label(r) := r.config.alias if r.type == "provider"

_label(r) := r.name if r.type != "provider"

# The labels that break the naming pattern. Each distinct label is matched once:
# instances of one block, and a module called from many places, repeat labels, and
# the match is the costly part of this rule.
_bad_labels := {label |
	some label in {label |
		some r in tf.declarations
		r.format == "terraform"
		label := _label(r)
		is_string(label)
	}
	not regex.match(data.scalegate.settings.naming.terraform_labels, label)
}

# One entry per written block with a bad label: `count`, `for_each` and a module
# called twice give one block several resources (`aws_instance.web[0]`, `[1]`),
# reported once, on the smallest address. Grouped rather than compared pairwise, to
# stay linear.
_labels contains [kind, file, type, label, min(ids)] if {
	some [kind, file, type, label], ids in index.group([[[_kind(r), r.file, r.type, _label(r)], r.id] |
		some r in tf.declarations
		r.format == "terraform"
		_label(r) in _bad_labels
	])
}
