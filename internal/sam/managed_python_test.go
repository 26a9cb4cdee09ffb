package sam

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamgate/iamgate/internal/cfn"
	"github.com/iamgate/iamgate/internal/iam/awspolicy"
	"github.com/iamgate/iamgate/internal/testutil"
)

// TestManagedPolicyNamesMatchTranslator checks that every AWS managed policy
// name the installed translator resolves (its bundled
// internal/data/aws_managed_policies.json, partition aws) resolves to the
// same ARN here, except the policies AWS has since removed.
func TestManagedPolicyNamesMatchTranslator(t *testing.T) {
	py := needTranslator(t)
	out, err := exec.Command(py, "-c", "import samtranslator,os;print(os.path.dirname(samtranslator.__file__))").Output()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "internal", "data", "aws_managed_policies.json"))
	testutil.Need(t, err == nil, "this samtranslator has no bundled managed policy map")
	var m map[string]map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	x := newTranslator(&cfn.Template{Root: map[string]any{}}, Options{Partition: "aws"})
	missing := 0
	for name, arn := range m["aws"] {
		if _, ok := awspolicy.Named(name); !ok {
			missing++ // removed from AWS since the translator's map was made
			continue
		}
		if got := x.managedARN(name); got != arn {
			t.Errorf("%s: %v, translator %s", name, got, arn)
		}
	}
	if missing > len(m["aws"])/20 {
		t.Errorf("%d of %d translator names are not in the catalog", missing, len(m["aws"]))
	}
}
