package apigw

import (
	"context"
	"errors"
	"fmt"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/record"
)

// CreateStage creates a stage on an existing deployment.
func (s *Service) CreateStage(ctx context.Context, in Stage) (Stage, error) {
	if in.StageName == "" {
		return Stage{}, awserr.New(awserr.BadRequestException, "Stage name must be non-empty")
	}
	if _, err := s.deployment(ctx, in.RestAPIID, in.DeploymentID); err != nil {
		return Stage{}, err
	}
	now := s.now()
	in.CreatedDate, in.LastUpdatedDate = now, now
	err := record.Create(ctx, s.st, kindStage, in.RestAPIID+"/"+in.StageName, &in)
	s.changed()
	if errors.Is(err, store.ErrConflict) {
		return Stage{}, errStageExists()
	}
	if err != nil {
		return Stage{}, fmt.Errorf("apigw: create stage: %w", err)
	}
	return in, nil
}

// GetStage returns one stage.
func (s *Service) GetStage(ctx context.Context, apiID, name string) (Stage, error) {
	st, err := s.getStage(ctx, s.st, apiID, name)
	if err != nil {
		return Stage{}, s.stageError(ctx, apiID, err)
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

// UpdateStage applies fn (the caller's patch operations) to a stage. A new
// deployment id must name an existing deployment.
func (s *Service) UpdateStage(ctx context.Context, apiID, name string, fn func(*Stage) error) (Stage, error) {
	defer s.changed()
	var out Stage
	err := s.st.Update(ctx, func(tx store.Tx) error {
		st, err := s.getStage(ctx, tx, apiID, name)
		if err != nil {
			return s.stageError(ctx, apiID, err)
		}
		keep := *st
		if err := fn(st); err != nil {
			return err
		}
		st.RestAPIID, st.StageName, st.CreatedDate = keep.RestAPIID, keep.StageName, keep.CreatedDate
		if st.DeploymentID != keep.DeploymentID {
			if _, err := tx.Get(ctx, kindDeployment, apiID+"/"+st.DeploymentID); err != nil {
				return errDeploymentNotFound()
			}
		}
		st.LastUpdatedDate = s.now()
		out = *st
		return record.Put(ctx, tx, kindStage, apiID+"/"+name, st)
	})
	return out, err
}

// DeleteStage deletes a stage.
func (s *Service) DeleteStage(ctx context.Context, apiID, name string) error {
	err := s.st.Delete(ctx, kindStage, apiID+"/"+name)
	s.changed()
	if errors.Is(err, store.ErrNotFound) {
		return s.stageError(ctx, apiID, err)
	}
	return err
}

// stageError words a missing stage: an unknown API is reported first, as
// API Gateway resolves the API before the stage.
func (s *Service) stageError(ctx context.Context, apiID string, err error) error {
	if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if _, apiErr := s.getAPI(ctx, s.st, apiID); apiErr != nil {
		return apiErr
	}
	return errStageNotFound()
}

// getStage returns the stored stage or an error wrapping store.ErrNotFound.
func (s *Service) getStage(ctx context.Context, r store.Reader, apiID, name string) (*Stage, error) {
	st, err := record.Get[Stage](ctx, r, kindStage, apiID+"/"+name)
	if err != nil {
		return nil, fmt.Errorf("apigw: %w", err)
	}
	return st, nil
}

func (s *Service) listStages(ctx context.Context, r store.Reader, apiID string) ([]Stage, error) {
	out, err := record.List[Stage](ctx, r, kindStage, apiID+"/")
	if err != nil {
		return nil, fmt.Errorf("apigw: %w", err)
	}
	return out, nil
}
