package localclerk

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	testKeyOnce sync.Once
	testKeyVal  *rsa.PrivateKey
)

func sharedTestKey(t testing.TB) *rsa.PrivateKey {
	testKeyOnce.Do(func() {
		k, err := generateKey()
		if err != nil {
			panic(err)
		}
		testKeyVal = k
	})
	return testKeyVal
}

// fakeClock is an injectable, manually advanced clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 5, 12, 10, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type harness struct {
	t     *testing.T
	inst  *Instance
	clock *fakeClock
	http  *http.Client
}

func start(t *testing.T, opts Options) *harness {
	t.Helper()
	clock := newFakeClock()
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	opts.testKey = sharedTestKey(t)
	inst, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { inst.Close() })
	// The jar keeps localclerk's own client cookie, as a browser does.
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, inst: inst, clock: clock, http: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}}
}

// bapi calls the Backend API with the secret key and decodes the answer.
func (h *harness) bapi(method, path string, body any, out any) int {
	h.t.Helper()
	return h.bapiAuth(method, path, "Bearer "+h.inst.SecretKey, body, out)
}

func (h *harness) bapiAuth(method, path, auth string, body any, out any) int {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, h.inst.BackendAPIURL+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := h.http.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		h.t.Errorf("%s %s: content-type %q, want application/json", method, path, ct)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			h.t.Fatalf("%s %s: decode %s: %v", method, path, data, err)
		}
	}
	return resp.StatusCode
}

// get issues a GET against the instance (FAPI/pages) with optional cookies.
func (h *harness) get(rawURL string, cookies ...*http.Cookie) *http.Response {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := h.http.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func (h *harness) postForm(path string, form url.Values) *http.Response {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.inst.FrontendAPIURL+path, strings.NewReader(form.Encode()))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", h.inst.FrontendAPIURL)
	resp, err := h.http.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// handshakeURL builds a handshake request like @clerk/backend does.
func (h *harness) handshakeURL(redirect, format, dvb string, suffixed bool, extra ...string) string {
	q := url.Values{}
	q.Set("redirect_url", redirect)
	q.Set("__clerk_api_version", "2026-05-12")
	q.Set("suffixed_cookies", map[bool]string{true: "true", false: "false"}[suffixed])
	q.Set("__clerk_hs_reason", "test")
	q.Set("format", format)
	if dvb != "" {
		q.Set("__clerk_db_jwt", dvb)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return h.inst.FrontendAPIURL + "/v1/client/handshake?" + q.Encode()
}

// handshake performs a handshake and returns the cookie directives (via the
// token or nonce path) and the dev browser from the redirect.
func (h *harness) handshake(redirect, format, dvb string, suffixed bool, extra ...string) (dirs []string, newDVB string) {
	h.t.Helper()
	resp := h.get(h.handshakeURL(redirect, format, dvb, suffixed, extra...))
	if resp.StatusCode != http.StatusTemporaryRedirect {
		h.t.Fatalf("handshake status %d", resp.StatusCode)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		h.t.Errorf("handshake Cache-Control = %q", cc)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		h.t.Fatal(err)
	}
	if !strings.HasPrefix(loc.String(), redirect) {
		h.t.Fatalf("handshake redirected to %s, want %s...", loc, redirect)
	}
	q := loc.Query()
	newDVB = q.Get("__clerk_db_jwt")
	switch format {
	case "nonce":
		nonce := q.Get("__clerk_handshake_nonce")
		if nonce == "" {
			h.t.Fatalf("no nonce in %s", loc)
		}
		var payload struct {
			Directives []string `json:"directives"`
		}
		if st := h.bapi("GET", "/v1/clients/handshake_payload?nonce="+url.QueryEscape(nonce), nil, &payload); st != 200 {
			h.t.Fatalf("handshake_payload status %d", st)
		}
		return payload.Directives, newDVB
	default:
		tok := q.Get("__clerk_handshake")
		header, claims := h.verifyJWT(tok)
		if header["kid"] != h.inst.KeyID {
			h.t.Errorf("handshake kid %v", header["kid"])
		}
		raw, _ := json.Marshal(claims["handshake"])
		if err := json.Unmarshal(raw, &dirs); err != nil {
			h.t.Fatalf("handshake payload %s: %v", raw, err)
		}
		return dirs, newDVB
	}
}

// verifyJWT checks an RS256 JWT against the instance's JWKS using
// crypto/rsa directly, and returns header and claims.
func (h *harness) verifyJWT(tok string) (map[string]any, map[string]any) {
	h.t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		h.t.Fatalf("not a JWT: %q", tok)
	}
	var jwks struct {
		Keys []struct{ Kid, Kty, Alg, Use, N, E string } `json:"keys"`
	}
	resp, err := h.http.Get(h.inst.FrontendAPIURL + "/.well-known/jwks.json")
	if err != nil {
		h.t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&jwks)
	resp.Body.Close()
	var header, claims map[string]any
	hb, _ := base64.RawURLEncoding.DecodeString(parts[0])
	cb, _ := base64.RawURLEncoding.DecodeString(parts[1])
	if err := json.Unmarshal(hb, &header); err != nil {
		h.t.Fatalf("header: %v", err)
	}
	if err := json.Unmarshal(cb, &claims); err != nil {
		h.t.Fatalf("claims: %v", err)
	}
	var pub *rsa.PublicKey
	for _, k := range jwks.Keys {
		if k.Kid == header["kid"] && k.Kty == "RSA" && k.Alg == "RS256" && k.Use == "sig" {
			n, _ := base64.RawURLEncoding.DecodeString(k.N)
			e, _ := base64.RawURLEncoding.DecodeString(k.E)
			pub = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		}
	}
	if pub == nil {
		h.t.Fatalf("kid %v not in JWKS", header["kid"])
	}
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
		h.t.Fatalf("signature: %v", err)
	}
	// The PEM must be the same key.
	b, _ := pem.Decode([]byte(h.inst.PublicKeyPEM))
	pk, err := x509.ParsePKIXPublicKey(b.Bytes)
	if err != nil || !pk.(*rsa.PublicKey).Equal(pub) {
		h.t.Fatalf("PublicKeyPEM does not match JWKS: %v", err)
	}
	if header["alg"] != "RS256" || header["typ"] != "JWT" {
		h.t.Errorf("header %v", header)
	}
	return header, claims
}

// cookieValue finds a directive's value by exact cookie name.
func cookieValue(dirs []string, name string) (string, bool) {
	for _, d := range dirs {
		nv, _, _ := strings.Cut(d, ";")
		n, v, _ := strings.Cut(nv, "=")
		if n == name {
			return v, true
		}
	}
	return "", false
}

// decodePermissions mirrors @clerk/shared's decoding of o.per/o.fpm/fea.
func decodePermissions(t *testing.T, claims map[string]any) []string {
	o, _ := claims["o"].(map[string]any)
	if o == nil {
		return nil
	}
	per, _ := o["per"].(string)
	fpm, _ := o["fpm"].(string)
	fea, _ := claims["fea"].(string)
	if per == "" || fpm == "" {
		return nil
	}
	var feats []string
	for _, p := range strings.Split(fea, ",") {
		scope, v, ok := strings.Cut(strings.TrimSpace(p), ":")
		if !ok {
			t.Fatalf("bad fea element %q", p)
		}
		if scope == "o" || scope == "ou" || scope == "uo" {
			feats = append(feats, v)
		}
	}
	perms := strings.Split(per, ",")
	masks := strings.Split(fpm, ",")
	var out []string
	for fi, f := range feats {
		if fi >= len(masks) {
			continue
		}
		m, ok := new(big.Int).SetString(strings.TrimSpace(masks[fi]), 10)
		if !ok {
			t.Fatalf("bad fpm %q", masks[fi])
		}
		for pi, p := range perms {
			if m.Bit(pi) == 1 {
				out = append(out, "org:"+f+":"+p)
			}
		}
	}
	return out
}
