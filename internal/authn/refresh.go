package authn

import (
	"github.com/goclerk/clerk/backend"

	"errors"
	"net/http"
	"strings"

	"github.com/goclerk/clerk/internal/jwt"
)

// attemptRefresh exchanges the refresh cookie for new session cookies at the
// Backend API. It returns a signed-in state, or the reason it failed.
func (r *run) attemptRefresh() (*State, string) {
	if r.c.Backend == nil {
		return nil, "missing-api-client"
	}
	expired := r.sessionToken()
	if expired == "" {
		return nil, "missing-session-token"
	}
	t, err := jwt.Decode(expired)
	if err != nil {
		return nil, "expired-session-token-decode-failed"
	}
	if !truthy(t.Claims.Sid) {
		return nil, "expired-session-token-missing-sid-claim"
	}
	headers := map[string][]string{}
	for k, v := range r.f.Header {
		headers[strings.ToLower(k)] = []string{strings.Join(v, ", ")}
	}
	cookies, err := r.c.Backend.RefreshSession(r.ctx, t.Claims.Sid.Value, RefreshRequest{
		ExpiredToken:    expired,
		RefreshToken:    r.refreshCookie,
		RequestOrigin:   r.f.URL.Origin(),
		RequestHeaders:  headers,
		SuffixedCookies: r.suffixed,
	})
	if err != nil {
		var ae *backend.APIError
		switch {
		case errors.As(err, &ae) && ae.Code() == "unexpected_error":
			return nil, "fetch-error"
		case errors.As(err, &ae) && ae.Code() != "":
			return nil, ae.Code()
		case errors.As(err, &ae):
			return nil, "unexpected-bapi-error"
		}
		return nil, "fetch-error"
	}
	if len(cookies) == 0 {
		return nil, "unexpected-sdk-error"
	}
	h := http.Header{}
	token := ""
	for _, d := range cookies {
		h.Add("Set-Cookie", d)
		first, _, _ := strings.Cut(d, ";")
		parts := strings.Split(first, "=")
		if strings.HasPrefix(parts[0], CookieSession) && len(parts) > 1 {
			token = parts[1]
		}
	}
	s, err := r.c.verifySession(r.ctx, token, r.c.ClockSkew, nil)
	if err != nil {
		return nil, "invalid-session-token"
	}
	return r.signedIn(s, token, h), ""
}
