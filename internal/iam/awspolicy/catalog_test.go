package awspolicy

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The documents and ARNs pinned here are AWS's (AWS Managed Policy Reference,
// https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaBasicExecutionRole.html).
func TestLookupKnownPolicies(t *testing.T) {
	tests := []struct {
		arn, name, path, version string
		actions                  []string
	}{
		{"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "AWSLambdaBasicExecutionRole", "/service-role/", "v1",
			[]string{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"}},
		{"arn:aws:iam::aws:policy/AdministratorAccess", "AdministratorAccess", "/", "v1", []string{"*"}},
		{"arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole", "AWSLambdaVPCAccessExecutionRole", "/service-role/", "", nil},
		{"arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess", "AWSXrayWriteOnlyAccess", "/", "", nil},
		{"arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", "ViewOnlyAccess", "/job-function/", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := Lookup(tt.arn)
			if !ok {
				t.Fatalf("Lookup(%s) missing", tt.arn)
			}
			if p.Name != tt.name || p.Path != tt.path || p.ARN() != tt.arn {
				t.Errorf("got %s %s %s", p.Name, p.Path, p.ARN())
			}
			if tt.version != "" && p.VersionID != tt.version {
				t.Errorf("version %s, want %s", p.VersionID, tt.version)
			}
			if n, ok := Named(tt.name); !ok || n.ARN() != tt.arn {
				t.Errorf("Named(%s) = %v %v", tt.name, n.ARN(), ok)
			}
			if tt.actions == nil {
				return
			}
			var doc struct {
				Statement []struct {
					Action any
				}
			}
			if err := json.Unmarshal([]byte(p.Document), &doc); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range doc.Statement {
				switch a := s.Action.(type) {
				case string:
					got = append(got, a)
				case []any:
					for _, x := range a {
						got = append(got, x.(string))
					}
				}
			}
			if d := cmp.Diff(tt.actions, got); d != "" {
				t.Errorf("actions (-want +got):\n%s", d)
			}
		})
	}
}

func TestLookupMisses(t *testing.T) {
	for _, arn := range []string{
		"arn:aws:iam::aws:policy/NoSuchPolicyAnywhere",
		"arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole", // wrong path
		"arn:aws:iam::000000000000:policy/AdministratorAccess",
		"", "arn:aws:iam::aws:policy/",
	} {
		if _, ok := Lookup(arn); ok {
			t.Errorf("Lookup(%q) found", arn)
		}
	}
}

func TestCatalogIsWhole(t *testing.T) {
	all := All()
	if len(all) < 1500 {
		t.Fatalf("%d policies; the catalog should hold every AWS managed policy", len(all))
	}
	src := Origin()
	if src.License != "MIT" || src.Commit == "" || src.Date.IsZero() {
		t.Errorf("source %+v", src)
	}
	for _, p := range all {
		var v struct{ Statement json.RawMessage }
		if err := json.Unmarshal([]byte(p.Document), &v); err != nil || len(v.Statement) == 0 {
			t.Errorf("%s: document without statements", p.Name)
		}
	}
}

func TestDecodeRejectsDamage(t *testing.T) {
	if _, err := decode([]byte("not gzip")); err == nil {
		t.Error("decode accepted junk")
	}
}
