provider "aws" {
  region = "eu-west-1"
}

resource "aws_s3_bucket" "product_images" {
  bucket = "shop-product-images"

  tags = {
    owner       = "catalog-team"
    environment = "production"
  }
}

resource "aws_sqs_queue" "orderEvents" {
  name = "shop-order-events"

  tags = {
    owner         = "checkout-team"
    "cost-center" = "cc-1042"
    environment   = "production"
  }
}

resource "aws_cloudwatch_log_group" "checkout" {
  name              = "/shop/checkout"
  retention_in_days = 30

  tags = {
    owner         = "checkout-team"
    "cost-center" = "cc-1042"
    environment   = "production"
  }
}
