package apigw

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/store"
)

// countingStore counts reads of stages, to show which Deployed calls reach the store.
type countingStore struct {
	*memStore
	stageReads atomic.Int64
}

func (c *countingStore) Get(ctx context.Context, kind, key string) ([]byte, error) {
	if kind == kindStage {
		c.stageReads.Add(1)
	}
	return c.memStore.Get(ctx, kind, key)
}

// A clock tests move by hand.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *manualClock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *manualClock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// TestDeployedCache: what a stage serves is read from the store once per
// TTL; a write through the same Service is seen by the next request; a
// write by another replica over the same store within the TTL; an unknown
// stage is remembered as unknown until a stage is created.
func TestDeployedCache(t *testing.T) {
	ctx := context.Background()
	st := &countingStore{memStore: newMemStore()}
	clock := &manualClock{t: t0}
	a := New(st, Options{AccountID: "000000000000", Region: "us-east-1", Now: clock.now})
	b := New(st, Options{AccountID: "000000000000", Region: "us-east-1", Now: clock.now}) // another replica
	api, err := a.CreateRestAPI(ctx, CreateRestAPIInput{Name: "x", Body: `{"openapi":"3.0.1","paths":{"/one":{"get":{}}}}`})
	if err != nil {
		t.Fatal(err)
	}
	dep1, err := a.CreateDeployment(ctx, api.ID, "v1", "")
	if err != nil {
		t.Fatal(err)
	}
	first, err := a.Deployed(ctx, api.ID, "v1")
	if err != nil || first.Deployment.ID != dep1.ID {
		t.Fatalf("Deployed = %v, %v", first, err)
	}
	reads := st.stageReads.Load()
	for range 100 {
		again, err := a.Deployed(ctx, api.ID, "v1")
		if err != nil || again != first {
			t.Fatalf("cached Deployed = %p %v, want %p", again, err, first)
		}
	}
	if n := st.stageReads.Load() - reads; n != 0 {
		t.Errorf("100 cached requests read the stage %d times", n)
	}

	// A write through a: seen at once.
	if _, err := a.PutRestAPI(ctx, api.ID, `{"openapi":"3.0.1","paths":{"/two":{"get":{}}}}`, "overwrite"); err != nil {
		t.Fatal(err)
	}
	dep2, err := a.CreateDeployment(ctx, api.ID, "v1", "")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := a.Deployed(ctx, api.ID, "v1"); got.Deployment.ID != dep2.ID {
		t.Errorf("after a redeploy a serves %s, want %s", got.Deployment.ID, dep2.ID)
	}

	// b has cached dep2; a moves the stage back to dep1: b sees it within the TTL.
	if got, _ := b.Deployed(ctx, api.ID, "v1"); got.Deployment.ID != dep2.ID {
		t.Fatalf("b serves %s", got.Deployment.ID)
	}
	if _, err := a.UpdateStage(ctx, api.ID, "v1", func(s *Stage) error { s.DeploymentID = dep1.ID; return nil }); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.Deployed(ctx, api.ID, "v1"); got.Deployment.ID != dep1.ID {
		t.Errorf("a serves %s after its own UpdateStage", got.Deployment.ID)
	}
	clock.add(DefaultDeployedTTL)
	if got, _ := b.Deployed(ctx, api.ID, "v1"); got.Deployment.ID != dep1.ID {
		t.Errorf("b serves %s one TTL after another replica's UpdateStage, want %s", got.Deployment.ID, dep1.ID)
	}

	// Unknown stage: remembered, then created through a.
	if _, err := a.Deployed(ctx, api.ID, "v2"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown stage: %v", err)
	}
	if _, err := a.CreateStage(ctx, Stage{RestAPIID: api.ID, StageName: "v2", DeploymentID: dep2.ID}); err != nil {
		t.Fatal(err)
	}
	if got, err := a.Deployed(ctx, api.ID, "v2"); err != nil || got.Deployment.ID != dep2.ID {
		t.Errorf("new stage: %v %v", got, err)
	}

	// Deleting the stage and the API: gone at once.
	if err := a.DeleteStage(ctx, api.ID, "v2"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Deployed(ctx, api.ID, "v2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted stage: %v", err)
	}
	if err := a.DeleteRestAPI(ctx, api.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Deployed(ctx, api.ID, "v1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted API: %v", err)
	}
}
