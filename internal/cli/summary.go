package cli

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// executeAPIURL matches a deployed REST API URL as stack outputs write it.
var executeAPIURL = regexp.MustCompile(`^https://([a-z0-9]{10})\.execute-api\.([a-z0-9-]+)\.amazonaws\.com/([^/?#]+)(/[^?#]*)?$`)

// LocalURLs maps an execute-api URL to iamgate's host-style and path-style URLs.
func LocalURLs(endpoint, awsURL string) (host, path string, ok bool) {
	m := executeAPIURL.FindStringSubmatch(awsURL)
	if m == nil {
		return "", "", false
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", "", false
	}
	port := u.Port()
	rest := m[4]
	host = fmt.Sprintf("http://%s.execute-api.localhost:%s/%s%s", m[1], port, m[3], rest)
	path = fmt.Sprintf("%s/restapis/%s/%s/_user_request_%s", endpoint, m[1], m[3], rest)
	if rest == "" {
		path += "/"
	}
	return host, path, true
}

func (d *deployer) printSummary(ctx context.Context, stackName string, took time.Duration) {
	w := d.stdout
	st, err := d.srv.Stacks.DescribeStacks(ctx, stackName)
	if err != nil {
		fmt.Fprintln(w, "iamgate:", err)
		return
	}
	fmt.Fprintf(w, "\nStack %s: %s (%.2fs)\n", stackName, st[0].StackStatus, took.Seconds())
	var local []string
	if len(st[0].Outputs) > 0 {
		fmt.Fprintln(w, "\nOutputs")
		for _, o := range st[0].Outputs {
			fmt.Fprintf(w, "  %s = %s\n", o.Key, o.Value)
			if h, p, ok := LocalURLs(d.srv.Endpoint(), o.Value); ok {
				local = append(local, fmt.Sprintf("  %s\n    host style: %s\n    path style: %s", o.Key, h, p))
			}
		}
	}
	if len(local) > 0 {
		fmt.Fprintln(w, "\nLocal URLs")
		fmt.Fprintln(w, strings.Join(local, "\n"))
	}
	fmt.Fprintln(w, "\nNext steps")
	fmt.Fprintln(w, `  eval "$(iamgate env)"`)
	user := d.firstUser(ctx, stackName)
	target := d.srv.Endpoint() + "/restapis/"
	for _, o := range st[0].Outputs {
		if _, p, ok := LocalURLs(d.srv.Endpoint(), o.Value); ok {
			target = p
			break
		}
	}
	if user != "" {
		fmt.Fprintf(w, "  iamgate curl --as %s %s\n", user, target)
	} else {
		fmt.Fprintf(w, "  iamgate curl %s\n", target)
	}
	fmt.Fprintf(w, "  curl %s    # unsigned: 403 Missing Authentication Token\n", target)
	fmt.Fprintln(w, "\nCtrl-C stops the server.")
}

func (d *deployer) firstUser(ctx context.Context, stackName string) string {
	rs, err := d.srv.Stacks.DescribeStackResources(ctx, stackName, "")
	if err != nil {
		return ""
	}
	for _, r := range rs {
		if r.ResourceType == "AWS::IAM::User" {
			return r.PhysicalResourceID
		}
	}
	return ""
}
