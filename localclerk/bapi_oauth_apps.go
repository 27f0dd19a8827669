package localclerk

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// OAuth applications: the clients for which the instance is an OAuth 2.0 /
// OIDC provider (fapi_oauth_idp.go serves the protocol endpoints).

const (
	maxRedirectURIs   = 20
	defaultAppScopes  = "profile email"
	maxOAuthAppScopes = 1024
)

// oauthAppWire is the Backend API's OAuthApplication (and, with
// ClientSecret, OAuthApplicationWithSecret).
type oauthAppWire struct {
	Object                string   `json:"object"` // "oauth_application"
	ID                    string   `json:"id"`
	InstanceID            string   `json:"instance_id"`
	Name                  string   `json:"name"`
	ClientID              string   `json:"client_id"`
	ClientURI             *string  `json:"client_uri"`
	ClientImageURL        *string  `json:"client_image_url"`
	DynamicallyRegistered bool     `json:"dynamically_registered"`
	ConsentScreenEnabled  bool     `json:"consent_screen_enabled"`
	PKCERequired          bool     `json:"pkce_required"`
	Public                bool     `json:"public"`
	Scopes                string   `json:"scopes"`
	RedirectURIs          []string `json:"redirect_uris"`
	CallbackURL           string   `json:"callback_url"`
	AuthorizeURL          string   `json:"authorize_url"`
	TokenFetchURL         string   `json:"token_fetch_url"`
	UserInfoURL           string   `json:"user_info_url"`
	DiscoveryURL          string   `json:"discovery_url"`
	IntrospectionURL      string   `json:"token_introspection_url"`
	CreatedAt             int64    `json:"created_at"`
	UpdatedAt             int64    `json:"updated_at"`
	ClientSecret          string   `json:"client_secret,omitempty"` // when created or rotated
}

func (inst *Instance) oauthAppJSON(a *oauthApp, secret string) *oauthAppWire {
	cb := ""
	if len(a.RedirectURIs) > 0 {
		cb = a.RedirectURIs[0]
	}
	base := inst.FrontendAPIURL
	return &oauthAppWire{Object: "oauth_application", ID: a.ID, InstanceID: inst.KeyID, Name: a.Name, ClientID: a.ClientID,
		DynamicallyRegistered: a.Dynamic, ConsentScreenEnabled: a.Consent, PKCERequired: a.PKCERequired, Public: a.Public, Scopes: a.Scopes,
		RedirectURIs: nonNil(a.RedirectURIs), CallbackURL: cb,
		AuthorizeURL: base + "/oauth/authorize", TokenFetchURL: base + "/oauth/token", UserInfoURL: base + "/oauth/userinfo",
		DiscoveryURL: base + "/.well-known/openid-configuration", IntrospectionURL: base + "/oauth/token_info",
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, ClientSecret: secret}
}

// oauthAppParams is the body of a create or update; nil fields are absent.
type oauthAppParams struct {
	Name         *string   `json:"name"`
	RedirectURIs *[]string `json:"redirect_uris"`
	CallbackURL  *string   `json:"callback_url"`
	Scopes       *string   `json:"scopes"`
	Consent      *bool     `json:"consent_screen_enabled"`
	PKCERequired *bool     `json:"pkce_required"`
	Public       *bool     `json:"public"`
}

// apply validates p and writes it onto a.
func (p *oauthAppParams) apply(a *oauthApp) error {
	if p.Name != nil {
		n := strings.TrimSpace(*p.Name)
		if n == "" {
			return errMissing("name")
		}
		if len(n) > 255 {
			return errInvalid("name", "name must be at most 255 characters.")
		}
		a.Name = n
	}
	uris := p.RedirectURIs
	if uris == nil && p.CallbackURL != nil {
		one := []string{}
		if *p.CallbackURL != "" {
			one = []string{*p.CallbackURL}
		}
		uris = &one
	}
	if uris != nil {
		if len(*uris) > maxRedirectURIs {
			return errInvalid("redirect_uris", fmt.Sprintf("At most %d redirect URIs.", maxRedirectURIs))
		}
		var list []string
		for _, u := range *uris {
			if err := checkRegisteredRedirect(u); err != nil {
				return err
			}
			if !slices.Contains(list, u) {
				list = append(list, u)
			}
		}
		a.RedirectURIs = list
	}
	if p.Scopes != nil {
		s, err := normaliseAppScopes(*p.Scopes)
		if err != nil {
			return err
		}
		a.Scopes = s
	}
	if p.Consent != nil {
		a.Consent = *p.Consent
	}
	if p.PKCERequired != nil {
		a.PKCERequired = *p.PKCERequired
	}
	if p.Public != nil {
		a.Public = *p.Public
	}
	if a.Public {
		a.PKCERequired = true // a public client has no secret; PKCE is what binds its code
	}
	return nil
}

// checkRegisteredRedirect validates a redirect URI an application
// registers: absolute, no fragment or user info (RFC 6749 section 3.1.2).
// Custom schemes are allowed, for native apps.
func checkRegisteredRedirect(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || len(raw) > 2048 || !u.IsAbs() || u.Fragment != "" || strings.Contains(raw, "#") || u.User != nil ||
		strings.ContainsAny(raw, "\x00\r\n\t ") {
		return errInvalid("redirect_uris", fmt.Sprintf("%q is not a valid redirect URI: an absolute URI without a fragment.", raw))
	}
	if (u.Scheme == "http" || u.Scheme == "https") && u.Host == "" {
		return errInvalid("redirect_uris", fmt.Sprintf("%q has no host.", raw))
	}
	return nil
}

// normaliseAppScopes checks an application's space-separated scopes
// against those localclerk serves.
func normaliseAppScopes(s string) (string, error) {
	if len(s) > maxOAuthAppScopes {
		return "", errInvalid("scopes", "scopes is too long.")
	}
	var out []string
	for _, sc := range strings.Fields(s) {
		if !slices.Contains(oauthScopesSupported, sc) {
			return "", errInvalid("scopes", fmt.Sprintf("%q is not a supported scope; localclerk supports %s.", sc, strings.Join(oauthScopesSupported, ", ")))
		}
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return strings.Join(out, " "), nil
}

func newClientSecret() string { return randString(40) }

func (inst *Instance) bapiCreateOAuthApp(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p oauthAppParams
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if p.Name == nil {
		return nil, 0, errMissing("name")
	}
	now := inst.now()
	a := &oauthApp{ID: newID("oa"), ClientID: randString(16), Consent: true, Scopes: defaultAppScopes,
		RedirectURIs: []string{}, CreatedAt: ms(now), UpdatedAt: ms(now)}
	if err := p.apply(a); err != nil {
		return nil, 0, err
	}
	secret := ""
	if !a.Public {
		secret = newClientSecret()
		a.SecretHash = hashToken(secret)
	}
	err := inst.store.update(r.Context(), func(t *txn) error {
		if err := t.oauthClientIDs().claim(a.ClientID, a.ID); err != nil {
			return err
		}
		return t.oauthApps().put(a)
	})
	if err != nil {
		return nil, 0, err
	}
	return inst.oauthAppJSON(a, secret), 0, nil
}

func (inst *Instance) bapiListOAuthApps(w http.ResponseWriter, r *http.Request) (any, int, error) {
	q := r.URL.Query()
	limit, offset, err := paging(q)
	if err != nil {
		return nil, 0, err
	}
	field, desc, err := orderBy(q, "+created_at", "created_at", "name")
	if err != nil {
		return nil, 0, err
	}
	query := strings.ToLower(strings.TrimSpace(q.Get("name_query")))
	var out []any
	var total int
	err = inst.store.view(r.Context(), func(t *txn) error {
		var list []*oauthApp
		if err := t.oauthApps().each(func(a *oauthApp) bool {
			if query == "" || strings.Contains(strings.ToLower(a.Name), query) {
				list = append(list, a)
			}
			return true
		}); err != nil {
			return err
		}
		sortBy(list, desc, func(a, b *oauthApp) int {
			if field == "name" {
				return cmpStr(strings.ToLower(a.Name), strings.ToLower(b.Name))
			}
			return cmpInt(a.CreatedAt, b.CreatedAt)
		})
		total = len(list)
		out, err = pageJSON(list, limit, offset, func(a *oauthApp) (any, error) { return inst.oauthAppJSON(a, ""), nil })
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return &pageWire{Data: out, TotalCount: total}, 0, nil
}

func (inst *Instance) bapiGetOAuthApp(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var a oauthApp
	err := inst.store.view(r.Context(), func(t *txn) error {
		return notFoundAs(t.oauthApps().load(r.PathValue("id"), &a), "OAuth application")
	})
	if err != nil {
		return nil, 0, err
	}
	return inst.oauthAppJSON(&a, ""), 0, nil
}

func (inst *Instance) bapiUpdateOAuthApp(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p oauthAppParams
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	var a oauthApp
	err := inst.store.update(r.Context(), func(t *txn) error {
		if err := t.oauthApps().load(r.PathValue("id"), &a); err != nil {
			return notFoundAs(err, "OAuth application")
		}
		if err := p.apply(&a); err != nil {
			return err
		}
		if a.Public {
			// A public client has no secret; turned confidential again it
			// cannot authenticate until rotate_secret gives it one.
			a.SecretHash = ""
		}
		a.UpdatedAt = ms(inst.now())
		return t.oauthApps().put(&a)
	})
	if err != nil {
		return nil, 0, err
	}
	return inst.oauthAppJSON(&a, ""), 0, nil
}

func (inst *Instance) bapiDeleteOAuthApp(w http.ResponseWriter, r *http.Request) (any, int, error) {
	id := r.PathValue("id")
	err := inst.store.update(r.Context(), func(t *txn) error {
		var a oauthApp
		if err := t.oauthApps().load(id, &a); err != nil {
			return notFoundAs(err, "OAuth application")
		}
		if err := t.oauthApps().del(id); err != nil {
			return err
		}
		// Its tokens die with it: verification must refuse them.
		toks, err := t.oauthTokens().list()
		if err != nil {
			return err
		}
		for _, o := range toks {
			if o.ClientID == a.ClientID && !o.Revoked {
				o.Revoked = true
				o.UpdatedAt = ms(inst.now())
				if err := t.oauthTokens().put(o); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return deletedJSON("oauth_application", id), 0, nil
}

func (inst *Instance) bapiRotateOAuthAppSecret(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var a oauthApp
	secret := newClientSecret()
	err := inst.store.update(r.Context(), func(t *txn) error {
		if err := t.oauthApps().load(r.PathValue("id"), &a); err != nil {
			return notFoundAs(err, "OAuth application")
		}
		if a.Public {
			return newAPIError(http.StatusUnprocessableEntity, "oauth_application_public", "public OAuth applications have no secret",
				"A public OAuth application has no client secret to rotate.", nil)
		}
		a.SecretHash = hashToken(secret)
		a.UpdatedAt = ms(inst.now())
		return t.oauthApps().put(&a)
	})
	if err != nil {
		return nil, 0, err
	}
	return inst.oauthAppJSON(&a, secret), 0, nil
}
