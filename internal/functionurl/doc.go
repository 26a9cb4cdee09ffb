// Package functionurl serves Lambda function URLs
// (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html): a
// request to https://{urlId}.lambda-url.{region}.on.aws/ (or the local
// forms {urlId}.lambda-url.localhost and /lambda-url/{urlId}/...) becomes a
// payload 2.0 event for the function or alias the URL belongs to, after
// Lambda's checks (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html):
// AuthType AWS_IAM verifies a SigV4 signature of service "lambda"; then,
// whatever the AuthType, the caller (anonymous for NONE) needs both
// lambda:InvokeFunctionUrl (condition lambda:FunctionUrlAuthType) and
// lambda:InvokeFunction (condition lambda:InvokedViaFunctionUrl) through the
// one authorizer, with the function's resource-based policy. A URL's Cors
// setting answers preflights and adds the CORS headers, as Lambda does.
//
// It owns the URL data plane only: URL configurations are package
// functions', the Lambda API's operations package lambdaapi's.
package functionurl
