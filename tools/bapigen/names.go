package main

import (
	"go/token"
	"strings"
	"unicode"
)

// initialisms are written in upper case in Go identifiers.
var initialisms = map[string]string{
	"api": "API", "id": "ID", "ids": "IDs", "url": "URL", "urls": "URLs", "uri": "URI", "jwt": "JWT",
	"jwks": "JWKS", "ip": "IP", "saml": "SAML", "scim": "SCIM", "totp": "TOTP", "mfa": "MFA",
	"sms": "SMS", "http": "HTTP", "https": "HTTPS", "json": "JSON", "sso": "SSO", "oauth": "OAuth",
	"uat": "UAT", "otp": "OTP", "m2m": "M2M", "dns": "DNS", "acs": "ACS", "idp": "IdP", "sp": "SP",
	"rsa": "RSA", "ecdsa": "ECDSA", "cname": "CNAME", "svix": "Svix", "ttl": "TTL", "html": "HTML",
	"uuid": "UUID", "mime": "MIME", "ui": "UI", "db": "DB", "js": "JS", "crv": "Crv", "oidc": "OIDC", "xml": "XML", "pem": "PEM", "mx": "MX",
}

// words splits an identifier from the spec (snake_case, camelCase,
// dotted, dashed) into lower-case words.
func words(s string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r):
			// Start a word at a lower→upper edge, or at the last capital
			// of a run followed by a lower-case letter (JWKSKey → JWKS Key).
			prevLower := i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]))
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			prevUpper := i > 0 && unicode.IsUpper(rs[i-1])
			// ...but keep a plural "s" on an initialism (URLs, IDs).
			pluralS := nextLower && rs[i+1] == 's' && (i+2 == len(rs) || !unicode.IsLower(rs[i+2]))
			if prevLower || (prevUpper && nextLower && !pluralS) {
				flush()
			}
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	// Re-join words that the camelCase splitter tore apart.
	var merged []string
	for i := 0; i < len(out); i++ {
		if i+1 < len(out) && out[i] == "o" && out[i+1] == "auth" {
			merged = append(merged, "oauth")
			i++
			continue
		}
		if i+1 < len(out) && out[i] == "m2" && out[i+1] == "m" {
			merged = append(merged, "m2m")
			i++
			continue
		}
		merged = append(merged, out[i])
	}
	return merged
}

// pascal turns a spec name into an exported Go identifier.
func pascal(s string) string {
	var b strings.Builder
	for _, w := range words(s) {
		if v, ok := initialisms[w]; ok {
			b.WriteString(v)
			continue
		}
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	id := b.String()
	if id == "" {
		return "X"
	}
	if unicode.IsDigit(rune(id[0])) {
		id = "X" + id
	}
	return id
}

// camel turns a spec name into an unexported Go identifier (for arguments).
func camel(s string) string {
	ws := words(s)
	if len(ws) == 0 {
		return "x"
	}
	var b strings.Builder
	b.WriteString(ws[0])
	for _, w := range ws[1:] {
		if v, ok := initialisms[w]; ok {
			b.WriteString(v)
			continue
		}
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	id := b.String()
	if token.IsKeyword(id) || id == "ctx" || id == "params" || id == "req" || id == "out" || id == "err" || id == "s" {
		id += "Arg"
	}
	return id
}

// snake turns a Go identifier into a file-name friendly form.
func snake(s string) string {
	return strings.Join(words(s), "_")
}

// notPlural are service names that are not the plural of a resource.
var notPlural = map[string]bool{"JWKS": true, "Miscellaneous": true, "Billing": true, "Instance": true}

// resource is the singular resource a service is named after (Users →
// User, Directories → Directory), the prefix of its params and answer
// types.
func resource(service string) string {
	switch {
	case notPlural[service]:
		return service
	case strings.HasSuffix(service, "ies"):
		return strings.TrimSuffix(service, "ies") + "y"
	case strings.HasSuffix(service, "sses"):
		return strings.TrimSuffix(service, "es")
	case strings.HasSuffix(service, "s") && !strings.HasSuffix(service, "ss"):
		return strings.TrimSuffix(service, "s")
	}
	return service
}
