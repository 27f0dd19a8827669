package jwt_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	_ "crypto/sha512" // registers the hashes crypto.Hash.New uses
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goclerk/clerk/internal/jwt"
	"github.com/goclerk/clerk/internal/reasons"
)

var (
	keyOnce sync.Once
	key     *rsa.PrivateKey
	other   *rsa.PrivateKey
)

func keys(tb testing.TB) (*rsa.PrivateKey, *rsa.PrivateKey) {
	tb.Helper()
	keyOnce.Do(func() {
		var err error
		if key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if other, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return key, other
}

func seg(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func jseg(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return seg(b)
}

// sign signs header and payload (maps or raw JSON strings).
func sign(tb testing.TB, k *rsa.PrivateKey, header, payload any) string {
	tb.Helper()
	enc := func(v any) string {
		if s, ok := v.(string); ok {
			return seg([]byte(s))
		}
		return jseg(tb, v)
	}
	input := enc(header) + "." + enc(payload)
	h := crypto.SHA256
	if m, ok := header.(map[string]any); ok {
		switch m["alg"] {
		case "RS384":
			h = crypto.SHA384
		case "RS512":
			h = crypto.SHA512
		}
	}
	hh := h.New()
	hh.Write([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, k, h, hh.Sum(nil))
	if err != nil {
		tb.Fatal(err)
	}
	return input + "." + seg(sig)
}

func reason(err error) string {
	var je *jwt.Error
	if errors.As(err, &je) {
		return je.Reason
	}
	if err != nil {
		return "non-jwt-error:" + err.Error()
	}
	return ""
}

func TestDecode(t *testing.T) {
	k, _ := keys(t)
	tok := sign(t, k, map[string]any{"alg": "RS256", "kid": "ins_1", "typ": "JWT", "cat": jwt.CategorySessionToken},
		map[string]any{"sub": "user_1", "sid": "sess_1", "exp": 2000000000, "iat": 1.5, "azp": "http://x", "aud": []string{"a"}, "org_id": nil, "v": 2})
	d, err := jwt.Decode(tok)
	if err != nil {
		t.Fatal(err)
	}
	if d.Raw != tok || d.SigningInput != tok[:strings.LastIndexByte(tok, '.')] || len(d.Signature) != 256 {
		t.Errorf("raw/signing input/signature not kept")
	}
	h := d.Header
	if h.Alg.Value != "RS256" || !h.Kid.IsString || h.Kid.Value != "ins_1" || h.Typ.Value != "JWT" || h.Cat.Value != jwt.CategorySessionToken {
		t.Errorf("header = %+v", h)
	}
	c := d.Claims
	if !c.Sub.IsString || c.Sub.Value != "user_1" || !c.Exp.IsNumber || c.Exp.Value != 2e9 || c.Iat.Value != 1.5 || !c.V.IsNumber || c.V.Value != 2 {
		t.Errorf("claims = %+v", c)
	}
	if !c.OrgID.Set || !c.OrgID.IsNull() || c.OrgID.IsString {
		t.Errorf("org_id null = %+v", c.OrgID)
	}
	if c.Nbf.Set || c.Sts.Set {
		t.Errorf("absent members marked present")
	}
	if string(c.Aud) != `["a"]` {
		t.Errorf("aud = %s", c.Aud)
	}
	var payload map[string]any
	if err := json.Unmarshal(d.Payload, &payload); err != nil || payload["azp"] != "http://x" {
		t.Errorf("payload = %s", d.Payload)
	}

	// Padding is optional; a header that is valid JSON but not an object
	// leaves every member absent.
	d, err = jwt.Decode(seg([]byte(`"str"`)) + "==." + seg([]byte(`[1,2]`)) + ".c2ln")
	if err != nil {
		t.Fatalf("non-object segments: %v", err)
	}
	if d.Header.Alg.Set || d.Claims.Sub.Set {
		t.Errorf("non-object segments filled members: %+v %+v", d.Header, d.Claims)
	}

	// Members of the wrong type are present but not strings/numbers.
	d, err = jwt.Decode(seg([]byte(`{"alg":1,"kid":null}`)) + "." + seg([]byte(`{"sub":42,"exp":"1","iat":true,"nbf":-1e400}`)) + ".")
	if err != nil {
		t.Fatal(err)
	}
	if !d.Header.Alg.Set || d.Header.Alg.IsString || !d.Header.Kid.IsNull() {
		t.Errorf("header types = %+v", d.Header)
	}
	if !d.Claims.Sub.Set || d.Claims.Sub.IsString || !d.Claims.Exp.Set || d.Claims.Exp.IsNumber || d.Claims.Iat.IsNumber {
		t.Errorf("claim types = %+v", d.Claims)
	}
}

func TestDecodeRejects(t *testing.T) {
	k, _ := keys(t)
	good := sign(t, k, map[string]any{"alg": "RS256"}, map[string]any{"sub": "u"})
	h, p, s := func() (string, string, string) {
		parts := strings.Split(good, ".")
		return parts[0], parts[1], parts[2]
	}()
	bad := map[string]string{
		"empty":              "",
		"one part":           "abc",
		"two parts":          h + "." + p,
		"four parts":         good + ".x",
		"five parts":         good + ".x.y",
		"bad base64 header":  h + "!." + p + "." + s,
		"bad base64 payload": h + "." + p + "*." + s,
		"bad base64 sig":     h + "." + p + "." + s + "%",
		"std alphabet":       h + "." + p + "." + strings.ReplaceAll(strings.ReplaceAll(s, "-", "+"), "_", "/") + "+/",
		"newline in segment": h + "\n." + p + "." + s,
		"header not JSON":    seg([]byte("{")) + "." + p + "." + s,
		"payload not JSON":   h + "." + seg([]byte(`{"sub":}`)) + "." + s,
		"payload trailing":   h + "." + seg([]byte(`{} x`)) + "." + s,
		"oversized":          h + "." + seg([]byte(`{"x":"`+strings.Repeat("a", jwt.MaxTokenSize)+`"}`)) + "." + s,
		"empty header":       "." + p + "." + s,
		"dots only":          "..",
	}
	for name, tok := range bad {
		t.Run(name, func(t *testing.T) {
			d, err := jwt.Decode(tok)
			if err == nil {
				t.Fatalf("Decode accepted: %+v", d)
			}
			if r := reason(err); r != reasons.TokenInvalid {
				t.Errorf("reason = %q, want token-invalid", r)
			}
		})
	}
	// The size check runs before any parsing.
	huge := strings.Repeat("A", jwt.MaxTokenSize+1)
	if _, err := jwt.Decode(huge[:len(huge)-2] + ".."); reason(err) != reasons.TokenInvalid {
		t.Errorf("oversized: %v", err)
	}
}

func TestLooksLikeJWT(t *testing.T) {
	for s, want := range map[string]bool{
		"a.b.c":          true,
		"eyJ.eyJ.sig-_9": true,
		"a.b.":           false,
		".b.c":           false,
		"a..c":           false,
		"a.b":            false,
		"a.b.c.d":        false,
		"a.b.c=":         false,
		"a+.b.c":         false,
		"":               false,
		"ak_123":         false,
	} {
		if got := jwt.LooksLikeJWT(s); got != want {
			t.Errorf("LooksLikeJWT(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestCategory(t *testing.T) {
	for cat, nonSession := range map[string]bool{
		``:                    false,
		`"cl_B7d4PD111AAA"`:   false,
		`"cl_I7d4PD111III"`:   false,
		`"cl_B7d4PD333AAA"`:   true,
		`"cl_B7d4PD222AAA"`:   true,
		`""`:                  true,
		`null`:                true,
		`7`:                   true,
		`["cl_B7d4PD111AAA"]`: true,
	} {
		hdr := `{"alg":"RS256"}`
		if cat != "" {
			hdr = `{"alg":"RS256","cat":` + cat + `}`
		}
		d, err := jwt.Decode(seg([]byte(hdr)) + "." + seg([]byte(`{}`)) + ".c2ln")
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Header.IsNonSessionCategory(); got != nonSession {
			t.Errorf("cat %s: IsNonSessionCategory = %v, want %v", cat, got, nonSession)
		}
	}
}

func TestCheckHeader(t *testing.T) {
	rows := []struct {
		header  string
		allowed []string
		reason  string
	}{
		{`{"alg":"RS256","typ":"JWT"}`, nil, ""},
		{`{"alg":"RS384"}`, nil, ""},
		{`{"alg":"RS512"}`, nil, ""},
		{`{"alg":"RS256","typ":"JOSE"}`, nil, reasons.TokenInvalid},
		{`{"alg":"RS256","typ":null}`, nil, reasons.TokenInvalid},
		{`{"alg":"RS256"}`, []string{"at+jwt"}, reasons.TokenInvalid},
		{`{"alg":"RS256","typ":"at+jwt"}`, []string{"at+jwt", "application/at+jwt"}, ""},
		{`{"alg":"none"}`, nil, reasons.TokenInvalidAlgorithm},
		{`{"alg":"HS256"}`, nil, reasons.TokenInvalidAlgorithm},
		{`{"alg":"ES256"}`, nil, reasons.TokenInvalidAlgorithm},
		{`{"alg":"PS256"}`, nil, reasons.TokenInvalidAlgorithm},
		{`{"alg":"rs256"}`, nil, reasons.TokenInvalidAlgorithm},
		{`{"alg":256}`, nil, reasons.TokenInvalidAlgorithm},
		{`{}`, nil, reasons.TokenInvalidAlgorithm},
	}
	for _, r := range rows {
		d, err := jwt.Decode(seg([]byte(r.header)) + ".e30.c2ln")
		if err != nil {
			t.Fatal(err)
		}
		if got := reason(d.CheckHeader(r.allowed)); got != r.reason {
			t.Errorf("CheckHeader(%s, %q) reason = %q, want %q", r.header, r.allowed, got, r.reason)
		}
	}
}

func TestVerifySignature(t *testing.T) {
	k, o := keys(t)
	pub := &jwt.Key{Alg: "RS256", Public: &k.PublicKey}
	tok := sign(t, k, map[string]any{"alg": "RS256"}, map[string]any{"sub": "u"})
	d, _ := jwt.Decode(tok)
	if err := d.VerifySignature(pub); err != nil {
		t.Fatalf("valid signature: %v", err)
	}
	if err := d.VerifySignature(&jwt.Key{Public: &k.PublicKey}); err != nil {
		t.Errorf("key without alg: %v", err)
	}
	if r := reason(d.VerifySignature(&jwt.Key{Alg: "RS256", Public: &o.PublicKey})); r != reasons.TokenInvalidSignature {
		t.Errorf("foreign key: %q", r)
	}
	if r := reason(d.VerifySignature(&jwt.Key{Alg: "RS256"})); r != reasons.TokenVerificationFailed {
		t.Errorf("key without public part: %q", r)
	}
	if r := reason(d.VerifySignature(&jwt.Key{Alg: "RS256", Public: "not a key"})); r != reasons.TokenVerificationFailed {
		t.Errorf("non-RSA key: %q", r)
	}
	for _, alg := range []string{"RS384", "RS512"} {
		tok := sign(t, k, map[string]any{"alg": alg}, map[string]any{"sub": "u"})
		d, _ := jwt.Decode(tok)
		if err := d.VerifySignature(&jwt.Key{Public: &k.PublicKey}); err != nil {
			t.Errorf("%s: %v", alg, err)
		}
		if r := reason(d.VerifySignature(pub)); r != reasons.TokenVerificationFailed {
			t.Errorf("%s with an RS256 key: %q", alg, r)
		}
	}
	// Any change to the signing input breaks the signature.
	parts := strings.Split(tok, ".")
	for i, forged := range []string{
		parts[0] + "." + jseg(t, map[string]any{"sub": "admin"}) + "." + parts[2],
		jseg(t, map[string]any{"alg": "RS256", "kid": "x"}) + "." + parts[1] + "." + parts[2],
		parts[0] + "." + parts[1] + "." + parts[2][:len(parts[2])-4] + "AAAA",
		parts[0] + "." + parts[1] + ".",
	} {
		d, err := jwt.Decode(forged)
		if err != nil {
			t.Fatalf("forged %d: %v", i, err)
		}
		if r := reason(d.VerifySignature(pub)); r != reasons.TokenInvalidSignature {
			t.Errorf("forged %d: reason %q", i, r)
		}
	}
}

// A key is only ever used with an algorithm of its own type: RSA keys for
// RS*, and no other key type at all, since Clerk's SDK accepts RS* only.
// Whatever the key, a mismatch is refused, never accepted or a panic.
func TestVerifySignatureRefusesKeyTypeConfusion(t *testing.T) {
	k, _ := keys(t)
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	edPub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rs := sign(t, k, map[string]any{"alg": "RS256"}, map[string]any{"sub": "u"})
	d, _ := jwt.Decode(rs)
	for name, key := range map[string]*jwt.Key{
		"nil key":         nil,
		"ECDSA key":       {Public: &ec.PublicKey},
		"ECDSA value":     {Public: ec.PublicKey},
		"Ed25519 key":     {Public: edPub},
		"nil RSA key":     {Public: (*rsa.PublicKey)(nil)},
		"RSA without N":   {Public: &rsa.PublicKey{E: 65537}},
		"RSA value":       {Public: k.PublicKey},
		"RSA key for PS":  {Alg: "PS256", Public: &k.PublicKey},
		"RSA key for ES":  {Alg: "ES256", Public: &k.PublicKey},
		"private RSA key": {Public: k},
	} {
		if r := reason(d.VerifySignature(key)); r != reasons.TokenVerificationFailed {
			t.Errorf("RS256 token, %s: reason %q, want %q", name, r, reasons.TokenVerificationFailed)
		}
	}

	// A genuine ES256 token with its own key: refused by the header rules
	// (as @clerk/backend does) and by the signature check.
	in := jseg(t, map[string]any{"alg": "ES256"}) + "." + jseg(t, map[string]any{"sub": "u"})
	sum := sha256.Sum256([]byte(in))
	sig, err := ecdsa.SignASN1(rand.Reader, ec, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	es, err := jwt.Decode(in + "." + seg(sig))
	if err != nil {
		t.Fatal(err)
	}
	if r := reason(es.CheckHeader(nil)); r != reasons.TokenInvalidAlgorithm {
		t.Errorf("ES256 header: reason %q", r)
	}
	for _, key := range []*jwt.Key{{Public: &ec.PublicKey}, {Alg: "ES256", Public: &ec.PublicKey}, {Public: &k.PublicKey}} {
		if r := reason(es.VerifySignature(key)); r != reasons.TokenVerificationFailed {
			t.Errorf("ES256 token with %T (alg %q): reason %q", key.Public, key.Alg, r)
		}
	}
}

func claims(tb testing.TB, payload string) *jwt.Claims {
	tb.Helper()
	d, err := jwt.Decode(seg([]byte(`{"alg":"RS256"}`)) + "." + seg([]byte(payload)) + ".c2ln")
	if err != nil {
		tb.Fatalf("decode %s: %v", payload, err)
	}
	return &d.Claims
}

func TestCheckStatic(t *testing.T) {
	ap := []string{"http://localhost:3000", "https://app.example.com"}
	tenant := func(azp string) bool { return strings.HasSuffix(azp, ".example.com") }
	rows := []struct {
		payload string
		chk     jwt.Checks
		reason  string
	}{
		{`{"sub":"u"}`, jwt.Checks{}, ""},
		{`{}`, jwt.Checks{}, reasons.TokenVerificationFailed},
		{`{"sub":1}`, jwt.Checks{}, reasons.TokenVerificationFailed},
		{`{"sub":"u","azp":"https://app.example.com"}`, jwt.Checks{AuthorizedParties: ap}, ""},
		{`{"sub":"u","azp":"https://evil.example.com"}`, jwt.Checks{AuthorizedParties: ap}, reasons.TokenInvalidAuthorizedParties},
		{`{"sub":"u"}`, jwt.Checks{AuthorizedParties: ap}, reasons.TokenInvalidAuthorizedParties},
		{`{"sub":"u","azp":""}`, jwt.Checks{AuthorizedParties: ap}, reasons.TokenInvalidAuthorizedParties},
		{`{"sub":"u","azp":7}`, jwt.Checks{AuthorizedParties: ap}, reasons.TokenInvalidAuthorizedParties},
		{`{"sub":"u","azp":"https://evil.example.com"}`, jwt.Checks{}, ""},
		{`{"sub":"u","aud":"a"}`, jwt.Checks{Audience: []string{"a", "b"}}, ""},
		{`{"sub":"u","aud":"c"}`, jwt.Checks{Audience: []string{"a", "b"}}, reasons.TokenVerificationFailed},
		{`{"sub":"u","aud":["c","b"]}`, jwt.Checks{Audience: []string{"a", "b"}}, ""},
		{`{"sub":"u","aud":["c","d"]}`, jwt.Checks{Audience: []string{"a", "b"}}, reasons.TokenVerificationFailed},
		{`{"sub":"u","aud":""}`, jwt.Checks{Audience: []string{"a"}}, ""},
		{`{"sub":"u","aud":[]}`, jwt.Checks{Audience: []string{"a"}}, ""},
		{`{"sub":"u","aud":[1,2]}`, jwt.Checks{Audience: []string{"a"}}, ""},
		{`{"sub":"u","aud":null}`, jwt.Checks{Audience: []string{"a"}}, ""},
		{`{"sub":"u","aud":"c"}`, jwt.Checks{Audience: []string{""}}, ""},
		{`{"sub":"u","aud":"c"}`, jwt.Checks{}, ""},
		// The audience is checked before the authorized party.
		{`{"sub":"u","aud":"c","azp":"x"}`, jwt.Checks{Audience: []string{"a"}, AuthorizedParties: ap}, reasons.TokenVerificationFailed},
		// A function decides in place of the list; it sees "" for an absent
		// or non-string azp.
		{`{"sub":"u","azp":"https://t1.example.com"}`, jwt.Checks{AuthorizedParty: tenant}, ""},
		{`{"sub":"u","azp":"https://evil.test"}`, jwt.Checks{AuthorizedParty: tenant}, reasons.TokenInvalidAuthorizedParties},
		{`{"sub":"u","azp":"https://evil.test"}`, jwt.Checks{AuthorizedParty: tenant, AuthorizedParties: []string{"https://evil.test"}}, reasons.TokenInvalidAuthorizedParties},
		{`{"sub":"u"}`, jwt.Checks{AuthorizedParty: func(azp string) bool { return azp == "" }}, ""},
		{`{"sub":"u","azp":7}`, jwt.Checks{AuthorizedParty: func(azp string) bool { return azp == "" }}, ""},
		{`{"sub":"u","aud":"c","azp":"https://t1.example.com"}`, jwt.Checks{Audience: []string{"a"}, AuthorizedParty: tenant}, reasons.TokenVerificationFailed},
	}
	for _, r := range rows {
		if got := reason(claims(t, r.payload).CheckStatic(r.chk)); got != r.reason {
			t.Errorf("CheckStatic(%s, %+v) = %q, want %q", r.payload, r.chk, got, r.reason)
		}
	}
}

func TestCheckTime(t *testing.T) {
	now := time.Unix(1_800_000_000, 500_000_000)
	n := now.Unix()
	skew := 5 * time.Second
	itoa := func(v int64) string { b, _ := json.Marshal(v); return string(b) }
	rows := []struct {
		payload string
		reason  string
	}{
		{`{"exp":` + itoa(n+60) + `}`, ""},
		{`{}`, reasons.TokenVerificationFailed},
		{`{"exp":"` + itoa(n+60) + `"}`, reasons.TokenVerificationFailed},
		{`{"exp":null}`, reasons.TokenVerificationFailed},
		{`{"exp":` + itoa(n-60) + `}`, reasons.TokenExpired},
		{`{"exp":` + itoa(n-4) + `}`, ""},
		{`{"exp":` + itoa(n-5) + `}`, reasons.TokenExpired},
		{`{"exp":` + itoa(n+60) + `.9}`, ""},
		{`{"exp":1e300}`, ""},
		{`{"exp":-1e300}`, reasons.TokenExpired},
		{`{"exp":` + itoa(n+60) + `,"nbf":` + itoa(n+6) + `}`, reasons.TokenNotActiveYet},
		{`{"exp":` + itoa(n+60) + `,"nbf":` + itoa(n+5) + `}`, ""},
		{`{"exp":` + itoa(n+60) + `,"nbf":"soon"}`, reasons.TokenVerificationFailed},
		{`{"exp":` + itoa(n+60) + `,"iat":` + itoa(n+6) + `}`, reasons.TokenIATInTheFuture},
		{`{"exp":` + itoa(n+60) + `,"iat":` + itoa(n+5) + `}`, ""},
		{`{"exp":` + itoa(n+60) + `,"iat":false}`, reasons.TokenVerificationFailed},
		// exp is checked before nbf, nbf before iat.
		{`{"exp":` + itoa(n-60) + `,"nbf":` + itoa(n+60) + `,"iat":` + itoa(n+60) + `}`, reasons.TokenExpired},
		{`{"exp":` + itoa(n+600) + `,"nbf":` + itoa(n+60) + `,"iat":` + itoa(n+60) + `}`, reasons.TokenNotActiveYet},
	}
	for _, r := range rows {
		if got := reason(claims(t, r.payload).CheckTime(now, skew)); got != r.reason {
			t.Errorf("CheckTime(%s) = %q, want %q", r.payload, got, r.reason)
		}
	}
	// Zero skew.
	if got := reason(claims(t, `{"exp":`+itoa(n)+`}`).CheckTime(now, 0)); got != reasons.TokenExpired {
		t.Errorf("exp == now with no skew: %q", got)
	}
}

func TestIssuerHost(t *testing.T) {
	for payload, want := range map[string]string{
		`{"iss":"https://clerk.example.com"}`: "clerk.example.com",
		`{"iss":"http://clerk.example.com"}`:  "clerk.example.com",
		`{"iss":"HTTPS://clerk.example.com"}`: "clerk.example.com",
		`{"iss":"clerk.example.com"}`:         "clerk.example.com",
		`{"iss":"https://a.com/https://b"}`:   "a.com/b",
	} {
		got, ok := claims(t, payload).IssuerHost()
		if !ok || got != want {
			t.Errorf("IssuerHost(%s) = %q, %v; want %q", payload, got, ok, want)
		}
	}
	for _, payload := range []string{`{}`, `{"iss":1}`, `{"iss":null}`} {
		if _, ok := claims(t, payload).IssuerHost(); ok {
			t.Errorf("IssuerHost(%s) ok", payload)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	e := jwt.Errorf(reasons.TokenExpired, "expired at %d", 5)
	if e.Error() != "expired at 5 (reason=token-expired)" || e.Reason != reasons.TokenExpired {
		t.Errorf("Error() = %q", e.Error())
	}
}
