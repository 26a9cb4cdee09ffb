package stack

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
)

// Every call a provider makes to a domain service goes through a guard of
// that service (guard_*.go), which first authorizes the call's IAM action on
// its resource as the operation's actor, as AWS authorizes each API call
// CloudFormation makes for a stack. Providers see only the guarded
// interfaces, so no resource call can skip the check.

// service is an AWS service as CloudFormation's resource handlers name it in
// their messages ("(Service: Iam, Status Code: 403, Request ID: …)").
type service struct {
	name   string // SDK service name: Iam, Lambda, CloudWatchLogs, ApiGateway, S3
	denied awserr.Code
	errs   *awserr.Service // the statuses the service answers with
}

var (
	svcIAM     = service{"Iam", awserr.AccessDenied, awserr.IAM}
	svcLambda  = service{"Lambda", awserr.AccessDeniedException, awserr.Lambda}
	svcLogs    = service{"CloudWatchLogs", awserr.AccessDeniedException, awserr.Logs}
	svcAPIGW   = service{"ApiGateway", awserr.AccessDeniedException, awserr.APIGateway}
	svcAPIGW2  = service{"ApiGatewayV2", awserr.AccessDeniedException, awserr.APIGateway}
	svcS3      = service{"S3", awserr.AccessDenied, awserr.S3}
	svcCognito = service{"CognitoIdentityProvider", awserr.AccessDeniedException, awserr.Cognito}
	svcCFN     = service{"CloudFormation", awserr.AccessDenied, awserr.CloudFormation}
)

// status is the HTTP status the service answers code with, for the text
// of a resource event. A code from another service's domain (a Lambda
// provider's IAM lookup) takes that service's status; one no table knows
// is a client error, as the event's text has always said.
func (s service) status(code awserr.Code) int {
	if st, ok := s.errs.Status(code); ok {
		return st
	}
	for _, o := range awserr.Services() {
		if st, ok := o.Status(code); ok {
			return st
		}
	}
	return 400
}

// deniedError is a guarded call the actor may not make.
type deniedError struct {
	svc service
	msg string // AWS's AccessDenied text
}

func (e *deniedError) Error() string { return e.msg }

// AWS returns AccessDenied as 403 for IAM, Lambda, API Gateway and S3, and
// CloudWatch Logs and Cognito answer every client error with 400.
func (e *deniedError) status() int { return e.svc.status(e.svc.denied) }

// allow authorizes action on resource as ctx's actor. display is how the
// service names the resource in its denial ("user NAME" for IAM's calls on
// an existing user); "" shows the ARN. A context with no actor is refused.
func allow(ctx context.Context, svc service, action, resource, display string, keys map[string][]string) error {
	a, _ := ctx.Value(actorKey{}).(*actor)
	if a == nil || a.authz == nil {
		return errNoCaller
	}
	d, err := a.authz.Authorize(ctx, a.caller, auth.Request{Action: action, Resource: resource, Context: keys})
	if err != nil {
		return err
	}
	if d.Allowed {
		return nil
	}
	if display == "" {
		display = resource
	}
	return &deniedError{svc: svc, msg: denialText(a.caller, action, display, d)}
}

// serviceOf is the service whose API a resource type's handler calls.
func serviceOf(typ string) service {
	switch {
	case strings.HasPrefix(typ, "AWS::IAM::"):
		return svcIAM
	case strings.HasPrefix(typ, "AWS::Lambda::"), typ == customResourceType, strings.HasPrefix(typ, "Custom::"):
		// A custom resource's call is the Invoke of its function.
		return svcLambda
	case strings.HasPrefix(typ, "AWS::Logs::"):
		return svcLogs
	case strings.HasPrefix(typ, "AWS::ApiGateway::"):
		return svcAPIGW
	case strings.HasPrefix(typ, "AWS::ApiGatewayV2::"):
		return svcAPIGW2
	case strings.HasPrefix(typ, "AWS::S3::"):
		return svcS3
	case strings.HasPrefix(typ, "AWS::Cognito::"):
		return svcCognito
	}
	return svcCFN
}

// handlerReason words a resource operation's failure as CloudFormation's
// resource handlers do in the resource's event:
//
//	Resource handler returned message: "User: arn:aws:iam::123456789012:user/matt is not
//	authorized to perform: iam:GetRole on resource: role x because no identity-based
//	policy allows the iam:GetRole action (Service: Iam, Status Code: 403, Request ID: …)"
//	(RequestToken: …, HandlerErrorCode: AccessDenied)
//
// (https://github.com/aws/aws-cdk/issues/27067). Failures that are not a
// service's answer (template values that do not resolve) are kept as they are.
func handlerReason(typ string, err error) string {
	var de *deniedError
	if errors.As(err, &de) {
		return handlerText(de.msg, de.svc.name, de.status(), "AccessDenied")
	}
	var ae *awserr.Error
	if errors.As(err, &ae) {
		svc := serviceOf(typ)
		status := svc.status(ae.Code)
		return handlerText(ae.Message, svc.name, status, handlerCode(ae.Code, status))
	}
	return err.Error()
}

func handlerText(msg, svc string, status int, code string) string {
	return fmt.Sprintf(`Resource handler returned message: "%s (Service: %s, Status Code: %d, Request ID: %s)" (RequestToken: %s, HandlerErrorCode: %s)`,
		msg, svc, status, uuid.NewString(), uuid.NewString(), code)
}

// handlerCode maps a service's error code to the handler error code
// CloudFormation reports
// (https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-test-contract-errors.html).
func handlerCode(c awserr.Code, status int) string {
	switch c {
	case awserr.AccessDenied, awserr.AccessDeniedException:
		return "AccessDenied"
	case awserr.NoSuchEntity, awserr.NotFoundException, awserr.ResourceNotFoundException:
		return "NotFound"
	case awserr.EntityAlreadyExists, awserr.ResourceConflictException, awserr.AlreadyExistsException:
		return "AlreadyExists"
	case awserr.LimitExceeded:
		return "ServiceLimitExceeded"
	}
	if status >= 500 {
		return "GeneralServiceException"
	}
	return "InvalidRequest"
}
