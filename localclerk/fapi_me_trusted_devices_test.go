package localclerk

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/goclerk/clerk/localclerk/internal/specshape"
)

// deviceKey is a native app's device-bound key in the test.
type deviceKey struct{ priv *ecdsa.PrivateKey }

func newDeviceKey(t *testing.T) deviceKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return deviceKey{k}
}

func (d deviceKey) jwk(t *testing.T) string {
	t.Helper()
	raw, err := d.priv.PublicKey.Bytes() // 0x04 ‖ x ‖ y
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]string{"kty": "EC", "crv": "P-256",
		"x": base64.RawURLEncoding.EncodeToString(raw[1:33]), "y": base64.RawURLEncoding.EncodeToString(raw[33:])})
	return string(b)
}

func (d deviceKey) sign(t *testing.T, data string) string {
	t.Helper()
	sum := sha256.Sum256([]byte(data))
	r, s, err := ecdsa.Sign(rand.Reader, d.priv, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	out := make([]byte, 64)
	r.FillBytes(out[:32])
	s.FillBytes(out[32:])
	return base64.RawURLEncoding.EncodeToString(out)
}

// TestTrustedDevices: a native app enrols a device key for Alice by
// signing prepare's challenge; the device is listed and validates until
// Alice revokes it. A wrong signature, another key, a replayed challenge
// and a switched-off setting are refused. Every answer has the
// specification's shape.
func TestTrustedDevices(t *testing.T) {
	s := DefaultSettings()
	s.TrustedDevices = true
	h := start(t, Options{Seed: true, Settings: &s})
	facts, err := specshape.FAPI()
	if err != nil {
		t.Fatal(err)
	}
	fx := newShapeFixture(t, h, true)
	call := func(method, path string, form url.Values) (int, string) {
		t.Helper()
		st, body := meCall(t, h, fx, method, path, form)
		if err := facts.Check(method, path, st, []byte(body)); err != nil {
			t.Errorf("%s %s: %v\nbody: %s", method, path, err, body)
		}
		return st, body
	}
	key := newDeviceKey(t)
	enrol := url.Values{"platform": {"ios"}, "app_identifier": {"com.example.app"}, "algorithm": {"ES256"},
		"public_key_jwk": {key.jwk(t)}, "name": {"Alice's phone"}}
	prepare := func() (clientData string) {
		t.Helper()
		st, body := call("POST", "/v1/me/trusted_devices/prepare", enrol)
		var out struct {
			Response trustedChallengeWire `json:"response"`
		}
		mustJSON(t, []byte(body), &out)
		if st != 200 || out.Response.ClientData == "" || out.Response.ChallengeID == "" {
			t.Fatalf("prepare: %d %s", st, body)
		}
		return out.Response.ClientData
	}
	attempt := func(data, sig string) (int, string) {
		t.Helper()
		form := url.Values{}
		for k, v := range enrol {
			form[k] = v
		}
		form.Set("client_data", data)
		form.Set("signature", sig)
		return call("POST", "/v1/me/trusted_devices/attempt", form)
	}

	data := prepare()
	if st, body := attempt(data, newDeviceKey(t).sign(t, data)); st != 422 {
		t.Errorf("another key's signature: %d %s", st, body)
	}
	if st, body := attempt(data+" ", key.sign(t, data+" ")); st != 422 {
		t.Errorf("altered client data: %d %s", st, body)
	}
	st, body := attempt(data, key.sign(t, data))
	var dev struct {
		Response trustedDeviceWire `json:"response"`
	}
	mustJSON(t, []byte(body), &dev)
	if st != 200 || dev.Response.Status != "active" || dev.Response.Name == nil || *dev.Response.Name != "Alice's phone" {
		t.Fatalf("attempt: %d %s", st, body)
	}
	if st, body := attempt(data, key.sign(t, data)); st != 422 {
		t.Errorf("a replayed challenge: %d %s", st, body)
	}
	if st, body := call("POST", "/v1/me/trusted_devices/prepare", url.Values{"platform": {"ios"}, "app_identifier": {"a"}, "algorithm": {"ES256"}, "public_key_jwk": {`{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}`}}); st != 422 {
		t.Errorf("a bad key: %d %s", st, body)
	}

	if st, body := call("GET", "/v1/me/trusted_devices", nil); st != 200 || !strings.Contains(body, dev.Response.ID) {
		t.Errorf("list: %d %s", st, body)
	}
	validate := func() bool {
		t.Helper()
		st, body := call("POST", "/v1/client/trusted_devices/validate", url.Values{"trusted_device_id": {dev.Response.ID}})
		if st != 200 {
			t.Fatalf("validate: %d %s", st, body)
		}
		return strings.Contains(body, `"valid":true`)
	}
	if !validate() {
		t.Error("the new device does not validate")
	}
	if st, body := call("DELETE", "/v1/me/trusted_devices/"+dev.Response.ID, nil); st != 200 || !strings.Contains(body, `"revoked"`) {
		t.Errorf("revoke: %d %s", st, body)
	}
	if validate() {
		t.Error("the revoked device still validates")
	}
	if st, body := call("GET", "/v1/me/trusted_devices", nil); st != 200 || strings.Contains(body, dev.Response.ID) {
		t.Errorf("list after revoking: %d %s", st, body)
	}
	if st, body := call("DELETE", "/v1/me/trusted_devices/td_nope", nil); st != 404 {
		t.Errorf("revoke an unknown device: %d %s", st, body)
	}
	if st, body := call("POST", "/v1/client/trusted_devices/validate", url.Values{}); st != 422 {
		t.Errorf("validate without an id: %d %s", st, body)
	}
}

// TestTrustedDevicesSwitchedOff: without the setting the operations
// refuse.
func TestTrustedDevicesSwitchedOff(t *testing.T) {
	h := start(t, Options{Seed: true})
	fx := newShapeFixture(t, h, true)
	for _, op := range []struct{ method, path string }{{"GET", "/v1/me/trusted_devices"}, {"POST", "/v1/me/trusted_devices/prepare"},
		{"POST", "/v1/client/trusted_devices/validate"}} {
		if st, body := meCall(t, h, fx, op.method, op.path, url.Values{"trusted_device_id": {"td_x"}}); st != 403 || !strings.Contains(body, "feature_not_enabled") {
			t.Errorf("%s %s: %d %s", op.method, op.path, st, body)
		}
	}
}
