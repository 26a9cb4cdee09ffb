package gateway

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/apigw"
)

func TestRequestModel(t *testing.T) {
	models := map[string]string{"application/json": "J", "text/plain": "T"}
	tests := []struct {
		models      map[string]string
		contentType string
		want        string
	}{
		{models, "application/json", "J"},
		{models, "Application/JSON; charset=utf-8", "J"},
		{models, "", "J"}, // no Content-Type is application/json
		{models, "text/plain", "T"},
		{models, "application/xml", ""},
		{map[string]string{"$default": "D"}, "application/xml", "D"},
		{map[string]string{"$default": "D", "application/xml": "X"}, "application/xml", "X"},
		{nil, "application/json", ""},
		{models, "bad;;type", ""},
	}
	for _, tc := range tests {
		if got := requestModel(tc.models, tc.contentType); got != tc.want {
			t.Errorf("requestModel(%v, %q) = %q, want %q", tc.models, tc.contentType, got, tc.want)
		}
	}
}

func TestMissingParameters(t *testing.T) {
	r := httptest.NewRequest("GET", "/x?q=1&blank=&multi=a", nil)
	r.Header.Set("X-Present", "v")
	r.Header.Set("X-Blank", "  ")
	c := &call{r: r, params: map[string]string{"id": "7"}, method: &apigw.Method{RequestParameters: map[string]bool{
		"method.request.querystring.q":               true,
		"method.request.querystring.blank":           true,
		"method.request.querystring.absent":          true,
		"method.request.querystring.opt":             false,
		"method.request.header.x-present":            true,
		"method.request.header.X-Blank":              true,
		"method.request.header.x-absent":             true,
		"method.request.path.id":                     true,
		"method.request.path.other":                  true,
		"method.request.multivaluequerystring.multi": true,
	}}}
	want := []string{"X-Blank", "absent", "blank", "other", "x-absent"}
	if diff := cmp.Diff(want, missingParameters(c)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func modelSnapshot(models ...apigw.Model) *apigw.Snapshot {
	return &apigw.Snapshot{API: apigw.RestAPI{ID: "api1"}, Deployment: apigw.Deployment{ID: "d1"}, Models: models}
}

func TestCheckBody(t *testing.T) {
	snap := modelSnapshot(
		apigw.Model{Name: "Item", Schema: `{"$schema":"http://json-schema.org/draft-04/schema#","type":"object","required":["name"],
			"properties":{"name":{"type":"string"},"tag":{"$ref":"https://apigateway.amazonaws.com/restapis/api1/models/Tag"},
			"more":{"type":"array","items":{"$ref":"#/definitions/Tag"}}}}`},
		apigw.Model{Name: "Tag", Schema: `{"type":"string","maxLength":3}`},
		apigw.Model{Name: "Escape", Schema: `{"$ref":"file:///etc/passwd"}`},
		apigw.Model{Name: "Elsewhere", Schema: `{"$ref":"https://apigateway.amazonaws.com/restapis/other/models/Tag"}`},
		// draft 4: exclusiveMaximum is a boolean beside maximum.
		apigw.Model{Name: "Small", Schema: `{"type":"integer","maximum":5,"exclusiveMaximum":true}`},
	)
	sc := newSchemaCache()
	tests := []struct {
		model, body string
		ok          bool
	}{
		{"Item", `{"name":"a"}`, true},
		{"Item", `{"name":"a","tag":"abc","more":["x"]}`, true},
		{"Item", `{"name":"a","tag":"abcd"}`, false},
		{"Item", `{"name":"a","more":["abcd"]}`, false},
		{"Item", `{}`, false},
		{"Item", `[]`, false},
		{"Item", `{"name":1}`, false},
		{"Item", `not json`, false},
		{"Item", `{"name":"a"} trailing`, false},
		{"Item", ``, true}, // no payload: not validated
		{"Small", `4`, true},
		{"Small", `5`, false},
	}
	for _, tc := range tests {
		sch, err := sc.get(snap, tc.model)
		if err != nil {
			t.Fatalf("%s: %v", tc.model, err)
		}
		if got := checkBody(sch, []byte(tc.body)); (got == "") != tc.ok {
			t.Errorf("%s %s: problem %q, want ok=%v", tc.model, tc.body, got, tc.ok)
		}
	}
	for _, name := range []string{"Escape", "Elsewhere", "Missing"} {
		if _, err := sc.get(snap, name); err == nil {
			t.Errorf("model %s compiled; its reference leaves the API", name)
		}
	}
}

// FuzzRequestValidation compiles any model and checks any body against
// it: an error or a verdict, never a panic or a reference followed
// outside the API.
func FuzzRequestValidation(f *testing.F) {
	f.Add(`{"type":"object","required":["a"]}`, `{"a":1}`)
	f.Add(`{"$ref":"https://apigateway.amazonaws.com/restapis/api1/models/M"}`, `1`)
	f.Add(`{"items":{"$ref":"#/definitions/M"},"pattern":"(a+)+$"}`, `["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"]`)
	f.Add(`{"$ref":"http://127.0.0.1/x"}`, `{}`)
	f.Add(`{"allOf":[{"$ref":"#"}]}`, `{"x":[[[[]]]]}`)
	f.Fuzz(func(t *testing.T, schema, body string) {
		snap := modelSnapshot(apigw.Model{Name: "M", Schema: schema})
		sch, err := compileModel(snap, "M")
		if err != nil {
			if strings.Contains(err.Error(), "panic") {
				t.Fatal(err)
			}
			return
		}
		_ = checkBody(sch, []byte(body))
	})
}
