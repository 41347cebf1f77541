package scalegate.rules.asg_tag_propagation_test

import data.scalegate.rules.asg_tag_propagation as rule

_resource(id, config, unknown) := {
	"id": id,
	"format": "terraform",
	"type": split(id, ".")[0],
	"name": split(id, ".")[1],
	"namespace": null,
	"provider": "aws",
	"file": "infra/prod/asg.tf",
	"config": config,
	"unknown": unknown,
	"references": {},
	"tags": {},
	"tags_unknown": [],
}

_input(resources) := {"bundle": {"format": "terraform", "path": "infra/prod"}, "resources": resources}

_tag(key, propagate) := {"key": key, "value": "x", "propagate_at_launch": propagate}

_asg(tags, unknown) := _resource("aws_autoscaling_group.web", {"min_size": 2, "max_size": 6, "tag": tags}, unknown)

_all_propagated := [_tag("owner", true), _tag("cost-center", true), _tag("environment", true)]

# -- Autoscaling groups -----------------------------------------------------------

test_deny_required_tag_not_propagated if {
	tags := [_tag("owner", true), _tag("cost-center", false), _tag("environment", true), _tag("Name", false)]
	findings := rule.deny with input as _input([_asg(tags, [])])
	findings == {{
		"resource": "aws_autoscaling_group.web",
		"path": ["tag", 1, "propagate_at_launch"],
		"msg": `aws_autoscaling_group.web: the tag "cost-center" sets propagate_at_launch = false, so the instances it launches do not carry it`,
		"key": "cost-center",
	}}
}

test_deny_block_without_propagate_and_legacy_tags_list if {
	asg := _resource("aws_autoscaling_group.web", {
		"tag": [{"key": "owner", "value": "web-team"}],
		"tags": [
			{"key": "cost-center", "value": "cc-1042", "propagate_at_launch": "false"},
			{"key": "environment", "value": "production", "propagate_at_launch": "true"},
		],
	}, [])
	findings := rule.deny with input as _input([asg])
	findings == {
		{
			"resource": "aws_autoscaling_group.web",
			"path": ["tag", 0, "propagate_at_launch"],
			"msg": `aws_autoscaling_group.web: the tag "owner" does not set propagate_at_launch, so the instances it launches do not carry it`,
			"key": "owner",
		},
		{
			"resource": "aws_autoscaling_group.web",
			"path": ["tags", 0, "propagate_at_launch"],
			"msg": `aws_autoscaling_group.web: the tag "cost-center" sets propagate_at_launch = false, so the instances it launches do not carry it`,
			"key": "cost-center",
		},
	}
}

test_allow_required_tags_propagated if {
	# A second block for a key passes when one of them propagates.
	tags := array.concat(_all_propagated, [_tag("owner", false), _tag("Name", false)])
	inp := _input([_asg(tags, [])])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_required_tag_absent if {
	# A missing required tag is SG-TAG-001's finding, not this rule's.
	inp := _input([_asg([_tag("owner", true)], [])])
	count(rule.deny) == 0 with input as inp
	count(rule.unverified) == 0 with input as inp
}

test_allow_data_source if {
	asg := object.union(_asg([_tag("owner", false)], []), {"id": "data.aws_autoscaling_group.web"})
	count(rule.deny) == 0 with input as _input([asg])
}

test_required_keys_come_from_settings if {
	inp := _input([_asg([_tag("owner", false), _tag("team", false)], [])])
	findings := rule.deny with input as inp with data.scalegate.settings.tags.required as ["team"]
	{f.key | some f in findings} == {"team"}
}

test_unverified_when_propagation_is_unknown if {
	tags := [_tag("owner", true), {"key": "cost-center", "value": "cc-1042"}, _tag("environment", true)]
	inp := _input([_asg(tags, [["tag", 1, "propagate_at_launch"]])])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {{
		"resource": "aws_autoscaling_group.web",
		"path": ["tag"],
		"msg": "aws_autoscaling_group.web: whether its tag blocks propagate the required keys cost-center to the instances it launches is known only when Terraform runs",
	}}
}

test_unverified_when_tag_blocks_are_hidden if {
	inp := _input([
		# dynamic "tag" over a variable, beside a static block
		_asg([_tag("owner", true)], [["tag"]]),
		# a block whose key is a variable
		object.union(_asg([_tag("owner", true), {"value": "x", "propagate_at_launch": false}], [["tag", 1, "key"]]), {"id": "aws_autoscaling_group.api"}),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	{n.resource | some n in notes} == {"aws_autoscaling_group.web", "aws_autoscaling_group.api"}
	some n in notes
	n.msg == "aws_autoscaling_group.web: whether its tag blocks propagate the required keys cost-center, environment to the instances it launches is known only when Terraform runs"
}

test_no_note_when_required_tags_are_known_to_propagate if {
	inp := _input([_asg(_all_propagated, [["tag"]])])
	count(rule.unverified) == 0 with input as inp
}

test_violation_stands_beside_hidden_blocks if {
	inp := _input([_asg([_tag("owner", false)], [["tag"]])])
	{f.key | some f in rule.deny} == {"owner"} with input as inp
}

# -- Launch templates -------------------------------------------------------------

_lt(specs, unknown) := _resource("aws_launch_template.web", {"image_id": "ami-0abc", "tag_specifications": specs}, unknown)

_spec(type, tags) := {"resource_type": type, "tags": tags}

test_deny_launch_template_without_tag_specifications if {
	lt := _resource("aws_launch_template.web", {"image_id": "ami-0abc"}, [])
	findings := rule.deny with input as _input([lt])
	findings == {
		{
			"resource": "aws_launch_template.web",
			"path": ["tag_specifications"],
			"msg": `aws_launch_template.web: no tag_specifications block sets tags for resource_type "instance", so the instances launched from it are tagged only by what an autoscaling group propagates`,
			"key": "instance",
		},
		{
			"resource": "aws_launch_template.web",
			"path": ["tag_specifications"],
			"msg": `aws_launch_template.web: no tag_specifications block sets tags for resource_type "volume", so the EBS volumes of the instances launched from it are untagged`,
			"key": "volume",
		},
	}
}

test_deny_volume_missing_or_without_tags if {
	only_instance := _lt([_spec("instance", {"owner": "web-team"})], [])
	{f.key | some f in rule.deny} == {"volume"} with input as _input([only_instance])
	empty_volume := _lt([_spec("instance", {"owner": "web-team"}), _spec("volume", {})], [])
	{f.key | some f in rule.deny} == {"volume"} with input as _input([empty_volume])
	no_tags := _lt([_spec("instance", {"owner": "web-team"}), {"resource_type": "volume"}], [])
	{f.key | some f in rule.deny} == {"volume"} with input as _input([no_tags])
}

test_allow_instance_and_volume_tagged if {
	lt := _lt([_spec("instance", {"owner": "web-team"}), _spec("volume", {"owner": "web-team"}), _spec("network-interface", {})], [])
	count(rule.deny) == 0 with input as _input([lt])
	count(rule.unverified) == 0 with input as _input([lt])
}

test_allow_spec_tags_known_only_when_terraform_runs if {
	lt := _lt([_spec("instance", {}), {"resource_type": "volume"}], [["tag_specifications", 0, "tags", "*"], ["tag_specifications", 1, "tags"]])
	count(rule.deny) == 0 with input as _input([lt])
	count(rule.unverified) == 0 with input as _input([lt])
}

test_unverified_when_specs_are_hidden if {
	inp := _input([
		# dynamic "tag_specifications" over a variable
		_resource("aws_launch_template.web", {"image_id": "ami-0abc"}, [["tag_specifications"]]),
		# resource_type from a variable
		object.union(_lt([_spec("instance", {"owner": "web-team"}), {"tags": {"owner": "web-team"}}], [["tag_specifications", 1, "resource_type"]]), {"id": "aws_launch_template.api"}),
	])
	count(rule.deny) == 0 with input as inp
	notes := rule.unverified with input as inp
	notes == {
		{
			"resource": "aws_launch_template.web",
			"path": ["tag_specifications"],
			"msg": `aws_launch_template.web: whether tag_specifications set tags for resource_type "instance" and "volume" is known only when Terraform runs`,
		},
		{
			"resource": "aws_launch_template.api",
			"path": ["tag_specifications"],
			"msg": `aws_launch_template.api: whether tag_specifications set tags for resource_type "volume" is known only when Terraform runs`,
		},
	}
}

test_no_note_when_hidden_specs_do_not_matter if {
	lt := _lt([_spec("instance", {"owner": "web-team"}), _spec("volume", {"owner": "web-team"})], [["tag_specifications"]])
	count(rule.unverified) == 0 with input as _input([lt])
}
