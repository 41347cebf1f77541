package scalegate.lib.environment_test

import data.scalegate.lib.environment

test_production_values_compare_without_case if {
	environment.production({"tags": {"environment": "Prod"}})
	environment.production({"tags": {"environment": "production"}})
}

test_other_values_are_non_production if {
	environment.non_production({"tags": {"environment": "staging"}})
	not environment.production({"tags": {"environment": "staging"}})
}

test_absent_is_neither_and_not_unknown if {
	r := {"tags": {}, "tags_unknown": []}
	not environment.production(r)
	not environment.non_production(r)
	not environment.unknown(r)
}

test_unknown_value_or_open_tags_are_unknown if {
	environment.unknown({"tags": {}, "tags_unknown": ["environment"]})
	environment.unknown({"tags": {"owner": "x"}, "tags_unknown": ["*"]})
	not environment.unknown({"tags": {"environment": "prod"}, "tags_unknown": ["*"]})
}
