package awspolicy

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"
)

//go:embed catalog.json.gz
var catalogGz []byte

// ARNPrefix starts every AWS managed policy's ARN in the aws partition.
const ARNPrefix = "arn:aws:iam::aws:policy"

// Policy is one AWS managed policy at its default version.
type Policy struct {
	Name       string
	Path       string // "/", "/service-role/", ...
	VersionID  string // the default version, "v1", "v12", ...
	Document   string // the default version's policy document, JSON
	Created    time.Time
	Updated    time.Time
	Deprecated bool // still described, no longer attachable
}

// ARN is the policy's ARN in the aws partition.
func (p Policy) ARN() string { return ARNPrefix + p.Path + p.Name }

// Source says where the catalog came from.
type Source struct {
	URL, License, Commit string
	Date                 time.Time
}

type catalog struct {
	src    Source
	sorted []Policy // by name
	byARN  map[string]int
	byName map[string]int
}

type fileEntry struct {
	Name       string `json:"name"`
	Path       string `json:"path"`
	Version    string `json:"version"`
	Created    string `json:"created"`
	Updated    string `json:"updated"`
	Document   string `json:"document"`
	Deprecated bool   `json:"deprecated"`
}

type file struct {
	Source   string      `json:"source"`
	License  string      `json:"license"`
	Commit   string      `json:"commit"`
	Date     string      `json:"date"`
	Policies []fileEntry `json:"policies"`
}

// load is run once: the embedded file is generated and checked by the tests,
// so an error here is a build defect and panics with the reason.
var load = sync.OnceValue(func() *catalog {
	c, err := decode(catalogGz)
	if err != nil {
		panic("awspolicy: embedded catalog: " + err.Error())
	}
	return c
})

func decode(gz []byte) (*catalog, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	var f file
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, err
	}
	date, err := time.Parse(time.RFC3339, f.Date)
	if err != nil {
		return nil, fmt.Errorf("date: %w", err)
	}
	c := &catalog{
		src:    Source{URL: f.Source, License: f.License, Commit: f.Commit, Date: date},
		byARN:  make(map[string]int, len(f.Policies)),
		byName: make(map[string]int, len(f.Policies)),
	}
	for _, e := range f.Policies {
		p := Policy{Name: e.Name, Path: e.Path, VersionID: e.Version, Document: e.Document, Deprecated: e.Deprecated}
		if p.Created, err = time.Parse(time.RFC3339, e.Created); err != nil {
			return nil, fmt.Errorf("%s: created: %w", e.Name, err)
		}
		if p.Updated, err = time.Parse(time.RFC3339, e.Updated); err != nil {
			return nil, fmt.Errorf("%s: updated: %w", e.Name, err)
		}
		if e.Name == "" || !strings.HasPrefix(e.Path, "/") || !strings.HasSuffix(e.Path, "/") || !json.Valid([]byte(e.Document)) {
			return nil, fmt.Errorf("policy %q: bad entry", e.Name)
		}
		c.sorted = append(c.sorted, p)
	}
	sort.Slice(c.sorted, func(i, j int) bool { return c.sorted[i].Name < c.sorted[j].Name })
	for i, p := range c.sorted {
		if _, dup := c.byName[p.Name]; dup {
			return nil, fmt.Errorf("policy %q: listed twice", p.Name)
		}
		c.byName[p.Name] = i
		c.byARN[p.ARN()] = i
	}
	return c, nil
}

// Lookup finds a policy by its exact ARN (arn:aws:iam::aws:policy/...).
func Lookup(arn string) (Policy, bool) {
	c := load()
	i, ok := c.byARN[arn]
	if !ok {
		return Policy{}, false
	}
	return c.sorted[i], true
}

// Named finds a policy by its name alone, as the SAM translator resolves a
// bare name in a function's Policies.
func Named(name string) (Policy, bool) {
	c := load()
	i, ok := c.byName[name]
	if !ok {
		return Policy{}, false
	}
	return c.sorted[i], true
}

// All returns every policy, sorted by name. The slice is shared: do not
// modify it.
func All() []Policy { return load().sorted }

// Origin says which dataset and commit the catalog was generated from.
func Origin() Source { return load().src }
