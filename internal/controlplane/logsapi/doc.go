// Package logsapi serves the CloudWatch Logs JSON 1.1 protocol (POST /,
// X-Amz-Target: Logs_20140328.<Operation>) over package logs: log groups,
// log streams, PutLogEvents, GetLogEvents (f/… and b/… tokens),
// FilterLogEvents (what `aws logs tail --follow` polls) and retention.
//
// It is mounted in package controlplane under the signing name "logs": the
// dispatcher verifies the signature; this package authorizes each call with
// IAM against the log-group/log-stream ARN CloudWatch Logs names in its
// denials (arn:aws:logs:REGION:ACCOUNT:log-group:NAME:log-stream:STREAM)
// and writes errors only through awserr.Logs.Write. It owns no state.
// Timestamps on the wire are epoch milliseconds.
//
// Follows https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/ and
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html.
package logsapi
