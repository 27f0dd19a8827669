// Package rsaverify verifies RSA PKCS#1 v1.5 signatures with a public key
// prepared once.
//
// crypto/rsa rebuilds the key's Montgomery constants (R² mod N) on every
// VerifyPKCS1v15 call, about a third of a 2048-bit verification, because a
// *rsa.PublicKey has nowhere to keep them. A session token is verified with
// one of a handful of instance keys, so Key computes them when the key is
// loaded and verifies with the exponent 65537 in Montgomery form.
//
// The prepared path runs where it is fast: amd64 with BMI2 and ADX (the
// rows of the Montgomery multiplication are in assembly), e = 65537, a modulus of
// 2048–4096 bits whose 64-bit word count is a multiple of 8, and Go not in
// FIPS 140 mode. Everything else is handed to crypto/rsa, so a Key accepts
// and rejects exactly what crypto/rsa does (the tests compare the two).
package rsaverify

import (
	"crypto"
	"crypto/fips140"
	"crypto/rsa"
	"crypto/subtle"
	"math/big"
)

// maxWords bounds the prepared path (4096 bits), so the working storage
// of a verification is fixed-size and stays on the stack.
const maxWords = 64

// Key is an RSA public key prepared for repeated verification. It is
// immutable once built and safe for concurrent use.
type Key struct {
	pub *rsa.PublicKey
	// The Montgomery form of the modulus; n is nil when crypto/rsa verifies.
	n    []uint64 // N, little-endian 64-bit words
	rr   []uint64 // R² mod N, R = 2^(64·len(n))
	n0   uint64   // −N⁻¹ mod 2^64
	size int      // the modulus's length in bytes, the signature length
}

// New prepares pub. It never fails: a key the prepared path does not
// cover is verified by crypto/rsa.
func New(pub *rsa.PublicKey) *Key {
	k := &Key{pub: pub}
	if !haveKernel || fips140.Enabled() || pub == nil || pub.N == nil || pub.E != 65537 {
		return k
	}
	bits := pub.N.BitLen()
	words := (bits + 63) / 64
	if bits < 2048 || words > maxWords || words%8 != 0 || pub.N.Bit(0) == 0 {
		return k
	}
	r := new(big.Int).Lsh(big.NewInt(1), uint(128*words))
	k.n = toWords(pub.N, words)
	k.rr = toWords(r.Mod(r, pub.N), words)
	k.n0 = negInverse(k.n[0])
	k.size = (bits + 7) / 8
	return k
}

// Public is the key New prepared.
func (k *Key) Public() *rsa.PublicKey { return k.pub }

// prepared reports whether verification runs here rather than in crypto/rsa.
func (k *Key) prepared() bool { return k.n != nil }

// VerifyPKCS1v15 is rsa.VerifyPKCS1v15(k.Public(), hash, hashed, sig): nil
// for a valid signature, else an error.
func (k *Key) VerifyPKCS1v15(hash crypto.Hash, hashed, sig []byte) error {
	prefix, known := digestInfo[hash]
	if !k.prepared() || !known || len(hashed) != hash.Size() {
		return rsa.VerifyPKCS1v15(k.pub, hash, hashed, sig)
	}
	if len(sig) != k.size {
		return rsa.ErrVerification
	}
	words := len(k.n)
	var s, m [maxWords]uint64
	if !fromBytes(s[:words], sig) || !less(s[:words], k.n) {
		return rsa.ErrVerification // s ≥ N is no signature (RFC 8017, 5.2.2)
	}
	k.exp65537(m[:words], s[:words])
	var em [maxWords * 8]byte
	toBytes(em[:k.size], m[:words])
	if !wellEncoded(em[:k.size], prefix, hashed) {
		return rsa.ErrVerification
	}
	return nil
}

// wellEncoded compares em with EMSA-PKCS1-v1_5(prefix ‖ hashed) (RFC 8017,
// 9.2): 00 01 FF…FF 00 prefix hashed, with at least eight FF bytes. The
// whole encoding is compared, never parsed.
func wellEncoded(em, prefix, hashed []byte) bool {
	tLen := len(prefix) + len(hashed)
	psEnd := len(em) - tLen - 1 // index of the 00 after the padding
	if psEnd < 2+8 {
		return false
	}
	ok := subtle.ConstantTimeByteEq(em[0], 0) & subtle.ConstantTimeByteEq(em[1], 1) & subtle.ConstantTimeByteEq(em[psEnd], 0)
	for _, b := range em[2:psEnd] {
		ok &= subtle.ConstantTimeByteEq(b, 0xff)
	}
	ok &= subtle.ConstantTimeCompare(em[psEnd+1:psEnd+1+len(prefix)], prefix)
	ok &= subtle.ConstantTimeCompare(em[psEnd+1+len(prefix):], hashed)
	return ok == 1
}

// digestInfo holds the DER DigestInfo prefixes of RFC 8017, 9.2, note 1,
// for the hashes JWTs use (RS256, RS384, RS512).
var digestInfo = map[crypto.Hash][]byte{
	crypto.SHA256: {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20},
	crypto.SHA384: {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30},
	crypto.SHA512: {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40},
}
