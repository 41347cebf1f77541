package scalegate.lib.terraform_test

import data.scalegate.lib.terraform as tf

_r(id, type) := {"id": id, "format": "terraform", "type": type, "name": "x", "config": {}, "unknown": [], "tags": {}}

_input := {"bundle": {"format": "terraform", "path": "infra"}, "resources": [
	_r("aws_s3_bucket.logs", "aws_s3_bucket"),
	_r("aws_s3_bucket.assets", "aws_s3_bucket"),
	_r("data.aws_region.current", "aws_region"),
	_r("module.data.aws_sqs_queue.jobs", "aws_sqs_queue"),
	_r("module.web[\"a.b\"].data.aws_s3_bucket.shared", "aws_s3_bucket"),
	_r("provider.aws", "provider"),
]}

test_by_type_and_by_id if {
	ids := [r.id | some r in tf.by_type.aws_s3_bucket] with input as _input
	ids == ["aws_s3_bucket.logs", "aws_s3_bucket.assets", "module.web[\"a.b\"].data.aws_s3_bucket.shared"]
	tf.by_id["data.aws_region.current"].type == "aws_region" with input as _input
}

test_data_sources_and_managed_resources if {
	ids := [r.id | some r in tf.managed] with input as _input
	ids == ["aws_s3_bucket.logs", "aws_s3_bucket.assets", "module.data.aws_sqs_queue.jobs"]
}

test_taggable_by_provider_list if {
	tf.taggable(_r("aws_s3_bucket.logs", "aws_s3_bucket"))
	tf.taggable(_r("google_storage_bucket.b", "google_storage_bucket"))
	not tf.taggable(_r("aws_route.r", "aws_route"))
	not tf.taggable(_r("data.aws_s3_bucket.b", "aws_s3_bucket"))
	not tf.taggable(_r("provider.aws", "provider"))
}

# _tagged(type, tags, tags_unknown, unknown) is a resource of `type` with the given
# effective tags and unknown tag keys (new `tags_unknown`, old `unknown` paths).
_tagged(type, tags, tags_unknown, unknown) := object.union(_r(sprintf("%s.x", [type]), type), {
	"tags": tags,
	"tags_unknown": tags_unknown,
	"unknown": unknown,
})

test_has_tag_known_keys if {
	r := _tagged("aws_s3_bucket", {"owner": "web-team", "empty": ""}, [], [])
	tf.has_tag(r, "owner")
	tf.has_tag(r, "empty")
	not tf.has_tag(r, "environment")
	not tf.has_tag(r, "Owner")
}

test_has_tag_key_listed_in_tags_unknown if {
	r := _tagged("aws_s3_bucket", {"owner": "web-team"}, ["environment", "*"], [])
	tf.has_tag(r, "environment")
	tf.has_tag(r, "owner")
	not tf.has_tag(r, "cost-center")
}

test_has_tag_key_listed_in_unknown_paths if {
	r := _tagged("aws_s3_bucket", {}, [], [["tags", "environment"], ["tags_all"], ["bucket"]])
	tf.has_tag(r, "environment")
	not tf.has_tag(r, "bucket")
	not tf.has_tag(r, "tags_all")
}

test_has_tag_both_sources_count if {
	r := _tagged("aws_s3_bucket", {"owner": "web-team"}, ["cost-center"], [["tags", "environment"]])
	every key in ["owner", "cost-center", "environment"] {
		tf.has_tag(r, key)
	}
}

test_has_tag_star_is_not_a_key if {
	new := _tagged("aws_s3_bucket", {}, ["*"], [])
	old := _tagged("aws_s3_bucket", {}, [], [["tags", "*"]])
	not tf.has_tag(new, "owner")
	not tf.has_tag(new, "*")
	not tf.has_tag(old, "owner")
	not tf.has_tag(old, "*")
}

test_has_tag_azure_keys_ignore_case_in_every_source if {
	r := _tagged("azurerm_resource_group", {"Owner": "web-team"}, ["COST-CENTER"], [["tags", "Environment"]])
	every key in ["owner", "OWNER", "cost-center", "environment"] {
		tf.has_tag(r, key)
	}
	not tf.has_tag(r, "team")
}

test_has_tag_other_providers_keep_case_in_every_source if {
	r := _tagged("aws_s3_bucket", {"Owner": "web-team"}, ["COST-CENTER"], [["tags", "Environment"]])
	every key in ["owner", "cost-center", "environment"] {
		not tf.has_tag(r, key)
	}
	tf.has_tag(r, "Owner")
	g := _tagged("google_storage_bucket", {"Owner": "web-team"}, [], [])
	not tf.has_tag(g, "owner")
}

test_has_tag_without_tag_fields if {
	# Older or partial entries: no `tags_unknown`, `tags` null or absent.
	bare := {"id": "aws_s3_bucket.x", "format": "plan", "type": "aws_s3_bucket", "config": {}}
	not tf.has_tag(bare, "owner")
	not tf.has_tag(object.union(bare, {"tags": null}), "owner")
	tf.has_tag(object.union(bare, {"unknown": [["tags", "owner"]]}), "owner")
}

test_tags_may_hold_more_from_tags_unknown if {
	tf.tags_may_hold_more(_tagged("aws_s3_bucket", {"owner": "web-team"}, ["*"], []))
	tf.tags_may_hold_more(_tagged("aws_s3_bucket", {}, ["environment", "*"], []))
	not tf.tags_may_hold_more(_tagged("aws_s3_bucket", {}, ["environment"], []))
	not tf.tags_may_hold_more(_tagged("aws_s3_bucket", {"owner": "web-team"}, [], []))
}

test_tags_may_hold_more_from_unknown_paths if {
	tf.tags_may_hold_more(_tagged("aws_s3_bucket", {}, [], [["tags"]]))
	tf.tags_may_hold_more(_tagged("aws_s3_bucket", {}, [], [["tags", "*"]]))
	not tf.tags_may_hold_more(_tagged("aws_s3_bucket", {}, [], [["tags", "owner"]]))
	not tf.tags_may_hold_more(_tagged("aws_s3_bucket", {}, [], [["labels", "*"], ["tags_all"]]))
	not tf.tags_may_hold_more({"id": "aws_s3_bucket.x", "type": "aws_s3_bucket"})
}

test_base_address_drops_the_final_instance_key if {
	tf.base_address("aws_s3_bucket.this[0]") == "aws_s3_bucket.this"
	tf.base_address("aws_s3_bucket.this[12]") == "aws_s3_bucket.this"
	tf.base_address(`aws_instance.web["a"]`) == "aws_instance.web"
	tf.base_address("module.logs.aws_s3_bucket.this[0]") == "module.logs.aws_s3_bucket.this"
	tf.base_address(`module.a[1].aws_s3_bucket.b["k"]`) == "module.a[1].aws_s3_bucket.b"
	tf.base_address(`data.aws_iam_policy_document.p[0]`) == "data.aws_iam_policy_document.p"
	tf.base_address(`module.web["a"]`) == "module.web"
}

test_base_address_keeps_addresses_without_a_final_key if {
	tf.base_address("aws_s3_bucket.this") == "aws_s3_bucket.this"
	tf.base_address(`module.a["x"].aws_s3_bucket.b`) == `module.a["x"].aws_s3_bucket.b`
	tf.base_address("module.a[0].aws_s3_bucket.b") == "module.a[0].aws_s3_bucket.b"
	tf.base_address(`module.m["a[0]"].aws_s3_bucket.b`) == `module.m["a[0]"].aws_s3_bucket.b`
	tf.base_address(`module.m["x].y[0"].aws_s3_bucket.b`) == `module.m["x].y[0"].aws_s3_bucket.b`
}

test_base_address_string_keys_with_brackets_dots_and_escapes if {
	tf.base_address(`aws_instance.web["a.b[0]"]`) == "aws_instance.web"
	tf.base_address(`aws_instance.web["]"]`) == "aws_instance.web"
	tf.base_address(`aws_instance.web["["]`) == "aws_instance.web"
	tf.base_address(`aws_instance.web[""]`) == "aws_instance.web"
	tf.base_address(`module.m["a.b"].aws_instance.web["c[1]"]`) == `module.m["a.b"].aws_instance.web`

	# Escaped quotes and backslashes, as Terraform renders `say "hi"]` and `a\`.
	tf.base_address(`aws_instance.web["say \"hi\"]"]`) == "aws_instance.web"
	tf.base_address(`aws_instance.web["a\\"]`) == "aws_instance.web"
	tf.base_address(`aws_instance.web["x\"][0]"]`) == "aws_instance.web"
}

test_base_address_leaves_what_does_not_parse if {
	tf.base_address("aws_instance.web[abc]") == "aws_instance.web[abc]"
	tf.base_address(`aws_instance.web["open]`) == `aws_instance.web["open]`
	tf.base_address(`aws_instance.web["a"b"]`) == `aws_instance.web["a"b"]`
	tf.base_address("") == ""
}

# _ref(id, type, references) is a resource of `type` with the given references.
_ref(id, type, references) := object.union(_r(id, type), {"references": references})

_lc := "aws_s3_bucket_lifecycle_configuration"

# _lifecycle(id, references) is a lifecycle configuration. The inputs below build
# theirs through this function and not through `_lc`: in regorus 0.14.1 a rule used
# both in a `with input as` value and in the expression under it is undefined there.
_lifecycle(id, references) := _ref(id, "aws_s3_bucket_lifecycle_configuration", references)

test_refers_to_exact_address if {
	bucket := _r("aws_s3_bucket.logs", "aws_s3_bucket")
	lc := _lifecycle("aws_s3_bucket_lifecycle_configuration.logs", {
		"bucket": ["aws_s3_bucket.logs"],
		"rule.0.filter.0.prefix": ["local.prefix", "aws_s3_bucket.logs"],
	})
	tf.refers_to(lc, "bucket", bucket)
	tf.refers_to(lc, "rule.0.filter.0.prefix", bucket)
	not tf.refers_to(lc, "expected_bucket_owner", bucket)
	not tf.refers_to(lc, "bucket", _r("aws_s3_bucket.logs_archive", "aws_s3_bucket"))
	not tf.refers_to(lc, "bucket", _r("aws_s3_bucket.log", "aws_s3_bucket"))
	not tf.refers_to(lc, "bucket", _r("module.x.aws_s3_bucket.logs", "aws_s3_bucket"))
}

test_refers_to_instances if {
	exact := _lifecycle("aws_s3_bucket_lifecycle_configuration.a", {"bucket": ["module.logs.aws_s3_bucket.this[0]"]})
	base := _lifecycle("aws_s3_bucket_lifecycle_configuration.b", {"bucket": ["module.logs.aws_s3_bucket.this"]})
	first := _r("module.logs.aws_s3_bucket.this[0]", "aws_s3_bucket")
	second := _r("module.logs.aws_s3_bucket.this[1]", "aws_s3_bucket")
	unexpanded := _r("module.logs.aws_s3_bucket.this", "aws_s3_bucket")

	tf.refers_to(exact, "bucket", first)
	not tf.refers_to(exact, "bucket", second)
	not tf.refers_to(exact, "bucket", unexpanded)

	# The instance is not known: the base address refers to every instance.
	tf.refers_to(base, "bucket", first)
	tf.refers_to(base, "bucket", second)
	tf.refers_to(base, "bucket", unexpanded)

	# Not a root bucket of the same name.
	not tf.refers_to(base, "bucket", _r("aws_s3_bucket.this[0]", "aws_s3_bucket"))
}

test_refers_to_string_keys if {
	bucket := _r(`aws_s3_bucket.b["a.b[0]"]`, "aws_s3_bucket")
	tf.refers_to(_lifecycle("x.y", {"bucket": [`aws_s3_bucket.b["a.b[0]"]`]}), "bucket", bucket)
	tf.refers_to(_lifecycle("x.y", {"bucket": ["aws_s3_bucket.b"]}), "bucket", bucket)
	not tf.refers_to(_lifecycle("x.y", {"bucket": [`aws_s3_bucket.b["a.b"]`]}), "bucket", bucket)
	not tf.refers_to(_lifecycle("x.y", {"bucket": [`aws_s3_bucket.b["a"]`]}), "bucket", bucket)
}

test_refers_to_without_references if {
	bucket := _r("aws_s3_bucket.logs", "aws_s3_bucket")
	not tf.refers_to(_r("aws_s3_bucket_lifecycle_configuration.x", _lc), "bucket", bucket)
	not tf.refers_to(_lifecycle("aws_s3_bucket_lifecycle_configuration.x", {"bucket": []}), "bucket", bucket)
}

_ids(resources) := [r.id | some r in resources]

_bucket_input := {"bundle": {"format": "terraform", "path": "infra"}, "resources": [
	_r("aws_s3_bucket.logs", "aws_s3_bucket"),
	_r("aws_s3_bucket.assets", "aws_s3_bucket"),
	_lifecycle("aws_s3_bucket_lifecycle_configuration.assets", {"bucket": ["aws_s3_bucket.assets"]}),
	_lifecycle("aws_s3_bucket_lifecycle_configuration.logs", {"bucket": ["aws_s3_bucket.logs"]}),
	# Refers to the bucket, but through another attribute or from another type.
	_lifecycle("aws_s3_bucket_lifecycle_configuration.other", {"expected_bucket_owner": ["aws_s3_bucket.logs"]}),
	_ref("aws_s3_bucket_policy.logs", "aws_s3_bucket_policy", {"bucket": ["aws_s3_bucket.logs"]}),
	# Kubernetes entries are not Terraform resources.
	{"id": "core/ConfigMap/_/x", "format": "kubernetes", "type": "ConfigMap", "references": {"bucket": ["aws_s3_bucket.logs"]}},
]}

test_referencing_one_config_refers_one_does_not if {
	logs := tf.by_id["aws_s3_bucket.logs"] with input as _bucket_input
	assets := tf.by_id["aws_s3_bucket.assets"] with input as _bucket_input
	ids_logs := _ids(tf.referencing(logs, _lc, "bucket")) with input as _bucket_input
	ids_logs == ["aws_s3_bucket_lifecycle_configuration.logs"]
	ids_assets := _ids(tf.referencing(assets, _lc, "bucket")) with input as _bucket_input
	ids_assets == ["aws_s3_bucket_lifecycle_configuration.assets"]
	policies := _ids(tf.referencing(logs, "aws_s3_bucket_policy", "bucket")) with input as _bucket_input
	policies == ["aws_s3_bucket_policy.logs"]
	other := _ids(tf.referencing(logs, _lc, "expected_bucket_owner")) with input as _bucket_input
	other == ["aws_s3_bucket_lifecycle_configuration.other"]
}

test_referencing_nothing_is_empty if {
	none := tf.referencing(_r("aws_s3_bucket.gone", "aws_s3_bucket"), _lc, "bucket") with input as _bucket_input
	none == []
	no_type := tf.referencing(_r("aws_s3_bucket.logs", "aws_s3_bucket"), "aws_s3_bucket_versioning", "bucket") with input as _bucket_input
	no_type == []
}

_module_input := {"bundle": {"format": "terraform", "path": "infra"}, "resources": [
	_r("module.logs.aws_s3_bucket.this[0]", "aws_s3_bucket"),
	_r("module.logs.aws_s3_bucket.this[1]", "aws_s3_bucket"),
	_r("aws_s3_bucket.this[0]", "aws_s3_bucket"),
	# Input order differs from address order on purpose.
	_lifecycle("module.logs.aws_s3_bucket_lifecycle_configuration.z", {"bucket": ["module.logs.aws_s3_bucket.this"]}),
	_lifecycle("module.logs.aws_s3_bucket_lifecycle_configuration.a[0]", {"bucket": ["module.logs.aws_s3_bucket.this[0]"]}),
	_lifecycle("module.logs.aws_s3_bucket_lifecycle_configuration.a[1]", {"bucket": ["module.logs.aws_s3_bucket.this[1]"]}),
	# Refers to the instance and to the base address: listed once.
	_lifecycle("aws_s3_bucket_lifecycle_configuration.both", {"bucket": [
		"module.logs.aws_s3_bucket.this[0]",
		"module.logs.aws_s3_bucket.this",
		"module.logs.aws_s3_bucket.this[0]",
	]}),
	_lifecycle("aws_s3_bucket_lifecycle_configuration.root", {"bucket": ["aws_s3_bucket.this[0]"]}),
]}

test_referencing_module_prefixed_bucket if {
	first := tf.by_id["module.logs.aws_s3_bucket.this[0]"] with input as _module_input
	second := tf.by_id["module.logs.aws_s3_bucket.this[1]"] with input as _module_input
	root := tf.by_id["aws_s3_bucket.this[0]"] with input as _module_input

	ids_first := _ids(tf.referencing(first, _lc, "bucket")) with input as _module_input
	ids_first == [
		"module.logs.aws_s3_bucket_lifecycle_configuration.z",
		"module.logs.aws_s3_bucket_lifecycle_configuration.a[0]",
		"aws_s3_bucket_lifecycle_configuration.both",
	]
	ids_second := _ids(tf.referencing(second, _lc, "bucket")) with input as _module_input
	ids_second == [
		"module.logs.aws_s3_bucket_lifecycle_configuration.z",
		"module.logs.aws_s3_bucket_lifecycle_configuration.a[1]",
		"aws_s3_bucket_lifecycle_configuration.both",
	]
	ids_root := _ids(tf.referencing(root, _lc, "bucket")) with input as _module_input
	ids_root == ["aws_s3_bucket_lifecycle_configuration.root"]
}

test_referencing_agrees_with_refers_to if {
	every target in [r | some r in _module_input.resources; r.type == "aws_s3_bucket"] {
		got := {r.id | some r in tf.referencing(target, _lc, "bucket")} with input as _module_input
		want := {r.id | some r in _module_input.resources; r.type == _lc; tf.refers_to(r, "bucket", target)}
		got == want
	}
}

test_referrers_index if {
	refs := tf.referrers with input as _bucket_input
	refs[[_lc, "bucket", "aws_s3_bucket.logs"]] == [3]
	refs[["aws_s3_bucket_policy", "bucket", "aws_s3_bucket.logs"]] == [5]
	not refs[["ConfigMap", "bucket", "aws_s3_bucket.logs"]]
}

# A block whose count or for_each is known to be empty is a declaration only: rules
# about values never see it through `resources`, `by_type`, `by_id` or `managed`.
test_blocks_with_no_instance_are_declarations_only if {
	none := {"id": "aws_sqs_queue.off", "format": "terraform", "type": "aws_sqs_queue", "name": "off", "config": {}, "instances": 0}
	one := {"id": "aws_sqs_queue.on[0]", "format": "terraform", "type": "aws_sqs_queue", "name": "on", "config": {}}
	inp := {"resources": [none, one]}
	[r.id | some r in tf.declarations] == ["aws_sqs_queue.off", "aws_sqs_queue.on[0]"] with input as inp
	[r.id | some r in tf.resources] == ["aws_sqs_queue.on[0]"] with input as inp
	[r.id | some r in tf.managed] == ["aws_sqs_queue.on[0]"] with input as inp
	not tf.by_id["aws_sqs_queue.off"] with input as inp
	tf.creates_nothing(none)
	not tf.creates_nothing(one)
}
