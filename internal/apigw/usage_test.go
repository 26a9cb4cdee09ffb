package apigw

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestUsagePlanThrottleAndQuota: a key's plan admits a burst, then one
// request per 1/rate seconds, and stops at its quota until the next
// period, on the service's clock
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html).
func TestUsagePlanThrottleAndQuota(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC) // a Wednesday
	s := New(newMemStore(), Options{AccountID: "000000000000", Region: "us-east-1", Now: func() time.Time { return now }})
	api, err := s.CreateRestAPI(ctx, CreateRestAPIInput{Name: "metered", Body: `{"openapi":"3.0.1","paths":{"/k":{"get":{}}}}`})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateDeployment(ctx, api.ID, "v1", ""); err != nil {
		t.Fatal(err)
	}
	key, _ := s.CreateAPIKey(ctx, CreateAPIKeyInput{Name: "k", Enabled: true})
	plan, err := s.CreateUsagePlan(ctx, UsagePlan{Name: "p", APIStages: []APIStage{{api.ID, "v1"}},
		Throttle: map[string]any{"BurstLimit": 2.0, "RateLimit": 0.5}, Quota: map[string]any{"Limit": 4.0, "Period": "DAY"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUsagePlanKey(ctx, plan.ID, key.ID, "API_KEY"); err != nil {
		t.Fatal(err)
	}
	admit := func() Admission {
		t.Helper()
		a, err := s.Admit(ctx, api.ID, "v1", key.ID)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	steps := []struct {
		advance time.Duration
		want    Admission
	}{
		{0, Admitted}, {0, Admitted}, {0, Throttled}, // the burst of 2
		{time.Second, Throttled},     // half a token
		{time.Second, Admitted},      // 0.5/s: one more after 2 s
		{10 * time.Second, Admitted}, // the bucket refills to its burst only
		{0, QuotaExceeded},           // 4 counted today
		{14 * time.Hour, Admitted},   // a new DAY
	}
	for i, st := range steps {
		now = now.Add(st.advance)
		if got := admit(); got != st.want {
			t.Fatalf("step %d (+%v): %v, want %v", i, st.advance, got, st.want)
		}
	}
	// A refused request is not counted: 4 on the first day, 1 on the second.
	u, err := s.GetUsage(ctx, plan.ID, "", "2026-03-04", "2026-03-05")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][][2]int{key.ID: {{4, 0}, {1, 3}}}
	if diff := cmp.Diff(want, u.Items); diff != "" {
		t.Errorf("usage (-want +got):\n%s", diff)
	}
	// A key of no plan of the stage is not metered here (the gateway
	// refuses it before).
	other, _ := s.CreateAPIKey(ctx, CreateAPIKeyInput{Name: "o", Enabled: true})
	if a, err := s.Admit(ctx, api.ID, "v1", other.ID); a != Admitted || err != nil {
		t.Errorf("key without plan: %v %v", a, err)
	}
}

func TestPeriodStart(t *testing.T) {
	wed := time.Date(2026, 3, 4, 23, 59, 0, 0, time.UTC)
	tests := []struct {
		q    Quota
		want string
	}{
		{Quota{Period: "DAY"}, "2026-03-04"},
		{Quota{Period: "WEEK"}, "2026-03-01"},            // Sunday
		{Quota{Period: "WEEK", Offset: 1}, "2026-03-02"}, // Monday
		{Quota{Period: "WEEK", Offset: 4}, "2026-02-26"}, // the Thursday before
		{Quota{Period: "MONTH"}, "2026-03-01"},
		{Quota{Period: "MONTH", Offset: 4}, "2026-02-05"},
		{Quota{Period: "MONTH", Offset: 3}, "2026-03-04"},
	}
	for _, tc := range tests {
		if got := periodStart(tc.q, wed).Format(time.DateOnly); got != tc.want {
			t.Errorf("periodStart(%+v) = %s, want %s", tc.q, got, tc.want)
		}
	}
}
