package clerkchi_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/go-chi/chi/v5"
	clerk "github.com/goclerk/clerk"
	"github.com/goclerk/clerk/internal/adaptertest"
)

// guardApp serves the guard routes with chi and the core guard; opts nil
// leaves the middleware out.
func guardApp(opts *clerk.Options) (http.Handler, error) {
	r := chi.NewRouter()
	if opts != nil {
		mw, err := clerk.Middleware(*opts)
		if err != nil {
			return nil, err
		}
		r.Use(mw)
	}
	ok := func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, adaptertest.APIBody(clerk.GetAuth(r)))
	}
	r.With(clerk.RequireAPIAuth(adaptertest.APIGuard)).Get(adaptertest.APIPath, ok)
	r.With(clerk.RequireAPIAuth(adaptertest.HookGuard)).Get(adaptertest.HookPath, ok)
	return r, nil
}

func TestRequireAPIAuth(t *testing.T) {
	adaptertest.RunAPIGuard(t, "chi", guardApp)
}
