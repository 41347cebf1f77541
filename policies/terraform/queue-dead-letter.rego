# METADATA
# title: SQS queue has no dead-letter queue
# description: >-
#   Without a redrive policy, a message its consumers cannot process is received
#   again and again until it expires: it takes consumer capacity from good messages,
#   hides the failure, and is then lost. A queue is a dead-letter queue itself, and
#   not checked, when something names it as where failed messages go: another
#   queue's `redrive_policy` (inline or `aws_sqs_queue_redrive_policy`), a redrive
#   allow policy, an SNS subscription, or a Lambda, EventBridge, Scheduler or Pipes
#   dead-letter or on-failure destination.
# related_resources:
#   - ref: https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-AWS-010.md
# custom:
#   id: SG-AWS-010
#   slug: queue-dead-letter
#   severity: medium
#   input:
#     selector:
#       types: [aws_sqs_queue, aws_sqs_queue_redrive_policy, aws_sqs_queue_redrive_allow_policy, aws_sns_topic_subscription]
#   remediation: >-
#     Create a dead-letter queue and point the queue's `redrive_policy` at it, e.g.
#     `resource "aws_sqs_queue" "orders_dlq" { name = "orders-dlq" }` and, in
#     `aws_sqs_queue.orders`, `redrive_policy = jsonencode({ deadLetterTargetArn =
#     aws_sqs_queue.orders_dlq.arn, maxReceiveCount = 5 })`.
package scalegate.rules.queue_dead_letter

import data.scalegate.lib.aws_data
import data.scalegate.lib.known
import data.scalegate.lib.result
import data.scalegate.lib.terraform as tf

deny contains finding if {
	some q in _checked
	not _has_redrive(q)
	count(_doubts(q)) == 0
	finding := result.finding(q, ["redrive_policy"], _violation_message(q))
}

unverified contains finding if {
	some q in _checked
	not _has_redrive(q)
	doubts := _doubts(q)
	count(doubts) > 0
	finding := result.finding(q, ["redrive_policy"], sprintf(
		"%s: whether it has a dead-letter queue is known only when Terraform runs: %s",
		[q.id, concat("; ", sort(doubts))],
	))
}

_checked := [q |
	some q in tf.by_type.aws_sqs_queue
	tf.is_managed(q)
	not _dead_letter_queue(q)
]

_violation_message(q) := sprintf(
	"%s sets a redrive_policy without deadLetterTargetArn, so a message that keeps failing is retried until it expires",
	[q.id],
) if {
	_policy_without_target(q)
}

_violation_message(q) := sprintf(
	"%s has no redrive_policy (inline or aws_sqs_queue_redrive_policy), so a message that keeps failing is retried until it expires",
	[q.id],
) if {
	not _policy_without_target(q)
}

# A known JSON policy that names no dead-letter queue (`"{}"`); `""` is no policy.
_policy_without_target(q) if {
	policy := known.at(q.config, ["redrive_policy"])
	_names_no_target(policy)
	policy != ""
}

# _names_no_target(policy) holds for a known redrive policy that is empty, or JSON
# without a deadLetterTargetArn. Text that is not JSON is left to AWS to reject.
_names_no_target(policy) if policy == ""

_names_no_target(policy) if {
	json.is_valid(policy)
	not _target_arn(policy)
}

_target_arn(policy) := arn if {
	arn := json.unmarshal(policy).deadLetterTargetArn
	is_string(arn)
	arn != ""
}

# The queue names its dead-letter queue: a known policy with a target, or one known
# only when Terraform runs that refers to a queue (the usual `jsonencode`).
_has_redrive(q) if {
	policy := known.at(q.config, ["redrive_policy"])
	is_string(policy)
	not _names_no_target(policy)
}

_has_redrive(q) if {
	known.unknown(q, ["redrive_policy"])
	aws_data.refers_to_resource(q, "redrive_policy")
}

_has_redrive(q) if {
	some p in _redrive_policies(q)
	not aws_data.may_be_absent(p)
}

_redrive_policies(q) := aws_data.attached(q, "aws_sqs_queue_redrive_policy", "queue_url", "name")

# _doubts(q) is why the queue may have a dead-letter queue after all, one phrase each.
_doubts(q) := {d | some d in _own_doubts(q)} | {d | some d in _attached_doubts(q)} | {d | some d in _unresolved_doubts}

_own_doubts(q) := [sprintf("its redrive_policy comes from %s", [concat(", ", refs)]) |
	known.unknown(q, ["redrive_policy"])
	not aws_data.refers_to_resource(q, "redrive_policy")
	refs := _refs_or_expression(q, "redrive_policy")
]

_refs_or_expression(r, attribute) := refs if {
	refs := object.get(r, ["references", attribute], [])
	count(refs) > 0
} else := ["an expression"]

_attached_doubts(q) := [sprintf("%s may not be created (its count or for_each is known only when Terraform runs)", [p.id]) |
	some p in _redrive_policies(q)
	aws_data.may_be_absent(p)
]

# A redrive policy resource whose queue_url is a variable may belong to any queue here.
_unresolved_doubts := [sprintf("%s names its queue by a value known only when Terraform runs", [p.id]) |
	some p in aws_data.unresolved("aws_sqs_queue_redrive_policy", "queue_url")
]

# _dead_letter_queue(q) holds when something names `q` as where failed messages go,
# or `q` allows other queues to use it as theirs.
_dead_letter_queue(q) if aws_data.named_as_dead_letter(q)

_dead_letter_queue(q) if {
	name := known.at(q.config, ["name"])
	name in _literal_dead_letter_names
}

_dead_letter_queue(q) if _allows_redrive(q, "redrive_allow_policy")

_dead_letter_queue(q) if {
	some p in aws_data.attached(q, "aws_sqs_queue_redrive_allow_policy", "queue_url", "name")
	_allows_redrive(p, "redrive_allow_policy")
}

# The queue names of the dead-letter targets written as literal ARNs in known
# redrive policies: built once, looked up per queue.
_literal_dead_letter_names contains aws_data.last_segment(arn) if {
	some type in ["aws_sqs_queue", "aws_sqs_queue_redrive_policy", "aws_sns_topic_subscription"]
	some r in tf.by_type[type]
	policy := known.at(r.config, ["redrive_policy"])
	is_string(policy)
	json.is_valid(policy)
	arn := _target_arn(policy)
}

# A redrive allow policy lets source queues use this one as their dead-letter queue,
# unless it says `denyAll`; one known only when Terraform runs counts when it refers
# to a resource (`sourceQueueArns = [aws_sqs_queue.orders.arn]`).
_allows_redrive(r, attribute) if {
	policy := known.at(r.config, [attribute])
	is_string(policy)
	json.is_valid(policy)
	json.unmarshal(policy).redrivePermission != "denyAll"
}

_allows_redrive(r, attribute) if {
	known.unknown(r, [attribute])
	aws_data.refers_to_resource(r, attribute)
}
