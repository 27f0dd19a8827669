package webauthn

import (
	"crypto"
	"encoding/binary"
	"errors"
)

// Authenticator data flags (WebAuthn §6.1).
const (
	FlagUP = 0x01 // user present
	FlagUV = 0x04 // user verified
	FlagBE = 0x08 // backup eligible
	FlagBS = 0x10 // backed up
	FlagAT = 0x40 // attested credential data included
	FlagED = 0x80 // extension data included
)

// maxCredentialIDLen is the longest credential id accepted (WebAuthn
// Level 3 caps it at 1023 bytes).
const maxCredentialIDLen = 1023

// AuthenticatorData is the parsed authenticator data of an attestation or
// an assertion.
type AuthenticatorData struct {
	RPIDHash  [32]byte
	Flags     byte
	SignCount uint32
	// Attested credential data, present with FlagAT.
	AAGUID       [16]byte
	CredentialID []byte
	PublicKey    crypto.PublicKey
	Alg          int64
}

// ParseAuthenticatorData parses raw authenticator data. Attested
// credential data and extensions must be present exactly when their
// flags say, and nothing may follow them.
func ParseAuthenticatorData(b []byte) (*AuthenticatorData, error) {
	if len(b) < 37 {
		return nil, errors.New("webauthn: authenticator data is shorter than 37 bytes")
	}
	ad := &AuthenticatorData{Flags: b[32], SignCount: binary.BigEndian.Uint32(b[33:37])}
	copy(ad.RPIDHash[:], b[:32])
	rest := b[37:]
	if ad.Flags&FlagAT != 0 {
		if len(rest) < 18 {
			return nil, errors.New("webauthn: attested credential data is truncated")
		}
		copy(ad.AAGUID[:], rest[:16])
		n := int(binary.BigEndian.Uint16(rest[16:18]))
		rest = rest[18:]
		if n == 0 || n > maxCredentialIDLen || n > len(rest) {
			return nil, errors.New("webauthn: the credential id length is not valid")
		}
		ad.CredentialID = append([]byte(nil), rest[:n]...)
		var err error
		if ad.PublicKey, ad.Alg, rest, err = parseCOSEKey(rest[n:]); err != nil {
			return nil, err
		}
	}
	if ad.Flags&FlagED != 0 {
		v, r, err := decodeCBOR(rest)
		if err != nil {
			return nil, err
		}
		if _, ok := v.(cborMap); !ok {
			return nil, errors.New("webauthn: extension data is not a map")
		}
		rest = r
	}
	if len(rest) != 0 {
		return nil, errors.New("webauthn: authenticator data has trailing bytes")
	}
	return ad, nil
}
