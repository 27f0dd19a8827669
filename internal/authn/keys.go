package authn

import (
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"strings"
)

// Instance types, as Clerk names them.
const (
	Development = "development"
	Production  = "production"
)

// PublishableKey is a parsed publishable key.
type PublishableKey struct {
	Key          string
	InstanceType string // Development or Production
	FrontendAPI  string // host (and port) of the Frontend API
	CookieSuffix string // first 8 chars of URL-safe base64(SHA-1(key))
}

// ErrPublishableKey describes why a publishable key was refused.
var ErrPublishableKey = errors.New("publishable key not valid (expected pk_test_… or pk_live_…)")

// ParsePublishableKey decodes pk_test_/pk_live_ keys exactly as Clerk does:
// base64 of "<frontend api>$", one '$' at the end and a '.' in the host.
func ParsePublishableKey(key string) (PublishableKey, error) {
	if key == "" {
		return PublishableKey{}, errors.New("publishable key is missing")
	}
	var typ string
	switch {
	case strings.HasPrefix(key, "pk_live_"):
		typ = Production
	case strings.HasPrefix(key, "pk_test_"):
		typ = Development
	default:
		return PublishableKey{}, ErrPublishableKey
	}
	parts := strings.Split(key, "_")
	if len(parts) != 3 || parts[2] == "" {
		return PublishableKey{}, ErrPublishableKey
	}
	decoded, err := decodeAtob(parts[2])
	if err != nil {
		return PublishableKey{}, errors.New("publishable key not valid: the encoded part is not base64")
	}
	if !strings.HasSuffix(decoded, "$") || strings.Contains(decoded[:len(decoded)-1], "$") || !strings.Contains(decoded[:len(decoded)-1], ".") {
		return PublishableKey{}, errors.New("publishable key not valid: the decoded key is not a Frontend API host followed by '$'")
	}
	return PublishableKey{Key: key, InstanceType: typ, FrontendAPI: decoded[:len(decoded)-1], CookieSuffix: CookieSuffix(key)}, nil
}

// decodeAtob decodes like atob: standard alphabet, padding optional.
func decodeAtob(s string) (string, error) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\n' || r == '\f' || r == '\r' {
			return -1
		}
		return r
	}, s)
	// atob drops one or two '=' only when they complete a multiple of
	// four; any other '=' makes the input invalid.
	if len(s)%4 == 0 {
		if strings.HasSuffix(s, "==") {
			s = s[:len(s)-2]
		} else if strings.HasSuffix(s, "=") {
			s = s[:len(s)-1]
		}
	}
	b, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// CookieSuffix derives the per-instance cookie suffix from the key.
func CookieSuffix(publishableKey string) string {
	sum := sha1.Sum([]byte(publishableKey))
	return base64.URLEncoding.EncodeToString(sum[:])[:8]
}

// IsDevelopmentSecretKey reports whether sk is a development secret key.
func IsDevelopmentSecretKey(sk string) bool {
	return strings.HasPrefix(sk, "sk_test_") || strings.HasPrefix(sk, "test_")
}
