// Package tlsca is iamgate's local certificate authority: a CA key and
// certificate kept in the data dir (ca.key, mode 0600, holding both), the
// certificate exported as ca.pem for clients to trust, and leaf certificates
// issued on demand for each server name a client asks for (TLS SNI), cached
// in memory.
//
// The CA is name-constrained to localhost and amazonaws.com, so that even a
// copied ca.key cannot mint certificates other sites would accept from a
// client that trusts ca.pem. Which names get a certificate is the caller's
// policy (Options.Allow); this package knows nothing of AWS host names.
//
// It does not listen or serve: internal/transport does.
package tlsca
