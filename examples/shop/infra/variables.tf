variable "environment" {
  description = "Deployment environment (production, staging, development)."
  type        = string
  default     = "production"
}
