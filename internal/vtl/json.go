package vtl

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
)

// JSON encodes v compactly, maps in their order; a value that cannot be
// JSON (an Object) is encoded as its text.
func JSON(v any) string {
	var b strings.Builder
	writeJSON(&b, v, 0, DefaultMaxOutput)
	return b.String()
}

func writeJSON(b *strings.Builder, v any, depth, limit int) {
	if b.Len() > limit || depth > maxDepth {
		return
	}
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case bool, int64, int, float64:
		if f, ok := t.(float64); ok && f == float64(int64(f)) && f < 1e15 && f > -1e15 {
			b.WriteString(strconv.FormatFloat(f, 'f', -1, 64))
			return
		}
		b.WriteString(String(t))
	case *List:
		b.WriteByte('[')
		for i, e := range t.Items {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, e, depth+1, limit)
		}
		b.WriteByte(']')
	case *Map:
		b.WriteByte('{')
		for i, k := range t.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, k)
			b.WriteByte(':')
			writeJSON(b, t.vals[k], depth+1, limit)
		}
		b.WriteByte('}')
	default:
		writeJSONString(b, String(t))
	}
}

func writeJSONString(b *strings.Builder, s string) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	b.Write(bytes.TrimRight(buf.Bytes(), "\n"))
}

// ParseJSON decodes one JSON value into engine values: objects become
// *Map in document order, arrays *List rendering as JSON (as the lists of
// API Gateway's parsed JSON do), integers int64, other numbers float64.
func ParseJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("unexpected data after the JSON value")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder, depth int) (any, error) {
	if depth > 512 {
		return nil, errors.New("JSON nested too deeply")
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			m := NewMap()
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				m.Put(k, v)
			}
			_, err := dec.Token()
			return m, err
		case '[':
			l := &List{JSON: true}
			for dec.More() {
				v, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				l.Items = append(l.Items, v)
			}
			_, err := dec.Token()
			return l, err
		}
		return nil, errors.New("unexpected delimiter")
	case json.Number:
		if i, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			return i, nil
		}
		f, err := t.Float64()
		if err != nil {
			return nil, err
		}
		return f, nil
	default:
		return t, nil // string, bool, nil
	}
}
