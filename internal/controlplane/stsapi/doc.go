// Package stsapi is STS's API (version 2011-06-15) over the query
// protocol: GetCallerIdentity, AssumeRole and GetSessionToken. It
// authorizes the caller, calls package iam for sessions and writes AWS's
// response shapes.
//
// Follows https://docs.aws.amazon.com/STS/latest/APIReference/.
package stsapi
