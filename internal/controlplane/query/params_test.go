package query

import (
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseQuery(t *testing.T) {
	body := "Action=CreateChangeSet&Version=2010-05-15&StackName=s" +
		"&Parameters.member.2.ParameterKey=B&Parameters.member.2.ParameterValue=2" +
		"&Parameters.member.1.ParameterKey=A&Parameters.member.1.ParameterValue=1" +
		"&Capabilities.member.10=CAPABILITY_AUTO_EXPAND&Capabilities.member.1=CAPABILITY_IAM" +
		"&Tags.member.1.Key=team&Tags.member.1.Value=a%20b&Capabilities.member.01=ignored"
	p, err := Parse("Action=Ignored&Extra=q", []byte(body), true)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("body wins over query", func(t *testing.T) {
		if p.Get("Action") != "CreateChangeSet" || p.Get("Extra") != "q" {
			t.Errorf("Action %q Extra %q", p.Get("Action"), p.Get("Extra"))
		}
	})
	t.Run("list in index order", func(t *testing.T) {
		if d := cmp.Diff([]string{"CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"}, p.List("Capabilities")); d != "" {
			t.Error(d)
		}
	})
	t.Run("structs", func(t *testing.T) {
		want := []map[string]string{{"ParameterKey": "A", "ParameterValue": "1"}, {"ParameterKey": "B", "ParameterValue": "2"}}
		if d := cmp.Diff(want, p.Structs("Parameters")); d != "" {
			t.Error(d)
		}
	})
	t.Run("tags", func(t *testing.T) {
		if d := cmp.Diff(map[string]string{"team": "a b"}, p.Tags("Tags")); d != "" {
			t.Error(d)
		}
	})
	t.Run("form body ignored unless form", func(t *testing.T) {
		p, _ := Parse("", []byte("Action=X"), false)
		if p.Has("Action") {
			t.Error("non-form body parsed")
		}
	})
}

func TestMemberIndex(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"1", 1, true}, {"10000", 10000, true}, {"0", 0, false}, {"01", 0, false},
		{"-1", 0, false}, {"+1", 0, false}, {"10001", 0, false}, {"", 0, false}, {"1a", 0, false}, {"999999", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			n, ok := memberIndex(tt.in)
			if n != tt.want && ok || ok != tt.ok {
				t.Errorf("memberIndex(%q) = %d, %v", tt.in, n, ok)
			}
		})
	}
}

// FuzzQueryParse checks that any body parses without panic, that a parsed
// request re-encodes to one that parses to the same members (round trip),
// and that lists never invent members.
func FuzzQueryParse(f *testing.F) {
	for _, seed := range []string{
		"Action=GetUser&Version=2010-05-08",
		"Action=CreateUser&UserName=bob&Tags.member.1.Key=k&Tags.member.1.Value=v",
		"Parameters.member.1.ParameterKey=A&Parameters.member.1.ParameterValue=%3D%26",
		"Capabilities.member.2=b&Capabilities.member.1=a&Capabilities.member.0=z",
		"a=%zz&b=1",
		"a;b=c",
		"=&&=x&Tags.member..Key=1",
		"PolicyDocument=%7B%22Version%22%3A%222012-10-17%22%7D",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		p, err := Parse("", []byte(body), true)
		if err != nil {
			return
		}
		again := url.Values{}
		for k, v := range p {
			again.Set(k, v)
		}
		q, err := Parse("", []byte(again.Encode()), true)
		if err != nil {
			t.Fatalf("re-encoded body does not parse: %v", err)
		}
		if d := cmp.Diff(p, q); d != "" {
			t.Fatalf("round trip changed members (-first +second)\n%s", d)
		}
		for _, prefix := range []string{"Tags", "Parameters", "Capabilities"} {
			n := 0
			for k := range p {
				if strings.HasPrefix(k, prefix+".member.") {
					n++
				}
			}
			if got := len(p.List(prefix)) + len(p.Structs(prefix)); got > n {
				t.Fatalf("%s: %d items from %d members", prefix, got, n)
			}
		}
	})
}
