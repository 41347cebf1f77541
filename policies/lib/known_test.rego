package scalegate.lib.known_test

import data.scalegate.lib.known

_r := {
	"id": "aws_s3_bucket.logs",
	"config": {"versioning": [{"enabled": false}], "tags": {"owner": "web"}, "empty": null},
	"unknown": [["tags", "*"], ["logging", 0, "target_bucket"], ["acl"]],
}

test_present_counts_false_but_not_null if {
	known.present(_r.config, ["versioning", 0, "enabled"])
	not known.present(_r.config, ["empty"])
	not known.present(_r.config, ["versioning", 1])
}

test_unknown_follows_wildcards_and_prefixes if {
	known.unknown(_r, ["tags", "cost-center"])
	known.unknown(_r, ["acl", "grant"])
	not known.unknown(_r, ["logging"])
	not known.unknown(_r, ["versioning"])
}

test_missing_only_when_known_to_be_absent if {
	known.missing(_r, ["lifecycle_rule"])
	not known.missing(_r, ["acl"])
	not known.missing(_r, ["logging"])
	not known.missing(_r, ["tags", "cost-center"])
	not known.missing(_r, ["versioning", 0, "enabled"])
}
