package scalegate.lib.index_test

import data.scalegate.lib.index

test_group_collects_values_per_key if {
	index.group([["b", 2], ["a", 1], ["b", 1], [["x", null], 3]]) == {"a": [1], "b": [1, 2], ["x", null]: [3]}
}

test_group_of_nothing_is_empty if {
	index.group([]) == {}
}

test_group_keeps_duplicates if {
	index.group([["a", 1], ["a", 1]]) == {"a": [1, 1]}
}
