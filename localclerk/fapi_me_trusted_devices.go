package localclerk

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"net/url"
	"time"
)

// Trusted devices: a native app (Clerk's iOS and Android SDKs) enrols a
// device-bound P-256 key for the signed-in user, proving it holds the
// private key by signing a one-time challenge; the user lists and revokes
// their devices, and the app asks whether a stored credential is still
// good. Settings.TrustedDevices switches them. The signatures are checked
// for real (crypto/ecdsa), before the write transaction.

const (
	kindTrustedDevice    = "trusted_device"
	kindTrustedChallenge = "trusted_device_challenge"
)

// trustedChallengeTTL is how long an enrolment challenge can be answered.
const trustedChallengeTTL = 5 * time.Minute

// trustedDevice is an enrolled device credential.
type trustedDevice struct {
	ID            string  `json:"id"`
	UserID        string  `json:"user_id"`
	Platform      string  `json:"platform"`
	AppIdentifier string  `json:"app_identifier"`
	Name          *string `json:"name,omitempty"`
	Algorithm     string  `json:"algorithm"`
	PublicKeyJWK  string  `json:"public_key_jwk"`
	Status        string  `json:"status"` // "active" or "revoked"
	CreatedAt     int64   `json:"created_at"`
	UpdatedAt     int64   `json:"updated_at"`
	LastUsedAt    *int64  `json:"last_used_at,omitempty"`
	RevokedAt     *int64  `json:"revoked_at,omitempty"`
}

// trustedChallenge is an enrolment challenge waiting for its signature.
type trustedChallenge struct {
	ID            string `json:"id"`
	UserID        string `json:"user_id"`
	Platform      string `json:"platform"`
	AppIdentifier string `json:"app_identifier"`
	PublicKeyJWK  string `json:"public_key_jwk"`
	ClientData    string `json:"client_data"`
	ExpiresAt     int64  `json:"expires_at"`
}

func (t *txn) trustedDevices() repo[trustedDevice] {
	return newRepo(t, kindTrustedDevice, func(d *trustedDevice) string { return d.ID })
}

func (t *txn) trustedChallenges() repo[trustedChallenge] {
	return newRepo(t, kindTrustedChallenge, func(c *trustedChallenge) string { return c.ID })
}

// trustedDeviceWire is the TrustedDevice object.
type trustedDeviceWire struct {
	ID            string  `json:"id"`
	Object        string  `json:"object"` // "trusted_device"
	Platform      string  `json:"platform"`
	AppIdentifier string  `json:"app_identifier"`
	Name          *string `json:"name"`
	Algorithm     string  `json:"algorithm"`
	Status        string  `json:"status"`
	CreatedAt     int64   `json:"created_at"`
	UpdatedAt     int64   `json:"updated_at"`
	LastUsedAt    *int64  `json:"last_used_at"`
	RevokedAt     *int64  `json:"revoked_at"`
}

func trustedDeviceJSON(d *trustedDevice) *trustedDeviceWire {
	return &trustedDeviceWire{ID: d.ID, Object: "trusted_device", Platform: d.Platform, AppIdentifier: d.AppIdentifier,
		Name: d.Name, Algorithm: d.Algorithm, Status: d.Status, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
		LastUsedAt: d.LastUsedAt, RevokedAt: d.RevokedAt}
}

// trustedChallengeWire is the TrustedDeviceChallenge object.
type trustedChallengeWire struct {
	Object      string `json:"object"` // "trusted_device_challenge"
	Challenge   string `json:"challenge"`
	ChallengeID string `json:"challenge_id"`
	ClientData  string `json:"client_data"`
	ExpiresAt   int64  `json:"expires_at"`
	Algorithm   string `json:"algorithm"`
}

// trustedValidationWire is the TrustedDeviceValidation object.
type trustedValidationWire struct {
	Object string `json:"object"` // "trusted_device_validation"
	Valid  bool   `json:"valid"`
}

// trustedClientData is the JSON a device signs to enrol: the challenge
// bound to the user, the app and the key.
type trustedClientData struct {
	Type          string `json:"type"` // "trusted_device.enroll"
	Challenge     string `json:"challenge"`
	ChallengeID   string `json:"challenge_id"`
	UserID        string `json:"user_id"`
	Platform      string `json:"platform"`
	AppIdentifier string `json:"app_identifier"`
}

func (inst *Instance) meTrustedDeviceRoutes(mux *routeMux) {
	mux.HandleFunc("GET /v1/me/trusted_devices", inst.meHandler(inst.meListTrustedDevices))
	mux.HandleFunc("POST /v1/me/trusted_devices/prepare", inst.meHandler(inst.mePrepareTrustedDevice))
	mux.HandleFunc("POST /v1/me/trusted_devices/attempt", inst.meHandlerChecked(checkTrustedSignature, inst.meAttemptTrustedDevice))
	mux.HandleFunc("DELETE /v1/me/trusted_devices/{id}", inst.meHandler(inst.meRevokeTrustedDevice))
	mux.HandleFunc("POST /v1/client/trusted_devices/validate", func(w http.ResponseWriter, r *http.Request) {
		inst.fapiRespond(w, r, inst.validateTrustedDevice)
	})
}

var errTrustedDevicesOff = newAPIError(http.StatusForbidden, "feature_not_enabled", "not enabled",
	"Trusted devices are not enabled on this instance (Settings.TrustedDevices).", nil)

// trustedEnrolment is the part of prepare's and attempt's forms that
// names the device and its key.
type trustedEnrolment struct {
	platform, appID, algorithm, jwk string
	name                            *string
}

// parseTrustedEnrolment checks the enrolment fields and the public key: a
// P-256 point in JWK form.
func parseTrustedEnrolment(form url.Values) (*trustedEnrolment, *ecdsa.PublicKey, error) {
	e := &trustedEnrolment{platform: form.Get("platform"), appID: form.Get("app_identifier"),
		algorithm: form.Get("algorithm"), jwk: form.Get("public_key_jwk")}
	if n, ok := form["name"]; ok && len(n) > 0 && n[0] != "" {
		if len(n[0]) > 255 {
			return nil, nil, errInvalid("name", "name must be at most 255 characters.")
		}
		e.name = &n[0]
	}
	for _, f := range []struct{ name, v string }{{"platform", e.platform}, {"app_identifier", e.appID},
		{"algorithm", e.algorithm}, {"public_key_jwk", e.jwk}} {
		if f.v == "" {
			return nil, nil, errMissing(f.name)
		}
	}
	switch {
	case e.platform != "ios" && e.platform != "android":
		return nil, nil, errInvalid("platform", "platform must be ios or android.")
	case e.algorithm != "ES256":
		return nil, nil, errInvalid("algorithm", "algorithm must be ES256.")
	case len(e.appID) > 255:
		return nil, nil, errInvalid("app_identifier", "app_identifier must be at most 255 characters.")
	}
	pub, err := parseP256JWK(e.jwk)
	if err != nil {
		return nil, nil, errInvalid("public_key_jwk", "public_key_jwk must be a P-256 public key as a JWK (kty EC, crv P-256, x, y).")
	}
	return e, pub, nil
}

// parseP256JWK reads a P-256 public JWK; crypto/ecdh checks the point is
// on the curve.
func parseP256JWK(s string) (*ecdsa.PublicKey, error) {
	if len(s) > 1024 {
		return nil, errors.New("too long")
	}
	var k struct{ Kty, Crv, X, Y string }
	if err := json.Unmarshal([]byte(s), &k); err != nil {
		return nil, err
	}
	if k.Kty != "EC" || k.Crv != "P-256" {
		return nil, errors.New("not a P-256 key")
	}
	x, err := base64.RawURLEncoding.DecodeString(k.X)
	if err != nil || len(x) != 32 {
		return nil, errors.New("bad x")
	}
	y, err := base64.RawURLEncoding.DecodeString(k.Y)
	if err != nil || len(y) != 32 {
		return nil, errors.New("bad y")
	}
	point := append(append([]byte{4}, x...), y...)
	if _, err := ecdh.P256().NewPublicKey(point); err != nil {
		return nil, err
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point)
	if err != nil {
		return nil, err
	}
	return pub, nil
}

// verifyTrustedSignature checks a base64url raw (r‖s) ES256 signature
// over clientData.
func verifyTrustedSignature(pub *ecdsa.PublicKey, clientData, sig string) bool {
	raw, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || len(raw) != 64 {
		return false
	}
	sum := sha256.Sum256([]byte(clientData))
	r, s := new(big.Int).SetBytes(raw[:32]), new(big.Int).SetBytes(raw[32:])
	return ecdsa.Verify(pub, sum[:], r, s)
}

var errTrustedSignature = errParam(http.StatusUnprocessableEntity, "form_param_value_invalid", "signature",
	"signature is not the device key's ES256 signature of client_data.")

// checkTrustedSignature verifies attempt's signature before the write
// transaction: it needs only the request's key, data and signature; the
// transaction then checks they are the challenge's.
func checkTrustedSignature(r *http.Request, form url.Values) (fapiPre, error) {
	if !formHas(form, "client_data") || !formHas(form, "signature") {
		return fapiPre{}, nil // the handler reports the missing field
	}
	_, pub, err := parseTrustedEnrolment(form)
	if err != nil {
		return fapiPre{}, nil // the handler reports it
	}
	if !verifyTrustedSignature(pub, form.Get("client_data"), form.Get("signature")) {
		return fapiPre{}, errTrustedSignature
	}
	return fapiPre{}, nil
}

func formHas(form url.Values, name string) bool { return form.Get(name) != "" }

func (inst *Instance) meListTrustedDevices(x *fapiCall, u *user) (any, error) {
	if !inst.settingsNow().trustedDevices {
		return nil, errTrustedDevicesOff
	}
	list := []*trustedDeviceWire{}
	err := x.t.trustedDevices().each(func(d *trustedDevice) bool {
		if d.UserID == u.ID && d.Status == "active" {
			list = append(list, trustedDeviceJSON(d))
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	return list, nil
}

func (inst *Instance) mePrepareTrustedDevice(x *fapiCall, u *user) (any, error) {
	if !inst.settingsNow().trustedDevices {
		return nil, errTrustedDevicesOff
	}
	e, _, err := parseTrustedEnrolment(x.form)
	if err != nil {
		return nil, err
	}
	c := &trustedChallenge{ID: newID("tdc"), UserID: u.ID, Platform: e.platform, AppIdentifier: e.appID,
		PublicKeyJWK: e.jwk, ExpiresAt: ms(x.now.Add(trustedChallengeTTL))}
	challenge := randString(43)
	data, err := json.Marshal(trustedClientData{Type: "trusted_device.enroll", Challenge: challenge, ChallengeID: c.ID,
		UserID: u.ID, Platform: e.platform, AppIdentifier: e.appID})
	if err != nil {
		return nil, err
	}
	c.ClientData = string(data)
	if err := x.t.trustedChallenges().put(c); err != nil {
		return nil, err
	}
	return &trustedChallengeWire{Object: "trusted_device_challenge", Challenge: challenge, ChallengeID: c.ID,
		ClientData: c.ClientData, ExpiresAt: c.ExpiresAt, Algorithm: "ES256"}, nil
}

var errTrustedChallenge = errParam(http.StatusUnprocessableEntity, "form_param_value_invalid", "client_data",
	"client_data is not an unexpired challenge from prepare for this user, app and key.")

func (inst *Instance) meAttemptTrustedDevice(x *fapiCall, u *user) (any, error) {
	if !inst.settingsNow().trustedDevices {
		return nil, errTrustedDevicesOff
	}
	e, _, err := parseTrustedEnrolment(x.form)
	if err != nil {
		return nil, err
	}
	for _, name := range []string{"client_data", "signature"} {
		if !formHas(x.form, name) {
			return nil, errMissing(name)
		}
	}
	var cd trustedClientData
	if json.Unmarshal([]byte(x.form.Get("client_data")), &cd) != nil || cd.ChallengeID == "" {
		return nil, errTrustedChallenge
	}
	var c trustedChallenge
	if err := x.t.trustedChallenges().load(cd.ChallengeID, &c); err != nil {
		if errors.Is(err, errNotFound) {
			return nil, errTrustedChallenge
		}
		return nil, err
	}
	if c.UserID != u.ID || c.ClientData != x.form.Get("client_data") || c.PublicKeyJWK != e.jwk ||
		c.Platform != e.platform || c.AppIdentifier != e.appID || ms(x.now) >= c.ExpiresAt {
		return nil, errTrustedChallenge
	}
	// The signature was checked before the transaction (checkTrustedSignature)
	// over exactly this key and data. A challenge is answered once.
	if err := x.t.trustedChallenges().del(c.ID); err != nil {
		return nil, err
	}
	d := &trustedDevice{ID: newID("td"), UserID: u.ID, Platform: e.platform, AppIdentifier: e.appID, Name: e.name,
		Algorithm: "ES256", PublicKeyJWK: e.jwk, Status: "active", CreatedAt: ms(x.now), UpdatedAt: ms(x.now)}
	if err := x.t.trustedDevices().put(d); err != nil {
		return nil, err
	}
	return trustedDeviceJSON(d), nil
}

func (inst *Instance) meRevokeTrustedDevice(x *fapiCall, u *user) (any, error) {
	if !inst.settingsNow().trustedDevices {
		return nil, errTrustedDevicesOff
	}
	var d trustedDevice
	if err := x.t.trustedDevices().load(x.r.PathValue("id"), &d); err != nil || d.UserID != u.ID {
		if err == nil || errors.Is(err, errNotFound) {
			return nil, errNotFoundResource("trusted device")
		}
		return nil, err
	}
	if d.Status != "revoked" {
		n := ms(x.now)
		d.Status, d.RevokedAt, d.UpdatedAt = "revoked", &n, n
		if err := x.t.trustedDevices().put(&d); err != nil {
			return nil, err
		}
	}
	return trustedDeviceJSON(&d), nil
}

// validateTrustedDevice tells a native app whether its stored credential
// still signs in: the device is enrolled and not revoked.
func (inst *Instance) validateTrustedDevice(x *fapiCall) (any, error) {
	if !inst.settingsNow().trustedDevices {
		return nil, errTrustedDevicesOff
	}
	id := x.form.Get("trusted_device_id")
	if id == "" {
		return nil, errMissing("trusted_device_id")
	}
	var d trustedDevice
	err := x.t.trustedDevices().load(id, &d)
	if err != nil && !errors.Is(err, errNotFound) {
		return nil, err
	}
	valid := err == nil && d.Status == "active"
	if valid {
		// A deleted user's devices sign no one in.
		if _, err := x.t.users().get(d.UserID); errors.Is(err, errNotFound) {
			valid = false
		} else if err != nil {
			return nil, err
		}
	}
	return &trustedValidationWire{Object: "trusted_device_validation", Valid: valid}, nil
}
