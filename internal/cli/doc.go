// Package cli holds iamgate's subcommands. `serve` and `up` run the server
// in this process; the client subcommands (`env`, `curl`, `deploy`, `logs`,
// `why`) are thin AWS SDK for Go v2 clients of a running server, like
// `aws --endpoint-url`. The contract (names, flags, defaults) is in DESIGN.md.
package cli
