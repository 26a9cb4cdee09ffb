// Package arn parses, formats and matches Amazon Resource Names.
//
// It owns the six-part ARN shape (arn:partition:service:region:account-id:resource)
// and the IAM wildcard rules used when a policy's Resource element or an Arn*
// condition operator is compared with a request's ARN: '*' and '?' apply inside
// each colon-separated segment, and the final resource segment may span '/' and
// ':'. It also builds the ARNs iamgate makes (build.go: one function per
// resource kind, so each shape is spelled once); beyond those formats it
// knows nothing about policies, principals or services.
//
// AWS pages followed:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html and
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
package arn
