package apigw

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
)

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func newTestService() *Service {
	return New(newMemStore(), Options{AccountID: "000000000000", Region: "us-east-1", Now: func() time.Time { return t0 }})
}

func TestServiceSeedLifecycle(t *testing.T) {
	ctx := context.Background()
	s := newTestService()
	api, err := s.CreateRestAPI(ctx, CreateRestAPIInput{Name: "HelloWorldApi", Body: seedBody(t)})
	if err != nil {
		t.Fatal(err)
	}
	if len(api.ID) != 10 || api.Name != "HelloWorldApi" || api.APIKeySource != "HEADER" || api.CreatedDate != t0 {
		t.Errorf("api = %+v", api)
	}
	if diff := cmp.Diff([]string{"EDGE"}, api.EndpointTypes); diff != "" {
		t.Error(diff)
	}
	dep, err := s.CreateDeployment(ctx, api.ID, "v1", "first")
	if err != nil {
		t.Fatal(err)
	}
	if len(dep.ID) != 6 {
		t.Errorf("deployment id %q", dep.ID)
	}
	snap, err := s.Deployed(ctx, api.ID, "v1")
	if err != nil {
		t.Fatal(err)
	}
	res, m, params, ok := snap.Match("GET", SplitPath("/hello"))
	if !ok || res.Path != "/hello" || m.AuthorizationType != AuthIAM || params != nil {
		t.Fatalf("Match = %v %v %v %v", res, m, params, ok)
	}
	if _, _, _, ok := snap.Match("POST", SplitPath("/hello")); ok {
		t.Error("POST /hello matched")
	}

	// Later changes to the API do not reach the deployed snapshot.
	if _, err := s.PutRestAPI(ctx, api.ID, `{"openapi":"3.0.1","paths":{"/other":{"get":{}}}}`, "overwrite"); err != nil {
		t.Fatal(err)
	}
	snap2, err := s.Deployed(ctx, api.ID, "v1")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, ok := snap2.Match("GET", SplitPath("/hello")); !ok {
		t.Error("deployed snapshot changed after PutRestAPI")
	}
	res2, err := s.GetResources(ctx, api.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := paths(res2); !cmp.Equal(got, []string{"/", "/other"}) {
		t.Errorf("resources after overwrite = %v", got)
	}
	if res2[0].ID != api.RootResourceID {
		t.Errorf("root id changed: %s vs %s", res2[0].ID, api.RootResourceID)
	}
	if _, err := s.PutRestAPI(ctx, api.ID, seedBody(t), "merge"); err != nil {
		t.Fatal(err)
	}
	res3, _ := s.GetResources(ctx, api.ID)
	if got := paths(res3); !cmp.Equal(got, []string{"/", "/hello", "/other"}) {
		t.Errorf("resources after merge = %v", got)
	}

	// A new deployment moves the stage.
	dep2, err := s.CreateDeployment(ctx, api.ID, "v1", "")
	if err != nil {
		t.Fatal(err)
	}
	snap3, _ := s.Deployed(ctx, api.ID, "v1")
	if snap3.Deployment.ID != dep2.ID || snap3.Stage.DeploymentID != dep2.ID {
		t.Errorf("stage not moved: %+v", snap3.Stage)
	}
	if err := s.DeleteDeployment(ctx, api.ID, dep2.ID); !awserr.Is(err, awserr.BadRequestException) {
		t.Errorf("deleting the active deployment: %v", err)
	}
	if err := s.DeleteDeployment(ctx, api.ID, dep.ID); err != nil {
		t.Errorf("deleting an unused deployment: %v", err)
	}
	if err := s.DeleteRestAPI(ctx, api.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Deployed(ctx, api.ID, "v1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Deployed after delete: %v", err)
	}
}

func paths(rs []Resource) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Path)
	}
	return out
}

func TestServiceErrors(t *testing.T) {
	ctx := context.Background()
	s := newTestService()
	api, err := s.CreateRestAPI(ctx, CreateRestAPIInput{Name: "empty"})
	if err != nil {
		t.Fatal(err)
	}
	withMethods, err := s.CreateRestAPI(ctx, CreateRestAPIInput{Body: seedBody(t)})
	if err != nil {
		t.Fatal(err)
	}
	dep, err := s.CreateDeployment(ctx, withMethods.ID, "", "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		call    func() error
		code    awserr.Code
		message string
	}{
		{"get unknown api", func() error { _, err := s.GetRestAPI(ctx, "xyz"); return err },
			awserr.NotFoundException, "Invalid API identifier specified 000000000000:xyz"},
		{"deploy without methods", func() error { _, err := s.CreateDeployment(ctx, api.ID, "v1", ""); return err },
			awserr.BadRequestException, "The REST API doesn't contain any methods"},
		{"get unknown stage", func() error { _, err := s.GetStage(ctx, api.ID, "nope"); return err },
			awserr.NotFoundException, "Invalid stage identifier specified"},
		{"stage of unknown api", func() error { _, err := s.GetStage(ctx, "xyz", "v1"); return err },
			awserr.NotFoundException, "Invalid API identifier specified 000000000000:xyz"},
		{"unknown deployment", func() error { _, err := s.GetDeployment(ctx, withMethods.ID, "nope"); return err },
			awserr.NotFoundException, "Invalid Deployment identifier specified"},
		{"create stage twice", func() error {
			if _, err := s.CreateStage(ctx, Stage{RestAPIID: withMethods.ID, StageName: "dup", DeploymentID: dep.ID}); err != nil {
				return err
			}
			_, err := s.CreateStage(ctx, Stage{RestAPIID: withMethods.ID, StageName: "dup", DeploymentID: dep.ID})
			return err
		}, awserr.ConflictException, "Stage already exists"},
		{"no name", func() error { _, err := s.CreateRestAPI(ctx, CreateRestAPIInput{}); return err },
			awserr.BadRequestException, "Invalid REST API name specified"},
		{"bad put mode", func() error { _, err := s.PutRestAPI(ctx, api.ID, seedBody(t), "replace"); return err },
			awserr.BadRequestException, "Invalid mode specified: replace"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			e := awserr.As(err)
			if diff := cmp.Diff(&awserr.Error{Code: tc.code, Message: tc.message}, e); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStageUpdate(t *testing.T) {
	ctx := context.Background()
	s := newTestService()
	api, _ := s.CreateRestAPI(ctx, CreateRestAPIInput{Body: seedBody(t)})
	if _, err := s.CreateDeployment(ctx, api.ID, "v1", ""); err != nil {
		t.Fatal(err)
	}
	st, err := s.UpdateStage(ctx, api.ID, "v1", func(st *Stage) error {
		st.Variables = map[string]string{"k": "v"}
		st.StageName = "renamed" // not allowed to change: restored
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.StageName != "v1" || st.Variables["k"] != "v" {
		t.Errorf("stage = %+v", st)
	}
	snap, _ := s.Deployed(ctx, api.ID, "v1")
	if snap.Stage.Variables["k"] != "v" {
		t.Error("stage variables not served")
	}
	if _, err := s.UpdateStage(ctx, api.ID, "v1", func(st *Stage) error { st.DeploymentID = "nope"; return nil }); !awserr.Is(err, awserr.NotFoundException) {
		t.Errorf("moving to an unknown deployment: %v", err)
	}
	stages, _ := s.GetStages(ctx, api.ID)
	if len(stages) != 1 {
		t.Errorf("stages = %v", stages)
	}
	if err := s.DeleteStage(ctx, api.ID, "v1"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteStage(ctx, api.ID, "v1"); !awserr.Is(err, awserr.NotFoundException) {
		t.Errorf("second delete: %v", err)
	}
	list, _ := s.ListRestAPIs(ctx)
	if len(list) != 1 || list[0].Name != "sample api" {
		t.Errorf("list = %+v", list)
	}
}
