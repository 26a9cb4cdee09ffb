package stack

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Input is what a provider receives for one resource.
type Input struct {
	StackName string
	StackID   string
	LogicalID string
	Type      string
	Props     map[string]any // fully resolved properties
}

// Result is what a provider reports about a resource it created or updated.
type Result struct {
	PhysicalID string
	// Ref is the value of Ref when it differs from PhysicalID.
	Ref   string
	Attrs map[string]any // Fn::GetAtt values
}

// State is a deployed resource, as the engine remembers it.
type State struct {
	LogicalID  string         `json:"logicalId"`
	Type       string         `json:"type"`
	PhysicalID string         `json:"physicalId"`
	Ref        string         `json:"ref,omitempty"`
	Attrs      map[string]any `json:"attrs,omitempty"`
	Props      map[string]any `json:"props,omitempty"` // resolved properties last applied
	Status     string         `json:"status"`
	// DeletionPolicy is the template's attribute; Retain keeps the
	// resource when the stack deletes or drops it (DELETE_SKIPPED).
	DeletionPolicy string `json:"deletionPolicy,omitempty"`
}

// ErrReplace is returned by Provider.Update when the change needs a new
// physical resource; the engine then creates a replacement and deletes the
// old one during cleanup, as CloudFormation does.
var ErrReplace = errors.New("stack: update requires replacement")

// Provider creates, updates and deletes one resource type.
type Provider interface {
	Create(ctx context.Context, in *Input) (Result, error)
	Update(ctx context.Context, in *Input, prev State) (Result, error)
	Delete(ctx context.Context, prev State) error
}

// physicalName generates a name the way CloudFormation does for resources
// whose template gives none: {stack}-{logicalId}-{random}, shortened to max.
func physicalName(stack, logical string, max int, upper bool) string {
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	const upperAlpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	set := alpha
	n := 12
	if upper {
		set, n = upperAlpha, 13
	}
	var b strings.Builder
	for range n {
		b.WriteByte(set[rand.IntN(len(set))])
	}
	suffix := b.String()
	room := max - len(suffix) - 2
	if room < 2 {
		return suffix
	}
	s, l := stack, logical
	for len(s)+len(l) > room {
		if len(s) >= len(l) {
			s = s[:len(s)-1]
		} else {
			l = l[:len(l)-1]
		}
	}
	return s + "-" + l + "-" + suffix
}

// Prop helpers: resolved properties are generic JSON-like values.

func str(props map[string]any, key string) string {
	switch v := props[key].(type) {
	case string:
		return v
	case nil:
		return ""
	default:
		return toString(v)
	}
}

func strList(props map[string]any, key string) []string {
	l, _ := props[key].([]any)
	out := make([]string, 0, len(l))
	for _, v := range l {
		out = append(out, toString(v))
	}
	return out
}

func intProp(props map[string]any, key string, def int) int {
	switch v := props[key].(type) {
	case int:
		return v
	case float64:
		return int(v)
	case string:
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}
