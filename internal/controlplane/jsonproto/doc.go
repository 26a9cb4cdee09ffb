// Package jsonproto is the serving side of the AWS JSON protocol
// (awsJson1.1) as CloudWatch Logs and Cognito user pools speak it: the
// operation named by X-Amz-Target after the service's prefix, on POST; the
// body read up to the service's limit; the answer written as JSON with
// x-amzn-RequestId; a failure written through the service's awserr table;
// one log line per request. logsapi and cognitoapi own their operations,
// their authorization and their inputs' decoding.
//
// Follows https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html.
package jsonproto
