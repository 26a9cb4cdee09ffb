package iampolicy

// DenyMessage formats AWS's current AccessDenied message for a deny, naming
// the policy type, e.g.
// "User: arn:aws:iam::000000000000:user/x is not authorized to perform:
// execute-api:Invoke on resource: arn:... because no identity-based policy
// allows the execute-api:Invoke action". It returns "" for an Allow.
// Wording: https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
func (d Decision) DenyMessage(req *Request) string {
	switch d.Effect {
	case ImplicitDeny:
		return d.head(req) + " because no " + d.layer() + " allows the " + req.Action + " action"
	case ExplicitDeny:
		return d.head(req) + " with an explicit deny in " + article(d.layer()) + " " + d.layer()
	}
	return ""
}

// LegacyDenyMessage is the older form API Gateway sends for execute-api:
// "User: ARN is not authorized to perform: ACTION on resource: RESOURCE",
// with " with an explicit deny" appended for an explicit deny. "" for an Allow.
// https://repost.aws/knowledge-center/api-gateway-troubleshoot-403-forbidden
func (d Decision) LegacyDenyMessage(req *Request) string {
	switch d.Effect {
	case ImplicitDeny:
		return d.head(req)
	case ExplicitDeny:
		return d.head(req) + " with an explicit deny"
	}
	return ""
}

func (d Decision) head(req *Request) string {
	who := req.Principal.ARN
	if req.Principal.Type == TypeAnonymous || who == "" {
		who = "anonymous"
	}
	s := "User: " + who + " is not authorized to perform: " + req.Action
	if req.Resource != "" {
		s += " on resource: " + req.Resource
	}
	return s
}

func (d Decision) layer() string {
	if d.DeniedBy == "" {
		return LayerIdentity
	}
	return d.DeniedBy
}

func article(layer string) string {
	if layer == LayerIdentity {
		return "an"
	}
	return "a"
}
