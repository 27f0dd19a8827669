package clerkfiber_test

import (
	"net/http"
	"testing"

	clerk "github.com/goclerk/clerk"
	clerkfiber "github.com/goclerk/clerk/adapters/fiber"
	"github.com/goclerk/clerk/internal/adaptertest"
	"github.com/gofiber/fiber/v2"
)

// guardApp serves the guard routes with Fiber; opts nil leaves the
// middleware out.
func guardApp(opts *clerk.Options) (*fiber.App, error) {
	a := fiber.New(fiber.Config{DisableStartupMessage: true})
	if opts != nil {
		mw, err := clerkfiber.Middleware(*opts)
		if err != nil {
			return nil, err
		}
		a.Use(mw)
	}
	ok := func(c *fiber.Ctx) error { return c.SendString(adaptertest.APIBody(clerkfiber.GetAuth(c))) }
	a.Get(adaptertest.APIPath, clerkfiber.RequireAPIAuth(adaptertest.APIGuard), ok)
	a.Get(adaptertest.HookPath, clerkfiber.RequireAPIAuth(adaptertest.HookGuard), ok)
	return a, nil
}

func TestRequireAPIAuth(t *testing.T) {
	adaptertest.RunAPIGuard(t, "fiber", func(opts *clerk.Options) (http.Handler, error) {
		a, err := guardApp(opts)
		if err != nil {
			return nil, err
		}
		return handler(t, a), nil
	})
}
