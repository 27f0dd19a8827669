// Command perffloor is the floor of shared/perf's every-request-verified
// mode: the plain net/http peer's answer plus one RS256 signature check
// per request with crypto/rsa, and nothing else: no header, claim or time
// checks, no cache, no auth decision. Its answer names the token's user
// and session (shared/perf's correctness check asks for them), found by a
// string search only the fixture's tokens allow. Run as shared/perf's
// target, its ratio to the peers is the best a server that verifies every
// token with crypto/rsa can show in that run; docs/performance.md quotes it.
//
//	bash ../shared/perf/run.sh --target "exec $PWD/bin/perffloor" \
//	  --peers "clerk-sdk-go plain" --tokens 20000
//
// Contract (shared/perf's): listen on 127.0.0.1:$PORT; CONFORMANCE_CONFIG
// carries the instance's PEM key in env.CLERK_JWT_KEY.
package main

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
)

// answer has the shape and the values of the plain peer's response, and
// is marshalled per request as the plain peer does.
type answer struct {
	TokenType             string    `json:"tokenType"`
	SessionClaims         *claims   `json:"sessionClaims"`
	SessionID             *string   `json:"sessionId"`
	SessionStatus         *string   `json:"sessionStatus"`
	UserID                *string   `json:"userId"`
	OrgID                 *string   `json:"orgId"`
	OrgRole               *string   `json:"orgRole"`
	OrgSlug               *string   `json:"orgSlug"`
	OrgPermissions        []string  `json:"orgPermissions"`
	FactorVerificationAge *[2]int64 `json:"factorVerificationAge"`
	IsAuthenticated       bool      `json:"isAuthenticated"`
}

// claims are the benchmark tokens' claims (shared/perf's lib/gen.mjs).
type claims struct {
	Azp string   `json:"azp"`
	Exp int64    `json:"exp"`
	Fva [2]int64 `json:"fva"`
	Iat int64    `json:"iat"`
	Iss string   `json:"iss"`
	Nbf int64    `json:"nbf"`
	O   struct {
		ID  string `json:"id"`
		Slg string `json:"slg"`
		Rol string `json:"rol"`
		Per string `json:"per"`
		Fpm string `json:"fpm"`
	} `json:"o"`
	Sid string `json:"sid"`
	Sts string `json:"sts"`
	Sub string `json:"sub"`
	V   int    `json:"v"`
}

func main() {
	key, err := instanceKey(os.Getenv("CONFORMANCE_CONFIG"))
	if err != nil {
		log.Fatal(err)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := answer{TokenType: "session_token"}
		if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			c, ok := verifiedClaims(key, tok)
			if !ok {
				http.Error(w, "invalid token", http.StatusUnauthorized)
				return
			}
			signedIn(&a, c)
		}
		b, err := json.Marshal(&a)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	})
	port := os.Getenv("PORT")
	if port == "" {
		port = "3000"
	}
	log.Printf("perffloor pid %d on 127.0.0.1:%s", os.Getpid(), port)
	log.Fatal(http.ListenAndServe("127.0.0.1:"+port, h))
}

// verifiedClaims checks the RS256 signature of a compact JWT and reads sub
// and sid from its payload by string search.
func verifiedClaims(key *rsa.PublicKey, tok string) (*claims, bool) {
	dot1, dot2 := strings.IndexByte(tok, '.'), strings.LastIndexByte(tok, '.')
	if dot1 < 0 || dot2 <= dot1 {
		return nil, false
	}
	sig, err := base64.RawURLEncoding.DecodeString(tok[dot2+1:])
	if err != nil {
		return nil, false
	}
	sum := sha256.Sum256([]byte(tok[:dot2]))
	if rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig) != nil {
		return nil, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(tok[dot1+1 : dot2])
	if err != nil {
		return nil, false
	}
	c := fixtureClaims()
	c.Sub, c.Sid = member(payload, "sub"), member(payload, "sid")
	return c, c.Sub != "" && c.Sid != ""
}

// member is the value of the string member name in a flat JSON object
// without escapes (the fixture's), "" if absent.
func member(obj []byte, name string) string {
	s := string(obj)
	_, v, ok := strings.Cut(s, `"`+name+`":"`)
	if !ok {
		return ""
	}
	v, _, _ = strings.Cut(v, `"`)
	return v
}

// fixtureClaims are the claims shared/perf's tokens carry besides sub and sid.
func fixtureClaims() *claims {
	c := &claims{Azp: "http://localhost:3000", Exp: 1900000000, Fva: [2]int64{0, -1}, Iat: 1790000000,
		Iss: "https://clerk.example.com", Nbf: 1790000000, Sts: "active", V: 2}
	c.O.ID, c.O.Slg, c.O.Rol, c.O.Per, c.O.Fpm = "org_1", "acme", "admin", "read,manage", "3"
	return c
}

func instanceKey(config string) (*rsa.PublicKey, error) {
	var c struct {
		Env struct {
			JWTKey string `json:"CLERK_JWT_KEY"`
		} `json:"env"`
	}
	if err := json.Unmarshal([]byte(config), &c); err != nil {
		return nil, fmt.Errorf("CONFORMANCE_CONFIG: %w", err)
	}
	block, _ := pem.Decode([]byte(c.Env.JWTKey))
	if block == nil {
		return nil, fmt.Errorf("CONFORMANCE_CONFIG: env.CLERK_JWT_KEY is not a PEM key")
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("CONFORMANCE_CONFIG: env.CLERK_JWT_KEY: %w", err)
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("CONFORMANCE_CONFIG: env.CLERK_JWT_KEY is not an RSA key")
	}
	return rk, nil
}

// signedIn fills the signed-in members from c, as the plain peer's answer has them.
func signedIn(a *answer, c *claims) {
	str := func(s string) *string { return &s }
	a.SessionClaims, a.SessionID, a.SessionStatus, a.UserID = c, str(c.Sid), str(c.Sts), str(c.Sub)
	a.OrgID, a.OrgRole, a.OrgSlug = str(c.O.ID), str("org:"+c.O.Rol), str(c.O.Slg)
	a.OrgPermissions, a.FactorVerificationAge, a.IsAuthenticated = []string{}, &c.Fva, true
}
