package clerk

import (
	"net/http"
	"os"

	"github.com/goclerk/clerk/internal/authn"
)

// AuthOption adjusts GetAuth; AcceptsToken, AcceptsTokenList,
// AcceptsAnyToken and TreatPendingAsSignedOut build them. It is a value
// rather than a function so that options cost GetAuth no allocation.
type AuthOption struct {
	kind  authOptionKind
	types []TokenType
	keep  bool // optPending: keep pending sessions signed in
}

type authOptionKind uint8

const (
	optTypes    authOptionKind = iota + 1 // AcceptsToken
	optTypeList                           // AcceptsTokenList
	optAny                                // AcceptsAnyToken
	optPending                            // TreatPendingAsSignedOut
)

type authOptions struct {
	any         bool
	list        bool
	types       []TokenType
	keepPending bool
}

// AcceptsToken limits GetAuth to the given token types (acceptsToken). One
// type answers an unauthenticated object of that type when the request
// carries another; several answer {isAuthenticated:false, tokenType:null}.
func AcceptsToken(types ...TokenType) AuthOption {
	return AuthOption{kind: optTypes, types: types}
}

// AcceptsTokenList is AcceptsToken with list semantics even for one type,
// as an array with one element is in Express.
func AcceptsTokenList(types ...TokenType) AuthOption {
	return AuthOption{kind: optTypeList, types: types}
}

// AcceptsAnyToken accepts sessions and every machine token.
func AcceptsAnyToken() AuthOption { return AuthOption{kind: optAny} }

// TreatPendingAsSignedOut(false) returns pending sessions (sessionStatus
// "pending", e.g. an unfinished organization task) as signed in.
func TreatPendingAsSignedOut(v bool) AuthOption {
	return AuthOption{kind: optPending, keep: !v}
}

// GetAuth returns the request's auth object, by default for session tokens
// only (getAuth(req)). It needs Middleware upstream; without it every
// request reads as signed out.
func GetAuth(r *http.Request, opts ...AuthOption) Auth {
	o := applyAuthOptions(opts)
	ra, ok := r.Context().Value(ctxKey{}).(*requestAuth)
	if !ok {
		a := signedOutAuth("")
		a.reason = &reasonMiddlewareMissing
		return a
	}
	// authOf's steps, spelled out: an Auth is large, and each call level
	// returning one by value costs a copy on every request.
	a := ra.inst.authFor(ra.state)
	a.reason = &ra.state.Reason
	if a.kind == kindSession && a.session.Props.Pending && !o.keepPending {
		a = signedOutAuth("pending")
	}
	authenticated := a.IsAuthenticated
	if filterAccepted(&a, o) && authenticated {
		a.reason = &reasonTypeMismatch
	}
	return a
}

// authOf is the Auth of a decision for options o, as GetAuth returns it.
func (inst *instance) authOf(st *authn.State, o authOptions) Auth {
	a := inst.authFor(st)
	a.reason = &st.Reason
	if a.kind == kindSession && a.session.Props.Pending && !o.keepPending {
		a = signedOutAuth("pending")
	}
	authenticated := a.IsAuthenticated
	if filterAccepted(&a, o) && authenticated {
		a.reason = &reasonTypeMismatch
	}
	return a
}

// applyAuthOptions combines the options in order: types accumulate, the
// last AcceptsToken or AcceptsTokenList decides list semantics.
func applyAuthOptions(opts []AuthOption) authOptions {
	var o authOptions
	for _, opt := range opts {
		switch opt.kind {
		case optTypes, optTypeList:
			if o.types == nil {
				o.types = opt.types
			} else {
				// Full slice expression: never append into a caller's array.
				o.types = append(o.types[:len(o.types):len(o.types)], opt.types...)
			}
			o.list = opt.kind == optTypeList || len(o.types) > 1
		case optAny:
			o.any = true
		case optPending:
			o.keepPending = opt.keep
		}
	}
	return o
}

// filterAccepted is getAuthObjectForAcceptedToken: it replaces *a when
// its token type is not accepted (in place: an Auth is large to copy),
// keeping its reason, and reports whether it did.
func filterAccepted(a *Auth, o authOptions) bool {
	if o.any {
		return false
	}
	types := o.types
	if len(types) == 0 {
		types = []TokenType{TokenTypeSessionToken}
	}
	accepted := false
	for _, t := range types {
		if a.TokenType != "" && t.canonical() == string(a.TokenType) {
			accepted = true
		}
	}
	reason := a.reason
	switch t := TokenType(types[0].canonical()); {
	case accepted:
		return false
	case o.list:
		*a = Auth{kind: kindInvalid}
	case t == TokenTypeAPIKey || t == TokenTypeM2MToken || t == TokenTypeOAuthToken:
		*a = machineSignedOutAuth(t)
	default:
		*a = signedOutAuth("")
	}
	a.reason = reason
	return true
}

// RequireAuthOptions configures RequireAuth.
type RequireAuthOptions struct {
	// SignInURL is where a signed-out request is redirected. Default: the
	// middleware's SignInURL, else CLERK_SIGN_IN_URL, else "/".
	SignInURL string
	// ReturnBack adds redirect_url with the current URL, as
	// RedirectToSignIn does, so the sign-in page sends the user back.
	// Default false: like requireAuth(), no return URL, so after signing
	// in on a hosted page the user stays there.
	ReturnBack bool
}

// RequireAuth redirects (302) requests without a signed-in user to the
// sign-in page (see RequireAuthOptions), as requireAuth() does. API keys
// and OAuth tokens that belong to a user pass; pending sessions do not.
//
// It is for pages: an API that must answer 401 instead of redirecting
// uses RequireAPIAuth.
func RequireAuth(opts RequireAuthOptions) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			a := GetAuth(r, AcceptsAnyToken())
			if a.UserID != "" {
				next.ServeHTTP(w, r)
				return
			}
			if opts.ReturnBack {
				redirectToSignIn(w, r, opts.SignInURL)
				return
			}
			w.Header().Set("Location", signInTarget(r, opts.SignInURL))
			w.WriteHeader(http.StatusFound)
		})
	}
}

// RedirectToSignIn answers with a redirect (302) to the sign-in page (the
// middleware's SignInURL, else CLERK_SIGN_IN_URL, else "/") that comes
// back to the current URL afterwards, as redirectToSignIn() of Clerk's
// Next.js SDK does: the current absolute URL goes in redirect_url, and on
// a development instance a sign-in page on another host also gets the
// browser's dev browser token (__clerk_db_jwt).
func RedirectToSignIn(w http.ResponseWriter, r *http.Request) {
	redirectToSignIn(w, r, "")
}

func redirectToSignIn(w http.ResponseWriter, r *http.Request, signInURL string) {
	ra, _ := r.Context().Value(ctxKey{}).(*requestAuth)
	var cur authn.ClerkURL
	var devBrowser string
	switch {
	case ra != nil && ra.facts == nil: // quiet: no facts were read, and it has no cookie
		cur = authn.FactsFromRequest(r, ra.inst.ignoreForwarded).URL
	case ra != nil:
		cur = ra.facts.URL // the URL as the middleware derived it
		if pk := ra.inst.cfg.PK; pk.InstanceType == authn.Development {
			devBrowser = ra.facts.Cookies.Get(authn.CookieDevBrowser + "_" + pk.CookieSuffix)
			if devBrowser == "" {
				devBrowser = ra.facts.Cookies.Get(authn.CookieDevBrowser)
			}
		}
	default:
		cur = authn.FactsFromRequest(r, false).URL // no middleware: the default, forwarded headers trusted
	}
	w.Header().Set("Location", authn.SignInRedirect(cur, signInTarget(r, signInURL), cur.String(), devBrowser))
	w.WriteHeader(http.StatusFound)
}

// signInTarget is the sign-in URL RequireAuth uses: the given one, the
// middleware's SignInURL, CLERK_SIGN_IN_URL, or "/".
func signInTarget(r *http.Request, signInURL string) string {
	if signInURL != "" {
		return signInURL
	}
	if ra, ok := r.Context().Value(ctxKey{}).(*requestAuth); ok && ra.inst.signInURL != "" {
		return ra.inst.signInURL
	}
	if v := os.Getenv("CLERK_SIGN_IN_URL"); v != "" {
		return v
	}
	return "/"
}
