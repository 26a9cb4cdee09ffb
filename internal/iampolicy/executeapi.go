package iampolicy

import "strings"

// executeAPIPrefix starts API Gateway's shorthand resource in a REST API
// resource policy, "execute-api:/{stage}/{method}/{path}".
const executeAPIPrefix = "execute-api:"

// ExpandExecuteAPI rewrites API Gateway's shorthand resources
// ("execute-api:/stage/METHOD/path") into full ARNs for the API, as API
// Gateway does when it stores a resource policy:
// "execute-api:/*" becomes "arn:aws:execute-api:REGION:ACCOUNT:APIID/*".
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-create-attach.html
func (p *Policy) ExpandExecuteAPI(partition, region, account, apiID string) {
	prefix := "arn:" + partition + ":execute-api:" + region + ":" + account + ":" + apiID
	for i := range p.Statements {
		st := &p.Statements[i]
		for _, list := range [][]string{st.Resource, st.NotResource} {
			for j, r := range list {
				if rest, ok := strings.CutPrefix(r, executeAPIPrefix); ok {
					list[j] = prefix + rest
				}
			}
		}
	}
}

// expandExecuteAPIFor expands a shorthand resource left unexpanded (the caller
// did not call ExpandExecuteAPI) against the request's own API: a resource
// policy only ever applies to the API it is attached to, so the request ARN's
// "arn:partition:execute-api:region:account:apiId" prefix is the one API
// Gateway would have written.
func expandExecuteAPIFor(pattern, resource string) string {
	rest, _ := strings.CutPrefix(pattern, executeAPIPrefix)
	if !strings.HasPrefix(resource, "arn:") || !strings.Contains(resource, ":execute-api:") {
		return pattern
	}
	api, _, ok := strings.Cut(resource, "/")
	if !ok {
		return pattern
	}
	return api + rest
}
