# What the AWS rules of the pack (docs/rules/) know about how AWS resources attach
# to one another: which resource names a queue as where failed messages go, and
# which attachment resources (a lifecycle configuration, a scheduled action, a
# cluster instance) belong to which target — by reference, or by the target's name
# written as a plain string. Every join is a lookup in an index built once per
# bundle, so no rule is quadratic (docs/architecture.md "Performance model").
package scalegate.lib.aws_data

import data.scalegate.lib.index
import data.scalegate.lib.known
import data.scalegate.lib.terraform as tf

# This package's functions read the terraform lib's rules through these copies, never
# as `tf.resources`: in regorus 0.14.1, once a rule of this package has been read
# through an import alias (`aws_data.cluster_autoscaler_tag`), the whole package counts
# as evaluated, and a function of it that then reads another package's rule through an
# alias gets undefined (the alias is looked up as a rule of this package). Functions
# calling functions (`tf.base_address`) and rules reading rules are not affected.
_resources := tf.resources

_referrers := tf.referrers

_by_type := tf.by_type

# cluster_autoscaler_tag is the tag that hands an autoscaling group to the Kubernetes
# cluster autoscaler (or Karpenter's ASG support): the cluster sets its capacity, so
# Terraform-side scaling of the group fights it.
cluster_autoscaler_tag := "k8s.io/cluster-autoscaler/enabled"

# dead_letter_targets maps a resource type to the attributes (dotted paths, as in
# `references`) through which it names an SQS queue as where its failed messages or
# events go. A queue named there is a dead-letter queue: AWS puts messages into it
# after they failed elsewhere, and nothing redrives them further.
dead_letter_targets := {
	# jsonencode({deadLetterTargetArn = aws_sqs_queue.dlq.arn, ...})
	"aws_sqs_queue": ["redrive_policy"],
	"aws_sqs_queue_redrive_policy": ["redrive_policy"],
	"aws_sns_topic_subscription": ["redrive_policy"],
	"aws_lambda_function": ["dead_letter_config.0.target_arn"],
	"aws_lambda_event_source_mapping": ["destination_config.0.on_failure.0.destination_arn"],
	"aws_lambda_function_event_invoke_config": ["destination_config.0.on_failure.0.destination"],
	"aws_cloudwatch_event_target": ["dead_letter_config.0.arn"],
	"aws_scheduler_schedule": ["target.0.dead_letter_config.0.arn"],
	"aws_pipes_pipe": ["source_parameters.0.sqs_queue_parameters.0.dead_letter_config.0.arn"],
}

# named_as_dead_letter(queue) holds when a resource of the bundle refers to `queue`
# through one of the `dead_letter_targets` attributes.
named_as_dead_letter(queue) if {
	some type, paths in dead_letter_targets
	some path in paths
	some address in {queue.id, tf.base_address(queue.id)}
	_referrers[[type, path, address]]
}

# attachment_paths lists, per attachment type, the attribute that names its target
# (a name, or an ARN or URL that ends in the name): the attachments `attached` can
# also find by a literal name rather than a reference.
attachment_paths := {
	"aws_s3_bucket_lifecycle_configuration": "bucket",
	"aws_autoscaling_schedule": "autoscaling_group_name",
	"aws_rds_cluster_instance": "cluster_identifier",
	"aws_budgets_budget_action": "budget_name",
	"aws_sqs_queue_redrive_policy": "queue_url",
	"aws_sqs_queue_redrive_allow_policy": "queue_url",
	# `resource_id = "cluster:${aws_rds_cluster.this.cluster_identifier}"`
	"aws_appautoscaling_target": "resource_id",
}

# attached(target, type, path, attribute) is the resources of `type` whose attribute
# `path` refers to `target` (`tf.referencing`), or, for the `attachment_paths`, holds
# a known string whose last `/` or `:` segment is the target's known `attribute`
# (`bucket = "shop-logs"`, `queue_url = "https://sqs.../123456789012/orders"`), in
# input order, each once.
attached(target, type, path, attribute) := [_resources[i] |
	some i in sort(_referring(target, type, path) | _naming(target, type, path, attribute))
]

# _referring(target, type, path) is the indexes of the attachments that refer to
# `target`, by its address or, when their instance was not known, its base address.
_referring(target, type, path) := {i |
	some address in {target.id, tf.base_address(target.id)}
	some i in _referrers[[type, path, address]]
}

# _naming(target, type, path, attribute) is the indexes of the attachments that name
# `target` by the known value of its `attribute`.
_naming(target, type, path, attribute) := {i |
	name := known.at(target.config, [attribute])
	is_string(name)
	some i in _by_name[[type, path, name]]
}

# _by_name maps [type, path, name] to the indexes in `tf.resources` of the attachments
# whose `path` is a known string ending in `name`.
_by_name := index.group([[[r.type, path, last_segment(value)], i] |
	some i, r in _resources
	path := attachment_paths[r.type]
	value := known.at(r.config, [path])
	is_string(value)
])

# last_segment(s) is what follows the last `/` or `:` of `s`, or `s` itself: the
# name at the end of an ARN (`arn:aws:sqs:eu-west-1:123456789012:orders`) or a queue
# URL, and a plain name unchanged.
last_segment(s) := regex.replace(s, `^.*[/:]`, "")

# unresolved(type, attribute) is the resources of `type` whose top-level `attribute`
# is known only when Terraform runs and refers to no resource — only to variables or
# locals (`bucket = var.bucket_name`): they may attach to any target of the bundle,
# so a rule cannot call a target unattached while one exists.
unresolved(type, attribute) := [r |
	some r in _by_type[type]
	tf.is_managed(r)
	known.unknown(r, [attribute])
	not refers_to_resource(r, attribute)
]

# refers_to_resource(r, path) holds when the expression of attribute `path` of `r` (a
# dotted path, as in `references`: `redrive_policy`,
# `notification.0.subscriber_sns_topic_arns`) refers to a resource, data source or
# module output — not only to variables and locals (`references` lists those when it
# cannot resolve them further):
# `jsonencode({deadLetterTargetArn = aws_sqs_queue.dlq.arn})` does,
# `var.redrive_policy` does not.
refers_to_resource(r, path) if {
	some address in object.get(r, ["references", path], [])
	not regex.match(`^(module\.[^.\[]+(\[[^\]]*\])?\.)*(var|local)\.`, address)
}

# may_be_absent(r) holds when `r` may create no object: its `count` or `for_each` is
# known only when Terraform runs (such a resource is kept once, docs/architecture.md
# "Input model").
may_be_absent(r) if known.unknown(r, ["count"])

may_be_absent(r) if known.unknown(r, ["for_each"])

# number_at(obj, path) is the known number at `path` in `obj`, also when written as a
# numeric string (`retention_in_days = "30"`), which Terraform converts for number
# attributes; undefined when absent, unknown or not a number.
number_at(obj, path) := n if {
	n := known.at(obj, path)
	is_number(n)
}

number_at(obj, path) := to_number(s) if {
	s := known.at(obj, path)
	is_string(s)
	regex.match(`^-?[0-9]+(\.[0-9]+)?$`, s)
}
