package clerk

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// syncRequest is a satellite's sync request reaching a development primary
// in a browser that holds a dev browser.
func syncRequest(back string) *http.Request {
	r := httptest.NewRequest("GET", "/sign-in?__clerk_redirect_url="+url.QueryEscape(back), nil)
	r.Header.Set("Sec-Fetch-Dest", "document")
	r.Header.Set("Cookie", "__clerk_db_jwt=dvb_victim")
	return r
}

func TestDevPrimarySyncRedirectsOnlyToAllowedOrigins(t *testing.T) {
	var domainCalls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/domains" {
			http.NotFound(w, r)
			return
		}
		domainCalls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"data":[
			{"object":"domain","id":"dmn_1","name":"example.com","is_satellite":false,"frontend_api_url":"https://clerk.example.com","development_origin":""},
			{"object":"domain","id":"dmn_2","name":"satellite.example.org","is_satellite":true,"frontend_api_url":"https://clerk.satellite.example.org","development_origin":""}
		],"total_count":2}`)
	}))
	t.Cleanup(srv.Close)
	in := perfSetup(t)
	opts := Options{SecretKey: "sk_test_x", PublishableKey: in.pk, JWTKey: in.pem, APIURL: srv.URL}
	mw, err := Middleware(opts)
	if err != nil {
		t.Fatal(err)
	}
	h := mw(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	serve := func(r *http.Request) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}

	w := serve(syncRequest("https://evil.example/collect"))
	if loc := w.Header().Get("Location"); loc != "" {
		t.Fatalf("redirected to %q, want no redirect", loc)
	}
	if w.Code != http.StatusOK || w.Header().Get("X-Clerk-Auth-Reason") != "session-token-and-uat-missing" {
		t.Fatalf("refused sync: %d %q, want the answer without the parameter", w.Code, w.Header().Get("X-Clerk-Auth-Reason"))
	}

	w = serve(syncRequest("http://satellite.example.org/page?__clerk_synced=false&x=1"))
	want := "http://satellite.example.org/page?__clerk_synced=true&x=1&__clerk_db_jwt=dvb_victim"
	if w.Code != http.StatusTemporaryRedirect || w.Header().Get("Location") != want {
		t.Fatalf("satellite sync: %d Location %q, want 307 to %q", w.Code, w.Header().Get("Location"), want)
	}
	if got := domainCalls.Load(); got != 1 {
		t.Fatalf("GET /v1/domains called %d times, want 1 (cached)", got)
	}

	opts.AllowedRedirectOrigins = []string{"https://Partner.example:443"}
	mw, err = Middleware(opts)
	if err != nil {
		t.Fatal(err)
	}
	h = mw(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	if w := serve(syncRequest("https://partner.example/back")); w.Code != http.StatusTemporaryRedirect || !strings.HasPrefix(w.Header().Get("Location"), "https://partner.example/back?") {
		t.Fatalf("AllowedRedirectOrigins: %d Location %q", w.Code, w.Header().Get("Location"))
	}
}

func TestAllowedRedirectOriginsValidated(t *testing.T) {
	in := perfSetup(t)
	for _, bad := range []string{"partner.example", "https://partner.example/path", "ftp://partner.example", "https://u@partner.example", "https://partner.example?x=1", "https://"} {
		_, err := Middleware(Options{SecretKey: "sk_test_x", PublishableKey: in.pk, JWTKey: in.pem, AllowedRedirectOrigins: []string{bad}})
		var oe *OptionError
		if !errors.As(err, &oe) || oe.Option != "AllowedRedirectOrigins" {
			t.Errorf("%q: err = %v, want an OptionError for AllowedRedirectOrigins", bad, err)
		}
	}
}

// By default, as in @clerk/express, X-Forwarded-Host/Proto name the URL a
// handshake comes back to; IgnoreForwardedHeaders uses Host and the
// connection instead.
func TestIgnoreForwardedHeaders(t *testing.T) {
	in := perfSetup(t)
	back := func(o Options) string {
		o.SecretKey, o.PublishableKey, o.JWTKey = "sk_test_x", in.pk, in.pem
		mw, err := Middleware(o)
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest("GET", "http://app.example.com/dash", nil)
		r.Header.Set("Sec-Fetch-Dest", "document")
		r.Header.Set("X-Forwarded-Host", "evil.example")
		r.Header.Set("X-Forwarded-Proto", "https")
		w := httptest.NewRecorder()
		mw(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})).ServeHTTP(w, r)
		loc, err := url.Parse(w.Header().Get("Location"))
		if err != nil || w.Code != http.StatusTemporaryRedirect {
			t.Fatalf("want a handshake redirect, got %d %q", w.Code, w.Header().Get("Location"))
		}
		return loc.Query().Get("redirect_url")
	}
	if got := back(Options{}); got != "https://evil.example/dash" {
		t.Errorf("default: handshake returns to %q, want the forwarded https://evil.example/dash", got)
	}
	if got := back(Options{IgnoreForwardedHeaders: true}); got != "http://app.example.com/dash" {
		t.Errorf("IgnoreForwardedHeaders: handshake returns to %q, want http://app.example.com/dash", got)
	}
}
