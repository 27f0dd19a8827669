package clerk_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/goclerk/clerk"
	"github.com/goclerk/clerk/clerktest"
)

// Each exported reason is what State reports, and what the
// x-clerk-auth-reason header says, for the request that causes it.
func TestStateReasons(t *testing.T) {
	dev := clerktest.New(t, clerktest.Options{})
	prod := clerktest.New(t, clerktest.Options{Production: true})
	user := dev.SessionToken(clerktest.Session{UserID: "user_1"})
	expired := dev.SessionToken(clerktest.Session{UserID: "user_1", TTL: -time.Minute})
	devBrowser := "__clerk_db_jwt=" + dev.DevBrowser()
	onlyAPIKeys := func(o *clerk.Options) { o.AcceptsToken = []clerk.TokenType{clerk.TokenTypeAPIKey} }
	parties := func(o *clerk.Options) { o.AuthorizedParties = []string{"https://app.example.com"} }

	rows := []struct {
		name   string
		inst   *clerktest.Instance
		opts   func(*clerk.Options)
		method string
		header http.Header
		status clerk.AuthStatus
		reason clerk.AuthReason
	}{
		{"session token", dev, nil, "GET", bearer(user), clerk.StatusSignedIn, ""},
		{"no cookies, production", prod, nil, "GET", nil, clerk.StatusSignedOut, clerk.ReasonSessionTokenAndUATMissing},
		{"no dev browser", dev, nil, "GET", nil, clerk.StatusSignedOut, clerk.ReasonDevBrowserMissing},
		{"client_uat without a session cookie", dev, nil, "GET", cookie(devBrowser + "; __client_uat=1"), clerk.StatusSignedOut, clerk.ReasonClientUATWithoutSessionToken},
		{"session cookie without client_uat", dev, nil, "GET", cookie(devBrowser + "; __session=" + user), clerk.StatusSignedOut, clerk.ReasonSessionTokenWithoutClientUAT},
		{"expired session cookie on POST", dev, nil, "POST", cookie(devBrowser + "; __client_uat=1; __session=" + expired), clerk.StatusSignedOut, "session-token-expired-refresh-non-eligible-non-get"},
		{"not a JWT", dev, nil, "GET", bearer("not-a-jwt"), clerk.StatusSignedOut, clerk.ReasonTokenInvalid},
		{"another instance's key", dev, nil, "GET", bearer(clerktest.New(t, clerktest.Options{}).SessionToken(clerktest.Session{})), clerk.StatusSignedOut, clerk.ReasonTokenInvalidSignature},
		{"foreign authorized party", dev, parties, "GET", bearer(dev.SessionToken(clerktest.Session{AuthorizedParty: "https://evil.example"})), clerk.StatusSignedOut, clerk.ReasonTokenInvalidAuthorizedParties},
		{"session token where only API keys are accepted", dev, onlyAPIKeys, "GET", bearer(user), clerk.StatusSignedOut, clerk.ReasonTokenTypeMismatch},
		{"unknown API key", dev, nil, "GET", bearer("ak_" + strings.Repeat("0", 32)), clerk.StatusSignedOut, clerk.ReasonTokenInvalid},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			o := row.inst.Options()
			if row.opts != nil {
				row.opts(&o)
			}
			mw, err := clerk.Middleware(o)
			if err != nil {
				t.Fatal(err)
			}
			var status clerk.AuthStatus
			var reason clerk.AuthReason
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(row.method, "http://app.example.com/", nil)
			req.Header = row.header.Clone()
			if req.Header == nil {
				req.Header = http.Header{}
			}
			mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				status, reason = clerk.State(r)
			})).ServeHTTP(rec, req)
			if status != row.status || reason != row.reason {
				t.Errorf("State = %q, %q; want %q, %q", status, reason, row.status, row.reason)
			}
			if status == clerk.StatusSignedOut && rec.Header().Get("X-Clerk-Auth-Reason") != string(reason) {
				t.Errorf("x-clerk-auth-reason %q, State says %q", rec.Header().Get("X-Clerk-Auth-Reason"), reason)
			}
		})
	}
}

func TestAuthReasonBase(t *testing.T) {
	for reason, want := range map[clerk.AuthReason]clerk.AuthReason{
		"session-token-expired-refresh-non-eligible-non-get": clerk.ReasonSessionTokenExpired,
		"session-token-expired-refresh-fetch-error":          clerk.ReasonSessionTokenExpired,
		clerk.ReasonSessionTokenExpired:                      clerk.ReasonSessionTokenExpired,
		clerk.ReasonSessionTokenNBF:                          clerk.ReasonSessionTokenNBF,
		"session-token-expired-but-not-refresh":              "session-token-expired-but-not-refresh",
		"":                                                   "",
	} {
		if got := reason.Base(); got != want {
			t.Errorf("%q.Base() = %q, want %q", reason, got, want)
		}
	}
}

func bearer(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }

func cookie(v string) http.Header { return http.Header{"Cookie": {v}} }
