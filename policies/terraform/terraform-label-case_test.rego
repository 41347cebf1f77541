package scalegate.rules.terraform_label_case_test

import data.scalegate.rules.terraform_label_case as rule

_block(id, type, name, config) := {
	"id": id,
	"format": "terraform",
	"type": type,
	"name": name,
	"namespace": null,
	"provider": "aws",
	"file": "infra/prod/main.tf",
	"config": config,
	"unknown": [],
	"references": {},
	"tags": {},
}

_input(resources) := {"bundle": {"format": "terraform", "path": "infra/prod"}, "resources": resources}

test_deny_every_kind_of_label if {
	inp := _input([
		_block("aws_lb.WebApp", "aws_lb", "WebApp", {}),
		_block("data.aws_region.current-region", "aws_region", "current-region", {}),
		_block("module.Web", "module", "Web", {"source": "./modules/web"}),
		_block("var.envName", "variable", "envName", {}),
		_block("output.lb__url", "output", "lb__url", {}),
		_block("provider.aws.EuWest", "provider", "aws", {"region": "eu-west-1", "alias": "EuWest"}),
		_block("local.commonTags", "locals", "commonTags", {}),
	])
	findings := rule.deny with input as inp
	findings == {
		{"resource": "aws_lb.WebApp", "path": [], "msg": `resource name "WebApp" is not snake_case (lower-case words joined by single underscores)`},
		{"resource": "data.aws_region.current-region", "path": [], "msg": `data source name "current-region" is not snake_case (lower-case words joined by single underscores)`},
		{"resource": "module.Web", "path": [], "msg": `module name "Web" is not snake_case (lower-case words joined by single underscores)`},
		{"resource": "var.envName", "path": [], "msg": `variable name "envName" is not snake_case (lower-case words joined by single underscores)`},
		{"resource": "output.lb__url", "path": [], "msg": `output name "lb__url" is not snake_case (lower-case words joined by single underscores)`},
		{"resource": "provider.aws.EuWest", "path": ["alias"], "msg": `provider alias "EuWest" is not snake_case (lower-case words joined by single underscores)`},
		{"resource": "local.commonTags", "path": [], "msg": `local value name "commonTags" is not snake_case (lower-case words joined by single underscores)`},
	}
}

test_deny_once_per_block_with_count_or_modules if {
	inp := _input([
		_block("aws_instance.Web[0]", "aws_instance", "Web", {}),
		_block("aws_instance.Web[1]", "aws_instance", "Web", {}),
	])
	findings := rule.deny with input as inp
	findings == {{
		"resource": "aws_instance.Web[0]",
		"path": [],
		"msg": `resource name "Web" is not snake_case (lower-case words joined by single underscores)`,
	}}
}

test_allow_snake_case_and_providers_without_alias if {
	inp := _input([
		_block("aws_lb.web_app", "aws_lb", "web_app", {}),
		_block("data.aws_region.current", "aws_region", "current", {}),
		_block("module.web", "module", "web", {"source": "./modules/web"}),
		_block("var.env2", "variable", "env2", {}),
		_block("provider.aws", "provider", "aws", {"region": "eu-west-1"}),
		_block("provider.aws.eu_west", "provider", "aws", {"alias": "eu_west"}),
		_block("local.common_tags", "locals", "common_tags", {}),
	])
	count(rule.deny) == 0 with input as inp
}

test_allow_kubernetes_objects if {
	deployment := object.union(_block("apps/Deployment/shop/Web", "Deployment", "Web", {}), {"format": "kubernetes"})
	count(rule.deny) == 0 with input as _input([deployment])
}

test_pattern_comes_from_settings if {
	inp := _input([_block("aws_lb.web-app", "aws_lb", "web-app", {})])
	count(rule.deny) == 0 with input as inp with data.scalegate.settings.naming.terraform_labels as `^[a-z][a-z0-9-]*$`
}

test_labels_are_never_unverified if {
	inp := _input([_block("aws_lb.WebApp", "aws_lb", "WebApp", {})])
	count(rule.unverified) == 0 with input as inp
}

# A block with `count = 0` creates nothing, but its label is written: it is checked.
test_deny_label_of_a_block_with_no_instance if {
	queue := object.union(_block("aws_sqs_queue.OrderEvents", "aws_sqs_queue", "OrderEvents", {"count": 0}), {"instances": 0})
	findings := rule.deny with input as _input([queue])
	[f.resource | some f in findings] == ["aws_sqs_queue.OrderEvents"]
}
