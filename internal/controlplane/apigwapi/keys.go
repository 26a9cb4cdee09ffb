package apigwapi

import (
	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/awserr"
)

// API keys, usage plans and their keys
// (https://docs.aws.amazon.com/apigateway/latest/api/API_CreateApiKey.html,
// API_CreateUsagePlan.html, API_CreateUsagePlanKey.html). A key's value is
// answered only when the call asks for it, as API Gateway does.

type stageKey struct {
	RestAPIID string `json:"restApiId"`
	StageName string `json:"stageName"`
}

type apiKey struct {
	ID              string            `json:"id"`
	Value           string            `json:"value,omitempty"`
	Name            string            `json:"name,omitempty"`
	CustomerID      string            `json:"customerId,omitempty"`
	Description     string            `json:"description,omitempty"`
	Enabled         bool              `json:"enabled"`
	CreatedDate     int64             `json:"createdDate"`
	LastUpdatedDate int64             `json:"lastUpdatedDate"`
	StageKeys       []string          `json:"stageKeys"`
	Tags            map[string]string `json:"tags,omitempty"`
}

func toAPIKey(k apigw.APIKey) apiKey {
	sk := k.StageKeys
	if sk == nil {
		sk = []string{}
	}
	return apiKey{ID: k.ID, Value: k.Value, Name: k.Name, CustomerID: k.CustomerID, Description: k.Description,
		Enabled: k.Enabled, CreatedDate: epoch(k.CreatedDate), LastUpdatedDate: epoch(k.LastUpdatedDate), StageKeys: sk, Tags: k.Tags}
}

func createAPIKey(c *call) (any, error) {
	var in struct {
		Name        string            `json:"name"`
		Description string            `json:"description"`
		Enabled     bool              `json:"enabled"`
		Value       string            `json:"value"`
		CustomerID  string            `json:"customerId"`
		StageKeys   []stageKey        `json:"stageKeys"`
		Tags        map[string]string `json:"tags"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	ci := apigw.CreateAPIKeyInput{Name: in.Name, Description: in.Description, Enabled: in.Enabled, Value: in.Value,
		CustomerID: in.CustomerID, Tags: in.Tags}
	for _, sk := range in.StageKeys {
		ci.StageKeys = append(ci.StageKeys, apigw.APIStage{APIID: sk.RestAPIID, Stage: sk.StageName})
	}
	k, err := c.h.o.APIs.CreateAPIKey(c.ctx, ci)
	return toAPIKey(k), err // CreateApiKey answers the value it made
}

func getAPIKeys(c *call) (any, error) {
	ks, err := c.h.o.APIs.GetAPIKeys(c.ctx, c.r.URL.Query().Get("includeValues") == "true")
	if err != nil {
		return nil, err
	}
	return collect(ks, toAPIKey), nil
}

func getAPIKey(c *call) (any, error) {
	k, err := c.h.o.APIs.GetAPIKey(c.ctx, c.rt.key, c.r.URL.Query().Get("includeValue") == "true")
	return toAPIKey(k), err
}

func deleteAPIKey(c *call) (any, error) {
	return nil, c.h.o.APIs.DeleteAPIKey(c.ctx, c.rt.key)
}

type usagePlan struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Description string            `json:"description,omitempty"`
	APIStages   []apiStage        `json:"apiStages"`
	Throttle    *throttle         `json:"throttle,omitempty"`
	Quota       *quota            `json:"quota,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
}

type apiStage struct {
	APIID string `json:"apiId"`
	Stage string `json:"stage"`
}

type throttle struct {
	BurstLimit int     `json:"burstLimit"`
	RateLimit  float64 `json:"rateLimit"`
}

type quota struct {
	Limit  int    `json:"limit"`
	Offset int    `json:"offset"`
	Period string `json:"period"`
}

func toUsagePlan(p apigw.UsagePlan) usagePlan {
	out := usagePlan{ID: p.ID, Name: p.Name, Description: p.Description, APIStages: []apiStage{}, Tags: p.Tags}
	for _, as := range p.APIStages {
		out.APIStages = append(out.APIStages, apiStage{APIID: as.APIID, Stage: as.Stage})
	}
	if t, ok := p.ThrottleSettings(); ok {
		out.Throttle = &throttle{BurstLimit: t.BurstLimit, RateLimit: t.RateLimit}
	}
	if q, ok := p.QuotaSettings(); ok {
		out.Quota = &quota{Limit: q.Limit, Offset: q.Offset, Period: q.Period}
	}
	return out
}

func createUsagePlan(c *call) (any, error) {
	var in usagePlan
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	p := apigw.UsagePlan{Name: in.Name, Description: in.Description, Tags: in.Tags}
	for _, as := range in.APIStages {
		p.APIStages = append(p.APIStages, apigw.APIStage{APIID: as.APIID, Stage: as.Stage})
	}
	if t := in.Throttle; t != nil {
		p.Throttle = map[string]any{"BurstLimit": float64(t.BurstLimit), "RateLimit": t.RateLimit}
	}
	if q := in.Quota; q != nil {
		switch q.Period {
		case "DAY", "WEEK", "MONTH":
		default:
			return nil, awserr.New(awserr.BadRequestException, "Invalid quota period specified: %s. Valid values are DAY, WEEK, MONTH", q.Period)
		}
		p.Quota = map[string]any{"Limit": float64(q.Limit), "Offset": float64(q.Offset), "Period": q.Period}
	}
	out, err := c.h.o.APIs.CreateUsagePlan(c.ctx, p)
	return toUsagePlan(out), err
}

func getUsagePlans(c *call) (any, error) {
	ps, err := c.h.o.APIs.GetUsagePlans(c.ctx)
	if err != nil {
		return nil, err
	}
	return collect(ps, toUsagePlan), nil
}

func getUsagePlan(c *call) (any, error) {
	p, err := c.h.o.APIs.GetUsagePlan(c.ctx, c.rt.plan)
	return toUsagePlan(p), err
}

func deleteUsagePlan(c *call) (any, error) {
	return nil, c.h.o.APIs.DeleteUsagePlan(c.ctx, c.rt.plan)
}

type usagePlanKey struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Name  string `json:"name,omitempty"`
	Value string `json:"value,omitempty"`
}

func toUsagePlanKey(k apigw.UsagePlanKey) usagePlanKey {
	return usagePlanKey{ID: k.ID, Type: k.Type, Name: k.Name, Value: k.Value}
}

func createUsagePlanKey(c *call) (any, error) {
	var in struct {
		KeyID   string `json:"keyId"`
		KeyType string `json:"keyType"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	k, err := c.h.o.APIs.CreateUsagePlanKey(c.ctx, c.rt.plan, in.KeyID, in.KeyType)
	return toUsagePlanKey(k), err
}

func getUsagePlanKeys(c *call) (any, error) {
	ks, err := c.h.o.APIs.GetUsagePlanKeys(c.ctx, c.rt.plan)
	if err != nil {
		return nil, err
	}
	return collect(ks, toUsagePlanKey), nil
}

func deleteUsagePlanKey(c *call) (any, error) {
	return nil, c.h.o.APIs.DeleteUsagePlanKey(c.ctx, c.rt.plan, c.rt.key)
}

func getAccount(c *call) (any, error) {
	a, err := c.h.o.APIs.GetAccount(c.ctx)
	if err != nil {
		return nil, err
	}
	return map[string]any{"cloudwatchRoleArn": a.CloudwatchRoleARN, "throttleSettings": map[string]any{"burstLimit": a.ThrottleBurst, "rateLimit": a.ThrottleRate},
		"features": a.Features, "apiKeyVersion": a.APIKeyVersion}, nil
}
