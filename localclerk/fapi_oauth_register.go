package localclerk

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
)

// POST /oauth/register: OAuth 2.0 Dynamic Client Registration (RFC 7591),
// which MCP clients and other tools use to register themselves. It is
// served while the Backend API's oauth_application_settings turn
// dynamic_oauth_client_registration on (off by default, as on Clerk), and
// creates an OAuth application like the Backend API's, marked as
// dynamically registered.

// clientRegistrationRequest is the registration's JSON body.
type clientRegistrationRequest struct {
	RedirectURIs            []string `json:"redirect_uris"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
	ClientName              *string  `json:"client_name"`
	ClientURI               *string  `json:"client_uri"`
	LogoURI                 *string  `json:"logo_uri"`
	Scope                   *string  `json:"scope"`
}

// clientRegistrationWire is the registration's answer (RFC 7591 §3.2.1).
type clientRegistrationWire struct {
	ClientID                string   `json:"client_id"`
	ClientSecret            string   `json:"client_secret,omitempty"`
	ClientIDIssuedAt        int64    `json:"client_id_issued_at"`
	ClientSecretExpiresAt   int64    `json:"client_secret_expires_at"` // 0: never
	ClientName              string   `json:"client_name"`
	RedirectURIs            []string `json:"redirect_uris"`
	GrantTypes              []string `json:"grant_types"`
	ResponseTypes           []string `json:"response_types"`
	Scope                   string   `json:"scope"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
}

// parseClientRegistration reads and checks a registration body; the error
// is RFC 7591's (invalid_redirect_uri, invalid_client_metadata).
func parseClientRegistration(body []byte) (*clientRegistrationRequest, *oauthError) {
	var req clientRegistrationRequest
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return nil, &oauthError{http.StatusBadRequest, "invalid_client_metadata", "The body must be a JSON object of client metadata (RFC 7591)."}
	}
	if len(req.RedirectURIs) == 0 || len(req.RedirectURIs) > maxRedirectURIs {
		return nil, &oauthError{http.StatusBadRequest, "invalid_redirect_uri", "redirect_uris must list 1 to 20 redirect URIs."}
	}
	for _, u := range req.RedirectURIs {
		if checkRegisteredRedirect(u) != nil {
			return nil, &oauthError{http.StatusBadRequest, "invalid_redirect_uri", "Each redirect URI must be absolute and have no fragment."}
		}
	}
	if req.TokenEndpointAuthMethod == "" {
		req.TokenEndpointAuthMethod = "client_secret_basic"
	}
	if !slices.Contains([]string{"client_secret_basic", "client_secret_post", "none"}, req.TokenEndpointAuthMethod) {
		return nil, &oauthError{http.StatusBadRequest, "invalid_client_metadata", "token_endpoint_auth_method must be client_secret_basic, client_secret_post or none."}
	}
	for _, f := range []struct {
		v   *string
		max int
	}{{req.ClientName, 256}, {req.ClientURI, 1024}, {req.LogoURI, 1024}, {req.Scope, 1024}} {
		if f.v != nil && len(*f.v) > f.max {
			return nil, &oauthError{http.StatusBadRequest, "invalid_client_metadata", "A client metadata value is too long."}
		}
	}
	return &req, nil
}

func (inst *Instance) handleOAuthRegister(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
	if err != nil {
		writeOAuthError(w, &oauthError{http.StatusBadRequest, "invalid_client_metadata", "The body is too large."}, false)
		return
	}
	req, oerr := parseClientRegistration(body)
	if oerr != nil {
		writeOAuthError(w, oerr, false)
		return
	}
	name := "Dynamically registered client"
	if req.ClientName != nil && strings.TrimSpace(*req.ClientName) != "" {
		name = strings.TrimSpace(*req.ClientName)
	}
	scopes := defaultAppScopes
	if req.Scope != nil {
		s, err := normaliseAppScopes(*req.Scope)
		if err != nil {
			writeOAuthError(w, &oauthError{http.StatusBadRequest, "invalid_client_metadata", "scope names a scope localclerk does not support."}, false)
			return
		}
		scopes = s
	}
	now := inst.now()
	a := &oauthApp{ID: newID("oa"), ClientID: randString(16), Name: name, Consent: true, Scopes: scopes,
		Public: req.TokenEndpointAuthMethod == "none", RedirectURIs: slices.Compact(slices.Clone(req.RedirectURIs)),
		Dynamic: true, CreatedAt: ms(now), UpdatedAt: ms(now)}
	a.PKCERequired = a.Public
	secret := ""
	if !a.Public {
		secret = newClientSecret()
		a.SecretHash = hashToken(secret)
	}
	errOff := errors.New("dynamic client registration is off")
	err = inst.store.update(r.Context(), func(t *txn) error {
		var s oauthAppSettings
		if err := t.settings().load(metaOAuthAppSettings, &s); err != nil {
			return err
		}
		if !s.DynamicRegistration {
			return errOff
		}
		if err := t.oauthClientIDs().claim(a.ClientID, a.ID); err != nil {
			return err
		}
		return t.oauthApps().put(a)
	})
	if errors.Is(err, errOff) {
		writeOAuthError(w, &oauthError{http.StatusBadRequest, "invalid_client_metadata",
			"Dynamic client registration is off: turn dynamic_oauth_client_registration on with the Backend API's PATCH /v1/instance/oauth_application_settings."}, false)
		return
	}
	if err != nil {
		inst.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, &clientRegistrationWire{ClientID: a.ClientID, ClientSecret: secret, ClientIDIssuedAt: a.CreatedAt / 1000,
		ClientName: a.Name, RedirectURIs: a.RedirectURIs, GrantTypes: oauthGrantTypes, ResponseTypes: []string{"code"},
		Scope: a.Scopes, TokenEndpointAuthMethod: req.TokenEndpointAuthMethod})
}
