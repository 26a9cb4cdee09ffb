// Package payload holds the parts of Lambda's HTTP payload format 2.0 that
// HTTP APIs and function URLs build alike: the cookies field, the joined
// query string parameters, and the body with the one rule of which content
// types reach the function as text and which as base64; and the request
// of format 1.0 (RequestV1) that proxy events and REQUEST authorizer
// events carry alike
// (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads,
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
package payload
