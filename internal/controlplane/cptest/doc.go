// Package cptest builds the test environments of the control-plane
// packages over the real thing. Identities is a server's identity side:
// the real IAM (with the server's policy validators), authenticator and
// authorizer over a fresh sqlite store, on injectable clocks, with the
// root key, helpers for users and role sessions, and a SigV4 signer for
// hand-built requests. Env (New) serves one mounted service (s3api,
// lambdaapi, logsapi, apigwapi, ...) over Identities on 127.0.0.1 with a
// policy-less IAM user and a runner for the real aws CLI.
//
// Only _test.go files import it. It owns no AWS behaviour: what the server
// answers is the mounted handler's and package controlplane's business.
package cptest
