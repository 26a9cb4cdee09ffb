// Package controlplane speaks the AWS control-plane protocols: it receives
// every request that is not execute-api, finds the service from the SigV4
// credential scope, verifies the signature (auth.Authenticator), decodes the
// operation, authorizes it with IAM (auth.Authorizer) against the resource ARN
// the Service Authorization Reference names for that action, calls the domain
// (package iam, stack.Backend) and writes AWS's exact response.
//
// It serves the query protocol of IAM (2010-05-08), STS (2011-06-15) and
// CloudFormation (2010-05-15) itself; other services (S3, Lambda, Logs, API
// Gateway) are mounted as plain handlers that receive the verified caller in
// the request context (CallerFrom); they share mount.Options (defaults),
// Authorize (AWS's denial wording), their error table (awserr.Service)
// and Reply (a success answer) from here, and restroute for their REST
// bindings. Errors are written once, here, through package awserr. It owns
// no state and no domain rules.
//
// Follows https://docs.aws.amazon.com/IAM/latest/APIReference/,
// https://docs.aws.amazon.com/STS/latest/APIReference/,
// https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/ and
// https://docs.aws.amazon.com/service-authorization/latest/reference/.
package controlplane
