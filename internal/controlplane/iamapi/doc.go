// Package iamapi is IAM's API (version 2010-05-08) over the query protocol:
// users, access keys, groups, inline and managed policies, roles,
// permissions boundaries, tags and the policy simulator. Each operation
// authorizes the caller against the resource the Service Authorization
// Reference names for its action, calls package iam and writes AWS's
// response shapes. It owns the wire shapes, not the identity rules (package
// iam) nor policy evaluation (package auth).
//
// Follows https://docs.aws.amazon.com/IAM/latest/APIReference/ and
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html.
package iamapi
