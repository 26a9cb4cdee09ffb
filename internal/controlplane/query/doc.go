// Package query is the AWS query protocol as IAM (2010-05-08), STS
// (2011-06-15) and CloudFormation (2010-05-15) speak it: the request's
// members decoded from the URL query and form body (Params, flattened the
// AWS way: "Tags.member.1.Key"), one Op per Action, and the
// <ActionResponse><ActionResult> document. A Service is an http.Handler the
// control plane mounts after it has verified the signature; iamapi, stsapi
// and cfnapi define the operations. Errors are written through awserr in
// the service's namespace. It owns no AWS service's rules.
//
// Follows https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html
// and the services' API references.
package query
