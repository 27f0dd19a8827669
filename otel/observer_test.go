package clerkotel_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	clerk "github.com/goclerk/clerk"
	"github.com/goclerk/clerk/backend"
	"github.com/goclerk/clerk/clerktest"
	clerkotel "github.com/goclerk/clerk/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// telemetry is an observer over in-memory exporters.
type telemetry struct {
	obs    *clerk.Observer
	reader *sdkmetric.ManualReader
	spans  *tracetest.SpanRecorder
	tracer trace.Tracer // plays otelhttp: the server span of each request
}

func newTelemetry(t *testing.T) *telemetry {
	t.Helper()
	reader := sdkmetric.NewManualReader()
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	obs, err := clerkotel.NewObserver(clerkotel.Options{
		MeterProvider:  sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)),
		TracerProvider: tp,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &telemetry{obs: obs, reader: reader, spans: spans, tracer: tp.Tracer("test")}
}

// serverSpans wraps h in a server span per request, as otelhttp does.
func (tm *telemetry) serverSpans(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, span := tm.tracer.Start(r.Context(), "GET /api", trace.WithSpanKind(trace.SpanKindServer))
		defer span.End()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

func (tm *telemetry) collect(t *testing.T) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := tm.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	return rm
}

func find(rm metricdata.ResourceMetrics, name string) (metricdata.Metrics, bool) {
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == name {
				return m, true
			}
		}
	}
	return metricdata.Metrics{}, false
}

// sums returns a counter's values keyed by the named attributes' values,
// joined by "|".
func sums(t *testing.T, rm metricdata.ResourceMetrics, name string, keys ...attribute.Key) map[string]int64 {
	t.Helper()
	m, ok := find(rm, name)
	if !ok {
		t.Fatalf("no metric %s", name)
	}
	sum, ok := m.Data.(metricdata.Sum[int64])
	if !ok || !sum.IsMonotonic {
		t.Fatalf("%s is %T, want a monotonic int64 sum", name, m.Data)
	}
	out := map[string]int64{}
	for _, dp := range sum.DataPoints {
		out[join(dp.Attributes, keys)] += dp.Value
	}
	return out
}

func join(set attribute.Set, keys []attribute.Key) string {
	var parts []string
	for _, k := range keys {
		v, _ := set.Value(k)
		parts = append(parts, v.String())
	}
	return strings.Join(parts, "|")
}

// value is k's value in set as text, "" when absent.
func value(set attribute.Set, k attribute.Key) string {
	v, _ := set.Value(k)
	return v.String()
}

func equal(t *testing.T, what string, got, want map[string]int64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
		return
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", what, got, want)
			return
		}
	}
}

// A load of mixed requests — valid session tokens, expired and forged
// ones, signed-out requests, API keys, Authenticate calls, and a handler
// calling the Backend API — shows as decisions by reason, one JWKS fetch,
// cache hits and misses, and a span per Backend API call, each under the
// span of the request it serves.
func TestMixedLoad(t *testing.T) {
	tm := newTelemetry(t)
	ci := clerktest.New(t, clerktest.Options{Production: true})
	ci.Handle("GET /v1/users/{id}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"object": "user", "id": r.PathValue("id")})
	}))
	opts := ci.Options()
	opts.JWTKey = "" // verify with the JWKS, fetched from the fake Backend API
	opts.Observer = tm.obs
	a, err := clerk.NewAuthenticator(opts)
	if err != nil {
		t.Fatal(err)
	}
	// The application's own client, observed too.
	app, err := backend.NewClient(backend.Config{SecretKey: ci.SecretKey, APIURL: ci.APIURL, Observer: tm.obs.Backend})
	if err != nil {
		t.Fatal(err)
	}
	h := tm.serverSpans(a.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("lookup") {
			if _, err := app.Users.Get(r.Context(), clerk.GetAuth(r).UserID); err != nil {
				t.Errorf("Users.Get: %v", err)
			}
		}
	})))

	var valid, expired, forged, apiKeys []string
	for i := range 5 {
		valid = append(valid, ci.SessionToken(clerktest.Session{UserID: "user_" + string(rune('a'+i))}))
	}
	for range 3 {
		expired = append(expired, ci.SessionToken(clerktest.Session{TTL: -time.Minute}))
		apiKeys = append(apiKeys, ci.APIKey(clerktest.APIKeySpec{}))
	}
	for range 2 {
		v := ci.SessionToken(clerktest.Session{})
		forged = append(forged, v[:len(v)-8]+"AAAAAAAA")
	}
	serve := func(token, query string) {
		r := httptest.NewRequest("GET", "/api"+query, nil)
		r.Header.Set("Accept", "application/json")
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			t.Errorf("status %d", w.Code)
		}
	}
	// First pass, in order: each token once; the first request fetches
	// the JWKS and every valid token misses the cache.
	var all []string
	all = append(all, valid...)
	all = append(all, expired...)
	all = append(all, forged...)
	all = append(all, apiKeys...)
	for _, tok := range all {
		serve(tok, "")
	}
	// Second pass, concurrent: the valid tokens three times more (cache
	// hits), signed-out requests, and a handler calling the Backend API.
	var wg sync.WaitGroup
	for range 3 {
		for _, tok := range valid {
			wg.Go(func() { serve(tok, "") })
		}
	}
	for range 4 {
		wg.Go(func() { serve("", "") })
	}
	wg.Go(func() { serve(valid[0], "?lookup=1") })
	wg.Go(func() { a.Authenticate(context.Background(), valid[1]) })
	wg.Go(func() { a.Authenticate(context.Background(), expired[0]) })
	wg.Wait()

	rm := tm.collect(t)
	equal(t, "decisions", sums(t, rm, "clerk.auth.decisions", clerkotel.AttrAuthStatus, clerkotel.AttrAuthReason, clerkotel.AttrTokenType, clerkotel.AttrAuthError), map[string]int64{
		"signed-in||session_token|false":                               5 + 15 + 1 + 1,
		"signed-out|session-token-expired|session_token|false":         3 + 1,
		"signed-out|token-invalid-signature|session_token|false":       2,
		"signed-out|session-token-and-uat-missing|session_token|false": 4,
		"signed-in||api_key|false":                                     3,
	})
	equal(t, "JWKS fetches", sums(t, rm, "clerk.jwks.fetches", clerkotel.AttrJWKSOutcome, clerkotel.AttrJWKSBackground), map[string]int64{
		"ok|false": 1,
	})
	equal(t, "cache lookups", sums(t, rm, "clerk.token_cache.lookups", clerkotel.AttrTokenType, clerkotel.AttrCacheHit), map[string]int64{
		"session_token|false": 5 + 3 + 2 + 1, // first sight of each, expired and forged ones every time
		"session_token|true":  15 + 1 + 1,
		"api_key|false":       3,
	})
	m, ok := find(rm, "clerk.backend.request.duration")
	if !ok {
		t.Fatal("no clerk.backend.request.duration")
	}
	hist := m.Data.(metricdata.Histogram[float64])
	calls := map[string]uint64{}
	for _, dp := range hist.DataPoints {
		calls[join(dp.Attributes, []attribute.Key{clerkotel.AttrHTTPMethod, clerkotel.AttrURLTemplate, clerkotel.AttrBackendOperation, clerkotel.AttrHTTPStatus})] += dp.Count
		if m.Unit != "s" || dp.Sum <= 0 {
			t.Errorf("duration point %v: unit %q sum %v", dp.Attributes, m.Unit, dp.Sum)
		}
	}
	if len(calls) != 3 || calls["GET|/jwks|GetJWKS|200"] != 1 || calls["POST|/api_keys/verify|verifyApiKey|200"] != 3 || calls["GET|/users/{user_id}|GetUser|200"] != 1 {
		t.Errorf("Backend API calls = %v", calls)
	}

	// Spans: a JWKS fetch under the first request's span, its GET /jwks
	// under it, each API key verification and the handler's GetUser under
	// their request's span.
	ended := tm.spans.Ended()
	byName := map[string][]sdktrace.ReadOnlySpan{}
	byID := map[trace.SpanID]sdktrace.ReadOnlySpan{}
	for _, s := range ended {
		byName[s.Name()] = append(byName[s.Name()], s)
		byID[s.SpanContext().SpanID()] = s
	}
	parentName := func(s sdktrace.ReadOnlySpan) string {
		if p, ok := byID[s.Parent().SpanID()]; ok && s.Parent().TraceID() == s.SpanContext().TraceID() {
			return p.Name()
		}
		return "(none)"
	}
	for name, want := range map[string]struct {
		n      int
		parent string
		kind   trace.SpanKind
	}{
		"clerk.jwks.fetch":      {1, "GET /api", trace.SpanKindInternal},
		"GET /jwks":             {1, "clerk.jwks.fetch", trace.SpanKindClient},
		"POST /api_keys/verify": {3, "GET /api", trace.SpanKindClient},
		"GET /users/{user_id}":  {1, "GET /api", trace.SpanKindClient},
	} {
		got := byName[name]
		if len(got) != want.n {
			t.Errorf("%d %q spans, want %d", len(got), name, want.n)
			continue
		}
		for _, s := range got {
			if p := parentName(s); p != want.parent || s.SpanKind() != want.kind {
				t.Errorf("span %q: parent %q kind %v, want parent %q kind %v", name, p, s.SpanKind(), want.parent, want.kind)
			}
		}
	}
	if s := byName["clerk.jwks.fetch"]; len(s) == 1 {
		attrs := attribute.NewSet(s[0].Attributes()...)
		if v := value(attrs, clerkotel.AttrJWKSOutcome); v != "ok" {
			t.Errorf("JWKS span outcome %q", v)
		}
		if v := value(attrs, clerkotel.AttrJWKSKeys); v != "1" {
			t.Errorf("JWKS span keys %v", v)
		}
	}
	if s := byName["GET /users/{user_id}"]; len(s) == 1 {
		attrs := attribute.NewSet(s[0].Attributes()...)
		if v := value(attrs, clerkotel.AttrHTTPStatus); v != "200" {
			t.Errorf("GetUser span status %v", v)
		}
		if v := value(attrs, clerkotel.AttrBackendAttempts); v != "1" {
			t.Errorf("GetUser span attempts %v", v)
		}
	}
	// Neither a token, a key nor an ID reaches an attribute.
	secrets := append(append([]string{ci.SecretKey, "user_a"}, apiKeys...), valid...)
	for _, s := range ended {
		for _, kv := range s.Attributes() {
			for _, sec := range secrets {
				if strings.Contains(kv.Value.String(), sec) {
					t.Errorf("span %q attribute %s holds %.12s…", s.Name(), kv.Key, sec)
				}
			}
		}
	}
}

// A JWKS endpoint that fails: the fetch counts as "status", its span and
// the Backend API call's are errors, and the decision says why.
func TestJWKSFailure(t *testing.T) {
	tm := newTelemetry(t)
	ci := clerktest.New(t, clerktest.Options{Production: true})
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer down.Close()
	opts := ci.Options()
	opts.JWTKey, opts.APIURL, opts.Observer = "", down.URL, tm.obs
	a, err := clerk.NewAuthenticator(opts)
	if err != nil {
		t.Fatal(err)
	}
	auth := a.Authenticate(context.Background(), ci.SessionToken(clerktest.Session{}))
	if auth.IsAuthenticated || auth.Reason() != clerk.ReasonRemoteJWKFailedToLoad {
		t.Fatalf("auth = %+v (%s)", auth, auth.Reason())
	}
	rm := tm.collect(t)
	equal(t, "JWKS fetches", sums(t, rm, "clerk.jwks.fetches", clerkotel.AttrJWKSOutcome), map[string]int64{"status": 1})
	equal(t, "decisions", sums(t, rm, "clerk.auth.decisions", clerkotel.AttrAuthStatus, clerkotel.AttrAuthReason), map[string]int64{
		"signed-out|jwk-remote-failed-to-load": 1,
	})
	var fetch, call sdktrace.ReadOnlySpan
	for _, s := range tm.spans.Ended() {
		switch s.Name() {
		case "clerk.jwks.fetch":
			fetch = s
		case "GET /jwks":
			call = s
		}
	}
	if fetch == nil || call == nil {
		t.Fatalf("spans: %v", tm.spans.Ended())
	}
	if fetch.Status().Code != codes.Error || call.Status().Code != codes.Error || call.Parent().SpanID() != fetch.SpanContext().SpanID() {
		t.Errorf("fetch %v, call %v (parent %v)", fetch.Status(), call.Status(), call.Parent().SpanID())
	}
	if v := value(attribute.NewSet(call.Attributes()...), clerkotel.AttrErrorType); v != "503" {
		t.Errorf("call error.type = %q", v)
	}
}
