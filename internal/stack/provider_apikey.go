package stack

import (
	"context"

	"github.com/iamgate/iamgate/internal/apigw"
)

// APIKeys is what the API key and usage plan providers need;
// *apigw.Service satisfies it.
type APIKeys interface {
	CreateAPIKey(ctx context.Context, in apigw.CreateAPIKeyInput) (apigw.APIKey, error)
	UpdateAPIKey(ctx context.Context, id string, fn func(*apigw.APIKey)) (apigw.APIKey, error)
	DeleteAPIKey(ctx context.Context, id string) error
	CreateUsagePlan(ctx context.Context, in apigw.UsagePlan) (apigw.UsagePlan, error)
	UpdateUsagePlan(ctx context.Context, id string, fn func(*apigw.UsagePlan)) (apigw.UsagePlan, error)
	DeleteUsagePlan(ctx context.Context, id string) error
	CreateUsagePlanKey(ctx context.Context, planID, keyID, keyType string) (apigw.UsagePlanKey, error)
	DeleteUsagePlanKey(ctx context.Context, planID, keyID string) error
}

// RegisterAPIKeys adds AWS::ApiGateway::ApiKey, UsagePlan and UsagePlanKey
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-apikey.html
// and its siblings). Ref is the key id, the plan id and the key id.
func (e *Engine) RegisterAPIKeys(in APIKeys) {
	keys := &apiKeysGuard{in: in, region: e.region}
	e.Register("AWS::ApiGateway::ApiKey", &apiKeyProvider{keys: keys})
	e.Register("AWS::ApiGateway::UsagePlan", &usagePlanProvider{keys: keys})
	e.Register("AWS::ApiGateway::UsagePlanKey", &usagePlanKeyProvider{keys: keys})
}

type apiKeyProvider struct{ keys APIKeys }

// Create makes the key. Name defaults to a generated physical name, and
// Enabled to false, as CloudFormation documents; Value to a generated key.
func (p *apiKeyProvider) Create(ctx context.Context, in *Input) (Result, error) {
	name := str(in.Props, "Name")
	if name == "" {
		name = physicalName(in.StackName, in.LogicalID, 128, false)
	}
	ci := apigw.CreateAPIKeyInput{Name: name, Description: str(in.Props, "Description"),
		CustomerID: str(in.Props, "CustomerId"), Enabled: truthyProp(in.Props, "Enabled"), Value: str(in.Props, "Value"),
		Tags: tagMap(in.Props)}
	for _, sk := range mapList(in.Props, "StageKeys") {
		ci.StageKeys = append(ci.StageKeys, apigw.APIStage{APIID: str(sk, "RestApiId"), Stage: str(sk, "StageName")})
	}
	k, err := p.keys.CreateAPIKey(ctx, ci)
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: k.ID, Attrs: map[string]any{"APIKeyId": k.ID}}, nil
}

// Update changes what can change in place; a new Name, Value, StageKeys
// or CustomerId makes a new key, as CloudFormation replaces it.
func (p *apiKeyProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	for _, k := range []string{"Name", "Value", "CustomerId", "GenerateDistinctId"} {
		if str(in.Props, k) != str(prev.Props, k) {
			return Result{}, ErrReplace
		}
	}
	if toString(in.Props["StageKeys"]) != toString(prev.Props["StageKeys"]) {
		return Result{}, ErrReplace
	}
	k, err := p.keys.UpdateAPIKey(ctx, prev.PhysicalID, func(k *apigw.APIKey) {
		k.Description, k.Enabled, k.Tags = str(in.Props, "Description"), truthyProp(in.Props, "Enabled"), tagMap(in.Props)
	})
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: k.ID, Attrs: map[string]any{"APIKeyId": k.ID}}, nil
}

func (p *apiKeyProvider) Delete(ctx context.Context, prev State) error {
	if err := p.keys.DeleteAPIKey(ctx, prev.PhysicalID); err != nil && !isNotFound(err) {
		return err
	}
	return nil
}

type usagePlanProvider struct{ keys APIKeys }

func usagePlanOf(in *Input) apigw.UsagePlan {
	name := str(in.Props, "UsagePlanName")
	if name == "" {
		name = physicalName(in.StackName, in.LogicalID, 128, false)
	}
	p := apigw.UsagePlan{Name: name, Description: str(in.Props, "Description"), Tags: tagMap(in.Props)}
	for _, as := range mapList(in.Props, "ApiStages") {
		p.APIStages = append(p.APIStages, apigw.APIStage{APIID: str(as, "ApiId"), Stage: str(as, "Stage")})
	}
	p.Throttle, _ = in.Props["Throttle"].(map[string]any)
	p.Quota, _ = in.Props["Quota"].(map[string]any)
	return p
}

func (p *usagePlanProvider) Create(ctx context.Context, in *Input) (Result, error) {
	plan, err := p.keys.CreateUsagePlan(ctx, usagePlanOf(in))
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: plan.ID, Attrs: map[string]any{"Id": plan.ID}}, nil
}

func (p *usagePlanProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	next := usagePlanOf(in)
	plan, err := p.keys.UpdateUsagePlan(ctx, prev.PhysicalID, func(u *apigw.UsagePlan) {
		u.Name, u.Description, u.APIStages, u.Throttle, u.Quota, u.Tags = next.Name, next.Description, next.APIStages, next.Throttle, next.Quota, next.Tags
	})
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: plan.ID, Attrs: map[string]any{"Id": plan.ID}}, nil
}

func (p *usagePlanProvider) Delete(ctx context.Context, prev State) error {
	if err := p.keys.DeleteUsagePlan(ctx, prev.PhysicalID); err != nil && !isNotFound(err) {
		return err
	}
	return nil
}

type usagePlanKeyProvider struct{ keys APIKeys }

func (p *usagePlanKeyProvider) Create(ctx context.Context, in *Input) (Result, error) {
	keyType := str(in.Props, "KeyType")
	if keyType == "" {
		keyType = "API_KEY"
	}
	k, err := p.keys.CreateUsagePlanKey(ctx, str(in.Props, "UsagePlanId"), str(in.Props, "KeyId"), keyType)
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: k.ID}, nil
}

// Update: every property of a usage plan key needs a new one.
func (p *usagePlanKeyProvider) Update(context.Context, *Input, State) (Result, error) {
	return Result{}, ErrReplace
}

func (p *usagePlanKeyProvider) Delete(ctx context.Context, prev State) error {
	err := p.keys.DeleteUsagePlanKey(ctx, str(prev.Props, "UsagePlanId"), str(prev.Props, "KeyId"))
	if err != nil && !isNotFound(err) {
		return err
	}
	return nil
}

// truthyProp reads a CloudFormation Boolean: true or "true".
func truthyProp(props map[string]any, key string) bool {
	switch v := props[key].(type) {
	case bool:
		return v
	case string:
		return v == "true" || v == "True"
	}
	return false
}

// mapList reads a list of objects.
func mapList(props map[string]any, key string) []map[string]any {
	l, _ := props[key].([]any)
	out := make([]map[string]any, 0, len(l))
	for _, v := range l {
		if m, ok := v.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}
