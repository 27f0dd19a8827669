package localclerk

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"slices"
	"strings"

	jose "github.com/go-jose/go-jose/v4"
)

// A JWT template may sign its tokens with the app's own key instead of
// the instance's (custom_signing_key), e.g. a Supabase JWT secret with
// HS256. The key is stored with the template and never answered.

// templateSigningAlgorithms are the algorithms a custom signing key may
// use: HMAC with a shared secret, RSA or ECDSA with a PEM private key.
var templateSigningAlgorithms = []string{"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512"}

// templateSigningKey parses key for alg; a key that does not fit is the
// caller's 422 naming signing_key.
func templateSigningKey(alg, key string) (any, error) {
	bad := func(why string) error {
		return errParam(http.StatusUnprocessableEntity, "form_param_value_invalid", "signing_key", "signing_key "+why)
	}
	if strings.HasPrefix(alg, "HS") {
		if len(key) < 32 {
			return nil, bad("for " + alg + " must be a secret of at least 32 characters.")
		}
		return []byte(key), nil
	}
	block, _ := pem.Decode([]byte(key))
	if block == nil {
		return nil, bad("for " + alg + " must be a PEM-encoded private key.")
	}
	var k any
	var err error
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		k, err = x509.ParseECPrivateKey(block.Bytes)
	default:
		k, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	}
	if err != nil {
		return nil, bad("is not a readable private key: " + err.Error())
	}
	switch k := k.(type) {
	case *rsa.PrivateKey:
		if strings.HasPrefix(alg, "RS") {
			if k.N.BitLen() < 2048 {
				return nil, bad("must be an RSA key of at least 2048 bits.")
			}
			return k, nil
		}
	case *ecdsa.PrivateKey:
		if curve := map[string]string{"ES256": "P-256", "ES384": "P-384", "ES512": "P-521"}[alg]; curve != "" {
			if k.Curve.Params().Name != curve {
				return nil, bad("for " + alg + " must be a " + curve + " key.")
			}
			return k, nil
		}
	}
	return nil, bad("does not fit signing_algorithm " + alg + ".")
}

// setTemplateSigning applies the signing fields of p to tpl. An update
// that leaves them out keeps the template's key; one that turns the
// custom key on must name the algorithm, and the key unless the template
// already has one for that algorithm.
func setTemplateSigning(tpl *jwtTemplate, p *templateParams) error {
	if p.CustomSigningKey == nil {
		if p.SigningAlgorithm == nil && p.SigningKey == nil {
			return nil
		}
		p.CustomSigningKey = &tpl.CustomSigningKey
	}
	if !*p.CustomSigningKey {
		tpl.CustomSigningKey, tpl.SigningAlgorithm, tpl.SigningKey = false, "", ""
		return nil
	}
	alg := tpl.SigningAlgorithm
	if p.SigningAlgorithm != nil {
		alg = *p.SigningAlgorithm
	}
	if alg == "" {
		return errMissing("signing_algorithm")
	}
	if !slices.Contains(templateSigningAlgorithms, alg) {
		return errInvalid("signing_algorithm", "signing_algorithm must be one of "+strings.Join(templateSigningAlgorithms, ", ")+".")
	}
	key := tpl.SigningKey
	if p.SigningKey != nil {
		key = *p.SigningKey
	}
	if key == "" {
		return errMissing("signing_key")
	}
	if _, err := templateSigningKey(alg, key); err != nil {
		return err
	}
	tpl.CustomSigningKey, tpl.SigningAlgorithm, tpl.SigningKey = true, alg, key
	return nil
}

// signWithTemplateKey signs claims with the template's own key; the
// header carries no kid, as the key is not the instance's.
func signWithTemplateKey(tpl *jwtTemplate, claims map[string]any) (string, error) {
	key, err := templateSigningKey(tpl.SigningAlgorithm, tpl.SigningKey)
	if err != nil {
		return "", fmt.Errorf("template %s signing key: %w", tpl.Name, err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("encode claims: %w", err)
	}
	opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader("cat", catJWTTemplate)
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(tpl.SigningAlgorithm), Key: key}, opts)
	if err != nil {
		return "", fmt.Errorf("create signer: %w", err)
	}
	obj, err := s.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return obj.CompactSerialize()
}
