package localclerk

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// parseAllowedOrigins normalises Options.AllowedOrigins to scheme://host.
func parseAllowedOrigins(list []string) (map[string]bool, error) {
	m := map[string]bool{}
	for _, o := range list {
		u, err := url.Parse(strings.TrimSpace(o))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("localclerk: allowed origin %q must look like https://app.example.com[:port]", o)
		}
		m[strings.ToLower(u.Scheme+"://"+u.Host)] = true
	}
	return m, nil
}

// isLoopbackHost reports whether host (without port) is a loopback name.
func isLoopbackHost(h string) bool {
	h = strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(h, "["), "]"))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// checkRedirectURL parses an absolute redirect URL and reports whether the
// instance may redirect there: http(s) only, no user info, and an origin
// that is loopback or listed in allowed (or the instance's own origin).
func checkRedirectURL(raw string, allowed map[string]bool, self string) (*url.URL, *apiError) {
	if raw == "" {
		return nil, errMissingRedirect
	}
	if len(raw) > 8192 || strings.ContainsAny(raw, "\x00\r\n\t\\") {
		return nil, errBadRedirect
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Opaque != "" || u.User != nil || u.Host == "" {
		return nil, errBadRedirect
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return nil, errBadRedirect
	}
	host := u.Hostname()
	if host == "" {
		return nil, errBadRedirect
	}
	if p := u.Port(); p != "" {
		for _, c := range p {
			if c < '0' || c > '9' {
				return nil, errBadRedirect
			}
		}
	}
	o := strings.ToLower(scheme + "://" + u.Host)
	if !isLoopbackHost(host) && !allowed[o] && !strings.EqualFold(o, self) {
		return nil, newAPIError(http.StatusBadRequest, "redirect_url_not_allowed", "is not allowed", fmt.Sprintf("Redirects to %s are not allowed; add it to localclerk's allowed origins.", o), paramMeta("redirect_url"))
	}
	u.Scheme = scheme
	return u, nil
}

var (
	errMissingRedirect = newAPIError(http.StatusBadRequest, "form_param_missing", "redirect_url must be included", "redirect_url must be included.", paramMeta("redirect_url"))
	errBadRedirect     = newAPIError(http.StatusBadRequest, "form_param_value_invalid", "is invalid", "redirect_url must be an absolute http(s) URL.", paramMeta("redirect_url"))
)

// handshakeRequest is a validated /v1/client/handshake query.
type handshakeRequest struct {
	Redirect   *url.URL
	Format     string // "token" or "nonce"
	Suffixed   bool
	DevBrowser string
	OrgSet     bool   // organization_id present
	OrgID      string // id or slug; empty means personal account
	Reason     string
}

// parseHandshakeQuery validates the handshake query string.
func parseHandshakeQuery(q url.Values, allowed map[string]bool, self string) (*handshakeRequest, *apiError) {
	for k, v := range q {
		if len(v) > 1 && (k == "redirect_url" || k == "format" || k == "organization_id") {
			return nil, errParam(http.StatusBadRequest, "form_param_duplicate", k, k+" must be given once.")
		}
	}
	u, aerr := checkRedirectURL(q.Get("redirect_url"), allowed, self)
	if aerr != nil {
		return nil, aerr
	}
	hr := &handshakeRequest{Redirect: u, Reason: q.Get("__clerk_hs_reason")}
	switch f := q.Get("format"); f {
	case "", "token":
		hr.Format = "token"
	case "nonce":
		hr.Format = "nonce"
	default:
		return nil, errParam(http.StatusBadRequest, "form_param_value_invalid", "format", "format must be token or nonce.")
	}
	switch s := q.Get("suffixed_cookies"); s {
	case "", "false":
	case "true":
		hr.Suffixed = true
	default:
		return nil, errParam(http.StatusBadRequest, "form_param_value_invalid", "suffixed_cookies", "suffixed_cookies must be true or false.")
	}
	hr.DevBrowser = q.Get("__clerk_db_jwt")
	if len(hr.DevBrowser) > 512 {
		return nil, errParam(http.StatusBadRequest, "form_param_value_invalid", "__clerk_db_jwt", "__clerk_db_jwt is too long.")
	}
	if q.Has("organization_id") {
		hr.OrgSet = true
		hr.OrgID = q.Get("organization_id")
		if len(hr.OrgID) > 256 {
			return nil, errParam(http.StatusBadRequest, "form_param_value_invalid", "organization_id", "organization_id is too long.")
		}
	}
	return hr, nil
}

// withQuery returns u with the given parameters appended, replacing
// existing ones of the same name but keeping the rest of the query in its
// original order (apps may care about it).
func withQuery(u *url.URL, kv ...string) string {
	c := *u
	drop := map[string]bool{}
	for i := 0; i+1 < len(kv); i += 2 {
		drop[kv[i]] = true
	}
	var parts []string
	for _, p := range strings.Split(c.RawQuery, "&") {
		if p == "" {
			continue
		}
		k, _, _ := strings.Cut(p, "=")
		if uk, err := url.QueryUnescape(k); err == nil && drop[uk] {
			continue
		}
		parts = append(parts, p)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		parts = append(parts, url.QueryEscape(kv[i])+"="+url.QueryEscape(kv[i+1]))
	}
	c.RawQuery = strings.Join(parts, "&")
	return c.String()
}
