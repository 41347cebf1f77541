package scalegate.rules.session_affinity_test

import data.scalegate.rules.session_affinity as rule

# _k8s(kind, name, metadata, spec) is a Kubernetes object in namespace "shop".
_k8s(kind, name, metadata, spec) := {
	"id": sprintf("core/%s/shop/%s", [kind, name]),
	"format": "kubernetes",
	"type": kind,
	"name": name,
	"namespace": "shop",
	"provider": null,
	"file": "k8s/web.yaml",
	"config": {
		"apiVersion": "v1",
		"kind": kind,
		"metadata": object.union({"name": name, "namespace": "shop"}, metadata),
		"spec": spec,
	},
	"unknown": [],
	"references": {},
	"tags": {},
}

_service(spec) := _k8s("Service", "web", {}, object.union({"selector": {"app": "web"}, "ports": [{"port": 80}]}, spec))

_annotated(kind, annotations) := _k8s(kind, "web", {"annotations": annotations}, {})

# _tf(id, type, config, unknown, references) is a Terraform resource.
_tf(id, type, config, unknown, references) := {
	"id": id,
	"format": "terraform",
	"type": type,
	"name": "web",
	"namespace": null,
	"provider": "aws",
	"file": "lb.tf",
	"config": config,
	"unknown": unknown,
	"references": references,
	"tags": {},
	"tags_unknown": [],
}

_target_group(stickiness, unknown) := _named_target_group("web", stickiness, unknown)

_named_target_group(name, stickiness, unknown) := _tf(sprintf("aws_lb_target_group.%s", [name]), "aws_lb_target_group", object.union(
	{"name": "web", "port": 8080, "protocol": "HTTP"},
	stickiness,
), unknown, {})

_input(resources) := {"bundle": {"format": "kubernetes", "path": "k8s/shop"}, "resources": resources}

_nginx := "nginx.ingress.kubernetes.io/affinity"

_alb := "alb.ingress.kubernetes.io/target-group-attributes"

_nlb := "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes"

# -- Kubernetes objects ----------------------------------------------------------------

test_deny_service_client_ip if {
	inp := _input([_service({"sessionAffinity": "ClientIP"})])
	findings := rule.deny with input as inp
	findings == {{
		"resource": "core/Service/shop/web",
		"path": ["spec", "sessionAffinity"],
		"msg": `Service "web" sets spec.sessionAffinity to ClientIP: every connection from one client IP goes to the same pod`,
		"key": "session-affinity",
	}}
}

test_allow_service_without_affinity if {
	inp := _input([_service({"sessionAffinity": "None"}), _service({})])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_deny_ingress_nginx_cookie_affinity if {
	inp := _input([_annotated("Ingress", {_nginx: "cookie", "nginx.ingress.kubernetes.io/session-cookie-name": "route"})])
	findings := rule.deny with input as inp
	findings == {{
		"resource": "core/Ingress/shop/web",
		"path": ["metadata", "annotations", _nginx],
		"msg": `Ingress "web" sets the annotation nginx.ingress.kubernetes.io/affinity: ingress-nginx sends each client back to the same pod`,
		"key": _nginx,
	}}
}

test_allow_ingress_without_cookie_affinity if {
	inp := _input([
		_annotated("Ingress", {"kubernetes.io/ingress.class": "nginx"}),
		_annotated("Ingress", {_nginx: "none"}),
		_k8s("Ingress", "bare", {}, {}),
		# ingress-nginx reads its annotations on Ingresses only.
		_annotated("Service", {_nginx: "cookie"}),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_deny_aws_load_balancer_controller_stickiness if {
	inp := _input([
		_k8s("Ingress", "alb", {"annotations": {_alb: "deregistration_delay.timeout_seconds=30, stickiness.enabled = TRUE ,stickiness.lb_cookie.duration_seconds=600"}}, {}),
		_k8s("Service", "nlb", {"annotations": {_nlb: "stickiness.enabled=true,stickiness.type=source_ip"}}, {}),
		_k8s("Service", "backend", {"annotations": {_alb: "stickiness.enabled=true"}}, {}),
	])
	findings := {[f.resource, f.key] | some f in rule.deny} with input as inp
	findings == {
		["core/Ingress/shop/alb", _alb],
		["core/Service/shop/nlb", _nlb],
		["core/Service/shop/backend", _alb],
	}
}

test_allow_aws_load_balancer_controller_without_stickiness if {
	inp := _input([
		_annotated("Ingress", {_alb: "stickiness.enabled=false,deregistration_delay.timeout_seconds=30"}),
		_annotated("Ingress", {_alb: "stickiness.enabled"}),
		# The NLB annotation belongs on Services.
		_annotated("Ingress", {_nlb: "stickiness.enabled=true"}),
		_annotated("Service", {_nlb: "preserve_client_ip.enabled=true"}),
	])
	count(rule.deny) == 0 with input as inp
}

# -- Kubernetes objects written as Terraform -----------------------------------------------

test_deny_terraform_kubernetes_service_and_ingress if {
	service := _tf("kubernetes_service_v1.web", "kubernetes_service_v1", {
		"metadata": [{"name": "web"}],
		"spec": [{"session_affinity": "ClientIP", "selector": {"app": "web"}}],
	}, [], {})
	ingress := _tf("kubernetes_ingress_v1.web", "kubernetes_ingress_v1", {
		"metadata": [{"name": "web", "annotations": {_nginx: "cookie"}}],
		"spec": [{}],
	}, [], {})
	findings := {[f.resource, f.path, f.msg] | some f in rule.deny} with input as _input([service, ingress])
	findings == {
		["kubernetes_service_v1.web", ["spec", 0, "session_affinity"], "kubernetes_service_v1.web sets spec.session_affinity to ClientIP: every connection from one client IP goes to the same pod"],
		["kubernetes_ingress_v1.web", ["metadata", 0, "annotations", _nginx], "kubernetes_ingress_v1.web sets the annotation nginx.ingress.kubernetes.io/affinity: ingress-nginx sends each client back to the same pod"],
	}
}

test_allow_terraform_data_sources_and_other_values if {
	data_source := _tf("data.kubernetes_service.web", "kubernetes_service", {"spec": [{"session_affinity": "ClientIP"}]}, [], {})
	none := _tf("kubernetes_service.web", "kubernetes_service", {"metadata": [{"name": "web"}], "spec": [{"session_affinity": "None"}]}, [], {})
	count(rule.deny) == 0 with input as _input([data_source, none])
	count(rule.unverified) == 0 with input as _input([data_source, none])
}

test_unverified_terraform_kubernetes_values if {
	service := _tf("kubernetes_service_v1.web", "kubernetes_service_v1", {
		"metadata": [{"name": "web"}],
		"spec": [{"selector": {"app": "web"}}],
	}, [["spec", 0, "session_affinity"]], {})
	ingress := _tf("kubernetes_ingress_v1.web", "kubernetes_ingress_v1", {
		"metadata": [{"name": "web", "annotations": {"team": "web"}}],
		"spec": [{}],
	}, [["metadata", 0, "annotations", "*"]], {})
	inp := _input([service, ingress])
	count(rule.deny) == 0 with input as inp
	notes := {[n.resource, n.path, n.msg] | some n in rule.unverified} with input as inp
	notes == {
		["kubernetes_service_v1.web", ["spec", 0, "session_affinity"], "kubernetes_service_v1.web: spec.session_affinity is not known before Terraform runs"],
		["kubernetes_ingress_v1.web", ["metadata", 0, "annotations"], "kubernetes_ingress_v1.web: its annotations are not all known before Terraform runs, so nginx.ingress.kubernetes.io/affinity and alb.ingress.kubernetes.io/target-group-attributes cannot be checked"],
	}
}

test_known_annotation_decides_beside_unknown_ones if {
	ingress := _tf("kubernetes_ingress_v1.web", "kubernetes_ingress_v1", {
		"metadata": [{"name": "web", "annotations": {_nginx: "cookie", _alb: "stickiness.enabled=false"}}],
		"spec": [{}],
	}, [["metadata", 0, "annotations", "*"]], {})
	inp := _input([ingress])
	count(rule.deny) == 1 with input as inp
	count(rule.unverified) == 0 with input as inp
}

# -- Target groups ---------------------------------------------------------------------------

test_deny_target_group_stickiness_enabled_by_default if {
	inp := _input([_target_group({"stickiness": [{"type": "lb_cookie", "cookie_duration": 3600}]}, [])])
	findings := rule.deny with input as inp
	findings == {{
		"resource": "aws_lb_target_group.web",
		"path": ["stickiness", 0, "enabled"],
		"msg": "aws_lb_target_group.web enables stickiness (stickiness.enabled is not set, and it defaults to true): each client is sent back to the same target",
		"key": "stickiness",
	}}
}

test_deny_target_group_stickiness_enabled if {
	inp := _input([
		_target_group({"stickiness": [{"type": "lb_cookie", "enabled": true}]}, []),
		_tf("aws_alb_target_group.old", "aws_alb_target_group", {"stickiness": [{"type": "lb_cookie", "enabled": "true"}]}, [], {}),
	])
	msgs := {f.msg | some f in rule.deny} with input as inp
	msgs == {
		"aws_lb_target_group.web enables stickiness (enabled = true): each client is sent back to the same target",
		"aws_alb_target_group.old enables stickiness (enabled = true): each client is sent back to the same target",
	}
}

test_allow_target_group_without_stickiness if {
	inp := _input([
		_named_target_group("plain", {}, []),
		_named_target_group("disabled", {"stickiness": [{"type": "lb_cookie", "enabled": false}]}, []),
		_named_target_group("empty", {"stickiness": []}, []),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_unverified_target_group_stickiness if {
	enabled := _input([_target_group({"stickiness": [{"type": "lb_cookie"}]}, [["stickiness", 0, "enabled"]])])
	count(rule.deny) == 0 with input as enabled
	notes := rule.unverified with input as enabled
	notes == {{
		"resource": "aws_lb_target_group.web",
		"path": ["stickiness", 0, "enabled"],
		"msg": "aws_lb_target_group.web: stickiness.enabled is not known before Terraform runs",
		"key": "stickiness",
	}}

	# A `dynamic "stickiness"` block whose for_each is unknown.
	block := _input([_target_group({}, [["stickiness"]])])
	count(rule.deny) == 0 with input as block
	[n.path | some n in rule.unverified] == [["stickiness"]] with input as block
}

# -- Classic load balancers ------------------------------------------------------------------

test_deny_classic_stickiness_policies if {
	lb_cookie := _tf("aws_lb_cookie_stickiness_policy.web", "aws_lb_cookie_stickiness_policy", {
		"name": "web", "lb_port": 80, "cookie_expiration_period": 600,
	}, [["load_balancer"]], {"load_balancer": ["aws_elb.web"]})
	app_cookie := _tf("aws_app_cookie_stickiness_policy.web", "aws_app_cookie_stickiness_policy", {
		"name": "web", "load_balancer": "web-elb", "lb_port": 80, "cookie_name": "SESSION",
	}, [], {})
	inp := _input([lb_cookie, app_cookie])
	findings := {[f.resource, f.path, f.msg] | some f in rule.deny} with input as inp
	findings == {
		["aws_lb_cookie_stickiness_policy.web", [], "aws_lb_cookie_stickiness_policy.web makes aws_elb.web send each client back to the same instance"],
		["aws_app_cookie_stickiness_policy.web", [], "aws_app_cookie_stickiness_policy.web makes its classic load balancer send each client back to the same instance"],
	}
}

test_deny_load_balancer_policy_of_stickiness_type if {
	policy := _tf("aws_load_balancer_policy.sticky", "aws_load_balancer_policy", {
		"policy_name": "sticky",
		"policy_type_name": "LBCookieStickinessPolicyType",
		"policy_attribute": [{"name": "CookieExpirationPeriod", "value": "600"}],
	}, [["load_balancer_name"]], {"load_balancer_name": ["aws_elb.web"]})
	findings := rule.deny with input as _input([policy])
	findings == {{
		"resource": "aws_load_balancer_policy.sticky",
		"path": ["policy_type_name"],
		"msg": "aws_load_balancer_policy.sticky is a LBCookieStickinessPolicyType: it makes aws_elb.web send each client back to the same instance",
	}}
}

test_allow_other_load_balancer_policies if {
	tls := _tf("aws_load_balancer_policy.tls", "aws_load_balancer_policy", {
		"policy_name": "tls",
		"policy_type_name": "SSLNegotiationPolicyType",
	}, [], {})
	data_source := _tf("data.aws_lb_cookie_stickiness_policy.web", "aws_lb_cookie_stickiness_policy", {}, [], {})
	count(rule.deny) == 0 with input as _input([tls, data_source])
	count(rule.unverified) == 0 with input as _input([tls, data_source])
}

test_unverified_load_balancer_policy_type if {
	policy := _tf("aws_load_balancer_policy.p", "aws_load_balancer_policy", {"policy_name": "p"}, [["policy_type_name"]], {"policy_type_name": ["var.policy_type"]})
	count(rule.deny) == 0 with input as _input([policy])
	[n.path | some n in rule.unverified] == [["policy_type_name"]] with input as _input([policy])
}
