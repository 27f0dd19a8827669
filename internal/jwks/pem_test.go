package jwks

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"strings"
	"testing"
)

// The forms CLERK_JWT_KEY arrives in: as a PEM file, on one line as the
// Clerk dashboard and localclerk print it, with the armour stripped, with
// CRLF or literal \n separators from env files.
func TestPEMForms(t *testing.T) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	spki, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	multi := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki}))
	pkcs1 := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&k.PublicKey)}))
	b64 := base64.StdEncoding.EncodeToString(spki)
	forms := map[string]string{
		"spki multi-line":     multi,
		"pkcs1 multi-line":    pkcs1,
		"spki one line":       strings.ReplaceAll(strings.TrimSpace(multi), "\n", ""),
		"pkcs1 one line":      strings.ReplaceAll(strings.TrimSpace(pkcs1), "\n", ""),
		"spaces for newlines": strings.ReplaceAll(strings.TrimSpace(multi), "\n", " "),
		"crlf":                strings.ReplaceAll(multi, "\n", "\r\n"),
		"literal \\n":         strings.ReplaceAll(strings.TrimSpace(multi), "\n", `\n`),
		"no armour":           b64,
		"no armour, wrapped":  b64[:64] + "\n" + b64[64:128] + "\n" + b64[128:],
		"no armour, unpadded": strings.TrimRight(b64, "="),
		"surrounding blank":   "\n\n  " + multi + "\n  ",
	}
	for name, p := range forms {
		src, err := NewPEMSource(p)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		key, _ := src.Key(context.Background(), "anything")
		if !key.Public.(*rsa.PublicKey).Equal(&k.PublicKey) || key.Alg != "RS256" {
			t.Errorf("%s: wrong key", name)
		}
	}
}

func TestPEMRejects(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	rk, _ := rsa.GenerateKey(rand.Reader, 1024)
	priv := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rk)}))
	for name, bad := range map[string]string{
		"empty":          "",
		"blank":          " \n ",
		"not base64":     "not pem",
		"short body":     "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
		"no END":         "-----BEGIN PUBLIC KEY-----MIIB",
		"END only":       "MIIB-----END PUBLIC KEY-----",
		"mismatched END": "-----BEGIN PUBLIC KEY-----AAAA-----END RSA PUBLIC KEY-----",
		"private key":    priv,
		"EC key":         string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: ecDER})),
		"too long":       strings.Repeat("A", maxPEMLen+1),
	} {
		if _, err := ParsePEM(bad); err == nil {
			t.Errorf("%s: accepted", name)
		} else if name == "private key" && strings.Contains(err.Error(), "MII") {
			t.Errorf("%s: the error quotes the key: %v", name, err)
		}
	}
}

// ParsePEM reads configuration (CLERK_JWT_KEY): any text gives a key or an
// error, never a panic, and a key it returns round-trips.
func FuzzParsePEM(f *testing.F) {
	k, _ := rsa.GenerateKey(rand.Reader, 1024)
	spki, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	multi := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki}))
	for _, s := range []string{
		multi,
		strings.ReplaceAll(multi, "\n", ""),
		base64.StdEncoding.EncodeToString(spki),
		strings.ReplaceAll(multi, "\n", `\n`),
		"-----BEGIN PUBLIC KEY----------END PUBLIC KEY-----",
		"-----BEGIN -----",
		"",
		ecPEM(f),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if k, err := ParsePublicPEM(s); err == nil {
			if ek, ok := k.(*ecdsa.PublicKey); ok {
				if _, err := ek.ECDH(); err != nil && ek.Curve != elliptic.P224() {
					t.Fatalf("accepted a point off its curve from %q", s)
				}
			}
		} else if k != nil {
			t.Fatal("a key and an error")
		}
		pub, err := ParsePEM(s)
		if err != nil {
			if pub != nil {
				t.Fatal("a key and an error")
			}
			return
		}
		if pub.N == nil || pub.N.Sign() <= 0 {
			t.Fatalf("accepted a key without a modulus from %q", s)
		}
		if any, err := ParsePublicPEM(s); err != nil || !pub.Equal(any) {
			t.Fatalf("ParsePublicPEM disagrees with ParsePEM: %v", err)
		}
		again, err := ParsePEM(string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(pub)})))
		if err != nil || !again.Equal(pub) {
			t.Fatalf("the parsed key does not round-trip: %v", err)
		}
	})
}

func ecPEM(tb testing.TB) string {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}
