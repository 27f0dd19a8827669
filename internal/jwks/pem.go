package jwks

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// maxPEMLen bounds the configured key text; an RSA-8192 SPKI PEM is
// about 1.5 KB.
const maxPEMLen = 16 << 10

// ParsePEM parses an RSA public key given as configuration, in every form
// Clerk's SDKs accept for CLERK_JWT_KEY: a PEM block with line breaks, the
// same block on one line (as the dashboard shows it and env files carry
// it), or the bare base64 body without the BEGIN/END armour. Line breaks
// may also be the two characters `\n`, as in many env files. The key is an
// SPKI ("PUBLIC KEY") or a PKCS#1 ("RSA PUBLIC KEY") RSA key.
func ParsePEM(s string) (*rsa.PublicKey, error) {
	if len(s) > maxPEMLen {
		return nil, fmt.Errorf("the key is %d bytes, more than a PEM public key can be", len(s))
	}
	der, err := keyDER(s)
	if err != nil {
		return nil, err
	}
	if k, err := x509.ParsePKIXPublicKey(der); err == nil {
		rk, ok := k.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("the key is a %T, not an RSA key", k)
		}
		return rk, nil
	}
	k, err := x509.ParsePKCS1PublicKey(der)
	if err != nil {
		return nil, errors.New("not an RSA public key (SPKI or PKCS#1)")
	}
	return k, nil
}

// ParsePublicPEM parses a public key in the forms ParsePEM accepts, RSA
// or ECDSA (an SPKI "PUBLIC KEY"): the keys a JWT template with a custom
// signing key may be verified with.
func ParsePublicPEM(s string) (any, error) {
	if len(s) > maxPEMLen {
		return nil, fmt.Errorf("the key is %d bytes, more than a PEM public key can be", len(s))
	}
	der, err := keyDER(s)
	if err != nil {
		return nil, err
	}
	if k, err := x509.ParsePKIXPublicKey(der); err == nil {
		switch k := k.(type) {
		case *rsa.PublicKey, *ecdsa.PublicKey:
			return k, nil
		}
		return nil, fmt.Errorf("the key is a %T, not an RSA or ECDSA key", k)
	}
	k, err := x509.ParsePKCS1PublicKey(der)
	if err != nil {
		return nil, errors.New("not an RSA or ECDSA public key (SPKI or PKCS#1)")
	}
	return k, nil
}

// keyDER strips the armour, if any, and decodes the base64 body.
func keyDER(s string) ([]byte, error) {
	body := strings.ReplaceAll(strings.TrimSpace(s), `\n`, "\n")
	if i := strings.Index(body, "-----BEGIN "); i >= 0 {
		rest := body[i+len("-----BEGIN "):]
		label, rest, ok := strings.Cut(rest, "-----")
		if !ok || !isPEMLabel(label) {
			return nil, errors.New("malformed PEM BEGIN line")
		}
		end := "-----END " + label + "-----"
		j := strings.Index(rest, end)
		if j < 0 {
			return nil, fmt.Errorf("no %q line after BEGIN", end)
		}
		if label != "PUBLIC KEY" && label != "RSA PUBLIC KEY" {
			return nil, fmt.Errorf("a %q PEM block is not a public key (want PUBLIC KEY)", label)
		}
		body = rest[:j]
	} else if strings.Contains(body, "-----") {
		return nil, errors.New("PEM END line without a BEGIN line")
	}
	body = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, body)
	if body == "" {
		return nil, errors.New("no key: the value is empty")
	}
	der, err := base64.StdEncoding.DecodeString(body)
	if err != nil {
		if der, err = base64.RawStdEncoding.DecodeString(body); err != nil {
			return nil, errors.New("no PEM block found and the value is not base64")
		}
	}
	return der, nil
}

// isPEMLabel accepts the labels RFC 7468 allows (printable ASCII, with
// single spaces or hyphens inside).
func isPEMLabel(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x21 && c != ' ' || c > 0x7e {
			return false
		}
	}
	return true
}
