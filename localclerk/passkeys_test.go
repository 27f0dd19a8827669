package localclerk

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/goclerk/clerk/localclerk/internal/specshape"
	"github.com/goclerk/clerk/localclerk/internal/webauthn"
	wt "github.com/goclerk/clerk/localclerk/internal/webauthn/webauthntest"
)

func passkeySettings() *Settings {
	s := DefaultSettings()
	s.FirstFactors = []string{"password", "email_code", "passkey"}
	return &s
}

// creationOptions reads the WebAuthn options out of a verification's
// nonce.
func webauthnNonce(t *testing.T, v any) map[string]any {
	t.Helper()
	vm, _ := v.(map[string]any)
	s, _ := vm["nonce"].(string)
	var opts map[string]any
	if err := json.Unmarshal([]byte(s), &opts); err != nil {
		t.Fatalf("nonce %q: %v", s, err)
	}
	return opts
}

func challengeOf(t *testing.T, opts map[string]any) []byte {
	t.Helper()
	ch, err := webauthn.DecodeBase64URL(opts["challenge"].(string))
	if err != nil || len(ch) < 16 {
		t.Fatalf("challenge %v: %v", opts["challenge"], err)
	}
	return ch
}

// TestPasskeyRegisterAndSignIn: Alice registers a passkey from her
// profile with a software authenticator, renames it, then signs in with
// it twice: through the passkey factor of an identified sign-in, and
// through a sign-in with no identifier (the discoverable "Use passkey"
// button). Replayed, forged and expired answers are refused, and every
// answer is checked against the specification.
func TestPasskeyRegisterAndSignIn(t *testing.T) {
	facts, err := specshape.FAPI()
	if err != nil {
		t.Fatal(err)
	}
	h := start(t, Options{Seed: true, Settings: passkeySettings()})
	b := newBrowser(h)
	const rpID, origin = "127.0.0.1", testAppOrigin

	st, env := b.call("GET", "/v1/environment", nil)
	us := env["user_settings"].(map[string]any)
	if st != 200 || us["attributes"].(map[string]any)["passkey"].(map[string]any)["enabled"] != true ||
		us["passkey_settings"].(map[string]any)["show_sign_in_button"] != true {
		t.Fatalf("environment: %v", us)
	}

	st, m := b.call("POST", "/v1/client/sign_ins", form("identifier", "alice@example.com", "strategy", "password", "password", "alice-password"))
	if st != 200 || resp(m)["status"] != "complete" {
		t.Fatalf("sign in: %d %v", st, m)
	}
	st, m = b.call("POST", "/v1/me/passkeys", nil)
	checkSpec(t, facts, "POST", "/v1/me/passkeys", st, m)
	pk := resp(m)
	opts := webauthnNonce(t, pk["verification"])
	if st != 200 || pk["verification"].(map[string]any)["status"] != "unverified" ||
		opts["rp"].(map[string]any)["id"] != rpID || opts["attestation"] != "none" {
		t.Fatalf("create passkey: %d %v", st, m)
	}
	uid, _ := webauthn.DecodeBase64URL(opts["user"].(map[string]any)["id"].(string))
	if string(uid) != "user_demo_alice" {
		t.Errorf("user.id %q", uid)
	}
	id := pk["id"].(string)
	auth := wt.New()
	auth.UserHandle = uid
	ch := challengeOf(t, opts)

	// Answers for another RP ID, another origin or another challenge fail.
	for name, cred := range map[string]string{
		"another RP ID":     auth.Register(ch, "localhost", origin),
		"another origin":    auth.Register(ch, rpID, "http://evil.test"),
		"another challenge": auth.Register(webauthn.NewChallenge(), rpID, origin),
	} {
		st, m = b.call("POST", "/v1/me/passkeys/"+id+"/attempt_verification", form("strategy", "passkey", "public_key_credential", cred))
		if st != 422 {
			t.Errorf("%s: %d %v", name, st, m)
		}
		checkSpec(t, facts, "POST", "/v1/me/passkeys/"+id+"/attempt_verification", st, m)
	}
	st, m = b.call("POST", "/v1/me/passkeys/"+id+"/attempt_verification", form("strategy", "passkey", "public_key_credential", "{"))
	b.wantErr(422, "passkey_verification_failed", "public_key_credential", st, m)

	reg := auth.Register(ch, rpID, origin)
	st, m = b.call("POST", "/v1/me/passkeys/"+id+"/attempt_verification", form("strategy", "passkey", "public_key_credential", reg))
	checkSpec(t, facts, "POST", "/v1/me/passkeys/"+id+"/attempt_verification", st, m)
	if st != 200 || resp(m)["verification"].(map[string]any)["status"] != "verified" {
		t.Fatalf("verify passkey: %d %v", st, m)
	}
	st, m = b.call("POST", "/v1/me/passkeys/"+id+"/attempt_verification", form("strategy", "passkey", "public_key_credential", reg))
	b.wantErr(400, "verification_already_verified", "", st, m)

	st, m = b.call("PATCH", "/v1/me/passkeys/"+id, form("name", "Work laptop"))
	checkSpec(t, facts, "PATCH", "/v1/me/passkeys/"+id, st, m)
	st, m = b.call("GET", "/v1/me", nil)
	keys, _ := resp(m)["passkeys"].([]any)
	if st != 200 || len(keys) != 1 || keys[0].(map[string]any)["name"] != "Work laptop" {
		t.Fatalf("me passkeys: %v", resp(m)["passkeys"])
	}
	var bu struct {
		Passkeys []struct{ ID, Name string } `json:"passkeys"`
	}
	if h.bapi("GET", "/v1/users/user_demo_alice", nil, &bu); len(bu.Passkeys) != 1 || bu.Passkeys[0].ID != id {
		t.Errorf("Backend API passkeys: %+v", bu.Passkeys)
	}

	// A second registration of the same authenticator is refused.
	st, m = b.call("POST", "/v1/me/passkeys", nil)
	if st != 200 {
		t.Fatalf("%d %v", st, m)
	}
	opts2 := webauthnNonce(t, resp(m)["verification"])
	if ex, _ := opts2["excludeCredentials"].([]any); len(ex) != 1 {
		t.Errorf("excludeCredentials %v", opts2["excludeCredentials"])
	}
	st, m = b.call("POST", "/v1/me/passkeys/"+resp(m)["id"].(string)+"/attempt_verification",
		form("strategy", "passkey", "public_key_credential", auth.Register(challengeOf(t, opts2), rpID, origin)))
	b.wantErr(422, "passkey_already_exists", "public_key_credential", st, m)

	b.call("DELETE", "/v1/client/sessions", nil)

	// An identified sign-in offers the passkey and takes it.
	st, m = b.call("POST", "/v1/client/sign_ins", form("identifier", "alice@example.com"))
	if st != 200 {
		t.Fatalf("%d %v", st, m)
	}
	sia := resp(m)["id"].(string)
	var strategies []string
	for _, f := range resp(m)["supported_first_factors"].([]any) {
		strategies = append(strategies, f.(map[string]any)["strategy"].(string))
	}
	if !strings.Contains(strings.Join(strategies, ","), "passkey") {
		t.Fatalf("supported_first_factors %v", strategies)
	}
	st, m = b.call("POST", "/v1/client/sign_ins/"+sia+"/prepare_first_factor", form("strategy", "passkey"))
	checkSpec(t, facts, "POST", "/v1/client/sign_ins/"+sia+"/prepare_first_factor", st, m)
	ro := webauthnNonce(t, resp(m)["first_factor_verification"])
	if allow, _ := ro["allowCredentials"].([]any); st != 200 || len(allow) != 1 || ro["rpId"] != rpID {
		t.Fatalf("prepare passkey: %d %v", st, ro)
	}
	ch = challengeOf(t, ro)
	forged := wt.New()
	forged.CredentialID = auth.CredentialID // same id, another key
	st, m = b.call("POST", "/v1/client/sign_ins/"+sia+"/attempt_first_factor", form("strategy", "passkey", "public_key_credential", forged.Assert(ch, rpID, origin)))
	b.wantErr(422, "passkey_verification_failed", "public_key_credential", st, m)
	assertion := auth.Assert(ch, rpID, origin)
	st, m = b.call("POST", "/v1/client/sign_ins/"+sia+"/attempt_first_factor", form("strategy", "passkey", "public_key_credential", assertion))
	checkSpec(t, facts, "POST", "/v1/client/sign_ins/"+sia+"/attempt_first_factor", st, m)
	if st != 200 || resp(m)["status"] != "complete" {
		t.Fatalf("attempt passkey: %d %v", st, m)
	}
	b.call("DELETE", "/v1/client/sessions", nil)

	// The discoverable sign-in: no identifier; the user handle names Alice.
	st, m = b.call("POST", "/v1/client/sign_ins", form("strategy", "passkey"))
	checkSpec(t, facts, "POST", "/v1/client/sign_ins", st, m)
	sia = resp(m)["id"].(string)
	ro = webauthnNonce(t, resp(m)["first_factor_verification"])
	if allow, _ := ro["allowCredentials"].([]any); st != 200 || len(allow) != 0 {
		t.Fatalf("discoverable sign-in: %d %v", st, m)
	}
	ch = challengeOf(t, ro)
	// A replayed assertion (an old challenge) fails; so does a counter
	// that went back.
	st, m = b.call("POST", "/v1/client/sign_ins/"+sia+"/attempt_first_factor", form("strategy", "passkey", "public_key_credential", assertion))
	b.wantErr(422, "passkey_verification_failed", "public_key_credential", st, m)
	auth.SignCount = 0
	st, m = b.call("POST", "/v1/client/sign_ins/"+sia+"/attempt_first_factor", form("strategy", "passkey", "public_key_credential", auth.Assert(ch, rpID, origin)))
	b.wantErr(422, "passkey_verification_failed", "public_key_credential", st, m)
	auth.SignCount = 10
	good := auth.Assert(ch, rpID, origin)
	st, m = b.call("POST", "/v1/client/sign_ins/"+sia+"/attempt_first_factor", form("strategy", "passkey", "public_key_credential", good))
	if st != 200 || resp(m)["status"] != "complete" || resp(m)["identifier"] != "alice@example.com" {
		t.Fatalf("discoverable attempt: %d %v", st, m)
	}
	// The challenge is used up.
	st, m = b.call("POST", "/v1/client/sign_ins/"+sia+"/attempt_first_factor", form("strategy", "passkey", "public_key_credential", good))
	b.wantErr(400, "sign_in_already_completed", "", st, m)
	st, m = b.call("GET", "/v1/me", nil)
	if last := resp(m)["passkeys"].([]any)[0].(map[string]any)["last_used_at"]; st != 200 || last == nil {
		t.Errorf("last_used_at %v", last)
	}

	// A challenge expires.
	b.call("DELETE", "/v1/client/sessions", nil)
	st, m = b.call("POST", "/v1/client/sign_ins", form("strategy", "passkey"))
	if st != 200 {
		t.Fatalf("%d %v", st, m)
	}
	sia = resp(m)["id"].(string)
	ch = challengeOf(t, webauthnNonce(t, resp(m)["first_factor_verification"]))
	h.clock.Advance(passkeyChallengeTTL + time.Second)
	st, m = b.call("POST", "/v1/client/sign_ins/"+sia+"/attempt_first_factor", form("strategy", "passkey", "public_key_credential", auth.Assert(ch, rpID, origin)))
	b.wantErr(422, "verification_expired", "public_key_credential", st, m)

	// Removing the passkey: it signs in no more.
	b.call("POST", "/v1/client/sign_ins", form("identifier", "alice@example.com", "strategy", "password", "password", "alice-password"))
	st, m = b.call("DELETE", "/v1/me/passkeys/"+id, nil)
	checkSpec(t, facts, "DELETE", "/v1/me/passkeys/"+id, st, m)
	st, m = b.call("GET", "/v1/me/passkeys/"+id, nil)
	b.wantErr(404, "resource_not_found", "", st, m)

	// The Backend API lists and removes passkeys too.
	bfacts, err := specshape.BAPI()
	if err != nil {
		t.Fatal(err)
	}
	st, m = b.call("POST", "/v1/me/passkeys", nil)
	if st != 200 {
		t.Fatalf("%d %v", st, m)
	}
	id2 := resp(m)["id"].(string)
	other := wt.New()
	st, m = b.call("POST", "/v1/me/passkeys/"+id2+"/attempt_verification", form("strategy", "passkey",
		"public_key_credential", other.Register(challengeOf(t, webauthnNonce(t, resp(m)["verification"])), rpID, origin)))
	if st != 200 {
		t.Fatalf("second passkey: %d %v", st, m)
	}
	var bu2 map[string]any
	st = h.bapi("GET", "/v1/users/user_demo_alice", nil, &bu2)
	body, _ := json.Marshal(bu2)
	if err := bfacts.Check("GET", "/v1/users/user_demo_alice", st, body); err != nil || len(bu2["passkeys"].([]any)) != 1 {
		t.Errorf("Backend API user: %v\n%s", err, body)
	}
	for _, want := range []int{200, 404} {
		var out map[string]any
		st = h.bapi("DELETE", "/v1/users/user_demo_alice/passkeys/"+id2, nil, &out)
		body, _ := json.Marshal(out)
		if err := bfacts.Check("DELETE", "/v1/users/user_demo_alice/passkeys/"+id2, st, body); err != nil || st != want {
			t.Errorf("Backend API delete: %d, want %d: %v\n%s", st, want, err, body)
		}
	}
	b.call("DELETE", "/v1/client/sessions", nil)
	st, m = b.call("POST", "/v1/client/sign_ins", form("strategy", "passkey"))
	if st != 200 {
		t.Fatalf("%d %v", st, m)
	}
	sia = resp(m)["id"].(string)
	ch = challengeOf(t, webauthnNonce(t, resp(m)["first_factor_verification"]))
	st, m = b.call("POST", "/v1/client/sign_ins/"+sia+"/attempt_first_factor", form("strategy", "passkey", "public_key_credential", auth.Assert(ch, rpID, origin)))
	b.wantErr(422, "passkey_not_found", "public_key_credential", st, m)
}

// TestPasskeysOff: without the passkey first factor the environment does
// not offer passkeys and the routes refuse them.
func TestPasskeysOff(t *testing.T) {
	h := start(t, Options{Seed: true})
	b := newBrowser(h)
	st, env := b.call("GET", "/v1/environment", nil)
	us := env["user_settings"].(map[string]any)
	if st != 200 || us["attributes"].(map[string]any)["passkey"].(map[string]any)["enabled"] != false ||
		us["passkey_settings"].(map[string]any)["show_sign_in_button"] != false {
		t.Fatalf("environment: %v", us)
	}
	st, m := b.call("POST", "/v1/client/sign_ins", form("strategy", "passkey"))
	b.wantErr(422, "strategy_for_user_invalid", "strategy", st, m)
	b.call("POST", "/v1/client/sign_ins", form("identifier", "alice@example.com", "strategy", "password", "password", "alice-password"))
	st, m = b.call("POST", "/v1/me/passkeys", nil)
	b.wantErr(403, "feature_not_enabled", "", st, m)
}

// TestPasskeyClonedAuthenticatorRace: two browsers sign in at once with
// copies of one authenticator, both at the same counter. Each assertion
// verifies against the stored counter before the transactions; the
// transaction that commits second finds the counter moved, verifies
// again, and fails: exactly one sign-in completes.
func TestPasskeyClonedAuthenticatorRace(t *testing.T) {
	h := start(t, Options{Seed: true, Settings: passkeySettings()})
	const rpID, origin = "127.0.0.1", testAppOrigin
	alice := newBrowser(h)
	alice.call("POST", "/v1/client/sign_ins", form("identifier", "alice@example.com", "strategy", "password", "password", "alice-password"))
	st, m := alice.call("POST", "/v1/me/passkeys", nil)
	if st != 200 {
		t.Fatalf("create: %d %v", st, m)
	}
	auth := wt.New()
	auth.UserHandle = []byte("user_demo_alice")
	st, m = alice.call("POST", "/v1/me/passkeys/"+resp(m)["id"].(string)+"/attempt_verification",
		form("strategy", "passkey", "public_key_credential", auth.Register(challengeOf(t, webauthnNonce(t, resp(m)["verification"])), rpID, origin)))
	if st != 200 {
		t.Fatalf("verify: %d %v", st, m)
	}
	type attempt struct {
		b    *browser
		path string
		cred string
	}
	var attempts []attempt
	for range 2 {
		b := newBrowser(h)
		st, m := b.call("POST", "/v1/client/sign_ins", form("strategy", "passkey"))
		if st != 200 {
			t.Fatalf("sign-in: %d %v", st, m)
		}
		clone := *auth // same key, same counter
		attempts = append(attempts, attempt{b, "/v1/client/sign_ins/" + resp(m)["id"].(string) + "/attempt_first_factor",
			clone.Assert(challengeOf(t, webauthnNonce(t, resp(m)["first_factor_verification"])), rpID, origin)})
	}
	statuses := make(chan int, len(attempts))
	for _, a := range attempts {
		go func() {
			st, _ := a.b.call("POST", a.path, form("strategy", "passkey", "public_key_credential", a.cred))
			statuses <- st
		}()
	}
	ok := 0
	for range attempts {
		switch st := <-statuses; st {
		case 200:
			ok++
		case 422, 409:
		default:
			t.Errorf("status %d", st)
		}
	}
	if ok != 1 {
		t.Fatalf("%d sign-ins completed with one counter value, want 1", ok)
	}
}
