// Package cfnapi is CloudFormation's API (version 2010-05-15) over the
// query protocol: stacks, change sets, events, resources and templates.
// Each operation authorizes the caller (cloudformation:ACTION on the stack
// ARN), hands the stack engine (stack.Backend) the caller to act for and
// writes AWS's response shapes. It owns the wire shapes; the engine owns
// deployments.
//
// Follows https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/ and
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudformation.html.
package cfnapi
