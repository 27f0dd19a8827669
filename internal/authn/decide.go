package authn

import (
	"context"
	"net/http"
	"strings"

	"github.com/goclerk/clerk/internal/jwt"
	"github.com/goclerk/clerk/internal/reasons"
)

// run holds one request's derived context (@clerk/backend's
// AuthenticateContext) while it is being decided.
type run struct {
	ctx context.Context
	f   *Facts
	c   *Config

	frontendAPI         string // host, or absolute proxy URL
	originalFrontendAPI string
	proxyURL            string // absolute, "" if none

	tokenInHeader   string
	sessionCookie   string
	refreshCookie   string
	clientUat       float64
	devBrowser      string
	handshakeToken  string
	handshakeNonce  string
	redirectCounter float64
	suffixed        bool

	// The last decoded token: one request decodes the same token for
	// several checks, so it is parsed once.
	memoRaw string
	memoTok *jwt.Token
	memoErr error

	// out, when set, is the caller's room for the outcome (used once).
	out *State

	// The verified-token cache key of keyTok.
	keyTok string
	key    [32]byte
}

// cacheKey hashes tok once per request.
func (r *run) cacheKey(tok string) [32]byte {
	if r.keyTok != tok || tok == "" {
		r.keyTok, r.key = tok, cacheKey(tok)
	}
	return r.key
}

// state returns s in the caller's room, or in a new allocation once that
// is taken (a decision may build a state it then discards).
func (r *run) state(s State) *State {
	if r.out != nil {
		p := r.out
		r.out = nil
		*p = s
		return p
	}
	p := new(State)
	*p = s
	return p
}

// decode parses tok once per request.
func (r *run) decode(tok string) (*jwt.Token, error) {
	if r.memoTok == nil && r.memoErr == nil || r.memoRaw != tok {
		r.memoRaw = tok
		r.memoTok, r.memoErr = jwt.Decode(tok)
	}
	return r.memoTok, r.memoErr
}

// Authenticate decides one request. It never writes a response; the caller
// applies State.WriteHeaders and answers 307 when they carry a Location.
func Authenticate(ctx context.Context, f *Facts, c *Config) *State {
	return AuthenticateInto(ctx, f, c, nil)
}

// AuthenticateInto is Authenticate, writing the outcome into dst when it
// can (it returns dst then) to save an allocation per request.
func AuthenticateInto(ctx context.Context, f *Facts, c *Config, dst *State) *State {
	r := &run{ctx: ctx, f: f, c: c, out: dst}
	r.init()
	acc := c.Accepts
	if acc.List && !r.headerTypeAccepted() {
		return r.state(State{Status: StatusSignedOut, Reason: reasons.TokenTypeMismatch, debug: true})
	}
	if r.tokenInHeader != "" {
		switch {
		case acc.Any || acc.List:
			return r.anyInHeader()
		case acc.single() == TokenSession:
			return r.sessionInHeader()
		default:
			return r.machineInHeader()
		}
	}
	if t := acc.single(); isMachineType(t) {
		return r.signedOut(t, reasons.NoTokenInHeader, "")
	}
	if c.HeaderOnly {
		return r.signedOut(TokenSession, reasons.NoTokenInHeader, "")
	}
	return r.fromCookies()
}

func (r *run) init() {
	c, f := r.c, r.f
	r.tokenInHeader = f.BearerToken()
	if c.ProxyURL != "" {
		r.proxyURL = c.ProxyURL
		if strings.HasPrefix(r.proxyURL, "/") {
			r.proxyURL = f.URL.Origin() + r.proxyURL
		}
	}
	r.originalFrontendAPI = c.PK.FrontendAPI
	if c.PK.InstanceType != Development && c.Domain != "" && c.IsSatellite {
		r.originalFrontendAPI = "clerk." + c.Domain
	}
	r.frontendAPI = r.originalFrontendAPI
	if r.proxyURL != "" {
		r.frontendAPI = r.proxyURL
	}
	if single := c.Accepts.single(); single == TokenM2M || single == TokenAPIKey || c.HeaderOnly {
		return // machine-only and header-only authentication read nothing else
	}
	r.suffixed = r.usesSuffixedCookies()
	r.sessionCookie = r.cookie(CookieSession)
	if len(f.Cookies) > 0 {
		r.refreshCookie = f.Cookies.Get(c.suffixed(CookieRefresh))
	}
	r.clientUat = jsParseInt(r.cookie(CookieClientUat))
	r.devBrowser = r.param(ParamDevBrowser)
	if r.devBrowser == "" {
		r.devBrowser = r.cookie(CookieDevBrowser)
	}
	r.handshakeToken = r.param(ParamHandshake)
	if r.handshakeToken == "" {
		r.handshakeToken = f.Cookies.Get(CookieHandshake)
	}
	r.redirectCounter = jsNumber(f.Cookies.Get(CookieRedirectCount))
	r.handshakeNonce = r.param(ParamHandshakeNonce)
	if r.handshakeNonce == "" {
		r.handshakeNonce = f.Cookies.Get(CookieHandshakeNonce)
	}
}

func (r *run) param(name string) string {
	v, _ := r.f.URL.Params.Get(name)
	return v
}

// cookie reads the suffixed or the unsuffixed variant, whichever the
// instance uses for this request.
func (r *run) cookie(name string) string {
	if len(r.f.Cookies) == 0 {
		return ""
	}
	if r.suffixed {
		return r.f.Cookies.Get(r.c.suffixed(name))
	}
	return r.f.Cookies.Get(name)
}

// usesSuffixedCookies decides between __session and __session_<suffix>
// (and the other cookies) when both may be present, e.g. several Clerk apps
// on one domain.
func (r *run) usesSuffixedCookies() bool {
	ck := r.f.Cookies
	if len(ck) == 0 {
		return false
	}
	suffixedUat := ck.Get(r.c.suffixed(CookieClientUat))
	uat, uatSet := ck[CookieClientUat]
	if uat == "" {
		uatSet = false
	}
	suffixedSession := ck.Get(r.c.suffixed(CookieSession))
	session := ck.Get(CookieSession)
	if session != "" {
		t, err := r.decode(session)
		if err != nil || !truthy(t.Claims.Iss) {
			return false
		}
		if host, ok := t.Claims.IssuerHost(); !ok || host != r.originalFrontendAPI {
			return true
		}
	}
	if suffixedUat == "" && suffixedSession == "" {
		return false
	}
	sessionIat := iatOf(session)
	suffixedTok, _ := jwt.Decode(suffixedSession)
	suffixedIat := 0.0
	if suffixedTok != nil && suffixedTok.Claims.Iat.IsNumber {
		suffixedIat = suffixedTok.Claims.Iat.Value
	}
	uatIsZero := uatSet && uat == "0"
	if suffixedUat != "0" && !uatIsZero && sessionIat > suffixedIat {
		return false
	}
	if suffixedUat == "0" && !uatIsZero {
		return false
	}
	if r.c.PK.InstanceType != Production {
		expired := suffixedTok != nil && suffixedTok.Claims.Exp.IsNumber &&
			suffixedTok.Claims.Exp.Value <= float64(r.c.now().Unix())
		if suffixedUat != "0" && uatIsZero && expired {
			return false
		}
	}
	if suffixedUat == "" && suffixedSession != "" {
		return false
	}
	return true
}

func iatOf(token string) float64 {
	t, err := jwt.Decode(token)
	if err != nil || !t.Claims.Iat.IsNumber {
		return 0
	}
	return t.Claims.Iat.Value
}

func (r *run) sessionToken() string {
	if r.sessionCookie != "" {
		return r.sessionCookie
	}
	return r.tokenInHeader
}

// headerTokenType is the type of the token in the Authorization header.
func (r *run) headerTokenType() string {
	if r.tokenInHeader == "" {
		return ""
	}
	if t := r.machineTokenType(r.tokenInHeader); t != "" {
		return t
	}
	return TokenSession
}

func (r *run) headerTypeAccepted() bool {
	t := r.headerTokenType()
	if t == "" {
		t = TokenSession
	}
	return r.c.Accepts.accepts(t)
}

// --- states -----------------------------------------------------------------

func (r *run) signedIn(s *Session, token string, h http.Header) *State {
	return r.state(State{Status: StatusSignedIn, TokenType: TokenSession, Session: s, Token: token, Headers: h})
}

func (r *run) signedOut(tokenType, reason, message string) *State {
	return r.state(State{Status: StatusSignedOut, TokenType: tokenType, Reason: reason, Message: message, debug: true})
}

func (r *run) signedOutWith(reason, message string, h http.Header) *State {
	return r.state(State{Status: StatusSignedOut, TokenType: TokenSession, Reason: reason, Message: message, Headers: h, debug: true})
}

func (r *run) handshake(reason, message string, h http.Header) *State {
	return r.state(State{Status: StatusHandshake, TokenType: TokenSession, Reason: reason, Message: message, Headers: h, debug: true})
}

func fail(err error) *State { return &State{Err: err} }

// --- header token -----------------------------------------------------------

func (r *run) sessionInHeader() *State {
	tok := r.tokenInHeader
	if st := r.cachedHeaderSession(); st != nil {
		return st
	}
	if r.isMachineJWT(tok) || r.hasNonSessionCategory(tok) {
		return r.signedOut(TokenSession, reasons.TokenTypeMismatch, "")
	}
	s, err := r.c.verifySession(r.ctx, tok, r.c.ClockSkew, r)
	if err != nil {
		return r.sessionTokenError(err, "header")
	}
	return r.signedIn(s, tok, nil)
}

func (r *run) anyInHeader() *State {
	tok := r.tokenInHeader
	if st := r.cachedHeaderSession(); st != nil {
		return st
	}
	if t := r.machineTokenType(tok); t != "" {
		return r.machine(t)
	}
	if r.hasNonSessionCategory(tok) {
		return r.signedOut(TokenSession, reasons.TokenTypeMismatch, "")
	}
	s, err := r.c.verifySession(r.ctx, tok, r.c.ClockSkew, r)
	if err != nil {
		return r.sessionTokenError(err, "header")
	}
	return r.signedIn(s, tok, nil)
}

// cachedHeaderSession answers from the verified-token cache: a cached token
// is known to be a valid session token, so the type checks are skipped.
func (r *run) cachedHeaderSession() *State {
	tok := r.tokenInHeader
	if r.c.Cache == nil || prefixType(tok) != "" {
		return nil // an opaque machine token is never a cached session: skip its hash
	}
	now := r.c.now()
	s := r.c.Cache.getKey(r.cacheKey(tok), now)
	r.observedLookup(s)
	if s == nil {
		return nil
	}
	if err := s.Times.Check(now, r.c.ClockSkew); err != nil {
		return r.sessionTokenError(err, "header")
	}
	return r.signedIn(s, tok, nil)
}

func (r *run) machineInHeader() *State {
	t := r.machineTokenType(r.tokenInHeader)
	if t == "" {
		return r.signedOut(r.c.Accepts.single(), reasons.TokenTypeMismatch, "")
	}
	return r.machine(t)
}

func (r *run) machine(t string) *State {
	if !r.c.Accepts.accepts(t) {
		tt := t
		if s := r.c.Accepts.single(); s != "" {
			tt = s
		}
		return r.signedOut(tt, reasons.TokenTypeMismatch, "")
	}
	m, tokenType, merr := r.c.verifyMachine(r.ctx, r.tokenInHeader)
	if merr != nil {
		return r.signedOut(tokenType, merr.Code, merr.fullMessage())
	}
	return r.state(State{Status: StatusSignedIn, TokenType: tokenType, Machine: m, Token: r.tokenInHeader})
}

// sessionTokenError turns a verification failure into a state: refresh when
// eligible, a handshake for time-related failures, else signed out.
func (r *run) sessionTokenError(err error, carrier string) *State {
	te, ok := asTokenError(err)
	if !ok {
		r.logf("unexpected error while verifying the session token", "error", err)
		return r.signedOut(TokenSession, reasons.UnexpectedError, "")
	}
	refreshError := "null"
	if te.Reason == reasons.TokenExpired && r.refreshCookie != "" && r.f.Method == http.MethodGet {
		st, reason := r.attemptRefresh()
		if st != nil {
			return st
		}
		refreshError = reason
	} else if r.f.Method != http.MethodGet {
		refreshError = "non-eligible-non-get"
	} else if r.refreshCookie == "" {
		refreshError = "non-eligible-no-refresh-cookie"
	}
	msg := te.Message + " (reason=" + te.Reason + ", token-carrier=" + carrier + ")"
	switch te.Reason {
	case reasons.TokenExpired:
		return r.maybeHandshake(reasons.SessionTokenExpired+"-refresh-"+refreshError, msg, nil)
	case reasons.TokenNotActiveYet:
		return r.maybeHandshake(reasons.SessionTokenNBF, msg, nil)
	case reasons.TokenIATInTheFuture:
		return r.maybeHandshake(reasons.SessionTokenIATInTheFuture, msg, nil)
	}
	return r.signedOut(TokenSession, te.Reason, msg)
}

func (r *run) logf(msg string, args ...any) {
	if r.c.Logger != nil {
		r.c.Logger.Debug("clerk: "+msg, args...)
	}
}

// --- cookies ----------------------------------------------------------------

func (r *run) fromCookies() *State {
	c, f := r.c, r.f
	hasActiveClient := r.clientUat != 0
	hasSession := r.sessionCookie != ""
	dev := c.PK.InstanceType == Development

	if r.handshakeNonce != "" || r.handshakeToken != "" {
		st, err := r.resolveHandshake()
		if err == nil {
			return st
		}
		if _, isTokenErr := asTokenError(err); isTokenErr && dev {
			return fail(err)
		}
		r.logf("unable to resolve the handshake", "error", err)
	}

	syncEligible := c.IsSatellite && f.SecFetchDest == "document" && f.Method == http.MethodGet
	synced, _ := f.URL.Params.Get(ParamClerkSynced)
	needsSync := synced == "false"
	syncCompleted := synced == "true"
	hasCookies := hasSession || hasActiveClient
	skipSatellite := !c.SatelliteAutoSync && !hasCookies && !needsSync
	if syncEligible && !syncCompleted {
		if skipSatellite {
			return r.signedOut(TokenSession, reasons.SessionTokenAndUATMissing, "")
		}
		if !hasCookies || needsSync {
			if !dev {
				return r.maybeHandshake(reasons.SatelliteCookieNeedsSyncing, "", nil)
			}
			signIn, ok := parseAbsolute(c.SignInURL)
			if !ok {
				return fail(errSignInURL)
			}
			loc := signIn.WithParams(append(signIn.Params, Param{ParamClerkRedirectURL, f.URL.String()}))
			return r.maybeHandshake(reasons.SatelliteCookieNeedsSyncing, "", http.Header{"Location": {loc}})
		}
	}

	if dev && !c.IsSatellite {
		if back, ok := f.URL.Params.Get(ParamClerkRedirectURL); ok && back != "" {
			if st := r.primaryRespondsToSync(back); st != nil {
				return st
			}
		}
	}
	if dev {
		if _, ok := f.URL.Params.Get(ParamDevBrowser); ok {
			return r.maybeHandshake(reasons.DevBrowserSync, "", nil)
		}
		if r.devBrowser == "" {
			return r.maybeHandshake(reasons.DevBrowserMissing, "", nil)
		}
	}
	if !hasActiveClient && !hasSession {
		return r.signedOut(TokenSession, reasons.SessionTokenAndUATMissing, "")
	}
	if !hasActiveClient && hasSession {
		return r.maybeHandshake(reasons.SessionTokenWithoutClientUAT, "", nil)
	}
	if hasActiveClient && !hasSession {
		return r.maybeHandshake(reasons.ClientUATWithoutSessionToken, "", nil)
	}

	tok := r.sessionCookie
	// A cached token is a verified session token: only the client_uat rule
	// is left to check before verification answers from the cache.
	var iat jwt.Number
	var cached *Session
	if c.Cache != nil {
		cached = c.Cache.getKey(r.cacheKey(tok), c.now())
		r.observedLookup(cached)
	}
	if cached != nil {
		iat = cached.Times.Iat
	} else {
		t, err := r.decode(tok)
		if err != nil {
			return r.sessionTokenError(err, "cookie")
		}
		if isMachineDecoded(tok, t) || t.Header.IsNonSessionCategory() {
			return r.signedOut(TokenSession, reasons.TokenTypeMismatch, "")
		}
		iat = t.Claims.Iat
	}
	if iat.IsNumber && iat.Value < r.clientUat {
		return r.maybeHandshake(reasons.SessionTokenIATBeforeClientUAT, "", nil)
	}
	s, err := c.verifySession(r.ctx, tok, c.ClockSkew, r)
	if err != nil {
		return r.sessionTokenError(err, "cookie")
	}
	if s.Props.Err != nil {
		// authenticateRequestWithTokenInCookie fails building the auth object and reports it as an
		// unexpected error on the cookie path.
		return r.signedOut(TokenSession, reasons.UnexpectedError, "")
	}
	if !c.IsSatellite && f.Method == http.MethodGet && f.SecFetchDest == "document" &&
		r.isCrossOriginReferrer() && !r.isKnownClerkReferrer() && r.redirectCounter == 0 {
		return r.maybeHandshake(reasons.PrimaryDomainCrossOriginSync, "a cross-origin navigation from a satellite domain needs a handshake", nil)
	}
	if !s.Props.Pending && s.Props.UserID != "" {
		if st := r.orgSyncHandshake(s.Props); st != nil {
			return st
		}
	}
	return r.signedIn(s, tok, nil)
}

// MaxRedirectURLLen bounds the Location of a handshake or sync redirect:
// 8 KiB of request line (nginx's and most proxies' limit) with the session
// token and parameters the redirect adds fit twice over.
const MaxRedirectURLLen = 16 << 10

// maybeHandshake answers a handshake redirect when the request is a document
// navigation that can follow one, and signed-out otherwise or when the
// redirect loop counter says we have tried three times.
func (r *run) maybeHandshake(reason, message string, h http.Header) *State {
	if !r.eligibleForHandshake() || r.c.DisableHandshake {
		return r.signedOut(TokenSession, reason, message)
	}
	if h == nil {
		h = http.Header{"Location": {r.handshakeURL(reason)}}
	}
	if loc := h.Get("Location"); len(loc) > MaxRedirectURLLen {
		// A request URL too long for any proxy's request line would come
		// back in a Location no browser or proxy accepts.
		r.logf("the redirect URL is too long; treating the request as signed out", "reason", reason, "length", len(loc))
		return r.signedOut(TokenSession, reason, "the handshake redirect URL would exceed "+itoa(MaxRedirectURLLen)+" bytes")
	} else if loc != "" {
		h.Set("Cache-Control", "no-store")
	}
	if r.redirectCounter == 3 {
		r.logf("handshake redirect loop detected; treating the request as signed out", "reason", reason)
		return r.signedOut(TokenSession, reason, message)
	}
	h.Add("Set-Cookie", CookieRedirectCount+"="+jsString(r.redirectCounter+1)+"; SameSite=Lax; HttpOnly; Max-Age=2")
	return r.handshake(reason, message, h)
}

// eligibleForHandshake: only GET document (or iframe) navigations, or
// browsers without Sec-Fetch-Dest asking for HTML, can follow a redirect.
func (r *run) eligibleForHandshake() bool {
	f := r.f
	if f.Method != http.MethodGet {
		return false
	}
	if f.SecFetchDest == "document" || f.SecFetchDest == "iframe" {
		return true
	}
	return f.SecFetchDest == "" && strings.HasPrefix(f.Accept, "text/html")
}
