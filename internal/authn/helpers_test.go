package authn

import (
	"github.com/goclerk/clerk/backend"

	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	_ "crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goclerk/clerk/internal/jwt"
	"github.com/goclerk/clerk/internal/reasons"
)

// The fixed clock every test runs on.
var testNow = time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC)

const (
	testKid       = "ins_main"
	testFAPI      = "clerk.example.com"
	testOrigin    = "http://localhost:3000"
	testDevBrowse = "dvb_test"
)

// pk_test / pk_live keys for clerk.example.com.
var (
	pkTest = "pk_test_" + base64.StdEncoding.EncodeToString([]byte(testFAPI+"$"))
	pkLive = "pk_live_" + base64.StdEncoding.EncodeToString([]byte(testFAPI+"$"))
)

var (
	keysOnce            sync.Once
	mainKey, foreignKey *rsa.PrivateKey
	keysErr             error
	testSuffixMemo      string
	testSuffixMemoOnce  sync.Once
)

// testKeys returns the instance key and a key of another instance.
func testKeys(tb testing.TB) (main, foreign *rsa.PrivateKey) {
	tb.Helper()
	keysOnce.Do(func() {
		mainKey, keysErr = rsa.GenerateKey(rand.Reader, 2048)
		if keysErr == nil {
			foreignKey, keysErr = rsa.GenerateKey(rand.Reader, 2048)
		}
	})
	if keysErr != nil {
		tb.Fatalf("generate RSA keys: %v", keysErr)
	}
	return mainKey, foreignKey
}

func testSuffix() string {
	testSuffixMemoOnce.Do(func() { testSuffixMemo = CookieSuffix(pkTest) })
	return testSuffixMemo
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func jsonB64(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatalf("marshal: %v", err)
	}
	return b64(b)
}

// signJWT signs header and payload with key (RS256 unless header names
// RS384/RS512). Header members default to alg RS256, typ JWT, kid ins_main;
// a nil value in header removes the member.
func signJWT(tb testing.TB, key *rsa.PrivateKey, header, payload map[string]any) string {
	tb.Helper()
	h := map[string]any{"alg": "RS256", "typ": "JWT", "kid": testKid}
	for k, v := range header {
		if v == nil {
			delete(h, k)
			continue
		}
		h[k] = v
	}
	input := jsonB64(tb, h) + "." + jsonB64(tb, payload)
	var hash crypto.Hash
	switch h["alg"] {
	case "RS384":
		hash = crypto.SHA384
	case "RS512":
		hash = crypto.SHA512
	default:
		hash = crypto.SHA256
	}
	hh := hash.New()
	hh.Write([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, hash, hh.Sum(nil))
	if err != nil {
		tb.Fatalf("sign: %v", err)
	}
	return input + "." + b64(sig)
}

// unsignedJWT builds a token whose signature is the given bytes.
func unsignedJWT(tb testing.TB, header, payload map[string]any, sig []byte) string {
	tb.Helper()
	return jsonB64(tb, header) + "." + jsonB64(tb, payload) + "." + b64(sig)
}

// sessionClaims is a valid v2 session payload at testNow; overrides replace
// members, and a nil override removes one.
func sessionClaims(overrides map[string]any) map[string]any {
	n := testNow.Unix()
	c := map[string]any{
		"azp": testOrigin,
		"exp": n + 3600,
		"fva": []int{0, -1},
		"iat": n - 30,
		"iss": "https://" + testFAPI,
		"nbf": n - 40,
		"sid": "sess_1",
		"sts": "active",
		"sub": "user_1",
		"v":   2,
	}
	for k, v := range overrides {
		if v == nil {
			delete(c, k)
			continue
		}
		c[k] = v
	}
	return c
}

var sessionHeader = map[string]any{"cat": jwt.CategorySessionToken}

// sessionToken signs sessionClaims(overrides) with the instance key.
func sessionToken(tb testing.TB, overrides map[string]any) string {
	tb.Helper()
	k, _ := testKeys(tb)
	return signJWT(tb, k, sessionHeader, sessionClaims(overrides))
}

// keySource is a jwks.Source over a fixed set of keys.
type keySource struct {
	keys map[string]*jwt.Key
	err  error
	mu   sync.Mutex
	n    int
}

func (s *keySource) Key(_ context.Context, kid string) (*jwt.Key, error) {
	s.mu.Lock()
	s.n++
	s.mu.Unlock()
	if s.err != nil {
		return nil, s.err
	}
	if k, ok := s.keys[kid]; ok {
		return k, nil
	}
	return nil, jwt.Errorf(reasons.JWKKidMismatch, "no key with kid %q", kid)
}

func newKeySource(tb testing.TB) *keySource {
	k, _ := testKeys(tb)
	return &keySource{keys: map[string]*jwt.Key{testKid: {Kid: testKid, Alg: "RS256", Public: &k.PublicKey}}}
}

// fakeBackend answers the Backend API calls from canned data.
type fakeBackend struct {
	mu sync.Mutex
	// Verify answers, by token; missing tokens answer 404.
	apiKeys, m2m, oauth map[string]json.RawMessage
	// err, when set, is returned by every verification call.
	err error
	// nonces maps handshake nonces to cookie directives; unknown nonces 404.
	nonces map[string][]string
	// refresh answers RefreshSession; nil answers 404 with no code.
	refresh func(sessionID string, body RefreshRequest) ([]string, error)

	calls        []string
	refreshBody  RefreshRequest
	refreshCalls int
}

var errNotFound = apiErr(404, "resource_not_found", "not found")

func (b *fakeBackend) record(call string) {
	b.mu.Lock()
	b.calls = append(b.calls, call)
	b.mu.Unlock()
}

func (b *fakeBackend) verify(kind string, m map[string]json.RawMessage, tok string) (json.RawMessage, error) {
	b.record(kind + ":" + tok)
	if b.err != nil {
		return nil, b.err
	}
	if v, ok := m[tok]; ok {
		return v, nil
	}
	return nil, errNotFound
}

func (b *fakeBackend) VerifyAPIKey(_ context.Context, secret string) (json.RawMessage, error) {
	return b.verify("api_key", b.apiKeys, secret)
}

func (b *fakeBackend) VerifyM2MToken(_ context.Context, token string) (json.RawMessage, error) {
	return b.verify("m2m", b.m2m, token)
}

func (b *fakeBackend) VerifyOAuthToken(_ context.Context, token string) (json.RawMessage, error) {
	return b.verify("oauth", b.oauth, token)
}

func (b *fakeBackend) HandshakePayload(_ context.Context, nonce string) ([]string, error) {
	b.record("nonce:" + nonce)
	if d, ok := b.nonces[nonce]; ok {
		return d, nil
	}
	return nil, errNotFound
}

func (b *fakeBackend) RefreshSession(_ context.Context, sessionID string, body RefreshRequest) ([]string, error) {
	b.record("refresh:" + sessionID)
	b.mu.Lock()
	b.refreshCalls++
	b.refreshBody = body
	b.mu.Unlock()
	if b.refresh == nil {
		return nil, apiErr(404, "", "")
	}
	return b.refresh(sessionID, body)
}

// devConfig is a development instance verifying with the instance key,
// accepting any token type as clerkMiddleware does.
func devConfig(tb testing.TB) *Config {
	tb.Helper()
	pk, err := ParsePublishableKey(pkTest)
	if err != nil {
		tb.Fatal(err)
	}
	return &Config{
		SecretKey: "sk_test_xxx",
		PK:        pk,
		Keys:      newKeySource(tb),
		ClockSkew: 5 * time.Second,
		Now:       func() time.Time { return testNow },
		Accepts:   AcceptsAny,
		Backend:   &fakeBackend{},
	}
}

func prodConfig(tb testing.TB) *Config {
	tb.Helper()
	c := devConfig(tb)
	pk, err := ParsePublishableKey(pkLive)
	if err != nil {
		tb.Fatal(err)
	}
	c.PK, c.SecretKey = pk, "sk_live_xxx"
	return c
}

var acceptsSession = Accepts{Types: []string{TokenSession}}

// facts builds Facts from an http.Request like the middleware does. Each
// header entry is "Name: value".
func facts(tb testing.TB, method, target string, header ...string) *Facts {
	tb.Helper()
	f := FactsFromRequest(request(tb, method, target, header...), false)
	return &f
}

// request is an incoming server request (RequestURI set) for target on
// testOrigin when it is a path, with headers "Name: value" (Host sets the
// request's host).
func request(tb testing.TB, method, target string, header ...string) *http.Request {
	tb.Helper()
	if method == "" {
		method = http.MethodGet
	}
	if strings.HasPrefix(target, "/") {
		target = testOrigin + target
	}
	r := httptest.NewRequest(method, target, nil)
	for _, h := range header {
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			tb.Fatalf("bad header %q", h)
		}
		value = strings.TrimSpace(value)
		if strings.EqualFold(name, "Host") {
			r.Host = value
			continue
		}
		r.Header.Add(name, value)
	}
	return r
}

const (
	docDest  = "Sec-Fetch-Dest: document"
	jsonAcc  = "Accept: application/json"
	htmlAcc  = "Accept: text/html,application/xhtml+xml"
	devCk    = "__clerk_db_jwt=" + testDevBrowse
	uatValue = "1795638000" // a client_uat before testNow's tokens' iat
)

func bearer(tok string) string { return "Authorization: Bearer " + tok }

func cookie(pairs ...string) string { return "Cookie: " + strings.Join(pairs, "; ") }

func uatCookie() string { return "__client_uat=" + itoa(int(testNow.Unix()-60)) }

func sessionCookie(tok string) string { return "__session=" + tok }

// authenticate runs the decision with a background context.
func authenticate(tb testing.TB, c *Config, f *Facts) *State {
	tb.Helper()
	st := Authenticate(context.Background(), f, c)
	if st == nil {
		tb.Fatal("Authenticate returned nil")
	}
	return st
}

// expect checks status and reason.
func expect(tb testing.TB, st *State, status, reason string) {
	tb.Helper()
	if st.Err != nil {
		tb.Fatalf("unexpected State.Err: %v", st.Err)
	}
	if st.Status != status || st.Reason != reason {
		tb.Fatalf("got status=%q reason=%q message=%q, want status=%q reason=%q", st.Status, st.Reason, st.Message, status, reason)
	}
	if st.Status != StatusSignedIn {
		if got := st.ResponseHeader().Get("X-Clerk-Auth-Status"); got != status {
			tb.Errorf("X-Clerk-Auth-Status = %q, want %q", got, status)
		}
		if got := st.ResponseHeader().Get("X-Clerk-Auth-Reason"); got != reason {
			tb.Errorf("X-Clerk-Auth-Reason = %q, want %q", got, reason)
		}
	}
}

// location parses the Location header of a handshake state.
func location(tb testing.TB, st *State) (base string, q Params) {
	tb.Helper()
	loc := st.Headers.Get("Location")
	if loc == "" {
		tb.Fatalf("no Location header; status=%q reason=%q", st.Status, st.Reason)
	}
	base, raw, _ := strings.Cut(loc, "?")
	return base, ParseParams(raw)
}

func param(tb testing.TB, q Params, name string) string {
	tb.Helper()
	v, ok := q.Get(name)
	if !ok {
		tb.Fatalf("query parameter %q missing in %v", name, q)
	}
	return v
}

var errTransport = errors.New("dial tcp: connection refused")

func crypto256(input string) []byte {
	h := sha256.Sum256([]byte(input))
	return h[:]
}

func rsaSign(k *rsa.PrivateKey, digest []byte) ([]byte, error) {
	return rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, digest)
}

// apiErr is a Backend API error answer as the client reports it.
func apiErr(status int, code, message string) *backend.APIError {
	e := &backend.APIError{StatusCode: status}
	if code != "" || message != "" {
		e.Errors = []backend.ClerkError{{Code: code, Message: message}}
	}
	return e
}
