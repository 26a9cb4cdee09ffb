// Package testutil holds helpers shared by iamgate's tests: locating the
// repository and the shared conformance data, and deciding whether a missing
// external tool skips a test or fails it (under CI=true it fails).
package testutil
