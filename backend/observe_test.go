package backend_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/goclerk/clerk/backend"
)

type obsKey struct{}

// recordingObserver keeps every call and outcome it is told of.
type recordingObserver struct {
	mu      sync.Mutex
	calls   []backend.CallInfo
	results []backend.CallResult
}

func (o *recordingObserver) observer() *backend.Observer {
	return &backend.Observer{Call: func(ctx context.Context, c backend.CallInfo) (context.Context, func(backend.CallResult)) {
		o.mu.Lock()
		o.calls = append(o.calls, c)
		o.mu.Unlock()
		return context.WithValue(ctx, obsKey{}, c.Operation), func(r backend.CallResult) {
			o.mu.Lock()
			o.results = append(o.results, r)
			o.mu.Unlock()
		}
	}}
}

// ctxTransport records the observer's context value each attempt runs with.
type ctxTransport struct {
	mu   sync.Mutex
	seen []any
}

func (t *ctxTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.mu.Lock()
	t.seen = append(t.seen, r.Context().Value(obsKey{}))
	t.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func TestObserverSeesCallsWithRouteStatusAndAttempts(t *testing.T) {
	var n int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/v1/users/user_1" && n == 0:
			n++
			w.WriteHeader(http.StatusServiceUnavailable)
		case r.URL.Path == "/v1/users/user_1":
			io.WriteString(w, `{"id":"user_1"}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"errors":[{"code":"resource_not_found","message":"not found"}]}`)
		}
	}))
	defer srv.Close()
	rec, tr := &recordingObserver{}, &ctxTransport{}
	c, _ := newTestClient(t, srv.URL, func(cfg *backend.Config) {
		cfg.Observer = rec.observer()
		cfg.HTTPClient = &http.Client{Transport: tr}
	})

	if _, err := c.Users.Get(context.Background(), "user_1"); err != nil {
		t.Fatal(err)
	}
	_, err := c.Organizations.Get(context.Background(), "org_x", nil)
	var ae *backend.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want an *APIError", err)
	}
	if err := c.Do(context.Background(), backend.Request{Path: "/not/a/route"}, nil); err == nil {
		t.Fatal("want an error for an unknown path")
	}

	want := []backend.CallInfo{
		{Operation: "GetUser", Method: "GET", Route: "/users/{user_id}"},
		{Operation: "GetOrganization", Method: "GET", Route: "/organizations/{organization_id}"},
		{Method: "GET"},
	}
	if len(rec.calls) != len(want) || len(rec.results) != len(want) {
		t.Fatalf("calls %v, results %v", rec.calls, rec.results)
	}
	for i, w := range want {
		if rec.calls[i] != w {
			t.Errorf("call %d = %+v, want %+v", i, rec.calls[i], w)
		}
	}
	for i, w := range []struct{ status, attempts int }{{200, 2}, {404, 1}, {404, 1}} {
		r := rec.results[i]
		if r.StatusCode != w.status || r.Attempts != w.attempts || r.Duration < 0 {
			t.Errorf("result %d = %+v, want status %d after %d attempts", i, r, w.status, w.attempts)
		}
	}
	if rec.results[0].Err != nil || !errors.As(rec.results[1].Err, &ae) {
		t.Errorf("errors = %v, %v", rec.results[0].Err, rec.results[1].Err)
	}
	// Every attempt runs with the context the observer returned.
	if got := tr.seen; len(got) != 4 || got[0] != "GetUser" || got[1] != "GetUser" || got[2] != "GetOrganization" || got[3] != "" {
		t.Errorf("attempt contexts carried %v", got)
	}
}

func TestObserverSeesCallsRefusedBeforeSending(t *testing.T) {
	rec := &recordingObserver{}
	t.Setenv("CLERK_SECRET_KEY", "")
	c, err := backend.NewClient(backend.Config{APIURL: "http://127.0.0.1:1", Observer: rec.observer()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err = c.Users.Get(context.Background(), "user_1"); !errors.Is(err, backend.ErrMissingSecretKey) {
		t.Fatalf("err = %v, want ErrMissingSecretKey", err)
	}
	if len(rec.results) != 1 || rec.results[0].Attempts != 0 || rec.results[0].StatusCode != 0 || !errors.Is(rec.results[0].Err, backend.ErrMissingSecretKey) {
		t.Errorf("results = %+v", rec.results)
	}
	if strings.Contains(rec.calls[0].Route, "user_1") {
		t.Errorf("route %q holds the ID", rec.calls[0].Route)
	}
}

// TestObserverNilHooks: an Observer without Call, or a Call answering
// nil, changes nothing.
func TestObserverNilHooks(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"id":"user_1"}`) }))
	defer srv.Close()
	for _, o := range []*backend.Observer{{}, {Call: func(context.Context, backend.CallInfo) (context.Context, func(backend.CallResult)) { return nil, nil }}} {
		c, _ := newTestClient(t, srv.URL, func(cfg *backend.Config) { cfg.Observer = o })
		if u, err := c.Users.Get(context.Background(), "user_1"); err != nil || u.ID != "user_1" {
			t.Errorf("Get = %v, %v", u, err)
		}
	}
}
