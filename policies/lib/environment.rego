# Which environment a Terraform resource belongs to, from its effective `environment`
# tag: "production" means the tag is one of `tags.production_values`.
# Rules that apply to production only report a violation when the environment is
# known, and an unverified note when it is not.
package scalegate.lib.environment

# environment(r) is the known value of the effective `environment` tag; undefined
# when the tag is absent or its value is unknown.
environment(r) := value if {
	value := r.tags.environment
	is_string(value)
}

# production(r) holds when the effective `environment` tag is a production value.
production(r) if lower(environment(r)) in {lower(v) | some v in data.scalegate.settings.tags.production_values}

# non_production(r) holds when the environment is known and is not a production value.
non_production(r) if {
	environment(r)
	not production(r)
}

# unknown(r) holds when the environment cannot be told before Terraform runs: the
# `environment` tag's value is unknown, or the tags may hold keys we cannot see and
# `environment` is not among the known ones.
unknown(r) if {
	not environment(r)
	"environment" in object.get(r, "tags_unknown", [])
}

unknown(r) if {
	not environment(r)
	"*" in object.get(r, "tags_unknown", [])
}
