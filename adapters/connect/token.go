package clerkconnect

import "strings"

// tokenInValue extracts the token from a header value as clerk reads an
// Authorization header: "Bearer <token>" yields the token, a value without
// a space is taken whole, and any other scheme yields "" (no token).
func tokenInValue(v string) string {
	scheme, rest, found := strings.Cut(v, " ")
	if !found {
		return scheme
	}
	token, _, _ := strings.Cut(rest, " ")
	switch {
	case token == "":
		return scheme
	case scheme == "Bearer":
		return token
	}
	return ""
}
