package backend_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/goclerk/clerk/backend"
)

// TestWithMaxResponseBytes: a body past the bound fails the call with a
// *ResponseTooLargeError, whether or not the server announced its length;
// one at the bound, or any body without the option, is read.
func TestWithMaxResponseBytes(t *testing.T) {
	body := `{"keys":[{"kid":"` + strings.Repeat("k", 2000) + `"}]}`
	for _, chunked := range []bool{false, true} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if chunked {
				w.(http.Flusher).Flush() // no Content-Length
			}
			w.Write([]byte(body))
		}))
		c, _ := newTestClient(t, srv.URL)
		ctx := context.Background()
		_, err := c.JWKS.Get(ctx, backend.WithMaxResponseBytes(1024))
		var tl *backend.ResponseTooLargeError
		if !errors.As(err, &tl) || tl.Limit != 1024 {
			t.Errorf("chunked %v: 1 KiB bound: err = %v, want *ResponseTooLargeError{1024}", chunked, err)
		}
		if _, err := c.JWKS.Get(ctx, backend.WithMaxResponseBytes(int64(len(body)))); err != nil {
			t.Errorf("chunked %v: bound = body length: %v", chunked, err)
		}
		if _, err := c.JWKS.Get(ctx); err != nil {
			t.Errorf("chunked %v: no bound: %v", chunked, err)
		}
		srv.Close()
	}
}
