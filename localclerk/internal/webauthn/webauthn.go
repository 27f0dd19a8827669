// Package webauthn verifies WebAuthn registrations (attestations) and
// sign-ins (assertions) for localclerk's passkeys, with the standard
// library only.
//
// It accepts what browsers' platform and roaming authenticators send for
// passkeys: attestation formats "none" and "packed" (self attestation, or
// a certificate whose key signs; no trust anchors are kept, so the
// attestation proves nothing about the make of the authenticator, as with
// "none"), and ES256 (P-256) and RS256 credential keys. The caller issues
// the challenge, stores it, and makes sure it is used once.
package webauthn

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Errors a verification fails with; each wraps ErrVerification.
var (
	// ErrVerification is a response that does not prove what it must.
	ErrVerification = errors.New("webauthn: verification failed")
	// ErrSignature is an assertion or attestation whose signature does
	// not verify.
	ErrSignature = fmt.Errorf("%w: the signature does not verify", ErrVerification)
	// ErrSignCount is an assertion whose signature counter did not go up:
	// the credential may have been cloned.
	ErrSignCount = fmt.Errorf("%w: the signature counter did not increase", ErrVerification)
	// ErrMalformed is a response that cannot be parsed.
	ErrMalformed = fmt.Errorf("%w: malformed response", ErrVerification)
)

// NewChallenge returns a fresh random challenge.
func NewChallenge() []byte {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return b
}

// Expect is what the relying party issued and accepts for one ceremony.
type Expect struct {
	Challenge []byte
	// RPID is the relying party id the credential is scoped to: the
	// host name of the page.
	RPID string
	// OriginOK reports an origin the relying party serves.
	OriginOK func(origin string) bool
	// RequireUV refuses responses without user verification.
	RequireUV bool
}

func (e *Expect) checkAuthData(ad *AuthenticatorData) error {
	want := sha256.Sum256([]byte(e.RPID))
	if e.RPID == "" || ad.RPIDHash != want {
		return fmt.Errorf("%w: the RP ID hash is not that of %q", ErrVerification, e.RPID)
	}
	if ad.Flags&FlagUP == 0 {
		return fmt.Errorf("%w: the user was not present", ErrVerification)
	}
	if e.RequireUV && ad.Flags&FlagUV == 0 {
		return fmt.Errorf("%w: the user was not verified", ErrVerification)
	}
	if ad.Flags&FlagBS != 0 && ad.Flags&FlagBE == 0 {
		return fmt.Errorf("%w: backed up but not backup eligible", ErrVerification)
	}
	return nil
}

// Credential is a registered public key credential.
type Credential struct {
	ID        []byte
	PublicKey []byte // PKIX DER (MarshalPublicKey)
	Alg       int64
	SignCount uint32
	AAGUID    [16]byte
	Flags     byte
}

// maxAttestationLen bounds an attestation object; with a certificate
// chain they are a few kilobytes.
const maxAttestationLen = 64 << 10

// VerifyRegistration checks a registration's clientDataJSON and
// attestation object against e and returns the new credential.
func VerifyRegistration(e Expect, clientDataJSON, attestationObject []byte) (*Credential, error) {
	cd, err := ParseClientData(clientDataJSON)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if err := cd.check(TypeCreate, e.Challenge, e.OriginOK); err != nil {
		return nil, err
	}
	if len(attestationObject) > maxAttestationLen {
		return nil, fmt.Errorf("%w: the attestation object is too long", ErrMalformed)
	}
	v, rest, err := decodeCBOR(attestationObject)
	if err != nil || len(rest) != 0 {
		return nil, fmt.Errorf("%w: the attestation object is not one CBOR item", ErrMalformed)
	}
	att, ok := v.(cborMap)
	if !ok {
		return nil, fmt.Errorf("%w: the attestation object is not a map", ErrMalformed)
	}
	fmtv, _ := att.get("fmt")
	format, _ := fmtv.(string)
	raw, ok := bytesOf(att, "authData")
	if !ok {
		return nil, fmt.Errorf("%w: the attestation object has no authData", ErrMalformed)
	}
	stv, _ := att.get("attStmt")
	stmt, ok := stv.(cborMap)
	if !ok {
		return nil, fmt.Errorf("%w: the attestation object has no attStmt map", ErrMalformed)
	}
	ad, err := ParseAuthenticatorData(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if ad.Flags&FlagAT == 0 {
		return nil, fmt.Errorf("%w: no attested credential data", ErrVerification)
	}
	if err := e.checkAuthData(ad); err != nil {
		return nil, err
	}
	clientHash := sha256.Sum256(clientDataJSON)
	signed := append(append([]byte(nil), raw...), clientHash[:]...)
	switch format {
	case "none":
		if len(stmt) != 0 {
			return nil, fmt.Errorf("%w: a \"none\" attestation has a statement", ErrVerification)
		}
	case "packed":
		if err := verifyPacked(stmt, ad, signed); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%w: attestation format %q is not accepted (none and packed are)", ErrVerification, format)
	}
	der, err := MarshalPublicKey(ad.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return &Credential{ID: ad.CredentialID, PublicKey: der, Alg: ad.Alg, SignCount: ad.SignCount,
		AAGUID: ad.AAGUID, Flags: ad.Flags}, nil
}

// verifyPacked checks a "packed" statement: a signature by the
// credential's own key (self attestation), or by the first certificate
// of x5c.
func verifyPacked(stmt cborMap, ad *AuthenticatorData, signed []byte) error {
	alg, ok := intOf(stmt, "alg")
	sig, okSig := bytesOf(stmt, "sig")
	if !ok || !okSig {
		return fmt.Errorf("%w: a packed statement needs alg and sig", ErrMalformed)
	}
	x5c, hasChain := stmt.get("x5c")
	if !hasChain {
		if alg != ad.Alg {
			return fmt.Errorf("%w: self attestation alg %d is not the key's %d", ErrVerification, alg, ad.Alg)
		}
		return verifySignature(ad.PublicKey, alg, signed, sig)
	}
	chain, ok := x5c.([]any)
	if !ok || len(chain) == 0 {
		return fmt.Errorf("%w: x5c is not a list of certificates", ErrMalformed)
	}
	leaf, ok := chain[0].([]byte)
	if !ok {
		return fmt.Errorf("%w: x5c is not a list of certificates", ErrMalformed)
	}
	cert, err := x509.ParseCertificate(leaf)
	if err != nil {
		return fmt.Errorf("%w: the attestation certificate: %v", ErrMalformed, err)
	}
	return verifySignature(cert.PublicKey, alg, signed, sig)
}

// Assertion is a sign-in's response, decoded.
type Assertion struct {
	CredentialID      []byte
	ClientDataJSON    []byte
	AuthenticatorData []byte
	Signature         []byte
	UserHandle        []byte // nil when the authenticator sent none
}

// VerifyAssertion checks a's client data, authenticator data and
// signature against e and the stored credential key, and returns the
// authenticator's new signature count. A count that does not increase
// fails with ErrSignCount, unless both are 0 (authenticators that keep no
// counter).
func VerifyAssertion(e Expect, a *Assertion, publicKey []byte, storedCount uint32) (uint32, error) {
	cd, err := ParseClientData(a.ClientDataJSON)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if err := cd.check(TypeGet, e.Challenge, e.OriginOK); err != nil {
		return 0, err
	}
	ad, err := ParseAuthenticatorData(a.AuthenticatorData)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if ad.Flags&FlagAT != 0 {
		return 0, fmt.Errorf("%w: an assertion carries attested credential data", ErrVerification)
	}
	if err := e.checkAuthData(ad); err != nil {
		return 0, err
	}
	pub, err := ParsePublicKey(publicKey)
	if err != nil {
		return 0, err
	}
	alg := int64(AlgES256)
	if !isECDSA(pub) {
		alg = AlgRS256
	}
	clientHash := sha256.Sum256(a.ClientDataJSON)
	signed := append(append([]byte(nil), a.AuthenticatorData...), clientHash[:]...)
	if err := verifySignature(pub, alg, signed, a.Signature); err != nil {
		return 0, err
	}
	if (ad.SignCount != 0 || storedCount != 0) && ad.SignCount <= storedCount {
		return 0, ErrSignCount
	}
	return ad.SignCount, nil
}

// maxResponseJSON bounds the serialized credential clerk-js sends.
const maxResponseJSON = 96 << 10

// credentialJSON is the PublicKeyCredential as clerk-js serializes it,
// binary fields base64url without padding.
type credentialJSON struct {
	ID       string `json:"id"`
	RawID    string `json:"rawId"`
	Type     string `json:"type"`
	Response struct {
		ClientDataJSON    string   `json:"clientDataJSON"`
		AttestationObject string   `json:"attestationObject"`
		Transports        []string `json:"transports"`
		AuthenticatorData string   `json:"authenticatorData"`
		Signature         string   `json:"signature"`
		UserHandle        *string  `json:"userHandle"`
	} `json:"response"`
}

func parseCredentialJSON(s string) (*credentialJSON, []byte, []byte, error) {
	if len(s) > maxResponseJSON {
		return nil, nil, nil, fmt.Errorf("%w: the credential is too long", ErrMalformed)
	}
	var c credentialJSON
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return nil, nil, nil, fmt.Errorf("%w: the credential is not JSON", ErrMalformed)
	}
	if c.Type != "public-key" {
		return nil, nil, nil, fmt.Errorf("%w: the credential type is %q, not public-key", ErrMalformed, c.Type)
	}
	id, err := DecodeBase64URL(c.RawID)
	if err != nil || len(id) == 0 || len(id) > maxCredentialIDLen {
		return nil, nil, nil, fmt.Errorf("%w: rawId is not a base64url credential id", ErrMalformed)
	}
	if c.ID != "" && c.ID != base64.RawURLEncoding.EncodeToString(id) {
		return nil, nil, nil, fmt.Errorf("%w: id and rawId differ", ErrMalformed)
	}
	cdj, err := DecodeBase64URL(c.Response.ClientDataJSON)
	if err != nil || len(cdj) == 0 {
		return nil, nil, nil, fmt.Errorf("%w: clientDataJSON is not base64url", ErrMalformed)
	}
	return &c, id, cdj, nil
}

// Registration is a registration's response, decoded.
type Registration struct {
	CredentialID      []byte
	ClientDataJSON    []byte
	AttestationObject []byte
	Transports        []string
}

// ParseRegistrationJSON decodes the serialized credential of a
// registration (navigator.credentials.create).
func ParseRegistrationJSON(s string) (*Registration, error) {
	c, id, cdj, err := parseCredentialJSON(s)
	if err != nil {
		return nil, err
	}
	att, err := DecodeBase64URL(c.Response.AttestationObject)
	if err != nil || len(att) == 0 {
		return nil, fmt.Errorf("%w: attestationObject is not base64url", ErrMalformed)
	}
	var transports []string
	for _, t := range c.Response.Transports {
		if len(t) <= 32 && len(transports) < 8 {
			transports = append(transports, t)
		}
	}
	return &Registration{CredentialID: id, ClientDataJSON: cdj, AttestationObject: att, Transports: transports}, nil
}

// ParseAssertionJSON decodes the serialized credential of a sign-in
// (navigator.credentials.get).
func ParseAssertionJSON(s string) (*Assertion, error) {
	c, id, cdj, err := parseCredentialJSON(s)
	if err != nil {
		return nil, err
	}
	ad, err := DecodeBase64URL(c.Response.AuthenticatorData)
	if err != nil || len(ad) == 0 {
		return nil, fmt.Errorf("%w: authenticatorData is not base64url", ErrMalformed)
	}
	sig, err := DecodeBase64URL(c.Response.Signature)
	if err != nil || len(sig) == 0 {
		return nil, fmt.Errorf("%w: signature is not base64url", ErrMalformed)
	}
	a := &Assertion{CredentialID: id, ClientDataJSON: cdj, AuthenticatorData: ad, Signature: sig}
	if h := c.Response.UserHandle; h != nil && *h != "" {
		if a.UserHandle, err = DecodeBase64URL(*h); err != nil {
			return nil, fmt.Errorf("%w: userHandle is not base64url", ErrMalformed)
		}
	}
	return a, nil
}

// DecodeBase64URL decodes base64url with or without padding.
func DecodeBase64URL(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// EncodeBase64URL encodes b as base64url without padding, as WebAuthn's
// JSON forms carry binary values.
func EncodeBase64URL(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// SameCredentialID compares two credential ids.
func SameCredentialID(a, b []byte) bool { return bytes.Equal(a, b) }
