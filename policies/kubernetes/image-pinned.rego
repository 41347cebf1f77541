# METADATA
# title: Container image is not pinned
# description: >-
#   An image without a tag, or tagged `latest`, is whatever was pushed last: replicas
#   started by a scale-out or a node replacement can run different code from the
#   ones already running, and a rollback has nothing to roll back to. Every
#   container and init container must name a tag other than `latest` or a digest
#   (`@sha256:...`). The reference is parsed as the runtime does: in
#   `registry:5000/app` the colon is the registry's port, not a tag. A container
#   without `image` is left to the tool that fills it in and is not reported.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-K8S-013.md
# custom:
#   id: SG-K8S-013
#   slug: image-pinned
#   severity: medium
#   input:
#     selector:
#       types: [Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod]
#   remediation: >-
#     Name the exact version you tested, by tag or, better, by digest, e.g.
#     `image: registry.example.com/shop/web:1.4.2` or
#     `image: registry.example.com/shop/web@sha256:<digest>`; in a Helm chart,
#     default the tag to the chart's `appVersion` rather than `latest`.
package scalegate.rules.image_pinned

import data.scalegate.lib.images
import data.scalegate.lib.known
import data.scalegate.lib.kubernetes as k8s
import data.scalegate.lib.result
import data.scalegate.lib.scale

deny contains finding if {
	some w in scale.running_workloads
	some entry in k8s.containers(w)
	image := entry.container.image
	is_string(image)
	not images.pinned(image)
	finding := result.finding_with_key(
		w,
		array.concat(entry.path, ["image"]),
		sprintf("%s uses the image %q, %s", [k8s.container_description(entry, w), image, _problem(image)]),
		k8s.container_key(entry),
	)
}

unverified contains finding if {
	some w in scale.running_workloads
	some entry in k8s.containers(w)
	path := array.concat(entry.path, ["image"])
	not known.present(w.config, path)
	known.unknown(w, path)
	finding := result.finding_with_key(
		w,
		path,
		sprintf("%s: its image is not known before deployment", [k8s.container_description(entry, w)]),
		k8s.container_key(entry),
	)
}

_problem(image) := "tagged latest: each pull may run different code" if images.tag(image) == "latest"

_problem(image) := "which has no tag or digest: it runs whatever latest is at pull time" if not images.tag(image)
