package mapping

import (
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf16"

	"github.com/iamgate/iamgate/internal/vtl"
)

// util is $util.
type util struct{}

func (util) Property(string) (any, error) { return nil, vtl.ErrNoMethod }

func (util) Method(name string, args []any) (any, error) {
	if len(args) != 1 {
		return nil, vtl.ErrNoMethod
	}
	if args[0] == nil {
		return nil, nil
	}
	s := vtl.String(args[0])
	switch name {
	case "escapeJavaScript":
		return escapeJavaScript(s), nil
	case "parseJson":
		v, err := vtl.ParseJSON([]byte(s))
		if err != nil {
			return nil, fmt.Errorf("%v", err)
		}
		return v, nil
	case "urlEncode":
		return urlEncode(s), nil
	case "urlDecode":
		return urlDecode(s)
	case "base64Encode":
		return base64.StdEncoding.EncodeToString([]byte(s)), nil
	case "base64Decode":
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("%v", err)
		}
		return string(b), nil
	}
	return nil, vtl.ErrNoMethod
}

// escapeJavaScript escapes as Apache Commons Lang's
// StringEscapeUtils.escapeJavaScript, which API Gateway documents: quotes
// (single ones too), backslash and slash get a backslash, control
// characters their short or \u form, and everything past ASCII is
// written as \uXXXX UTF-16 units.
func escapeJavaScript(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\'', '"', '\\', '/':
			b.WriteByte('\\')
			b.WriteRune(r)
			continue
		case '\b':
			b.WriteString(`\b`)
			continue
		case '\n':
			b.WriteString(`\n`)
			continue
		case '\t':
			b.WriteString(`\t`)
			continue
		case '\f':
			b.WriteString(`\f`)
			continue
		case '\r':
			b.WriteString(`\r`)
			continue
		}
		switch {
		case r < 0x20 || r > 0x7f && r < 0x10000:
			fmt.Fprintf(&b, `\u%04X`, r)
		case r >= 0x10000:
			hi, lo := utf16.EncodeRune(r)
			fmt.Fprintf(&b, `\u%04X\u%04X`, hi, lo)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// urlEncode is Java's URLEncoder.encode(s, "UTF-8"): letters, digits and
// ".-*_" stay, space is "+", every other byte %XX.
func urlEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-', c == '*', c == '_':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// urlDecode is Java's URLDecoder.decode(s, "UTF-8"): "+" is a space, %XX
// a byte; a bad escape is an error.
func urlDecode(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			b.WriteByte(' ')
		case '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return "", fmt.Errorf("incomplete or invalid escape at %d", i)
			}
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
