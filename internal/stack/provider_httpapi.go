package stack

import (
	"context"

	"github.com/iamgate/iamgate/internal/httpapi"
)

// HTTPAPIs is what the AWS::ApiGatewayV2::* providers need;
// *httpapi.Service satisfies it.
type HTTPAPIs interface {
	CreateAPI(ctx context.Context, in httpapi.CreateAPIInput) (httpapi.API, error)
	ReimportAPI(ctx context.Context, id string, body any) (httpapi.API, error)
	UpdateAPI(ctx context.Context, id string, fn func(*httpapi.API) error) (httpapi.API, error)
	DeleteAPI(ctx context.Context, id string) error
	CreateRoute(ctx context.Context, apiID string, r httpapi.Route) (httpapi.Route, error)
	UpdateRoute(ctx context.Context, apiID, id string, fn func(*httpapi.Route) error) (httpapi.Route, error)
	DeleteRoute(ctx context.Context, apiID, id string) error
	CreateIntegration(ctx context.Context, apiID string, in httpapi.Integration) (httpapi.Integration, error)
	UpdateIntegration(ctx context.Context, apiID, id string, fn func(*httpapi.Integration) error) (httpapi.Integration, error)
	DeleteIntegration(ctx context.Context, apiID, id string) error
	CreateAuthorizer(ctx context.Context, apiID string, a httpapi.Authorizer) (httpapi.Authorizer, error)
	UpdateAuthorizer(ctx context.Context, apiID, id string, fn func(*httpapi.Authorizer) error) (httpapi.Authorizer, error)
	DeleteAuthorizer(ctx context.Context, apiID, id string) error
	CreateStage(ctx context.Context, st httpapi.Stage) (httpapi.Stage, error)
	UpdateStage(ctx context.Context, apiID, name string, fn func(*httpapi.Stage) error) (httpapi.Stage, error)
	DeleteStage(ctx context.Context, apiID, name string) error
	CreateDeployment(ctx context.Context, apiID, stageName, description string) (httpapi.Deployment, error)
	DeleteDeployment(ctx context.Context, apiID, id string) error
}

// RegisterHTTPAPIs adds the AWS::ApiGatewayV2::* providers of HTTP APIs
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/AWS_ApiGatewayV2.html).
func (e *Engine) RegisterHTTPAPIs(apis HTTPAPIs) {
	g := &httpAPIGuard{in: apis, region: e.region}
	e.Register("AWS::ApiGatewayV2::Api", &v2APIProvider{apis: g, e: e})
	e.Register("AWS::ApiGatewayV2::Route", &v2RouteProvider{apis: g})
	e.Register("AWS::ApiGatewayV2::Integration", &v2IntegrationProvider{apis: g})
	e.Register("AWS::ApiGatewayV2::Authorizer", &v2AuthorizerProvider{apis: g})
	e.Register("AWS::ApiGatewayV2::Stage", &v2StageProvider{apis: g})
	e.Register("AWS::ApiGatewayV2::Deployment", &v2DeploymentProvider{apis: g})
}

type v2APIProvider struct {
	apis *httpAPIGuard
	e    *Engine
}

func (p *v2APIProvider) body(ctx context.Context, props map[string]any) (any, error) {
	if b, ok := props["Body"]; ok {
		return b, nil
	}
	loc, ok := props["BodyS3Location"].(map[string]any)
	if !ok || p.e.includes == nil {
		return nil, nil
	}
	return p.e.includes.LoadInclude(ctx, "s3://"+str(loc, "Bucket")+"/"+str(loc, "Key"))
}

func apiResult(api httpapi.API) Result {
	return Result{PhysicalID: api.APIID, Attrs: map[string]any{"ApiId": api.APIID, "ApiEndpoint": api.APIEndpoint}}
}

func (p *v2APIProvider) Create(ctx context.Context, in *Input) (Result, error) {
	body, err := p.body(ctx, in.Props)
	if err != nil {
		return Result{}, err
	}
	ci := httpapi.CreateAPIInput{Name: str(in.Props, "Name"), Description: str(in.Props, "Description"),
		ProtocolType: str(in.Props, "ProtocolType"), Body: body, Target: str(in.Props, "Target"),
		RouteKey: str(in.Props, "RouteKey"), CredentialsARN: str(in.Props, "CredentialsArn"), Version: str(in.Props, "Version"),
		DisableExecuteAPIEndpoint: boolOf(in.Props["DisableExecuteApiEndpoint"]), Tags: stringMap(in.Props["Tags"])}
	if c, ok := in.Props["CorsConfiguration"]; ok && c != nil {
		if ci.Cors, err = httpapi.ParseCors(c); err != nil {
			return Result{}, err
		}
	}
	api, err := p.apis.CreateAPI(ctx, ci)
	if err != nil {
		return Result{}, err
	}
	return apiResult(api), nil
}

// Update: a new quick-create Target or protocol needs a new API, as
// CloudFormation replaces it; a new Body is reimported.
func (p *v2APIProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	if str(in.Props, "Target") != str(prev.Props, "Target") || str(in.Props, "ProtocolType") != str(prev.Props, "ProtocolType") {
		return Result{}, ErrReplace
	}
	body, err := p.body(ctx, in.Props)
	if err != nil {
		return Result{}, err
	}
	if body != nil {
		if _, err := p.apis.ReimportAPI(ctx, prev.PhysicalID, body); err != nil {
			return Result{}, err
		}
	}
	var cors *httpapi.Cors
	if c, ok := in.Props["CorsConfiguration"]; ok && c != nil {
		if cors, err = httpapi.ParseCors(c); err != nil {
			return Result{}, err
		}
	}
	api, err := p.apis.UpdateAPI(ctx, prev.PhysicalID, func(a *httpapi.API) error {
		if n := str(in.Props, "Name"); n != "" {
			a.Name = n
		}
		if d := str(in.Props, "Description"); d != "" || body == nil {
			a.Description = d
		}
		if cors != nil || body == nil {
			a.CorsConfiguration = cors
		}
		if v, ok := in.Props["DisableExecuteApiEndpoint"]; ok {
			a.DisableExecuteAPIEndpoint = boolOf(v)
		}
		a.Tags = stringMap(in.Props["Tags"])
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	return apiResult(api), nil
}

func (p *v2APIProvider) Delete(ctx context.Context, prev State) error {
	return p.apis.DeleteAPI(ctx, prev.PhysicalID)
}

type v2RouteProvider struct{ apis *httpAPIGuard }

func routeOf(props map[string]any) httpapi.Route {
	return httpapi.Route{RouteKey: str(props, "RouteKey"), AuthorizationType: str(props, "AuthorizationType"),
		AuthorizerID: str(props, "AuthorizerId"), AuthorizationScopes: strList(props, "AuthorizationScopes"),
		APIKeyRequired: boolOf(props["ApiKeyRequired"]), OperationName: str(props, "OperationName"), Target: str(props, "Target")}
}

func (p *v2RouteProvider) Create(ctx context.Context, in *Input) (Result, error) {
	r, err := p.apis.CreateRoute(ctx, str(in.Props, "ApiId"), routeOf(in.Props))
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: r.RouteID, Attrs: map[string]any{"RouteId": r.RouteID}}, nil
}

func (p *v2RouteProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	if str(in.Props, "ApiId") != str(prev.Props, "ApiId") {
		return Result{}, ErrReplace
	}
	next := routeOf(in.Props)
	r, err := p.apis.UpdateRoute(ctx, str(in.Props, "ApiId"), prev.PhysicalID, func(r *httpapi.Route) error {
		next.RouteID = r.RouteID
		*r = next
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: r.RouteID, Attrs: map[string]any{"RouteId": r.RouteID}}, nil
}

func (p *v2RouteProvider) Delete(ctx context.Context, prev State) error {
	return p.apis.DeleteRoute(ctx, str(prev.Props, "ApiId"), prev.PhysicalID)
}

type v2IntegrationProvider struct{ apis *httpAPIGuard }

func integrationOf(props map[string]any) httpapi.Integration {
	return httpapi.Integration{IntegrationType: str(props, "IntegrationType"), IntegrationURI: str(props, "IntegrationUri"),
		IntegrationMethod: str(props, "IntegrationMethod"), PayloadFormatVersion: str(props, "PayloadFormatVersion"),
		TimeoutInMillis: intProp(props, "TimeoutInMillis", 0), CredentialsARN: str(props, "CredentialsArn"),
		ConnectionType: str(props, "ConnectionType"), Description: str(props, "Description")}
}

func (p *v2IntegrationProvider) Create(ctx context.Context, in *Input) (Result, error) {
	integ, err := p.apis.CreateIntegration(ctx, str(in.Props, "ApiId"), integrationOf(in.Props))
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: integ.IntegrationID, Attrs: map[string]any{"IntegrationId": integ.IntegrationID}}, nil
}

func (p *v2IntegrationProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	if str(in.Props, "ApiId") != str(prev.Props, "ApiId") {
		return Result{}, ErrReplace
	}
	next := integrationOf(in.Props)
	if next.ConnectionType == "" {
		next.ConnectionType = "INTERNET"
	}
	integ, err := p.apis.UpdateIntegration(ctx, str(in.Props, "ApiId"), prev.PhysicalID, next)
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: integ.IntegrationID, Attrs: map[string]any{"IntegrationId": integ.IntegrationID}}, nil
}

func (p *v2IntegrationProvider) Delete(ctx context.Context, prev State) error {
	return p.apis.DeleteIntegration(ctx, str(prev.Props, "ApiId"), prev.PhysicalID)
}

type v2AuthorizerProvider struct{ apis *httpAPIGuard }

func v2AuthorizerOf(props map[string]any) httpapi.Authorizer {
	a := httpapi.Authorizer{Name: str(props, "Name"), AuthorizerType: str(props, "AuthorizerType"),
		IdentitySource: strList(props, "IdentitySource"), AuthorizerURI: str(props, "AuthorizerUri"),
		AuthorizerCredentialsARN: str(props, "AuthorizerCredentialsArn"), AuthorizerPayloadFormatVersion: str(props, "AuthorizerPayloadFormatVersion"),
		AuthorizerResultTTLInSeconds: intProp(props, "AuthorizerResultTtlInSeconds", 0), EnableSimpleResponses: boolOf(props["EnableSimpleResponses"])}
	if jc, ok := props["JwtConfiguration"].(map[string]any); ok {
		a.JWTConfiguration = &httpapi.JWTConfiguration{Issuer: str(jc, "Issuer"), Audience: strList(jc, "Audience")}
	}
	return a
}

func (p *v2AuthorizerProvider) Create(ctx context.Context, in *Input) (Result, error) {
	a, err := p.apis.CreateAuthorizer(ctx, str(in.Props, "ApiId"), v2AuthorizerOf(in.Props))
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: a.AuthorizerID, Attrs: map[string]any{"AuthorizerId": a.AuthorizerID}}, nil
}

func (p *v2AuthorizerProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	if str(in.Props, "ApiId") != str(prev.Props, "ApiId") {
		return Result{}, ErrReplace
	}
	a, err := p.apis.UpdateAuthorizer(ctx, str(in.Props, "ApiId"), prev.PhysicalID, v2AuthorizerOf(in.Props))
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: a.AuthorizerID, Attrs: map[string]any{"AuthorizerId": a.AuthorizerID}}, nil
}

func (p *v2AuthorizerProvider) Delete(ctx context.Context, prev State) error {
	return p.apis.DeleteAuthorizer(ctx, str(prev.Props, "ApiId"), prev.PhysicalID)
}

type v2StageProvider struct{ apis *httpAPIGuard }

// v2StageOf reads a stage; throttling and other route settings are
// stored and reported, not enforced.
func v2StageOf(props map[string]any) httpapi.Stage {
	st := httpapi.Stage{APIID: str(props, "ApiId"), StageName: str(props, "StageName"), DeploymentID: str(props, "DeploymentId"),
		AutoDeploy: boolOf(props["AutoDeploy"]), Description: str(props, "Description"),
		StageVariables: stringMap(props["StageVariables"]), Tags: stringMap(props["Tags"])}
	if rs, ok := props["DefaultRouteSettings"].(map[string]any); ok {
		st.DefaultRouteSettings = routeSettingsOf(rs)
	}
	if m, ok := props["RouteSettings"].(map[string]any); ok {
		st.RouteSettings = map[string]httpapi.RouteSettings{}
		for k, v := range m {
			if rs, ok := v.(map[string]any); ok {
				st.RouteSettings[k] = routeSettingsOf(rs)
			}
		}
	}
	return st
}

func routeSettingsOf(m map[string]any) httpapi.RouteSettings {
	rs := httpapi.RouteSettings{DataTraceEnabled: boolOf(m["DataTraceEnabled"]), DetailedMetricsEnabled: boolOf(m["DetailedMetricsEnabled"]),
		LoggingLevel: str(m, "LoggingLevel")}
	// An absent limit falls back; 0 is a limit.
	if _, ok := m["ThrottlingBurstLimit"]; ok {
		n := intProp(m, "ThrottlingBurstLimit", 0)
		rs.ThrottlingBurstLimit = &n
	}
	if _, ok := m["ThrottlingRateLimit"]; ok {
		f := floatProp(m, "ThrottlingRateLimit")
		rs.ThrottlingRateLimit = &f
	}
	return rs
}

func (p *v2StageProvider) Create(ctx context.Context, in *Input) (Result, error) {
	st, err := p.apis.CreateStage(ctx, v2StageOf(in.Props))
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: st.StageName}, nil
}

func (p *v2StageProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	next := v2StageOf(in.Props)
	if next.APIID != str(prev.Props, "ApiId") || next.StageName != prev.PhysicalID {
		return Result{}, ErrReplace
	}
	st, err := p.apis.UpdateStage(ctx, next.APIID, next.StageName, func(s *httpapi.Stage) error {
		if !next.AutoDeploy || next.DeploymentID != "" {
			s.DeploymentID = next.DeploymentID
		}
		s.AutoDeploy, s.Description, s.StageVariables, s.Tags = next.AutoDeploy, next.Description, next.StageVariables, next.Tags
		s.DefaultRouteSettings, s.RouteSettings = next.DefaultRouteSettings, next.RouteSettings
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: st.StageName}, nil
}

func (p *v2StageProvider) Delete(ctx context.Context, prev State) error {
	return p.apis.DeleteStage(ctx, str(prev.Props, "ApiId"), prev.PhysicalID)
}

type v2DeploymentProvider struct{ apis *httpAPIGuard }

func (p *v2DeploymentProvider) Create(ctx context.Context, in *Input) (Result, error) {
	d, err := p.apis.CreateDeployment(ctx, str(in.Props, "ApiId"), str(in.Props, "StageName"), str(in.Props, "Description"))
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: d.DeploymentID, Attrs: map[string]any{"DeploymentId": d.DeploymentID}}, nil
}

// Update: a deployment is immutable; any change makes a new one.
func (p *v2DeploymentProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	return Result{}, ErrReplace
}

func (p *v2DeploymentProvider) Delete(ctx context.Context, prev State) error {
	err := p.apis.DeleteDeployment(ctx, str(prev.Props, "ApiId"), prev.PhysicalID)
	if isNotFound(err) {
		return nil
	}
	return err
}

func boolOf(v any) bool {
	switch b := v.(type) {
	case bool:
		return b
	case string:
		return b == "true" || b == "True"
	}
	return false
}

// stringMap reads a map of strings (Tags, StageVariables).
func stringMap(v any) map[string]string {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, x := range m {
		out[k] = toString(x)
	}
	return out
}
