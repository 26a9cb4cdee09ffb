package simulator

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// Position is a place in a policy document as IAM's simulator reports it
// (StartPosition, EndPosition): the line (from 1) and the column just after
// the statement's opening or closing brace (from 1). The aws CLI's own example pins this: the
// one-line policy {"Version":"2012-10-17","Statement":{...}} of
// https://github.com/aws/aws-cli/blob/develop/awscli/examples/iam/simulate-custom-policy.rst
// has its statement's "{" at byte 36 and reports StartPosition Column 38,
// and its closing "}" at byte 165 with EndPosition Column 167.
type Position struct {
	Line   int
	Column int
}

// span is one statement's extent: the byte offsets just past its "{" and
// its "}", and the positions the simulator reports for them.
type span struct {
	startOff, endOff int
	start, end       Position
}

// statementSpans finds each statement of a policy document, in document
// order, for MatchedStatements. It returns nil for a document that is not
// an object whose (last) Statement member is an object or a list of
// objects; iampolicy.Parse refuses those anyway.
func statementSpans(doc string) []span {
	dec := json.NewDecoder(strings.NewReader(doc))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var spans []span
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil
		}
		if key == "Statement" {
			if spans, err = readStatements(dec); err != nil {
				return nil
			}
			continue
		}
		if err := skipValue(dec); err != nil {
			return nil
		}
	}
	for i := range spans {
		spans[i].start = positionAt(doc, spans[i].startOff)
		spans[i].end = positionAt(doc, spans[i].endOff)
	}
	return spans
}

// errShape is a Statement member that is not an object or list of objects.
var errShape = &json.UnmarshalTypeError{Value: "statement"}

func readStatements(dec *json.Decoder) ([]span, error) {
	t, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t {
	case json.Delim('{'):
		s, err := readObject(dec)
		return []span{s}, err
	case json.Delim('['):
		spans := []span{}
		for dec.More() {
			if t, err := dec.Token(); err != nil || t != json.Delim('{') {
				return nil, errShape
			}
			s, err := readObject(dec)
			if err != nil {
				return nil, err
			}
			spans = append(spans, s)
		}
		_, err := dec.Token() // "]"
		return spans, err
	}
	return nil, errShape
}

// readObject reads the rest of an object whose "{" was just read.
func readObject(dec *json.Decoder) (span, error) {
	s := span{startOff: int(dec.InputOffset())}
	if err := skipRest(dec); err != nil {
		return span{}, err
	}
	s.endOff = int(dec.InputOffset())
	return s, nil
}

func skipValue(dec *json.Decoder) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if t == json.Delim('{') || t == json.Delim('[') {
		return skipRest(dec)
	}
	return nil
}

// skipRest consumes tokens until the container just opened is closed.
func skipRest(dec *json.Decoder) error {
	for depth := 1; depth > 0; {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

// positionAt converts a byte offset to a line and the 1-based column of
// the character at that offset (counted in characters, not bytes).
func positionAt(doc string, off int) Position {
	before := doc[:off]
	line := 1 + strings.Count(before, "\n")
	lineStart := strings.LastIndexByte(before, '\n') + 1
	return Position{Line: line, Column: utf8.RuneCountInString(before[lineStart:]) + 1}
}
