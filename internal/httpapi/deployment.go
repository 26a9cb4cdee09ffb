package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/record"
)

// deploymentRecord is a stored deployment with its snapshot.
type deploymentRecord struct {
	Deployment   Deployment    `json:"deployment"`
	API          API           `json:"api"`
	Routes       []Route       `json:"routes"`
	Integrations []Integration `json:"integrations"`
	Authorizers  []Authorizer  `json:"authorizers"`

	router *router // built on first match, shared by every Snapshot of this deployment
}

func (s *Service) newDeployment(ctx context.Context, tx store.Tx, rec *apiRecord, description string, auto bool) (Deployment, error) {
	if len(rec.Routes) == 0 {
		return Deployment{}, errNoRoutes()
	}
	d := deploymentRecord{
		Deployment: Deployment{DeploymentID: apigw.NewID(6), Description: description, CreatedDate: s.now(),
			DeploymentStatus: "DEPLOYED", AutoDeployed: auto},
		API: rec.API, Routes: rec.Routes, Integrations: rec.Integrations, Authorizers: rec.Authorizers,
	}
	if err := record.Create(ctx, tx, kindDeployment, stageKey(rec.API.APIID, d.Deployment.DeploymentID), &d); err != nil {
		return Deployment{}, fmt.Errorf("httpapi: create deployment: %w", err)
	}
	return d.Deployment, nil
}

// CreateDeployment snapshots the API. When stageName is set, that stage
// (which must exist, as CreateDeployment's StageName requires) moves to it.
func (s *Service) CreateDeployment(ctx context.Context, apiID, stageName, description string) (Deployment, error) {
	defer s.changed()
	var out Deployment
	err := s.st.Update(ctx, func(tx store.Tx) error {
		rec, err := s.getAPI(ctx, tx, apiID)
		if err != nil {
			return err
		}
		var st *Stage
		if stageName != "" {
			if st, err = s.getStage(ctx, tx, apiID, stageName); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return errNotFound("Stage", stageName)
				}
				return err
			}
		}
		if out, err = s.newDeployment(ctx, tx, rec, description, false); err != nil {
			return err
		}
		if st == nil {
			return nil
		}
		st.DeploymentID, st.LastUpdatedDate = out.DeploymentID, s.now()
		return record.Put(ctx, tx, kindStage, stageKey(apiID, stageName), st)
	})
	return out, err
}

// autoDeploy deploys rec to every auto-deploy stage, as API Gateway does on
// each change of an API, and drops the auto deployment a stage leaves.
// With no routes there is nothing to deploy: the stage says so.
func (s *Service) autoDeploy(ctx context.Context, tx store.Tx, rec *apiRecord) error {
	stages, err := s.listStages(ctx, tx, rec.API.APIID)
	if err != nil {
		return err
	}
	for _, st := range stages {
		if !st.AutoDeploy {
			continue
		}
		prev := st.DeploymentID
		if len(rec.Routes) == 0 {
			st.LastDeploymentStatusMessage = "Deployment attempt failed: Unable to deploy API because no routes exist in this API"
		} else {
			d, err := s.newDeployment(ctx, tx, rec, "Automatic deployment triggered by changes to the Api configuration", true)
			if err != nil {
				return err
			}
			st.DeploymentID = d.DeploymentID
			st.LastDeploymentStatusMessage = "Successfully deployed stage with deployment ID '" + d.DeploymentID + "'"
		}
		st.LastUpdatedDate = s.now()
		if err := record.Put(ctx, tx, kindStage, stageKey(st.APIID, st.StageName), &st); err != nil {
			return err
		}
		if prev != "" && prev != st.DeploymentID {
			if err := s.dropAutoDeployment(ctx, tx, rec.API.APIID, prev); err != nil {
				return err
			}
		}
	}
	return nil
}

// dropAutoDeployment deletes an auto deployment no stage points to any more.
func (s *Service) dropAutoDeployment(ctx context.Context, tx store.Tx, apiID, id string) error {
	b, err := tx.Get(ctx, kindDeployment, stageKey(apiID, id))
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	var d deploymentRecord
	if json.Unmarshal(b, &d) != nil || !d.Deployment.AutoDeployed {
		return nil
	}
	stages, err := s.listStages(ctx, tx, apiID)
	if err != nil {
		return err
	}
	for _, st := range stages {
		if st.DeploymentID == id {
			return nil
		}
	}
	s.evict(stageKey(apiID, id))
	return tx.Delete(ctx, kindDeployment, stageKey(apiID, id))
}

// GetDeployments returns an API's deployments, ordered by id.
func (s *Service) GetDeployments(ctx context.Context, apiID string) ([]Deployment, error) {
	if _, err := s.getAPI(ctx, s.st, apiID); err != nil {
		return nil, err
	}
	out, err := record.ListAs(ctx, s.st, kindDeployment, apiID+"/", func(d *deploymentRecord) Deployment { return d.Deployment })
	if err != nil {
		return nil, fmt.Errorf("httpapi: %w", err)
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
		err = tx.Delete(ctx, kindDeployment, stageKey(apiID, id))
		if errors.Is(err, store.ErrNotFound) {
			return errNotFound("Deployment", id)
		}
		s.evict(stageKey(apiID, id))
		return err
	})
}

// evict drops cached deployments whose key starts with prefix.
func (s *Service) evict(prefix string) { s.deployments.Evict(prefix) }

// deployment loads a deployment, from the cache when it was seen before.
func (s *Service) deployment(ctx context.Context, apiID, id string) (*deploymentRecord, error) {
	key := stageKey(apiID, id)
	return s.deployments.Get(ctx, key, func(ctx context.Context) (*deploymentRecord, error) {
		d, err := record.Get[deploymentRecord](ctx, s.st, kindDeployment, key)
		if err != nil {
			return nil, fmt.Errorf("httpapi: %w", err)
		}
		d.router = &router{}
		return d, nil
	})
}
