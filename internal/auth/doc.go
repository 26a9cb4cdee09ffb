// Package auth joins signature verification (sigv4) to identities (iam) and
// policy evaluation (iampolicy): it answers "who is calling" and "may they".
// The data plane (gateway) and the control plane (controlplane) both consume
// its Authenticator and Authorizer; it owns no wire format.
package auth
