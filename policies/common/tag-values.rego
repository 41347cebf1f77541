# METADATA
# title: Tag value is not an allowed value
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-TAG-002.md
# description: >-
#   Cost reports and budgets group spend by exact tag value: `prd`, `Prod` and
#   `production` are three environments to the bill, and a cost center that is not a
#   real code is spend nobody can be charged for. Values are checked where they are
#   written — a value from a provider's `default_tags` (or Google `default_labels`)
#   once on the provider block, not on every resource that inherits it; a key with
#   both an allowed list and a pattern accepts a value that satisfies either, keys
#   compare without case on Azure, and Kubernetes labels are not checked (they are
#   selectors, governed by SG-K8S-001).
# custom:
#   id: SG-TAG-002
#   slug: tag-values
#   severity: medium
#   input:
#     selector:
#       formats: [terraform, plan]
#   remediation: >-
#     Use one of the values allowed for the key (`tags.allowed_values`) or one that
#     matches its pattern (`tags.patterns`), e.g. `tags = { environment =
#     "production", "cost-center" = "cc-1042" }` instead of `environment = "prd"`;
#     if the value is right, add it to the settings in `.scalegate.yaml`.
package scalegate.rules.tag_values

import data.scalegate.lib.result
import data.scalegate.lib.tags

deny contains finding if {
	some source in tags.written_sources
	r := source.resource
	some e in source.entries
	_may_be_constrained(e.key)
	some key in _constrained_keys
	tags.same_key(r, e.key, key)
	value := tags.value_text(e.value)
	not _allowed(key, value)
	finding := result.finding_with_key(
		r,
		e.path,
		sprintf("%s: tag %q has the value %q, %s", [r.id, e.key, value, _expected(key)]),
		e.key,
	)
}

# One note per resource, naming every constrained tag whose value is known only when
# Terraform runs. A map that may hold more keys (`merge(var.tags, ...)`) gives no note:
# whether it holds a constrained key at all cannot be told, and SG-TAG-001 already
# notes it when a required key is not visible.
unverified contains finding if {
	some source in tags.written_sources
	r := source.resource
	entries := [e |
		some e in source.entries
		e.unknown
		_may_be_constrained(e.key)
		some key in _constrained_keys
		tags.same_key(r, e.key, key)
	]
	count(entries) > 0
	names := {sprintf("%q", [e.key]) | some e in entries}
	finding := result.finding(r, entries[0].path, sprintf(
		"%s: the value of tag %s is known only when Terraform runs, so it cannot be checked against the allowed values",
		[r.id, concat(", ", names)],
	))
}

_settings := data.scalegate.settings.tags

_allowed_values := object.get(_settings, "allowed_values", {})

_patterns := object.get(_settings, "patterns", {})

# A key is constrained by a non-empty allowed list or a non-empty pattern; `[]` or
# `""` in a user's settings switches the default constraint off. A key whose pattern
# does not compile is not checked at all: every value would fail it (regorus is built
# without the regex crate's Unicode classes, so `\d`, `\s`, `\w` and `(?i)` do not
# compile; write `[0-9]`).
_constrained_keys := ({k | some k, values in _allowed_values; count(values) > 0} | {k |
	some k, _ in _patterns
	_has_pattern(k)
}) - {k | some k, pattern in _patterns; _broken_pattern(pattern)}

# _may_be_constrained(k) holds when tag key `k` equals a constrained key but for case,
# which `tags.same_key` requires on every provider. One lookup per written key keeps
# resources with hundreds of tags cheap: the comparison with each constrained key
# runs only for the few keys that pass.
_may_be_constrained(k) if {
	is_string(k)
	lower(k) in _constrained_keys_lower
}

_constrained_keys_lower := {lower(k) | some k in _constrained_keys; is_string(k)}

_broken_pattern(pattern) if not is_string(pattern)

_broken_pattern(pattern) if {
	pattern != ""
	not regex.is_valid(pattern)
}

# Allowed values compare as text: `cost-center: [1042]` in YAML is a number, the tag
# value the string "1042".
_allowed(key, value) if value in {tags.value_text(v) | some v in object.get(_allowed_values, key, [])}

_allowed(key, value) if {
	_has_pattern(key)
	regex.match(_patterns[key], value)
}

_expected(key) := sprintf("which is not one of the allowed values %s", [_values(key)]) if {
	_has_list(key)
	not _has_pattern(key)
}

_expected(key) := sprintf("which does not match the pattern %q", [_patterns[key]]) if {
	not _has_list(key)
	_has_pattern(key)
}

_expected(key) := sprintf("which is neither one of the allowed values %s nor matches the pattern %q", [_values(key), _patterns[key]]) if {
	_has_list(key)
	_has_pattern(key)
}

_has_list(key) if count(object.get(_allowed_values, key, [])) > 0

_has_pattern(key) if {
	is_string(_patterns[key])
	_patterns[key] != ""
}

_values(key) := concat(", ", [tags.value_text(v) | some v in _allowed_values[key]])
