package jwt_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"strings"
	"testing"

	"github.com/goclerk/clerk/internal/jwt"
	"github.com/goclerk/clerk/internal/reasons"
)

// FuzzVerifyAlg feeds arbitrary tokens to the template-key paths: HMAC,
// ECDSA (JOSE r||s) and RSA, each under its one configured algorithm. Only
// the seeds signed here may verify; anything else the fuzzer makes verify
// is a forgery, and every refusal carries one of the documented reasons.
func FuzzVerifyAlg(f *testing.F) {
	rk, _ := keys(f)
	ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	secret := []byte(strings.Repeat("s", 32))
	rsaDER := x509.MarshalPKCS1PublicKey(&rk.PublicKey)
	seeds := map[string]bool{}
	hs := func(key []byte, alg string) string {
		in := jseg(f, map[string]any{"alg": alg, "typ": "JWT"}) + "." + jseg(f, map[string]any{"sub": "user_1", "exp": 2e9})
		m := hmac.New(sha256.New, key)
		m.Write([]byte(in))
		return in + "." + seg(m.Sum(nil))
	}
	good := hs(secret, "HS256")
	seeds[good] = true
	f.Add(good)
	f.Add(hs(rsaDER, "HS256")) // algorithm confusion: must never verify with the RSA key
	in := jseg(f, map[string]any{"alg": "ES256"}) + "." + jseg(f, map[string]any{"sub": "user_1"})
	d := sha256.Sum256([]byte(in))
	r, s, err := ecdsa.Sign(rand.Reader, ek, d[:])
	if err != nil {
		f.Fatal(err)
	}
	es := in + "." + seg(append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...))
	seeds[es] = true
	f.Add(es)
	f.Add(in + "." + seg(make([]byte, 64)))
	f.Add(jseg(f, map[string]any{"alg": "none"}) + "." + jseg(f, map[string]any{"sub": "x"}) + ".")
	rs := sign(f, rk, map[string]any{"alg": "RS256"}, map[string]any{"sub": "user_1"})
	seeds[rs] = true
	f.Add(rs)

	type cfg struct {
		alg string
		key any
	}
	cfgs := []cfg{{"HS256", secret}, {"ES256", &ek.PublicKey}, {"RS256", &rk.PublicKey}, {"HS256", &rk.PublicKey}, {"ES384", &ek.PublicKey}}
	f.Fuzz(func(t *testing.T, raw string) {
		tok, err := jwt.Decode(raw)
		if err != nil {
			return
		}
		for _, c := range cfgs {
			err := tok.VerifyAlg(c.alg, c.key)
			if err == nil {
				if !seeds[raw] || !jwt.KeyFits(c.alg, c.key) || tok.Header.Alg.Value != c.alg {
					t.Fatalf("%s with a %T verified %q", c.alg, c.key, raw)
				}
				continue
			}
			je, ok := err.(*jwt.Error)
			if !ok {
				t.Fatalf("error %v is not a *jwt.Error", err)
			}
			switch je.Reason {
			case reasons.TokenInvalidAlgorithm, reasons.TokenInvalidSignature, reasons.TokenVerificationFailed:
			default:
				t.Fatalf("unexpected reason %s", je.Reason)
			}
		}
	})
}
