package apigw

import "testing"

func TestMethodSettingsKey(t *testing.T) {
	t.Parallel()
	// CloudFormation's MethodSetting.ResourcePath escapes slashes as ~1
	// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-apigateway-stage-methodsetting.html),
	// update-stage's patch paths too
	// (https://docs.aws.amazon.com/apigateway/latest/api/patch-operations.html#UpdateStage-Patch);
	// the stage's methodSettings keys do not.
	for _, tc := range []struct{ path, method, want string }{
		{"/~1items~1{id}", "get", "items/{id}/GET"},
		{"~1items", "POST", "items/POST"},
		{"/items/{id}", "ANY", "items/{id}/ANY"},
		{"/*", "*", "*/*"},
		{"", "", "*/*"},
		{"*", "*", "*/*"},
		{"/", "GET", "/GET"},
		{"/~1", "GET", "/GET"},
		{"/~1a~0b", "GET", "a~b/GET"},
	} {
		if got := MethodSettingsKey(tc.path, tc.method); got != tc.want {
			t.Errorf("MethodSettingsKey(%q, %q) = %q, want %q", tc.path, tc.method, got, tc.want)
		}
	}
}

func TestMethodThrottle(t *testing.T) {
	t.Parallel()
	n := func(v int) *int { return &v }
	f := func(v float64) *float64 { return &v }
	st := Stage{MethodSettings: map[string]MethodSettings{
		AllMethods:     {ThrottlingBurstLimit: n(10), ThrottlingRateLimit: f(5)},
		"items/GET":    {ThrottlingBurstLimit: n(0)},
		"logs/GET":     {LoggingLevel: "INFO"},
		"/GET":         {ThrottlingRateLimit: f(2)},
		"other/DELETE": {},
	}}
	for _, tc := range []struct {
		path, method string
		want         Throttle
	}{
		{"/items", "GET", Throttle{BurstLimit: 0, RateLimit: 5}},
		{"/items", "POST", Throttle{BurstLimit: 10, RateLimit: 5}},
		{"/logs", "GET", Throttle{BurstLimit: 10, RateLimit: 5}},
		{"/", "GET", Throttle{BurstLimit: 10, RateLimit: 2}},
	} {
		if got, ok := st.MethodThrottle(tc.path, tc.method); !ok || got != tc.want {
			t.Errorf("MethodThrottle(%s %s) = %+v %v, want %+v", tc.method, tc.path, got, ok, tc.want)
		}
	}
	// Only one limit set: the other is the account's.
	only := Stage{MethodSettings: map[string]MethodSettings{"a/GET": {ThrottlingRateLimit: f(3)}}}
	if got, ok := only.MethodThrottle("/a", "GET"); !ok || got != (Throttle{BurstLimit: accountBurstLimit, RateLimit: 3}) {
		t.Errorf("rate only = %+v %v", got, ok)
	}
	if _, ok := only.MethodThrottle("/b", "GET"); ok {
		t.Error("a method without settings is throttled by the stage")
	}
}
