// Package digest computes the SHA-2 digests of strings: the verified-token
// cache key of a bearer token and the digest of a JWT's signing input.
//
// crypto/sha256 and crypto/sha512 hash byte slices, and []byte(s) copies a
// token of several hundred bytes into a new heap allocation on every call.
// These functions copy it into a buffer on the stack instead (the hash
// functions do not keep their input), so hashing a token allocates nothing;
// only inputs longer than the buffer are converted the ordinary way.
package digest

import (
	"crypto/sha256"
	"crypto/sha512"
)

// stackMax is the longest input hashed from the stack buffer. Clerk session
// tokens are well below it; jwt.MaxTokenSize is 16 KiB.
const stackMax = 2048

// SHA256 returns the SHA-256 digest of s.
func SHA256(s string) [sha256.Size]byte {
	if len(s) > stackMax {
		return sha256.Sum256([]byte(s))
	}
	var buf [stackMax]byte
	return sha256.Sum256(buf[:copy(buf[:], s)])
}

// SHA384 returns the SHA-384 digest of s.
func SHA384(s string) [sha512.Size384]byte {
	if len(s) > stackMax {
		return sha512.Sum384([]byte(s))
	}
	var buf [stackMax]byte
	return sha512.Sum384(buf[:copy(buf[:], s)])
}

// SHA512 returns the SHA-512 digest of s.
func SHA512(s string) [sha512.Size]byte {
	if len(s) > stackMax {
		return sha512.Sum512([]byte(s))
	}
	var buf [stackMax]byte
	return sha512.Sum512(buf[:copy(buf[:], s)])
}
