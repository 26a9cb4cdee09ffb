package query

import (
	"errors"
	"testing"
)

// Bind runs each service op on the call its wrap builds for the request.
func TestBind(t *testing.T) {
	type call struct {
		*Call
		tag string
	}
	type op func(*call) (any, error)
	ops := map[string]op{
		"Echo": func(c *call) (any, error) { return c.tag + ":" + c.Action, nil },
		"Fail": func(*call) (any, error) { return nil, errors.New("no") },
	}
	bound := Bind(ops, func(qc *Call) *call { return &call{Call: qc, tag: "svc"} })
	if len(bound) != 2 {
		t.Fatalf("Bind made %d ops, want 2", len(bound))
	}
	if out, err := bound["Echo"](&Call{Action: "Echo"}); err != nil || out != "svc:Echo" {
		t.Errorf("Echo = %v, %v; want svc:Echo", out, err)
	}
	if _, err := bound["Fail"](&Call{Action: "Fail"}); err == nil || err.Error() != "no" {
		t.Errorf("Fail = %v, want the op's error", err)
	}
}
