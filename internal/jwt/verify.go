package jwt

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"slices"
	"unsafe"

	"github.com/goclerk/clerk/internal/reasons"
	"github.com/goclerk/clerk/internal/rsaverify"
)

// Key is a public verification key. Alg, when set, is the algorithm the key
// was published for; a token signed with another algorithm is rejected, as
// WebCrypto's key import rejects it in @clerk/backend.
type Key struct {
	Kid    string
	Alg    string
	Public any // *rsa.PublicKey for usable keys

	// prepared verifies for Public when it is the key NewKey prepared.
	prepared *rsaverify.Key
}

// NewKey is a Key whose RSA public key is prepared once for the
// signatures of every token it verifies (see package rsaverify).
func NewKey(kid, alg string, pub any) *Key {
	k := &Key{Kid: kid, Alg: alg, Public: pub}
	if rk, ok := pub.(*rsa.PublicKey); ok {
		k.prepared = rsaverify.New(rk)
	}
	return k
}

// Supported algorithms: RSA PKCS#1 v1.5 only, as @clerk/backend.
var algHash = map[string]crypto.Hash{
	"RS256": crypto.SHA256,
	"RS384": crypto.SHA384,
	"RS512": crypto.SHA512,
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
	if _, ok := algHash[t.Header.Alg.Value]; !ok {
		return errorf(reasons.TokenInvalidAlgorithm, "the token algorithm %q is not supported; Clerk tokens use RS256", t.Header.Alg.Value)
	}
	return nil
}

// VerifySignature checks the signature with k. CheckHeader must have passed.
func (t *Token) VerifySignature(k *Key) error {
	pub, ok := k.Public.(*rsa.PublicKey)
	alg := t.Header.Alg.Value
	h, known := algHash[alg]
	if !ok || !known || (k.Alg != "" && k.Alg != alg) {
		return errorf(reasons.TokenVerificationFailed, "the key cannot verify a %s signature", alg)
	}
	// A read-only view of the signing input: the hash functions only read
	// it, and []byte(…) would copy half a kilobyte per verification.
	in := unsafe.Slice(unsafe.StringData(t.SigningInput), len(t.SigningInput))
	var digest []byte
	switch h {
	case crypto.SHA256:
		d := sha256.Sum256(in)
		digest = d[:]
	case crypto.SHA384:
		d := sha512.Sum384(in)
		digest = d[:]
	default:
		d := sha512.Sum512(in)
		digest = d[:]
	}
	var err error
	if k.prepared != nil && k.prepared.Public() == pub {
		err = k.prepared.VerifyPKCS1v15(h, digest, t.Signature)
	} else {
		err = rsa.VerifyPKCS1v15(pub, h, digest, t.Signature)
	}
	if err != nil {
		return errorf(reasons.TokenInvalidSignature, "the token signature is invalid")
	}
	return nil
}
