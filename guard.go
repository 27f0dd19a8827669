package clerk

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/goclerk/clerk/internal/authn"
	"github.com/goclerk/clerk/internal/reasons"
)

// APIGuardOptions configures RequireAPIAuth. Build it once, with the
// routes.
type APIGuardOptions struct {
	// AcceptsToken lists the token types the guard lets through; a request
	// with another type is refused (401, ReasonTokenTypeMismatch). Empty
	// means session tokens only, as GetAuth's default.
	AcceptsToken []TokenType
	// Checks must all hold (Auth.Has) or the request is refused with 403.
	// Machine tokens never satisfy a Check, and neither does an empty one,
	// so a guard with Checks admits signed-in sessions only. Default none:
	// being authenticated is enough.
	Checks []Check
	// OnReject writes the response of a refused request in place of
	// Rejection.Write (which it may call, e.g. after adding a header). The
	// next handler is never called for it. Should it write nothing at all,
	// Rejection.Write answers anyway, so a rejection never reads as a 200.
	// Default nil: Rejection.Write.
	OnReject func(w http.ResponseWriter, r *http.Request, rej Rejection)
}

// Rejection describes a request RequireAPIAuth refuses: what
// Rejection.Write answers, and why.
type Rejection struct {
	// Status is the HTTP status:
	//   - 401 Unauthorized: no token, a token that fails verification, or
	//     one of a type not accepted (the Auth is signed out);
	//   - 403 Forbidden: authenticated, but a Check does not hold;
	//   - 503 Service Unavailable: the token could not be checked (the
	//     JWKS or the Backend API is unreachable, or refuses the secret
	//     key): not the client's fault, and worth retrying;
	//   - 500 Internal Server Error: RequireAPIAuth runs without Middleware
	//     upstream, a bug of the server.
	Status int
	// Code is the Clerk error code of the body: "authentication_invalid"
	// (401), "authorization_invalid" (403), "authentication_unavailable"
	// (503) or "clerk_middleware_missing" (500). A 403 with Reverification
	// set keeps "authorization_invalid", though its body is Clerk's
	// reverification error, which has no code.
	Code string
	// Error is the RFC 6750 error code of the WWW-Authenticate header:
	// "invalid_token" (401 with credentials), "insufficient_scope" (403),
	// or "" when the request carried no credentials (RFC 6750 §3.1) and
	// for 500 and 503, which have no WWW-Authenticate header.
	Error string
	// Description explains the rejection in a sentence for people (the
	// header's error_description and the body's long_message). It is built
	// from the reason and the guard's checks, never from the request: no
	// token or claim value appears in it.
	Description string
	// Reason is the Auth's reason ("" for 403 and 500).
	Reason AuthReason
	// Auth is the request's auth object, as the guard read it.
	Auth Auth
	// Reverification is set for a 403 whose only failing condition is a
	// Check's Reverification (the session is signed in, the rest of the
	// check holds, and verifying again would satisfy it): it is that
	// check's Reverification, and Write answers Clerk's reverification
	// error (WriteReverificationError) so that useReverification can ask
	// the user to verify and retry. nil otherwise. The gRPC and Connect
	// interceptors answer PermissionDenied either way.
	Reverification *Reverification
}

// Write answers the rejection: the status, WWW-Authenticate for 401 and
// 403 (`Bearer` alone when no credentials were sent, else `Bearer
// error="…", error_description="…"`), Cache-Control: no-store, and a JSON
// body in the shape of Clerk's API errors:
//
//	{"errors":[{"code":"authentication_invalid","message":"Unauthorized","long_message":"the token has expired","meta":{"reason":"token-expired"}}]}
//
// (meta is left out when there is no reason). A rejection with
// Reverification set is the exception: its body is Clerk's reverification
// error, as WriteReverificationError writes it, which @clerk/react's
// useReverification acts on:
//
//	{"clerk_error":{"type":"forbidden","reason":"reverification-error","metadata":{"reverification":"strict"}}}
func (rej Rejection) Write(w http.ResponseWriter) {
	h := w.Header()
	if rej.Reverification != nil {
		h.Set("WWW-Authenticate", `Bearer error="`+rej.Error+`", error_description="`+quotedString(rej.Description)+`"`)
		WriteReverificationError(w, rej.Reverification)
		return
	}
	if rej.Status == http.StatusUnauthorized || rej.Status == http.StatusForbidden {
		v := "Bearer"
		if rej.Error != "" {
			v += ` error="` + rej.Error + `", error_description="` + quotedString(rej.Description) + `"`
		}
		h.Set("WWW-Authenticate", v)
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	type meta struct {
		Reason AuthReason `json:"reason"`
	}
	type apiError struct {
		Code        string `json:"code"`
		Message     string `json:"message"`
		LongMessage string `json:"long_message"`
		Meta        *meta  `json:"meta,omitempty"`
	}
	e := apiError{Code: rej.Code, Message: http.StatusText(rej.Status), LongMessage: rej.Description}
	if rej.Reason != "" {
		e.Meta = &meta{Reason: rej.Reason}
	}
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false) // a JSON API answer, never embedded in HTML
	_ = enc.Encode(struct {
		Errors []apiError `json:"errors"`
	}{[]apiError{e}})
	w.WriteHeader(rej.Status)
	_, _ = w.Write(body.Bytes())
}

// RequireAPIAuth is RequireAuth for JSON APIs: it fails closed. A request
// that is not authenticated with an accepted token type gets 401, one that
// fails a check 403 (see Rejection for every answer), and the next handler
// runs only for the others. A signed-in session that fails a check only
// because its last verification is too old (Check.Reverification) gets
// Clerk's reverification error instead of the usual 403 body (see
// WriteReverificationError), so that useReverification in the browser
// asks the user to verify and retries the call. It must sit behind Middleware (or
// Authenticator.Middleware), which decides the request; without it every
// request gets 500, naming the misconfiguration.
//
// Pending sessions are refused (401), as GetAuth reads them signed out.
// Use Options.HeaderOnly for an API that browsers' cookies must not
// authenticate.
func RequireAPIAuth(opts APIGuardOptions) func(http.Handler) http.Handler {
	var o authOptions
	if len(opts.AcceptsToken) > 0 {
		o = applyAuthOptions([]AuthOption{AcceptsTokenList(opts.AcceptsToken...)})
	}
	checks := append([]Check(nil), opts.Checks...)
	onReject := opts.OnReject
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rej, ok := guard(r, o, checks)
			if ok {
				next.ServeHTTP(w, r)
				return
			}
			if onReject == nil {
				rej.Write(w)
				return
			}
			rw := &rejectWriter{ResponseWriter: w}
			onReject(rw, r, rej)
			if !rw.wrote {
				rej.Write(w)
			}
		})
	}
}

// guard decides a request for RequireAPIAuth.
func guard(r *http.Request, o authOptions, checks []Check) (Rejection, bool) {
	ra, ok := r.Context().Value(ctxKey{}).(*requestAuth)
	if !ok {
		return Rejection{Status: http.StatusInternalServerError, Code: "clerk_middleware_missing",
			Description: "clerk.RequireAPIAuth runs without clerk.Middleware upstream, so no request is authenticated: install the middleware in front of the guard",
			Auth:        GetAuth(r)}, false
	}
	a := ra.inst.authOf(ra.state, o)
	return decideGuard(&a, ra.presentedCredentials(), checks)
}

// Guard authenticates token as Authenticate does and decides it as
// RequireAPIAuth decides a request, for transports that are not net/http
// (gRPC and Connect interceptors, websocket messages): a nil Rejection lets
// the call through with the returned Auth; otherwise the Rejection says
// what RequireAPIAuth would answer (Status 401, 403 or 503; never 500) and
// why, for the caller to translate into its transport's error. An empty
// token is a request without credentials (Rejection.Error ""). opts'
// AcceptsToken and Checks apply as they do for RequireAPIAuth; OnReject,
// an HTTP hook, is not called.
func (a *Authenticator) Guard(ctx context.Context, token string, opts APIGuardOptions) (Auth, *Rejection) {
	var auth Auth
	if len(opts.AcceptsToken) > 0 {
		auth = a.Authenticate(ctx, token, AcceptsTokenList(opts.AcceptsToken...))
	} else {
		auth = a.Authenticate(ctx, token)
	}
	if rej, ok := decideGuard(&auth, token != "", opts.Checks); !ok {
		return auth, &rej
	}
	return auth, nil
}

// decideGuard is the guard's rule for an Auth read with the guard's token
// types; presented says whether the request carried a token at all.
func decideGuard(a *Auth, presented bool, checks []Check) (Rejection, bool) {
	if !a.IsAuthenticated {
		rej := Rejection{Status: http.StatusUnauthorized, Code: "authentication_invalid", Reason: a.Reason(), Auth: *a}
		switch {
		case serverSideReason(rej.Reason):
			rej.Status, rej.Code = http.StatusServiceUnavailable, "authentication_unavailable"
			rej.Description = "the token could not be checked now; try again later"
		case !presented:
			rej.Description = "the request carries no token: send it as Authorization: Bearer <token>"
		default:
			rej.Error, rej.Description = "invalid_token", reasonDescription(*a)
		}
		return rej, false
	}
	for _, c := range checks {
		if !a.Has(c) {
			rej := Rejection{Status: http.StatusForbidden, Code: "authorization_invalid", Error: "insufficient_scope",
				Description: checkDescription(*a, c), Auth: *a}
			if reverificationOnly(a, c) {
				rej.Reverification = c.Reverification
			}
			return rej, false
		}
	}
	return Rejection{}, true
}

// presentedCredentials reports whether the request carried a token: a
// bearer token (or an extractor's), or a session cookie.
func (ra *requestAuth) presentedCredentials() bool {
	f := ra.facts
	if f == nil {
		return false // a quiet request has neither header nor cookie
	}
	if f.BearerToken() != "" || f.Authorization != "" {
		return true
	}
	if len(f.Cookies) == 0 {
		return false
	}
	return f.Cookies.Get(authn.CookieSession) != "" || f.Cookies.Get(authn.CookieSession+"_"+ra.inst.cfg.PK.CookieSuffix) != ""
}

// serverSideReason is a reason no client can cause: the token was not
// checked.
func serverSideReason(r AuthReason) bool {
	switch r {
	case ReasonRemoteJWKFailedToLoad, ReasonInvalidSecretKey, ReasonJWKFailedToResolve, ReasonUnexpectedError:
		return true
	}
	return false
}

// reasonDescription explains a 401 from the Auth's reason alone.
func reasonDescription(a Auth) string {
	if a.Reason() == "" && a.SessionStatus == "pending" {
		return "the session is pending: the user has a task to finish (e.g. choosing an organization)"
	}
	switch a.Reason().Base() {
	case ReasonSessionTokenExpired, reasons.TokenExpired:
		return "the token has expired"
	case ReasonSessionTokenNBF, reasons.TokenNotActiveYet:
		return "the token is not valid yet"
	case ReasonSessionTokenIATInTheFuture, reasons.TokenIATInTheFuture:
		return "the token was issued in the future"
	case ReasonTokenTypeMismatch:
		return "tokens of this type are not accepted here"
	case ReasonTokenInvalid:
		return "the token is invalid"
	case ReasonTokenInvalidAlgorithm, ReasonTokenInvalidSignature:
		return "the token's signature is invalid"
	case ReasonTokenInvalidAuthorizedParties:
		return "the token's authorized party (azp) is not allowed"
	case ReasonJWKKidMismatch:
		return "the token is signed by a key of another instance"
	case ReasonTokenVerificationFailed:
		return "the token failed verification"
	case ReasonNoTokenInHeader:
		return "no bearer token in the Authorization header"
	}
	return "the request is not authenticated"
}

// checkDescription names what c asks for that a lacks.
func checkDescription(a Auth, c Check) string {
	var need []string
	add := func(kind string, v *string) {
		if v != nil {
			need = append(need, kind+" "+*v)
		}
	}
	add("permission", c.Permission)
	add("role", c.Role)
	add("feature", c.Feature)
	add("plan", c.Plan)
	if c.Reverification != nil {
		level := c.Reverification.Preset
		if level == "" {
			level = c.Reverification.Level
		}
		need = append(need, "a recent verification ("+level+")")
	}
	if len(need) == 0 {
		return "the guard has an empty check, which nothing satisfies"
	}
	d := "this requires " + strings.Join(need, " and ")
	if a.kind != kindSession {
		d += ", which only a user session can have"
	}
	return d
}

// quotedString keeps s inside an RFC 9110 quoted-string: quotes and
// backslashes are escaped, other bytes outside visible ASCII become '?'.
func quotedString(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == ' ' || c == '\t' || c > ' ' && c < 0x7f:
			b.WriteByte(c)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// rejectWriter notes whether OnReject answered.
type rejectWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *rejectWriter) WriteHeader(code int) { w.wrote = true; w.ResponseWriter.WriteHeader(code) }

func (w *rejectWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *rejectWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
