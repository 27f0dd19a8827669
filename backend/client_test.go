package backend_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goclerk/clerk/backend"
)

const testSecret = "sk_test_supersecretvalue123"

// sleeps records the waits a client asked for, without waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

func newTestClient(t *testing.T, url string, mod ...func(*backend.Config)) (*backend.Client, *sleeps) {
	t.Helper()
	sl := &sleeps{}
	cfg := backend.Config{SecretKey: testSecret, APIURL: url}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := backend.NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	backend.SetSleep(c, sl.sleep)
	return c, sl
}

func TestDoSendsHeadersAndURL(t *testing.T) {
	var got *http.Request
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Clone(context.Background())
		body, _ = io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"user_1"}`)
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL+"/")

	var out struct{ ID string }
	err := c.Do(context.Background(), backend.Request{Method: "POST", Path: "/users", Query: map[string][]string{"a": {"1"}}, Body: map[string]any{"x": 1}}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if out.ID != "user_1" {
		t.Errorf("decoded id = %q", out.ID)
	}
	if got.URL.Path != "/v1/users" || got.URL.RawQuery != "a=1" {
		t.Errorf("url = %s", got.URL)
	}
	for k, want := range map[string]string{
		"Authorization":     "Bearer " + testSecret,
		"Clerk-Api-Version": backend.SupportedAPIVersion,
		"User-Agent":        "goclerk/" + backend.Version,
		"Content-Type":      "application/json",
	} {
		if v := got.Header.Get(k); v != want {
			t.Errorf("header %s = %q, want %q", k, v, want)
		}
	}
	if string(body) != `{"x":1}` {
		t.Errorf("body = %s", body)
	}
}

func TestSkipVersionAndMachineKey(t *testing.T) {
	var path, auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path, auth = r.URL.Path, r.Header.Get("Authorization")
		io.WriteString(w, `{"object":"machine_to_machine_token","id":"mt_1","subject":"mch_1"}`)
	}))
	defer srv.Close()

	c, _ := newTestClient(t, srv.URL, func(cfg *backend.Config) { cfg.MachineSecretKey = "ak_machine" })
	tok, err := c.M2MTokens.Verify(context.Background(), "mt_secret")
	if err != nil {
		t.Fatal(err)
	}
	if path != "/m2m_tokens/verify" || auth != "Bearer ak_machine" || tok.Subject != "mch_1" {
		t.Errorf("path=%s auth=%s tok=%+v", path, auth, tok)
	}

	// Without a machine key the secret key is used.
	c2, _ := newTestClient(t, srv.URL)
	if _, err := c2.M2MTokens.Verify(context.Background(), "mt_secret"); err != nil {
		t.Fatal(err)
	}
	if auth != "Bearer "+testSecret {
		t.Errorf("auth = %s", auth)
	}
}

func TestEnvDefaults(t *testing.T) {
	t.Setenv("CLERK_SECRET_KEY", "sk_env")
	t.Setenv("CLERK_API_URL", "https://example.test/")
	t.Setenv("CLERK_API_VERSION", "v9")
	t.Setenv("CLERK_MACHINE_SECRET_KEY", "")
	c, err := backend.NewClient(backend.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if c.APIURL() != "https://example.test" || c.APIVersion() != "v9" || !c.HasSecretKey() {
		t.Errorf("got %s %s %v", c.APIURL(), c.APIVersion(), c.HasSecretKey())
	}
	// Explicit values win over the environment.
	c, _ = backend.NewClient(backend.Config{APIURL: "http://localhost:1", APIVersion: "v1"})
	if c.APIURL() != "http://localhost:1" || c.APIVersion() != "v1" {
		t.Errorf("got %s %s", c.APIURL(), c.APIVersion())
	}
	t.Setenv("CLERK_API_URL", "")
	t.Setenv("CLERK_API_VERSION", "")
	c, _ = backend.NewClient(backend.Config{})
	if c.APIURL() != "https://api.clerk.com" || c.APIVersion() != "v1" {
		t.Errorf("defaults: %s %s", c.APIURL(), c.APIVersion())
	}
	if _, err := backend.NewClient(backend.Config{APIURL: "not a url"}); err == nil {
		t.Error("want error for invalid API URL")
	}
}

func TestMissingSecretKeyFailsBeforeNetwork(t *testing.T) {
	t.Setenv("CLERK_SECRET_KEY", "")
	t.Setenv("CLERK_MACHINE_SECRET_KEY", "")
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls.Add(1) }))
	defer srv.Close()
	c, err := backend.NewClient(backend.Config{APIURL: srv.URL})
	if err != nil {
		t.Fatalf("a missing key must not fail construction: %v", err)
	}
	if c.HasSecretKey() {
		t.Error("HasSecretKey = true")
	}
	_, err = c.JWKS.Get(context.Background())
	if !errors.Is(err, backend.ErrMissingSecretKey) {
		t.Fatalf("err = %v, want ErrMissingSecretKey", err)
	}
	if calls.Load() != 0 {
		t.Errorf("%d requests sent", calls.Load())
	}
}

func TestEmptyPathParameterFailsBeforeNetwork(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls.Add(1) }))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL)
	if _, err := c.Users.Get(context.Background(), ""); !errors.Is(err, backend.ErrEmptyPathParam) {
		t.Errorf("Users.Get(\"\"): %v", err)
	}
	if _, err := c.Users.Ban(context.Background(), ""); !errors.Is(err, backend.ErrEmptyPathParam) {
		t.Errorf("Users.Ban(\"\"): %v", err)
	}
	if calls.Load() != 0 {
		t.Errorf("%d requests sent", calls.Load())
	}
}

func TestAPIError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("cf-ray", "ray-123")
		w.WriteHeader(http.StatusUnprocessableEntity)
		io.WriteString(w, `{"errors":[{"code":"form_param_format_invalid","message":"is invalid","long_message":"email_address must be a valid email address, got `+testSecret+`","meta":{"param_name":"email_address"}}],"meta":{"request_id":"r1"},"clerk_trace_id":"trace-abc"}`)
	}))
	defer srv.Close()
	c, sl := newTestClient(t, srv.URL)
	err := c.Do(context.Background(), backend.Request{Method: "GET", Path: "/users/user_1"}, nil)
	var apiErr *backend.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err %T %v is not an *APIError", err, err)
	}
	if apiErr.StatusCode != 422 || apiErr.TraceID != "trace-abc" || len(apiErr.Errors) != 1 {
		t.Fatalf("apiErr = %+v", apiErr)
	}
	d := apiErr.Errors[0]
	if d.Code != "form_param_format_invalid" || d.Message != "is invalid" || d.Meta["param_name"] != "email_address" {
		t.Errorf("detail = %+v", d)
	}
	if !apiErr.HasCode("form_param_format_invalid") || apiErr.HasCode("other") || apiErr.Code() != "form_param_format_invalid" {
		t.Error("HasCode/Code")
	}
	if apiErr.Meta["request_id"] != "r1" {
		t.Errorf("body meta = %v", apiErr.Meta)
	}
	msg := err.Error()
	if strings.Contains(msg, testSecret) || strings.Contains(string(apiErr.Body), testSecret) {
		t.Errorf("secret leaked into error: %s", msg)
	}
	for _, want := range []string{"422", "form_param_format_invalid", "trace-abc", "GET /users/user_1"} {
		if !strings.Contains(msg, want) {
			t.Errorf("Error() = %q lacks %q", msg, want)
		}
	}
	if len(sl.all()) != 0 {
		t.Error("422 must not be retried")
	}
}

func TestAPIErrorTraceIDFromCFRay(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("cf-ray", "ray-123")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"errors":[{"code":"resource_not_found","message":"not found"}]}`)
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL)
	_, err := c.JWKS.Get(context.Background())
	var apiErr *backend.APIError
	if !errors.As(err, &apiErr) || apiErr.TraceID != "ray-123" || apiErr.StatusCode != 404 {
		t.Fatalf("err = %v", err)
	}
}

func TestRetry429HonoursRetryAfter(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"errors":[{"code":"too_many_requests","message":"slow down"}]}`)
			return
		}
		io.WriteString(w, `{"keys":[{"kid":"ins_1","kty":"RSA","n":"abc","e":"AQAB"}]}`)
	}))
	defer srv.Close()
	c, sl := newTestClient(t, srv.URL)
	jwks, err := c.JWKS.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(jwks.Keys) != 1 || jwks.Keys[0].Kid != "ins_1" {
		t.Errorf("jwks = %+v", jwks)
	}
	if got := sl.all(); len(got) != 1 || got[0] != 7*time.Second {
		t.Errorf("sleeps = %v, want [7s]", got)
	}
}

func TestRetry503ThenGivesUp(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	c, sl := newTestClient(t, srv.URL, func(cfg *backend.Config) {
		cfg.MaxRetries = 3
		cfg.MinBackoff = 100 * time.Millisecond
		cfg.MaxBackoff = time.Second
	})
	err := c.Do(context.Background(), backend.Request{Method: "DELETE", Path: "/users/u"}, nil)
	var apiErr *backend.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || !apiErr.Temporary() {
		t.Fatalf("err = %v", err)
	}
	if calls.Load() != 4 {
		t.Errorf("calls = %d, want 4", calls.Load())
	}
	got := sl.all()
	if len(got) != 3 {
		t.Fatalf("sleeps = %v", got)
	}
	// Exponential steps 100ms, 200ms, 400ms, each jittered within [d/2, d].
	for i, d := range got {
		step := 100 * time.Millisecond << i
		if d < step/2 || d > step {
			t.Errorf("sleep %d = %v, want within [%v, %v]", i, d, step/2, step)
		}
	}
}

func TestRetryBoundedByTotalTime(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	c, sl := newTestClient(t, srv.URL, func(cfg *backend.Config) { cfg.MaxRetryElapsed = 10 * time.Second })
	err := c.Do(context.Background(), backend.Request{Method: "GET", Path: "/x"}, nil)
	var apiErr *backend.APIError
	if !errors.As(err, &apiErr) || apiErr.RetryAfter != 120*time.Second {
		t.Fatalf("err = %v", err)
	}
	if calls.Load() != 1 || len(sl.all()) != 0 {
		t.Errorf("a Retry-After beyond the time budget must end the call: calls=%d sleeps=%v", calls.Load(), sl.all())
	}
}

func TestRetryConnectionReset(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			hj, ok := w.(http.Hijacker)
			if !ok {
				t.Error("no hijacker")
				return
			}
			conn, _, _ := hj.Hijack()
			if tc, ok := conn.(*net.TCPConn); ok {
				tc.SetLinger(0) // RST instead of FIN
			}
			conn.Close()
			return
		}
		io.WriteString(w, `{"keys":[]}`)
	}))
	defer srv.Close()
	c, sl := newTestClient(t, srv.URL)
	if _, err := c.JWKS.Get(context.Background()); err != nil {
		t.Fatalf("want success after resets, got %v", err)
	}
	if calls.Load() != 3 || len(sl.all()) != 2 {
		t.Errorf("calls=%d sleeps=%v", calls.Load(), sl.all())
	}
}

func TestNoRetryForNonIdempotent(t *testing.T) {
	for _, method := range []string{"POST", "PATCH"} {
		var calls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			w.WriteHeader(http.StatusServiceUnavailable)
		}))
		c, sl := newTestClient(t, srv.URL)
		err := c.Do(context.Background(), backend.Request{Method: method, Path: "/users", Body: map[string]string{"a": "b"}}, nil)
		srv.Close()
		var apiErr *backend.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
			t.Errorf("%s: err = %v", method, err)
		}
		if calls.Load() != 1 || len(sl.all()) != 0 {
			t.Errorf("%s retried: calls=%d", method, calls.Load())
		}
	}
}

func TestContextCancellationStopsRetries(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusBadGateway)
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	c, err := backend.NewClient(backend.Config{SecretKey: testSecret, APIURL: srv.URL, MaxRetries: 10})
	if err != nil {
		t.Fatal(err)
	}
	backend.SetSleep(c, func(ctx context.Context, d time.Duration) error {
		cancel() // the caller gives up while we wait
		<-ctx.Done()
		return ctx.Err()
	})
	err = c.Do(ctx, backend.Request{Method: "GET", Path: "/x"}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if calls.Load() != 1 {
		t.Errorf("calls = %d, want 1", calls.Load())
	}
}

func TestContextCancelledDuringRequest(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cancel() // the caller gives up while the request is in flight
		<-r.Context().Done()
	}))
	defer srv.Close()
	c, sl := newTestClient(t, srv.URL)
	err := c.Do(ctx, backend.Request{Method: "GET", Path: "/x"}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if len(sl.all()) != 0 {
		t.Error("retried after cancellation")
	}
}

func TestPerAttemptTimeout(t *testing.T) {
	var calls atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		io.WriteString(w, `{"keys":[]}`)
	}))
	defer srv.Close()
	defer close(release)
	c, sl := newTestClient(t, srv.URL, func(cfg *backend.Config) { cfg.Timeout = 50 * time.Millisecond })
	if _, err := c.JWKS.Get(context.Background()); err != nil {
		t.Fatalf("the timed-out attempt should have been retried: %v", err)
	}
	if calls.Load() != 2 || len(sl.all()) != 1 {
		t.Errorf("calls=%d sleeps=%v", calls.Load(), sl.all())
	}
}

func TestEmptyBodiesAndNoContent(t *testing.T) {
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL)
	var out map[string]any
	for _, req := range []backend.Request{
		{Method: "POST", Path: "/a", Body: struct{}{}},
		{Method: "GET", Path: "/b", Body: map[string]int{"x": 1}},
		{Method: "POST", Path: "/c"},
	} {
		if err := c.Do(context.Background(), req, &out); err != nil {
			t.Fatal(err)
		}
	}
	for i, b := range bodies {
		if b != "" {
			t.Errorf("request %d sent body %q", i, b)
		}
	}
	if out != nil {
		t.Errorf("out = %v", out)
	}
}

func TestPathEscape(t *testing.T) {
	var raw string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw = r.URL.EscapedPath()
		json.NewEncoder(w).Encode(map[string]string{"object": "token", "jwt": "x.y.z"})
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL)
	tok, err := c.Sessions.CreateTokenFromTemplate(context.Background(), "sess_1", "../admin?x", nil)
	if err != nil {
		t.Fatal(err)
	}
	if raw != "/v1/sessions/sess_1/tokens/..%2Fadmin%3Fx" || tok.JWT != "x.y.z" {
		t.Errorf("path = %s tok=%+v", raw, tok)
	}
	if _, err := c.Sessions.CreateTokenFromTemplate(context.Background(), "..", "t", nil); err != nil {
		t.Fatal(err)
	}
	if raw != "/v1/sessions/%2E%2E/tokens/t" {
		t.Errorf("dot segment not escaped: %s", raw)
	}
}

func TestNoRetryOfPOSTAfterConnectionReset(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		conn, _, _ := w.(http.Hijacker).Hijack()
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
		conn.Close()
	}))
	defer srv.Close()
	c, sl := newTestClient(t, srv.URL)
	_, err := c.Sessions.CreateToken(context.Background(), "sess_1", nil)
	if err == nil {
		t.Fatal("want a network error")
	}
	var apiErr *backend.APIError
	if errors.As(err, &apiErr) {
		t.Errorf("a network failure is not an APIError: %v", err)
	}
	if calls.Load() != 1 || len(sl.all()) != 0 {
		t.Errorf("POST retried: calls=%d", calls.Load())
	}
}

// leakyTransport fails with an error that quotes the Authorization header,
// as a careless custom RoundTripper might.
type leakyTransport struct{}

func (leakyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, errors.New("proxy refused request with header " + r.Header.Get("Authorization"))
}

func TestSecretNeverInErrorsOrLogs(t *testing.T) {
	var logs strings.Builder
	c, err := backend.NewClient(backend.Config{
		SecretKey:  testSecret,
		APIURL:     "https://api.example.test",
		HTTPClient: &http.Client{Transport: leakyTransport{}},
		MaxRetries: 1,
		Logger:     slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	backend.SetSleep(c, func(ctx context.Context, d time.Duration) error { return nil })
	_, err = c.Users.Get(context.Background(), "user_1")
	if err == nil {
		t.Fatal("want error")
	}
	if strings.Contains(err.Error(), testSecret) {
		t.Errorf("secret in error: %v", err)
	}
	if !strings.Contains(err.Error(), "[redacted]") {
		t.Errorf("error lost its context: %v", err)
	}
	if strings.Contains(logs.String(), testSecret) {
		t.Errorf("secret in logs: %s", logs.String())
	}
	if strings.Count(logs.String(), "clerk backend request") != 2 {
		t.Errorf("want one log record per attempt, got:\n%s", logs.String())
	}
}

func TestMultipartUpload(t *testing.T) {
	var fileBody, fileName, ctype, uploader string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			t.Error(err)
			return
		}
		f, h, err := r.FormFile("file")
		if err != nil {
			t.Error(err)
			return
		}
		b, _ := io.ReadAll(f)
		fileBody, fileName, ctype = string(b), h.Filename, h.Header.Get("Content-Type")
		uploader = r.FormValue("uploader_user_id")
		io.WriteString(w, `{"object":"organization","id":"org_1","name":"Acme","has_image":true}`)
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL)
	org, err := c.Organizations.UploadLogo(context.Background(), "org_1", &backend.OrganizationUploadLogoParams{
		UploaderUserID: "user_1",
		File:           &backend.File{Name: "logo.png", ContentType: "image/png", Content: strings.NewReader("\x89PNG...")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if fileBody != "\x89PNG..." || fileName != "logo.png" || ctype != "image/png" || uploader != "user_1" || !org.HasImage {
		t.Errorf("file=%q name=%q type=%q uploader=%q org=%+v", fileBody, fileName, ctype, uploader, org)
	}
}

func TestConcurrentUse(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"object":"user","id":%q}`, strings.TrimPrefix(r.URL.Path, "/v1/users/"))
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL)
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("user_%d", i)
			u, err := c.Users.Get(context.Background(), id)
			if err != nil || u.ID != id {
				t.Errorf("%s: %v %v", id, u, err)
			}
		}()
	}
	wg.Wait()
}

func TestWithMaxRetriesOverridesConfigForOneCall(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer srv.Close()
	c, sl := newTestClient(t, srv.URL)
	_, err := c.JWKS.Get(context.Background(), backend.WithMaxRetries(0))
	var apiErr *backend.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 {
		t.Fatalf("err = %v", err)
	}
	if calls.Load() != 1 || len(sl.all()) != 0 {
		t.Errorf("calls=%d sleeps=%v, want no retry", calls.Load(), sl.all())
	}
	calls.Store(0)
	c.JWKS.Get(context.Background(), backend.WithMaxRetries(1))
	if calls.Load() != 2 {
		t.Errorf("calls=%d, want 2", calls.Load())
	}
	// The option holds for that call only: the next one retries as
	// Config.MaxRetries (DefaultMaxRetries) says.
	calls.Store(0)
	c.JWKS.Get(context.Background())
	if calls.Load() != 1+backend.DefaultMaxRetries {
		t.Errorf("calls=%d, want %d", calls.Load(), 1+backend.DefaultMaxRetries)
	}
}

// roundTripFunc lets a test see each outgoing request without a server.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestWithAttemptTimeoutOverridesTheClientTimeout(t *testing.T) {
	var left []time.Duration
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		dl, ok := r.Context().Deadline()
		if !ok {
			t.Fatal("the attempt has no deadline")
		}
		left = append(left, time.Until(dl))
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{"keys":[]}`))}, nil
	})}
	c, _ := newTestClient(t, "https://api.example.test", func(cfg *backend.Config) { cfg.HTTPClient, cfg.Timeout = hc, time.Hour })
	if _, err := c.JWKS.Get(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.JWKS.Get(context.Background(), backend.WithAttemptTimeout(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	if len(left) != 2 || left[0] <= 5*time.Second || left[1] > 5*time.Second || left[1] <= 4*time.Second {
		t.Fatalf("time left per attempt = %v, want ~1h (Config.Timeout) then <= 5s (WithAttemptTimeout)", left)
	}
}
