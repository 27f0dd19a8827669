package webauthn

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
)

// Ceremony types of clientDataJSON.
const (
	TypeCreate = "webauthn.create"
	TypeGet    = "webauthn.get"
)

// maxClientDataLen bounds clientDataJSON; browsers send a few hundred
// bytes.
const maxClientDataLen = 4096

// ClientData is the part of clientDataJSON the relying party checks.
type ClientData struct {
	Type        string `json:"type"`
	Challenge   string `json:"challenge"` // base64url, no padding
	Origin      string `json:"origin"`
	CrossOrigin bool   `json:"crossOrigin"`
}

// ParseClientData parses clientDataJSON.
func ParseClientData(b []byte) (*ClientData, error) {
	if len(b) > maxClientDataLen {
		return nil, errors.New("webauthn: clientDataJSON is too long")
	}
	var cd ClientData
	if err := json.Unmarshal(b, &cd); err != nil {
		return nil, errors.New("webauthn: clientDataJSON is not a JSON object")
	}
	return &cd, nil
}

// check verifies the ceremony type, that the challenge is the one issued,
// and that the origin is one the relying party accepts.
func (cd *ClientData) check(typ string, challenge []byte, originOK func(string) bool) error {
	if cd.Type != typ {
		return fmt.Errorf("%w: clientDataJSON type is %q, want %q", ErrVerification, cd.Type, typ)
	}
	got, err := base64.RawURLEncoding.DecodeString(cd.Challenge)
	if err != nil || len(challenge) == 0 || subtle.ConstantTimeCompare(got, challenge) != 1 {
		return fmt.Errorf("%w: the challenge is not the one issued", ErrVerification)
	}
	if cd.CrossOrigin {
		return fmt.Errorf("%w: cross-origin ceremonies are not accepted", ErrVerification)
	}
	if originOK == nil || !originOK(cd.Origin) {
		return fmt.Errorf("%w: origin %q is not allowed", ErrVerification, cd.Origin)
	}
	return nil
}
