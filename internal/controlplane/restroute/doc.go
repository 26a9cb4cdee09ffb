// Package restroute matches a REST request to the operation its method and
// path name, with net/http ServeMux patterns ("GET /2015-03-31/functions/{FunctionName}"),
// the way the REST-JSON services (Lambda, API Gateway) bind operations to
// URIs in their service models
// (https://docs.aws.amazon.com/lambda/latest/api/API_Operations.html).
//
// It owns matching only: a Match names the operation and its path
// parameters, unescaped, so an encoded "/" stays inside its parameter.
// It writes no response; each service answers an unmatched request with its
// own AWS error.
package restroute
