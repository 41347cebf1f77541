# Container image references, split the way the container runtime reads them
# (the distribution reference grammar: `[registry[:port]/]path[:tag][@digest]`).
#
# The split is not "after the last colon": in `registry:5000/app` the colon belongs to
# the registry's port and the image has no tag, so the runtime pulls `latest`. A tag
# can only follow the last `/`.
package scalegate.lib.images

# parse(ref) is the parts of the image reference `ref`:
# `{"registry": ..., "repository": ..., "tag": ..., "digest": ...}`, each part null
# when the reference does not state it (no registry means the runtime's default, no
# tag means `latest`). `digest` is the text after `@` as written; see `has_digest`.
parse(ref) := {
	"registry": _registry(components),
	"repository": concat("/", array.concat(_path_components(components), [name_and_tag[0]])),
	"tag": _tag(name_and_tag),
	"digest": _digest(ref),
} if {
	is_string(ref)
	components := split(_name_part(ref), "/")
	name_and_tag := split(components[count(components) - 1], ":")
}

# tag(ref) is the tag `ref` states; undefined when it states none (`app`,
# `registry:5000/app`, `app:`, `app@sha256:...`).
tag(ref) := t if {
	t := parse(ref).tag
	t != null
}

# has_digest(ref) holds when `ref` names its content by a well-formed digest
# (`app@sha256:<64 hex>`, with or without a tag), which pins it whatever the tag.
# A reference without one has a null digest, which is not handed to regex.match:
# the builtin's type error comes out undefined all the same, but only after the
# engine has formatted its message, on every container of every bundle.
has_digest(ref) if {
	digest := parse(ref).digest
	is_string(digest)
	regex.match(`^[a-z0-9]+([.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$`, digest)
}

# pinned(ref) holds when `ref` has a digest, or a tag other than `latest`: the image
# a pod runs then does not change when someone pushes.
pinned(ref) if has_digest(ref)

pinned(ref) if {
	not has_digest(ref)
	tag(ref) != "latest"
}

# The name is everything before the first `@`; a digest never contains `/` or `@`.
_name_part(ref) := substring(ref, 0, indexof(ref, "@")) if contains(ref, "@")

_name_part(ref) := ref if not contains(ref, "@")

_digest(ref) := substring(ref, indexof(ref, "@") + 1, -1) if contains(ref, "@")

_digest(ref) := null if not contains(ref, "@")

# The first component is a registry only when something follows it and it looks
# like a host: it has a dot or a port, or is `localhost` (`library/nginx` and
# `bitnami/redis` are Docker Hub paths, not hosts).
_registry(components) := components[0] if {
	count(components) > 1
	_is_host(components[0])
}

_registry(components) := null if not _has_registry(components)

_has_registry(components) if {
	count(components) > 1
	_is_host(components[0])
}

_is_host(c) if contains(c, ".")

_is_host(c) if contains(c, ":")

_is_host(c) if c == "localhost"

# The path components between the registry (if any) and the last component.
_path_components(components) := array.slice(components, 1, count(components) - 1) if _has_registry(components)

_path_components(components) := array.slice(components, 0, count(components) - 1) if not _has_registry(components)

# An empty tag (`app:`, what a template renders from an unset value) states nothing.
_tag(name_and_tag) := name_and_tag[1] if {
	count(name_and_tag) > 1
	name_and_tag[1] != ""
}

_tag(name_and_tag) := null if {
	count(name_and_tag) > 1
	name_and_tag[1] == ""
}

_tag(name_and_tag) := null if count(name_and_tag) == 1
