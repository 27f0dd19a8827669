package clerkgin_test

import (
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"
	clerk "github.com/goclerk/clerk"
	clerkgin "github.com/goclerk/clerk/adapters/gin"
	"github.com/goclerk/clerk/internal/adaptertest"
)

// guardApp serves the guard routes with Gin; opts nil leaves the
// middleware out.
func guardApp(opts *clerk.Options) (http.Handler, error) {
	r := gin.New()
	if opts != nil {
		mw, err := clerkgin.Middleware(*opts)
		if err != nil {
			return nil, err
		}
		r.Use(mw)
	}
	ok := func(c *gin.Context) { c.String(http.StatusOK, "%s", adaptertest.APIBody(clerkgin.GetAuth(c))) }
	r.GET(adaptertest.APIPath, clerkgin.RequireAPIAuth(adaptertest.APIGuard), ok)
	r.GET(adaptertest.HookPath, clerkgin.RequireAPIAuth(adaptertest.HookGuard), ok)
	return r, nil
}

func TestRequireAPIAuth(t *testing.T) {
	adaptertest.RunAPIGuard(t, "gin", guardApp)
}
