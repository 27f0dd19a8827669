package clerktest_test

import (
	"net/http/httptest"
	"testing"

	clerk "github.com/goclerk/clerk"
	"github.com/goclerk/clerk/clerktest"
)

// The whole handshake through the net/http middleware, as a browser goes
// through it.
func TestBrowserHandshake(t *testing.T) {
	clerktest.RunBrowserHandshake(t, "net/http", func(opts clerk.Options) (string, func(), error) {
		app, err := clerktest.NetHTTPApp(opts)
		if err != nil {
			return "", nil, err
		}
		srv := httptest.NewServer(app)
		return srv.URL, srv.Close, nil
	})
}
