package clerk_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	clerk "github.com/goclerk/clerk"
	"github.com/goclerk/clerk/clerktest"
)

const tplIssuer = "https://clerk.example.com"

var tplNow = time.Unix(1_800_000_000, 0)

func seg(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// signTpl signs claims under header with key (HMAC secret, RSA or ECDSA
// private key), JOSE-style; alg is taken from the header.
func signTpl(t testing.TB, header, claims map[string]any, key any) string {
	t.Helper()
	in := seg(header) + "." + seg(claims)
	alg, _ := header["alg"].(string)
	var sig []byte
	switch k := key.(type) {
	case []byte:
		h := sha256.New
		switch alg {
		case "HS384":
			h = sha512.New384
		case "HS512":
			h = sha512.New
		}
		m := hmac.New(h, k)
		m.Write([]byte(in))
		sig = m.Sum(nil)
	case *rsa.PrivateKey:
		d := sha256.Sum256([]byte(in))
		var err error
		if sig, err = rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, d[:]); err != nil {
			t.Fatal(err)
		}
	case *ecdsa.PrivateKey:
		var d []byte
		switch k.Curve {
		case elliptic.P384():
			s := sha512.Sum384([]byte(in))
			d = s[:]
		case elliptic.P521():
			s := sha512.Sum512([]byte(in))
			d = s[:]
		default:
			s := sha256.Sum256([]byte(in))
			d = s[:]
		}
		r, s, err := ecdsa.Sign(rand.Reader, k, d)
		if err != nil {
			t.Fatal(err)
		}
		size := (k.Curve.Params().BitSize + 7) / 8
		sig = append(r.FillBytes(make([]byte, size)), s.FillBytes(make([]byte, size))...)
	case nil:
	}
	return in + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func tplClaims(mod func(map[string]any)) map[string]any {
	c := map[string]any{"iss": tplIssuer, "sub": "user_1", "sid": "sess_1", "iat": tplNow.Unix(), "nbf": tplNow.Unix() - 5,
		"exp": tplNow.Unix() + 60, "aud": "convex", "role": "authenticated"}
	if mod != nil {
		mod(c)
	}
	return c
}

func hdr(alg string) map[string]any {
	return map[string]any{"alg": alg, "typ": "JWT", "cat": "cl_B7d4PD222AAA"}
}

func newTplVerifier(t *testing.T, o clerk.TemplateVerifierOptions) *clerk.TemplateVerifier {
	t.Helper()
	if o.Issuer == "" && o.Instance == nil {
		o.Issuer = tplIssuer
	}
	if o.Now == nil {
		o.Now = func() time.Time { return tplNow }
	}
	v, err := clerk.NewTemplateVerifier(o)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

var secret = []byte("a-template-secret-of-32-bytes!!!")

func TestTemplateVerifierAccepts(t *testing.T) {
	rk, _ := rsa.GenerateKey(rand.Reader, 2048)
	ek, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ek384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	ek521, _ := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	der, _ := x509.MarshalPKIXPublicKey(&ek.PublicKey)
	ecPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	long := []byte(strings.Repeat("k", 64))
	cases := []struct {
		name string
		o    clerk.TemplateVerifierOptions
		tok  string
	}{
		{"HS256", clerk.TemplateVerifierOptions{Key: secret}, signTpl(t, hdr("HS256"), tplClaims(nil), secret)},
		{"HS512", clerk.TemplateVerifierOptions{Key: long, Algorithm: "HS512"}, signTpl(t, hdr("HS512"), tplClaims(nil), long)},
		{"RS256", clerk.TemplateVerifierOptions{Key: &rk.PublicKey}, signTpl(t, hdr("RS256"), tplClaims(nil), rk)},
		{"ES256", clerk.TemplateVerifierOptions{Key: &ek.PublicKey}, signTpl(t, hdr("ES256"), tplClaims(nil), ek)},
		{"ES256 PEM", clerk.TemplateVerifierOptions{Key: ecPEM}, signTpl(t, hdr("ES256"), tplClaims(nil), ek)},
		{"ES384", clerk.TemplateVerifierOptions{Key: &ek384.PublicKey}, signTpl(t, hdr("ES384"), tplClaims(nil), ek384)},
		{"ES512", clerk.TemplateVerifierOptions{Key: &ek521.PublicKey}, signTpl(t, hdr("ES512"), tplClaims(nil), ek521)},
		{"no cat, no typ", clerk.TemplateVerifierOptions{Key: secret}, signTpl(t, map[string]any{"alg": "HS256"}, tplClaims(nil), secret)},
		{"audience", clerk.TemplateVerifierOptions{Key: secret, Audience: []string{"other", "convex"}}, signTpl(t, hdr("HS256"), tplClaims(nil), secret)},
		{"expired within leeway", clerk.TemplateVerifierOptions{Key: secret}, signTpl(t, hdr("HS256"), tplClaims(func(c map[string]any) { c["exp"] = tplNow.Unix() - 2 }), secret)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tok, err := newTplVerifier(t, c.o).Verify(context.Background(), c.tok)
			if err != nil {
				t.Fatal(err)
			}
			if tok.Claims.Subject != "user_1" || tok.Claims.Issuer != tplIssuer || !strings.HasPrefix(c.name, tok.Algorithm) && tok.Algorithm != "HS256" {
				t.Errorf("token %+v", tok)
			}
			custom, err := clerk.DecodeTemplateClaims[struct {
				Role string `json:"role"`
				Sid  string `json:"sid"`
			}](tok)
			if err != nil || custom.Role != "authenticated" || custom.Sid != "sess_1" {
				t.Errorf("custom claims %+v, %v", custom, err)
			}
		})
	}
}

func TestTemplateVerifierRejects(t *testing.T) {
	rk, _ := rsa.GenerateKey(rand.Reader, 2048)
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	ek, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ek384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	rsaDER := x509.MarshalPKCS1PublicKey(&rk.PublicKey)
	hs := clerk.TemplateVerifierOptions{Key: secret}
	rs := clerk.TemplateVerifierOptions{Key: &rk.PublicKey}
	es := clerk.TemplateVerifierOptions{Key: &ek.PublicKey}
	good := func(mod func(map[string]any)) string { return signTpl(t, hdr("HS256"), tplClaims(mod), secret) }
	withHeader := func(h map[string]any) string { return signTpl(t, h, tplClaims(nil), secret) }
	cases := []struct {
		name   string
		o      clerk.TemplateVerifierOptions
		tok    string
		want   error
		reason clerk.AuthReason
	}{
		{"not a JWT", hs, "abc", clerk.ErrTokenMalformed, clerk.ReasonTokenInvalid},
		{"payload not JSON", hs, seg(hdr("HS256")) + ".bm90IGpzb24." + "c2ln", clerk.ErrTokenMalformed, clerk.ReasonTokenInvalid},
		{"typ not JWT", hs, withHeader(map[string]any{"alg": "HS256", "typ": "at+jwt"}), clerk.ErrTokenMalformed, clerk.ReasonTokenInvalid},
		{"session category", hs, withHeader(map[string]any{"alg": "HS256", "cat": "cl_B7d4PD111AAA"}), clerk.ErrTokenCategory, clerk.ReasonTokenTypeMismatch},
		{"M2M category", hs, withHeader(map[string]any{"alg": "HS256", "cat": "cl_B7d4PD333AAA"}), clerk.ErrTokenCategory, clerk.ReasonTokenTypeMismatch},
		{"alg none", hs, seg(map[string]any{"alg": "none"}) + "." + seg(tplClaims(nil)) + ".", clerk.ErrTokenAlgorithm, clerk.ReasonTokenInvalidAlgorithm},
		{"alg absent", hs, withHeader(map[string]any{"typ": "JWT"}), clerk.ErrTokenAlgorithm, clerk.ReasonTokenInvalidAlgorithm},
		{"alg not a string", hs, withHeader(map[string]any{"alg": 256}), clerk.ErrTokenAlgorithm, clerk.ReasonTokenInvalidAlgorithm},
		{"HS384 for an HS256 key", hs, signTpl(t, hdr("HS384"), tplClaims(nil), secret), clerk.ErrTokenAlgorithm, clerk.ReasonTokenInvalidAlgorithm},
		{"HS256 with the RSA public key as secret (alg confusion)", rs, signTpl(t, hdr("HS256"), tplClaims(nil), rsaDER), clerk.ErrTokenAlgorithm, clerk.ReasonTokenInvalidAlgorithm},
		{"RS256 for an ES256 key", es, signTpl(t, hdr("RS256"), tplClaims(nil), rk), clerk.ErrTokenAlgorithm, clerk.ReasonTokenInvalidAlgorithm},
		{"HS256 bad MAC", hs, signTpl(t, hdr("HS256"), tplClaims(nil), []byte(strings.Repeat("x", 32))), clerk.ErrTokenSignature, clerk.ReasonTokenInvalidSignature},
		{"HS256 truncated MAC", hs, truncSig(good(nil)), clerk.ErrTokenSignature, clerk.ReasonTokenInvalidSignature},
		{"RS256 other key", rs, signTpl(t, hdr("RS256"), tplClaims(nil), other), clerk.ErrTokenSignature, clerk.ReasonTokenInvalidSignature},
		{"ES256 other curve's signature", es, signTpl(t, hdr("ES256"), tplClaims(nil), ek384), clerk.ErrTokenSignature, clerk.ReasonTokenInvalidSignature},
		{"ES256 ASN.1 signature", es, asn1Sig(t, ek), clerk.ErrTokenSignature, clerk.ReasonTokenInvalidSignature},
		{"ES256 r=0 s=0", es, seg(hdr("ES256")) + "." + seg(tplClaims(nil)) + "." + base64.RawURLEncoding.EncodeToString(make([]byte, 64)), clerk.ErrTokenSignature, clerk.ReasonTokenInvalidSignature},
		{"claims changed after signing", hs, tamper(good(nil)), clerk.ErrTokenSignature, clerk.ReasonTokenInvalidSignature},
		{"expired", hs, good(func(c map[string]any) { c["exp"] = tplNow.Unix() - 6 }), clerk.ErrTokenExpired, clerk.ReasonTokenExpired},
		{"no exp", hs, good(func(c map[string]any) { delete(c, "exp") }), clerk.ErrTokenMalformed, clerk.ReasonTokenVerificationFailed},
		{"exp a string", hs, good(func(c map[string]any) { c["exp"] = "soon" }), clerk.ErrTokenMalformed, clerk.ReasonTokenVerificationFailed},
		{"nbf in the future", hs, good(func(c map[string]any) { c["nbf"] = tplNow.Unix() + 60 }), clerk.ErrTokenNotYetValid, clerk.ReasonTokenNotActiveYet},
		{"iat in the future", hs, good(func(c map[string]any) { c["iat"] = tplNow.Unix() + 60 }), clerk.ErrTokenNotYetValid, clerk.ReasonTokenIATInTheFuture},
		{"other issuer", hs, good(func(c map[string]any) { c["iss"] = "https://clerk.evil.com" }), clerk.ErrTokenIssuer, clerk.ReasonTokenInvalid},
		{"issuer prefix", hs, good(func(c map[string]any) { c["iss"] = tplIssuer + ".evil.com" }), clerk.ErrTokenIssuer, clerk.ReasonTokenInvalid},
		{"no issuer", hs, good(func(c map[string]any) { delete(c, "iss") }), clerk.ErrTokenIssuer, clerk.ReasonTokenInvalid},
		{"other audience", clerk.TemplateVerifierOptions{Key: secret, Audience: []string{"api"}}, good(nil), clerk.ErrTokenAudience, clerk.ReasonTokenVerificationFailed},
		{"no audience", clerk.TemplateVerifierOptions{Key: secret, Audience: []string{"api"}}, good(func(c map[string]any) { delete(c, "aud") }), clerk.ErrTokenAudience, clerk.ReasonTokenVerificationFailed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tok, err := newTplVerifier(t, c.o).Verify(context.Background(), c.tok)
			if tok != nil || !errors.Is(err, c.want) {
				t.Fatalf("Verify = %v, %v; want %v", tok, err, c.want)
			}
			var te *clerk.TokenError
			if !errors.As(err, &te) || te.Reason != c.reason {
				t.Errorf("reason of %v: want %s", err, c.reason)
			}
			if strings.Contains(err.Error(), c.tok) && len(c.tok) > 8 {
				t.Error("the error contains the token")
			}
		})
	}
}

// asn1Sig is an ES256 token whose signature is DER, as crypto/ecdsa's
// SignASN1 makes it, not JOSE's r||s.
func asn1Sig(t *testing.T, k *ecdsa.PrivateKey) string {
	in := seg(hdr("ES256")) + "." + seg(tplClaims(nil))
	d := sha256.Sum256([]byte(in))
	sig, err := ecdsa.SignASN1(rand.Reader, k, d[:])
	if err != nil {
		t.Fatal(err)
	}
	return in + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// truncSig drops the signature's last byte.
func truncSig(tok string) string {
	i := strings.LastIndexByte(tok, '.')
	sig, _ := base64.RawURLEncoding.DecodeString(tok[i+1:])
	return tok[:i+1] + base64.RawURLEncoding.EncodeToString(sig[:len(sig)-1])
}

// tamper replaces the payload with one granting another role.
func tamper(tok string) string {
	parts := strings.Split(tok, ".")
	parts[1] = seg(tplClaims(func(c map[string]any) { c["role"] = "admin" }))
	return strings.Join(parts, ".")
}

func TestTemplateVerifierOptionErrors(t *testing.T) {
	rk, _ := rsa.GenerateKey(rand.Reader, 2048)
	ek, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	cases := []struct {
		name, option string
		o            clerk.TemplateVerifierOptions
	}{
		{"no key", "Key", clerk.TemplateVerifierOptions{Issuer: tplIssuer}},
		{"short secret", "Key", clerk.TemplateVerifierOptions{Issuer: tplIssuer, Key: []byte("short")}},
		{"empty secret", "Key", clerk.TemplateVerifierOptions{Issuer: tplIssuer, Key: []byte{}}},
		{"RS256 with a secret", "Algorithm", clerk.TemplateVerifierOptions{Issuer: tplIssuer, Key: secret, Algorithm: "RS256"}},
		{"both Key and Instance", "Key", clerk.TemplateVerifierOptions{Issuer: tplIssuer, Key: secret, Instance: &clerk.Authenticator{}}},
		{"a zero Authenticator", "Instance", clerk.TemplateVerifierOptions{Issuer: tplIssuer, Instance: &clerk.Authenticator{}}},
		{"short HS512 secret", "Key", clerk.TemplateVerifierOptions{Issuer: tplIssuer, Key: secret, Algorithm: "HS512"}},
		{"secret as a string", "Key", clerk.TemplateVerifierOptions{Issuer: tplIssuer, Key: string(secret)}},
		{"private key", "Key", clerk.TemplateVerifierOptions{Issuer: tplIssuer, Key: rk}},
		{"HS256 with an RSA key", "Algorithm", clerk.TemplateVerifierOptions{Issuer: tplIssuer, Key: &rk.PublicKey, Algorithm: "HS256"}},
		{"none", "Algorithm", clerk.TemplateVerifierOptions{Issuer: tplIssuer, Key: secret, Algorithm: "none"}},
		{"P-224", "Algorithm", clerk.TemplateVerifierOptions{Issuer: tplIssuer, Key: &ek.PublicKey}},
		{"no issuer", "Issuer", clerk.TemplateVerifierOptions{Key: secret}},
		{"negative leeway", "Leeway", clerk.TemplateVerifierOptions{Issuer: tplIssuer, Key: secret, Leeway: -time.Second}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := clerk.NewTemplateVerifier(c.o)
			var oe *clerk.OptionError
			if v != nil || !errors.As(err, &oe) || oe.Option != c.option {
				t.Fatalf("NewTemplateVerifier = %v, %v; want an error naming %s", v, err, c.option)
			}
		})
	}
}

// A template without a custom signing key is signed with the instance's
// key; the session middleware refuses it (its cat), the verifier with
// Instance accepts it, and refuses a session token.
func TestTemplateVerifierInstanceKeys(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{Now: func() time.Time { return tplNow }})
	a, err := clerk.NewAuthenticator(inst.Options())
	if err != nil {
		t.Fatal(err)
	}
	claims := tplClaims(func(c map[string]any) { c["iss"] = "https://" + inst.FrontendAPI })
	tok := inst.SignWithHeader(map[string]any{"cat": "cl_B7d4PD222AAA"}, claims)
	if got := a.Authenticate(context.Background(), tok); got.IsAuthenticated || got.Reason() != clerk.ReasonTokenTypeMismatch {
		t.Errorf("the middleware's decision for a template token: %+v", got)
	}
	v := newTplVerifier(t, clerk.TemplateVerifierOptions{Instance: a})
	got, err := v.Verify(context.Background(), tok)
	if err != nil || got.Claims.Subject != "user_1" || got.KeyID != inst.KeyID {
		t.Fatalf("Verify = %+v, %v", got, err)
	}
	if _, err := v.Verify(context.Background(), inst.Sign(claims)); !errors.Is(err, clerk.ErrTokenCategory) {
		t.Errorf("a session token: %v, want ErrTokenCategory", err)
	}
	other := clerktest.New(t, clerktest.Options{Now: func() time.Time { return tplNow }})
	if _, err := v.Verify(context.Background(), other.SignWithHeader(map[string]any{"cat": "cl_B7d4PD222AAA", "kid": inst.KeyID}, claims)); !errors.Is(err, clerk.ErrTokenSignature) {
		t.Errorf("signed by another instance: %v, want ErrTokenSignature", err)
	}
	if _, err := clerk.NewTemplateVerifier(clerk.TemplateVerifierOptions{Instance: a, Algorithm: "HS256"}); err == nil {
		t.Error("Instance with HS256 accepted")
	}
}

// FuzzTemplateVerify: no token the fuzzer makes verifies under an HS256
// or ES256 verifier unless it is a seed signed here, and every refusal is
// a *TokenError wrapping one of the ErrToken… values.
func FuzzTemplateVerify(f *testing.F) {
	ek, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	seeds := map[string]bool{}
	for _, tok := range []string{
		signTpl(f, hdr("HS256"), tplClaims(nil), secret),
		signTpl(f, hdr("ES256"), tplClaims(nil), ek),
	} {
		seeds[tok] = true
		f.Add(tok)
	}
	f.Add(signTpl(f, hdr("HS256"), tplClaims(func(c map[string]any) { c["exp"] = "x"; c["aud"] = []any{1} }), secret))
	f.Add(seg(map[string]any{"alg": "none"}) + "." + seg(tplClaims(nil)) + ".")
	f.Add("..")
	now := func() time.Time { return tplNow }
	hs, err := clerk.NewTemplateVerifier(clerk.TemplateVerifierOptions{Issuer: tplIssuer, Key: secret, Now: now})
	if err != nil {
		f.Fatal(err)
	}
	es, err := clerk.NewTemplateVerifier(clerk.TemplateVerifierOptions{Issuer: tplIssuer, Key: &ek.PublicKey, Audience: []string{"convex"}, Now: now})
	if err != nil {
		f.Fatal(err)
	}
	sentinels := []error{clerk.ErrTokenMalformed, clerk.ErrTokenCategory, clerk.ErrTokenAlgorithm, clerk.ErrTokenSignature,
		clerk.ErrTokenExpired, clerk.ErrTokenNotYetValid, clerk.ErrTokenIssuer, clerk.ErrTokenAudience}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, v := range []*clerk.TemplateVerifier{hs, es} {
			tok, err := v.Verify(context.Background(), raw)
			if err == nil {
				if !seeds[raw] || tok == nil {
					t.Fatalf("verified %q", raw)
				}
				continue
			}
			var te *clerk.TokenError
			if tok != nil || !errors.As(err, &te) || !slices.ContainsFunc(sentinels, func(s error) bool { return errors.Is(err, s) }) {
				t.Fatalf("Verify(%q) = %v, %v", raw, tok, err)
			}
		}
	})
}
