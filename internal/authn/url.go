package authn

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// ClerkURL is the request URL as the client saw it. Query is the raw query
// (without "?"); Params is its WHATWG URLSearchParams parse.
type ClerkURL struct {
	Scheme string
	Host   string // host[:port], lower-cased, default port removed
	Path   string
	Query  string
	Params Params
}

// Origin is scheme://host.
func (u ClerkURL) Origin() string { return u.Scheme + "://" + u.Host }

// String is the href, with the query as received.
func (u ClerkURL) String() string {
	s := u.Origin() + u.Path
	if u.Query != "" {
		s += "?" + u.Query
	}
	return s
}

// WithParams is the href with the query replaced by the serialization of p,
// as URLSearchParams mutations re-serialize it.
func (u ClerkURL) WithParams(p Params) string {
	s := u.Origin() + u.Path
	if q := p.Encode(); q != "" {
		s += "?" + q
	}
	return s
}

// DeriveURL rebuilds the client-facing URL from the forwarding headers as
// @clerk/backend's ClerkRequest does: the first value of X-Forwarded-Host
// (else Host) and of X-Forwarded-Proto (else the connection's scheme).
func DeriveURL(connScheme, host, fwdHost, fwdProto, target string) ClerkURL {
	path, query, _ := strings.Cut(target, "?")
	if i := strings.IndexByte(query, '#'); i >= 0 {
		query = query[:i]
	}
	if i := strings.IndexByte(path, '#'); i >= 0 {
		path = path[:i]
	}
	if path == "" {
		path = "/"
	}
	path, query = whatwgEscape(path, true), whatwgEscape(query, false)
	h := host
	if fwdHost != "" {
		h, _, _ = strings.Cut(fwdHost, ",")
	}
	scheme := connScheme
	if fwdProto != "" {
		scheme, _, _ = strings.Cut(fwdProto, ",")
	}
	scheme = strings.ToLower(scheme)
	u := ClerkURL{Scheme: scheme, Host: normalizeHost(h, scheme), Path: path, Query: query}
	if u.Host == "" || !validScheme(u.Scheme) {
		// ClerkRequest.deriveUrlFromHeaders falls back to the request's own
		// URL when the forwarded values do not form one, and
		// @clerk/express's incomingMessageToRequest (utils.ts) builds that
		// URL on the placeholder host clerk-dummy.
		u.Scheme, u.Host = connScheme, "clerk-dummy"
		if h := normalizeHost(host, connScheme); h != "" { // ":80" normalizes to ""
			u.Host = h
		}
	}
	u.Params = ParseParams(query)
	return u
}

// whatwgEscape percent-encodes what the WHATWG URL parser encodes in a
// path (path) or in the query of a special URL: C0 controls, space,
// non-ASCII bytes and a few delimiters. Existing %-sequences stay as sent.
func whatwgEscape(s string, path bool) string {
	i := 0
	for i < len(s) && !mustEscape(s[i], path) {
		i++
	}
	if i == len(s) {
		return s
	}
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+16)
	b = append(b, s[:i]...)
	for ; i < len(s); i++ {
		if c := s[i]; mustEscape(c, path) {
			b = append(b, '%', hex[c>>4], hex[c&15])
		} else {
			b = append(b, c)
		}
	}
	return string(b)
}

func mustEscape(c byte, path bool) bool {
	switch {
	case c <= ' ' || c >= 0x7f, c == '"', c == '#', c == '<', c == '>':
		return true
	case path:
		return c == '?' || c == '`' || c == '{' || c == '}'
	}
	return c == '\''
}

func validScheme(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

func validHost(h string) bool {
	if h == "" {
		return false
	}
	for i := 0; i < len(h); i++ {
		if notInHost[h[i]] {
			return false
		}
	}
	return true
}

// notInHost marks the bytes validHost refuses (a table: this runs on
// every request).
var notInHost = func() (t [256]bool) {
	for _, c := range []byte(" \t\r\n/\\?#@<>^|%\"") {
		t[c] = true
	}
	return t
}()

func normalizeHost(h, scheme string) string {
	if !validHost(h) {
		return ""
	}
	h = strings.ToLower(h)
	if scheme == "http" {
		h = strings.TrimSuffix(h, ":80")
	} else if scheme == "https" {
		h = strings.TrimSuffix(h, ":443")
	}
	if strings.HasPrefix(h, ":") {
		return "" // a port without a host name is no URL (":80:80" → ":80")
	}
	return h
}

// Param is one name/value pair of a query string.
type Param struct{ Name, Value string }

// Params is an ordered list of query parameters (URLSearchParams).
type Params []Param

// ParseParams parses application/x-www-form-urlencoded text with the WHATWG
// rules: '+' is a space, malformed escapes stay literal, and invalid UTF-8
// becomes U+FFFD.
func ParseParams(q string) Params {
	var out Params
	for q != "" {
		var part string
		part, q, _ = strings.Cut(q, "&")
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		out = append(out, Param{formDecode(name), formDecode(value)})
	}
	return out
}

// Get returns the first value of name.
func (p Params) Get(name string) (string, bool) {
	for _, kv := range p {
		if kv.Name == name {
			return kv.Value, true
		}
	}
	return "", false
}

// Without returns p without any parameter named in names.
func (p Params) Without(names ...string) Params {
	out := make(Params, 0, len(p))
outer:
	for _, kv := range p {
		for _, n := range names {
			if kv.Name == n {
				continue outer
			}
		}
		out = append(out, kv)
	}
	return out
}

// Set replaces the first name with value and drops the others, or appends.
func (p Params) Set(name, value string) Params {
	out := make(Params, 0, len(p)+1)
	done := false
	for _, kv := range p {
		if kv.Name == name {
			if !done {
				out = append(out, Param{name, value})
				done = true
			}
			continue
		}
		out = append(out, kv)
	}
	if !done {
		out = append(out, Param{name, value})
	}
	return out
}

// Encode serializes with the application/x-www-form-urlencoded serializer.
func (p Params) Encode() string {
	var b strings.Builder
	for i, kv := range p {
		if i > 0 {
			b.WriteByte('&')
		}
		formEncode(&b, kv.Name)
		b.WriteByte('=')
		formEncode(&b, kv.Value)
	}
	return b.String()
}

func formEncode(b *strings.Builder, s string) {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '*', c == '-', c == '.', c == '_':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
}

func formDecode(s string) string {
	if !strings.ContainsAny(s, "+%") && utf8.ValidString(s) {
		return s
	}
	buf := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '+':
			buf = append(buf, ' ')
		case c == '%' && i+2 < len(s) && ishex(s[i+1]) && ishex(s[i+2]):
			buf = append(buf, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			buf = append(buf, c)
		}
	}
	return decodeUTF8(buf)
}

// decodeUTF8 replaces each maximal invalid subsequence with one U+FFFD, as
// the WHATWG decoder does (Go's ToValidUTF8 would merge adjacent ones).
func decodeUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || size > 1 {
			sb.Write(b[i : i+size])
			i += size
			continue
		}
		sb.WriteRune(utf8.RuneError)
		i += maximalSubpart(b[i:])
	}
	return sb.String()
}

// maximalSubpart is the length of the invalid prefix to replace: a lead byte
// followed by as many valid continuation bytes as the sequence allows.
func maximalSubpart(b []byte) int {
	c := b[0]
	var need int
	lo, hi := byte(0x80), byte(0xBF)
	switch {
	case c >= 0xC2 && c <= 0xDF:
		need = 1
	case c == 0xE0:
		need, lo = 2, 0xA0
	case c >= 0xE1 && c <= 0xEC, c == 0xEE, c == 0xEF:
		need = 2
	case c == 0xED:
		need, hi = 2, 0x9F
	case c == 0xF0:
		need, lo = 3, 0x90
	case c >= 0xF1 && c <= 0xF3:
		need = 3
	case c == 0xF4:
		need, hi = 3, 0x8F
	default:
		return 1
	}
	n := 1
	for ; n <= need && n < len(b); n++ {
		if b[n] < lo || b[n] > hi {
			break
		}
		lo, hi = 0x80, 0xBF
	}
	return n
}

func ishex(c byte) bool {
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

// parseAbsolute parses an absolute http(s) URL into a ClerkURL.
func parseAbsolute(raw string) (ClerkURL, bool) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return ClerkURL{}, false
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	return ClerkURL{Scheme: u.Scheme, Host: normalizeHost(u.Host, u.Scheme), Path: path, Query: u.RawQuery, Params: ParseParams(u.RawQuery)}, true
}
