# orders-api: the order pipeline (three Lambda functions in us-east-1) and what they use.
#
# The functions' code is built and deployed by CodeBuild (orders-deploy-role), which updates the
# functions in place; Terraform owns everything else.

terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
    }
  }

  backend "s3" {
    bucket = "orders-terraform-state-123456789012"
    key    = "orders-api/terraform.tfstate"
    region = "us-east-1"
  }
}

provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      service = "orders-api"
      team    = "orders"
    }
  }
}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

# ---------------------------------------------------------------------------------------------------------
# Data

resource "aws_dynamodb_table" "orders" {
  name         = "orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "order_id"

  attribute {
    name = "order_id"
    type = "S"
  }

  attribute {
    name = "customer_id"
    type = "S"
  }

  global_secondary_index {
    name            = "by-customer"
    hash_key        = "customer_id"
    projection_type = "ALL"
  }

  point_in_time_recovery {
    enabled = true
  }
}

# Receipts (PDF) written by receipts-exporter under receipts/<customer>/<order>.pdf.
resource "aws_s3_bucket" "receipts" {
  bucket = "orders-receipts-${data.aws_caller_identity.current.account_id}"
}

resource "aws_s3_bucket_public_access_block" "receipts" {
  bucket = aws_s3_bucket.receipts.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# Nightly CSV exports; only the staging role writes here nowadays.
resource "aws_s3_bucket" "archive" {
  bucket = "orders-archive-${data.aws_caller_identity.current.account_id}"
}

# ---------------------------------------------------------------------------------------------------------
# Messaging

resource "aws_sqs_queue" "orders_dlq" {
  name                      = "orders-dlq"
  message_retention_seconds = 1209600 # 14 days
}

resource "aws_sqs_queue" "orders" {
  name                       = "orders-queue"
  visibility_timeout_seconds = 60

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.orders_dlq.arn
    maxReceiveCount     = 5
  })
}

resource "aws_sns_topic" "order_events" {
  name = "order-events"
}

# ---------------------------------------------------------------------------------------------------------
# Configuration: the Stripe key and the exporter's settings, encrypted with one key

resource "aws_kms_key" "config" {
  description         = "orders-api secrets and parameters"
  enable_key_rotation = true
}

resource "aws_kms_alias" "config" {
  name          = "alias/orders-api-config"
  target_key_id = aws_kms_key.config.key_id
}

resource "aws_secretsmanager_secret" "stripe_api_key" {
  name       = "orders-api/stripe-api-key"
  kms_key_id = aws_kms_key.config.arn
}

resource "aws_ssm_parameter" "receipts_config" {
  name   = "/orders-api/receipts/config"
  type   = "SecureString"
  key_id = aws_kms_key.config.key_id
  value  = "{}"

  # The real settings are written by hand (aws ssm put-parameter); Terraform only creates the parameter.
  lifecycle {
    ignore_changes = [value]
  }
}

# ---------------------------------------------------------------------------------------------------------
# Functions (one execution role for the three: they were a single Lambda once)

locals {
  artifacts_bucket = "orders-artifacts-${data.aws_caller_identity.current.account_id}"
}

resource "aws_lambda_function" "api" {
  function_name = "orders-api"
  role          = aws_iam_role.orders_api.arn
  runtime       = "nodejs20.x"
  handler       = "dist/api.handler"
  timeout       = 10
  s3_bucket     = local.artifacts_bucket
  s3_key        = "orders-api/bootstrap.zip"

  environment {
    variables = {
      TABLE_NAME        = aws_dynamodb_table.orders.name
      QUEUE_URL         = aws_sqs_queue.orders.url
      TOPIC_ARN         = aws_sns_topic.order_events.arn
      STRIPE_SECRET_ID  = aws_secretsmanager_secret.stripe_api_key.name
      RECEIPTS_FUNCTION = aws_lambda_function.receipts_exporter.arn
    }
  }

  # CodeBuild deploys new code.
  lifecycle {
    ignore_changes = [s3_key]
  }
}

resource "aws_lambda_function" "worker" {
  function_name = "orders-worker"
  role          = aws_iam_role.orders_api.arn
  runtime       = "nodejs20.x"
  handler       = "dist/worker.handler"
  timeout       = 60
  s3_bucket     = local.artifacts_bucket
  s3_key        = "orders-worker/bootstrap.zip"

  environment {
    variables = {
      TABLE_NAME = aws_dynamodb_table.orders.name
      QUEUE_URL  = aws_sqs_queue.orders.url
    }
  }

  lifecycle {
    ignore_changes = [s3_key]
  }
}

resource "aws_lambda_function" "receipts_exporter" {
  function_name = "receipts-exporter"
  role          = aws_iam_role.orders_api.arn
  runtime       = "nodejs20.x"
  handler       = "dist/receipts.handler"
  timeout       = 30
  memory_size   = 512
  s3_bucket     = local.artifacts_bucket
  s3_key        = "receipts-exporter/bootstrap.zip"

  environment {
    variables = {
      RECEIPTS_BUCKET = aws_s3_bucket.receipts.bucket
      CONFIG_PARAM    = aws_ssm_parameter.receipts_config.name
    }
  }

  lifecycle {
    ignore_changes = [s3_key]
  }
}

# The worker drains the queue every five minutes.
resource "aws_cloudwatch_event_rule" "worker_schedule" {
  name                = "orders-worker-schedule"
  schedule_expression = "rate(5 minutes)"
}

resource "aws_cloudwatch_event_target" "worker_schedule" {
  rule = aws_cloudwatch_event_rule.worker_schedule.name
  arn  = aws_lambda_function.worker.arn
}

resource "aws_lambda_permission" "worker_schedule" {
  statement_id  = "AllowEventBridgeSchedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.worker.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.worker_schedule.arn
}

# ---------------------------------------------------------------------------------------------------------
# IAM: the execution role and what it is granted

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "orders_api" {
  name               = "orders-api-role"
  description        = "Execution role of orders-api, orders-worker and receipts-exporter"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

data "aws_iam_policy_document" "orders_api" {
  statement {
    sid     = "OrdersTable"
    actions = ["dynamodb:*"]
    resources = [
      aws_dynamodb_table.orders.arn,
      "${aws_dynamodb_table.orders.arn}/index/*",
    ]
  }

  statement {
    sid     = "ReceiptsBucket"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.receipts.arn,
      "${aws_s3_bucket.receipts.arn}/*",
    ]
  }

  # The key only decrypts through Secrets Manager and SSM (the Stripe key, the exporter's settings).
  statement {
    sid       = "DecryptViaSecretsAndParameters"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.config.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values = [
        "secretsmanager.${data.aws_region.current.name}.amazonaws.com",
        "ssm.${data.aws_region.current.name}.amazonaws.com",
      ]
    }
  }

  # Security review 2026-03: receipts hold addresses; nothing in this role may publish them.
  statement {
    sid    = "NeverMakeReceiptsPublic"
    effect = "Deny"
    actions = [
      "s3:DeleteBucket",
      "s3:PutBucketAcl",
      "s3:PutBucketPolicy",
      "s3:PutObjectAcl",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "orders_api" {
  name   = "orders-api-role"
  role   = aws_iam_role.orders_api.id
  policy = data.aws_iam_policy_document.orders_api.json
}

# Added with the queue and the topic.
resource "aws_iam_role_policy" "orders_api_messaging" {
  name = "orders-api-messaging"
  role = aws_iam_role.orders_api.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "OrderQueues"
        Effect   = "Allow"
        Action   = "sqs:*"
        Resource = "arn:aws:sqs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:orders-*"
      },
      {
        Sid    = "Notifications"
        Effect = "Allow"
        Action = [
          "sns:Publish",
          "events:PutEvents",
        ]
        Resource = "*"
      },
    ]
  })
}

# Copied from the console when the project started ("full access" to get going); shared by the
# three functions through the role.
resource "aws_iam_policy" "shared_access" {
  name        = "orders-api-shared-access"
  description = "orders-api: shared access (bootstrap)"

  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "LambdaBasicExecution",
          "Effect": "Allow",
          "Action": [
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:PutLogEvents"
          ],
          "Resource": "arn:aws:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:*"
        },
        {
          "Sid": "Tracing",
          "Effect": "Allow",
          "Action": [
            "xray:PutTraceSegments",
            "xray:PutTelemetryRecords"
          ],
          "Resource": "*"
        },
        {
          "Sid": "DynamoDBEverything",
          "Effect": "Allow",
          "Action": "dynamodb:*",
          "Resource": "*"
        },
        {
          "Sid": "ArchiveBucket",
          "Effect": "Allow",
          "Action": "s3:*",
          "Resource": [
            "${aws_s3_bucket.archive.arn}",
            "${aws_s3_bucket.archive.arn}/*"
          ]
        },
        {
          "Sid": "Configuration",
          "Effect": "Allow",
          "Action": [
            "secretsmanager:GetSecretValue",
            "ssm:GetParameter*"
          ],
          "Resource": "*"
        },
        {
          "Sid": "InvokeSiblings",
          "Effect": "Allow",
          "Action": "lambda:InvokeFunction",
          "Resource": "arn:aws:lambda:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:function:*"
        },
        {
          "Sid": "LeftOverFromBootstrap",
          "Effect": "Allow",
          "Action": [
            "iam:AttachRolePolicy",
            "iam:CreateRole",
            "iam:PassRole"
          ],
          "Resource": "*"
        }
      ]
    }
  EOT
}

resource "aws_iam_role_policy_attachment" "shared_access" {
  role       = aws_iam_role.orders_api.name
  policy_arn = aws_iam_policy.shared_access.arn
}

# policy-trim: one role per function, split from the shared role orders-api-role (arn:aws:iam::123456789012:role/orders-api-role).
# Each allows what its function was seen to use, and what could not be observed. Point each function
# (aws_lambda_function.role) at its role, watch for AccessDenied, then stop using the shared role.
data "aws_iam_policy_document" "lambda_assume_role" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

# Function orders-api
resource "aws_iam_role" "orders_api_45f84c41" {
  name               = "orders-api-role-orders-api"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume_role.json
}

data "aws_iam_policy_document" "orders_api_45f84c41" {
  statement {
    sid       = "NeverMakeReceiptsPublic"
    effect    = "Deny"
    resources = ["*"]

    actions = [
      "s3:DeleteBucket",
      "s3:PutBucketAcl",
      "s3:PutBucketPolicy",
      "s3:PutObjectAcl",
    ]
  }

  statement {
    sid       = "AllowDynamodbEventsIamMore"
    effect    = "Allow"
    resources = ["*"]

    actions = [
      "dynamodb:Batch*",
      "dynamodb:ConditionCheckItem",
      "dynamodb:DeleteItem",
      "dynamodb:DeleteTableReplica",
      "dynamodb:DescribeStream",
      "dynamodb:GetItem",
      "dynamodb:GetRecords",
      "dynamodb:GetShardIterator",
      "dynamodb:InjectError",
      "dynamodb:ListStreams",
      "dynamodb:PartiQL*",
      "dynamodb:PutItem",
      "dynamodb:Query",
      "dynamodb:ReadDataForReplication",
      "dynamodb:ReplicateSettings",
      "dynamodb:Scan",
      "dynamodb:SearchVectors",
      "dynamodb:UpdateItem",
      "events:PutEvents",
      "iam:PassRole",
      "xray:PutTelemetryRecords",
      "xray:PutTraceSegments",
    ]
  }

  statement {
    sid       = "AllowDynamodb"
    effect    = "Allow"
    resources = ["arn:aws:dynamodb:us-east-1:123456789012:table/orders"]
    actions   = ["dynamodb:DescribeTable"]
  }

  statement {
    sid       = "AllowKmsConditional"
    effect    = "Allow"
    resources = ["arn:aws:kms:us-east-1:123456789012:key/5d2c8f4e-7a1b-4c3d-9e8f-0a1b2c3d4e5f"]
    actions   = ["kms:Decrypt"]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"

      values = [
        "secretsmanager.us-east-1.amazonaws.com",
        "ssm.us-east-1.amazonaws.com",
      ]
    }
  }

  statement {
    sid       = "AllowLambda"
    effect    = "Allow"
    resources = ["arn:aws:lambda:us-east-1:123456789012:function:receipts-exporter"]
    actions   = ["lambda:InvokeFunction"]
  }

  statement {
    sid       = "AllowLogs"
    effect    = "Allow"
    resources = ["arn:aws:logs:us-east-1:123456789012:*"]

    actions = [
      "logs:CreateLogGroup",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
    ]
  }

  statement {
    sid    = "AllowS3"
    effect = "Allow"

    resources = [
      "arn:aws:s3:::orders-archive-123456789012",
      "arn:aws:s3:::orders-archive-123456789012/*",
      "arn:aws:s3:::orders-receipts-123456789012",
      "arn:aws:s3:::orders-receipts-123456789012/*",
    ]

    actions = [
      "s3:AllowVendedLogDeliveryForResource",
      "s3:BypassGovernanceRetention",
      "s3:DeleteObjectAnnotation",
      "s3:DeleteObjectVersion",
      "s3:DeleteObjectVersionAnnotation",
      "s3:GetObjectAnnotation",
      "s3:GetObjectTorrent",
      "s3:GetObjectVersion",
      "s3:GetObjectVersionAnnotation",
      "s3:GetObjectVersionAnnotationForReplication",
      "s3:GetObjectVersionAttributes",
      "s3:GetObjectVersionForReplication",
      "s3:GetObjectVersionTorrent",
      "s3:ListObjectAnnotations",
      "s3:ListObjectVersionAnnotations",
      "s3:ObjectOwnerOverrideToBucketOwner",
      "s3:PauseReplication",
      "s3:PutAccessPointPublicAccessBlock",
      "s3:PutObjectAnnotation",
      "s3:PutObjectVersionAnnotation",
      "s3:ReplicateDelete",
      "s3:ReplicateObject",
      "s3:ReplicateObjectAnnotation",
      "s3:ReplicateTags",
      "s3:UpdateBucketMetadataAnnotationTableConfiguration",
      "s3:UpdateObjectEncryption",
    ]
  }

  statement {
    sid       = "AllowSecretsmanager"
    effect    = "Allow"
    resources = ["arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-api/stripe-api-key-??????"]
    actions   = ["secretsmanager:GetSecretValue"]
  }

  statement {
    sid       = "AllowSns"
    effect    = "Allow"
    resources = ["arn:aws:sns:us-east-1:123456789012:order-events"]
    actions   = ["sns:Publish"]
  }

  statement {
    sid       = "AllowSqs"
    effect    = "Allow"
    resources = ["arn:aws:sqs:us-east-1:123456789012:orders-queue"]
    actions   = ["sqs:SendMessage"]
  }
}

resource "aws_iam_role_policy" "orders_api_45f84c41" {
  name   = "policy-trim"
  role   = aws_iam_role.orders_api_45f84c41.id
  policy = data.aws_iam_policy_document.orders_api_45f84c41.json
}

# Function orders-worker
resource "aws_iam_role" "orders_worker" {
  name               = "orders-api-role-orders-worker"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume_role.json
}

data "aws_iam_policy_document" "orders_worker" {
  statement {
    sid       = "NeverMakeReceiptsPublic"
    effect    = "Deny"
    resources = ["*"]

    actions = [
      "s3:DeleteBucket",
      "s3:PutBucketAcl",
      "s3:PutBucketPolicy",
      "s3:PutObjectAcl",
    ]
  }

  statement {
    sid       = "AllowDynamodbEventsIamMore"
    effect    = "Allow"
    resources = ["*"]

    actions = [
      "dynamodb:Batch*",
      "dynamodb:ConditionCheckItem",
      "dynamodb:DeleteItem",
      "dynamodb:DeleteTableReplica",
      "dynamodb:DescribeStream",
      "dynamodb:GetItem",
      "dynamodb:GetRecords",
      "dynamodb:GetShardIterator",
      "dynamodb:InjectError",
      "dynamodb:ListStreams",
      "dynamodb:PartiQL*",
      "dynamodb:PutItem",
      "dynamodb:Query",
      "dynamodb:Scan",
      "dynamodb:SearchVectors",
      "dynamodb:UpdateItem",
      "events:PutEvents",
      "iam:PassRole",
      "xray:PutTelemetryRecords",
      "xray:PutTraceSegments",
    ]
  }

  statement {
    sid       = "AllowLogs"
    effect    = "Allow"
    resources = ["arn:aws:logs:us-east-1:123456789012:*"]

    actions = [
      "logs:CreateLogGroup",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
    ]
  }

  statement {
    sid    = "AllowS3"
    effect = "Allow"

    resources = [
      "arn:aws:s3:::orders-archive-123456789012",
      "arn:aws:s3:::orders-archive-123456789012/*",
      "arn:aws:s3:::orders-receipts-123456789012",
      "arn:aws:s3:::orders-receipts-123456789012/*",
    ]

    actions = [
      "s3:AllowVendedLogDeliveryForResource",
      "s3:BypassGovernanceRetention",
      "s3:DeleteObjectAnnotation",
      "s3:DeleteObjectVersion",
      "s3:DeleteObjectVersionAnnotation",
      "s3:GetObjectAnnotation",
      "s3:GetObjectTorrent",
      "s3:GetObjectVersion",
      "s3:GetObjectVersionAnnotation",
      "s3:GetObjectVersionAnnotationForReplication",
      "s3:GetObjectVersionAttributes",
      "s3:GetObjectVersionForReplication",
      "s3:GetObjectVersionTorrent",
      "s3:ListObjectAnnotations",
      "s3:ListObjectVersionAnnotations",
      "s3:ObjectOwnerOverrideToBucketOwner",
      "s3:PauseReplication",
      "s3:PutAccessPointPublicAccessBlock",
      "s3:PutObjectAnnotation",
      "s3:PutObjectVersionAnnotation",
      "s3:ReplicateDelete",
      "s3:ReplicateObject",
      "s3:ReplicateObjectAnnotation",
      "s3:ReplicateTags",
      "s3:UpdateBucketMetadataAnnotationTableConfiguration",
      "s3:UpdateObjectEncryption",
    ]
  }

  statement {
    sid       = "AllowSqs"
    effect    = "Allow"
    resources = ["arn:aws:sqs:us-east-1:123456789012:orders-queue"]

    actions = [
      "sqs:DeleteMessage",
      "sqs:ReceiveMessage",
    ]
  }
}

resource "aws_iam_role_policy" "orders_worker" {
  name   = "policy-trim"
  role   = aws_iam_role.orders_worker.id
  policy = data.aws_iam_policy_document.orders_worker.json
}

# Function receipts-exporter
resource "aws_iam_role" "receipts_exporter" {
  name               = "orders-api-role-receipts-exporter"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume_role.json
}

data "aws_iam_policy_document" "receipts_exporter" {
  statement {
    sid       = "NeverMakeReceiptsPublic"
    effect    = "Deny"
    resources = ["*"]

    actions = [
      "s3:DeleteBucket",
      "s3:PutBucketAcl",
      "s3:PutBucketPolicy",
      "s3:PutObjectAcl",
    ]
  }

  statement {
    sid       = "AllowDynamodbEventsIamMore"
    effect    = "Allow"
    resources = ["*"]

    actions = [
      "dynamodb:Batch*",
      "dynamodb:ConditionCheckItem",
      "dynamodb:DeleteItem",
      "dynamodb:DeleteTableReplica",
      "dynamodb:DescribeStream",
      "dynamodb:GetItem",
      "dynamodb:GetRecords",
      "dynamodb:GetShardIterator",
      "dynamodb:InjectError",
      "dynamodb:ListStreams",
      "dynamodb:PartiQL*",
      "dynamodb:PutItem",
      "dynamodb:Query",
      "dynamodb:Scan",
      "dynamodb:SearchVectors",
      "dynamodb:UpdateItem",
      "events:PutEvents",
      "iam:PassRole",
      "xray:PutTelemetryRecords",
      "xray:PutTraceSegments",
    ]
  }

  statement {
    sid       = "AllowKmsConditional"
    effect    = "Allow"
    resources = ["arn:aws:kms:us-east-1:123456789012:key/5d2c8f4e-7a1b-4c3d-9e8f-0a1b2c3d4e5f"]
    actions   = ["kms:Decrypt"]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"

      values = [
        "secretsmanager.us-east-1.amazonaws.com",
        "ssm.us-east-1.amazonaws.com",
      ]
    }
  }

  statement {
    sid       = "AllowLogs"
    effect    = "Allow"
    resources = ["arn:aws:logs:us-east-1:123456789012:*"]

    actions = [
      "logs:CreateLogGroup",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
    ]
  }

  statement {
    sid    = "AllowS3"
    effect = "Allow"

    resources = [
      "arn:aws:s3:::orders-archive-123456789012",
      "arn:aws:s3:::orders-archive-123456789012/*",
      "arn:aws:s3:::orders-receipts-123456789012",
      "arn:aws:s3:::orders-receipts-123456789012/*",
    ]

    actions = [
      "s3:AllowVendedLogDeliveryForResource",
      "s3:BypassGovernanceRetention",
      "s3:DeleteObjectAnnotation",
      "s3:DeleteObjectVersion",
      "s3:DeleteObjectVersionAnnotation",
      "s3:GetObjectAcl",
      "s3:GetObjectAnnotation",
      "s3:GetObjectLegalHold",
      "s3:GetObjectRetention",
      "s3:GetObjectTagging",
      "s3:GetObjectTorrent",
      "s3:GetObjectVersion",
      "s3:GetObjectVersionAnnotation",
      "s3:GetObjectVersionAnnotationForReplication",
      "s3:GetObjectVersionAttributes",
      "s3:GetObjectVersionForReplication",
      "s3:GetObjectVersionTorrent",
      "s3:ListObjectAnnotations",
      "s3:ListObjectVersionAnnotations",
      "s3:ObjectOwnerOverrideToBucketOwner",
      "s3:PauseReplication",
      "s3:PutAccessPointPublicAccessBlock",
      "s3:PutObjectAnnotation",
      "s3:PutObjectVersionAnnotation",
      "s3:ReplicateDelete",
      "s3:ReplicateObject",
      "s3:ReplicateObjectAnnotation",
      "s3:ReplicateTags",
      "s3:UpdateBucketMetadataAnnotationTableConfiguration",
      "s3:UpdateObjectEncryption",
    ]
  }

  statement {
    sid       = "AllowS32"
    effect    = "Allow"
    resources = ["arn:aws:s3:::orders-receipts-123456789012/receipts/*"]

    actions = [
      "s3:GetObject",
      "s3:PutObject",
    ]
  }

  statement {
    sid       = "AllowS33"
    effect    = "Allow"
    resources = ["arn:aws:s3:::orders-receipts-123456789012"]
    actions   = ["s3:ListBucket"]
  }

  statement {
    sid       = "AllowSsm"
    effect    = "Allow"
    resources = ["arn:aws:ssm:us-east-1:123456789012:parameter/orders-api/receipts/config"]
    actions   = ["ssm:GetParameter"]
  }
}

resource "aws_iam_role_policy" "receipts_exporter" {
  name   = "policy-trim"
  role   = aws_iam_role.receipts_exporter.id
  policy = data.aws_iam_policy_document.receipts_exporter.json
}

# Nothing but these functions used orders-api-role: once each function runs with its own role, it can be retired.
