package clerk_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goclerk/clerk"
)

// Fixtures of the root package tests; names carry an rt prefix so they do
// not collide with other test files of the package.

var rtNow = time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC)

const (
	rtFAPI   = "clerk.example.com"
	rtOrigin = "http://localhost:3000"
	rtKid    = "ins_main"
)

var (
	rtPKTest = rtPK("pk_test_", rtFAPI)
	rtPKLive = rtPK("pk_live_", rtFAPI)
)

func rtPK(prefix, host string) string {
	return prefix + base64.StdEncoding.EncodeToString([]byte(host+"$"))
}

var (
	rtKeyOnce sync.Once
	rtKey     *rsa.PrivateKey
	rtPEM     string
)

func rtKeys(tb testing.TB) (*rsa.PrivateKey, string) {
	tb.Helper()
	rtKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
		if err != nil {
			panic(err)
		}
		rtKey, rtPEM = k, string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	})
	return rtKey, rtPEM
}

func rtB64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// rtSign signs a JWT (RS256) with the test key. Header defaults: alg RS256,
// typ JWT, kid ins_main; nil values remove members.
func rtSign(tb testing.TB, header, payload map[string]any) string {
	tb.Helper()
	k, _ := rtKeys(tb)
	h := map[string]any{"alg": "RS256", "typ": "JWT", "kid": rtKid}
	for key, v := range header {
		if v == nil {
			delete(h, key)
		} else {
			h[key] = v
		}
	}
	hb, _ := json.Marshal(h)
	pb, err := json.Marshal(payload)
	if err != nil {
		tb.Fatal(err)
	}
	input := rtB64(hb) + "." + rtB64(pb)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
	if err != nil {
		tb.Fatal(err)
	}
	return input + "." + rtB64(sig)
}

// rtClaims is a valid v2 session payload at rtNow.
func rtClaims(over map[string]any) map[string]any {
	n := rtNow.Unix()
	c := map[string]any{
		"azp": rtOrigin, "exp": n + 3600, "fva": []int{0, -1}, "iat": n - 30, "iss": "https://" + rtFAPI,
		"nbf": n - 40, "sid": "sess_1", "sts": "active", "sub": "user_1", "v": 2,
	}
	for k, v := range over {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

func rtSession(tb testing.TB, over map[string]any) string {
	tb.Helper()
	return rtSign(tb, map[string]any{"cat": "cl_B7d4PD111AAA"}, rtClaims(over))
}

// rtClearEnv unsets every CLERK_* variable for the test.
func rtClearEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "CLERK_") {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
}

// rtOptions is a networkless development configuration on a fixed clock.
func rtOptions(tb testing.TB) clerk.Options {
	_, p := rtKeys(tb)
	return clerk.Options{
		SecretKey:      "sk_test_rt",
		PublishableKey: rtPKTest,
		JWTKey:         p,
		Now:            func() time.Time { return rtNow },
	}
}

// rtServe wraps h in the middleware and serves it.
func rtServe(t *testing.T, opts clerk.Options, h http.Handler) *httptest.Server {
	t.Helper()
	mw, err := clerk.Middleware(opts)
	if err != nil {
		t.Fatalf("Middleware: %v", err)
	}
	srv := httptest.NewServer(mw(h))
	t.Cleanup(srv.Close)
	return srv
}

// rtAuthJSON answers the auth object as JSON, with the conformance target's
// ?accepts= convention.
func rtAuthJSON() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var opts []clerk.AuthOption
		switch v := r.URL.Query().Get("accepts"); {
		case v == "":
		case v == "any":
			opts = append(opts, clerk.AcceptsAnyToken())
		case strings.Contains(v, ","):
			var ts []clerk.TokenType
			for _, s := range strings.Split(v, ",") {
				ts = append(ts, clerk.TokenType(s))
			}
			opts = append(opts, clerk.AcceptsTokenList(ts...))
		default:
			opts = append(opts, clerk.AcceptsToken(clerk.TokenType(v)))
		}
		if r.URL.Query().Get("pending") == "keep" {
			opts = append(opts, clerk.TreatPendingAsSignedOut(false))
		}
		a := clerk.GetAuth(r, opts...)
		b, err := json.Marshal(a)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		// WriteJSON must write exactly what json.Marshal writes.
		var got strings.Builder
		if err := a.WriteJSON(&got); err != nil || got.String() != string(b) {
			http.Error(w, "WriteJSON = "+got.String()+", json.Marshal = "+string(b), 500)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	})
}

// rtGet sends a GET with "Name: value" headers, without following redirects.
func rtGet(t *testing.T, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range header {
		name, value, _ := strings.Cut(h, ":")
		req.Header.Add(name, strings.TrimSpace(value))
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// rtBAPI is a stub Backend API for machine tokens and handshake nonces.
func rtBAPI(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]string
		_ = json.NewDecoder(r.Body).Decode(&body)
		w.Header().Set("Content-Type", "application/json")
		answer := func(status int, v string) {
			w.WriteHeader(status)
			io.WriteString(w, v)
		}
		notFound := `{"errors":[{"code":"resource_not_found","message":"not found"}]}`
		switch r.URL.Path {
		case "/api_keys/verify":
			switch body["secret"] {
			case "ak_user":
				answer(200, `{"object":"api_key","id":"ak_2user","subject":"user_1","name":"CI key","claims":{"team":"platform"},"scopes":["read:items","write:items"]}`)
			case "ak_org":
				answer(200, `{"object":"api_key","id":"ak_2org","subject":"org_1","name":"Org key","claims":null,"scopes":[]}`)
			default:
				answer(404, notFound)
			}
		case "/m2m_tokens/verify":
			if body["token"] == "mt_valid" {
				answer(200, `{"object":"machine_to_machine_token","id":"mt_2valid","subject":"mch_1","claims":{"env":"ci"},"scopes":["mch_other"]}`)
				return
			}
			answer(404, notFound)
		case "/oauth_applications/access_tokens/verify":
			if body["access_token"] == "oat_valid" {
				answer(200, `{"object":"oauth_access_token","id":"oat_2valid","subject":"user_1","client_id":"client_1","scopes":["email","profile"]}`)
				return
			}
			answer(404, notFound)
		default:
			answer(404, notFound)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func rtServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// rtCookieSuffix is the instance cookie suffix: the first 8 characters of
// URL-safe base64(SHA-1(publishable key)).
func rtCookieSuffix(pk string) string {
	sum := sha1.Sum([]byte(pk))
	return base64.URLEncoding.EncodeToString(sum[:])[:8]
}
