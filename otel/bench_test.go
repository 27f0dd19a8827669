package clerkotel_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	clerk "github.com/goclerk/clerk"
	"github.com/goclerk/clerk/clerktest"
	clerkotel "github.com/goclerk/clerk/otel"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// BenchmarkMiddlewareCacheHit is the root module's benchmark of the same
// name with the observer reporting to the OpenTelemetry SDK (a manual
// reader, a tracer that samples everything): the cost of the metrics on
// a request whose token is cached (no span: no call is made).
func BenchmarkMiddlewareCacheHit(b *testing.B) {
	ci := clerktest.New(b, clerktest.Options{})
	obs, err := clerkotel.NewObserver(clerkotel.Options{
		MeterProvider:  sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader())),
		TracerProvider: sdktrace.NewTracerProvider(),
	})
	if err != nil {
		b.Fatal(err)
	}
	opts := ci.Options()
	opts.Observer = obs
	mw, err := clerk.Middleware(opts)
	if err != nil {
		b.Fatal(err)
	}
	var signedIn bool
	h := mw(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { signedIn = clerk.GetAuth(r).IsAuthenticated }))
	r := httptest.NewRequest("GET", "/api", nil)
	r.Header.Set("Authorization", "Bearer "+ci.SessionToken(clerktest.Session{}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusOK || !signedIn {
		b.Fatalf("status %d, signed in %v", w.Code, signedIn)
	}
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, r)
	}
}
