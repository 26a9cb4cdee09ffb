package apigw

import (
	"context"
	"errors"
	"fmt"

	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/record"
)

// deploymentRecord is a stored deployment with its snapshot.
type deploymentRecord struct {
	Deployment  Deployment   `json:"deployment"`
	API         RestAPI      `json:"api"`
	Resources   []Resource   `json:"resources"`
	Authorizers []Authorizer `json:"authorizers,omitempty"`
	apiParts

	tree *routeTree // built on first match, shared by every Snapshot of this deployment
}

// CreateDeployment snapshots the API's resources, methods and policy. When
// stageName is set, that stage is created, or moved to the new deployment.
func (s *Service) CreateDeployment(ctx context.Context, apiID, stageName, description string) (Deployment, error) {
	defer s.changed()
	var out Deployment
	err := s.st.Update(ctx, func(tx store.Tx) error {
		rec, err := s.getAPI(ctx, tx, apiID)
		if err != nil {
			return err
		}
		if !hasMethods(rec.Resources) {
			return errNoMethods()
		}
		now := s.now()
		d := deploymentRecord{
			Deployment:  Deployment{ID: NewID(6), RestAPIID: apiID, Description: description, CreatedDate: now},
			API:         rec.API,
			Resources:   rec.Resources,
			Authorizers: rec.Authorizers,
			apiParts:    rec.apiParts,
		}
		if err := record.Create(ctx, tx, kindDeployment, apiID+"/"+d.Deployment.ID, &d); err != nil {
			return fmt.Errorf("apigw: create deployment: %w", err)
		}
		out = d.Deployment
		if stageName == "" {
			return nil
		}
		return s.pointStage(ctx, tx, apiID, stageName, d.Deployment.ID)
	})
	return out, err
}

// pointStage creates stage name on deployment depID, or moves it there.
func (s *Service) pointStage(ctx context.Context, tx store.Tx, apiID, name, depID string) error {
	st, err := s.getStage(ctx, tx, apiID, name)
	now := s.now()
	switch {
	case err == nil:
		st.DeploymentID, st.LastUpdatedDate = depID, now
	case errors.Is(err, store.ErrNotFound):
		st = &Stage{RestAPIID: apiID, StageName: name, DeploymentID: depID, CreatedDate: now, LastUpdatedDate: now}
	default:
		return err
	}
	return record.Put(ctx, tx, kindStage, apiID+"/"+name, st)
}

// GetDeployment returns one deployment.
func (s *Service) GetDeployment(ctx context.Context, apiID, id string) (Deployment, error) {
	d, err := s.deployment(ctx, apiID, id)
	if err != nil {
		return Deployment{}, err
	}
	return d.Deployment, nil
}

// GetDeployments returns an API's deployments, ordered by id.
func (s *Service) GetDeployments(ctx context.Context, apiID string) ([]Deployment, error) {
	if _, err := s.getAPI(ctx, s.st, apiID); err != nil {
		return nil, err
	}
	out, err := record.ListAs(ctx, s.st, kindDeployment, apiID+"/", func(d *deploymentRecord) Deployment { return d.Deployment })
	if err != nil {
		return nil, fmt.Errorf("apigw: %w", err)
	}
	return out, nil
}

// DeleteDeployment deletes a deployment no stage points to.
func (s *Service) DeleteDeployment(ctx context.Context, apiID, id string) error {
	defer s.changed()
	return s.st.Update(ctx, func(tx store.Tx) error {
		if _, err := s.getAPI(ctx, tx, apiID); err != nil {
			return err
		}
		stages, err := s.listStages(ctx, tx, apiID)
		if err != nil {
			return err
		}
		for _, st := range stages {
			if st.DeploymentID == id {
				return errDeploymentInUse()
			}
		}
		err = tx.Delete(ctx, kindDeployment, apiID+"/"+id)
		if errors.Is(err, store.ErrNotFound) {
			return errDeploymentNotFound()
		}
		s.evict(apiID + "/" + id)
		return err
	})
}

// evict drops cached deployments whose key starts with prefix.
func (s *Service) evict(prefix string) { s.deployments.Evict(prefix) }

// deployment loads a deployment, from the cache when it was seen before:
// deployments are immutable, so the cache never goes stale, on any replica.
func (s *Service) deployment(ctx context.Context, apiID, id string) (*deploymentRecord, error) {
	key := apiID + "/" + id
	return s.deployments.Get(ctx, key, func(ctx context.Context) (*deploymentRecord, error) {
		d, err := record.Get[deploymentRecord](ctx, s.st, kindDeployment, key)
		if errors.Is(err, store.ErrNotFound) {
			if _, apiErr := s.getAPI(ctx, s.st, apiID); apiErr != nil {
				return nil, apiErr
			}
			return nil, errDeploymentNotFound()
		}
		if err != nil {
			return nil, fmt.Errorf("apigw: %w", err)
		}
		d.tree = &routeTree{}
		return d, nil
	})
}
