package localclerk

import (
	"errors"
	"net/url"
	"testing"
)

// FuzzTrustedEnrolment feeds arbitrary enrolment forms and signatures to
// the trusted-device parsers: no panic, refusals are 4xx Clerk errors,
// and no signature verifies over a key the parser refused.
func FuzzTrustedEnrolment(f *testing.F) {
	f.Add("ios", "com.example.app", "ES256", `{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}`, "{}", "AAAA")
	f.Add("android", "a", "ES256", `{"kty":"EC","crv":"P-256","x":"`+string(make([]byte, 43))+`","y":""}`, "", "")
	f.Add("web", "", "RS256", "not json", "x", "!!")
	f.Fuzz(func(t *testing.T, platform, app, alg, jwk, data, sig string) {
		form := url.Values{"platform": {platform}, "app_identifier": {app}, "algorithm": {alg}, "public_key_jwk": {jwk}}
		e, pub, err := parseTrustedEnrolment(form)
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) || ae.StatusCode < 400 || ae.StatusCode >= 500 {
				t.Fatalf("%v", err)
			}
			return
		}
		if e.algorithm != "ES256" || pub == nil {
			t.Fatalf("accepted %+v", e)
		}
		_ = verifyTrustedSignature(pub, data, sig)
		if _, err := checkTrustedSignature(nil, url.Values{"platform": {platform}, "app_identifier": {app}, "algorithm": {alg},
			"public_key_jwk": {jwk}, "client_data": {data}, "signature": {sig}}); err != nil && data != "" && sig != "" && err != errTrustedSignature {
			t.Fatalf("%v", err)
		}
	})
}
