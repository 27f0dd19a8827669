// Package webauthntest is a software authenticator for tests: it makes
// the registrations and assertions a browser's authenticator would, in
// the JSON form clerk-js sends them.
package webauthntest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math/big"
	"time"
)

// Authenticator holds one credential.
type Authenticator struct {
	CredentialID []byte
	Key          crypto.Signer // *ecdsa.PrivateKey or *rsa.PrivateKey
	SignCount    uint32
	Flags        byte   // authenticator data flags; UP|UV by default
	UserHandle   []byte // returned with assertions (discoverable credentials)
	// Format is the attestation format: "none" (default), "packed"
	// (self attestation) or "packed-x5c" (signed by an attestation key
	// whose self-signed certificate is sent).
	Format string
}

// New returns an authenticator with a fresh P-256 credential.
func New() *Authenticator {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	return &Authenticator{CredentialID: id, Key: k, Flags: 0x01 | 0x04}
}

// NewRSA returns an authenticator with a fresh RSA-2048 credential.
func NewRSA() *Authenticator {
	a := New()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	a.Key = k
	return a
}

// ClientData is clientDataJSON for a ceremony.
func ClientData(typ string, challenge []byte, origin string) []byte {
	b, _ := json.Marshal(map[string]any{"type": typ, "challenge": b64(challenge), "origin": origin, "crossOrigin": false})
	return b
}

// AuthData is authenticator data for rpID with the given flags and
// counter, and attested credential data when cred is not nil.
func AuthData(rpID string, flags byte, count uint32, cred []byte) []byte {
	h := sha256.Sum256([]byte(rpID))
	out := append(h[:], flags)
	out = binary.BigEndian.AppendUint32(out, count)
	return append(out, cred...)
}

// COSEKey is the COSE_Key CBOR of the authenticator's public key.
func (a *Authenticator) COSEKey() []byte {
	switch k := a.Key.(type) {
	case *ecdsa.PrivateKey:
		pt, _ := k.PublicKey.Bytes() // 0x04 || x || y
		return Map(Int(1), Int(2), Int(3), Int(-7), Int(-1), Int(1), Int(-2), Bytes(pt[1:33]), Int(-3), Bytes(pt[33:65]))
	case *rsa.PrivateKey:
		return Map(Int(1), Int(3), Int(3), Int(-257), Int(-1), Bytes(k.N.Bytes()), Int(-2), Bytes(big.NewInt(int64(k.E)).Bytes()))
	}
	panic("webauthntest: unsupported key")
}

// AttestedCredential is the attested credential data of the credential.
func (a *Authenticator) AttestedCredential() []byte {
	out := make([]byte, 16) // AAGUID zero
	out = binary.BigEndian.AppendUint16(out, uint16(len(a.CredentialID)))
	out = append(out, a.CredentialID...)
	return append(out, a.COSEKey()...)
}

func (a *Authenticator) sign(msg []byte) []byte {
	h := sha256.Sum256(msg)
	sig, err := a.Key.Sign(rand.Reader, h[:], crypto.SHA256)
	if err != nil {
		panic(err)
	}
	return sig
}

func (a *Authenticator) alg() int64 {
	if _, ok := a.Key.(*rsa.PrivateKey); ok {
		return -257
	}
	return -7
}

// Attestation is an attestation object for clientDataJSON cdj.
func (a *Authenticator) Attestation(rpID string, cdj []byte) []byte {
	ad := AuthData(rpID, a.Flags|0x40, a.SignCount, a.AttestedCredential())
	stmt := Map()
	format := a.Format
	if format == "" {
		format = "none"
	}
	ch := sha256.Sum256(cdj)
	signed := append(append([]byte(nil), ad...), ch[:]...)
	switch format {
	case "packed":
		stmt = Map(Text("alg"), Int(a.alg()), Text("sig"), Bytes(a.sign(signed)))
	case "packed-x5c":
		format = "packed"
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			panic(err)
		}
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "webauthntest attestation"},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
		if err != nil {
			panic(err)
		}
		h := sha256.Sum256(signed)
		sig, err := ecdsa.SignASN1(rand.Reader, k, h[:])
		if err != nil {
			panic(err)
		}
		stmt = Map(Text("alg"), Int(-7), Text("sig"), Bytes(sig), Text("x5c"), Array(Bytes(der)))
	}
	return Map(Text("fmt"), Text(format), Text("attStmt"), stmt, Text("authData"), Bytes(ad))
}

// Register answers creation options (challenge, RP ID) from origin with
// the credential JSON clerk-js sends to attempt_verification.
func (a *Authenticator) Register(challenge []byte, rpID, origin string) string {
	cdj := ClientData("webauthn.create", challenge, origin)
	return credJSON(a.CredentialID, map[string]any{"clientDataJSON": b64(cdj),
		"attestationObject": b64(a.Attestation(rpID, cdj)), "transports": []string{"internal"}})
}

// Assert answers request options with the credential JSON clerk-js sends
// to attempt_first_factor; the counter goes up first.
func (a *Authenticator) Assert(challenge []byte, rpID, origin string) string {
	a.SignCount++
	cdj := ClientData("webauthn.get", challenge, origin)
	ad := AuthData(rpID, a.Flags, a.SignCount, nil)
	ch := sha256.Sum256(cdj)
	var uh any
	if a.UserHandle != nil {
		uh = b64(a.UserHandle)
	}
	return credJSON(a.CredentialID, map[string]any{"clientDataJSON": b64(cdj), "authenticatorData": b64(ad),
		"signature": b64(a.sign(append(append([]byte(nil), ad...), ch[:]...))), "userHandle": uh})
}

func credJSON(id []byte, resp map[string]any) string {
	b, _ := json.Marshal(map[string]any{"id": b64(id), "rawId": b64(id), "type": "public-key",
		"authenticatorAttachment": "platform", "response": resp})
	return string(b)
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// A minimal CBOR encoder for building test inputs.

func head(major byte, n uint64) []byte {
	switch {
	case n < 24:
		return []byte{major<<5 | byte(n)}
	case n <= 0xff:
		return []byte{major<<5 | 24, byte(n)}
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16([]byte{major<<5 | 25}, uint16(n))
	case n <= 0xffffffff:
		return binary.BigEndian.AppendUint32([]byte{major<<5 | 26}, uint32(n))
	}
	return binary.BigEndian.AppendUint64([]byte{major<<5 | 27}, n)
}

// Int encodes an integer.
func Int(i int64) []byte {
	if i < 0 {
		return head(1, uint64(-1-i))
	}
	return head(0, uint64(i))
}

// Bytes encodes a byte string.
func Bytes(b []byte) []byte { return append(head(2, uint64(len(b))), b...) }

// Text encodes a text string.
func Text(s string) []byte { return append(head(3, uint64(len(s))), s...) }

// Array encodes an array of encoded items.
func Array(items ...[]byte) []byte {
	out := head(4, uint64(len(items)))
	for _, it := range items {
		out = append(out, it...)
	}
	return out
}

// Map encodes a map of alternating encoded keys and values.
func Map(kv ...[]byte) []byte {
	out := head(5, uint64(len(kv)/2))
	for _, it := range kv {
		out = append(out, it...)
	}
	return out
}
