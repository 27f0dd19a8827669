package localclerk

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"slices"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
)

// templateToken creates a session for the seeded bob and mints a token
// from the named template.
func (h *harness) templateToken(name string) string {
	h.t.Helper()
	var sess, tok map[string]any
	h.bapi("POST", "/v1/sessions", map[string]any{"user_id": "user_demo_bob"}, &sess)
	if st := h.bapi("POST", "/v1/sessions/"+sess["id"].(string)+"/tokens/"+name, map[string]any{}, &tok); st != 200 {
		h.t.Fatalf("mint from %s: %d %v", name, st, tok)
	}
	return tok["jwt"].(string)
}

// verifyWith checks jwt's signature with key for alg and returns its
// header and claims.
func verifyWith(t *testing.T, jwt string, alg jose.SignatureAlgorithm, key any) (jose.Header, map[string]any) {
	t.Helper()
	obj, err := jose.ParseSignedCompact(jwt, []jose.SignatureAlgorithm{alg})
	if err != nil {
		t.Fatalf("parse %s token: %v", alg, err)
	}
	payload, err := obj.Verify(key)
	if err != nil {
		t.Fatalf("%s token does not verify with the template's key: %v", alg, err)
	}
	var c map[string]any
	if err := json.Unmarshal(payload, &c); err != nil {
		t.Fatal(err)
	}
	return obj.Signatures[0].Header, c
}

func TestTemplateCustomSigningKeySignsItsTokens(t *testing.T) {
	h := start(t, Options{Seed: true})
	secret := strings.Repeat("s3cr3t-", 6)
	var tpl map[string]any
	if st := h.bapi("POST", "/v1/jwt_templates", map[string]any{"name": "supabase", "claims": map[string]any{"role": "authenticated"},
		"custom_signing_key": true, "signing_algorithm": "HS256", "signing_key": secret}, &tpl); st != 200 {
		t.Fatalf("create: %d %v", st, tpl)
	}
	if tpl["custom_signing_key"] != true || tpl["signing_algorithm"] != "HS256" || tpl["signing_key"] != nil {
		t.Errorf("answer %v: want custom_signing_key true, HS256, and never the key", tpl)
	}
	hdr, c := verifyWith(t, h.templateToken("supabase"), jose.HS256, []byte(secret))
	if c["role"] != "authenticated" || c["sub"] != "user_demo_bob" || hdr.KeyID != "" {
		t.Errorf("HS256 token: header %+v claims %v", hdr, c)
	}

	// An update without the signing fields keeps the key; switching to
	// ES256 with a PEM key signs with that.
	id := tpl["id"].(string)
	h.bapi("PATCH", "/v1/jwt_templates/"+id, map[string]any{"name": "supabase", "claims": map[string]any{"role": "anon"}}, &tpl)
	if _, c := verifyWith(t, h.templateToken("supabase"), jose.HS256, []byte(secret)); c["role"] != "anon" {
		t.Errorf("after a claims-only update: %v", c)
	}
	ec, pemKey := newECKey(t)
	if st := h.bapi("PATCH", "/v1/jwt_templates/"+id, map[string]any{"name": "supabase", "claims": map[string]any{}, "custom_signing_key": true,
		"signing_algorithm": "ES256", "signing_key": pemKey}, &tpl); st != 200 || tpl["signing_algorithm"] != "ES256" {
		t.Fatalf("switch to ES256: %d %v", st, tpl)
	}
	verifyWith(t, h.templateToken("supabase"), jose.ES256, &ec.PublicKey)

	// Turning the custom key off goes back to the instance's RS256 key.
	h.bapi("PATCH", "/v1/jwt_templates/"+id, map[string]any{"name": "supabase", "claims": map[string]any{}, "custom_signing_key": false}, &tpl)
	if tpl["custom_signing_key"] != false || tpl["signing_algorithm"] != "RS256" {
		t.Errorf("custom key off: %v", tpl)
	}
	if _, c := h.verifyJWT(h.templateToken("supabase")); c["sub"] != "user_demo_bob" {
		t.Errorf("instance-signed template token: %v", c)
	}
}

func TestTemplateCustomSigningKeyRefusesBadKeys(t *testing.T) {
	h := start(t, Options{})
	_, ecPEM := newECKey(t)
	base := func(extra map[string]any) map[string]any {
		m := map[string]any{"name": "k", "claims": map[string]any{}, "custom_signing_key": true}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	for _, c := range []struct {
		body        map[string]any
		code, param string
	}{
		{base(map[string]any{"signing_key": strings.Repeat("x", 32)}), "form_param_missing", "signing_algorithm"},
		{base(map[string]any{"signing_algorithm": "HS256"}), "form_param_missing", "signing_key"},
		{base(map[string]any{"signing_algorithm": "none", "signing_key": "x"}), "form_param_value_invalid", "signing_algorithm"},
		{base(map[string]any{"signing_algorithm": "HS256", "signing_key": "short"}), "form_param_value_invalid", "signing_key"},
		{base(map[string]any{"signing_algorithm": "RS256", "signing_key": "not a pem"}), "form_param_value_invalid", "signing_key"},
		{base(map[string]any{"signing_algorithm": "RS256", "signing_key": ecPEM}), "form_param_value_invalid", "signing_key"}, // an EC key for RS256
		{base(map[string]any{"signing_algorithm": "ES384", "signing_key": ecPEM}), "form_param_value_invalid", "signing_key"}, // a P-256 key for ES384
	} {
		var e clerkErrors
		h.wantError(422, c.code, h.bapi("POST", "/v1/jwt_templates", c.body, &e), e)
		if len(e.Errors) == 1 && e.Errors[0].Meta["param_name"] != c.param {
			t.Errorf("%v: meta %v, want param_name %s", c.body, e.Errors[0].Meta, c.param)
		}
	}
	var list []any
	if h.bapi("GET", "/v1/jwt_templates", nil, &list); len(list) != 0 {
		t.Errorf("refused templates were stored: %v", list)
	}
}

// newECKey returns a P-256 private key and its PKCS#8 PEM encoding.
func newECKey(t *testing.T) (*ecdsa.PrivateKey, string) {
	t.Helper()
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(ec)
	if err != nil {
		t.Fatal(err)
	}
	return ec, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// FuzzTemplateSigningKey: any algorithm and key either is refused with a
// 422 naming signing_key or yields a key a token can be signed with.
func FuzzTemplateSigningKey(f *testing.F) {
	_, ecPEM := newECKey(&testing.T{})
	for _, s := range [][2]string{{"HS256", strings.Repeat("k", 32)}, {"HS512", "short"}, {"ES256", ecPEM}, {"RS256", ecPEM},
		{"RS256", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"}, {"ES384", ecPEM}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, alg, key string) {
		if !slices.Contains(templateSigningAlgorithms, alg) {
			return // setTemplateSigning refuses these before parsing
		}
		if _, err := templateSigningKey(alg, key); err != nil {
			wantParamError(t, err, "signing_key")
			return
		}
		tpl := &jwtTemplate{Name: "fuzz", CustomSigningKey: true, SigningAlgorithm: alg, SigningKey: key}
		if _, err := signWithTemplateKey(tpl, map[string]any{"sub": "user_x"}); err != nil {
			t.Fatalf("%s key accepted but cannot sign: %v", alg, err)
		}
	})
}
