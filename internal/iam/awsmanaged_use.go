package iam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/iamgate/iamgate/internal/store"
)

// kindAWSPolicyUse counts, per account, how often each AWS managed policy is
// attached or used as a permissions boundary, so that GetPolicy's
// AttachmentCount and ListPolicies' OnlyAttached answer for AWS policies as
// they do for customer managed ones. Key: the policy ARN after
// "arn:aws:iam::aws:policy" (its path and name).
const kindAWSPolicyUse = "iam/awspolicyuse"

type awsUseRec struct {
	Attachments  int `json:"attachments"`
	BoundaryUses int `json:"boundaryUses"`
}

// awsUseKey cuts the fixed prefix by hand, not with package arn: the key is
// an encoding (its inverse is the concatenation in awsUses), and every ARN
// it is given is one awspolicy already knows, so the prefix is always there.
func awsUseKey(arn string) string {
	return strings.TrimPrefix(arn, "arn:aws:iam::aws:policy")
}

// countAWSUse adjusts an AWS managed policy's counters inside tx; a record
// falling to zero is removed.
func countAWSUse(ctx context.Context, tx store.Tx, arn string, attachments, boundaries int) error {
	key := awsUseKey(arn)
	rec, err := getJSON[awsUseRec](ctx, tx, kindAWSPolicyUse, key, errNoUse)
	if errors.Is(err, errNoUse) {
		rec, err = &awsUseRec{}, nil
	}
	if err != nil {
		return err
	}
	rec.Attachments = max(0, rec.Attachments+attachments)
	rec.BoundaryUses = max(0, rec.BoundaryUses+boundaries)
	if rec.Attachments == 0 && rec.BoundaryUses == 0 {
		if err := tx.Delete(ctx, kindAWSPolicyUse, key); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return nil
	}
	return putJSON(ctx, tx, kindAWSPolicyUse, key, rec)
}

var errNoUse = errors.New("iam: no usage record")

// withAWSUse fills an AWS managed policy's counters from the store.
func (s *Service) withAWSUse(ctx context.Context, r store.Reader, p ManagedPolicy) (ManagedPolicy, error) {
	rec, err := getJSON[awsUseRec](ctx, r, kindAWSPolicyUse, awsUseKey(p.ARN), errNoUse)
	if errors.Is(err, errNoUse) {
		return p, nil
	}
	if err != nil {
		return p, err
	}
	p.AttachmentCount, p.PermissionsBoundaryUsageCount = rec.Attachments, rec.BoundaryUses
	return p, nil
}

// awsUses reads every AWS managed policy counter, by ARN.
func (s *Service) awsUses(ctx context.Context) (map[string]awsUseRec, error) {
	items, err := s.st.List(ctx, kindAWSPolicyUse, "")
	if err != nil {
		return nil, err
	}
	out := make(map[string]awsUseRec, len(items))
	for _, it := range items {
		var rec awsUseRec
		if err := json.Unmarshal(it.Value, &rec); err != nil {
			return nil, fmt.Errorf("iam: decode %s: %w", kindAWSPolicyUse, err)
		}
		out["arn:aws:iam::aws:policy"+it.Key] = rec
	}
	return out, nil
}
