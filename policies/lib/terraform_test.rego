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
