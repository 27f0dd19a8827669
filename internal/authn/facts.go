package authn

import (
	"net/http"
	"strings"
)

// Facts is everything the decision reads from one request, extracted once.
type Facts struct {
	Method string
	URL    ClerkURL

	Authorization string // the raw Authorization header, "" if absent
	// Token, when set, is the request's token as a token extractor found
	// it; the decision uses it in place of the Authorization header's.
	Token        string
	Origin       string
	Referrer     string
	SecFetchDest string
	Accept       string

	Cookies Cookies
	Header  http.Header // the request headers, forwarded to the refresh endpoint
}

// FactsFromRequest reads r as @clerk/express reads an incoming message:
// multi-valued headers are joined with ", ", cookies with "; ", and the URL
// is rebuilt from X-Forwarded-Host/Proto and Host. With ignoreForwarded,
// the X-Forwarded-* headers are not read: the URL is the Host header and
// the connection's scheme, for applications no proxy stands in front of.
func FactsFromRequest(r *http.Request, ignoreForwarded bool) Facts {
	h := r.Header
	// Server requests carry canonical header keys, so the map is indexed
	// directly with canonical names (http.Header.Values would canonicalize
	// each name again).
	get := func(name string) string {
		v := h[name]
		switch len(v) {
		case 0:
			return ""
		case 1:
			return v[0]
		}
		return strings.Join(v, ", ")
	}
	// Node keeps only the first of some repeated headers (Authorization and
	// Referer among them) and joins the others with ", ".
	first := func(name string) string {
		if v := h[name]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	var cookies Cookies
	if c := h["Cookie"]; len(c) == 1 {
		cookies = ParseCookies(c[0])
	} else if len(c) > 1 {
		cookies = ParseCookies(strings.Join(c, "; "))
	}
	target := r.RequestURI
	if target == "" || !strings.HasPrefix(target, "/") {
		target = r.URL.RequestURI()
	}
	var fwdHost, fwdProto string
	if !ignoreForwarded {
		fwdHost, fwdProto = get("X-Forwarded-Host"), get("X-Forwarded-Proto")
	}
	f := Facts{
		Method:        r.Method,
		URL:           DeriveURL(scheme, r.Host, fwdHost, fwdProto, target),
		Authorization: first("Authorization"),
		Origin:        get("Origin"),
		Referrer:      first("Referer"),
		SecFetchDest:  get("Sec-Fetch-Dest"),
		Accept:        get("Accept"),
		Cookies:       cookies,
		Header:        h,
	}
	return f
}

// BearerToken is the token the decision reads from f: Token, else the
// Authorization header's (TokenInHeader).
func (f *Facts) BearerToken() string {
	if f.Token != "" {
		return f.Token
	}
	return TokenInHeader(f.Authorization)
}

// ValidToken reports whether tok can be a token at all: not empty, and
// only visible ASCII (no space, control or non-ASCII byte), as every Clerk
// token is. A token from an extractor or a caller that fails it is refused
// before any verification.
func ValidToken(tok string) bool {
	if tok == "" {
		return false
	}
	for i := 0; i < len(tok); i++ {
		if c := tok[i]; c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

// TokenInHeader extracts the token as @clerk/backend does: "Bearer <t>"
// yields t; a header without a space is taken whole; any other scheme (or
// "Bearer" followed by an empty word) is ignored or kept as the scheme.
func TokenInHeader(auth string) string {
	if auth == "" {
		return ""
	}
	scheme, rest, found := strings.Cut(auth, " ")
	if !found {
		return scheme
	}
	token, _, _ := strings.Cut(rest, " ")
	if token == "" {
		return scheme
	}
	if scheme == "Bearer" {
		return token
	}
	return ""
}
