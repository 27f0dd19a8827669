package webauthn

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"math/big"
)

// COSE algorithm identifiers (RFC 9053) of the keys accepted.
const (
	AlgES256 = -7   // ECDSA P-256 with SHA-256
	AlgRS256 = -257 // RSASSA-PKCS1-v1_5 with SHA-256
)

// COSE key parameters and values.
const (
	coseKty    = 1
	coseAlg    = 3
	coseCrv    = -1 // EC2 curve; RSA modulus n
	coseX      = -2 // EC2 x; RSA exponent e
	coseY      = -3
	ktyEC2     = 2
	ktyRSA     = 3
	crvP256    = 1
	minRSABits = 2048
	maxRSABits = 8192
)

// parseCOSEKey reads a COSE_Key of an accepted algorithm from the start
// of b; it returns the key, its algorithm and the bytes after it.
func parseCOSEKey(b []byte) (crypto.PublicKey, int64, []byte, error) {
	v, rest, err := decodeCBOR(b)
	if err != nil {
		return nil, 0, nil, err
	}
	m, ok := v.(cborMap)
	if !ok {
		return nil, 0, nil, errors.New("webauthn: the credential public key is not a COSE key")
	}
	kty, _ := intOf(m, coseKty)
	alg, _ := intOf(m, coseAlg)
	switch {
	case kty == ktyEC2 && alg == AlgES256:
		crv, _ := intOf(m, coseCrv)
		x, _ := bytesOf(m, coseX)
		y, _ := bytesOf(m, coseY)
		if crv != crvP256 || len(x) != 32 || len(y) != 32 {
			return nil, 0, nil, errors.New("webauthn: an ES256 key must be a P-256 point")
		}
		pt := append(append([]byte{4}, x...), y...)
		pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), pt)
		if err != nil {
			return nil, 0, nil, errors.New("webauthn: the ES256 key is not a point on P-256")
		}
		return pub, alg, rest, nil
	case kty == ktyRSA && alg == AlgRS256:
		n, _ := bytesOf(m, coseCrv)
		e, _ := bytesOf(m, coseX)
		if len(n) == 0 || n[0] == 0 || len(n)*8 < minRSABits || len(n)*8 > maxRSABits || len(e) == 0 || len(e) > 4 {
			return nil, 0, nil, errors.New("webauthn: the RS256 key's modulus or exponent is out of range")
		}
		exp := 0
		for _, c := range e {
			exp = exp<<8 | int(c)
		}
		if exp < 3 || exp%2 == 0 {
			return nil, 0, nil, errors.New("webauthn: the RS256 key's exponent is not valid")
		}
		return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: exp}, alg, rest, nil
	}
	return nil, 0, nil, fmt.Errorf("webauthn: unsupported credential key (kty %d, alg %d); ES256 and RS256 are accepted", kty, alg)
}

func intOf(m cborMap, k any) (int64, bool) {
	v, ok := m.get(k)
	i, isInt := v.(int64)
	return i, ok && isInt
}

func bytesOf(m cborMap, k any) ([]byte, bool) {
	v, ok := m.get(k)
	b, isBytes := v.([]byte)
	return b, ok && isBytes
}

// verifySignature checks sig over msg with pub under alg.
func verifySignature(pub crypto.PublicKey, alg int64, msg, sig []byte) error {
	h := sha256.Sum256(msg)
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if alg != AlgES256 || !ecdsa.VerifyASN1(k, h[:], sig) {
			return ErrSignature
		}
		return nil
	case *rsa.PublicKey:
		if alg != AlgRS256 || rsa.VerifyPKCS1v15(k, crypto.SHA256, h[:], sig) != nil {
			return ErrSignature
		}
		return nil
	}
	return ErrSignature
}

// MarshalPublicKey is the stored form of a credential's key: PKIX DER.
func MarshalPublicKey(pub crypto.PublicKey) ([]byte, error) {
	return x509.MarshalPKIXPublicKey(pub)
}

// ParsePublicKey reads a key MarshalPublicKey stored.
func ParsePublicKey(der []byte) (crypto.PublicKey, error) {
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, err
	}
	switch pub.(type) {
	case *ecdsa.PublicKey, *rsa.PublicKey:
		return pub, nil
	}
	return nil, errors.New("webauthn: stored key of an unsupported type")
}

func isECDSA(pub crypto.PublicKey) bool {
	_, ok := pub.(*ecdsa.PublicKey)
	return ok
}
