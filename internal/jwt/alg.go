package jwt

import (
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"math/big"

	"github.com/goclerk/clerk/internal/digest"
	"github.com/goclerk/clerk/internal/reasons"
)

// Tokens from JWT templates with a custom signing key are not held to
// Clerk's RS256-only rule: the app chose the key, so the verifier is told
// the one algorithm to accept for it. VerifyAlg never takes the algorithm
// from the token: the header must name exactly the configured one, and the
// key's type must be that algorithm's (an RSA public key is never an HMAC
// secret, which is the classic algorithm-confusion forgery).

// AlgorithmFor is the algorithm a key is used with when none is
// configured: HS256 for a secret, RS256 for RSA, and for ECDSA the one its
// curve is defined for (ES256 P-256, ES384 P-384, ES512 P-521). It is ""
// for a key of another type or curve.
func AlgorithmFor(key any) string {
	switch k := key.(type) {
	case []byte:
		return "HS256"
	case *rsa.PublicKey:
		return "RS256"
	case *ecdsa.PublicKey:
		return ecdsaAlg(k)
	}
	return ""
}

func ecdsaAlg(k *ecdsa.PublicKey) string {
	if k == nil || k.Curve == nil {
		return ""
	}
	switch k.Curve.Params().Name {
	case "P-256":
		return "ES256"
	case "P-384":
		return "ES384"
	case "P-521":
		return "ES512"
	}
	return ""
}

// KeyFits reports whether key can verify alg: a non-empty secret for HS*,
// an RSA public key for RS*, an ECDSA key on alg's curve for ES*.
func KeyFits(alg string, key any) bool {
	switch alg {
	case "HS256", "HS384", "HS512":
		k, ok := key.([]byte)
		return ok && len(k) > 0
	case "RS256", "RS384", "RS512":
		k, ok := key.(*rsa.PublicKey)
		return ok && k != nil && k.N != nil
	case "ES256", "ES384", "ES512":
		k, ok := key.(*ecdsa.PublicKey)
		return ok && ecdsaAlg(k) == alg
	}
	return false
}

// VerifyAlg checks t's signature with key under alg, the single algorithm
// configured for key. A header algorithm other than alg (absent, "none",
// or merely another one) is reasons.TokenInvalidAlgorithm; a key that
// does not fit alg is reasons.TokenVerificationFailed; a signature that
// does not verify is reasons.TokenInvalidSignature.
func (t *Token) VerifyAlg(alg string, key any) error {
	h := t.Header.Alg
	if !h.IsString || h.Value != alg {
		return errorf(reasons.TokenInvalidAlgorithm, "the token algorithm %s is not the configured %s", quoteOrAbsent(h), alg)
	}
	if !KeyFits(alg, key) {
		return errorf(reasons.TokenVerificationFailed, "the key cannot verify a %s signature", alg)
	}
	var ok bool
	switch alg[:2] {
	case "HS":
		ok = verifyHMAC(alg, key.([]byte), t.SigningInput, t.Signature)
	case "RS":
		return t.VerifySignature(&Key{Alg: alg, Public: key})
	case "ES":
		ok = verifyECDSA(key.(*ecdsa.PublicKey), t.SigningInput, t.Signature)
	}
	if !ok {
		return errorf(reasons.TokenInvalidSignature, "the token signature is invalid")
	}
	return nil
}

// verifyHMAC compares the MAC in constant time.
func verifyHMAC(alg string, secret []byte, input string, sig []byte) bool {
	var newHash func() hash.Hash
	switch alg {
	case "HS256":
		newHash = sha256.New
	case "HS384":
		newHash = sha512.New384
	default:
		newHash = sha512.New
	}
	m := hmac.New(newHash, secret)
	m.Write([]byte(input))
	return hmac.Equal(m.Sum(nil), sig)
}

// verifyECDSA checks a JOSE ECDSA signature: r and s as fixed-size
// big-endian integers, concatenated (RFC 7518 §3.4), not ASN.1.
func verifyECDSA(pub *ecdsa.PublicKey, input string, sig []byte) bool {
	size := (pub.Curve.Params().BitSize + 7) / 8
	if len(sig) != 2*size {
		return false
	}
	r := new(big.Int).SetBytes(sig[:size])
	s := new(big.Int).SetBytes(sig[size:])
	switch size {
	case 32:
		d := digest.SHA256(input)
		return ecdsa.Verify(pub, d[:], r, s)
	case 48:
		d := digest.SHA384(input)
		return ecdsa.Verify(pub, d[:], r, s)
	default:
		d := digest.SHA512(input)
		return ecdsa.Verify(pub, d[:], r, s)
	}
}
