# Grouping for the joins of cross-resource rules (docs/architecture.md
# "Performance model": no rule may be quadratic in the bundle size).
package scalegate.lib.index

# group(pairs) turns [[key, value], ...] into {key: [value, ...]}, each list sorted.
#
# The obvious {k: [v | some [k2, v] in pairs; k2 == k] | ...} is quadratic here:
# regorus, unlike OPA, does not index comprehensions. Sorting brings equal keys
# together and each run is sliced out once, so this is O(n log n).
group(pairs) := {sorted[start][0]: [p[1] | some p in array.slice(sorted, start, bounds[b + 1])] |
	sorted := sort(pairs)
	bounds := array.concat([i | some i, _ in sorted; _starts_run(sorted, i)], [count(sorted)])
	some b, start in bounds
	b + 1 < count(bounds)
}

_starts_run(_, i) if i == 0

_starts_run(sorted, i) if sorted[i][0] != sorted[i - 1][0]
