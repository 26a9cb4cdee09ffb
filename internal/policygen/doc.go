// Package policygen turns what a principal did (the calls recorded in the
// decision log) into a least-privilege identity policy, and compares a
// principal's current policies with those calls, for `iamgate policy
// suggest`. Like IAM Access Analyzer's policy generation
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html),
// it groups actions by service and names the resources seen, replacing a
// part of an ARN with "*" only where several different values were seen
// there. It reads no store and calls no server.
package policygen
