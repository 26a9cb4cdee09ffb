package awserr

import "net/http"

// The one error table: for each service iamgate speaks, the HTTP status of
// every code it answers with. A code's fault type (Sender/Receiver in query
// XML, User/Service in REST JSON) follows from its status: 5xx is the
// service's fault. TestEveryCodeHasAnEntry walks the module and fails on a
// code a package produces that the table of a service it reaches lacks; at
// run time such a code is logged and answered as the service's internal
// error (Service.Resolve).
//
// Codes are listed by their wire spelling, since most are defined by the
// domain packages (s3.NoSuchKey, cognito.UserNotFound) that this leaf
// cannot import; the walk ties the two together.

const internalMessage = "We encountered an internal error. Please try again."

// queryCommon: the query services' authentication and request errors
// (https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html,
// https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html,
// https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/CommonErrors.html).
var queryCommon = map[Code]int{
	InternalFailure:            http.StatusInternalServerError,
	ServiceUnavailable:         http.StatusServiceUnavailable,
	AccessDenied:               http.StatusForbidden,
	IncompleteSignature:        http.StatusBadRequest,
	InvalidAction:              http.StatusBadRequest,
	InvalidClientTokenID:       http.StatusForbidden,
	InvalidParameterValue:      http.StatusBadRequest,
	MissingAction:              http.StatusBadRequest,
	MissingAuthenticationToken: http.StatusForbidden,
	MissingParameter:           http.StatusBadRequest,
	ExpiredToken:               http.StatusForbidden,
	SignatureDoesNotMatch:      http.StatusForbidden,
	ValidationError:            http.StatusBadRequest,
	MalformedQueryString:       http.StatusBadRequest,
}

// jsonAuth: the codes FromSigV4 words for JSON and REST JSON services
// (https://docs.aws.amazon.com/lambda/latest/api/CommonErrors.html; Lambda's
// "StatusCode: 403, ... api error UnrecognizedClientException" in
// https://github.com/iann0036/iamlive/issues/58).
var jsonAuth = map[Code]int{
	AccessDeniedException:        http.StatusForbidden,
	IncompleteSignatureException: http.StatusForbidden,
	InvalidSignatureException:    http.StatusForbidden,
	MissingAuthTokenException:    http.StatusForbidden,
	UnrecognizedClientException:  http.StatusForbidden,
	ExpiredTokenException:        http.StatusForbidden,
	InternalFailure:              http.StatusInternalServerError,
}

// IAM (https://docs.aws.amazon.com/IAM/latest/APIReference/API_Operations.html,
// each operation's Errors).
var IAM = newService("iam", Query, IAMNamespace, Error{Code: InternalFailure, Message: internalMessage}, queryCommon, map[Code]int{
	NoSuchEntity:            http.StatusNotFound,
	EntityAlreadyExists:     http.StatusConflict,
	LimitExceeded:           http.StatusConflict,
	MalformedPolicyDocument: http.StatusBadRequest,
	InvalidInput:            http.StatusBadRequest,
	DeleteConflict:          http.StatusConflict,
	ServiceFailure:          http.StatusInternalServerError,
	UnmodifiableEntity:      http.StatusBadRequest,
	PolicyNotAttachable:     http.StatusBadRequest,
	ConcurrentModification:  http.StatusConflict,
})

// STS (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html#API_AssumeRole_Errors).
// NoSuchEntity and ServiceFailure come from the identity domain it runs on
// (a role deleted between the trust check and the session).
var STS = newService("sts", Query, STSNamespace, Error{Code: InternalFailure, Message: internalMessage}, queryCommon, map[Code]int{
	MalformedPolicyDocument: http.StatusBadRequest,
	PackedPolicyTooLarge:    http.StatusBadRequest,
	NoSuchEntity:            http.StatusNotFound,
	ServiceFailure:          http.StatusInternalServerError,
})

// CloudFormation (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Operations.html).
var CloudFormation = newService("cloudformation", Query, CloudFormationNamespace, Error{Code: InternalFailure, Message: internalMessage}, queryCommon, map[Code]int{
	AlreadyExistsException:      http.StatusBadRequest,
	ChangeSetNotFound:           http.StatusNotFound,
	InsufficientCapabilities:    http.StatusBadRequest,
	InvalidChangeSetStatus:      http.StatusBadRequest,
	LimitExceededException:      http.StatusBadRequest,
	TokenAlreadyExistsException: http.StatusBadRequest,
})

// S3 (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList).
var S3 = newService("s3", RESTXML, "", Error{Code: "InternalError", Message: internalMessage}, map[Code]int{
	"InternalError":                      http.StatusInternalServerError,
	AccessDenied:                         http.StatusForbidden,
	InvalidAccessKeyID:                   http.StatusForbidden,
	InvalidToken:                         http.StatusBadRequest,
	ExpiredToken:                         http.StatusForbidden,
	SignatureDoesNotMatch:                http.StatusForbidden,
	RequestTimeTooSkewed:                 http.StatusForbidden,
	XAmzContentSHA256Mismatch:            http.StatusBadRequest,
	AuthorizationHeaderMalformed:         http.StatusBadRequest,
	AuthorizationQueryParamsError:        http.StatusBadRequest,
	InvalidRequest:                       http.StatusBadRequest,
	IncompleteBody:                       http.StatusBadRequest,
	NoSuchBucket:                         http.StatusNotFound,
	NoSuchKey:                            http.StatusNotFound,
	"NoSuchUpload":                       http.StatusNotFound,
	"NoSuchBucketPolicy":                 http.StatusNotFound,
	BucketAlreadyOwnedByYou:              http.StatusConflict,
	"BucketAlreadyExists":                http.StatusConflict,
	"BucketNotEmpty":                     http.StatusConflict,
	"InvalidBucketName":                  http.StatusBadRequest,
	"KeyTooLongError":                    http.StatusBadRequest,
	"InvalidPart":                        http.StatusBadRequest,
	"InvalidPartOrder":                   http.StatusBadRequest,
	"EntityTooSmall":                     http.StatusBadRequest,
	"EntityTooLarge":                     http.StatusBadRequest,
	"MaxMessageLengthExceeded":           http.StatusBadRequest,
	"InvalidRange":                       http.StatusRequestedRangeNotSatisfiable,
	"InvalidArgument":                    http.StatusBadRequest,
	"InvalidDigest":                      http.StatusBadRequest,
	"BadDigest":                          http.StatusBadRequest,
	"MalformedXML":                       http.StatusBadRequest,
	"MalformedPolicy":                    http.StatusBadRequest,
	"PolicyTooLarge":                     http.StatusBadRequest,
	"MethodNotAllowed":                   http.StatusMethodNotAllowed,
	"NotImplemented":                     http.StatusNotImplemented,
	"IllegalLocationConstraintException": http.StatusBadRequest,
	"InvalidLocationConstraint":          http.StatusBadRequest,
	"PreconditionFailed":                 http.StatusPreconditionFailed,
	"NotModified":                        http.StatusNotModified,
})

// Lambda (https://docs.aws.amazon.com/lambda/latest/api/CommonErrors.html
// and each operation's Errors section).
var Lambda = newService("lambda", RESTJSON, "", Error{Code: "ServiceException", Message: "An internal error occurred."}, jsonAuth, map[Code]int{
	"ServiceException":        http.StatusInternalServerError,
	ResourceNotFoundException: http.StatusNotFound,
	ResourceConflictException: http.StatusConflict,
	InvalidParameterValueExc:  http.StatusBadRequest,
	// 412, as API_UpdateFunctionCode.html#API_UpdateFunctionCode_Errors lists it.
	"PreconditionFailedException":    http.StatusPreconditionFailed,
	"InvalidRequestContentException": http.StatusBadRequest,
	"RequestTooLargeException":       http.StatusRequestEntityTooLarge,
	"RequestEntityTooLargeException": http.StatusRequestEntityTooLarge,
	"TooManyRequestsException":       http.StatusTooManyRequests,
	ValidationException:              http.StatusBadRequest,
	UnknownOperationException:        http.StatusBadRequest,
})

// CloudWatch Logs answers every client error with 400, including
// ResourceNotFoundException and AccessDeniedException
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html#API_CreateLogGroup_Errors).
var Logs = newService("logs", JSON, "", Error{Code: "ServiceUnavailableException", Message: "The service cannot complete the request."}, jsonAuth, map[Code]int{
	"ServiceUnavailableException":    http.StatusServiceUnavailable,
	"InvalidParameterException":      http.StatusBadRequest,
	ResourceNotFoundException:        http.StatusBadRequest,
	"ResourceAlreadyExistsException": http.StatusBadRequest,
	AccessDeniedException:            http.StatusBadRequest,
	UnknownOperationException:        http.StatusBadRequest,
	SerializationException:           http.StatusBadRequest,
	InvalidParameterValueExc:         http.StatusBadRequest,
	ValidationException:              http.StatusBadRequest,
	UnrecognizedClientException:      http.StatusBadRequest,
})

// Cognito user pools answer every client error with 400, authentication
// failures included (POST cognito-idp "resulted in a 400 Bad Request
// response: {"__type":"UnrecognizedClientException",...}",
// https://github.com/aws/aws-sdk-php/issues/2444), and an internal
// failure with 500
// (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/CommonErrors.html
// and each operation's Errors).
var Cognito = newService("cognito-idp", JSON, "", Error{Code: "InternalErrorException", Message: "Internal server error."}, all400(jsonAuth), map[Code]int{
	"InternalErrorException":                http.StatusInternalServerError,
	InternalFailure:                         http.StatusInternalServerError,
	"RequestEntityTooLargeException":        http.StatusRequestEntityTooLarge,
	UnknownOperationException:               http.StatusBadRequest,
	SerializationException:                  http.StatusBadRequest,
	ResourceNotFoundException:               http.StatusBadRequest,
	"InvalidParameterException":             http.StatusBadRequest,
	"NotAuthorizedException":                http.StatusBadRequest,
	"UserNotFoundException":                 http.StatusBadRequest,
	"UsernameExistsException":               http.StatusBadRequest,
	"InvalidPasswordException":              http.StatusBadRequest,
	"CodeMismatchException":                 http.StatusBadRequest,
	"ExpiredCodeException":                  http.StatusBadRequest,
	"UserNotConfirmedException":             http.StatusBadRequest,
	"GroupExistsException":                  http.StatusBadRequest,
	"AliasExistsException":                  http.StatusBadRequest,
	"InvalidUserPoolConfigurationException": http.StatusBadRequest,
	"UnsupportedUserStateException":         http.StatusBadRequest,
	"PasswordResetRequiredException":        http.StatusBadRequest,
	"InvalidLambdaResponseException":        http.StatusBadRequest,
	LimitExceededException:                  http.StatusBadRequest,
	"TooManyRequestsException":              http.StatusBadRequest,
	"ConcurrentModificationException":       http.StatusBadRequest,
})

// API Gateway's control plane, REST APIs and HTTP APIs alike
// (https://docs.aws.amazon.com/apigateway/latest/api/CommonErrors.html).
// RequestEntityTooLargeException is the dispatcher's answer to a body over
// its default 10 MiB cap.
var APIGateway = newService("apigateway", RESTJSON, "", Error{Code: InternalFailure, Message: internalMessage}, jsonAuth, map[Code]int{
	BadRequestException:              http.StatusBadRequest,
	ConflictException:                http.StatusConflict,
	NotFoundException:                http.StatusNotFound,
	SerializationException:           http.StatusBadRequest,
	LimitExceededException:           http.StatusBadRequest,
	"TooManyRequestsException":       http.StatusTooManyRequests,
	"UnauthorizedException":          http.StatusUnauthorized,
	ValidationException:              http.StatusBadRequest,
	"RequestEntityTooLargeException": http.StatusRequestEntityTooLarge,
})

// Admin is iamgate's own REST JSON API (the decision log, why, metrics):
// API Gateway's shapes, as the CLI reads them.
var Admin = newService("iamgate", RESTJSON, "", Error{Code: InternalFailure, Message: internalMessage}, jsonAuth, map[Code]int{
	BadRequestException: http.StatusBadRequest,
	NotFoundException:   http.StatusNotFound,
	ValidationException: http.StatusBadRequest,
})

// LambdaRuntime is the Lambda Runtime API that each function process
// calls (GET /runtime/invocation/next, POST .../response, .../error,
// /runtime/init/error): the statuses its spec declares for each path
// (shared/conformance/lambda/runtime-api/runtime-api.yaml, checked per
// path by package lambda's TestRuntimeAPIContract) and the errorType the
// runtime interface emulator names them with. AccessDenied is iamgate's
// own: a process calling another environment's Runtime API. It is not
// among Services: no SigV4, no AWS client.
var LambdaRuntime = newService("lambda-runtime", RuntimeAPI, "", Error{Code: "InternalServerError", Message: "Internal Server Error"}, map[Code]int{
	"InternalServerError":    http.StatusInternalServerError,
	"InvalidStateTransition": http.StatusForbidden,
	"InvalidRequestID":       http.StatusBadRequest,
	"TruncatedHTTPRequest":   http.StatusBadRequest,
	"RequestEntityTooLarge":  http.StatusRequestEntityTooLarge,
	AccessDenied:             http.StatusForbidden,
})

var services = []*Service{IAM, STS, CloudFormation, S3, Lambda, Logs, Cognito, APIGateway, Admin}

func newService(name string, p Protocol, namespace string, internal Error, sets ...map[Code]int) *Service {
	s := &Service{Name: name, Protocol: p, Namespace: namespace, internal: internal, codes: map[Code]int{}}
	for _, set := range sets {
		for c, st := range set {
			s.codes[c] = st
		}
	}
	return s
}

// all400 is set with every client error answered 400, as the JSON services
// that answer every client error alike do.
func all400(set map[Code]int) map[Code]int {
	out := make(map[Code]int, len(set))
	for c, st := range set {
		if st < 500 {
			st = http.StatusBadRequest
		}
		out[c] = st
	}
	return out
}
