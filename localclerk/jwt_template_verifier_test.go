package localclerk

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"log/slog"
	"strings"
	"testing"

	clerk "github.com/goclerk/clerk"
)

// TestTemplateTokensVerifyWithTemplateVerifier is the interop check of
// goclerk's clerk.TemplateVerifier against the tokens localclerk mints:
// HS256 and ES256 and RS256 custom signing keys, and a template signed
// with the instance's own key, verified with an Authenticator's keys.
func TestTemplateTokensVerifyWithTemplateVerifier(t *testing.T) {
	h := start(t, Options{Seed: true})
	secret := strings.Repeat("s3cr3t-", 6)
	ec, ecPEM := newECKey(t)
	ecPub, err := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rsaPEM := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rk)}))
	auth, err := clerk.NewAuthenticator(clerk.Options{PublishableKey: h.inst.PublishableKey, SecretKey: h.inst.SecretKey,
		APIURL: h.inst.BackendAPIURL, Now: h.clock.Now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, alg, key string
		opts           clerk.TemplateVerifierOptions
	}{
		{"hs", "HS256", secret, clerk.TemplateVerifierOptions{Key: []byte(secret)}},
		{"es", "ES256", ecPEM, clerk.TemplateVerifierOptions{Key: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: ecPub}))}},
		{"rs", "RS256", rsaPEM, clerk.TemplateVerifierOptions{Key: &rk.PublicKey}},
		{"instance", "", "", clerk.TemplateVerifierOptions{Instance: auth}},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := map[string]any{"name": c.name, "claims": map[string]any{"role": "authenticated", "email": "{{user.primary_email_address}}"}}
			if c.alg != "" {
				body["custom_signing_key"], body["signing_algorithm"], body["signing_key"] = true, c.alg, c.key
			}
			var tpl map[string]any
			if st := h.bapi("POST", "/v1/jwt_templates", body, &tpl); st != 200 {
				t.Fatalf("create: %d %v", st, tpl)
			}
			o := c.opts
			o.Issuer = h.inst.Issuer
			o.Now = h.clock.Now
			v, err := clerk.NewTemplateVerifier(o)
			if err != nil {
				t.Fatal(err)
			}
			raw := h.templateToken(c.name)
			tok, err := v.Verify(t.Context(), raw)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			claims, err := clerk.DecodeTemplateClaims[struct {
				Role  string `json:"role"`
				Email string `json:"email"`
			}](tok)
			if err != nil || claims.Role != "authenticated" || !strings.Contains(claims.Email, "@") || tok.Claims.Subject != "user_demo_bob" {
				t.Errorf("claims %+v (%v), registered %+v", claims, err, tok.Claims)
			}
			// The same token, once its lifetime (60s) has passed, is expired.
			h.clock.Advance(2 * 60e9)
			if _, err := v.Verify(t.Context(), raw); !errors.Is(err, clerk.ErrTokenExpired) {
				t.Errorf("after its lifetime: %v, want ErrTokenExpired", err)
			}
		})
	}
}
