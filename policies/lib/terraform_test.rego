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
