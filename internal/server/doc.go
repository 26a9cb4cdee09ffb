// Package server wires iamgate together: it opens the store, builds the
// domain services (iam, s3, logs, apigw, functions, stack), the Lambda
// runtime, the authenticator, and serves the data plane (gateway) and the
// control plane (controlplane) on one listener, dispatching by host and path.
// Listen binds, Serve serves, Shutdown drains HTTP, then Lambda processes,
// then closes the store.
package server
