# Resource types of the AzureRM provider that take `tags`, as of hashicorp/azurerm
# v4.14.0. A representative list of commonly used types; a type missing here is not
# checked. (`azurerm_subnet` takes no tags and is deliberately absent.)
package scalegate.lib.taggable_azurerm

provider_version := "hashicorp/azurerm 4.14.0"

types := {
	"azurerm_application_gateway",
	"azurerm_application_insights",
	"azurerm_container_app",
	"azurerm_container_app_environment",
	"azurerm_container_registry",
	"azurerm_cosmosdb_account",
	"azurerm_dns_zone",
	"azurerm_eventhub_namespace",
	"azurerm_key_vault",
	"azurerm_kubernetes_cluster",
	"azurerm_lb",
	"azurerm_linux_function_app",
	"azurerm_linux_virtual_machine",
	"azurerm_linux_virtual_machine_scale_set",
	"azurerm_linux_web_app",
	"azurerm_log_analytics_workspace",
	"azurerm_managed_disk",
	"azurerm_mssql_database",
	"azurerm_mssql_server",
	"azurerm_mysql_flexible_server",
	"azurerm_network_interface",
	"azurerm_network_security_group",
	"azurerm_postgresql_flexible_server",
	"azurerm_private_dns_zone",
	"azurerm_private_endpoint",
	"azurerm_public_ip",
	"azurerm_redis_cache",
	"azurerm_resource_group",
	"azurerm_service_plan",
	"azurerm_servicebus_namespace",
	"azurerm_storage_account",
	"azurerm_user_assigned_identity",
	"azurerm_virtual_network",
	"azurerm_windows_virtual_machine",
	"azurerm_windows_virtual_machine_scale_set",
	"azurerm_windows_web_app",
}
