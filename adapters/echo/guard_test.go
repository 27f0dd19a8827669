package clerkecho_test

import (
	"net/http"
	"testing"

	clerk "github.com/goclerk/clerk"
	clerkecho "github.com/goclerk/clerk/adapters/echo"
	"github.com/goclerk/clerk/internal/adaptertest"
	"github.com/labstack/echo/v4"
)

// guardApp serves the guard routes with Echo; opts nil leaves the
// middleware out.
func guardApp(opts *clerk.Options) (http.Handler, error) {
	e := echo.New()
	if opts != nil {
		mw, err := clerkecho.Middleware(*opts)
		if err != nil {
			return nil, err
		}
		e.Use(mw)
	}
	ok := func(c echo.Context) error {
		return c.String(http.StatusOK, adaptertest.APIBody(clerkecho.GetAuth(c)))
	}
	e.GET(adaptertest.APIPath, ok, clerkecho.RequireAPIAuth(adaptertest.APIGuard))
	e.GET(adaptertest.HookPath, ok, clerkecho.RequireAPIAuth(adaptertest.HookGuard))
	return e, nil
}

func TestRequireAPIAuth(t *testing.T) {
	adaptertest.RunAPIGuard(t, "echo", guardApp)
}
