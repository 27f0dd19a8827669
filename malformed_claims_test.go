package clerk

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

// mcSign signs header and claims with the perf instance key.
func mcSign(t *testing.T, in perfInstance, header, claims map[string]any) string {
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, in.key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// A v2 token whose fea claim has an element without a scope cannot become an
// auth object: Express's getAuth throws (500, no Clerk headers). A handshake
// redirect carrying such a token never builds the auth object and stays 307.
func TestMalformedFeaturesClaim(t *testing.T) {
	in := perfSetup(t)
	now := time.Now()
	tok := mcSign(t, in, map[string]any{"alg": "RS256", "kid": "ins_perf", "typ": "JWT", "cat": "cl_B7d4PD111AAA"}, map[string]any{
		"sub": "user_1", "sid": "sess_1", "v": 2, "iss": "https://clerk.example.com", "azp": "http://localhost:3000",
		"iat": now.Unix() - 10, "nbf": now.Unix() - 20, "exp": now.Unix() + 600,
		"o": map[string]any{"id": "org_1", "slg": "acme", "rol": "admin", "per": "read", "fpm": "1"}, "fea": "billing",
	})
	h := perfHandler(t, benchOptions(in))

	r := httptest.NewRequest("GET", "/api", nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusInternalServerError {
		t.Fatalf("header token with malformed fea: status %d, want 500", w.Code)
	}
	for k := range w.Header() {
		if k == "Set-Cookie" || k == "Location" || len(k) > 8 && k[:8] == "X-Clerk-" {
			t.Fatalf("500 response carries %s", k)
		}
	}

	hs := mcSign(t, in, map[string]any{"alg": "RS256", "kid": "ins_perf", "typ": "JWT"}, map[string]any{
		"handshake": []string{"__session=" + tok + "; Path=/", "__client_uat=1; Path=/"},
	})
	r = httptest.NewRequest("GET", "/?__clerk_handshake="+url.QueryEscape(hs), nil)
	r.Header.Set("Sec-Fetch-Dest", "document")
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusTemporaryRedirect || len(w.Header().Values("Set-Cookie")) != 2 {
		t.Fatalf("handshake with such a token: status %d, Set-Cookie %v; want 307 with the directives", w.Code, w.Header().Values("Set-Cookie"))
	}

	// Options.ErrorHandler answers instead, told why, with no Clerk headers
	// already on the response.
	opts := benchOptions(in)
	var got error
	opts.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
		got = err
		if len(w.Header()) != 0 {
			t.Errorf("ErrorHandler finds headers already set: %v", w.Header())
		}
		w.WriteHeader(http.StatusTeapot)
	}
	r = httptest.NewRequest("GET", "/api", nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	w = httptest.NewRecorder()
	perfHandler(t, opts).ServeHTTP(w, r)
	var me *MiddlewareError
	if w.Code != http.StatusTeapot || !errors.As(got, &me) || !errors.Is(got, errMalformedClaims) || me.Reason != "" {
		t.Errorf("ErrorHandler: status %d, error %v; want its own answer and an error wrapping errMalformedClaims", w.Code, got)
	}
}
