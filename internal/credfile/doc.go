// Package credfile reads and writes AWS shared-credentials files (the
// `{data dir}/credentials` file iamgate keeps, mode 0600), the format the
// aws CLI and SDKs read. It never logs what it holds.
package credfile
