// Package condition evaluates the Condition element of an IAM policy
// statement: every operator family (String*, Numeric*, Date*, Bool,
// BinaryEquals, IpAddress/NotIpAddress, Arn*, Null), the ...IfExists suffix,
// and the ForAllValues:/ForAnyValue: set qualifiers.
//
// It owns operator names, value comparison and the rules for absent keys and
// multi-valued keys. It does not own the request context (the caller passes a
// lookup), nor policy variables (the caller passes an expander), nor
// statements or policies (package iampolicy).
//
// AWS pages followed:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
package condition
