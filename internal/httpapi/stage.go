package httpapi

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/record"
)

// stageName is CreateStage's pattern: $default, or up to 128 word
// characters and hyphens.
var stageName = regexp.MustCompile(`^(\$default|[A-Za-z0-9_\-]{1,128})$`)

// CreateStage creates a stage. An auto-deploy stage gets a deployment of
// the API at once; otherwise DeploymentID, when set, must name one.
func (s *Service) CreateStage(ctx context.Context, in Stage) (Stage, error) {
	if !stageName.MatchString(in.StageName) {
		return Stage{}, awserr.New(awserr.BadRequestException, "Stage name must be $default or match [A-Za-z0-9_\\-]{1,128}: %q", in.StageName)
	}
	defer s.changed()
	var out Stage
	err := s.st.Update(ctx, func(tx store.Tx) error {
		rec, err := s.getAPI(ctx, tx, in.APIID)
		if err != nil {
			return err
		}
		if in.DeploymentID != "" {
			if _, err := tx.Get(ctx, kindDeployment, stageKey(in.APIID, in.DeploymentID)); err != nil {
				return errNotFound("Deployment", in.DeploymentID)
			}
		}
		now := s.now()
		in.CreatedDate, in.LastUpdatedDate = now, now
		err = record.Create(ctx, tx, kindStage, stageKey(in.APIID, in.StageName), &in)
		if errors.Is(err, store.ErrConflict) {
			return errStageExists(in.StageName)
		}
		if err != nil {
			return fmt.Errorf("httpapi: create stage: %w", err)
		}
		if in.AutoDeploy {
			if err := s.autoDeploy(ctx, tx, rec); err != nil {
				return err
			}
		}
		st, err := s.getStage(ctx, tx, in.APIID, in.StageName)
		if err != nil {
			return err
		}
		out = *st
		return nil
	})
	return out, err
}

// GetStage returns one stage.
func (s *Service) GetStage(ctx context.Context, apiID, name string) (Stage, error) {
	if _, err := s.getAPI(ctx, s.st, apiID); err != nil {
		return Stage{}, err
	}
	st, err := s.getStage(ctx, s.st, apiID, name)
	if errors.Is(err, store.ErrNotFound) {
		return Stage{}, errNotFound("Stage", name)
	}
	if err != nil {
		return Stage{}, err
	}
	return *st, nil
}

// GetStages returns an API's stages, ordered by name.
func (s *Service) GetStages(ctx context.Context, apiID string) ([]Stage, error) {
	if _, err := s.getAPI(ctx, s.st, apiID); err != nil {
		return nil, err
	}
	return s.listStages(ctx, s.st, apiID)
}

// UpdateStage applies fn to a stage; turning AutoDeploy on deploys at once.
func (s *Service) UpdateStage(ctx context.Context, apiID, name string, fn func(*Stage) error) (Stage, error) {
	defer s.changed()
	var out Stage
	err := s.st.Update(ctx, func(tx store.Tx) error {
		rec, err := s.getAPI(ctx, tx, apiID)
		if err != nil {
			return err
		}
		st, err := s.getStage(ctx, tx, apiID, name)
		if errors.Is(err, store.ErrNotFound) {
			return errNotFound("Stage", name)
		}
		if err != nil {
			return err
		}
		keep := *st
		if err := fn(st); err != nil {
			return err
		}
		st.APIID, st.StageName, st.CreatedDate = keep.APIID, keep.StageName, keep.CreatedDate
		if st.DeploymentID != keep.DeploymentID && st.DeploymentID != "" {
			if _, err := tx.Get(ctx, kindDeployment, stageKey(apiID, st.DeploymentID)); err != nil {
				return errNotFound("Deployment", st.DeploymentID)
			}
		}
		st.LastUpdatedDate = s.now()
		if err := record.Put(ctx, tx, kindStage, stageKey(apiID, name), st); err != nil {
			return err
		}
		if st.AutoDeploy && !keep.AutoDeploy {
			if err := s.autoDeploy(ctx, tx, rec); err != nil {
				return err
			}
		}
		st, err = s.getStage(ctx, tx, apiID, name)
		if err == nil {
			out = *st
		}
		return err
	})
	return out, err
}

// DeleteStage deletes a stage.
func (s *Service) DeleteStage(ctx context.Context, apiID, name string) error {
	defer s.changed()
	return s.st.Update(ctx, func(tx store.Tx) error {
		if _, err := s.getAPI(ctx, tx, apiID); err != nil {
			return err
		}
		err := tx.Delete(ctx, kindStage, stageKey(apiID, name))
		if errors.Is(err, store.ErrNotFound) {
			return errNotFound("Stage", name)
		}
		return err
	})
}

func (s *Service) getStage(ctx context.Context, r store.Reader, apiID, name string) (*Stage, error) {
	st, err := record.Get[Stage](ctx, r, kindStage, stageKey(apiID, name))
	if err != nil {
		return nil, fmt.Errorf("httpapi: %w", err)
	}
	st.APIID = apiID
	return st, nil
}

func (s *Service) listStages(ctx context.Context, r store.Reader, apiID string) ([]Stage, error) {
	out, err := record.List[Stage](ctx, r, kindStage, apiID+"/")
	if err != nil {
		return nil, fmt.Errorf("httpapi: %w", err)
	}
	for i := range out {
		out[i].APIID = apiID
	}
	return out, nil
}
