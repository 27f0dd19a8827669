// Package jwt decodes and verifies the compact JWS tokens Clerk issues
// (session tokens, handshake tokens, machine JWTs) with the exact acceptance
// rules of @clerk/backend: RSA PKCS#1 v1.5 only, with reasons that name each
// failure the way Clerk's SDKs do.
//
// Decoding is done by hand (base64url + encoding/json) so that a token is
// parsed once; the signature itself is checked by crypto/rsa with a key
// parsed when it was loaded.
package jwt

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/goclerk/clerk/internal/reasons"
)

// MaxTokenSize bounds the size of a token we are willing to parse. Clerk
// session tokens are a few KiB; anything far larger is rejected before any
// decoding so that a hostile header cannot make us allocate or parse much.
const MaxTokenSize = 16 << 10

// Session token categories carried in the "cat" header.
const (
	CategorySessionToken = "cl_B7d4PD111AAA"
	CategoryJWTTemplate  = "cl_B7d4PD222AAA"
	CategoryM2MToken     = "cl_B7d4PD333AAA"
	// CategoryIgnore is stamped on every class of token by instances that
	// opt out of categories; it says nothing about the token.
	CategoryIgnore = "cl_I7d4PD111III"
)

// Field is a JSON member that remembers whether it was present and whether
// it was a string; @clerk/backend distinguishes all three cases.
type Field struct {
	Set      bool
	IsString bool
	Value    string
	Raw      json.RawMessage
}

// UnmarshalJSON records presence and, for strings, the decoded value.
// The bytes are copied, as json.Unmarshaler requires.
func (f *Field) UnmarshalJSON(b []byte) error {
	f.set(append([]byte(nil), b...))
	return nil
}

// set records a raw JSON value (validated by the caller).
func (f *Field) set(raw []byte) { f.setStr(raw, "") }

// setStr is set with the value's text as a string (or ""): a string value
// without escapes is then a substring, not a copy.
func (f *Field) setStr(raw []byte, str string) {
	f.Set, f.Raw, f.IsString, f.Value = true, raw, false, ""
	if len(raw) > 0 && raw[0] == '"' {
		switch {
		case str != "" && !hasEscape(raw) && utf8.Valid(raw):
			f.Value = str[1 : len(str)-1]
		default:
			if v, ok := fastString(raw); ok {
				f.Value = v
			} else if json.Unmarshal(raw, &f.Value) != nil {
				return
			}
		}
		f.IsString = true
	}
}

// Assign records a raw JSON value handed out by ScanObject (and its text as
// a string, or ""), without copying it.
func (f *Field) Assign(raw []byte, str string) { f.setStr(raw, str) }

// IsNull reports whether the member was present with the JSON value null.
func (f Field) IsNull() bool { return f.Set && bytes.Equal(f.Raw, []byte("null")) }

// Number is a JSON member that must be a number to be used.
type Number struct {
	Set      bool
	IsNumber bool
	Value    float64
}

// UnmarshalJSON records presence and, for numbers, the value.
func (n *Number) UnmarshalJSON(b []byte) error {
	n.set(b)
	return nil
}

func (n *Number) set(raw []byte) {
	*n = Number{Set: true}
	if len(raw) > 0 && (raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9')) {
		if v, err := strconv.ParseFloat(string(raw), 64); err == nil || isRangeErr(err) {
			n.Value, n.IsNumber = v, true
		}
	}
}

func isRangeErr(err error) bool {
	var ne *strconv.NumError
	return errors.As(err, &ne) && ne.Err == strconv.ErrRange
}

// Header is the subset of the JOSE header Clerk's rules look at.
type Header struct {
	Alg Field `json:"alg"`
	Kid Field `json:"kid"`
	Typ Field `json:"typ"`
	Cat Field `json:"cat"`
}

// Token is a decoded, not yet verified, compact JWS.
type Token struct {
	Raw          string
	SigningInput string
	Header       Header
	Payload      json.RawMessage
	Claims       Claims
	Signature    []byte
}

// Decode splits and decodes a compact JWS without verifying it. Its errors
// carry reasons.TokenInvalid, as @clerk/backend's decodeJwt does.
func Decode(raw string) (*Token, error) {
	if len(raw) > MaxTokenSize {
		return nil, errorf(reasons.TokenInvalid, "the token is larger than %d bytes", MaxTokenSize)
	}
	// Forward IndexByte scans (vectorized) rather than LastIndexByte, which
	// walks the signature byte by byte.
	first := strings.IndexByte(raw, '.')
	last := -1
	if first >= 0 {
		if i := strings.IndexByte(raw[first+1:], '.'); i >= 0 {
			last = first + 1 + i
		}
	}
	if last < 0 || strings.IndexByte(raw[last+1:], '.') >= 0 {
		return nil, errorf(reasons.TokenInvalid, "malformed token: a JWT has exactly three dot-separated parts")
	}
	h64, p64, s64 := raw[:first], raw[first+1:last], raw[last+1:]
	// One buffer holds the three decoded segments.
	buf := make([]byte, base64.RawURLEncoding.DecodedLen(len(raw)))
	hb, n1, err1 := decodeSegmentInto(buf, h64)
	pb, n2, err2 := decodeSegmentInto(buf[n1:], p64)
	sig, _, err3 := decodeSegmentInto(buf[n1+n2:], s64)
	if err1 != nil || err2 != nil || err3 != nil {
		return nil, errorf(reasons.TokenInvalid, "malformed token: a segment is not valid base64url or JSON")
	}
	t := &Token{Raw: raw, SigningInput: raw[:last], Payload: pb, Signature: sig}
	// One copy of header and payload; header and claim strings are
	// substrings of it.
	str := string(buf[:n1+n2])
	if scanObjectStr(hb, str[:n1], t.Header.set) != nil || scanObjectStr(pb, str[n1:], t.Claims.set) != nil {
		return nil, errorf(reasons.TokenInvalid, "malformed token: a segment is not valid base64url or JSON")
	}
	return t, nil
}

// set records one header member.
func (h *Header) set(key string, raw []byte, str string) {
	switch key {
	case "alg":
		h.Alg.setStr(raw, str)
	case "kid":
		h.Kid.setStr(raw, str)
	case "typ":
		h.Typ.setStr(raw, str)
	case "cat":
		h.Cat.setStr(raw, str)
	}
}

// ScanObject calls member for each top-level member of a JSON object,
// validating the whole text; other packages use it for nested claims. With
// src (the same text as a string), str is the member's text as a substring.
func ScanObject(b []byte, src string, member func(key string, raw []byte, str string)) error {
	return scanObjectStr(b, src, member)
}

// decodeSegmentInto decodes one segment into the start of buf and returns
// the decoded bytes and their length.
func decodeSegmentInto(buf []byte, seg string) ([]byte, int, error) {
	seg = strings.TrimRight(seg, "=")
	// Go's decoder skips newlines; Clerk's does not. (Two IndexByte scans
	// are several times faster than ContainsAny's per-byte set test.)
	if strings.IndexByte(seg, '\n') >= 0 || strings.IndexByte(seg, '\r') >= 0 {
		return nil, 0, errSyntax
	}
	n, err := base64.RawURLEncoding.Strict().Decode(buf, []byte(seg))
	if err != nil {
		return nil, 0, err
	}
	return buf[:n:n], n, nil
}

// b64url marks the bytes of the base64url alphabet.
var b64url = func() (t [256]bool) {
	for _, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" {
		t[c] = true
	}
	return t
}()

// LooksLikeJWT reports whether s has the shape @clerk/backend's isJwtFormat
// accepts: three non-empty base64url segments.
func LooksLikeJWT(s string) bool {
	dots, start := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if b64url[c] {
			continue
		}
		if c != '.' || i == start || dots == 2 {
			return false
		}
		dots++
		start = i + 1
	}
	return dots == 2 && start < len(s)
}

// IsNonSessionCategory reports whether the header's "cat" marks a token that
// is not a session token (anything present other than the session and
// "ignore" categories, including non-strings).
func (h Header) IsNonSessionCategory() bool {
	if !h.Cat.Set {
		return false
	}
	if h.Cat.IsString && (h.Cat.Value == CategorySessionToken || h.Cat.Value == CategoryIgnore) {
		return false
	}
	return true
}
