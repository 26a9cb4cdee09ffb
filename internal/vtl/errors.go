package vtl

import (
	"errors"
	"fmt"
)

// Error is a parse or execution error at a place in a template.
type Error struct {
	Template string // the template's name, "" when it has none
	Pos      Pos
	Msg      string
	// Err is the cause: ErrLimit for exhausted budgets, or what a method
	// of an embedder's Object returned.
	Err error
}

func (e *Error) Error() string {
	name := e.Template
	if name == "" {
		name = "template"
	}
	return fmt.Sprintf("%s: line %d, column %d: %s", name, e.Pos.Line, e.Pos.Col, e.Msg)
}

func (e *Error) Unwrap() error { return e.Err }

// ErrLimit is wrapped by errors of templates that exceed an execution
// limit (steps, output size, nesting).
var ErrLimit = errors.New("template execution limit exceeded")

// ErrNoMethod is what an Object returns for a method or property it does
// not have; the engine then renders the reference as Velocity does for an
// unresolved one.
var ErrNoMethod = errors.New("no such method")
