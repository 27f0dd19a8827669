package clerk

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goclerk/clerk/internal/authn"
	"github.com/goclerk/clerk/internal/reasons"
)

// perfInstance is a fake instance for the benchmarks and the JWKS test.
type perfInstance struct {
	key *rsa.PrivateKey
	pem string
	pk  string
}

var (
	perfOnce sync.Once
	perfInst perfInstance
)

func perfSetup(tb testing.TB) perfInstance {
	perfOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			tb.Fatal(err)
		}
		spki, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
		perfInst = perfInstance{
			key: k,
			pem: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki})),
			pk:  "pk_test_" + base64.StdEncoding.EncodeToString([]byte("clerk.example.com$")),
		}
	})
	return perfInst
}

// perfToken mints a v2 session token for user i.
func perfToken(tb testing.TB, in perfInstance, i int, now time.Time) string {
	header := map[string]any{"alg": "RS256", "kid": "ins_perf", "typ": "JWT", "cat": "cl_B7d4PD111AAA"}
	claims := map[string]any{
		"sub": "user_" + strconv.Itoa(i), "sid": "sess_" + strconv.Itoa(i), "sts": "active", "v": 2,
		"iss": "https://clerk.example.com", "azp": "http://localhost:3000", "fva": []int{0, -1},
		"iat": now.Unix() - 10, "nbf": now.Unix() - 20, "exp": now.Unix() + 3600,
		"o":   map[string]any{"id": "org_1", "slg": "acme", "rol": "admin", "per": "read,manage", "fpm": "3"},
		"fea": "o:billing",
	}
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, in.key, crypto.SHA256, sum[:])
	if err != nil {
		tb.Fatal(err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// perfHandler is the middleware around a handler that writes the user id.
func perfHandler(tb testing.TB, opts Options) http.Handler {
	mw, err := Middleware(opts)
	if err != nil {
		tb.Fatal(err)
	}
	return mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = GetAuth(r).UserID
		w.WriteHeader(http.StatusNoContent)
	}))
}

// discard is a minimal ResponseWriter so benchmarks measure the middleware,
// not httptest.ResponseRecorder.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

func TestColdJWKSConcurrentRequestsFetchOnce(t *testing.T) {
	in := perfSetup(t)
	var fetches atomic.Int64
	release := make(chan struct{})
	jwk := map[string]any{"keys": []map[string]string{{
		"kid": "ins_perf", "kty": "RSA", "alg": "RS256", "use": "sig",
		"n": base64.RawURLEncoding.EncodeToString(in.key.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(in.key.E)).Bytes()),
	}}}
	bapi := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/jwks" {
			http.NotFound(w, r)
			return
		}
		fetches.Add(1)
		<-release // hold the fetch until every request is in flight
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(jwk)
	}))
	defer bapi.Close()

	h := perfHandler(t, Options{SecretKey: "sk_test_perf", PublishableKey: in.pk, APIURL: bapi.URL})
	const n = 1000
	tokens := make([]string, n)
	now := time.Now()
	for i := range tokens {
		tokens[i] = perfToken(t, in, i%50, now) // 50 users, 20 requests each
	}
	var wg, started sync.WaitGroup
	var failed atomic.Int64
	started.Add(n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(tok string) {
			defer wg.Done()
			r := httptest.NewRequest("GET", "/api", nil)
			r.Header.Set("Authorization", "Bearer "+tok)
			w := httptest.NewRecorder()
			started.Done()
			h.ServeHTTP(w, r)
			if w.Code != http.StatusNoContent || w.Header().Get("X-Clerk-Auth-Status") != "" {
				failed.Add(1)
			}
		}(tokens[i])
	}
	started.Wait()
	time.Sleep(50 * time.Millisecond) // let the goroutines reach the key lookup; the count below does not depend on it
	close(release)
	wg.Wait()
	if f := failed.Load(); f != 0 {
		t.Fatalf("%d of %d requests were not signed in", f, n)
	}
	if got := fetches.Load(); got != 1 {
		t.Fatalf("%d concurrent requests with a cold cache made %d /v1/jwks fetches, want exactly 1", n, got)
	}
}

func benchOptions(in perfInstance) Options {
	return Options{SecretKey: "sk_test_perf", PublishableKey: in.pk, JWTKey: in.pem, AuthorizedParties: []string{"http://localhost:3000"}}
}

// benchServe serves r through h on every iteration, after one request
// first when warm is set (a cache hit then finds the token cached).
func benchServe(b *testing.B, h http.Handler, r *http.Request, warm bool) {
	w := &discard{h: http.Header{}}
	if warm {
		h.ServeHTTP(w, r)
	}
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, r)
	}
}

// bearerRequest is an API request carrying a valid session token.
func bearerRequest(b *testing.B, in perfInstance) *http.Request {
	r := httptest.NewRequest("GET", "/api", nil)
	r.Header.Set("Authorization", "Bearer "+perfToken(b, in, 1, time.Now()))
	return r
}

// benchCacheHit: the same valid token on every request, answered by next.
func benchCacheHit(b *testing.B, next http.HandlerFunc) {
	in := perfSetup(b)
	mw, err := Middleware(benchOptions(in))
	if err != nil {
		b.Fatal(err)
	}
	benchServe(b, mw(next), bearerRequest(b, in), true)
}

// BenchmarkMiddlewareCacheHit: the same valid token on every request.
func BenchmarkMiddlewareCacheHit(b *testing.B) {
	in := perfSetup(b)
	benchServe(b, perfHandler(b, benchOptions(in)), bearerRequest(b, in), true)
}

// BenchmarkMiddlewareCacheHitObserved is BenchmarkMiddlewareCacheHit with
// the Decision and TokenCache hooks set to functions that do nothing: what
// observing itself costs (BenchmarkMiddlewareCacheHit has no Observer).
func BenchmarkMiddlewareCacheHitObserved(b *testing.B) {
	in := perfSetup(b)
	o := benchOptions(in)
	o.Observer = &Observer{Decision: func(context.Context, Decision) {}, TokenCache: func(context.Context, TokenCacheLookup) {}}
	benchServe(b, perfHandler(b, o), bearerRequest(b, in), true)
}

// BenchmarkMiddlewareCacheMiss: full verification on every request (the
// verified-token cache is off).
func BenchmarkMiddlewareCacheMiss(b *testing.B) {
	in := perfSetup(b)
	o := benchOptions(in)
	o.VerifiedTokenCacheSize = -1
	benchServe(b, perfHandler(b, o), bearerRequest(b, in), false)
}

// BenchmarkMiddlewareSignedOut: an API request without any token.
func BenchmarkMiddlewareSignedOut(b *testing.B) {
	in := perfSetup(b)
	r := httptest.NewRequest("GET", "/api", nil)
	r.Header.Set("Accept", "application/json")
	benchServe(b, perfHandler(b, benchOptions(in)), r, false)
}

// floorCtx is BenchmarkMiddlewareFloor's context value.
type floorCtx struct {
	context.Context
	req    http.Request
	vals   [2]string
	status string
}

type floorKey struct{}

func (c *floorCtx) Value(key any) any {
	if _, ok := key.(floorKey); ok {
		return c
	}
	return c.Context.Value(key)
}

// BenchmarkMiddlewareFloor is the floor for the signed-out path: a
// middleware that only does what any context-based one must (one
// allocation holding the context value and the request handed on) and
// sets the two headers Clerk's signed-out answer carries; the handler
// reads the value back. It reads no header and decides nothing, so it
// measures the harness and net/http's types, not goclerk.
func BenchmarkMiddlewareFloor(b *testing.B) {
	mw := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c := &floorCtx{Context: r.Context(), status: authn.StatusSignedOut}
			c.vals = [2]string{reasons.SessionTokenAndUATMissing, c.status}
			h := w.Header()
			h["X-Clerk-Auth-Reason"] = c.vals[0:1:1]
			h["X-Clerk-Auth-Status"] = c.vals[1:2:2]
			floorServe(c, next, w, r)
		})
	}
	r := httptest.NewRequest("GET", "/api", nil)
	r.Header.Set("Accept", "application/json")
	benchServe(b, mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.Context().Value(floorKey{}).(*floorCtx).status
		w.WriteHeader(http.StatusNoContent)
	})), r, false)
}

// floorServe is small, so r.WithContext is inlined and its copy is not
// allocated (as in requestAuth.serve).
func floorServe(c *floorCtx, next http.Handler, w http.ResponseWriter, r *http.Request) {
	c.req = *r.WithContext(c)
	next.ServeHTTP(w, &c.req)
}

// BenchmarkBareRS256Verify is the floor for the cache-miss path: SHA-256 of
// the signing input and crypto/rsa PKCS#1 v1.5 verification, nothing else.
func BenchmarkBareRS256Verify(b *testing.B) {
	in := perfSetup(b)
	tok := perfToken(b, in, 1, time.Now())
	dot := len(tok) - 1
	for tok[dot] != '.' {
		dot--
	}
	input := []byte(tok[:dot])
	sig, _ := base64.RawURLEncoding.DecodeString(tok[dot+1:])
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		sum := sha256.Sum256(input)
		if err := rsa.VerifyPKCS1v15(&in.key.PublicKey, crypto.SHA256, sum[:], sig); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecideCacheMiss is the decision alone (decode, verify, derive the
// auth properties) for a header token, without net/http around it.
func BenchmarkDecideCacheMiss(b *testing.B) {
	in := perfSetup(b)
	o := benchOptions(in)
	o.VerifiedTokenCacheSize = -1
	inst, err := newInstance(o)
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/api", nil)
	r.Header.Set("Authorization", "Bearer "+perfToken(b, in, 1, time.Now()))
	f := authn.FactsFromRequest(r, false)
	b.ReportAllocs()
	for b.Loop() {
		if st := authn.Authenticate(context.Background(), &f, &inst.cfg); st.Status != authn.StatusSignedIn {
			b.Fatal(st.Reason)
		}
	}
}

// BenchmarkMiddlewareCacheHitJSON: a cache hit whose handler encodes the
// auth object with json.Marshal(GetAuth(r)).
func BenchmarkMiddlewareCacheHitJSON(b *testing.B) {
	benchCacheHit(b, func(w http.ResponseWriter, r *http.Request) {
		out, err := json.Marshal(GetAuth(r))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = w.Write(out)
	})
}

// BenchmarkJSONMarshalFloor is the floor of MiddlewareCacheHitJSON's
// encoding: json.Marshal of the very bytes the auth object encodes to,
// as a json.RawMessage. encoding/json re-scans and copies what any
// json.Marshaler returns, so no Auth.MarshalJSON can cost less than this.
func BenchmarkJSONMarshalFloor(b *testing.B) {
	in := perfSetup(b)
	var obj json.RawMessage
	mw, err := Middleware(benchOptions(in))
	if err != nil {
		b.Fatal(err)
	}
	mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		obj, _ = json.Marshal(GetAuth(r))
	})).ServeHTTP(&discard{h: http.Header{}}, bearerRequest(b, in))
	if len(obj) < 400 {
		b.Fatalf("the auth object is %d bytes: not a signed-in session's", len(obj))
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(obj); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMiddlewareCacheHitWriteJSON: a cache hit whose handler answers
// GetAuth(r).WriteJSON(w), as the README and the conformance target do.
func BenchmarkMiddlewareCacheHitWriteJSON(b *testing.B) {
	benchCacheHit(b, func(w http.ResponseWriter, r *http.Request) { _ = GetAuth(r).WriteJSON(w) })
}

// BenchmarkMiddlewareCacheChurn: every request brings a token the cache has
// not seen and the cache is full, so each one is verified, inserted and
// makes room (the --tokens 20000 load of shared/perf).
func BenchmarkMiddlewareCacheChurn(b *testing.B) {
	in := perfSetup(b)
	o := benchOptions(in)
	o.VerifiedTokenCacheSize = 1000
	h := perfHandler(b, o)
	now := time.Now()
	reqs := make([]*http.Request, 3000)
	for i := range reqs {
		reqs[i] = httptest.NewRequest("GET", "/api", nil)
		reqs[i].Header.Set("Authorization", "Bearer "+perfToken(b, in, i, now))
	}
	w := &discard{h: http.Header{}}
	for _, r := range reqs {
		h.ServeHTTP(w, r)
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	defer reportCPU(b)()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, reqs[i%len(reqs)])
		i++
	}
}

// TestMiddlewareAllocatesOnce pins the one allocation per request (the
// context value, which also holds the request handed on): a signed-out
// request and a verified-token cache hit, each through to the handler.
func TestMiddlewareAllocatesOnce(t *testing.T) {
	in := perfSetup(t)
	h := perfHandler(t, benchOptions(in))
	signedOut := httptest.NewRequest("GET", "/api", nil)
	signedOut.Header.Set("Accept", "application/json")
	hit := httptest.NewRequest("GET", "/api", nil)
	hit.Header.Set("Authorization", "Bearer "+perfToken(t, in, 1, time.Now()))
	w := &discard{h: http.Header{}}
	h.ServeHTTP(w, hit) // verify and cache the token
	for name, r := range map[string]*http.Request{"signed-out": signedOut, "cache hit": hit} {
		if n := testing.AllocsPerRun(100, func() { clear(w.h); h.ServeHTTP(w, r) }); n != 1 {
			t.Errorf("%s: %v allocations per request, want 1", name, n)
		}
	}
}
