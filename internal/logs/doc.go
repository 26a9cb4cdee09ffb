// Package logs is the CloudWatch Logs subset iamgate keeps: log groups, log
// streams and their events, stored in the store so that `aws logs tail`,
// `iamgate logs` and GetLogEvents see what a function printed. It speaks no
// wire protocol; package controlplane does. Names and limits follow the
// CloudWatch Logs API reference.
//
// Function output arrives through Write on the request path, so Write only
// queues: a writer goroutine stores the queue in batches, one transaction
// each, creating a group or stream the first time it appears. Every read
// (GetLogEvents, FilterLogEvents, DescribeLogStreams, DescribeLogGroups)
// stores what is queued first, so readers never miss an event, and Close
// stores the rest at shutdown. Each group keeps at most a configured number
// of events and bytes, dropping its oldest: a local server has a disk, not
// CloudWatch's retention in days.
package logs
