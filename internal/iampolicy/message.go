package iampolicy

import "strings"

// DenyMessage formats AWS's current AccessDenied message for a deny, naming
// the policy type, e.g.
// "User: arn:aws:iam::000000000000:user/x is not authorized to perform:
// execute-api:Invoke on resource: arn:... because no identity-based policy
// allows the execute-api:Invoke action". It returns "" for an Allow.
// Wording: https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
func (d Decision) DenyMessage(req *Request) string {
	full, _ := d.denial(req)
	return full
}

// DenyParts is DenyMessage and the length of its head, the sentence both
// wordings share ("User: ARN is not authorized to perform: ACTION on
// resource: RESOURCE"; the newer clause follows), so a caller can keep
// both parts and the whole without another allocation. "", 0 for an Allow.
func (d Decision) DenyParts(req *Request) (message string, head int) { return d.denial(req) }

// denial is DenyMessage, written in one allocation; cut is where its head
// ends.
func (d Decision) denial(req *Request) (full string, cut int) {
	var clause [5]string
	switch d.Effect {
	case ImplicitDeny:
		clause = [5]string{" because no ", d.layer(), " allows the ", req.Action, " action"}
	case ExplicitDeny:
		clause = [5]string{" with an explicit deny in ", article(d.layer()), " ", d.layer()}
	default:
		return "", 0
	}
	n := headLen(req)
	for _, s := range clause {
		n += len(s)
	}
	var b strings.Builder
	b.Grow(n)
	writeHead(&b, req)
	cut = b.Len()
	for _, s := range clause {
		b.WriteString(s)
	}
	return b.String(), cut
}

// LegacyDenyMessage is the older form API Gateway sends for execute-api:
// "User: ARN is not authorized to perform: ACTION on resource: RESOURCE",
// with " with an explicit deny" appended for an explicit deny. "" for an Allow.
// https://repost.aws/knowledge-center/api-gateway-troubleshoot-403-forbidden
func (d Decision) LegacyDenyMessage(req *Request) string {
	const explicit = " with an explicit deny"
	var b strings.Builder
	switch d.Effect {
	case ImplicitDeny:
		b.Grow(headLen(req))
		writeHead(&b, req)
	case ExplicitDeny:
		b.Grow(headLen(req) + len(explicit))
		writeHead(&b, req)
		b.WriteString(explicit)
	}
	return b.String()
}

// writeHead writes the sentence both wordings start with; headLen is its length.
func writeHead(b *strings.Builder, req *Request) {
	b.WriteString("User: ")
	b.WriteString(who(req))
	b.WriteString(" is not authorized to perform: ")
	b.WriteString(req.Action)
	if req.Resource != "" {
		b.WriteString(" on resource: ")
		b.WriteString(req.Resource)
	}
}

func headLen(req *Request) int {
	n := len("User: ") + len(who(req)) + len(" is not authorized to perform: ") + len(req.Action)
	if req.Resource != "" {
		n += len(" on resource: ") + len(req.Resource)
	}
	return n
}

func who(req *Request) string {
	if req.Principal.Type == TypeAnonymous || req.Principal.ARN == "" {
		return "anonymous"
	}
	return req.Principal.ARN
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
