package apigw

import (
	"context"
	"regexp"
	"testing"

	"github.com/iamgate/iamgate/internal/awserr"
)

// TestValidAPIKey: only the value of an enabled key in a usage plan of
// that very stage passes
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html).
func TestValidAPIKey(t *testing.T) {
	ctx := context.Background()
	s := newTestService()
	api, err := s.CreateRestAPI(ctx, CreateRestAPIInput{Name: "keyed", Body: `{"openapi":"3.0.1","paths":{"/k":{"get":{}}}}`})
	if err != nil {
		t.Fatal(err)
	}
	for _, stage := range []string{"v1", "v2"} {
		if _, err := s.CreateDeployment(ctx, api.ID, stage, ""); err != nil {
			t.Fatal(err)
		}
	}
	key, err := s.CreateAPIKey(ctx, CreateAPIKeyInput{Name: "k", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[A-Za-z0-9]{40}$`).MatchString(key.Value) || len(key.ID) != 10 {
		t.Errorf("generated key %q, id %q", key.Value, key.ID)
	}
	disabled, err := s.CreateAPIKey(ctx, CreateAPIKeyInput{Name: "off", Value: "0123456789abcdefghijKLMNOP"})
	if err != nil {
		t.Fatal(err)
	}
	loose, err := s.CreateAPIKey(ctx, CreateAPIKeyInput{Name: "no plan", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := s.CreateUsagePlan(ctx, UsagePlan{Name: "p", APIStages: []APIStage{{APIID: api.ID, Stage: "v1"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []APIKey{key, disabled} {
		if _, err := s.CreateUsagePlanKey(ctx, plan.ID, k.ID, "API_KEY"); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name, stage, value string
		want               bool
	}{
		{"enabled key in the plan", "v1", key.Value, true},
		{"other stage", "v2", key.Value, false},
		{"disabled key", "v1", disabled.Value, false},
		{"key in no plan", "v1", loose.Value, false},
		{"prefix of a key", "v1", key.Value[:39], false},
		{"key id instead of value", "v1", key.ID, false},
		{"empty", "v1", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, ok, err := s.ValidAPIKey(ctx, api.ID, tc.stage, tc.value)
			if err != nil || ok != tc.want || (ok && id != key.ID) {
				t.Errorf("ValidAPIKey = %q %v %v, want %v", id, ok, err, tc.want)
			}
		})
	}
	// Enabling the disabled key, then deleting keys and plans.
	if _, err := s.UpdateAPIKey(ctx, disabled.ID, func(k *APIKey) { k.Enabled = true }); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.ValidAPIKey(ctx, api.ID, "v1", disabled.Value); !ok {
		t.Error("enabled key refused")
	}
	if err := s.DeleteUsagePlanKey(ctx, plan.ID, disabled.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.ValidAPIKey(ctx, api.ID, "v1", disabled.Value); ok {
		t.Error("key removed from its plan accepted")
	}
	if err := s.DeleteAPIKey(ctx, key.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.ValidAPIKey(ctx, api.ID, "v1", key.Value); ok {
		t.Error("deleted key accepted")
	}
	keys, err := s.GetAPIKeys(ctx, false)
	if err != nil || len(keys) != 2 || keys[0].Value != "" {
		t.Errorf("GetAPIKeys = %+v %v", keys, err)
	}
	if err := s.DeleteUsagePlan(ctx, plan.ID); err != nil {
		t.Fatal(err)
	}
}

func TestAPIKeyErrors(t *testing.T) {
	ctx := context.Background()
	s := newTestService()
	tests := []struct {
		name string
		err  func() error
		code awserr.Code
		msg  string
	}{
		{"short value", func() error {
			_, err := s.CreateAPIKey(ctx, CreateAPIKeyInput{Value: "12345"})
			return err
		}, awserr.BadRequestException, "API Key value should be at least 20 characters"},
		{"long value", func() error {
			_, err := s.CreateAPIKey(ctx, CreateAPIKeyInput{Value: string(make([]byte, 129))})
			return err
		}, awserr.BadRequestException, "API Key value exceeds maximum size of 128 characters"},
		{"unknown key", func() error { _, err := s.GetAPIKey(ctx, "nope", false); return err }, awserr.NotFoundException, "Invalid API Key identifier specified"},
		{"unknown plan", func() error { _, err := s.CreateUsagePlanKey(ctx, "nope", "x", "API_KEY"); return err }, awserr.NotFoundException, "Invalid Usage Plan ID specified"},
		{"plan on an unknown api", func() error {
			_, err := s.CreateUsagePlan(ctx, UsagePlan{Name: "p", APIStages: []APIStage{{APIID: "zzz", Stage: "v1"}}})
			return err
		}, awserr.NotFoundException, "Invalid API identifier specified 000000000000:zzz"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := awserr.As(tc.err())
			if e.Code != tc.code || e.Message != tc.msg {
				t.Errorf("got %s: %s", e.Code, e.Message)
			}
		})
	}
}
