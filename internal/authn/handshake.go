package authn

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/goclerk/clerk/internal/reasons"
)

// APIVersion is the Clerk API version this SDK speaks, sent on handshakes.
const APIVersion = "2026-05-12"

var errSignInURL = errors.New("clerk: a satellite on a development instance needs an absolute SignInURL")

// handshakeURL builds the Frontend API handshake redirect for reason.
func (r *run) handshakeURL(reason string) string {
	base := r.frontendAPI
	if !strings.HasPrefix(base, "http") {
		scheme := "https://"
		if isLoopbackHost(base) {
			// localclerk and other local Frontend APIs serve plain HTTP.
			scheme = "http://"
		}
		base = scheme + base
	}
	base = strings.TrimRight(base, "/") + "/v1/client/handshake"
	redirect := r.f.URL.WithParams(r.f.URL.Params.Without(ParamDevBrowser, ParamLegacyDevBrowser))
	p := Params{
		{"redirect_url", redirect},
		{"__clerk_api_version", APIVersion},
		{ParamSuffixedCookies, boolString(r.suffixed)},
		{ParamHandshakeReason, reason},
		{ParamHandshakeFormat, "nonce"},
	}
	if tok := r.sessionToken(); tok != "" {
		p = append(p, Param{ParamSession, tok})
	}
	if r.c.PK.InstanceType == Development && r.devBrowser != "" {
		p = append(p, Param{ParamDevBrowser, r.devBrowser})
	}
	if t := r.orgSyncTarget(); t != nil {
		p = append(p, Param{"organization_id", t.value})
	}
	return base + "?" + p.Encode()
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// resolveHandshake applies the cookie directives a returning handshake
// carries (as a signed token, or as a nonce redeemed at the Backend API).
// The error is a *jwt.Error for token verification failures and plain for
// the rest, which callers treat differently.
func (r *run) resolveHandshake() (*State, error) {
	h := http.Header{}
	h.Set("Access-Control-Allow-Origin", "null")
	h.Set("Access-Control-Allow-Credentials", "true")
	directives, err := r.handshakeDirectives()
	if err != nil {
		return nil, err
	}
	sessionToken := ""
	for _, d := range directives {
		h.Add("Set-Cookie", d)
		first, _, _ := strings.Cut(d, ";")
		parts := strings.Split(first, "=")
		if strings.HasPrefix(parts[0], CookieSession) {
			sessionToken = ""
			if len(parts) > 1 {
				sessionToken = parts[1]
			}
		}
	}
	dev := r.c.PK.InstanceType == Development
	if dev {
		clean := r.f.URL.Params.Without(ParamHandshake, ParamHandshakeHelp, ParamDevBrowser, ParamHandshakeNonce)
		h.Add("Location", r.f.URL.WithParams(clean))
		h.Set("Cache-Control", "no-store")
	}
	if sessionToken == "" {
		return r.signedOutWith(reasons.SessionTokenMissing, "", h), nil
	}
	s, err := r.c.verifySession(r.ctx, sessionToken, r.c.ClockSkew, nil)
	if err == nil {
		return r.signedIn(s, sessionToken, h), nil
	}
	te, ok := asTokenError(err)
	if dev && ok && (te.Reason == reasons.TokenExpired || te.Reason == reasons.TokenNotActiveYet || te.Reason == reasons.TokenIATInTheFuture) {
		// Development instances tolerate a badly set local clock.
		r.logf("clock skew detected while resolving the handshake; retrying with a one-day tolerance", "reason", te.Reason)
		s, err2 := r.c.verifySession(r.ctx, sessionToken, 24*time.Hour, nil)
		if err2 == nil {
			return r.signedIn(s, sessionToken, h), nil
		}
		return nil, errors.New("handshake: " + errMessage(err2))
	}
	return nil, errors.New("handshake: " + errMessage(err))
}

func (r *run) handshakeDirectives() ([]string, error) {
	if r.handshakeNonce != "" {
		if r.c.Backend == nil {
			return nil, nil
		}
		d, err := r.c.Backend.HandshakePayload(r.ctx, r.handshakeNonce)
		if err != nil {
			r.logf("could not redeem the handshake nonce", "error", err)
			return nil, nil
		}
		return d, nil
	}
	t, err := r.c.verifyHandshake(r.ctx, r.handshakeToken)
	if err != nil {
		return nil, err
	}
	var payload struct {
		Handshake []json.RawMessage `json:"handshake"`
	}
	if json.Unmarshal(t.Payload, &payload) != nil {
		return nil, nil
	}
	out := make([]string, 0, len(payload.Handshake))
	for _, raw := range payload.Handshake {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil, errors.New("handshake: a directive is not a string")
		}
		out = append(out, s)
	}
	return out, nil
}

// primaryRespondsToSync answers a satellite's sync request on the primary:
// back to the satellite with the dev browser and __clerk_synced=true. The
// target must be an absolute http(s) URL the instance allows
// (syncTargetAllowed); otherwise the request is decided as if it carried no
// redirect URL, so the dev browser is never handed to an arbitrary site.
func (r *run) primaryRespondsToSync(back string) *State {
	u, ok := parseAbsolute(back)
	if !ok {
		return nil
	}
	if !r.syncTargetAllowed(u) {
		r.logf("ignoring a sync redirect to an origin that is not the application's, a satellite's or allowed", "origin", u.Origin())
		return nil
	}
	p := u.Params
	if r.devBrowser != "" {
		p = append(p, Param{ParamDevBrowser, r.devBrowser})
	}
	p = p.Set(ParamClerkSynced, "true")
	return r.maybeHandshake(reasons.PrimaryRespondsToSyncing, "", http.Header{"Location": {u.WithParams(p)}})
}

func (r *run) isCrossOriginReferrer() bool {
	if r.f.Referrer == "" {
		return false
	}
	u, err := url.Parse(r.f.Referrer)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return false
	}
	return strings.ToLower(u.Scheme)+"://"+normalizeHost(u.Host, strings.ToLower(u.Scheme)) != r.f.URL.Origin()
}

// isKnownClerkReferrer: the Frontend API itself, its Account Portal, or (on
// development instances) Clerk's development Account Portal domains.
func (r *run) isKnownClerkReferrer() bool {
	u, err := url.Parse(r.f.Referrer)
	if err != nil || u.Host == "" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	fapi := r.frontendAPI
	if strings.HasPrefix(fapi, "http") {
		if fu, err := url.Parse(fapi); err == nil {
			fapi = fu.Hostname()
		}
	}
	if fapi != "" && host == fapi {
		return true
	}
	if r.c.PK.InstanceType != Production {
		for _, s := range []string{".lcl.dev", ".lclstage.dev", ".lclclerk.com"} {
			if strings.HasPrefix(host, "accounts.") && strings.HasSuffix(host, s) {
				return true
			}
		}
		for _, s := range []string{".accounts.dev", ".accountsstage.dev", ".accounts.lclclerk.com"} {
			if strings.HasSuffix(host, s) && !strings.HasSuffix(host, ".clerk"+s) {
				return true
			}
		}
	}
	if r.frontendAPI != "" {
		acc := r.frontendAPI
		if strings.Contains(acc, "clerk.accountsstage.") {
			acc = strings.Replace(acc, "clerk.accountsstage.", "accountsstage.", 1)
		} else if i := strings.Index(acc, "clerk.accounts."); i >= 0 {
			acc = strings.Replace(acc, "clerk.accounts.", "accounts.", 1)
		} else {
			acc = strings.Replace(acc, "clerk.", "accounts.", 1)
		}
		if au, err := url.Parse("https://" + acc); err == nil && au.Host != "" {
			if strings.ToLower(u.Scheme)+"://"+strings.ToLower(u.Host) == "https://"+strings.ToLower(au.Host) {
				return true
			}
		}
	}
	return false
}

type orgTarget struct {
	personal bool
	id, slug string
	value    string // the organization_id handshake parameter
}

// orgSyncTarget finds what the URL asks to activate: an organization by id
// or slug, or the personal account.
func (r *run) orgSyncTarget() *orgTarget {
	path := r.f.URL.Path
	if params, ok := r.c.OrgPatterns.Match(path); ok {
		if id := params["id"]; id != "" {
			return &orgTarget{id: id, value: id}
		}
		if slug := params["slug"]; slug != "" {
			return &orgTarget{slug: slug, value: slug}
		}
	}
	if _, ok := r.c.PersonalPatterns.Match(path); ok {
		return &orgTarget{personal: true}
	}
	return nil
}

// orgSyncHandshake forces a handshake that activates the organization the
// URL names when it differs from the session's; nil to continue signed in.
func (r *run) orgSyncHandshake(p *SessionProps) *State {
	t := r.orgSyncTarget()
	if t == nil {
		return nil
	}
	must := (t.slug != "" && t.slug != p.OrgSlug) || (t.id != "" && t.id != p.OrgID) || (t.personal && p.OrgID != "")
	if !must {
		return nil
	}
	if r.redirectCounter >= 3 {
		r.logf("organization activation loop detected; skipping activation")
		return nil
	}
	st := r.maybeHandshake(reasons.ActiveOrganizationMismatch, "", nil)
	if st.Status != StatusHandshake {
		return nil
	}
	return st
}
