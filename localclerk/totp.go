package localclerk

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP), as
// authenticator apps compute them: HMAC-SHA1, 30-second steps, 6 digits.
// A code of the step before or after the current one is accepted too,
// for clocks that drift, and a step once used is refused (replay).

const (
	totpStep   = 30 // seconds
	totpDigits = 6
)

// totpEncoding is the base32 of authenticator apps' secrets: RFC 4648
// alphabet, no padding.
var totpEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// totpSecret is a user's authenticator app secret.
type totpSecret struct {
	ID       string `json:"id"`
	Secret   string `json:"secret"` // base32, as shown to the user
	Verified bool   `json:"verified"`
	// LastStep is the last time step a code was accepted for; codes of
	// it and earlier steps are refused.
	LastStep  int64 `json:"last_step,omitempty"`
	CreatedAt int64 `json:"created_at"`
	UpdatedAt int64 `json:"updated_at"`
}

// newTOTPSecret returns a random 160-bit secret in base32.
func newTOTPSecret() string {
	b := make([]byte, 20)
	rand.Read(b) // never fails (crypto/rand panics instead)
	return totpEncoding.EncodeToString(b)
}

// totpAt is the code of secret (raw key bytes) for time step n.
func totpAt(key []byte, n int64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(n))
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%1_000_000)
}

// TOTPCode is the code an authenticator app shows at now for a base32
// secret, as /v1/me/totp returns it; tests use it to sign in with TOTP.
func TOTPCode(secret string, now time.Time) (string, error) {
	key, err := totpKey(secret)
	if err != nil {
		return "", err
	}
	return totpAt(key, now.Unix()/totpStep), nil
}

func totpKey(secret string) ([]byte, error) {
	key, err := totpEncoding.DecodeString(strings.ToUpper(strings.TrimRight(strings.ReplaceAll(secret, " ", ""), "=")))
	if err != nil || len(key) == 0 {
		return nil, fmt.Errorf("localclerk: TOTP secret is not base32")
	}
	return key, nil
}

// verify checks code at now, one step either side, never a step at or
// before the last one accepted; it records the step on success.
func (s *totpSecret) verify(code string, now time.Time) bool {
	key, err := totpKey(s.Secret)
	if err != nil || len(code) != totpDigits {
		return false
	}
	cur := now.Unix() / totpStep
	for _, n := range []int64{cur - 1, cur, cur + 1} {
		if n <= s.LastStep {
			continue
		}
		if subtle.ConstantTimeCompare([]byte(totpAt(key, n)), []byte(code)) == 1 {
			s.LastStep = n
			return true
		}
	}
	return false
}

// totpURI is the otpauth:// URI authenticator apps scan (Key Uri Format).
func totpURI(issuer, account, secret string) string {
	label := url.PathEscape(issuer) + ":" + url.PathEscape(account)
	q := url.Values{"secret": {secret}, "issuer": {issuer}, "algorithm": {"SHA1"},
		"digits": {fmt.Sprint(totpDigits)}, "period": {fmt.Sprint(totpStep)}}
	return "otpauth://totp/" + label + "?" + q.Encode()
}

// Backup codes: ten single-use codes of 8 lowercase letters and digits,
// kept as SHA-256 hashes (they are random, so no slow hash is needed).
const backupCodeCount = 10

const backupAlphabet = "abcdefghijkmnpqrstuvwxyz23456789"

// newBackupCodes returns fresh codes and their hashes.
func newBackupCodes() (codes, hashes []string) {
	for range backupCodeCount {
		b := make([]byte, 8)
		rand.Read(b)
		for i := range b {
			b[i] = backupAlphabet[int(b[i])%len(backupAlphabet)]
		}
		codes = append(codes, string(b))
		hashes = append(hashes, hashBackupCode(string(b)))
	}
	return codes, hashes
}

func hashBackupCode(code string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(code))))
	return hex.EncodeToString(sum[:])
}

// useBackupCode spends code from hashes; ok false when it is not one.
func useBackupCode(hashes []string, code string) (rest []string, ok bool) {
	h := hashBackupCode(code)
	for i, x := range hashes {
		if subtle.ConstantTimeCompare([]byte(x), []byte(h)) == 1 {
			return append(append([]string{}, hashes[:i]...), hashes[i+1:]...), true
		}
	}
	return hashes, false
}
