package cli

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/iamgate/iamgate/internal/tlsca"
)

// executeAPIURL matches a deployed API URL as stack outputs write it: the
// API id, the region, and the path (which starts with the stage for a REST
// API or a named HTTP API stage).
var executeAPIURL = regexp.MustCompile(`^https://([a-z0-9]{10})\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(/[^?#]*)?$`)

// HTTPStages lists the stage names of an HTTP API; ok is false when apiID
// names no HTTP API (then it is a REST API).
type HTTPStages func(ctx context.Context, apiID string) (stages []string, ok bool)

// localURLs maps an execute-api URL to iamgate's URLs. An HTTP API's URL
// names a stage when its first segment is one of the API's stages, else it
// is served by $default; the path-style URL names the stage as a REST API's
// does, /restapis/{apiId}/{stage}/_user_request_/..., or for $default
// omits it, /restapis/{apiId}/_user_request_/..., as the host style does.
func localURLs(ctx context.Context, endpoint, awsURL string, stages HTTPStages) (host, path string, ok bool) {
	m := executeAPIURL.FindStringSubmatch(awsURL)
	if m == nil {
		return "", "", false
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", "", false
	}
	id, full := m[1], m[3]
	stage, rest, _ := strings.Cut(strings.TrimPrefix(full, "/"), "/")
	rest = "/" + rest
	if stages != nil {
		if names, isHTTP := stages(ctx, id); isHTTP {
			if stage == "" || stage == "$default" || !slices.Contains(names, stage) {
				stage, rest = "$default", full
			}
		}
	}
	if stage == "" {
		return "", "", false
	}
	host = fmt.Sprintf("http://%s.execute-api.localhost:%s%s", id, u.Port(), full)
	path = fmt.Sprintf("%s/restapis/%s/%s/_user_request_%s", endpoint, id, stage, rest)
	if stage == "$default" {
		path = fmt.Sprintf("%s/restapis/%s/_user_request_%s", endpoint, id, rest)
	}
	if rest == "" {
		path += "/"
	}
	return host, path, true
}

// summaryAPI is what up's summary reads of the stack (the SDK client).
type summaryAPI interface {
	DescribeStacks(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
	DescribeStackResources(context.Context, *cloudformation.DescribeStackResourcesInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStackResourcesOutput, error)
}

// printSummary prints up's closing summary, read over the API like
// everything up deploys: the stack, its outputs and their local URLs, and
// the commands to try next.
func printSummary(ctx context.Context, w io.Writer, cfn summaryAPI, stages HTTPStages, srv *runningServer, stackName string, took time.Duration) {
	out, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(stackName)})
	if err == nil && len(out.Stacks) == 0 {
		err = fmt.Errorf("stack %s not found", stackName)
	}
	if err != nil {
		fmt.Fprintln(w, "iamgate:", err)
		return
	}
	st := out.Stacks[0]
	endpoint, cfg := srv.Endpoint(), srv.Config()
	fmt.Fprintf(w, "\nStack %s: %s (%.2fs)\n", stackName, st.StackStatus, took.Seconds())
	var local []string
	pathURL, awsURL := "", ""
	if len(st.Outputs) > 0 {
		fmt.Fprintln(w, "\nOutputs")
		for _, o := range st.Outputs {
			key, value := aws.ToString(o.OutputKey), aws.ToString(o.OutputValue)
			fmt.Fprintf(w, "  %s = %s\n", key, value)
			h, p, ok := localURLs(ctx, endpoint, value, stages)
			if !ok {
				continue
			}
			if pathURL == "" {
				pathURL, awsURL = p, value
			}
			// Path style first: every client reaches 127.0.0.1, while
			// *.localhost resolves in curl but not in Python or Node.js.
			local = append(local, fmt.Sprintf("  %s\n"+
				"    path style: %s\n"+
				"    https:      %s  (trusting %s)\n"+
				"    host style: %s  (curl resolves *.localhost; Python and Node.js do not)\n"+
				"    as on AWS:  %s  (through iamgate as HTTPS proxy)",
				key, p, "https"+strings.TrimPrefix(p, "http"), filepath.Join(cfg.DataDir, tlsca.CertFile), h, value))
		}
	}
	if len(local) > 0 {
		fmt.Fprintln(w, "\nLocal URLs")
		fmt.Fprintln(w, strings.Join(local, "\n"))
	}
	// Every line below runs as printed, in this order, in another shell
	// in the same directory: the client commands need the same data dir.
	dd := ""
	if cfg.DataDir != defaultDataDir {
		dd = " --data-dir " + shellQuote(cfg.DataDir)
	}
	fmt.Fprintln(w, "\nNext steps")
	fmt.Fprintf(w, "  eval \"$(iamgate env%s)\"\n", dd)
	user := firstUser(ctx, cfn, stackName)
	target := pathURL
	if target == "" {
		target = endpoint + "/restapis/"
	}
	if user != "" {
		fmt.Fprintf(w, "  iamgate curl%s --as %s %s\n", dd, user, target)
	} else {
		fmt.Fprintf(w, "  iamgate curl%s %s\n", dd, target)
	}
	unsigned := "403 Missing Authentication Token"
	if m := executeAPIURL.FindStringSubmatch(awsURL); m != nil && stages != nil {
		if _, isHTTP := stages(ctx, m[1]); isHTTP {
			unsigned = `403 {"message":"Forbidden"} on an AWS_IAM route`
		}
	}
	fmt.Fprintf(w, "  curl %s    # unsigned: %s\n", target, unsigned)
	if awsURL != "" {
		m := executeAPIURL.FindStringSubmatch(awsURL)
		fmt.Fprintf(w, "  eval \"$(iamgate env%s --proxy)\"    # then the stack's own URL works, through iamgate as HTTPS proxy:\n", dd)
		fmt.Fprintf(w, "  curl --aws-sigv4 aws:amz:%s:execute-api --user \"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY\" %s\n", m[2], awsURL)
	}
	fmt.Fprintln(w, "\nCtrl-C stops the server.")
}

func firstUser(ctx context.Context, cfn summaryAPI, stackName string) string {
	out, err := cfn.DescribeStackResources(ctx, &cloudformation.DescribeStackResourcesInput{StackName: aws.String(stackName)})
	if err != nil {
		return ""
	}
	for _, r := range out.StackResources {
		if aws.ToString(r.ResourceType) == "AWS::IAM::User" {
			return aws.ToString(r.PhysicalResourceId)
		}
	}
	return ""
}
