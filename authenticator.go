package clerk

import (
	"context"
	"net/http"

	"github.com/goclerk/clerk/internal/authn"
)

// Authenticator is a validated configuration with its caches (verified
// session tokens, the JWKS, machine-token verifications): build it once
// from Options with NewAuthenticator and share it. Its Middleware method
// authenticates net/http requests (clerk.Middleware is exactly that);
// Authenticate verifies a token that arrives any other way — a websocket
// message, gRPC metadata, a queue message, a CLI argument — with the same
// decision, options and caches. It is safe for concurrent use.
type Authenticator struct {
	inst *instance
	// facts is the request Authenticate decides a token as: a GET asking
	// for JSON, so no decision it makes can be a handshake.
	facts authn.Facts
}

// NewAuthenticator validates opts once, as Middleware does (the same
// errors, an *OptionError naming the option).
func NewAuthenticator(opts Options) (*Authenticator, error) {
	inst, err := newInstance(opts)
	if err != nil {
		return nil, err
	}
	return &Authenticator{inst: inst, facts: authn.Facts{
		Method: http.MethodGet,
		URL:    authn.DeriveURL("http", "localhost", "", "", "/"),
		Accept: "application/json",
	}}, nil
}

// Middleware is the net/http middleware (see the Middleware function):
// every request continues with its Auth in the context, for GetAuth,
// except the handshake redirects it answers itself.
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	return a.inst.middleware(next)
}

// Authenticate verifies token (the bare token, without "Bearer ") as the
// middleware verifies an Authorization header's, and returns the Auth
// GetAuth would return for such a request with the same AuthOptions: by
// default session tokens only; AcceptsToken, AcceptsTokenList or
// AcceptsAnyToken for API keys, M2M and OAuth tokens. A token that fails is
// a signed-out Auth whose Reason says why; an empty one is signed out with
// ReasonNoTokenInHeader, and one with a space, control or non-ASCII byte
// with ReasonTokenInvalid, without any verification. Options.AcceptsToken
// applies first, as it does to the middleware. ctx bounds the JWKS fetch
// or Backend API call a verification may need.
func (a *Authenticator) Authenticate(ctx context.Context, token string, opts ...AuthOption) Auth {
	var st *authn.State
	switch {
	case token == "":
		st = authn.SignedOut(authn.TokenSession, string(ReasonNoTokenInHeader), "")
	case !authn.ValidToken(token):
		st = authn.SignedOut(authn.TokenSession, string(ReasonTokenInvalid), "the token has a space, control or non-ASCII byte")
	default:
		f := a.facts
		f.Token = token
		var room authn.State
		st = authn.AuthenticateInto(ctx, &f, &a.inst.cfg, &room)
		if st.Err != nil || st.Status != authn.StatusSignedIn && st.Status != authn.StatusSignedOut {
			// A bearer token is never resolved by a handshake; a decision
			// that is neither is not one to trust.
			st = authn.SignedOut(authn.TokenSession, string(ReasonUnexpectedError), "")
		} else if st.Session != nil && st.Session.Props.Err != nil {
			// Claims that cannot form an auth object: the middleware
			// answers 500 for them; a caller gets no Auth to trust either.
			st = authn.SignedOut(authn.TokenSession, string(ReasonUnexpectedError), "")
		}
	}
	if a.inst.onDecision != nil {
		a.inst.observeDecision(ctx, st, nil)
	}
	return a.inst.authOf(st, applyAuthOptions(opts))
}
