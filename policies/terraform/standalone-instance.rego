# METADATA
# title: Compute instance is created on its own
# description: >-
#   An instance created one by one can neither scale out under load nor replace
#   itself when its host fails: capacity is changed by editing code, and a lost
#   machine stays lost until someone notices. An autoscaling group, managed instance
#   group or scale set does both, even at a fixed size of one. Checked types are
#   `aws_instance`, `aws_spot_instance_request`, `google_compute_instance`,
#   `google_compute_instance_from_template` and the Azure virtual machines; an
#   instance is exempt when tagged with the exemption key and a reason (Google labels
#   and Azure tags cannot hold `.` or `/`, so `scalegate_dev_standalone`, the key in
#   lower case with other characters replaced by `_`, counts too), and one finding is
#   reported per block, however many instances its `count` or `for_each` makes.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-STL-005.md
# custom:
#   id: SG-STL-005
#   slug: standalone-instance
#   severity: low
#   input:
#     selector:
#       types: [aws_instance, aws_spot_instance_request, azurerm_linux_virtual_machine, azurerm_virtual_machine, azurerm_windows_virtual_machine, google_compute_instance, google_compute_instance_from_template]
#   remediation: >-
#     Run the instance from a launch template in an autoscaling group (a managed
#     instance group on Google Cloud, a scale set on Azure), e.g. `resource
#     "aws_autoscaling_group" "app" { min_size = 1, max_size = 4, launch_template { id
#     = aws_launch_template.app.id } }`; or, when it must stay one machine, say why with
#     `tags = { "scalegate.dev/standalone" = "licence bound to this host" }`.
package scalegate.rules.standalone_instance

import data.scalegate.lib.index
import data.scalegate.lib.result
import data.scalegate.lib.terraform as tf

# One finding per written block (and module instance), on its first instance:
# the instances of a `count` or `for_each` share the fix.
deny contains finding if {
	some base, ids in index.group([[tf.base_address(r.id), r.id] | some r in _violating])
	r := tf.by_id[min(ids)]
	finding := result.finding(r, [], sprintf(
		"%s is a standalone instance%s: unlike %s it cannot scale out or replace itself; tag it %q with a reason if it must stay one machine",
		[base, _instances(ids), _group_kind[r.type], _exempt_key],
	))
}

deny contains finding if {
	some r in _instances_checked
	not _with_reason(r)
	some key in _blank_keys(r)
	finding := result.finding(r, [_tags_attribute(r), key], sprintf(
		"%s: its %s tag gives no reason; say why it must stay one machine",
		[r.id, key],
	))
}

unverified contains finding if {
	some base, ids in index.group([[tf.base_address(r.id), r.id] | some r in _unverifiable])
	r := tf.by_id[min(ids)]
	finding := result.finding(r, [_tags_attribute(r)], sprintf(
		"%s%s is a standalone instance, and its %s hold keys known only when Terraform runs, which may include %q",
		[base, _instances(ids), _tags_attribute(r), _exempt_key],
	))
}

_exempt_key := data.scalegate.settings.stateless.standalone_exempt_tag

# Google labels and Azure tags cannot hold `.` or `/`: the key in lower case with
# every other character replaced by `_` (`scalegate_dev_standalone`) counts too.
_portable_key := regex.replace(lower(_exempt_key), `[^a-z0-9_-]`, "_")

# What each checked type should be run by instead.
_group_kind := {
	"aws_instance": "an autoscaling group",
	"aws_spot_instance_request": "an autoscaling group",
	"google_compute_instance": "a managed instance group",
	"google_compute_instance_from_template": "a managed instance group",
	"azurerm_linux_virtual_machine": "a scale set",
	"azurerm_windows_virtual_machine": "a scale set",
	"azurerm_virtual_machine": "a scale set",
}

_instances_checked := [r |
	some type, _ in _group_kind
	some r in object.get(tf.by_type, type, [])
	tf.is_managed(r)
]

_violating := [r |
	some r in _instances_checked
	not _with_reason(r)
	count(_blank_keys(r)) == 0
	not tf.tags_may_hold_more(r)
]

_unverifiable := [r |
	some r in _instances_checked
	not _with_reason(r)
	count(_blank_keys(r)) == 0
	tf.tags_may_hold_more(r)
]

# _with_reason(r) holds when `r` carries the exemption key with a reason, or with a
# value known only when Terraform runs: the key alone shows the intent.
_with_reason(r) if {
	some k, v in object.get(r, "tags", {})
	_exemption_key(r, k)
	not _blank(v)
}

_with_reason(r) if {
	some k in object.get(r, "tags_unknown", [])
	_exemption_key(r, k)
}

_with_reason(r) if {
	some u in object.get(r, "unknown", [])
	count(u) == 2
	u[0] == "tags"
	_exemption_key(r, u[1])
}

# _blank_keys(r) is the set of exemption keys of `r` whose value is empty.
_blank_keys(r) := {k |
	some k, v in object.get(r, "tags", {})
	_exemption_key(r, k)
	_blank(v)
}

_blank(v) if trim_space(v) == ""

# _exemption_key(r, k) holds when tag key `k` of `r` is the exemption key, in either
# form; Azure compares keys without case.
_exemption_key(r, k) if {
	some key in {_exempt_key, _portable_key}
	_same_key(r, k, key)
}

_same_key(_, k, key) if k == key

_same_key(r, k, key) if {
	tf.provider_of(r.type) in tf.tag_keys_case_insensitive
	lower(k) == lower(key)
}

_tags_attribute(r) := "labels" if tf.provider_of(r.type) == "google"

_tags_attribute(r) := "tags" if tf.provider_of(r.type) != "google"

_instances(ids) := "" if count(ids) == 1

_instances(ids) := sprintf(" (%d instances)", [count(ids)]) if count(ids) > 1
