package apigw

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
)

// DefaultDeployedTTL bounds how long a replica serves a stage's snapshot
// without reading the store again: what another replica changed is seen
// within it. Writes through this Service are seen at once.
const DefaultDeployedTTL = time.Second

// maxDeployed bounds the cache of what each (API, stage) serves: unknown
// pairs are cached too, and a client chooses them.
const maxDeployed = 4096

// changed drops every cached snapshot: a stage, deployment or API was
// written. Called after the write commits, so a reader that loads after it
// sees the write.
func (s *Service) changed() { s.deployed.Invalidate() }

// Deployed returns what stage serves: the snapshot of its deployment. When
// the API, the stage or the deployment is absent the error wraps
// store.ErrNotFound (the data plane answers all three alike). The snapshot
// is shared: callers must not modify it.
func (s *Service) Deployed(ctx context.Context, apiID, stage string) (*Snapshot, error) {
	return s.deployed.Get(ctx, apiID+"/"+stage, func(ctx context.Context) (*Snapshot, error) {
		return s.loadDeployed(ctx, apiID, stage)
	}, func(err error) bool {
		return errors.Is(err, store.ErrNotFound) // a store failure is not remembered
	})
}

func (s *Service) loadDeployed(ctx context.Context, apiID, stage string) (*Snapshot, error) {
	st, err := s.getStage(ctx, s.st, apiID, stage)
	if err != nil {
		return nil, err
	}
	d, err := s.deployment(ctx, apiID, st.DeploymentID)
	if awserr.Is(err, awserr.NotFoundException) {
		return nil, fmt.Errorf("apigw: deployed %s/%s: %v: %w", apiID, stage, err, store.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return &Snapshot{API: d.API, Stage: *st, Deployment: d.Deployment, Resources: d.Resources, Authorizers: d.Authorizers,
		Models: d.Models, Validators: d.Validators, GatewayResponses: d.GatewayResponses, tree: d.tree}, nil
}

// TestInvokeStage is the stage name test invocations run under, as API
// Gateway names it in their method ARNs.
const TestInvokeStage = "test-invoke-stage"

// Draft is a snapshot of the API as it is now, undeployed, on a stage
// named test-invoke-stage with vars: what TestInvokeMethod runs.
func (s *Service) Draft(ctx context.Context, apiID string, vars map[string]string) (*Snapshot, error) {
	rec, err := s.getAPI(ctx, s.st, apiID)
	if err != nil {
		return nil, err
	}
	return &Snapshot{API: rec.API, Stage: Stage{RestAPIID: apiID, StageName: TestInvokeStage, Variables: vars},
		Deployment: Deployment{ID: "test-invoke", RestAPIID: apiID}, Resources: rec.Resources, Authorizers: rec.Authorizers,
		Models: rec.Models, Validators: rec.Validators, GatewayResponses: rec.GatewayResponses}, nil
}
