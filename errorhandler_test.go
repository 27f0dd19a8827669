package clerk_test

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/goclerk/clerk"
	"github.com/goclerk/clerk/backend"
	"github.com/goclerk/clerk/clerktest"
)

// A development handshake whose session token cannot be verified, because
// the Backend API fails to serve the JWKS, is an error the middleware
// cannot turn into a signed-out state: Options.ErrorHandler answers it,
// with an error that says why; without one the answer stays 500.
func TestErrorHandler(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	var jwksCalls atomic.Int32
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		jwksCalls.Add(1)
		http.Error(w, `{"errors":[{"code":"internal_error","message":"down"}]}`, http.StatusInternalServerError)
	}))
	t.Cleanup(failing.Close)
	// No retry, so the failing key-set fetch answers at once.
	client, err := backend.NewClient(backend.Config{SecretKey: inst.SecretKey, APIURL: failing.URL, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	handshake := inst.HandshakeToken(inst.HandshakeDirectives(inst.SessionToken(clerktest.Session{UserID: "user_1"}))...)
	request := func() *http.Request {
		r := httptest.NewRequest(http.MethodGet, "http://app.example.com/?__clerk_handshake="+url.QueryEscape(handshake), nil)
		r.Header.Set("Accept", "text/html")
		r.Header.Set("Sec-Fetch-Dest", "document")
		return r
	}
	build := func(t *testing.T, handler func(http.ResponseWriter, *http.Request, error)) (http.Handler, *bytes.Buffer) {
		var logs bytes.Buffer
		o := inst.Options()
		o.JWTKey = "" // verify through the (failing) JWKS endpoint
		o.Client = client
		o.Logger = slog.New(slog.NewTextHandler(&logs, nil))
		o.ErrorHandler = handler
		mw, err := clerk.Middleware(o)
		if err != nil {
			t.Fatal(err)
		}
		return mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			t.Error("the next handler ran for a request the middleware could not decide")
		})), &logs
	}

	t.Run("custom", func(t *testing.T) {
		var got error
		var gotPath string
		h, logs := build(t, func(w http.ResponseWriter, r *http.Request, err error) {
			got, gotPath = err, r.URL.Path
			http.Error(w, "our own error page", http.StatusServiceUnavailable)
		})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, request())
		if rec.Code != http.StatusServiceUnavailable || rec.Body.String() != "our own error page\n" {
			t.Errorf("answer %d %q, want the handler's 503", rec.Code, rec.Body)
		}
		var me *clerk.MiddlewareError
		if !errors.As(got, &me) {
			t.Fatalf("ErrorHandler got %T %v, want a *clerk.MiddlewareError", got, got)
		}
		if me.Reason != clerk.ReasonRemoteJWKFailedToLoad || gotPath != "/" {
			t.Errorf("reason %q, path %q; want %q for /", me.Reason, gotPath, clerk.ReasonRemoteJWKFailedToLoad)
		}
		if !strings.HasPrefix(got.Error(), "clerk: cannot authenticate the request: ") || !strings.Contains(got.Error(), "status 500") {
			t.Errorf("error %q does not say what failed", got)
		}
		if logs.Len() != 0 {
			t.Errorf("the middleware logged although ErrorHandler handles the error: %s", logs)
		}
		if jwksCalls.Load() == 0 {
			t.Error("the Backend API was never asked for the JWKS")
		}
	})

	t.Run("default", func(t *testing.T) {
		h, logs := build(t, nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, request())
		if rec.Code != http.StatusInternalServerError || rec.Body.String() != "internal error\n" {
			t.Errorf("answer %d %q, want 500 internal error", rec.Code, rec.Body)
		}
		if !strings.Contains(logs.String(), "cannot authenticate the request") || !strings.Contains(logs.String(), "jwk") {
			t.Errorf("log %q does not record the failure", logs)
		}
	})

	t.Run("not for signed-out requests", func(t *testing.T) {
		o := inst.Options()
		o.ErrorHandler = func(http.ResponseWriter, *http.Request, error) {
			t.Error("ErrorHandler called for a signed-out request")
		}
		mw, err := clerk.Middleware(o)
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		if rec.Code != http.StatusOK {
			t.Errorf("signed-out request answered %d", rec.Code)
		}
	})
}
