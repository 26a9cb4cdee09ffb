// Package awserr is the one place where iamgate's errors meet AWS's wire
// formats. Domain packages return *Error values carrying an AWS error Code and
// message; the protocol edges (gateway, controlplane) use this package's
// table and encoders to write the status, headers and body each AWS protocol
// uses: API Gateway's execute-api JSON, query XML (IAM, STS, CloudFormation),
// JSON 1.1 (Logs), REST JSON (Lambda, API Gateway control plane) and REST XML
// (S3). Nothing else writes an error body.
package awserr
