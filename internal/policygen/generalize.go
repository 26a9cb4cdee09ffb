package policygen

import (
	"slices"
	"strings"

	"github.com/iamgate/iamgate/internal/arn"
)

// Generalize reduces the resource ARNs seen for one action: ARNs of the
// same service, region, account and first resource part (the bucket, the
// REST API, "function", "log-group") become one pattern in which each part
// that differed among them is "*"; a part seen with one value stays as
// seen. "*" among them covers everything. The result is sorted.
func Generalize(arns []string) []string {
	if slices.Contains(arns, "*") {
		return []string{"*"}
	}
	clusters := map[string][][]string{}
	for _, a := range arns {
		toks := tokens(a)
		key := strings.Join(toks[:min(len(toks), 6)], "\x00")
		if !slices.ContainsFunc(clusters[key], func(t []string) bool { return slices.Equal(t, toks) }) {
			clusters[key] = append(clusters[key], toks)
		}
	}
	var out []string
	for _, key := range sortedKeys(clusters) {
		out = append(out, pattern(clusters[key]))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// tokens splits an ARN into its five header fields and its resource, the
// resource split after each '/' and ':' with the separators kept:
// "arn:aws:execute-api:r:a:abc/v1/GET/hello" → arn, aws, execute-api, r, a,
// "abc/", "v1/", "GET/", "hello". A string that is not an ARN is one token.
func tokens(s string) []string {
	a, err := arn.Parse(s)
	if err != nil {
		return []string{s}
	}
	out := []string{"arn", a.Partition, a.Service, a.Region, a.AccountID}
	res := a.Resource
	for res != "" {
		i := strings.IndexAny(res, "/:")
		if i < 0 {
			out = append(out, res)
			break
		}
		out = append(out, res[:i+1])
		res = res[i+1:]
	}
	return out
}

// pattern joins a cluster of token lists: a token equal in all stays, a
// differing one becomes "*" (keeping its separator); lists of different
// lengths keep their common prefix and end in "*".
func pattern(list [][]string) string {
	if len(list) == 1 {
		return join(list[0])
	}
	n := len(list[0])
	same := true
	for _, t := range list[1:] {
		same = same && len(t) == n
		n = min(n, len(t))
	}
	var out []string
	for i := 0; i < n; i++ {
		tok := list[0][i]
		for _, t := range list[1:] {
			if t[i] != tok {
				tok = "*" + separator(tok)
				if separator(t[i]) != separator(list[0][i]) {
					tok = "*"
				}
				break
			}
		}
		out = append(out, tok)
	}
	if !same {
		out = append(out, "*")
	}
	return collapse(join(out))
}

func separator(tok string) string {
	if strings.HasSuffix(tok, "/") || strings.HasSuffix(tok, ":") {
		return tok[len(tok)-1:]
	}
	return ""
}

func join(toks []string) string {
	if len(toks) < 5 {
		return strings.Join(toks, "")
	}
	return strings.Join(toks[:5], ":") + ":" + strings.Join(toks[5:], "")
}

// collapse merges runs of "*" that the joining made adjacent: "**" means
// no more than "*".
func collapse(s string) string {
	for strings.Contains(s, "**") {
		s = strings.ReplaceAll(s, "**", "*")
	}
	return s
}
