package clerk_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	clerk "github.com/goclerk/clerk"
	"github.com/goclerk/clerk/clerktest"
	"github.com/goclerk/clerk/internal/adaptertest"
)

func TestRequireAPIAuth(t *testing.T) {
	adaptertest.RunAPIGuard(t, "net/http", adaptertest.NetHTTPGuardApp)
}

// The guard never calls the next handler for a rejection, whatever the
// hook does; a hook that writes nothing still yields the default answer.
func TestRequireAPIAuthHookThatWritesNothing(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{Production: true})
	mw, err := clerk.Middleware(inst.Options())
	if err != nil {
		t.Fatal(err)
	}
	var got clerk.Rejection
	reached := false
	h := mw(clerk.RequireAPIAuth(clerk.APIGuardOptions{OnReject: func(w http.ResponseWriter, r *http.Request, rej clerk.Rejection) {
		got = rej
	}})(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached = true })))
	rec := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, "/api", nil)
	r.Header.Set("Authorization", "Bearer nope")
	h.ServeHTTP(rec, r)
	if reached {
		t.Fatal("the next handler ran for a rejected request")
	}
	if rec.Code != http.StatusUnauthorized || got.Status != http.StatusUnauthorized || got.Reason != clerk.ReasonTokenInvalid || got.Error != "invalid_token" {
		t.Fatalf("status %d, rejection %+v", rec.Code, got)
	}
	if !strings.Contains(rec.Body.String(), `"authentication_invalid"`) {
		t.Fatalf("body %q", rec.Body)
	}
}

// Machine tokens pass a guard that accepts them, and never its checks.
func TestRequireAPIAuthMachineTokens(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{Production: true})
	mw, err := clerk.Middleware(inst.Options())
	if err != nil {
		t.Fatal(err)
	}
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(clerk.GetAuth(r, clerk.AcceptsAnyToken()).ID))
	})
	m2m := inst.M2MToken(clerktest.M2MTokenSpec{Subject: "mch_1"})
	rows := []struct {
		name   string
		guard  clerk.APIGuardOptions
		token  string
		status int
	}{
		{"m2m accepted", clerk.APIGuardOptions{AcceptsToken: []clerk.TokenType{clerk.TokenTypeM2MToken}}, m2m, 200},
		{"m2m with a check", clerk.APIGuardOptions{AcceptsToken: []clerk.TokenType{clerk.TokenTypeM2MToken}, Checks: []clerk.Check{clerk.Role("admin")}}, m2m, 403},
		{"session to an m2m guard", clerk.APIGuardOptions{AcceptsToken: []clerk.TokenType{clerk.TokenTypeM2MToken}}, inst.SessionToken(clerktest.Session{}), 401},
		{"revoked m2m", clerk.APIGuardOptions{AcceptsToken: []clerk.TokenType{clerk.TokenTypeM2MToken}}, inst.M2MToken(clerktest.M2MTokenSpec{Revoked: true}), 401},
		{"empty check", clerk.APIGuardOptions{Checks: []clerk.Check{{}}}, inst.SessionToken(clerktest.Session{}), 403},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			h := mw(clerk.RequireAPIAuth(row.guard)(ok))
			r := httptest.NewRequest(http.MethodGet, "/api", nil)
			r.Header.Set("Authorization", "Bearer "+row.token)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if rec.Code != row.status {
				t.Fatalf("status %d, want %d: %s %s", rec.Code, row.status, rec.Header().Get("WWW-Authenticate"), rec.Body)
			}
		})
	}
}

// docs/api-guards.md shows every rejection body and WWW-Authenticate
// header of the guard cases as they are.
func TestAPIGuardsDocumented(t *testing.T) {
	doc, err := os.ReadFile("docs/api-guards.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range adaptertest.GuardCases(clerktest.New(t, clerktest.Options{Production: true})) {
		if c.Status == http.StatusOK || c.HookedAnswered {
			continue
		}
		if !strings.Contains(string(doc), strings.TrimSuffix(c.Body, "\n")) {
			t.Errorf("docs/api-guards.md lacks the body of %q: %s", c.Name, c.Body)
		}
		if c.Authenticate != "" && !strings.Contains(string(doc), "WWW-Authenticate: "+c.Authenticate+"\n") {
			t.Errorf("docs/api-guards.md lacks the WWW-Authenticate of %q: %s", c.Name, c.Authenticate)
		}
	}
}
