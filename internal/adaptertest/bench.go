package adaptertest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/goclerk/clerk"
	"github.com/goclerk/clerk/clerktest"
)

// BenchmarkSessionHeader measures the handler build returns on a signed-in
// request: a session token of a fresh instance in the Authorization header
// (networkless verification, cached after the first request), GET AuthPath.
// Each request must answer 200.
func BenchmarkSessionHeader(b *testing.B, build func(clerk.Options) (http.Handler, error)) {
	inst := clerktest.New(b, clerktest.Options{})
	h, err := build(inst.Options())
	if err != nil {
		b.Fatal(err)
	}
	auth := "Bearer " + inst.SessionToken(clerktest.Session{})
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, AuthPath, nil)
		req.Header.Set("Authorization", auth)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
