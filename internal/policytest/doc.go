// Package policytest reads and runs policy test tables: rows of principal ×
// action × resource (× request context) with the decision expected, for
// `iamgate check`. It owns the table format (YAML, with CloudFormation's
// !Sub and !Ref resolved against a stack), the comparison of expected and
// simulated decisions, and the text and JUnit reports. It does not evaluate
// policies: a Simulator (the server's IAM SimulatePrincipalPolicy, through
// internal/cli) answers each row, so the table is checked by the same
// authorizer that serves requests.
package policytest
