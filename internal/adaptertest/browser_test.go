package adaptertest_test

import (
	"net/http/httptest"
	"testing"

	clerk "github.com/goclerk/clerk"
	"github.com/goclerk/clerk/internal/adaptertest"
)

// The whole handshake through the net/http middleware, as a browser goes
// through it.
func TestBrowserHandshake(t *testing.T) {
	adaptertest.RunBrowserHandshake(t, "net/http", func(opts clerk.Options) (string, func(), error) {
		app, err := adaptertest.NetHTTPApp(opts)
		if err != nil {
			return "", nil, err
		}
		srv := httptest.NewServer(app)
		return srv.URL, srv.Close, nil
	})
}
