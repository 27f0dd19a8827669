// Package jwks resolves the public key that verifies a Clerk token: from a
// PEM given in configuration (no network), or from the Backend API's JWKS
// endpoint with a cache (remote.go) that is scoped to one instance, shared
// by concurrent misses, refreshed in the background, kept through failing
// refreshes up to a maximum staleness, and refetched at a bounded rate so
// that forged key ids cannot turn into a flood of Backend API calls.
package jwks

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"math/big"

	"github.com/goclerk/clerk/internal/jwt"
)

// Source resolves a verification key by key id. Errors are *jwt.Error with
// a Clerk reason, or another error for unexpected failures.
type Source interface {
	Key(ctx context.Context, kid string) (*jwt.Key, error)
}

// PEMSource serves one configured key for every key id, as a networkless
// Clerk SDK does with CLERK_JWT_KEY.
type PEMSource struct{ key *jwt.Key }

// NewPEMSource builds a source from a PEM public key.
func NewPEMSource(pemText string) (*PEMSource, error) {
	pub, err := ParsePEM(pemText)
	if err != nil {
		return nil, err
	}
	return &PEMSource{key: jwt.NewKey("", "RS256", pub)}, nil
}

// Key returns the configured key whatever the kid.
func (s *PEMSource) Key(context.Context, string) (*jwt.Key, error) { return s.key, nil }

// JWK is one key of a JSON Web Key Set as the Backend API serves it.
type JWK struct {
	Kid string `json:"kid"`
	Kty string `json:"kty"`
	Alg string `json:"alg"`
	Use string `json:"use"`
	N   string `json:"n"`
	E   string `json:"e"`
}

// ToKey converts an RSA JWK; other key types yield a key that cannot verify.
func (j JWK) ToKey() *jwt.Key {
	if j.Kty != "RSA" {
		return &jwt.Key{Kid: j.Kid, Alg: j.Alg}
	}
	n, err1 := base64.RawURLEncoding.DecodeString(trimPad(j.N))
	e, err2 := base64.RawURLEncoding.DecodeString(trimPad(j.E))
	if err1 != nil || err2 != nil || len(n) == 0 || len(e) == 0 || len(e) > 4 {
		return &jwt.Key{Kid: j.Kid, Alg: j.Alg}
	}
	exp := 0
	for _, b := range e {
		exp = exp<<8 | int(b)
	}
	return jwt.NewKey(j.Kid, j.Alg, &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: exp})
}

func trimPad(s string) string {
	for len(s) > 0 && s[len(s)-1] == '=' {
		s = s[:len(s)-1]
	}
	return s
}

// FetchError is how a Fetcher reports that the Backend API answered with an
// error status. InvalidSecretKey marks Clerk's clerk_key_invalid code.
type FetchError struct {
	URL              string
	Status           int
	InvalidSecretKey bool
	Message          string
}

func (e *FetchError) Error() string {
	return fmt.Sprintf("loading the JWKS from %s failed with status %d", e.URL, e.Status)
}
