package scalegate.lib.images_test

import data.scalegate.lib.images

_digest := "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

test_parse_docker_hub_names if {
	images.parse("nginx") == {"registry": null, "repository": "nginx", "tag": null, "digest": null}
	images.parse("nginx:1.27") == {"registry": null, "repository": "nginx", "tag": "1.27", "digest": null}
	images.parse("bitnami/redis:7.2.4") == {"registry": null, "repository": "bitnami/redis", "tag": "7.2.4", "digest": null}
}

test_parse_registry_with_port_has_no_tag if {
	images.parse("registry:5000/app") == {"registry": "registry:5000", "repository": "app", "tag": null, "digest": null}
	images.parse("registry:5000/team/app:2.1") == {"registry": "registry:5000", "repository": "team/app", "tag": "2.1", "digest": null}
	images.parse("localhost/app") == {"registry": "localhost", "repository": "app", "tag": null, "digest": null}
	images.parse("ghcr.io/org/app:v1") == {"registry": "ghcr.io", "repository": "org/app", "tag": "v1", "digest": null}
}

test_parse_digest if {
	ref := sprintf("ghcr.io/org/app:v1@%s", [_digest])
	images.parse(ref) == {"registry": "ghcr.io", "repository": "org/app", "tag": "v1", "digest": _digest}
	images.has_digest(ref)
	images.has_digest(sprintf("app@%s", [_digest]))
	not images.tag(sprintf("app@%s", [_digest]))
}

test_malformed_digest_is_no_digest if {
	not images.has_digest("app@sha256:abc")
	not images.has_digest("app@latest")
	not images.has_digest("app:1.0")
}

test_tag if {
	images.tag("nginx:1.27") == "1.27"
	images.tag("nginx:latest") == "latest"
	not images.tag("nginx")
	not images.tag("registry:5000/app")
	not images.tag("nginx:")
}

test_pinned if {
	images.pinned("nginx:1.27")
	images.pinned("registry:5000/app:2.1")
	images.pinned(sprintf("app@%s", [_digest]))
	images.pinned(sprintf("app:latest@%s", [_digest]))
	not images.pinned("nginx")
	not images.pinned("nginx:latest")
	not images.pinned("registry:5000/app")
	not images.pinned("nginx:")
	not images.pinned("app@sha256:abc")
}

test_not_a_string if {
	not images.parse(42)
	not images.pinned(null)
}
