// Package cptest builds the test environment the mounted control-plane
// services (s3api, lambdaapi, logsapi, apigwapi) share: a control plane on
// 127.0.0.1 with the real IAM, authenticator and authorizer over a fresh
// sqlite store, the account's root key and a policy-less IAM user, and a
// runner for the real aws CLI against it.
//
// Only _test.go files import it. It owns no AWS behaviour: what the server
// answers is the mounted handler's and package controlplane's business.
package cptest
