package webauthn

import (
	"errors"
	"strings"
	"testing"

	wt "github.com/goclerk/clerk/localclerk/internal/webauthn/webauthntest"
)

const (
	testRPID   = "localhost"
	testOrigin = "http://localhost:3000"
)

func expect(ch []byte) Expect {
	return Expect{Challenge: ch, RPID: testRPID, RequireUV: true,
		OriginOK: func(o string) bool { return o == testOrigin }}
}

func TestVerifyRegistration(t *testing.T) {
	ch := NewChallenge()
	cases := []struct {
		name  string
		auth  func() *wt.Authenticator
		edit  func(e *Expect, cdj, att *[]byte, a *wt.Authenticator)
		fails string // substring of the error; "" passes
	}{
		{name: "none, ES256", auth: wt.New},
		{name: "none, RS256", auth: wt.NewRSA},
		{name: "packed self attestation", auth: func() *wt.Authenticator { a := wt.New(); a.Format = "packed"; return a }},
		{name: "packed self attestation, RS256", auth: func() *wt.Authenticator { a := wt.NewRSA(); a.Format = "packed"; return a }},
		{name: "packed with a certificate", auth: func() *wt.Authenticator { a := wt.New(); a.Format = "packed-x5c"; return a }},
		{name: "packed with a certificate, signature over other data", auth: func() *wt.Authenticator { a := wt.New(); a.Format = "packed-x5c"; return a },
			edit: func(_ *Expect, cdj, _ *[]byte, _ *wt.Authenticator) {
				*cdj = []byte(strings.Replace(string(*cdj), "}", ` }`, 1))
			},
			fails: "signature"},
		{name: "packed with a certificate that is not one", auth: wt.New, edit: func(_ *Expect, _, att *[]byte, a *wt.Authenticator) {
			*att = wt.Map(wt.Text("fmt"), wt.Text("packed"), wt.Text("attStmt"), wt.Map(wt.Text("alg"), wt.Int(-7), wt.Text("sig"), wt.Bytes([]byte{1}),
				wt.Text("x5c"), wt.Array(wt.Bytes([]byte{1, 2, 3}))), wt.Text("authData"),
				wt.Bytes(wt.AuthData(testRPID, FlagUP|FlagUV|FlagAT, 0, a.AttestedCredential())))
		}, fails: "certificate"},
		{name: "packed self attestation with another alg", auth: wt.New, edit: func(_ *Expect, _, att *[]byte, a *wt.Authenticator) {
			*att = wt.Map(wt.Text("fmt"), wt.Text("packed"), wt.Text("attStmt"), wt.Map(wt.Text("alg"), wt.Int(-257), wt.Text("sig"), wt.Bytes([]byte{1})),
				wt.Text("authData"), wt.Bytes(wt.AuthData(testRPID, FlagUP|FlagUV|FlagAT, 0, a.AttestedCredential())))
		}, fails: "alg"},
		{name: "another challenge", auth: wt.New, edit: func(e *Expect, _, _ *[]byte, _ *wt.Authenticator) { e.Challenge = NewChallenge() }, fails: "challenge"},
		{name: "no challenge issued", auth: wt.New, edit: func(e *Expect, _, _ *[]byte, _ *wt.Authenticator) { e.Challenge = nil }, fails: "challenge"},
		{name: "an origin not allowed", auth: wt.New, edit: func(e *Expect, _, _ *[]byte, _ *wt.Authenticator) {
			e.OriginOK = func(string) bool { return false }
		}, fails: "origin"},
		{name: "another RP ID", auth: wt.New, edit: func(e *Expect, _, _ *[]byte, _ *wt.Authenticator) { e.RPID = "example.com" }, fails: "RP ID"},
		{name: "a get ceremony", auth: wt.New, edit: func(_ *Expect, cdj, att *[]byte, a *wt.Authenticator) {
			*cdj = wt.ClientData(TypeGet, ch, testOrigin)
			*att = a.Attestation(testRPID, *cdj)
		}, fails: "type"},
		{name: "user not present", auth: func() *wt.Authenticator { a := wt.New(); a.Flags = FlagUV; return a }, fails: "not present"},
		{name: "user not verified", auth: func() *wt.Authenticator { a := wt.New(); a.Flags = FlagUP; return a }, fails: "not verified"},
		{name: "user not verified, not required", auth: func() *wt.Authenticator { a := wt.New(); a.Flags = FlagUP; return a },
			edit: func(e *Expect, _, _ *[]byte, _ *wt.Authenticator) { e.RequireUV = false }},
		{name: "packed self attestation over other data", auth: func() *wt.Authenticator { a := wt.New(); a.Format = "packed"; return a },
			edit: func(_ *Expect, cdj, _ *[]byte, _ *wt.Authenticator) {
				*cdj = []byte(strings.Replace(string(*cdj), "}", ` }`, 1))
			},
			fails: "signature"},
		{name: "an unknown format", auth: wt.New, edit: func(_ *Expect, _, att *[]byte, a *wt.Authenticator) {
			*att = wt.Map(wt.Text("fmt"), wt.Text("tpm"), wt.Text("attStmt"), wt.Map(), wt.Text("authData"),
				wt.Bytes(wt.AuthData(testRPID, FlagUP|FlagUV|FlagAT, 0, a.AttestedCredential())))
		}, fails: "not accepted"},
		{name: "none with a statement", auth: wt.New, edit: func(_ *Expect, _, att *[]byte, a *wt.Authenticator) {
			*att = wt.Map(wt.Text("fmt"), wt.Text("none"), wt.Text("attStmt"), wt.Map(wt.Text("x"), wt.Int(1)), wt.Text("authData"),
				wt.Bytes(wt.AuthData(testRPID, FlagUP|FlagUV|FlagAT, 0, a.AttestedCredential())))
		}, fails: "statement"},
		{name: "no attested credential", auth: wt.New, edit: func(_ *Expect, _, att *[]byte, _ *wt.Authenticator) {
			*att = wt.Map(wt.Text("fmt"), wt.Text("none"), wt.Text("attStmt"), wt.Map(), wt.Text("authData"),
				wt.Bytes(wt.AuthData(testRPID, FlagUP|FlagUV, 0, nil)))
		}, fails: "attested"},
		{name: "trailing bytes", auth: wt.New, edit: func(_ *Expect, _, att *[]byte, _ *wt.Authenticator) { *att = append(*att, 0) }, fails: "malformed"},
		{name: "an EdDSA key", auth: wt.New, edit: func(_ *Expect, _, att *[]byte, a *wt.Authenticator) {
			cred := append(make([]byte, 16), 0, byte(len(a.CredentialID)))
			cred = append(append(cred, a.CredentialID...), wt.Map(wt.Int(1), wt.Int(1), wt.Int(3), wt.Int(-8), wt.Int(-1), wt.Int(6), wt.Int(-2), wt.Bytes(make([]byte, 32)))...)
			*att = wt.Map(wt.Text("fmt"), wt.Text("none"), wt.Text("attStmt"), wt.Map(), wt.Text("authData"),
				wt.Bytes(wt.AuthData(testRPID, FlagUP|FlagUV|FlagAT, 0, cred)))
		}, fails: "unsupported credential key"},
		{name: "a point off the curve", auth: wt.New, edit: func(_ *Expect, _, att *[]byte, a *wt.Authenticator) {
			cred := append(make([]byte, 16), 0, byte(len(a.CredentialID)))
			cred = append(append(cred, a.CredentialID...), wt.Map(wt.Int(1), wt.Int(2), wt.Int(3), wt.Int(-7), wt.Int(-1), wt.Int(1),
				wt.Int(-2), wt.Bytes(make([]byte, 32)), wt.Int(-3), wt.Bytes(make([]byte, 32)))...)
			*att = wt.Map(wt.Text("fmt"), wt.Text("none"), wt.Text("attStmt"), wt.Map(), wt.Text("authData"),
				wt.Bytes(wt.AuthData(testRPID, FlagUP|FlagUV|FlagAT, 0, cred)))
		}, fails: "not a point"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := tc.auth()
			e := expect(ch)
			cdj := wt.ClientData(TypeCreate, ch, testOrigin)
			att := a.Attestation(testRPID, cdj)
			if tc.edit != nil {
				tc.edit(&e, &cdj, &att, a)
			}
			cred, err := VerifyRegistration(e, cdj, att)
			if tc.fails != "" {
				if err == nil || !strings.Contains(err.Error(), tc.fails) || !errors.Is(err, ErrVerification) {
					t.Fatalf("err = %v, want one about %q wrapping ErrVerification", err, tc.fails)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !SameCredentialID(cred.ID, a.CredentialID) {
				t.Errorf("credential id %x, want %x", cred.ID, a.CredentialID)
			}
			if _, err := ParsePublicKey(cred.PublicKey); err != nil {
				t.Errorf("stored key: %v", err)
			}
		})
	}
}

func TestVerifyAssertion(t *testing.T) {
	for _, mk := range []func() *wt.Authenticator{wt.New, wt.NewRSA} {
		a := mk()
		ch := NewChallenge()
		cred, err := VerifyRegistration(expect(ch), wt.ClientData(TypeCreate, ch, testOrigin), a.Attestation(testRPID, wt.ClientData(TypeCreate, ch, testOrigin)))
		if err != nil {
			t.Fatal(err)
		}
		assert := func(t *testing.T, ch []byte, rp, origin string, stored uint32) (uint32, error) {
			t.Helper()
			as, err := ParseAssertionJSON(a.Assert(ch, rp, origin))
			if err != nil {
				t.Fatal(err)
			}
			return VerifyAssertion(expect(ch), as, cred.PublicKey, stored)
		}
		t.Run("valid", func(t *testing.T) {
			n, err := assert(t, NewChallenge(), testRPID, testOrigin, 0)
			if err != nil || n != a.SignCount {
				t.Fatalf("count %d, err %v; want %d", n, err, a.SignCount)
			}
		})
		t.Run("counter did not go up", func(t *testing.T) {
			if _, err := assert(t, NewChallenge(), testRPID, testOrigin, a.SignCount+5); !errors.Is(err, ErrSignCount) {
				t.Fatalf("err = %v, want ErrSignCount", err)
			}
		})
		t.Run("no counter at all", func(t *testing.T) {
			a.SignCount = 0
			a.SignCount-- // Assert increments to 0
			if _, err := assert(t, NewChallenge(), testRPID, testOrigin, 0); err != nil {
				t.Fatal(err)
			}
			a.SignCount = 10
		})
		t.Run("another RP ID", func(t *testing.T) {
			if _, err := assert(t, NewChallenge(), "example.com", testOrigin, 0); err == nil || !strings.Contains(err.Error(), "RP ID") {
				t.Fatalf("err = %v", err)
			}
		})
		t.Run("another origin", func(t *testing.T) {
			if _, err := assert(t, NewChallenge(), testRPID, "http://evil.test", 0); err == nil || !strings.Contains(err.Error(), "origin") {
				t.Fatalf("err = %v", err)
			}
		})
		t.Run("an old challenge", func(t *testing.T) {
			as, _ := ParseAssertionJSON(a.Assert(NewChallenge(), testRPID, testOrigin))
			if _, err := VerifyAssertion(expect(NewChallenge()), as, cred.PublicKey, 0); err == nil || !strings.Contains(err.Error(), "challenge") {
				t.Fatalf("err = %v", err)
			}
		})
		t.Run("a tampered signature", func(t *testing.T) {
			ch := NewChallenge()
			as, _ := ParseAssertionJSON(a.Assert(ch, testRPID, testOrigin))
			as.Signature[len(as.Signature)-1] ^= 1
			if _, err := VerifyAssertion(expect(ch), as, cred.PublicKey, 0); !errors.Is(err, ErrSignature) {
				t.Fatalf("err = %v, want ErrSignature", err)
			}
		})
		t.Run("another credential's key", func(t *testing.T) {
			other := mk()
			ch := NewChallenge()
			oc, err := VerifyRegistration(expect(ch), wt.ClientData(TypeCreate, ch, testOrigin), other.Attestation(testRPID, wt.ClientData(TypeCreate, ch, testOrigin)))
			if err != nil {
				t.Fatal(err)
			}
			as, _ := ParseAssertionJSON(a.Assert(ch, testRPID, testOrigin))
			if _, err := VerifyAssertion(expect(ch), as, oc.PublicKey, 0); !errors.Is(err, ErrSignature) {
				t.Fatalf("err = %v, want ErrSignature", err)
			}
		})
		t.Run("not verified", func(t *testing.T) {
			a.Flags = FlagUP
			defer func() { a.Flags = FlagUP | FlagUV }()
			if _, err := assert(t, NewChallenge(), testRPID, testOrigin, 0); err == nil || !strings.Contains(err.Error(), "not verified") {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestDecodeCBOR(t *testing.T) {
	valid := []struct {
		name string
		in   []byte
	}{
		{"small int", []byte{0x17}},
		{"uint8", []byte{0x18, 0xff}},
		{"uint64", []byte{0x1b, 0, 0, 0, 0, 0, 0, 1, 0}},
		{"negative", []byte{0x38, 0x63}},
		{"bytes", []byte{0x42, 1, 2}},
		{"text", []byte{0x63, 'a', 'b', 'c'}},
		{"array", []byte{0x82, 1, 0x61, 'x'}},
		{"map", []byte{0xa2, 1, 2, 0x61, 'k', 0xf6}},
		{"simple", []byte{0x83, 0xf4, 0xf5, 0xf6}},
	}
	for _, tc := range valid {
		if _, rest, err := decodeCBOR(tc.in); err != nil || len(rest) != 0 {
			t.Errorf("%s: rest %x, err %v", tc.name, rest, err)
		}
	}
	deep := []byte{}
	for range maxDepth + 2 {
		deep = append(deep, 0x81)
	}
	invalid := []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"truncated argument", []byte{0x19, 1}},
		{"truncated bytes", []byte{0x45, 1}},
		{"huge byte length", []byte{0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
		{"huge array", []byte{0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
		{"huge map", []byte{0xbb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
		{"integer over int64", []byte{0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
		{"indefinite bytes", []byte{0x5f, 0x41, 1, 0xff}},
		{"a tag", []byte{0xc1, 0}},
		{"a float", []byte{0xf9, 0, 0}},
		{"reserved info", []byte{0x1c}},
		{"byte-string key", []byte{0xa1, 0x41, 1, 0}},
		{"duplicate key", []byte{0xa2, 1, 0, 1, 0}},
		{"nested too deeply", append(deep, 0)},
		{"too many entries", append([]byte{0x99, 0x01, 0x01}, make([]byte, 257)...)},
	}
	for _, tc := range invalid {
		if _, _, err := decodeCBOR(tc.in); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

func TestParseAuthenticatorData(t *testing.T) {
	a := wt.New()
	good := wt.AuthData(testRPID, FlagUP|FlagAT, 7, a.AttestedCredential())
	ad, err := ParseAuthenticatorData(good)
	if err != nil || ad.SignCount != 7 || !SameCredentialID(ad.CredentialID, a.CredentialID) {
		t.Fatalf("ad %+v, err %v", ad, err)
	}
	withExt := append(wt.AuthData(testRPID, FlagUP|FlagED, 1, nil), wt.Map(wt.Text("credProps"), wt.Map(wt.Text("rk"), []byte{0xf5}))...)
	if _, err := ParseAuthenticatorData(withExt); err != nil {
		t.Errorf("extensions: %v", err)
	}
	bad := map[string][]byte{
		"short":                  good[:36],
		"attested but truncated": wt.AuthData(testRPID, FlagUP|FlagAT, 0, make([]byte, 17)),
		"zero-length id":         wt.AuthData(testRPID, FlagUP|FlagAT, 0, make([]byte, 18)),
		"id longer than data":    wt.AuthData(testRPID, FlagUP|FlagAT, 0, append(make([]byte, 16), 0x03, 0xff)),
		"trailing bytes":         append(wt.AuthData(testRPID, FlagUP, 0, nil), 0),
		"extension flag, none":   wt.AuthData(testRPID, FlagUP|FlagED, 0, nil),
		"extensions not a map":   append(wt.AuthData(testRPID, FlagUP|FlagED, 0, nil), 0x01),
	}
	for name, b := range bad {
		if _, err := ParseAuthenticatorData(b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestParseCredentialJSON(t *testing.T) {
	a := wt.New()
	ch := NewChallenge()
	if r, err := ParseRegistrationJSON(a.Register(ch, testRPID, testOrigin)); err != nil || len(r.Transports) != 1 {
		t.Fatalf("registration: %+v %v", r, err)
	}
	a.UserHandle = []byte("user_1")
	if as, err := ParseAssertionJSON(a.Assert(ch, testRPID, testOrigin)); err != nil || string(as.UserHandle) != "user_1" {
		t.Fatalf("assertion: %+v %v", as, err)
	}
	for name, s := range map[string]string{
		"not JSON":           "{",
		"another type":       `{"type":"password","rawId":"AQ"}`,
		"no rawId":           `{"type":"public-key","response":{}}`,
		"id differs":         `{"type":"public-key","id":"Ag","rawId":"AQ","response":{"clientDataJSON":"e30"}}`,
		"no clientDataJSON":  `{"type":"public-key","rawId":"AQ","response":{}}`,
		"no attestation":     `{"type":"public-key","rawId":"AQ","response":{"clientDataJSON":"e30"}}`,
		"not base64url data": `{"type":"public-key","rawId":"AQ","response":{"clientDataJSON":"e30","attestationObject":"***"}}`,
	} {
		if _, err := ParseRegistrationJSON(s); err == nil {
			t.Errorf("registration %s: no error", name)
		}
	}
	for name, s := range map[string]string{
		"no signature":   `{"type":"public-key","rawId":"AQ","response":{"clientDataJSON":"e30","authenticatorData":"AQ"}}`,
		"no auth data":   `{"type":"public-key","rawId":"AQ","response":{"clientDataJSON":"e30","signature":"AQ"}}`,
		"bad userHandle": `{"type":"public-key","rawId":"AQ","response":{"clientDataJSON":"e30","authenticatorData":"AQ","signature":"AQ","userHandle":"*"}}`,
	} {
		if _, err := ParseAssertionJSON(s); err == nil {
			t.Errorf("assertion %s: no error", name)
		}
	}
}
