# The tags a Terraform block writes itself, where it writes them, and how tag keys
# compare: what the tag rules that look at keys and values (SG-TAG-002, SG-TAG-003)
# share.
#
# Those rules read the tags a block writes, not its effective tags: a value that comes
# from a provider's `default_tags` is reported once, on the provider block where it is
# written and can be fixed, and not again on every resource that inherits it.
package scalegate.lib.tags

import data.scalegate.lib.known
import data.scalegate.lib.terraform as tf

# label_paths maps the Google types whose labels are not in `labels` to the path of
# their labels in `config`; every other `google_*` type uses `labels`. It is the
# parser's own table (it reflects hashicorp/google 6.x), handed to the pack as data
# so that the two cannot disagree; needed here to find where a label is written.
label_paths := data.scalegate.google_label_attributes

# sources is the Terraform blocks whose written tags the tag rules check, in input
# order: the resources SG-TAG-001 checks (taggable types, minus `tags.exclude_types`)
# and the provider blocks that hold default tags for all their resources (`aws`
# `default_tags`, `google` `default_labels`).
sources := [r |
	some r in tf.resources
	_source(r)
	not r.type in data.scalegate.settings.tags.exclude_types
]

_source(r) if tf.taggable(r)

_source(r) if _provider_tags_path(r)

# _provider_tags_path(r) is where a provider block writes the tags it gives every
# resource it manages.
_provider_tags_path(r) := ["default_tags", 0, "tags"] if {
	r.type == "provider"
	r.name == "aws"
}

_provider_tags_path(r) := ["default_labels"] if {
	r.type == "provider"
	r.name == "google"
}

# written(r) is the tags `r` writes itself and that take effect (a key dropped by the
# provider's `ignore_tags` does not), each as `{"key", "path", "key_path"}` plus
# `"value"` when the value is known, or `"unknown": true` when it is known only when
# Terraform runs. `path` is the value's path in `config`, `key_path` the path that
# best shows the key (the value's own for a map entry, `key` for an autoscaling
# group's `tag {}` block). Entries whose key is not known are left out.
written(r) := [e | some e in _written(r)] if _every_key_takes_effect(r)

else := _kept([e | some e in _written(r)], _effective_keys(r))

# The effective keys are gathered once per resource and each entry is looked up among
# them, which keeps a resource with a thousand tags linear in its tags.
_kept(entries, keys) := [e | some e in entries; e.key in keys]

# written_sources pairs each of `sources` with its `written` tags, as
# `{"resource", "entries"}`, in the same order. It is a rule, so its value is
# computed once per evaluation and shared by every tag rule: a function is evaluated
# again at each call, and a resource with a thousand tags would be walked once per
# rule.
written_sources := [{"resource": r, "entries": written(r)} | some r in sources]

# A provider's default tags: a map.
_written(r) := _map_entries(r, path) if path := _provider_tags_path(r)

# A plan holds no provider blocks: what AWS or Google will apply is the effective
# tags (`tags_all`, `effective_labels`), reported where the resource writes the key
# when it does.
_written(r) := array.concat(
	[_entry(k, _plan_path(r, k), _plan_path(r, k), v) | some k, v in r.tags],
	[{"key": k, "path": _plan_path(r, k), "key_path": _plan_path(r, k), "unknown": true} |
		some k in object.get(r, "tags_unknown", [])
		k != "*"
	],
) if {
	r.format == "plan"
	not r.type in {"provider", "aws_autoscaling_group"}
}

# An autoscaling group, also in a plan: its `tag {}` blocks and the list of the old
# `tags` argument.
_written(r) := array.concat(_block_entries(r, "tag"), _block_entries(r, "tags")) if {
	r.type == "aws_autoscaling_group"
}

_written(r) := _map_entries(r, _own_tags_path(r.type)) if {
	r.format == "terraform"
	not r.type in {"provider", "aws_autoscaling_group"}
}

# _own_tags_path(type) is where a resource of `type` writes its own tags (labels).
_own_tags_path(type) := label_paths[type]

_own_tags_path(type) := ["labels"] if {
	not label_paths[type]
	tf.provider_of(type) == "google"
}

_own_tags_path(type) := ["tags"] if tf.provider_of(type) != "google"

# _map_entries(r, base) is the entries of the map at `base`: its known entries, and
# the keys listed as unknown right below it (`["tags", "environment"]`). A `*` there
# means the map may hold more keys, which nobody can name.
_map_entries(r, base) := array.concat(
	[_entry(k, path, path, v) |
		tags := known.at(r.config, base)
		is_object(tags)
		some k, v in tags
		path := array.concat(base, [k])
	],
	[{"key": u[n], "path": u, "key_path": u, "unknown": true} |
		n := count(base)
		some u in object.get(r, "unknown", [])
		count(u) == n + 1
		array.slice(u, 0, n) == base
		u[n] != "*"
	],
)

# _block_entries(r, attr) is the `{key, value}` blocks of the list `attr`; a value is
# unknown when it, or the whole block, is listed in `unknown`. A list that is unknown
# as a whole (a `dynamic "tag"` over a variable) adds nothing here.
_block_entries(r, attr) := [e |
	some i, block in object.get(r.config, attr, [])
	is_string(block.key)
	e := _block_entry(r, attr, i, block)
]

_block_entry(r, attr, i, block) := _entry(block.key, [attr, i, "value"], [attr, i, "key"], block.value) if {
	not _block_value_unknown(r, attr, i)
	known.present(block, ["value"])
}

_block_entry(r, attr, i, block) := {"key": block.key, "path": [attr, i, "value"], "key_path": [attr, i, "key"], "unknown": true} if {
	_block_value_unknown(r, attr, i)
}

_block_value_unknown(r, attr, i) if {
	some u in object.get(r, "unknown", [])
	u in {[attr, i], [attr, i, "value"]}
}

_entry(k, path, key_path, v) := {"key": k, "path": path, "key_path": key_path, "value": v}

# The path of a plan resource's effective tag: its own `tags` (`labels`) entry when it
# writes the key, else the effective map AWS (Google) computed.
_plan_path(r, k) := ["tags", k] if known.present(r.config, ["tags", k])

_plan_path(r, k) := ["labels", k] if {
	not known.present(r.config, ["tags", k])
	known.present(r.config, ["labels", k])
}

_plan_path(r, k) := [attr, k] if {
	not known.present(r.config, ["tags", k])
	not known.present(r.config, ["labels", k])
	attr := _plan_effective_attribute(r.type)
}

_plan_effective_attribute(type) := "effective_labels" if tf.provider_of(type) == "google"

_plan_effective_attribute(type) := "tags_all" if tf.provider_of(type) != "google"

# A provider block's tags always take effect; a resource's own key takes effect when
# its effective tags hold it (the provider's `ignore_tags` drops some keys).
_every_key_takes_effect(r) if r.type == "provider"

# An autoscaling group's blocks are its tags; `ignore_tags` does not apply to them, and
# a plan's effective tags leave them out.
_every_key_takes_effect(r) if r.type == "aws_autoscaling_group"

_every_key_takes_effect(r) if "*" in object.get(r, "tags_unknown", [])

# _effective_keys(r) is the keys of the effective tags with a known, non-null value,
# and those whose value is known only when Terraform runs.
_effective_keys(r) := {k |
	effective := object.get(r, "tags", {})
	is_object(effective)
	some k, v in effective
	v != null
} | {k | some k in object.get(r, "tags_unknown", [])}

# same_key(r, a, b) holds when tag keys `a` and `b` name the same tag on `r`: equal,
# or equal but for case on a provider whose keys compare without case (Azure).
same_key(_, a, b) if a == b

same_key(r, a, b) if {
	tf.provider_of(r.type) in _case_insensitive
	lower(a) == lower(b)
}

# A copy in this package, because regorus 0.14.1 loses the other: once any rule of a
# package has been evaluated in a query, a function of that package that reads a rule
# of an imported package (`tf.tag_keys_case_insensitive`) is undefined. Rules reading
# imported rules, functions calling imported functions, and `data.`-paths are not
# affected.
_case_insensitive := tf.tag_keys_case_insensitive

# normalized_key(k) is `k` in lower case without separators (`-`, `_`, `.`, `:`, `/`,
# blanks): `CostCenter`, `cost_center` and `Cost-Center` all give `costcenter`.
# (Spelled out: regorus is built without the regex crate's Unicode classes, so `\s`,
# `\d`, `\w` and `(?i)` do not compile.)
normalized_key(k) := regex.replace(lower(k), key_separators, "")

# key_separators matches the characters `normalized_key` removes.
key_separators := `[-_.:/ \t]`

# value_text(v) is a tag value as Terraform stores it, a string: tag maps are
# `map(string)`, so `1234` and `true` are converted. Undefined for null, lists and
# maps (not a valid tag value; Terraform rejects them).
value_text(v) := v if is_string(v)

value_text(v) := format_int(v, 10) if {
	is_number(v)
	v == floor(v)
}

value_text(v) := sprintf("%v", [v]) if {
	is_number(v)
	v != floor(v)
}

value_text(v) := sprintf("%v", [v]) if is_boolean(v)
