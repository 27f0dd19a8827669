package authn

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// Cookies maps cookie names to values; the first occurrence of a name wins,
// as in the cookie parser @clerk/backend uses.
type Cookies map[string]string

// maxCookieHeader bounds the Cookie header we parse.
const maxCookieHeader = 64 << 10

// ParseCookies parses a Cookie header: pairs split on ';', names and values
// trimmed of spaces and tabs, values percent-decoded when that succeeds.
// Parts without '=' are skipped.
func ParseCookies(h string) Cookies {
	if len(h) < 2 {
		return nil
	}
	if len(h) > maxCookieHeader {
		h = h[:maxCookieHeader]
	}
	c := make(Cookies, 8)
	for h != "" {
		var part string
		part, h, _ = strings.Cut(h, ";")
		name, value, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		name = strings.Trim(name, " \t")
		if _, seen := c[name]; seen {
			continue
		}
		c[name] = decodeCookieValue(strings.Trim(value, " \t"))
	}
	return c
}

func decodeCookieValue(v string) string {
	if strings.IndexByte(v, '%') < 0 {
		return v
	}
	// decodeURIComponent: '+' stays, malformed escapes or invalid UTF-8
	// leave the value as it was.
	d, err := url.PathUnescape(v)
	if err != nil || !utf8.ValidString(d) {
		return v
	}
	return d
}

// Get returns the cookie value, treating an empty value as absent as
// AuthenticateContext.getCookie does (value || undefined).
func (c Cookies) Get(name string) string { return c[name] }

// Cookie names of the Clerk protocol.
const (
	CookieSession        = "__session"
	CookieRefresh        = "__refresh"
	CookieClientUat      = "__client_uat"
	CookieHandshake      = "__clerk_handshake"
	CookieDevBrowser     = "__clerk_db_jwt"
	CookieRedirectCount  = "__clerk_redirect_count"
	CookieHandshakeNonce = "__clerk_handshake_nonce"
)

// Query parameter names of the Clerk protocol.
const (
	ParamClerkSynced      = "__clerk_synced"
	ParamSuffixedCookies  = "suffixed_cookies"
	ParamClerkRedirectURL = "__clerk_redirect_url"
	ParamDevBrowser       = CookieDevBrowser
	ParamHandshake        = CookieHandshake
	ParamHandshakeHelp    = "__clerk_help"
	ParamLegacyDevBrowser = "__dev_session"
	ParamHandshakeReason  = "__clerk_hs_reason"
	ParamHandshakeNonce   = CookieHandshakeNonce
	ParamHandshakeFormat  = "format"
	ParamSession          = "__session"
)
