package iam

import (
	"crypto/sha256"
	"encoding/base32"
	"time"
)

// awsPolicy is one embedded AWS managed policy. The documents are written
// for iamgate from AWS's descriptions in the AWS Managed Policy Reference
// (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/); where
// AWS's real document lists hundreds of services (ReadOnlyAccess), this one
// covers the services iamgate serves.
type awsPolicy struct {
	name, path, version, description, document string
}

// awsPolicyDate is the creation date reported for embedded AWS policies.
var awsPolicyDate = time.Date(2015, 2, 6, 18, 39, 46, 0, time.UTC)

var awsPolicies = []awsPolicy{
	{
		name: "AdministratorAccess", path: "/", version: "v1",
		description: "Provides full access to AWS services and resources.",
		document: `{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}
  ]
}`,
	},
	{
		name: "AWSLambdaBasicExecutionRole", path: "/service-role/", version: "v1",
		description: "Provides write permissions to CloudWatch Logs.",
		document: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
      "Resource": "*"
    }
  ]
}`,
	},
	{
		name: "ReadOnlyAccess", path: "/", version: "v1",
		description: "Provides read-only access to AWS services and resources.",
		document: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "apigateway:GET",
        "cloudformation:Describe*", "cloudformation:Get*", "cloudformation:List*",
        "iam:Generate*", "iam:Get*", "iam:List*", "iam:Simulate*",
        "lambda:Get*", "lambda:List*",
        "logs:Describe*", "logs:FilterLogEvents", "logs:Get*", "logs:ListTagsForResource",
        "s3:Get*", "s3:List*",
        "sts:GetCallerIdentity"
      ],
      "Resource": "*"
    }
  ]
}`,
	},
	{
		name: "IAMFullAccess", path: "/", version: "v1",
		description: "Provides full access to IAM via the AWS Management Console.",
		document: `{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
    {
      "Effect": "Allow",
      "Action": [
        "organizations:DescribeAccount", "organizations:DescribeOrganization",
        "organizations:DescribeOrganizationalUnit", "organizations:DescribePolicy",
        "organizations:ListChildren", "organizations:ListParents",
        "organizations:ListPoliciesForTarget", "organizations:ListRoots",
        "organizations:ListPolicies", "organizations:ListTargetsForPolicy"
      ],
      "Resource": "*"
    }
  ]
}`,
	},
	{
		name: "AmazonS3FullAccess", path: "/", version: "v1",
		description: "Provides full access to all buckets via the AWS Management Console.",
		document: `{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["s3:*", "s3-object-lambda:*"], "Resource": "*"}
  ]
}`,
	},
	{
		name: "AmazonAPIGatewayInvokeFullAccess", path: "/", version: "v1",
		description: "Provides full access to invoke APIs in Amazon API Gateway.",
		document: `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["execute-api:Invoke", "execute-api:ManageConnections"],
      "Resource": "arn:aws:execute-api:*:*:*"
    }
  ]
}`,
	},
}

func (p awsPolicy) arn() string { return "arn:aws:iam::aws:policy" + p.path + p.name }

// describe reports the policy with a stable id derived from its name.
func (p awsPolicy) describe() ManagedPolicy {
	sum := sha256.Sum256([]byte(p.name))
	id := "ANPA" + base32.StdEncoding.EncodeToString(sum[:])[:17]
	return ManagedPolicy{
		Name: p.name, Path: p.path, PolicyID: id, ARN: p.arn(), Description: p.description,
		DefaultVersionID: p.version, IsAttachable: true, AWSManaged: true,
		Created: awsPolicyDate, Updated: awsPolicyDate,
	}
}

// awsManaged finds an embedded AWS managed policy by exact ARN.
func awsManaged(arn string) (awsPolicy, bool) {
	for _, p := range awsPolicies {
		if p.arn() == arn {
			return p, true
		}
	}
	return awsPolicy{}, false
}
