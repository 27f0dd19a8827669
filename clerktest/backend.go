package clerktest

import (
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// APIKeySpec describes an API key to mint. The fake Backend API verifies the
// returned secret with the api_key object built from these fields.
type APIKeySpec struct {
	// Subject is the owner: user_… (default "user_test"), org_… or mch_….
	Subject string
	Name    string // default "test-key"
	Scopes  []string
	Claims  map[string]any
	// Revoked and Expired keys are refused with 404, like unknown ones.
	Revoked, Expired bool
	// Expiration is reported in the object (milliseconds); zero is null.
	Expiration time.Time
}

// M2MTokenSpec describes an opaque machine-to-machine token (mt_…) to mint.
type M2MTokenSpec struct {
	Subject          string // the machine, mch_…; default "mch_test"
	Scopes           []string
	Claims           map[string]any
	Revoked, Expired bool
	Expiration       time.Time
}

// OAuthTokenSpec describes an opaque OAuth access token (oat_…) to mint.
type OAuthTokenSpec struct {
	Subject          string // the user; default "user_test"
	ClientID         string // default "client_test"
	Scopes           []string
	Revoked, Expired bool
	Expiration       time.Time
}

type machineRecord struct {
	kind    string // "api_key", "m2m_token", "oauth_token"
	object  map[string]any
	refusal string // "" when valid, else why verification fails
}

// APIKey mints an API key secret (ak_…) the fake Backend API verifies.
func (i *Instance) APIKey(k APIKeySpec) string {
	secret := "ak_" + randomHex(16)
	now := i.now().UnixMilli()
	obj := map[string]any{
		"object":            "api_key",
		"id":                "ak_" + randomHex(16),
		"type":              "api_key",
		"subject":           or(k.Subject, "user_test"),
		"name":              or(k.Name, "test-key"),
		"description":       nil,
		"claims":            nullableMap(k.Claims),
		"scopes":            nonNil(k.Scopes),
		"revoked":           k.Revoked,
		"revocation_reason": nil,
		"expired":           k.Expired,
		"expiration":        millisOrNull(k.Expiration),
		"created_by":        nil,
		"last_used_at":      nil,
		"created_at":        now,
		"updated_at":        now,
	}
	i.store(secret, machineRecord{kind: "api_key", object: obj, refusal: refusal("API key", k.Revoked, k.Expired)})
	return secret
}

// M2MToken mints an opaque M2M token (mt_…) the fake Backend API verifies.
func (i *Instance) M2MToken(m M2MTokenSpec) string {
	token := "mt_" + randomHex(16)
	now := i.now().UnixMilli()
	obj := map[string]any{
		"object":            "machine_to_machine_token",
		"id":                "mt_" + randomHex(16),
		"subject":           or(m.Subject, "mch_test"),
		"claims":            nullableMap(m.Claims),
		"scopes":            nonNil(m.Scopes),
		"revoked":           m.Revoked,
		"revocation_reason": nil,
		"expired":           m.Expired,
		"expiration":        millisOrNull(m.Expiration),
		"last_used_at":      nil,
		"created_at":        now,
		"updated_at":        now,
	}
	i.store(token, machineRecord{kind: "m2m_token", object: obj, refusal: refusal("M2M token", m.Revoked, m.Expired)})
	return token
}

// OAuthToken mints an opaque OAuth access token (oat_…) the fake Backend
// API verifies.
func (i *Instance) OAuthToken(o OAuthTokenSpec) string {
	token := "oat_" + randomHex(16)
	now := i.now().UnixMilli()
	obj := map[string]any{
		"object":            "clerk_idp_oauth_access_token",
		"id":                "oat_" + randomHex(16),
		"client_id":         or(o.ClientID, "client_test"),
		"subject":           or(o.Subject, "user_test"),
		"scopes":            nonNil(o.Scopes),
		"revoked":           o.Revoked,
		"revocation_reason": nil,
		"expired":           o.Expired,
		"expiration":        millisOrNull(o.Expiration),
		"created_at":        now,
		"updated_at":        now,
	}
	i.store(token, machineRecord{kind: "oauth_token", object: obj, refusal: refusal("OAuth token", o.Revoked, o.Expired)})
	return token
}

func (i *Instance) store(secret string, rec machineRecord) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.tokens[secret] = rec
}

func refusal(what string, revoked, expired bool) string {
	switch {
	case revoked:
		return what + " has been revoked"
	case expired:
		return what + " has expired"
	}
	return ""
}

func nullableMap(m map[string]any) any {
	if m == nil {
		return nil
	}
	return m
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func millisOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// routes registers the Backend API subset the middleware calls, and the
// in-memory users and organizations (fake_users.go, fake_orgs.go). The three
// verification endpoints live at the URL root, without the /v1 prefix, as
// they do on Clerk's Backend API.
func (i *Instance) routes() {
	i.mux.HandleFunc("GET /v1/jwks", i.serveJWKS)
	i.mux.HandleFunc("POST /api_keys/verify", i.verifyHandler("api_key", "secret", false))
	i.mux.HandleFunc("POST /m2m_tokens/verify", i.verifyHandler("m2m_token", "token", true))
	i.mux.HandleFunc("POST /oauth_applications/access_tokens/verify", i.verifyHandler("oauth_token", "access_token", false))
	i.mux.HandleFunc("GET /v1/clients/handshake_payload", i.serveHandshakePayload)
	i.mux.HandleFunc("GET /v1/client/handshake", i.serveFrontendHandshake) // Frontend API
	i.userRoutes()
	i.orgRoutes()
	i.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "resource_not_found", "clerktest: the fake Backend API does not serve "+r.Method+" "+r.URL.Path)
	})
}

// authorized checks the Bearer secret key (or, where machineKey, the
// machine secret key) and answers 401 otherwise.
func (i *Instance) authorized(w http.ResponseWriter, r *http.Request, machineKey bool) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if ok && (got == i.SecretKey || machineKey && got == i.MachineSecretKey) {
		return true
	}
	writeError(w, http.StatusUnauthorized, "clerk_key_invalid", "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.")
	return false
}

func (i *Instance) serveJWKS(w http.ResponseWriter, r *http.Request) {
	if !i.authorized(w, r, false) {
		return
	}
	pub := i.PrivateKey.PublicKey
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]string{{
		"use": "sig",
		"kty": "RSA",
		"kid": i.KeyID,
		"alg": "RS256",
		"n":   base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e":   base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}})
}

func (i *Instance) verifyHandler(kind, field string, machineKey bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !i.authorized(w, r, machineKey) {
			return
		}
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			writeError(w, http.StatusBadRequest, "form_invalid", "clerktest: the request body is not a JSON object: "+err.Error())
			return
		}
		secret, _ := body[field].(string)
		if secret == "" && kind == "oauth_token" {
			secret, _ = body["secret"].(string) // the deprecated member
		}
		if secret == "" {
			writeError(w, http.StatusUnprocessableEntity, "form_param_missing", field+" must be included")
			return
		}
		i.mu.Lock()
		rec, ok := i.tokens[secret]
		i.mu.Unlock()
		switch {
		case !ok || rec.kind != kind:
			writeError(w, http.StatusNotFound, "resource_not_found", "not found")
		case rec.refusal != "":
			writeError(w, http.StatusNotFound, "resource_not_found", rec.refusal)
		default:
			writeJSON(w, http.StatusOK, rec.object)
		}
	}
}

func (i *Instance) serveHandshakePayload(w http.ResponseWriter, r *http.Request) {
	if !i.authorized(w, r, false) {
		return
	}
	i.mu.Lock()
	d, ok := i.nonces[r.URL.Query().Get("nonce")]
	i.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "resource_not_found", "handshake nonce not found")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"directives": d})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"errors":[{"code":"internal_error","message":"clerktest: cannot encode the answer"}]}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]any{"errors": []map[string]string{{"code": code, "message": message, "long_message": message}}})
}

// serveFrontendHandshake plays the Frontend API's part of a handshake: it
// sends the browser back to redirect_url with the cookie directives of the
// browser session (SetBrowserSession), as a nonce when format=nonce is
// asked for, else as a signed handshake token. On a development instance
// the directives also set the dev browser cookie.
func (i *Instance) serveFrontendHandshake(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	back, err := url.Parse(q.Get("redirect_url"))
	if err != nil || !back.IsAbs() {
		writeError(w, http.StatusBadRequest, "form_param_invalid", "redirect_url must be an absolute URL")
		return
	}
	i.mu.Lock()
	s := i.browser
	i.mu.Unlock()
	token := ""
	if s != nil {
		token = i.SessionToken(*s)
	}
	directives := i.HandshakeDirectives(token)
	if !i.Production {
		dvb := q.Get("__clerk_db_jwt")
		if dvb == "" {
			dvb = i.DevBrowser()
		}
		directives = append(directives, "__clerk_db_jwt="+dvb+"; Path=/; SameSite=Lax")
	}
	param := "__clerk_handshake=" + i.HandshakeToken(directives...)
	if q.Get("format") == "nonce" {
		param = "__clerk_handshake_nonce=" + i.HandshakeNonce(directives...)
	}
	if back.RawQuery != "" {
		back.RawQuery += "&" + param
	} else {
		back.RawQuery = param
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, back.String(), http.StatusTemporaryRedirect)
}
