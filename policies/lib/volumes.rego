# Pod volumes and the PersistentVolumeClaims they name: which volumes a workload's
# pods mount, which claim of the bundle a `claimName` resolves to, and whether that
# claim's volume can be attached to more than one node.
#
# Claims are looked up through an index keyed by namespace and name, built once per
# bundle, so a rule that follows every pod's claims stays linear
# (docs/architecture.md "Performance model").
package scalegate.lib.volumes

import data.scalegate.lib.index
import data.scalegate.lib.known
import data.scalegate.lib.kubernetes as k8s

# volumes_path(w) is the path of the pod spec's `volumes` list in `w.config`.
volumes_path(w) := array.concat(k8s.pod_spec_path(w), ["volumes"])

# volumes(w) is every volume of the pod spec of `w`, in order, as
# `{"volume": v, "path": [...]}` with `path` the volume's path in `w.config`; `[]`
# when the pod spec has no volumes.
volumes(w) := [{"volume": v, "path": array.concat(base, [i])} |
	base := volumes_path(w)
	some i, v in _list(object.get(w.config, base, []))
	is_object(v)
]

# volume_label(entry) names a volume of `volumes(w)` for messages: its name quoted
# (`"data"`), or its position (`#0`) when it has no name, so that a rule reports a
# volume it cannot name rather than saying nothing.
volume_label(entry) := sprintf("%q", [entry.volume.name]) if is_string(entry.volume.name)

volume_label(entry) := sprintf("#%d", [entry.path[count(entry.path) - 1]]) if not is_string(entry.volume.name)

# volume_key(entry) tells a volume apart from the others of its pod, for the `key`
# of a finding: its name, or `volumes[0]` when it has none.
volume_key(entry) := entry.volume.name if is_string(entry.volume.name)

volume_key(entry) := sprintf("volumes[%d]", [entry.path[count(entry.path) - 1]]) if not is_string(entry.volume.name)

# -- PersistentVolumeClaims -----------------------------------------------------

# claims is every PersistentVolumeClaim of the bundle, in input order.
claims := [c | some c in k8s.objects; c.type == "PersistentVolumeClaim"]

# Each claim is indexed under [namespace, name], and under ["*", name] for pods
# without a namespace (see `claims_for`). "*" is not a valid namespace name, so the
# two kinds of key cannot collide.
_claims_index := index.group([[key, i] |
	some i, c in claims
	some key in [[k8s.namespace(c), c.name], ["*", c.name]]
])

# claims_for(ns, name) is the claims of the bundle that a pod in namespace `ns`
# (null when unset) gets when it names the claim `name`, in input order: those in
# its namespace, and those without a namespace — an object without one is applied
# into whatever namespace the bundle is (`kubectl apply -n`, `helm install
# --namespace`), which is the pod's. A pod without a namespace matches a claim of
# that name in any namespace, for the same reason. `[]` when the claim is not in the
# bundle.
claims_for(ns, name) := [claims[i] | some i in sort(_claim_indexes(ns, name))]

_claim_indexes(ns, name) := {i |
	some key in _claim_keys(ns, name)
	some i in object.get(_claims_index, [key], [])
}

_claim_keys(ns, name) := [[ns, name], [null, name]] if ns != null

_claim_keys(ns, name) := [["*", name]] if ns == null

# access_modes(c) is the set of `spec.accessModes` of the claim `c`; empty when unset.
access_modes(c) := {m | some m in _list(object.get(c.config, ["spec", "accessModes"], [])); is_string(m)}

# multi_node_modes is the access modes that let a volume be attached to several
# nodes at once.
multi_node_modes := {"ReadWriteMany", "ReadOnlyMany"}

# single_node(c) holds when the volume of claim `c` can be attached to one node at a
# time: `ReadWriteOncePod` (one pod at all), or `ReadWriteOnce` without a many-node
# mode beside it — the attach/detach controller's own test
# (`IsMultiAttachAllowed`: any ReadWriteMany or ReadOnlyMany mode allows it).
single_node(c) if "ReadWriteOncePod" in access_modes(c)

single_node(c) if {
	modes := access_modes(c)
	"ReadWriteOnce" in modes
	count(modes & multi_node_modes) == 0
}

# single_node_mode(c) names the mode that makes `c` single-node, for messages:
# `ReadWriteOncePod` when present, else `ReadWriteOnce`.
single_node_mode(c) := "ReadWriteOncePod" if "ReadWriteOncePod" in access_modes(c)

single_node_mode(c) := "ReadWriteOnce" if not "ReadWriteOncePod" in access_modes(c)

# claim_name(volume) is the `persistentVolumeClaim.claimName` of a pod volume;
# undefined for other volume types or when the name is not a known string.
claim_name(volume) := name if {
	name := known.at(volume, ["persistentVolumeClaim", "claimName"])
	is_string(name)
}

_list(x) := x if is_array(x)

_list(x) := [] if not is_array(x)
