// Package awserr is the one place where iamgate's errors meet AWS's wire
// formats. Domain packages return *Error values carrying an AWS error Code and
// message; the protocol edges use this package to write the status, headers
// and body each AWS protocol uses. Nothing else writes an error body.
//
// The control plane's table is keyed by (service, code): each Service (IAM,
// STS, CloudFormation, S3, Lambda, Logs, Cognito, APIGateway, and iamgate's
// own Admin API) lists the HTTP status of every code it answers with, in
// table.go, and Service.Write encodes an error in the service's protocol:
// query XML (IAM, STS, CloudFormation), JSON 1.0/1.1 (Logs, Cognito), REST
// JSON (Lambda, API Gateway) or REST XML (S3). A code missing from a
// service's table is answered as the service's internal error and logged,
// never guessed; TestEveryCodeHasAnEntry walks the module's source so that
// it does not happen.
//
// The execute-api data plane writes its own answers from two more tables:
// GatewayResponse (REST APIs: status, x-amzn-ErrorType, default message and
// body shape, customizable by the API's gateway responses) and
// HTTPAPIResponse (HTTP APIs). FromSigV4 and APIGatewayAuthError word an
// authentication failure as each protocol does.
//
// It follows https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html,
// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html and
// https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html.
package awserr
