package sam

import (
	"fmt"
	"sort"
	"strings"

	"github.com/iamgate/iamgate/internal/cfn"
)

// samError is one entry of the translator's error list. Its text is exactly
// the translator's, for example
// "Resource with id [Fn] is invalid. Event with id [Get] is invalid. ...".
type samError struct {
	id  string // logical ID the error is about ("" for template-level errors)
	msg string
}

func (e *samError) Error() string { return e.msg }

func resourceError(id, msg string) *samError {
	return &samError{id: id, msg: fmt.Sprintf("Resource with id [%s] is invalid. %s", id, msg)}
}

func eventError(fn, event, msg string) *samError {
	return resourceError(fn, fmt.Sprintf("Event with id [%s] is invalid. %s", event, msg))
}

func templateError(msg string) *samError {
	return &samError{msg: "Structure of the SAM template is invalid. " + msg}
}

func globalsError(msg string) *samError {
	return &samError{msg: "'Globals' section is invalid. " + msg}
}

// document builds the translator's summary error, positioned at the first
// offending resource.
func (x *translator) document(errs ...*samError) error {
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].msg < errs[j].msg })
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.msg
	}
	text := fmt.Sprintf("Invalid Serverless Application Specification document. Number of errors found: %d. %s",
		len(errs), strings.Join(msgs, " "))
	path := []string{}
	if len(errs) > 0 && errs[0].id != "" {
		path = []string{"Resources", errs[0].id}
	}
	return &cfn.Error{Pos: x.src.Pos(path...), Path: strings.Join(path, "/"), Msg: text}
}
