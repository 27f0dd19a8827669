package clerkchi_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
	clerk "github.com/goclerk/clerk"
	"github.com/goclerk/clerk/internal/adaptertest"
)

// app serves the decision-table routes with chi and the core middleware.
func app(opts clerk.Options) (http.Handler, error) {
	mw, err := clerk.Middleware(opts)
	if err != nil {
		return nil, err
	}
	r := chi.NewRouter()
	r.Use(mw)
	auth := func(opts ...clerk.AuthOption) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(adaptertest.AuthBody(clerk.GetAuth(r, opts...)))
		}
	}
	r.Get(adaptertest.AuthPath, auth(clerk.AcceptsAnyToken()))
	r.Post(adaptertest.AuthPath, auth(clerk.AcceptsAnyToken()))
	r.Get(adaptertest.SessionPath, auth())
	r.With(clerk.RequireAuth(clerk.RequireAuthOptions{SignInURL: adaptertest.SignInPath})).Get(adaptertest.ProtectedPath, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, adaptertest.ProtectedBody(clerk.GetAuth(r, clerk.AcceptsAnyToken())))
	})
	return r, nil
}

func TestDecisionTable(t *testing.T) {
	s := adaptertest.NewDecisionSuite(t)
	if n := s.Run(t, "chi", app); n != len(s.Cases) {
		t.Errorf("chi: %d of %d cases differ from net/http", len(s.Cases)-n, len(s.Cases))
	}
}

func TestBrowserHandshake(t *testing.T) {
	adaptertest.RunBrowserHandshake(t, "chi", func(opts clerk.Options) (string, func(), error) {
		h, err := app(opts)
		if err != nil {
			return "", nil, err
		}
		srv := httptest.NewServer(h)
		return srv.URL, srv.Close, nil
	})
}

// BenchmarkSessionHeader measures a signed-in request with a session token
// in the Authorization header (networkless verification, cached).
func BenchmarkSessionHeader(b *testing.B) { adaptertest.BenchmarkSessionHeader(b, app) }
