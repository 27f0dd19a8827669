package localclerk

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// Native social sign-in: a mobile app signs the user in with the
// provider's own SDK (Sign in with Apple, Google's credential manager, or
// Google One Tap on the web) and hands the Frontend API the provider's ID
// token with the oauth_token_<provider> or google_one_tap strategy. On
// localclerk the provider is its provider page, which mints such an ID
// token for the identity a developer or test picks
// (POST /oauth/{provider}/native_token), signed with the instance key;
// the strategies accept only those, so nothing leaves the machine.

// nativeTokenAudience is the audience of the ID tokens the provider page
// mints, standing in for the app's OAuth client id.
const nativeTokenAudience = "localclerk"

// nativeTokenTTL is how long a minted ID token is good for (Google's are
// good for an hour).
const nativeTokenTTL = 10 * time.Minute

// isNativeTokenStrategy reports the strategies that carry a provider's ID
// token.
func isNativeTokenStrategy(s string) bool {
	return s == "google_one_tap" || strings.HasPrefix(s, "oauth_token_")
}

// oauthProviderOf is the provider id of an OAuth strategy: oauth_google,
// oauth_token_google and google_one_tap are all "google".
func oauthProviderOf(strategy string) string {
	if strategy == "google_one_tap" {
		return "google"
	}
	if p, ok := strings.CutPrefix(strategy, "oauth_token_"); ok {
		return p
	}
	return strings.TrimPrefix(strategy, "oauth_")
}

// nativeIssuer is the issuer of the provider page's ID tokens for a
// provider.
func (inst *Instance) nativeIssuer(provider string) string {
	return inst.FrontendAPIURL + "/oauth/" + provider
}

// nativeIDClaims are an ID token's claims, as OpenID Connect names them.
type nativeIDClaims struct {
	Iss           string `json:"iss"`
	Aud           string `json:"aud"`
	Sub           string `json:"sub"`
	Email         string `json:"email,omitempty"`
	EmailVerified bool   `json:"email_verified"`
	GivenName     string `json:"given_name,omitempty"`
	FamilyName    string `json:"family_name,omitempty"`
	Picture       string `json:"picture,omitempty"`
	Iat           int64  `json:"iat"`
	Exp           int64  `json:"exp"`
}

var errNativeToken = errParam(http.StatusUnprocessableEntity, "form_param_value_invalid", "token",
	"token is not an unexpired ID token from localclerk's provider page for this provider.")

// nativeIdentity checks an ID token (signature, issuer, audience, expiry)
// and returns the identity it vouches for.
func (inst *Instance) nativeIdentity(token, provider string, now time.Time) (*oauthIdentity, error) {
	if token == "" {
		return nil, errMissing("token")
	}
	if len(token) > 16<<10 {
		return nil, errNativeToken
	}
	payload, err := inst.verifiedPayload(token)
	if err != nil {
		return nil, errNativeToken
	}
	var c nativeIDClaims
	if json.Unmarshal(payload, &c) != nil || c.Iss != inst.nativeIssuer(provider) || c.Aud != nativeTokenAudience ||
		c.Sub == "" || now.Unix() >= c.Exp {
		return nil, errNativeToken
	}
	return &oauthIdentity{ProviderUserID: c.Sub, Email: c.Email, EmailVerified: c.EmailVerified,
		FirstName: c.GivenName, LastName: c.FamilyName, ImageURL: c.Picture}, nil
}

// nativeProvider is the enabled provider a native strategy names.
func (inst *Instance) nativeProvider(strategy string) (string, error) {
	p := oauthProviderOf(strategy)
	if _, ok := inst.socialProvider("oauth_" + p); !ok {
		return "", strategyUnsupported(strategy)
	}
	return p, nil
}

// signInNativeToken signs in the user an ID token names. Someone new is
// "transferable" for oauth_token_ (the app then signs up), and an
// external_account_not_found error for google_one_tap, on which clerk-js
// signs up with the same token.
func (inst *Instance) signInNativeToken(x *fapiCall, si *signInAttempt, strategy string) error {
	provider, err := inst.nativeProvider(strategy)
	if err != nil {
		return err
	}
	id, err := inst.nativeIdentity(x.form.Get("token"), provider, x.now)
	if err != nil {
		return err
	}
	si.Strategy = strategy
	si.OAuth = &oauthAttempt{Strategy: strategy, Status: "verified", ExpireAt: ms(x.now.Add(oauthFlowTTL))}
	u, link, err := oauthUser(x.t, provider, id)
	if err != nil {
		return err
	}
	if u == nil {
		if strategy == "google_one_tap" {
			return oauthFlowError("external_account_not_found")
		}
		si.OAuth.Status, si.OAuth.Identity = "transferable", id
		return nil
	}
	return inst.signInWithIdentity(x, si, u, link, provider, id)
}

// signUpNativeToken creates the user an ID token names and signs them
// in; an identity some user has is "transferable" with
// external_account_exists, for a sign-in transfer. Apple gives the name
// only to the app, which sends it as first_name and last_name.
func (inst *Instance) signUpNativeToken(x *fapiCall, su *signUpAttempt, strategy string) error {
	provider, err := inst.nativeProvider(strategy)
	if err != nil {
		return err
	}
	id, err := inst.nativeIdentity(x.form.Get("token"), provider, x.now)
	if err != nil {
		return err
	}
	su.OAuth = &oauthAttempt{Strategy: strategy, Status: "unverified", ExpireAt: ms(x.now.Add(oauthFlowTTL))}
	u, _, err := oauthUser(x.t, provider, id)
	if err != nil {
		return err
	}
	if u != nil {
		su.OAuth.Status, su.OAuth.ErrorCode, su.OAuth.Identity = "transferable", "external_account_exists", id
		return nil
	}
	if id.FirstName == "" {
		id.FirstName = x.form.Get("first_name")
	}
	if id.LastName == "" {
		id.LastName = x.form.Get("last_name")
	}
	return inst.signUpWithIdentity(x, su, provider, id)
}

// nativeTokenWire is POST /oauth/{provider}/native_token's answer.
type nativeTokenWire struct {
	Object  string `json:"object"` // "native_id_token"
	IDToken string `json:"id_token"`
}

// handleNativeToken is the provider page's stand-in for a native SDK: it
// takes the page's choice (an existing account, a user's verified
// address, or a new identity typed in) and answers the ID token the
// provider would give the app.
func (inst *Instance) handleNativeToken(w http.ResponseWriter, r *http.Request) {
	provider := r.PathValue("provider")
	if _, ok := inst.socialProvider("oauth_" + provider); !ok {
		inst.writeError(w, r, errNotFoundResource("social provider"))
		return
	}
	// A program or test calls this; a foreign page must not mint tokens.
	if o := r.Header.Get("Origin"); o != "" && !inst.originAllowed(o) {
		inst.writeError(w, r, newAPIError(http.StatusForbidden, "origin_invalid", "is not allowed", "Requests from origin "+o+" are not allowed.", paramMeta("origin")))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		inst.writeError(w, r, newAPIError(http.StatusBadRequest, "request_body_invalid", "could not read request body", "The form could not be read.", nil))
		return
	}
	var id *oauthIdentity
	var ferr *apiError
	err := inst.store.view(r.Context(), func(t *txn) error {
		var err error
		id, ferr, err = oauthIdentityFromForm(t, provider, r.PostForm.Get("choice"), r.PostForm)
		return err
	})
	if err == nil && ferr != nil {
		err = ferr
	}
	if err != nil {
		inst.writeError(w, r, err)
		return
	}
	now := inst.now()
	tok, err := inst.key().sign(nativeIDClaims{Iss: inst.nativeIssuer(provider), Aud: nativeTokenAudience, Sub: id.ProviderUserID,
		Email: id.Email, EmailVerified: id.EmailVerified, GivenName: id.FirstName, FamilyName: id.LastName,
		Picture: id.ImageURL, Iat: now.Unix(), Exp: now.Add(nativeTokenTTL).Unix()}, "")
	if err != nil {
		inst.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, &nativeTokenWire{Object: "native_id_token", IDToken: tok})
}
