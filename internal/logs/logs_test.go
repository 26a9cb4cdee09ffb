package logs

import (
	"context"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store/storetest"
)

func newService(t *testing.T) *Service {
	t.Helper()
	st := storetest.SQLite(t)
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	s := New(st, Options{Region: "us-east-1", AccountID: "000000000000", Now: func() time.Time { return now }})
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

func TestGroupsAndStreams(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	cases := []struct {
		name string
		err  error
		code awserr.Code
	}{
		{"create", s.CreateLogGroup(ctx, "/aws/lambda/f", 0), ""},
		{"create again", s.CreateLogGroup(ctx, "/aws/lambda/f", 0), ResourceAlreadyExists},
		{"bad name", s.CreateLogGroup(ctx, "bad name", 0), InvalidParameter},
		{"stream", s.CreateLogStream(ctx, "/aws/lambda/f", "2026/11/25/[$LATEST]abc"), ""},
		{"stream again", s.CreateLogStream(ctx, "/aws/lambda/f", "2026/11/25/[$LATEST]abc"), ResourceAlreadyExists},
		{"stream in missing group", s.CreateLogStream(ctx, "/nope", "x"), ResourceNotFound},
		{"stream with colon", s.CreateLogStream(ctx, "/aws/lambda/f", "a:b"), InvalidParameter},
		{"events to missing stream", s.PutLogEvents(ctx, "/aws/lambda/f", "nope", []Event{{Message: "x"}}), ResourceNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.code == "" && c.err != nil || c.code != "" && !awserr.Is(c.err, c.code) {
				t.Errorf("got %v, want %q", c.err, c.code)
			}
		})
	}
	groups, err := s.DescribeLogGroups(ctx, "/aws/")
	if err != nil || len(groups) != 1 || groups[0].ARN != "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/f:*" {
		t.Errorf("groups %+v %v", groups, err)
	}
}

func TestEventsAndFilter(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	if err := s.Write(ctx, "/g", "a", []Event{{Timestamp: t0, Message: "START RequestId: 1"}, {Timestamp: t0.Add(time.Second), Message: "hello world"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Write(ctx, "/g", "b", []Event{{Timestamp: t0.Add(500 * time.Millisecond), Message: "other hello"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutLogEvents(ctx, "/g", "a", []Event{{Timestamp: t0.Add(2 * time.Second)}, {Timestamp: t0}}); !awserr.Is(err, InvalidParameter) {
		t.Errorf("out-of-order events: %v", err)
	}
	evs, err := s.GetLogEvents(ctx, "/g", "a", 0, 0)
	if err != nil || len(evs) != 2 || evs[1].Message != "hello world" {
		t.Fatalf("get: %+v %v", evs, err)
	}
	after, err := s.GetLogEvents(ctx, "/g", "a", evs[0].Seq, 0)
	if err != nil || len(after) != 1 {
		t.Errorf("after seq: %+v %v", after, err)
	}
	got, err := s.FilterLogEvents(ctx, "/g", Filter{Pattern: "hello"})
	if err != nil || len(got) != 2 || got[0].Stream != "b" || got[1].Stream != "a" {
		t.Errorf("filter hello: %+v %v", got, err)
	}
	got, _ = s.FilterLogEvents(ctx, "/g", Filter{Pattern: `"hello world"`, Start: t0})
	if len(got) != 1 {
		t.Errorf("quoted phrase: %+v", got)
	}
	got, _ = s.FilterLogEvents(ctx, "/g", Filter{Streams: []string{"a"}, End: t0.Add(time.Second)})
	if len(got) != 1 || got[0].Message != "START RequestId: 1" {
		t.Errorf("stream and end: %+v", got)
	}
	if err := s.DeleteLogGroup(ctx, "/g"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetLogEvents(ctx, "/g", "a", 0, 0); !awserr.Is(err, ResourceNotFound) {
		t.Errorf("after delete: %v", err)
	}
}

func FuzzPatternTerms(f *testing.F) {
	for _, s := range []string{"", "a b", `"x y" z`, `"unterminated`, "  "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		for _, term := range patternTerms(p) {
			if !matchTerms(term, []string{term}) {
				t.Fatalf("term %q does not match itself", term)
			}
		}
	})
}
