package stack

import (
	"context"

	"github.com/iamgate/iamgate/internal/apigw"
)

// APIs is what the API Gateway providers need; *apigw.Service satisfies it.
type APIs interface {
	CreateRestAPI(ctx context.Context, in apigw.CreateRestAPIInput) (apigw.RestAPI, error)
	PutRestAPI(ctx context.Context, id string, body any, mode string) (apigw.RestAPI, error)
	UpdateRestAPI(ctx context.Context, id string, fn func(*apigw.RestAPI) error) (apigw.RestAPI, error)
	DeleteRestAPI(ctx context.Context, id string) error
	CreateDeployment(ctx context.Context, apiID, stageName, description string) (apigw.Deployment, error)
	DeleteDeployment(ctx context.Context, apiID, id string) error
	CreateStage(ctx context.Context, st apigw.Stage) (apigw.Stage, error)
	GetStage(ctx context.Context, apiID, name string) (apigw.Stage, error)
	UpdateStage(ctx context.Context, apiID, name string, fn func(*apigw.Stage) error) (apigw.Stage, error)
	DeleteStage(ctx context.Context, apiID, name string) error
	APIParts
}

// RegisterAPIGateway adds the AWS::ApiGateway::* providers.
func (e *Engine) RegisterAPIGateway(apis APIs) {
	g := &apigwGuard{in: apis, region: e.region}
	e.Register("AWS::ApiGateway::RestApi", &restAPIProvider{apis: g, e: e})
	e.Register("AWS::ApiGateway::Deployment", &deploymentProvider{apis: g})
	e.Register("AWS::ApiGateway::Stage", &stageProvider{apis: g})
	e.Register("AWS::ApiGateway::Resource", &resourceProvider{apis: g})
	e.Register("AWS::ApiGateway::Method", &methodProvider{apis: g})
	e.Register("AWS::ApiGateway::Model", &modelProvider{apis: g})
	e.Register("AWS::ApiGateway::RequestValidator", &validatorProvider{apis: g})
	e.Register("AWS::ApiGateway::GatewayResponse", &gatewayResponseProvider{apis: g})
	e.Register("AWS::ApiGateway::Account", &accountProvider{apis: g})
}

type restAPIProvider struct {
	apis APIs
	e    *Engine
}

func (p *restAPIProvider) body(ctx context.Context, props map[string]any) (any, error) {
	if b, ok := props["Body"]; ok {
		return b, nil
	}
	loc, ok := props["BodyS3Location"].(map[string]any)
	if !ok || p.e.includes == nil {
		return nil, nil
	}
	data, err := p.e.includes.LoadInclude(ctx, "s3://"+str(loc, "Bucket")+"/"+str(loc, "Key"))
	if err != nil {
		return nil, err
	}
	return data, nil
}

func (p *restAPIProvider) Create(ctx context.Context, in *Input) (Result, error) {
	body, err := p.body(ctx, in.Props)
	if err != nil {
		return Result{}, err
	}
	ci := apigw.CreateRestAPIInput{Name: str(in.Props, "Name"), Description: str(in.Props, "Description"), Body: body,
		BinaryMediaTypes: strList(in.Props, "BinaryMediaTypes")}
	if pol, ok := in.Props["Policy"]; ok {
		ci.Policy = toString(pol)
	}
	if ec, ok := in.Props["EndpointConfiguration"].(map[string]any); ok {
		ci.EndpointTypes = strList(ec, "Types")
	}
	api, err := p.apis.CreateRestAPI(ctx, ci)
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: api.ID, Attrs: map[string]any{"RestApiId": api.ID, "RootResourceId": api.RootResourceID}}, nil
}

func (p *restAPIProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	body, err := p.body(ctx, in.Props)
	if err != nil {
		return Result{}, err
	}
	if body != nil {
		if _, err := p.apis.PutRestAPI(ctx, prev.PhysicalID, body, "overwrite"); err != nil {
			return Result{}, err
		}
	}
	api, err := p.apis.UpdateRestAPI(ctx, prev.PhysicalID, func(a *apigw.RestAPI) error {
		if n := str(in.Props, "Name"); n != "" {
			a.Name = n
		}
		a.Description = str(in.Props, "Description")
		if pol, ok := in.Props["Policy"]; ok {
			a.Policy = toString(pol)
		}
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: api.ID, Attrs: map[string]any{"RestApiId": api.ID, "RootResourceId": api.RootResourceID}}, nil
}

func (p *restAPIProvider) Delete(ctx context.Context, prev State) error {
	return p.apis.DeleteRestAPI(ctx, prev.PhysicalID)
}

type deploymentProvider struct{ apis APIs }

func (p *deploymentProvider) Create(ctx context.Context, in *Input) (Result, error) {
	api, stage := str(in.Props, "RestApiId"), str(in.Props, "StageName")
	d, err := p.apis.CreateDeployment(ctx, api, stage, str(in.Props, "Description"))
	if err != nil {
		return Result{}, err
	}
	if sd, ok := in.Props["StageDescription"].(map[string]any); ok && stage != "" {
		_, err := p.apis.UpdateStage(ctx, api, stage, func(st *apigw.Stage) error {
			stageSettings(st, sd, true)
			return nil
		})
		if err != nil {
			return Result{}, err
		}
	}
	return Result{PhysicalID: d.ID, Attrs: map[string]any{"DeploymentId": d.ID}}, nil
}

// Update: a deployment is immutable; any change makes a new one.
func (p *deploymentProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	return Result{}, ErrReplace
}

// Delete also removes the stage the deployment created through its
// StageName property, as CloudFormation's handler does; otherwise that stage
// would keep the deployment in use.
func (p *deploymentProvider) Delete(ctx context.Context, prev State) error {
	api := str(prev.Props, "RestApiId")
	if name := str(prev.Props, "StageName"); name != "" {
		// Only while it still points here: a newer deployment may have taken it over.
		if st, err := p.apis.GetStage(ctx, api, name); err == nil && st.DeploymentID == prev.PhysicalID {
			if err := p.apis.DeleteStage(ctx, api, name); err != nil && !isNotFound(err) {
				return err
			}
		}
	}
	return p.apis.DeleteDeployment(ctx, api, prev.PhysicalID)
}

type stageProvider struct{ apis APIs }

func stageOf(props map[string]any) apigw.Stage {
	st := apigw.Stage{RestAPIID: str(props, "RestApiId"), StageName: str(props, "StageName"),
		DeploymentID: str(props, "DeploymentId")}
	stageSettings(&st, props, false)
	return st
}

func (p *stageProvider) Create(ctx context.Context, in *Input) (Result, error) {
	st, err := p.apis.CreateStage(ctx, stageOf(in.Props))
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: st.StageName}, nil
}

func (p *stageProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	next := stageOf(in.Props)
	if next.RestAPIID != str(prev.Props, "RestApiId") || next.StageName != prev.PhysicalID {
		return Result{}, ErrReplace
	}
	st, err := p.apis.UpdateStage(ctx, next.RestAPIID, next.StageName, func(s *apigw.Stage) error {
		s.DeploymentID, s.Description, s.Variables = next.DeploymentID, next.Description, next.Variables
		s.AccessLogSettings, s.TracingEnabled, s.MethodSettings = next.AccessLogSettings, next.TracingEnabled, next.MethodSettings
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: st.StageName}, nil
}

func (p *stageProvider) Delete(ctx context.Context, prev State) error {
	return p.apis.DeleteStage(ctx, str(prev.Props, "RestApiId"), prev.PhysicalID)
}
