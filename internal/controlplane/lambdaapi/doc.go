// Package lambdaapi serves the Lambda REST-JSON API (/2015-03-31/functions…)
// over package functions (configurations, code, resource policies) and
// package lambda's Manager (invocations): ListFunctions, GetFunction,
// GetFunctionConfiguration, Invoke (RequestResponse, Event, DryRun, LogType
// Tail), GetPolicy, AddPermission, RemovePermission, CreateFunction,
// UpdateFunctionCode, UpdateFunctionConfiguration and DeleteFunction,
// versions, aliases, function URLs, concurrency, and the layer operations
// (PublishLayerVersion, GetLayerVersion, GetLayerVersionByArn,
// ListLayers, ListLayerVersions, DeleteLayerVersion, and a version's
// policy: AddLayerVersionPermission, GetLayerVersionPolicy,
// RemoveLayerVersionPermission).
//
// It is mounted in package controlplane under the signing name "lambda":
// the dispatcher verifies the signature; this package authorizes each call
// with IAM (lambda:InvokeFunction on the function ARN, with the function's
// resource policy) and writes errors only through awserr.Lambda.Write. It
// owns no state.
//
// Follows https://docs.aws.amazon.com/lambda/latest/api/ and
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html.
package lambdaapi
