package localclerk

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/goclerk/clerk/localclerk/internal/webauthn"
)

// Passkeys: the signed-in user registers WebAuthn credentials
// (/v1/me/passkeys…, <UserProfile/>'s Passkeys section) and signs in
// with one (the passkey first factor, and <SignIn/>'s "Use passkey
// instead", a sign-in that starts with no identifier). Both are on while
// the settings' first factors name "passkey".
//
// The relying party id is the host name of the page (the request's
// Origin), as a browser requires; registrations and assertions are
// verified by internal/webauthn before the write transaction, and the
// transaction commits the verdict only if the challenge it answered is
// still the one outstanding, so a challenge is used once.

// passkeyChallengeTTL is how long a registration's or a sign-in's
// challenge can be answered.
const passkeyChallengeTTL = 5 * time.Minute

// maxPasskeys bounds the passkeys a user holds.
const maxPasskeys = 25

// signInPasskey is a sign-in's outstanding passkey challenge.
type signInPasskey struct {
	Challenge string `json:"challenge"` // base64url
	RPID      string `json:"rp_id"`
	Nonce     string `json:"nonce"` // the request options answered
}

// passkeyCheck is the verdict on a WebAuthn response, reached before the
// transaction. challenge is the one it answered; the transaction applies
// the verdict only while that challenge is outstanding.
type passkeyCheck struct {
	challenge string
	passkeyID string
	// A registration's new credential.
	cred       *webauthn.Credential
	transports []string
	// An assertion's sign-in, user and counters.
	signInID           string
	userID             string
	oldCount, newCount uint32
}

func (inst *Instance) mePasskeyRoutes(mux *routeMux) {
	mux.HandleFunc("POST /v1/me/passkeys", inst.meHandler(inst.meCreatePasskey))
	mux.HandleFunc("GET /.well-known/webauthn", inst.handleWebAuthnOrigins)
	mux.HandleFunc("GET /v1/me/passkeys/{id}", inst.meHandler(inst.meGetPasskey))
	mux.HandleFunc("PATCH /v1/me/passkeys/{id}", inst.meHandler(inst.meRenamePasskey))
	mux.HandleFunc("DELETE /v1/me/passkeys/{id}", inst.meHandler(inst.meDeletePasskey))
	mux.HandleFunc("POST /v1/me/passkeys/{id}/attempt_verification", inst.meHandlerChecked(inst.precheckPasskeyRegistration, inst.meVerifyPasskey))
}

// Errors of the passkey routes.
var (
	errPasskeysOff = newAPIError(http.StatusForbidden, "feature_not_enabled", "not enabled",
		"Passkeys are not enabled on this instance.", nil)
	errPasskeyNotPrepared = newAPIError(http.StatusBadRequest, "verification_not_sent", "not sent",
		"There is no passkey challenge to answer; start again.", paramMeta("public_key_credential"))
	errPasskeyExpired = newAPIError(http.StatusUnprocessableEntity, "verification_expired", "expired",
		"The passkey challenge has expired; start again.", paramMeta("public_key_credential"))
	errPasskeyUnknown = newAPIError(http.StatusUnprocessableEntity, "passkey_not_found", "not found",
		"This passkey is not registered on this instance.", paramMeta("public_key_credential"))
)

// errPasskeyInvalid answers a WebAuthn response that does not verify.
func errPasskeyInvalid(err error) *apiError {
	msg := strings.TrimPrefix(err.Error(), "webauthn: ")
	return newAPIError(http.StatusUnprocessableEntity, "passkey_verification_failed", "verification failed",
		"The passkey could not be verified: "+msg+".", paramMeta("public_key_credential"))
}

// passkeyEnvironment is the environment's passkey attribute and
// passkey_settings. Autofill stays off: conditional UI starts a sign-in
// the moment the page loads, which a developer does not expect offline.
func (ss *servedSettings) passkeyEnvironment() (attributeWire, passkeySettingsWire) {
	a := attributeWire{Enabled: ss.passkey, UsedForFirstFactor: ss.passkey,
		FirstFactors: []string{}, SecondFactors: []string{}, Verifications: []string{}}
	if ss.passkey {
		a.FirstFactors, a.Verifications = []string{"passkey"}, []string{"passkey"}
	}
	return a, passkeySettingsWire{ShowSignInButton: ss.passkey}
}

// hasPasskey reports a registered passkey.
func (u *user) hasPasskey() bool {
	for _, p := range u.Passkeys {
		if p.Verified {
			return true
		}
	}
	return false
}

// passkey returns u's passkey with id, or nil.
func (u *user) passkey(id string) *passkey {
	for i := range u.Passkeys {
		if u.Passkeys[i].ID == id {
			return &u.Passkeys[i]
		}
	}
	return nil
}

// passkeyByCredential returns u's registered passkey of credential id
// (base64url), or nil.
func (u *user) passkeyByCredential(id string) *passkey {
	for i := range u.Passkeys {
		if u.Passkeys[i].Verified && u.Passkeys[i].CredentialID == id {
			return &u.Passkeys[i]
		}
	}
	return nil
}

// credentialsFor lists u's registered credentials for rpID.
func (u *user) credentialsFor(rpID string) []credDescriptorWire {
	out := []credDescriptorWire{}
	for _, p := range u.Passkeys {
		if p.Verified && p.RPID == rpID {
			out = append(out, credDescriptorWire{Type: "public-key", ID: p.CredentialID, Transports: p.Transports})
		}
	}
	return out
}

// passkeyRPID is the relying party id of r: the host name of the page it
// came from (Origin, else the Host it was sent to). The origin must be one
// the instance serves.
func (inst *Instance) passkeyRPID(r *http.Request) (string, error) {
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		u, err := url.Parse(o)
		if err != nil || !inst.originAllowed(o) || u.Hostname() == "" {
			return "", newAPIError(http.StatusForbidden, "origin_invalid", "origin not allowed",
				"Passkeys are only offered to the instance's allowed origins.", nil)
		}
		return strings.ToLower(u.Hostname()), nil
	}
	h := r.Host
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	return strings.ToLower(strings.Trim(h, "[]")), nil
}

// passkeyOriginOK accepts the instance's allowed origins whose host is
// rpID or beneath it, as WebAuthn scopes credentials.
func (inst *Instance) passkeyOriginOK(rpID string) func(string) bool {
	return func(o string) bool {
		u, err := url.Parse(o)
		if err != nil || !inst.originAllowed(o) {
			return false
		}
		h := strings.ToLower(u.Hostname())
		return h == rpID || strings.HasSuffix(h, "."+rpID)
	}
}

// credentialParam is the serialized credential of a request.
func credentialParam(form url.Values) string {
	if s := form.Get("public_key_credential"); s != "" {
		return s
	}
	return form.Get("publicKeyCredential")
}

// passkeyName names a new passkey after the browser and platform that
// registered it, as Clerk does ("Chrome on Linux").
func passkeyName(r *http.Request) string {
	d := parseUserAgent(r.UserAgent())
	switch {
	case d.Browser != "" && d.DeviceType != "":
		return d.Browser + " on " + d.DeviceType
	case d.Browser != "":
		return d.Browser
	}
	return "Passkey"
}

// meCreatePasskey starts a registration: a passkey whose verification
// carries the creation options. A registration not finished is replaced.
func (inst *Instance) meCreatePasskey(x *fapiCall, u *user) (any, error) {
	if !inst.settingsNow().passkey {
		return nil, errPasskeysOff
	}
	rpID, err := inst.passkeyRPID(x.r)
	if err != nil {
		return nil, err
	}
	kept := u.Passkeys[:0]
	for _, p := range u.Passkeys {
		if p.Verified {
			kept = append(kept, p)
		}
	}
	u.Passkeys = kept
	if len(u.Passkeys) >= maxPasskeys {
		return nil, newAPIError(http.StatusUnprocessableEntity, "too_many_passkeys", "too many passkeys",
			"This account has as many passkeys as it can hold; remove one first.", nil)
	}
	name := u.primaryEmail()
	if u.Username != nil && *u.Username != "" {
		name = *u.Username
	}
	if name == "" {
		name = u.ID
	}
	challenge := webauthn.EncodeBase64URL(webauthn.NewChallenge())
	opts := creationOptionsWire{
		RP:        rpWire{ID: rpID, Name: "localclerk"},
		User:      webauthnUserWire{ID: webauthn.EncodeBase64URL([]byte(u.ID)), Name: name, DisplayName: u.displayName()},
		Challenge: challenge,
		PubKeyCredParams: []credParamWire{{Type: "public-key", Alg: webauthn.AlgES256},
			{Type: "public-key", Alg: webauthn.AlgRS256}},
		Timeout:            passkeyChallengeTTL.Milliseconds(),
		ExcludeCredentials: u.credentialsFor(rpID),
		AuthenticatorSelection: authenticatorSelectionWire{ResidentKey: "required", RequireResidentKey: true,
			UserVerification: "required"},
		Attestation: "none",
	}
	nonce, err := json.Marshal(&opts)
	if err != nil {
		return nil, err
	}
	now := ms(x.now)
	p := passkey{ID: newID("idn"), Name: passkeyName(x.r), RPID: rpID, Challenge: challenge,
		ChallengeExpireAt: ms(x.now.Add(passkeyChallengeTTL)), Nonce: string(nonce), CreatedAt: now, UpdatedAt: now}
	u.Passkeys = append(u.Passkeys, p)
	if err := x.saveMe(u); err != nil {
		return nil, err
	}
	return passkeyJSON(&p), nil
}

// precheckPasskeyRegistration verifies the attestation of
// attempt_verification against the registration's challenge, outside
// the transaction. Requests it cannot judge (no such passkey, passkeys
// off) pass through for the transaction to answer.
func (inst *Instance) precheckPasskeyRegistration(r *http.Request, form url.Values) (fapiPre, error) {
	raw := credentialParam(form)
	if raw == "" || !inst.settingsNow().passkey {
		return fapiPre{}, nil
	}
	reg, err := webauthn.ParseRegistrationJSON(raw)
	if err != nil {
		return fapiPre{}, errPasskeyInvalid(err)
	}
	var p *passkey
	err = inst.store.view(r.Context(), func(t *txn) error {
		u, err := inst.meUser(t, r)
		if err != nil {
			return err
		}
		if q := u.passkey(r.PathValue("id")); q != nil {
			c := *q
			p = &c
		}
		return nil
	})
	if errors.Is(err, errSignedOut) || p == nil || p.Verified || p.Challenge == "" {
		return fapiPre{}, nil // the transaction answers it
	}
	if err != nil {
		return fapiPre{}, err
	}
	if ms(inst.now()) >= p.ChallengeExpireAt {
		return fapiPre{}, errPasskeyExpired
	}
	ch, err := webauthn.DecodeBase64URL(p.Challenge)
	if err != nil {
		return fapiPre{}, err
	}
	cred, err := webauthn.VerifyRegistration(webauthn.Expect{Challenge: ch, RPID: p.RPID,
		OriginOK: inst.passkeyOriginOK(p.RPID), RequireUV: true}, reg.ClientDataJSON, reg.AttestationObject)
	if err != nil {
		return fapiPre{}, errPasskeyInvalid(err)
	}
	if !webauthn.SameCredentialID(cred.ID, reg.CredentialID) {
		return fapiPre{}, errPasskeyInvalid(errors.New("rawId is not the attested credential"))
	}
	return fapiPre{passkey: &passkeyCheck{challenge: p.Challenge, passkeyID: p.ID, cred: cred, transports: reg.Transports}}, nil
}

// meVerifyPasskey commits a verified registration.
func (inst *Instance) meVerifyPasskey(x *fapiCall, u *user) (any, error) {
	if !inst.settingsNow().passkey {
		return nil, errPasskeysOff
	}
	p := u.passkey(x.r.PathValue("id"))
	if p == nil {
		return nil, errNotFoundResource("passkey")
	}
	if credentialParam(x.form) == "" {
		return nil, errMissing("public_key_credential")
	}
	if p.Verified {
		return nil, newAPIError(http.StatusBadRequest, "verification_already_verified", "already verified",
			"This passkey is already registered.", nil)
	}
	pc := x.passkey
	switch {
	case p.Challenge == "":
		return nil, errPasskeyNotPrepared
	case pc == nil || pc.passkeyID != p.ID || pc.challenge != p.Challenge:
		return nil, errPasswordStale // the registration changed meanwhile: verify again
	case ms(x.now) >= p.ChallengeExpireAt:
		return nil, errPasskeyExpired
	}
	credID := webauthn.EncodeBase64URL(pc.cred.ID)
	if u.passkeyByCredential(credID) != nil {
		return nil, newAPIError(http.StatusUnprocessableEntity, "passkey_already_exists", "already registered",
			"A passkey is already registered with this device.", paramMeta("public_key_credential"))
	}
	p.Verified, p.CredentialID, p.PublicKey, p.SignCount = true, credID, pc.cred.PublicKey, pc.cred.SignCount
	p.Transports, p.Challenge, p.Nonce, p.UpdatedAt = pc.transports, "", "", ms(x.now)
	if err := x.saveMe(u); err != nil {
		return nil, err
	}
	return passkeyJSON(p), nil
}

// registeredPasskey is u's registered passkey named in the path, or a
// 404.
func registeredPasskey(x *fapiCall, u *user) (*passkey, error) {
	p := u.passkey(x.r.PathValue("id"))
	if p == nil || !p.Verified {
		return nil, errNotFoundResource("passkey")
	}
	return p, nil
}

func (inst *Instance) meGetPasskey(x *fapiCall, u *user) (any, error) {
	p, err := registeredPasskey(x, u)
	if err != nil {
		return nil, err
	}
	return passkeyJSON(p), nil
}

// meRenamePasskey is PATCH /v1/me/passkeys/{id}: a new name.
func (inst *Instance) meRenamePasskey(x *fapiCall, u *user) (any, error) {
	p, err := registeredPasskey(x, u)
	if err != nil {
		return nil, err
	}
	name := strings.TrimSpace(x.form.Get("name"))
	if name == "" {
		return nil, errMissing("name")
	}
	if utf8.RuneCountInString(name) > 256 {
		return nil, errParam(http.StatusUnprocessableEntity, "form_param_exceeds_allowed_size", "name", "The name is longer than 256 characters.")
	}
	p.Name, p.UpdatedAt = name, ms(x.now)
	if err := x.saveMe(u); err != nil {
		return nil, err
	}
	return passkeyJSON(p), nil
}

// meDeletePasskey removes a passkey; it signs in no more.
func (inst *Instance) meDeletePasskey(x *fapiCall, u *user) (any, error) {
	p, err := registeredPasskey(x, u)
	if err != nil {
		return nil, err
	}
	id := p.ID
	u.Passkeys = slices.DeleteFunc(u.Passkeys, func(q passkey) bool { return q.ID == id })
	if err := x.saveMe(u); err != nil {
		return nil, err
	}
	return &deletedWire{Object: "passkey", ID: id, Deleted: true}, nil
}

// signInPreparePasskey issues a sign-in's passkey challenge: for the
// identified user's passkeys, or, with no identifier yet, for any
// discoverable passkey of the instance.
func (inst *Instance) signInPreparePasskey(x *fapiCall, si *signInAttempt) error {
	if err := inst.settingsNow().firstFactorAllowed("passkey"); err != nil {
		return err
	}
	rpID, err := inst.passkeyRPID(x.r)
	if err != nil {
		return err
	}
	allow := []credDescriptorWire{}
	if si.UserID != "" {
		u, err := x.t.users().get(si.UserID)
		if err != nil {
			return err
		}
		if !u.hasPasskey() {
			return errParam(http.StatusUnprocessableEntity, "strategy_for_user_invalid", "strategy",
				"This account has no passkey; use another method.")
		}
		allow = u.credentialsFor(rpID)
	}
	challenge := webauthn.EncodeBase64URL(webauthn.NewChallenge())
	nonce, err := json.Marshal(&requestOptionsWire{Challenge: challenge, Timeout: passkeyChallengeTTL.Milliseconds(),
		RPID: rpID, AllowCredentials: allow, UserVerification: "required"})
	if err != nil {
		return err
	}
	si.Strategy, si.FactorStatus, si.Attempts = "passkey", "unverified", 0
	si.Passkey = &signInPasskey{Challenge: challenge, RPID: rpID, Nonce: string(nonce)}
	si.CodeExpireAt = ms(x.now.Add(passkeyChallengeTTL))
	return nil
}

// precheckPasskeyAssertion verifies the assertion of an
// attempt_first_factor against the sign-in's challenge and the stored
// credential, outside the transaction. The credential is the one the
// user handle (a discoverable passkey) or the identified user holds.
func (inst *Instance) precheckPasskeyAssertion(r *http.Request, form url.Values) (fapiPre, error) {
	raw := credentialParam(form)
	if raw == "" || !inst.settingsNow().passkey {
		return fapiPre{}, nil
	}
	as, err := webauthn.ParseAssertionJSON(raw)
	if err != nil {
		return fapiPre{}, errPasskeyInvalid(err)
	}
	var si signInAttempt
	var p *passkey
	err = inst.store.view(r.Context(), func(t *txn) error {
		if err := t.signInAttempts().load(r.PathValue("id"), &si); err != nil {
			return err
		}
		if si.Passkey == nil {
			return nil
		}
		userID := si.UserID
		if as.UserHandle != nil {
			if userID != "" && string(as.UserHandle) != userID {
				return errPasskeyUnknown
			}
			userID = string(as.UserHandle)
		}
		if userID == "" {
			return errPasskeyUnknown
		}
		u, err := t.users().get(userID)
		if errors.Is(err, errNotFound) {
			return errPasskeyUnknown
		}
		if err != nil {
			return err
		}
		q := u.passkeyByCredential(webauthn.EncodeBase64URL(as.CredentialID))
		if q == nil {
			return errPasskeyUnknown
		}
		c := *q
		p = &c
		si.UserID = u.ID
		return nil
	})
	if errors.Is(err, errNotFound) || (err == nil && si.Passkey == nil) {
		return fapiPre{}, nil // the transaction answers it
	}
	if err != nil {
		return fapiPre{}, err
	}
	if ms(inst.now()) >= si.CodeExpireAt {
		return fapiPre{}, errPasskeyExpired
	}
	ch, err := webauthn.DecodeBase64URL(si.Passkey.Challenge)
	if err != nil {
		return fapiPre{}, err
	}
	n, err := webauthn.VerifyAssertion(webauthn.Expect{Challenge: ch, RPID: si.Passkey.RPID,
		OriginOK: inst.passkeyOriginOK(si.Passkey.RPID), RequireUV: true}, as, p.PublicKey, p.SignCount)
	if err != nil {
		return fapiPre{}, errPasskeyInvalid(err)
	}
	return fapiPre{passkey: &passkeyCheck{challenge: si.Passkey.Challenge, passkeyID: p.ID, signInID: si.ID,
		userID: si.UserID, oldCount: p.SignCount, newCount: n}}, nil
}

// attemptPasskey commits a verified assertion: the challenge is used up,
// the passkey's counter and last use recorded, the first factor done.
func (inst *Instance) attemptPasskey(x *fapiCall, si *signInAttempt) error {
	if credentialParam(x.form) == "" {
		return errMissing("public_key_credential")
	}
	if si.Passkey == nil || si.Strategy != "passkey" {
		return errPasskeyNotPrepared
	}
	pc := x.passkey
	if pc == nil || pc.signInID != si.ID || pc.challenge != si.Passkey.Challenge {
		return errPasswordStale // the challenge changed meanwhile: verify again
	}
	if ms(x.now) >= si.CodeExpireAt {
		return errPasskeyExpired
	}
	u, err := x.t.users().get(pc.userID)
	if err != nil {
		return err
	}
	p := u.passkey(pc.passkeyID)
	if p == nil || !p.Verified {
		return errPasskeyUnknown
	}
	if p.SignCount != pc.oldCount {
		return errPasswordStale // used meanwhile: check the counter again
	}
	now := ms(x.now)
	p.SignCount, p.LastUsedAt, p.UpdatedAt = pc.newCount, &now, now
	if err := x.saveMe(u); err != nil {
		return err
	}
	si.UserID, si.Passkey, si.FactorStatus = u.ID, nil, "verified"
	si.Attempts++
	if si.Identifier == "" {
		si.Identifier = u.primaryEmail()
	}
	return inst.finishFirstFactor(x, si)
}

// webauthnOriginsWire is GET /.well-known/webauthn: the origins that may
// use this instance's passkeys beside the page's own (WebAuthn related
// origin requests).
type webauthnOriginsWire struct {
	Origins []string `json:"origins"`
}

// handleWebAuthnOrigins lists the instance's own origin and
// Options.AllowedOrigins; loopback origins, allowed on any port, are not
// listed.
func (inst *Instance) handleWebAuthnOrigins(w http.ResponseWriter, r *http.Request) {
	origins := []string{inst.FrontendAPIURL}
	for o := range inst.allowed {
		origins = append(origins, o)
	}
	slices.Sort(origins)
	w.Header().Set("Access-Control-Allow-Origin", "*")
	writeJSON(w, http.StatusOK, &webauthnOriginsWire{Origins: slices.Compact(origins)})
}
