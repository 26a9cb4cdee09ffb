// Package logs is the CloudWatch Logs subset iamgate keeps: log groups, log
// streams and their events, stored in the store so that `aws logs tail`,
// `iamgate logs` and GetLogEvents see what a function printed. It speaks no
// wire protocol; package controlplane does. Names and limits follow the
// CloudWatch Logs API reference.
package logs
