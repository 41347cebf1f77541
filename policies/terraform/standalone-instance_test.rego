package scalegate.rules.standalone_instance_test

import data.scalegate.rules.standalone_instance as rule

# _vm(id, type, tags, tags_unknown) is a compute instance with the given effective
# tags (labels on Google).
_vm(id, type, tags, tags_unknown) := {
	"id": id,
	"format": "terraform",
	"type": type,
	"name": "x",
	"namespace": null,
	"provider": split(type, "_")[0],
	"file": "main.tf",
	"config": {},
	"unknown": [],
	"references": {},
	"tags": tags,
	"tags_unknown": tags_unknown,
}

_input(resources) := {"bundle": {"format": "terraform", "path": "infra"}, "resources": resources}

test_deny_standalone_instances if {
	inp := _input([
		_vm("aws_instance.web", "aws_instance", {"owner": "web-team"}, []),
		_vm("google_compute_instance.worker", "google_compute_instance", {}, []),
		_vm("azurerm_linux_virtual_machine.app", "azurerm_linux_virtual_machine", {}, []),
	])
	findings := rule.deny with input as inp
	findings == {
		{
			"resource": "aws_instance.web",
			"path": [],
			"msg": `aws_instance.web is a standalone instance: unlike an autoscaling group it cannot scale out or replace itself; tag it "scalegate.dev/standalone" with a reason if it must stay one machine`,
		},
		{
			"resource": "google_compute_instance.worker",
			"path": [],
			"msg": `google_compute_instance.worker is a standalone instance: unlike a managed instance group it cannot scale out or replace itself; tag it "scalegate.dev/standalone" with a reason if it must stay one machine`,
		},
		{
			"resource": "azurerm_linux_virtual_machine.app",
			"path": [],
			"msg": `azurerm_linux_virtual_machine.app is a standalone instance: unlike a scale set it cannot scale out or replace itself; tag it "scalegate.dev/standalone" with a reason if it must stay one machine`,
		},
	}
	count(rule.unverified) == 0 with input as inp
}

test_deny_once_per_block if {
	inp := _input([
		_vm("aws_instance.web[0]", "aws_instance", {}, []),
		_vm("aws_instance.web[1]", "aws_instance", {}, []),
		_vm("aws_instance.web[2]", "aws_instance", {}, []),
		_vm(`module.a["x"].aws_instance.this`, "aws_instance", {}, []),
	])
	findings := rule.deny with input as inp
	{[f.resource, f.msg] | some f in findings} == {
		["aws_instance.web[0]", `aws_instance.web is a standalone instance (3 instances): unlike an autoscaling group it cannot scale out or replace itself; tag it "scalegate.dev/standalone" with a reason if it must stay one machine`],
		[`module.a["x"].aws_instance.this`, `module.a["x"].aws_instance.this is a standalone instance: unlike an autoscaling group it cannot scale out or replace itself; tag it "scalegate.dev/standalone" with a reason if it must stay one machine`],
	}
}

test_deny_exemption_without_a_reason if {
	inp := _input([_vm("aws_instance.bastion", "aws_instance", {"scalegate.dev/standalone": "  "}, [])])
	findings := rule.deny with input as inp
	findings == {{
		"resource": "aws_instance.bastion",
		"path": ["tags", "scalegate.dev/standalone"],
		"msg": "aws_instance.bastion: its scalegate.dev/standalone tag gives no reason; say why it must stay one machine",
	}}
}

test_allow_exempt_instances if {
	inp := _input([
		_vm("aws_instance.licence", "aws_instance", {"scalegate.dev/standalone": "licence bound to the MAC address"}, []),
		# A reason known only when Terraform runs.
		_vm("aws_instance.vars", "aws_instance", {}, ["scalegate.dev/standalone"]),
		# Google labels cannot hold `.` or `/`.
		_vm("google_compute_instance.db", "google_compute_instance", {"scalegate_dev_standalone": "single-writer"}, []),
		# Azure keys compare without case.
		_vm("azurerm_windows_virtual_machine.ad", "azurerm_windows_virtual_machine", {"Scalegate_Dev_Standalone": "domain-controller"}, []),
		# Not compute instances, or not managed here.
		_vm("aws_launch_template.app", "aws_launch_template", {}, []),
		_vm("data.aws_instance.legacy", "aws_instance", {}, []),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_exempt_key_comes_from_settings if {
	inp := _input([_vm("aws_instance.web", "aws_instance", {"standalone-ok": "yes"}, [])])
	count(rule.deny) == 0 with input as inp with data.scalegate.settings.stateless.standalone_exempt_tag as "standalone-ok"
	count(rule.deny) == 1 with input as inp
}

test_exact_key_on_aws_only_with_its_case if {
	inp := _input([_vm("aws_instance.web", "aws_instance", {"Scalegate.dev/Standalone": "reason"}, [])])
	count(rule.deny) == 1 with input as inp
}

test_unverified_tags_may_hold_the_exemption if {
	inp := _input([
		_vm("aws_instance.web[0]", "aws_instance", {"owner": "web-team"}, ["*"]),
		_vm("aws_instance.web[1]", "aws_instance", {"owner": "web-team"}, ["*"]),
		_vm("google_compute_instance.worker", "google_compute_instance", {}, ["*"]),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {
		{
			"resource": "aws_instance.web[0]",
			"path": ["tags"],
			"msg": `aws_instance.web (2 instances) is a standalone instance, and its tags hold keys known only when Terraform runs, which may include "scalegate.dev/standalone"`,
		},
		{
			"resource": "google_compute_instance.worker",
			"path": ["labels"],
			"msg": `google_compute_instance.worker is a standalone instance, and its labels hold keys known only when Terraform runs, which may include "scalegate.dev/standalone"`,
		},
	}
}
