// Package mapping gives API Gateway mapping templates their variables:
// $input (body, json, path, params), $util (escapeJavaScript, parseJson,
// urlEncode, urlDecode, base64Encode, base64Decode), $context with its
// requestOverride and responseOverride maps, and $stageVariables; and it
// reads the overrides a template wrote. JSONPath here is the subset API
// Gateway templates use: $, .name, ['name'], [n], [*], .* and ..name.
//
// The template language itself is package vtl; what a gateway does with
// the result (integration requests and responses) is package gateway's.
//
// Reference: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html
package mapping
