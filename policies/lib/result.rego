# The one place a finding's shape is defined (docs/architecture.md "Policies"): every
# rule builds its
# `deny` and `unverified` entries through these functions, so a change of shape is
# one edit here and not one per rule.
package scalegate.lib.result

# finding(resource, path, msg) is a finding on `resource` at `path`, an array of keys
# and indexes into the resource's config (`[]` points at the resource header).
finding(resource, path, msg) := {"resource": resource.id, "path": path, "msg": msg}

# finding_with_key(resource, path, msg, key) adds `key`, a short string that tells two
# findings of one rule on one resource apart, so their fingerprints stay stable when
# one of them goes away.
finding_with_key(resource, path, msg, key) := {
	"resource": resource.id,
	"path": path,
	"msg": msg,
	"key": key,
}
