package authn

import (
	"context"
	"net/http"
	"strings"
)

// Quiet reports whether r is a request whose decision depends on the
// configuration alone: no Authorization or Cookie header, no query (so no
// handshake or dev-browser parameters) and nothing a handshake could
// redirect (eligibleForHandshake: not a GET document or iframe
// navigation, nor a GET asking for HTML without Sec-Fetch-Dest). Most
// unauthenticated API calls, health checks and asset requests are quiet;
// the middleware answers them with QuietState instead of deciding each.
// Multi-valued Sec-Fetch-Dest or Accept headers are left to the decision.
func Quiet(r *http.Request) bool {
	h := r.Header
	if len(h["Authorization"]) != 0 || len(h["Cookie"]) != 0 || r.URL.RawQuery != "" || strings.IndexByte(r.RequestURI, '?') >= 0 {
		return false
	}
	if r.Method != http.MethodGet {
		return true
	}
	dest, accept := h["Sec-Fetch-Dest"], h["Accept"]
	if len(dest) > 1 || len(accept) > 1 {
		return false
	}
	if len(dest) == 1 && dest[0] != "" {
		return dest[0] != "document" && dest[0] != "iframe"
	}
	return len(accept) == 0 || !strings.HasPrefix(accept[0], "text/html")
}

// QuietState is c's decision for every quiet request, made once on a
// representative one; nil unless it is a plain signed-out state (no
// response headers but the x-clerk-auth-* ones). Requests share it: it is
// only read (WriteHeaders, the auth object).
func QuietState(c *Config) *State {
	f := Facts{Method: http.MethodGet, URL: DeriveURL("http", "localhost", "", "", "/"), Accept: "application/json"}
	st := AuthenticateInto(context.Background(), &f, c, nil)
	if st.Err != nil || st.Status != StatusSignedOut || st.Headers != nil || st.Session != nil || st.Machine != nil || st.Token != "" {
		return nil
	}
	return st
}
