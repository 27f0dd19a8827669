package webauthn

import (
	"testing"

	wt "github.com/goclerk/clerk/localclerk/internal/webauthn/webauthntest"
)

// The parsers take what a browser (or anyone) posts: they must refuse
// bad input with an error, never panic or allocate beyond the input.

func FuzzDecodeCBOR(f *testing.F) {
	a := wt.New()
	f.Add(a.Attestation(testRPID, []byte("{}")))
	f.Add(a.COSEKey())
	f.Add(wt.NewRSA().COSEKey())
	f.Add([]byte{0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		v, rest, err := decodeCBOR(b)
		if err == nil && len(rest) > len(b) {
			t.Fatalf("rest longer than input: %v", v)
		}
		_, _, _, _ = parseCOSEKey(b)
	})
}

func FuzzParseAuthenticatorData(f *testing.F) {
	a := wt.New()
	f.Add(wt.AuthData(testRPID, FlagUP|FlagUV|FlagAT, 1, a.AttestedCredential()))
	f.Add(wt.AuthData(testRPID, FlagUP, 1, nil))
	f.Add(append(wt.AuthData(testRPID, FlagUP|FlagED, 1, nil), wt.Map(wt.Text("x"), wt.Int(1))...))
	f.Fuzz(func(t *testing.T, b []byte) {
		ad, err := ParseAuthenticatorData(b)
		if err == nil && ad.Flags&FlagAT != 0 && (len(ad.CredentialID) == 0 || ad.PublicKey == nil) {
			t.Fatal("attested data without a credential")
		}
	})
}

func FuzzParseClientData(f *testing.F) {
	f.Add(wt.ClientData(TypeGet, []byte("challenge"), testOrigin))
	f.Add([]byte(`{"type":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		cd, err := ParseClientData(b)
		if err != nil {
			return
		}
		if cd.check(TypeGet, []byte("challenge"), func(o string) bool { return o == testOrigin }) == nil &&
			(cd.Type != TypeGet || cd.Origin != testOrigin) {
			t.Fatalf("accepted %+v", cd)
		}
	})
}

func FuzzVerifyRegistrationJSON(f *testing.F) {
	ch := []byte("fixed-challenge-for-fuzzing-0001")
	f.Add(wt.New().Register(ch, testRPID, testOrigin))
	p := wt.New()
	p.Format = "packed"
	f.Add(p.Register(ch, testRPID, testOrigin))
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRegistrationJSON(s)
		if err != nil {
			return
		}
		_, _ = VerifyRegistration(expect(ch), r.ClientDataJSON, r.AttestationObject)
	})
}

func FuzzVerifyAssertionJSON(f *testing.F) {
	ch := []byte("fixed-challenge-for-fuzzing-0001")
	a := wt.New()
	cdj := wt.ClientData(TypeCreate, ch, testOrigin)
	cred, err := VerifyRegistration(expect(ch), cdj, a.Attestation(testRPID, cdj))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(a.Assert(ch, testRPID, testOrigin))
	f.Fuzz(func(t *testing.T, s string) {
		as, err := ParseAssertionJSON(s)
		if err != nil {
			return
		}
		_, _ = VerifyAssertion(expect(ch), as, cred.PublicKey, 0)
	})
}
