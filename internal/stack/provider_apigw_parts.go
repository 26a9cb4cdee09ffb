package stack

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/iamgate/iamgate/internal/apigw"
)

// APIParts is what the providers of an API's resources, methods, models,
// validators and gateway responses need; *apigw.Service satisfies it.
type APIParts interface {
	CreateResource(ctx context.Context, apiID, parentID, pathPart string) (apigw.Resource, error)
	DeleteResource(ctx context.Context, apiID, id string) error
	PutMethod(ctx context.Context, apiID, resourceID string, m apigw.Method, replace bool) (apigw.Method, error)
	DeleteMethod(ctx context.Context, apiID, resourceID, verb string) error
	CreateModel(ctx context.Context, apiID string, m apigw.Model) (apigw.Model, error)
	UpdateModel(ctx context.Context, apiID, name string, fn func(*apigw.Model)) (apigw.Model, error)
	DeleteModel(ctx context.Context, apiID, name string) error
	CreateRequestValidator(ctx context.Context, apiID string, v apigw.RequestValidator) (apigw.RequestValidator, error)
	UpdateRequestValidator(ctx context.Context, apiID, id string, fn func(*apigw.RequestValidator)) (apigw.RequestValidator, error)
	DeleteRequestValidator(ctx context.Context, apiID, id string) error
	PutGatewayResponse(ctx context.Context, apiID string, g apigw.GatewayResponse) (apigw.GatewayResponse, error)
	DeleteGatewayResponse(ctx context.Context, apiID, typ string) error
	SetCloudwatchRole(ctx context.Context, roleARN string) (apigw.Account, error)
}

// The providers below follow the AWS::ApiGateway::* pages of
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/AWS_ApiGateway.html:
// what Ref and Fn::GetAtt return, which property changes replace.

type resourceProvider struct{ apis APIs }

func (p *resourceProvider) Create(ctx context.Context, in *Input) (Result, error) {
	r, err := p.apis.CreateResource(ctx, str(in.Props, "RestApiId"), str(in.Props, "ParentId"), str(in.Props, "PathPart"))
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: r.ID, Attrs: map[string]any{"ResourceId": r.ID}}, nil
}

// Update: every property of a resource needs a new one.
func (p *resourceProvider) Update(context.Context, *Input, State) (Result, error) {
	return Result{}, ErrReplace
}

func (p *resourceProvider) Delete(ctx context.Context, prev State) error {
	if err := p.apis.DeleteResource(ctx, str(prev.Props, "RestApiId"), prev.PhysicalID); err != nil && !isNotFound(err) {
		return err
	}
	return nil
}

type methodProvider struct{ apis APIs }

// methodOf reads a Method's properties. The Integration goes through the
// same reader as an OpenAPI x-amazon-apigateway-integration, its keys
// renamed, so both define integrations alike.
func methodOf(props map[string]any) (apigw.Method, error) {
	m := apigw.Method{
		HTTPMethod:         strings.ToUpper(str(props, "HttpMethod")),
		AuthorizationType:  strings.ToUpper(str(props, "AuthorizationType")),
		AuthorizerID:       str(props, "AuthorizerId"),
		APIKeyRequired:     truthyProp(props, "ApiKeyRequired"),
		OperationName:      str(props, "OperationName"),
		RequestValidatorID: str(props, "RequestValidatorId"),
	}
	if scopes, ok := props["AuthorizationScopes"].([]any); ok {
		for _, s := range scopes {
			if v, ok := s.(string); ok {
				m.AuthorizationScopes = append(m.AuthorizationScopes, v)
			}
		}
	}
	if m.AuthorizationType == "" {
		m.AuthorizationType = apigw.AuthNone
	}
	if rp, ok := props["RequestParameters"].(map[string]any); ok {
		m.RequestParameters = map[string]bool{}
		for k := range rp {
			m.RequestParameters[k] = truthyProp(rp, k)
		}
	}
	if rm, ok := props["RequestModels"].(map[string]any); ok {
		m.RequestModels = map[string]string{}
		for k, v := range rm {
			m.RequestModels[k] = toString(v)
		}
	}
	m.MethodResponses = methodResponsesOf(props)
	if ig, ok := props["Integration"].(map[string]any); ok {
		in, err := apigw.ParseIntegration(integrationExtension(ig))
		if err != nil {
			return apigw.Method{}, err
		}
		m.Integration = in
	}
	return m, nil
}

// methodResponsesOf reads MethodResponses (StatusCode, ResponseParameters,
// ResponseModels), keyed by status code as GetMethod returns them.
func methodResponsesOf(props map[string]any) map[string]apigw.MethodResponse {
	list := mapList(props, "MethodResponses")
	if len(list) == 0 {
		return nil
	}
	out := map[string]apigw.MethodResponse{}
	for _, r := range list {
		mr := apigw.MethodResponse{StatusCode: toString(r["StatusCode"])}
		if rp, ok := r["ResponseParameters"].(map[string]any); ok {
			mr.ResponseParameters = map[string]bool{}
			for k := range rp {
				mr.ResponseParameters[k] = truthyProp(rp, k)
			}
		}
		if rm, ok := r["ResponseModels"].(map[string]any); ok {
			mr.ResponseModels = map[string]string{}
			for k, v := range rm {
				mr.ResponseModels[k] = toString(v)
			}
		}
		out[mr.StatusCode] = mr
	}
	return out
}

// integrationKeys maps AWS::ApiGateway::Method Integration properties to
// x-amazon-apigateway-integration keys.
var integrationKeys = map[string]string{
	"Type": "type", "Uri": "uri", "IntegrationHttpMethod": "httpMethod", "Credentials": "credentials",
	"PassthroughBehavior": "passthroughBehavior", "ContentHandling": "contentHandling",
	"TimeoutInMillis": "timeoutInMillis", "RequestTemplates": "requestTemplates",
	"RequestParameters": "requestParameters", "CacheKeyParameters": "cacheKeyParameters",
	"CacheNamespace": "cacheNamespace", "ConnectionType": "connectionType", "ConnectionId": "connectionId",
}

var integrationResponseKeys = map[string]string{
	"StatusCode": "statusCode", "ResponseParameters": "responseParameters",
	"ResponseTemplates": "responseTemplates", "ContentHandling": "contentHandling",
}

func integrationExtension(ig map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range ig {
		if ek, ok := integrationKeys[k]; ok {
			out[ek] = v
		}
	}
	// IntegrationResponses is a list; the extension keys responses by
	// selection pattern, "default" for the one without.
	if list := mapList(ig, "IntegrationResponses"); len(list) > 0 {
		responses := map[string]any{}
		for _, r := range list {
			er := map[string]any{}
			for k, v := range r {
				if ek, ok := integrationResponseKeys[k]; ok {
					er[ek] = v
				}
			}
			if sc, ok := er["statusCode"]; ok {
				er["statusCode"] = toString(sc)
			}
			pattern := str(r, "SelectionPattern")
			if pattern == "" {
				pattern = "default"
			}
			responses[pattern] = er
		}
		out["responses"] = responses
	}
	return out
}

func (p *methodProvider) Create(ctx context.Context, in *Input) (Result, error) {
	m, err := methodOf(in.Props)
	if err != nil {
		return Result{}, err
	}
	if _, err := p.apis.PutMethod(ctx, str(in.Props, "RestApiId"), str(in.Props, "ResourceId"), m, false); err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: physicalName(in.StackName, in.LogicalID, 128, false)}, nil
}

func (p *methodProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	for _, k := range []string{"RestApiId", "ResourceId", "HttpMethod"} {
		if !strings.EqualFold(str(in.Props, k), str(prev.Props, k)) {
			return Result{}, ErrReplace
		}
	}
	m, err := methodOf(in.Props)
	if err != nil {
		return Result{}, err
	}
	if _, err := p.apis.PutMethod(ctx, str(in.Props, "RestApiId"), str(in.Props, "ResourceId"), m, true); err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: prev.PhysicalID}, nil
}

func (p *methodProvider) Delete(ctx context.Context, prev State) error {
	err := p.apis.DeleteMethod(ctx, str(prev.Props, "RestApiId"), str(prev.Props, "ResourceId"), strings.ToUpper(str(prev.Props, "HttpMethod")))
	if err != nil && !isNotFound(err) {
		return err
	}
	return nil
}

type modelProvider struct{ apis APIs }

// schemaString keeps a Schema given as a JSON string, or encodes one given
// as an object (how templates mostly write it).
func schemaString(v any) string {
	switch s := v.(type) {
	case nil:
		return ""
	case string:
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func (p *modelProvider) Create(ctx context.Context, in *Input) (Result, error) {
	name := str(in.Props, "Name")
	if name == "" {
		name = alnum(physicalName(in.StackName, in.LogicalID, 128, false))
	}
	m, err := p.apis.CreateModel(ctx, str(in.Props, "RestApiId"), apigw.Model{Name: name,
		Description: str(in.Props, "Description"), ContentType: str(in.Props, "ContentType"), Schema: schemaString(in.Props["Schema"])})
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: m.Name}, nil
}

// alnum drops what a model name may not hold.
func alnum(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

func (p *modelProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	for _, k := range []string{"RestApiId", "Name", "ContentType"} {
		if str(in.Props, k) != str(prev.Props, k) {
			return Result{}, ErrReplace
		}
	}
	_, err := p.apis.UpdateModel(ctx, str(in.Props, "RestApiId"), prev.PhysicalID, func(m *apigw.Model) {
		m.Description, m.Schema = str(in.Props, "Description"), schemaString(in.Props["Schema"])
	})
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: prev.PhysicalID}, nil
}

func (p *modelProvider) Delete(ctx context.Context, prev State) error {
	if err := p.apis.DeleteModel(ctx, str(prev.Props, "RestApiId"), prev.PhysicalID); err != nil && !isNotFound(err) {
		return err
	}
	return nil
}

type validatorProvider struct{ apis APIs }

func validatorOf(in *Input) apigw.RequestValidator {
	return apigw.RequestValidator{Name: str(in.Props, "Name"), ValidateRequestBody: truthyProp(in.Props, "ValidateRequestBody"),
		ValidateRequestParameters: truthyProp(in.Props, "ValidateRequestParameters")}
}

func (p *validatorProvider) Create(ctx context.Context, in *Input) (Result, error) {
	v, err := p.apis.CreateRequestValidator(ctx, str(in.Props, "RestApiId"), validatorOf(in))
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: v.ID, Attrs: map[string]any{"RequestValidatorId": v.ID}}, nil
}

func (p *validatorProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	if str(in.Props, "RestApiId") != str(prev.Props, "RestApiId") {
		return Result{}, ErrReplace
	}
	next := validatorOf(in)
	v, err := p.apis.UpdateRequestValidator(ctx, str(in.Props, "RestApiId"), prev.PhysicalID, func(v *apigw.RequestValidator) {
		v.Name, v.ValidateRequestBody, v.ValidateRequestParameters = next.Name, next.ValidateRequestBody, next.ValidateRequestParameters
	})
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: v.ID, Attrs: map[string]any{"RequestValidatorId": v.ID}}, nil
}

func (p *validatorProvider) Delete(ctx context.Context, prev State) error {
	if err := p.apis.DeleteRequestValidator(ctx, str(prev.Props, "RestApiId"), prev.PhysicalID); err != nil && !isNotFound(err) {
		return err
	}
	return nil
}

type gatewayResponseProvider struct{ apis APIs }

func gatewayResponseOf(props map[string]any) apigw.GatewayResponse {
	g := apigw.GatewayResponse{ResponseType: str(props, "ResponseType"), StatusCode: str(props, "StatusCode")}
	g.ResponseParameters = stringProps(props, "ResponseParameters")
	g.ResponseTemplates = stringProps(props, "ResponseTemplates")
	return g
}

func stringProps(props map[string]any, key string) map[string]string {
	m, ok := props[key].(map[string]any)
	if !ok {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = toString(v)
	}
	return out
}

func (p *gatewayResponseProvider) Create(ctx context.Context, in *Input) (Result, error) {
	if _, err := p.apis.PutGatewayResponse(ctx, str(in.Props, "RestApiId"), gatewayResponseOf(in.Props)); err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: physicalName(in.StackName, in.LogicalID, 128, false)}, nil
}

func (p *gatewayResponseProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	if str(in.Props, "RestApiId") != str(prev.Props, "RestApiId") || str(in.Props, "ResponseType") != str(prev.Props, "ResponseType") {
		return Result{}, ErrReplace
	}
	if _, err := p.apis.PutGatewayResponse(ctx, str(in.Props, "RestApiId"), gatewayResponseOf(in.Props)); err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: prev.PhysicalID}, nil
}

func (p *gatewayResponseProvider) Delete(ctx context.Context, prev State) error {
	err := p.apis.DeleteGatewayResponse(ctx, str(prev.Props, "RestApiId"), str(prev.Props, "ResponseType"))
	if err != nil && !isNotFound(err) {
		return err
	}
	return nil
}

// accountProvider sets the account's CloudWatch role. The account outlives
// the stack: deleting the resource leaves the setting, as CloudFormation
// does for AWS::ApiGateway::Account.
type accountProvider struct{ apis APIs }

func (p *accountProvider) Create(ctx context.Context, in *Input) (Result, error) {
	if _, err := p.apis.SetCloudwatchRole(ctx, str(in.Props, "CloudWatchRoleArn")); err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: physicalName(in.StackName, in.LogicalID, 128, false)}, nil
}

func (p *accountProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	if _, err := p.apis.SetCloudwatchRole(ctx, str(in.Props, "CloudWatchRoleArn")); err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: prev.PhysicalID}, nil
}

func (p *accountProvider) Delete(context.Context, State) error { return nil }
