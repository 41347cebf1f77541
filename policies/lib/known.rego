# Reading values that may be unknown (docs/architecture.md "Input model"): a value
# Terraform cannot know before running is absent from `config` and its path is
# listed in `unknown`. A rule must not call such a value missing; it reports an
# `unverified` note instead.
package scalegate.lib.known

# at(obj, path) is the value at `path` (keys and array indexes) in `obj`; undefined
# when absent or null, since an empty YAML key (`resources:`) sets nothing.
at(obj, path) := v if {
	v := object.get(obj, path, null)
	v != null
}

# unknown(resource, path) holds when the value at `path` cannot be seen because it,
# or a map or list that holds it, is unknown: `["tags", "*"]` and `["tags"]` both
# hide `["tags", "owner"]`.
unknown(resource, path) if {
	some u in object.get(resource, "unknown", [])
	count(u) <= count(path)
	every i, part in u {
		_part_matches(part, path[i])
	}
}

# present(obj, path) holds when `at(obj, path)` is defined, including when the value
# is `false` (`not at(...)` would call a `false` missing).
present(obj, path) if at(obj, path) != null

# missing(resource, path) holds when the value at `path` is known to be absent: not in
# `config`, not hidden by an unknown value, and nothing below it is unknown (an
# unknown `["resources", "limits", "cpu"]` means `["resources", "limits"]` exists).
missing(resource, path) if {
	not present(resource.config, path)
	not unknown(resource, path)
	not _partly_unknown(resource, path)
}

_partly_unknown(resource, path) if {
	some u in object.get(resource, "unknown", [])
	count(u) > count(path)
	every i, part in path {
		_part_matches(u[i], part)
	}
}

_part_matches(pattern, _) if pattern == "*"

_part_matches(pattern, part) if pattern == part
