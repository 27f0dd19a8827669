package adaptertest_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	clerk "github.com/goclerk/clerk"
	"github.com/goclerk/clerk/internal/adaptertest"
)

// The shared decision table, through the net/http middleware itself, with a
// few outcomes pinned so the table cannot silently degenerate.
func TestDecisionTable(t *testing.T) {
	s := adaptertest.NewDecisionSuite(t)
	if n := s.Run(t, "net/http", adaptertest.NetHTTPApp); n != len(s.Cases) {
		t.Fatalf("net/http differs from itself in %d cases", len(s.Cases)-n)
	}
	want := map[string]struct {
		status  int
		cookies int
	}{
		"session header signed in":                                      {200, 0},
		"no token, document without dev browser (handshake)":            {307, 1},
		"handshake token resolution (Set-Cookie, 307)":                  {307, 2},
		"handshake nonce resolution (Set-Cookie, 307)":                  {307, 2},
		"handshake signed by another instance (500)":                    {500, 0},
		"production: handshake resolution signs in (Set-Cookie on 200)": {200, 2},
		"RequireAuth without auth (302)":                                {302, 0},
		"API key of a user":                                             {200, 0},
	}
	seen := 0
	for _, c := range s.Cases {
		w, ok := want[c.Name]
		if !ok {
			continue
		}
		seen++
		if c.Want.Status != w.status || len(c.Want.Header["Set-Cookie"]) != w.cookies {
			t.Errorf("%s: status %d with %d Set-Cookie, want %d with %d", c.Name, c.Want.Status, len(c.Want.Header["Set-Cookie"]), w.status, w.cookies)
		}
	}
	if seen != len(want) {
		t.Errorf("found %d of the %d pinned cases", seen, len(want))
	}
}

// The table notices an adapter that loses what the middleware decided.
func TestDecisionTableCatchesDifferences(t *testing.T) {
	s := adaptertest.NewDecisionSuite(t)
	mutations := map[string]func(http.Header){
		"drops Set-Cookie":      func(h http.Header) { h.Del("Set-Cookie") },
		"keeps one Set-Cookie":  func(h http.Header) { h["Set-Cookie"] = h["Set-Cookie"][:min(1, len(h["Set-Cookie"]))] },
		"drops x-clerk headers": func(h http.Header) { h.Del("X-Clerk-Auth-Reason") },
		"rewrites Location": func(h http.Header) {
			if loc := h.Get("Location"); loc != "" {
				h.Set("Location", strings.ToLower(loc))
			}
		},
	}
	for name, mutate := range mutations {
		diffs, err := s.Compare(func(opts clerk.Options) (http.Handler, error) {
			app, err := adaptertest.NetHTTPApp(opts)
			if err != nil {
				return nil, err
			}
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				rec := httptest.NewRecorder()
				app.ServeHTTP(rec, r)
				mutate(rec.Header())
				for k, v := range rec.Header() {
					w.Header()[k] = v
				}
				w.WriteHeader(rec.Code)
				_, _ = w.Write(rec.Body.Bytes())
			}), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(diffs) == 0 {
			t.Errorf("an app that %s passed the table", name)
		}
		t.Logf("an app that %s differs in %d cases", name, len(diffs))
	}
}
