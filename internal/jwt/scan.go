package jwt

import (
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// scanObjectStr walks a JSON text in one pass, validating all of it as
// JSON.parse would, and calls member(key, raw, str) for each top-level
// member when the text is an object (later duplicates win, as in
// JSON.parse); other valid texts produce no members. When src holds the
// same bytes as b, keys and str are substrings of it, so nothing is copied.
func scanObjectStr(b []byte, src string, member func(key string, raw []byte, str string)) error {
	s := scanner{b: b, src: src}
	s.ws()
	if s.i < len(b) && b[s.i] == '{' {
		if err := s.object(member, 0); err != nil {
			return err
		}
	} else if err := s.value(0); err != nil {
		return err
	}
	s.ws()
	if s.i != len(b) {
		return errSyntax
	}
	return nil
}

var errSyntax = errors.New("invalid JSON")

// maxDepth bounds nesting; tokens are at most MaxTokenSize anyway.
const maxDepth = 512

type scanner struct {
	b   []byte
	src string // optional string form of b
	i   int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// object scans an object; member, when not nil, receives each member.
func (s *scanner) object(member func(string, []byte, string), depth int) error {
	s.i++ // '{'
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		return nil
	}
	for {
		s.ws()
		ks := s.i
		if err := s.str(); err != nil {
			return err
		}
		keyRaw := s.b[ks:s.i]
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return errSyntax
		}
		s.i++
		s.ws()
		vs := s.i
		if err := s.value(depth + 1); err != nil {
			return err
		}
		if member != nil {
			var key, str string
			if s.src != "" {
				str = s.src[vs:s.i]
				key = decodeKeyStr(keyRaw, s.src[ks:ks+len(keyRaw)])
			} else {
				key = decodeKey(keyRaw)
			}
			member(key, s.b[vs:s.i], str)
		}
		s.ws()
		if s.i >= len(s.b) {
			return errSyntax
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case '}':
			s.i++
			return nil
		default:
			return errSyntax
		}
	}
}

func decodeKey(raw []byte) string {
	if k, ok := fastString(raw); ok {
		return k
	}
	var k string
	_ = json.Unmarshal(raw, &k)
	return k
}

// decodeKeyStr is decodeKey with the key's text as a substring.
func decodeKeyStr(raw []byte, str string) string {
	if !hasEscape(raw) && utf8.Valid(raw) {
		return str[1 : len(str)-1]
	}
	return decodeKey(raw)
}

func hasEscape(raw []byte) bool {
	for _, c := range raw[1 : len(raw)-1] {
		if c == '\\' {
			return true
		}
	}
	return false
}

// fastString unquotes a JSON string without escapes.
func fastString(raw []byte) (string, bool) {
	inner := raw[1 : len(raw)-1]
	for _, c := range inner {
		if c == '\\' {
			return "", false
		}
	}
	if !utf8.Valid(inner) {
		return "", false
	}
	return string(inner), true
}

func (s *scanner) value(depth int) error {
	if depth > maxDepth {
		return errSyntax
	}
	if s.i >= len(s.b) {
		return errSyntax
	}
	switch c := s.b[s.i]; {
	case c == '"':
		return s.str()
	case c == '{':
		return s.object(nil, depth)
	case c == '[':
		s.i++
		s.ws()
		if s.i < len(s.b) && s.b[s.i] == ']' {
			s.i++
			return nil
		}
		for {
			s.ws()
			if err := s.value(depth + 1); err != nil {
				return err
			}
			s.ws()
			if s.i >= len(s.b) {
				return errSyntax
			}
			if s.b[s.i] == ']' {
				s.i++
				return nil
			}
			if s.b[s.i] != ',' {
				return errSyntax
			}
			s.i++
		}
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	case c == 't':
		return s.lit("true")
	case c == 'f':
		return s.lit("false")
	case c == 'n':
		return s.lit("null")
	}
	return errSyntax
}

func (s *scanner) lit(w string) error {
	if len(s.b)-s.i < len(w) || string(s.b[s.i:s.i+len(w)]) != w {
		return errSyntax
	}
	s.i += len(w)
	return nil
}

func (s *scanner) str() error {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return errSyntax
	}
	s.i++
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return nil
		case c == '\\':
			if s.i+1 >= len(s.b) {
				return errSyntax
			}
			switch s.b[s.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i += 2
			case 'u':
				if s.i+6 > len(s.b) {
					return errSyntax
				}
				for _, h := range s.b[s.i+2 : s.i+6] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return errSyntax
					}
				}
				s.i += 6
			default:
				return errSyntax
			}
		case c < 0x20:
			return errSyntax
		default:
			s.i++
		}
	}
	return errSyntax
}

func (s *scanner) number() error {
	b, i := s.b, s.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return errSyntax
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return errSyntax
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return errSyntax
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	s.i = i
	return nil
}
