package jwt_test

import (
	"strings"
	"testing"
	"time"

	"github.com/goclerk/clerk/internal/jwt"
	"github.com/goclerk/clerk/internal/reasons"
)

func FuzzDecode(f *testing.F) {
	k, _ := keys(f)
	f.Add(sign(f, k, map[string]any{"alg": "RS256", "kid": "ins_1", "typ": "JWT", "cat": jwt.CategorySessionToken},
		map[string]any{"sub": "user_1", "exp": 2e9, "iat": 1, "nbf": 1, "aud": []string{"a"}, "azp": "x", "o": map[string]any{"id": "org_1"}}))
	f.Add("eyJhbGciOiJSUzI1NiJ9.e30.c2ln")
	f.Add("eyJhbGciOiJSUzI1NiJ9!.e30*.c2ln")
	f.Add("a.b.c.d")
	f.Add("..")
	f.Add("")
	f.Add(seg([]byte(`{"alg":"none"}`)) + "." + seg([]byte(`{"exp":"1","sub":[1,{"a":null}],"aud":[1e999]}`)) + ".")
	f.Add(seg([]byte(`"x"`)) + "." + seg([]byte(`[{"exp":1}]`)) + ".AA==")
	f.Add(seg([]byte(`{"alg":"RS256","alg":1}`)) + "." + seg([]byte(`{"sub":"\ud800","iat":-0,"exp":1e308}`)) + ".x")
	f.Add(seg([]byte(strings.Repeat("[", 5000))) + ".e30.x")

	pub := &jwt.Key{Alg: "RS256", Public: &k.PublicKey}
	now := time.Unix(1_800_000_000, 0)
	f.Fuzz(func(t *testing.T, raw string) {
		_ = jwt.LooksLikeJWT(raw)
		d, err := jwt.Decode(raw)
		if err != nil {
			if d != nil {
				t.Fatal("Decode returned a token and an error")
			}
			var je *jwt.Error
			if !asJWTError(err, &je) || je.Reason != reasons.TokenInvalid {
				t.Fatalf("Decode error %v is not token-invalid", err)
			}
			return
		}
		if len(raw) > jwt.MaxTokenSize {
			t.Fatalf("accepted a %d-byte token", len(raw))
		}
		if strings.Count(raw, ".") != 2 || !strings.HasPrefix(raw, d.SigningInput+".") || d.Raw != raw {
			t.Fatalf("inconsistent split of %q: %q", raw, d.SigningInput)
		}
		_ = d.Header.IsNonSessionCategory()
		_, _ = d.Claims.IssuerHost()
		_ = d.Claims.CheckStatic(jwt.Checks{Audience: []string{"a"}, AuthorizedParties: []string{"x"}})
		_ = d.Claims.CheckTime(now, 5*time.Second)
		if d.CheckHeader(nil) == nil {
			// A valid signature from the fuzzer would be a forgery, unless
			// it is the seed signed with the key.
			if err := d.VerifySignature(pub); err == nil && !isSeed(raw) {
				t.Fatalf("forged signature accepted: %q", raw)
			}
		}
	})
}

func isSeed(raw string) bool {
	// Tokens signed in the seed corpus start with the header we signed.
	return strings.HasPrefix(raw, seg([]byte(`{"alg":"RS256","cat":"`+jwt.CategorySessionToken+`","kid":"ins_1","typ":"JWT"}`)))
}

func asJWTError(err error, target **jwt.Error) bool {
	je, ok := err.(*jwt.Error)
	if ok {
		*target = je
	}
	return ok
}
