package iam

import (
	"crypto/sha256"
	"encoding/base32"

	"github.com/iamgate/iamgate/internal/iam/awspolicy"
)

// AWS managed policies come from the embedded catalog (internal/iam/awspolicy,
// every policy AWS publishes with its default version's document). They are
// read-only, and attaching one needs no record of its own.

// awsDescriptions are AWS's descriptions of the policies people look at most;
// the catalog's dataset has none, and IAM returns "" for a policy without one.
var awsDescriptions = map[string]string{
	"AdministratorAccess":              "Provides full access to AWS services and resources.",
	"AWSLambdaBasicExecutionRole":      "Provides write permissions to CloudWatch Logs.",
	"ReadOnlyAccess":                   "Provides read-only access to AWS services and resources.",
	"IAMFullAccess":                    "Provides full access to IAM via the AWS Management Console.",
	"AmazonS3FullAccess":               "Provides full access to all buckets via the AWS Management Console.",
	"AmazonAPIGatewayInvokeFullAccess": "Provides full access to invoke APIs in Amazon API Gateway.",
}

// awsPolicy is one AWS managed policy.
type awsPolicy struct{ awspolicy.Policy }

func (p awsPolicy) version() string  { return p.VersionID }
func (p awsPolicy) document() string { return p.Document }

// describe reports the policy with a stable id derived from its name (AWS's
// ids are not in the dataset).
func (p awsPolicy) describe() ManagedPolicy {
	sum := sha256.Sum256([]byte(p.Name))
	id := "ANPA" + base32.StdEncoding.EncodeToString(sum[:])[:17]
	return ManagedPolicy{
		Name: p.Name, Path: p.Path, PolicyID: id, ARN: p.ARN(), Description: awsDescriptions[p.Name],
		DefaultVersionID: p.VersionID, IsAttachable: !p.Deprecated, AWSManaged: true,
		Created: p.Created, Updated: p.Updated,
	}
}

// awsManaged finds an AWS managed policy by exact ARN.
func awsManaged(arn string) (awsPolicy, bool) {
	p, ok := awspolicy.Lookup(arn)
	return awsPolicy{p}, ok
}

// awsPolicies lists the AWS managed policies IAM lists: the attachable ones.
func awsPolicies() []awsPolicy {
	all := awspolicy.All()
	out := make([]awsPolicy, 0, len(all))
	for _, p := range all {
		if !p.Deprecated {
			out = append(out, awsPolicy{p})
		}
	}
	return out
}
