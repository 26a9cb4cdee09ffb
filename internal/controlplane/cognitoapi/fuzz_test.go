package cognitoapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/cognito"
	"github.com/iamgate/iamgate/internal/controlplane/mount"
	"github.com/iamgate/iamgate/internal/seal"
	"github.com/iamgate/iamgate/internal/store/sqlite"
)

// allowAll is the IAM answer for the fuzz target: every call allowed, so
// that inputs reach the operations.
type allowAll struct{}

func (allowAll) Authorize(context.Context, *auth.Caller, auth.Request) (auth.Decision, error) {
	return auth.Decision{Allowed: true}, nil
}

// FuzzOperations sends arbitrary bodies to every operation (and arbitrary
// well-known paths): the handler must answer a Cognito error or success,
// never a panic and never a 500.
func FuzzOperations(f *testing.F) {
	st, err := sqlite.Open(filepath.Join(f.TempDir(), "db"))
	if err != nil {
		f.Fatal(err)
	}
	defer st.Close()
	sealer, _ := seal.New(make([]byte, 32))
	pools := cognito.New(st, cognito.Options{Sealer: sealer, KeyBits: 1024})
	root := &auth.Caller{ARN: "arn:aws:iam::000000000000:root", Type: "Root", AccountID: "000000000000"}
	h := New(Options{Pools: pools, Authz: allowAll{}, Options: mount.Options{
		Caller: func(context.Context) *auth.Caller { return root }, RequestID: func(context.Context) string { return "r" }}})
	p, _ := pools.CreatePool(context.Background(), cognito.Pool{Name: "fuzz"})
	c, _, _ := pools.CreateClient(context.Background(), cognito.ClientInput{Client: cognito.Client{PoolID: p.ID, Name: "c",
		ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}})
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range ops {
			if !yield(k) {
				return
			}
		}
	})
	seeds := []string{`{}`, `{"UserPoolId":"` + p.ID + `","Username":"a","TemporaryPassword":"Aa1!aaaa"}`,
		`{"ClientId":"` + c.ID + `","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"a","PASSWORD":"Aa1!aaaa"}}`,
		`{"ClientId":"` + c.ID + `","Username":"b","Password":"Aa1!aaaa","UserAttributes":[{"Name":"email","Value":"b@x.y"}]}`,
		`{"UserPoolId":"` + p.ID + `","Filter":"email ^= \"b\"","Limit":2}`, `{"PoolName":"x","Policies":{"PasswordPolicy":{"MinimumLength":3}}}`,
		`{"AccessToken":"a.b.c"}`, `[]`, `{"UserPoolId":1}`, "\x00"}
	for i, s := range seeds {
		f.Add(uint8(i*7), s)
	}
	f.Fuzz(func(t *testing.T, op uint8, body string) {
		name := names[int(op)%len(names)]
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.Header.Set("X-Amz-Target", TargetPrefix+name)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("%s %q: %d %s", name, body, w.Code, w.Body)
		}
		r = httptest.NewRequest(http.MethodGet, "/", nil)
		r.URL.Path = "/" + body
		if _, _, ok := WellKnown(r); ok {
			w = httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code >= 500 {
				t.Fatalf("GET /%s: %d", body, w.Code)
			}
		}
	})
}
