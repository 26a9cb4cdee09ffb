// Package s3 is the S3 subset iamgate keeps: buckets and objects in the store,
// enough for template includes, packaged Lambda code and `aws s3 cp`. It
// speaks no wire protocol; package controlplane does. Bucket naming rules and
// error codes follow the Amazon S3 API reference.
package s3
