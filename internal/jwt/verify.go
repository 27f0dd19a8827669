package jwt

import (
	"crypto"
	"crypto/rsa"
	"slices"

	"github.com/goclerk/clerk/internal/digest"
	"github.com/goclerk/clerk/internal/reasons"
)

// Key is a public verification key. Alg, when set, is the algorithm the key
// was published for; a token signed with another algorithm is rejected, as
// WebCrypto's key import rejects it in @clerk/backend.
type Key struct {
	Kid string
	Alg string
	// Public is the parsed key, *rsa.PublicKey for a usable one. Keys are
	// parsed when they are loaded (the PEM once, a JWKS when fetched), never
	// per token; any other value is a key that verifies nothing.
	Public any
}

// NewKey is the Key for a public key parsed from a PEM or a JWK.
func NewKey(kid, alg string, pub any) *Key {
	return &Key{Kid: kid, Alg: alg, Public: pub}
}

// rsaHash is the hash of a supported algorithm: RSA PKCS#1 v1.5 with SHA-2,
// the algorithms @clerk/backend accepts (Clerk signs with RS256 and serves
// only RSA keys). Anything else, ES* and EdDSA included, is refused with
// token-invalid-algorithm before a key is used, as Clerk's SDK refuses it.
func rsaHash(alg string) (crypto.Hash, bool) {
	switch alg {
	case "RS256":
		return crypto.SHA256, true
	case "RS384":
		return crypto.SHA384, true
	case "RS512":
		return crypto.SHA512, true
	}
	return 0, false
}

// CheckHeader applies the typ and alg rules. allowedTyp nil means "JWT" when
// typ is present and no constraint when it is absent.
func (t *Token) CheckHeader(allowedTyp []string) error {
	typ := t.Header.Typ
	if typ.Set || allowedTyp != nil {
		allowed := allowedTyp
		if allowed == nil {
			allowed = []string{"JWT"}
		}
		if !typ.IsString || !slices.Contains(allowed, typ.Value) {
			return errorf(reasons.TokenInvalid, "the token type (typ) %s is not accepted", quoteOrAbsent(typ))
		}
	}
	if !t.Header.Alg.IsString {
		return errorf(reasons.TokenInvalidAlgorithm, "the token algorithm %s is not supported; Clerk tokens use RS256", quoteOrAbsent(t.Header.Alg))
	}
	if _, ok := rsaHash(t.Header.Alg.Value); !ok {
		return errorf(reasons.TokenInvalidAlgorithm, "the token algorithm %q is not supported; Clerk tokens use RS256", t.Header.Alg.Value)
	}
	return nil
}

// VerifySignature checks the signature with k using crypto/rsa. The header's
// algorithm must be one for k's type (RSA) and, when k names one, k's own:
// a key is never used with an algorithm it was not published for.
func (t *Token) VerifySignature(k *Key) error {
	alg := t.Header.Alg.Value
	h, known := rsaHash(alg)
	var pub *rsa.PublicKey
	if k != nil {
		pub, _ = k.Public.(*rsa.PublicKey)
	}
	if !known || pub == nil || pub.N == nil || (k.Alg != "" && k.Alg != alg) {
		return errorf(reasons.TokenVerificationFailed, "the key cannot verify a %s signature", alg)
	}
	var err error
	switch h {
	case crypto.SHA256:
		d := digest.SHA256(t.SigningInput)
		err = rsa.VerifyPKCS1v15(pub, h, d[:], t.Signature)
	case crypto.SHA384:
		d := digest.SHA384(t.SigningInput)
		err = rsa.VerifyPKCS1v15(pub, h, d[:], t.Signature)
	default:
		d := digest.SHA512(t.SigningInput)
		err = rsa.VerifyPKCS1v15(pub, h, d[:], t.Signature)
	}
	if err != nil {
		return errorf(reasons.TokenInvalidSignature, "the token signature is invalid")
	}
	return nil
}
