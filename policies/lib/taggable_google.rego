# Resource types of the Google provider that take labels, as of hashicorp/google
# v6.14.0. The parser puts each type's labels (`labels`, `resource_labels`,
# `settings.user_labels`) into the resource's effective `tags`, so rules treat them
# like tags. A representative list; a type missing here is not checked.
package scalegate.lib.taggable_google

provider_version := "hashicorp/google 6.14.0"

types := {
	"google_alloydb_cluster",
	"google_artifact_registry_repository",
	"google_bigquery_dataset",
	"google_bigquery_table",
	"google_cloud_run_v2_service",
	"google_cloudfunctions2_function",
	"google_cloudfunctions_function",
	"google_compute_disk",
	"google_compute_image",
	"google_compute_instance",
	"google_compute_instance_template",
	"google_compute_snapshot",
	"google_container_cluster",
	"google_dataproc_cluster",
	"google_dns_managed_zone",
	"google_filestore_instance",
	"google_kms_crypto_key",
	"google_pubsub_subscription",
	"google_pubsub_topic",
	"google_redis_instance",
	"google_secret_manager_secret",
	"google_spanner_instance",
	"google_sql_database_instance",
	"google_storage_bucket",
}
