package clerk_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	clerk "github.com/goclerk/clerk"
	"github.com/goclerk/clerk/clerktest"
)

// WriteReverificationError writes @clerk/shared's reverificationError
// body: the config as given (a preset by name, an explicit level as
// {level, afterMinutes}), or none.
func TestWriteReverificationError(t *testing.T) {
	rows := []struct {
		name string
		r    *clerk.Reverification
		body string
	}{
		{"preset", &clerk.Reverification{Preset: "strict"},
			`{"clerk_error":{"type":"forbidden","reason":"reverification-error","metadata":{"reverification":"strict"}}}`},
		{"explicit level", &clerk.Reverification{Level: "multi_factor", AfterMinutes: 10},
			`{"clerk_error":{"type":"forbidden","reason":"reverification-error","metadata":{"reverification":{"level":"multi_factor","afterMinutes":10}}}}`},
		{"no config", nil,
			`{"clerk_error":{"type":"forbidden","reason":"reverification-error","metadata":{}}}`},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			clerk.WriteReverificationError(rec, row.r)
			if rec.Code != http.StatusForbidden || strings.TrimSuffix(rec.Body.String(), "\n") != row.body {
				t.Fatalf("%d %s, want 403 %s", rec.Code, rec.Body, row.body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" || rec.Header().Get("Cache-Control") != "no-store" {
				t.Errorf("headers %v", rec.Header())
			}
		})
	}
}

// RequireAPIAuth answers the reverification error exactly when a signed-in
// session fails a check only because its verification is too old; every
// other refusal keeps the usual 403 (or 401) body.
func TestRequireAPIAuthReverification(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{Production: true})
	mw, err := clerk.Middleware(inst.Options())
	if err != nil {
		t.Fatal(err)
	}
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })
	strict := clerk.Check{Reverification: &clerk.Reverification{Preset: "strict"}}
	explicit := clerk.Check{Reverification: &clerk.Reverification{Level: "first_factor", AfterMinutes: 5}}
	admin := "org:admin"
	strictAdmin := clerk.Check{Role: &admin, Reverification: &clerk.Reverification{Preset: "strict"}}
	session := func(fva []int, org bool) string {
		s := clerktest.Session{FactorAge: fva}
		if org {
			s.Org = &clerktest.Org{Role: "admin"}
		}
		return inst.SessionToken(s)
	}
	const (
		reverifyStrict   = `{"clerk_error":{"type":"forbidden","reason":"reverification-error","metadata":{"reverification":"strict"}}}`
		reverifyExplicit = `{"clerk_error":{"type":"forbidden","reason":"reverification-error","metadata":{"reverification":{"level":"first_factor","afterMinutes":5}}}}`
	)
	rows := []struct {
		name   string
		checks []clerk.Check
		token  string
		status int
		body   string // a prefix of the answer
	}{
		{"fresh", []clerk.Check{strict}, session([]int{3, -1}, false), 200, "ok"},
		{"stale first factor", []clerk.Check{strict}, session([]int{11, -1}, false), 403, reverifyStrict},
		{"stale second factor", []clerk.Check{strict}, session([]int{0, 10}, false), 403, reverifyStrict},
		{"explicit level", []clerk.Check{explicit}, session([]int{5, 0}, false), 403, reverifyExplicit},
		{"no fva claim", []clerk.Check{strict}, inst.SessionToken(clerktest.Session{Claims: map[string]any{"fva": nil}}), 403, reverifyStrict},
		{"role holds, verification stale", []clerk.Check{strictAdmin}, session([]int{30, -1}, true), 403, reverifyStrict},
		{"role missing too", []clerk.Check{strictAdmin}, session([]int{30, -1}, false), 403, `{"errors":[{"code":"authorization_invalid"`},
		{"another check fails first", []clerk.Check{clerk.Role("admin"), strict}, session([]int{30, -1}, false), 403, `{"errors":[{"code":"authorization_invalid"`},
		{"unknown preset", []clerk.Check{{Reverification: &clerk.Reverification{Preset: "paranoid"}}}, session([]int{0, 0}, false), 403, `{"errors":[{"code":"authorization_invalid"`},
		{"zero minutes", []clerk.Check{{Reverification: &clerk.Reverification{Level: "first_factor"}}}, session([]int{0, 0}, false), 403, `{"errors":[{"code":"authorization_invalid"`},
		{"signed out", []clerk.Check{strict}, "", 401, `{"errors":[{"code":"authentication_invalid"`},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			var got clerk.Rejection
			h := mw(clerk.RequireAPIAuth(clerk.APIGuardOptions{Checks: row.checks, OnReject: func(w http.ResponseWriter, r *http.Request, rej clerk.Rejection) {
				got = rej
				rej.Write(w)
			}})(ok))
			r := httptest.NewRequest(http.MethodGet, "/api", nil)
			if row.token != "" {
				r.Header.Set("Authorization", "Bearer "+row.token)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if rec.Code != row.status || !strings.HasPrefix(rec.Body.String(), row.body) {
				t.Fatalf("%d %s, want %d %s", rec.Code, rec.Body, row.status, row.body)
			}
			if reverify := strings.Contains(row.body, "reverification-error"); reverify != (got.Reverification != nil) {
				t.Errorf("Rejection.Reverification %v", got.Reverification)
			}
			if row.status == 403 && (got.Code != "authorization_invalid" || got.Error != "insufficient_scope" ||
				!strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), `Bearer error="insufficient_scope"`)) {
				t.Errorf("rejection %+v, WWW-Authenticate %q", got, rec.Header().Get("WWW-Authenticate"))
			}
		})
	}
}
