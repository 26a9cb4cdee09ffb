package iampolicy

import (
	"fmt"
	"strings"

	"github.com/iamgate/iamgate/internal/arn"
)

// validate applies IAM's checks after the grammar, in IAM's order: version,
// legacy parsing (exact Effect case), Sid rules, actions, resources and
// principals, then the format of each action and resource.
func validate(p *Policy) error {
	// A document without Version (or with 2008-10-17) is accepted in every
	// kind, in the 2008-10-17 language (no policy variables); only managed
	// policies must be 2012-10-17, which internal/iam checks at CreatePolicy.
	identityLike := !p.Kind.hasPrincipal()
	for _, st := range p.Statements {
		if st.Effect != "Allow" && st.Effect != "Deny" {
			return &ParseError{Message: msgLegacy}
		}
	}
	if err := validateSids(p, identityLike); err != nil {
		return err
	}
	for _, st := range p.Statements {
		if err := validateShape(p.Kind, &st); err != nil {
			return err
		}
	}
	for _, st := range p.Statements {
		if err := validateFormats(p.Kind, &st); err != nil {
			return err
		}
	}
	return nil
}

func validateSids(p *Policy, identityLike bool) error {
	seen := map[string]bool{}
	for _, st := range p.Statements {
		if st.Sid == "" {
			continue
		}
		if identityLike && !alnum(st.Sid) {
			return &ParseError{Message: msgSidAlnum}
		}
		if seen[st.Sid] {
			return &ParseError{Message: msgSidUnique}
		}
		seen[st.Sid] = true
	}
	return nil
}

func alnum(s string) bool {
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return false
		}
	}
	return true
}

// validateShape checks which elements a statement of this kind must and must
// not have.
func validateShape(kind Kind, st *Statement) error {
	if len(st.Action) == 0 && len(st.NotAction) == 0 {
		return &ParseError{Message: msgNeedActions}
	}
	hasResource := st.Resource != nil || st.NotResource != nil
	switch kind {
	case TrustPolicy:
		if hasResource {
			return &ParseError{Message: msgTrustResource}
		}
	default:
		if len(st.Resource) == 0 && len(st.NotResource) == 0 {
			return &ParseError{Message: msgNeedResources}
		}
	}
	if kind.hasPrincipal() && st.Principal == nil && st.NotPrincipal == nil {
		return &ParseError{Message: msgNeedPrincipal}
	}
	return nil
}

func validateFormats(kind Kind, st *Statement) error {
	for _, list := range [][]string{st.Action, st.NotAction} {
		for _, a := range list {
			if err := validateAction(a); err != nil {
				return err
			}
			if kind == TrustPolicy && a != "*" && !strings.HasPrefix(strings.ToLower(a), "sts:") {
				return &ParseError{Message: msgTrustAction}
			}
		}
	}
	for _, list := range [][]string{st.Resource, st.NotResource} {
		for _, r := range list {
			if kind == ResourcePolicy && strings.HasPrefix(r, executeAPIPrefix) {
				continue // API Gateway's shorthand, see ExpandExecuteAPI
			}
			if err := validateResource(r); err != nil {
				return err
			}
		}
	}
	for _, p := range []*Principals{st.Principal, st.NotPrincipal} {
		if err := validatePrincipals(p); err != nil {
			return err
		}
	}
	return nil
}

func validateAction(a string) error {
	if a == "*" {
		return nil
	}
	vendor, rest, ok := strings.Cut(a, ":")
	switch {
	case !ok:
		return &ParseError{Message: msgVendorPreface}
	case strings.Contains(rest, ":"):
		return &ParseError{Message: msgOneColon}
	}
	for _, r := range vendor {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || r == '-' || r == '.' || r == '*' || r == '?') {
			return &ParseError{Message: fmt.Sprintf(msgVendorInvalid, vendor)}
		}
	}
	return nil
}

var partitions = map[string]bool{
	"aws": true, "aws-cn": true, "aws-us-gov": true, "aws-iso": true,
	"aws-iso-b": true, "aws-iso-e": true, "aws-iso-f": true, "aws-eusc": true, "*": true,
}

var iamPathPrefixes = []string{
	"user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/",
	"server-certificate/", "policy/", "sms-mfa/", "saml-provider/", "oidc-provider/",
	"report/", "access-report/",
}

func validateResource(r string) error {
	if r == "*" {
		return nil
	}
	// Not arn.Parse: IAM accepts a Resource of fewer than six fields (it can
	// never match), and the messages name the fields as written.
	f, n := arn.Fields(r)
	parts := f[:n]
	if len(parts) < 2 {
		return &ParseError{Message: fmt.Sprintf(msgResourceARNFormat, r)}
	}
	if !partitions[parts[1]] {
		return &ParseError{Message: fmt.Sprintf(msgPartition, parts[1], paddedARN(parts))}
	}
	if len(parts) < 3 || parts[2] == "" || strings.ContainsAny(parts[2], "*?") {
		return &ParseError{Message: msgResourceVendor}
	}
	if len(parts) < 6 {
		// Fewer than six parts: IAM stores it but it can never match an ARN.
		return nil
	}
	switch parts[2] {
	case "iam":
		if parts[3] != "" {
			return &ParseError{Message: fmt.Sprintf(msgIAMRegion, r)}
		}
		if !iamPath(parts[5]) {
			return &ParseError{Message: msgResourceIAMPath}
		}
	case "s3":
		if parts[3] != "" {
			return &ParseError{Message: fmt.Sprintf(msgS3Region, r)}
		}
	}
	return nil
}

func iamPath(res string) bool {
	if res == "*" || res == "root" || strings.HasPrefix(res, "${") {
		return true
	}
	for _, p := range iamPathPrefixes {
		if strings.HasPrefix(res, p) {
			return true
		}
	}
	return false
}

// paddedARN rebuilds the ARN as IAM echoes it in the partition message, with
// "*" for every missing part.
func paddedARN(parts []string) string {
	out := make([]string, 6)
	for i := range out {
		out[i] = "*"
		if i < len(parts) && (parts[i] != "" || i < len(parts)-1) {
			out[i] = parts[i]
		}
	}
	return strings.Join(out, ":")
}

// validatePrincipals checks that each AWS principal is "*", a 12-digit
// account id or an ARN, as IAM requires.
func validatePrincipals(p *Principals) error {
	if p == nil {
		return nil
	}
	for _, a := range p.AWS {
		if a == "*" || isAccountID(a) || strings.HasPrefix(a, "arn:") {
			continue
		}
		return &ParseError{Message: fmt.Sprintf(msgInvalidPrincipal, fmt.Sprintf(`"AWS":"%s"`, a))}
	}
	for _, s := range p.Service {
		if s == "" {
			return &ParseError{Message: fmt.Sprintf(msgInvalidPrincipal, `"Service":""`)}
		}
	}
	return nil
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
