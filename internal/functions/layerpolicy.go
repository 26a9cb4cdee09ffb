package functions

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
)

// Layer version permissions (AddLayerVersionPermission,
// https://docs.aws.amazon.com/lambda/latest/api/API_AddLayerVersionPermission.html):
// statements of a layer version's resource-based policy granting
// lambda:GetLayerVersion to an account, to an organization ("*" with
// OrganizationId) or to everyone ("*").

// LayerPermission is one statement of a layer version's policy.
type LayerPermission struct {
	Sid            string `json:"sid"`
	Action         string `json:"action"`
	Principal      string `json:"principal"`
	OrganizationID string `json:"organizationId,omitempty"`
}

// The request patterns of AddLayerVersionPermission.
const (
	statementIDPattern    = `([a-zA-Z0-9-_]+)`
	layerActionPattern    = `lambda:GetLayerVersion`
	layerPrincipalPattern = `\d{12}|\*|arn:(aws[a-zA-Z-]*):iam::\d{12}:root`
	organizationIDPattern = `o-[a-z0-9]{10,32}`
	maxStatementID        = 100
	maxOrganizationID     = 34
)

var (
	statementID    = regexp.MustCompile(`^(?:` + statementIDPattern + `)$`)
	layerPrincipal = regexp.MustCompile(`^(?:` + layerPrincipalPattern + `)$`)
	organizationID = regexp.MustCompile(`^(?:` + organizationIDPattern + `)$`)
)

func patternError(member, v, pattern string) error {
	return awserr.New(awserr.ValidationException,
		"1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", v, member, pattern)
}

func (p LayerPermission) validate() error {
	switch {
	case len(p.Sid) > maxStatementID:
		return awserr.New(awserr.ValidationException,
			"1 validation error detected: Value '%s' at 'statementId' failed to satisfy constraint: Member must have length less than or equal to %d", p.Sid, maxStatementID)
	case !statementID.MatchString(p.Sid):
		return patternError("statementId", p.Sid, statementIDPattern)
	case p.Action != layerActionPattern:
		return patternError("action", p.Action, layerActionPattern)
	case !layerPrincipal.MatchString(p.Principal):
		return patternError("principal", p.Principal, layerPrincipalPattern)
	case p.OrganizationID != "" && (len(p.OrganizationID) > maxOrganizationID || !organizationID.MatchString(p.OrganizationID)):
		return patternError("organizationId", p.OrganizationID, organizationIDPattern)
	}
	return nil
}

// layerStatement is a statement as Lambda renders it, in its field order.
type layerStatement struct {
	Sid       string         `json:"Sid"`
	Effect    string         `json:"Effect"`
	Principal any            `json:"Principal"`
	Action    string         `json:"Action"`
	Resource  string         `json:"Resource"`
	Condition map[string]any `json:"Condition,omitempty"`
}

// statement renders p on the layer version ARN as GetLayerVersionPolicy
// shows it: an account becomes its root ARN, an organization a condition
// on aws:PrincipalOrgID.
func (p LayerPermission) statement(resource string) layerStatement {
	st := layerStatement{Sid: p.Sid, Effect: "Allow", Action: p.Action, Resource: resource}
	switch {
	case p.Principal == "*":
		st.Principal = "*"
	case len(p.Principal) == 12:
		st.Principal = map[string]any{"AWS": arn.IAM(p.Principal, "root")}
	default:
		st.Principal = map[string]any{"AWS": p.Principal}
	}
	if p.OrganizationID != "" {
		st.Condition = map[string]any{"StringEquals": map[string]any{"aws:PrincipalOrgID": p.OrganizationID}}
	}
	return st
}

// PolicyDocument renders a layer version's policy, "" without statements.
func (lv LayerVersion) PolicyDocument() string {
	if len(lv.Policy) == 0 {
		return ""
	}
	doc := struct {
		Version   string           `json:"Version"`
		ID        string           `json:"Id"`
		Statement []layerStatement `json:"Statement"`
	}{Version: "2012-10-17", ID: "default"}
	for _, p := range lv.Policy {
		doc.Statement = append(doc.Statement, p.statement(lv.LayerVersionArn))
	}
	b, _ := json.Marshal(doc)
	return string(b)
}

// AddLayerVersionPermission adds a statement to a layer version's policy
// and returns it as JSON with the policy's new revision.
func (s *Service) AddLayerVersionPermission(ctx context.Context, name string, version int64, p LayerPermission, revisionID string) (string, string, error) {
	if err := p.validate(); err != nil {
		return "", "", err
	}
	var stmt, rev string
	err := s.editLayerPolicy(ctx, name, version, revisionID, func(lv *LayerVersion) error {
		for _, q := range lv.Policy {
			if q.Sid == p.Sid {
				return awserr.New(ResourceConflict, "The statement id (%s) provided already exists. Please provide a new statement id, or remove the existing statement.", p.Sid)
			}
		}
		lv.Policy = append(lv.Policy, p)
		b, _ := json.Marshal(p.statement(lv.LayerVersionArn))
		stmt = string(b)
		return nil
	}, &rev)
	return stmt, rev, err
}

// RemoveLayerVersionPermission removes a statement by id.
func (s *Service) RemoveLayerVersionPermission(ctx context.Context, name string, version int64, sid, revisionID string) error {
	var rev string
	return s.editLayerPolicy(ctx, name, version, revisionID, func(lv *LayerVersion) error {
		for i, q := range lv.Policy {
			if q.Sid == sid {
				lv.Policy = append(lv.Policy[:i], lv.Policy[i+1:]...)
				return nil
			}
		}
		return awserr.New(ResourceNotFound, "Statement %s is not found in resource policy.", sid)
	}, &rev)
}

// LayerVersionPolicy returns a layer version's policy and its revision;
// a version without statements has none (ResourceNotFoundException).
func (s *Service) LayerVersionPolicy(ctx context.Context, name string, version int64) (string, string, error) {
	lv, err := s.GetLayerVersion(ctx, name, version)
	if err != nil {
		return "", "", err
	}
	doc := lv.PolicyDocument()
	if doc == "" {
		return "", "", awserr.New(ResourceNotFound, "No policy is associated with the given resource.")
	}
	return doc, lv.PolicyRevision, nil
}

// editLayerPolicy changes a layer version's policy in one transaction,
// checking the caller's RevisionId when it gives one.
func (s *Service) editLayerPolicy(ctx context.Context, name string, version int64, revisionID string, edit func(*LayerVersion) error, rev *string) error {
	if err := ValidateLayerName(name); err != nil {
		return err
	}
	if !s.ownLayer(name) {
		return errLayerNotFound()
	}
	key := layerVersionKey(LayerNameOf(name), version)
	return s.st.Update(ctx, func(tx store.Tx) error {
		b, err := tx.Get(ctx, kindLayerVersion, key)
		if errors.Is(err, store.ErrNotFound) {
			return errLayerNotFound()
		}
		if err != nil {
			return err
		}
		var lv LayerVersion
		if err := json.Unmarshal(b, &lv); err != nil {
			return err
		}
		if revisionID != "" && revisionID != lv.PolicyRevision {
			return errRevision()
		}
		if err := edit(&lv); err != nil {
			return err
		}
		lv.PolicyRevision = newRevision()
		*rev = lv.PolicyRevision
		out, _ := json.Marshal(lv)
		return tx.Put(ctx, kindLayerVersion, key, out)
	})
}

// newRevision is a RevisionId: a UUID-shaped random value, as Lambda's.
func newRevision() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
