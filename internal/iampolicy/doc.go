// Package iampolicy is the IAM policy language: it parses and validates
// policy documents as IAM does for each kind of policy (identity, resource,
// trust, permissions boundary, session), and evaluates a request against a set
// of policies in AWS's order, returning Allow, an explicit deny or an implicit
// deny, the deciding statement and a trace of every statement considered.
//
// It is a pure leaf: no store, no HTTP, no clock (dates come in the request
// context). Condition operators live in the condition subpackage; ARNs in
// package arn. Mapping a Decision to a wire error is the caller's job (awserr);
// DenyMessage only formats AWS's AccessDenied wording.
//
// AWS pages followed:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
package iampolicy
