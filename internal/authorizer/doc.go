// Package authorizer holds what API Gateway's Lambda authorizers share
// between REST APIs (TOKEN and REQUEST authorizers) and HTTP APIs (payload
// format 1.0 and 2.0): the events an authorizer function receives, the
// parsing of its answer (an IAM-shaped policy with principalId, context and
// usageIdentifierKey, or HTTP APIs' simple {"isAuthorized": ...}), the
// policy matcher API Gateway applies to that answer against the method ARN,
// identity sources, and the result cache keyed by identity-source values.
//
// It invokes nothing and writes no HTTP: package gateway runs the
// authorizer function through its Lambda invoker and maps each Failure to
// API Gateway's response. The returned policy is not IAM policy evaluation
// (no principals, no condition keys): API Gateway matches the statements'
// Action and Resource against the method ARN itself, so this package does
// not use internal/iampolicy or internal/auth.
//
// Follows https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html,
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html and
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html//
// # Failure table
//
// What API Gateway answers for each authorization mode and failure, as
// package gateway writes it (awserr holds the bodies; the tests named
// last hold each row). REST answers carry x-amzn-ErrorType and can be
// customized by the API's gateway responses (the type in brackets); HTTP
// API answers carry no error type and cannot be customized.
//
//	REST AWS_IAM
//	  unsigned                      403 {"message":"Missing Authentication Token"}  MissingAuthenticationTokenException [MISSING_AUTHENTICATION_TOKEN]
//	  signature incomplete          403 {"message":"Authorization header requires ..."}  IncompleteSignatureException [DEFAULT_4XX]
//	  signature does not verify     403 {"message":"The request signature we calculated does not match ..."}  InvalidSignatureException [INVALID_SIGNATURE]
//	  unknown key / bad token       403 {"message":"The security token included in the request is invalid."}  UnrecognizedClientException [DEFAULT_4XX]
//	  expired session token         403 {"message":"The security token included in the request is expired"}  ExpiredTokenException [EXPIRED_TOKEN]
//	  policy denies                 403 {"Message":"User: ARN is not authorized to perform: execute-api:Invoke on resource: ARN[ with an explicit deny]"}  AccessDeniedException [ACCESS_DENIED]
//	REST TOKEN / REQUEST (Lambda)
//	  identity source missing/empty,
//	  TOKEN fails the validation
//	  expression (no call)          401 {"message":"Unauthorized"}  UnauthorizedException [UNAUTHORIZED]
//	  function errors "Unauthorized" 401 {"message":"Unauthorized"}  UnauthorizedException [UNAUTHORIZED]
//	  policy explicitly denies      403 {"Message":"User is not authorized to access this resource with an explicit deny in an identity-based policy"}  AccessDeniedException [ACCESS_DENIED]
//	  policy allows nothing here    403 {"Message":"User is not authorized to access this resource"}  AccessDeniedException [ACCESS_DENIED]
//	  API Gateway may not invoke it,
//	  function error, timeout (29 s),
//	  answer in the wrong shape     500 {"message": null}  AuthorizerConfigurationException [AUTHORIZER_CONFIGURATION_ERROR]
//	  resource policy denies after
//	  an allowing authorizer        403 {"Message":"User: anonymous is not authorized ..."}  AccessDeniedException [ACCESS_DENIED]
//	REST COGNITO_USER_POOLS
//	  token missing, malformed, not
//	  RS256, unknown key, another
//	  pool, wrong token_use, scope
//	  not granted, aud not matching
//	  the validation expression     401 {"message":"Unauthorized"}  UnauthorizedException [UNAUTHORIZED]
//	  token expired                 401 {"message":"The incoming token has expired"}  UnauthorizedException [UNAUTHORIZED]
//	HTTP API AWS_IAM
//	  unsigned, policy denies       403 {"message":"Forbidden"}
//	  signature errors              403 {"message":"<the SigV4 message of the REST row>"}
//	HTTP API JWT
//	  token missing, invalid, wrong
//	  issuer or audience, issuer
//	  keys unreachable              401 {"message":"Unauthorized"}
//	  token expired                 401 {"message":"Unauthorized"} + WWW-Authenticate: Bearer scope="" error="invalid_token" error_description="the token has expired"
//	  route scope not granted       403 {"message":"Forbidden"}
//	HTTP API Lambda (payload 1.0 or 2.0)
//	  identity source missing/empty 401 {"message":"Unauthorized"} (no call)
//	  function errors "Unauthorized" 401 {"message":"Unauthorized"}
//	  isAuthorized false, policy
//	  denies or allows nothing here 403 {"message":"Forbidden"}
//	  function error, invoke failure,
//	  answer in the wrong shape     500 {"message":"Internal Server Error"}
//
// Caching: REST Lambda answers are cached per identity-source values for
// authorizerResultTtlInSeconds (default 300, 0 off; a REQUEST authorizer
// caches only with identity sources), and a cached policy is matched again
// against each request's method ARN; HTTP API Lambda answers likewise
// (default TTL 0). Unauthorized answers and failures are never cached. JWT
// and Cognito decisions are not cached (the issuers' keys are, in
// jwtauth). The cache reads the injected clock.
//
// Tests: gateway's TestTokenAuthorizer, TestRequestAuthorizer,
// TestAuthorizerCache, TestAuthorizerPermission, TestCognitoAuthorizerAnswers,
// TestHTTPAPIJWTAuthorizer, TestHTTPAPILambdaAuthorizer,
// TestHTTPAPILambdaAuthorizerFailures, TestHTTPAPILambdaAuthorizerEvents;
// awserr's table tests; end to end in cmd/iamgate (lambdaauth, cognito,
// httpapi).
package authorizer
