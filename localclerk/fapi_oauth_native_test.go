package localclerk

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/goclerk/clerk/localclerk/internal/specshape"
)

// nativeToken mints an ID token on the provider page for form's choice.
func nativeToken(t *testing.T, h *harness, provider string, form url.Values) string {
	t.Helper()
	req := h.fapiRequest("POST", "/oauth/"+provider+"/native_token", form)
	resp, body := h.do(req)
	var out nativeTokenWire
	if err := json.Unmarshal(body, &out); resp.StatusCode != 200 || err != nil || out.IDToken == "" {
		t.Fatalf("native token: %d %s", resp.StatusCode, body)
	}
	return out.IDToken
}

// TestNativeTokenSignIn: an ID token from the provider page signs a new
// user up through oauth_token_google (sign-in transferable, then the
// sign-up transfer), then signs them in again on another browser; Google
// One Tap signs up on external_account_not_found, as clerk-js does; a
// token of another provider, a forged one and an expired one are refused.
func TestNativeTokenSignIn(t *testing.T) {
	h := start(t, Options{Seed: true, SocialProviders: []string{"google", "apple"}})
	facts, err := specshape.FAPI()
	if err != nil {
		t.Fatal(err)
	}
	call := func(fx shapeFixture, path string, form url.Values) (int, string) {
		t.Helper()
		st, body := meCall(t, h, fx, "POST", path, form)
		if err := facts.Check("POST", path, st, []byte(body)); err != nil {
			t.Errorf("POST %s: %v\nbody: %s", path, err, body)
		}
		return st, body
	}
	tok := nativeToken(t, h, "google", url.Values{"choice": {"new"}, "email": {"native+clerk_test@example.com"}, "first_name": {"Nat"}})

	fx := newShapeFixture(t, h, false)
	st, body := call(fx, "/v1/client/sign_ins", url.Values{"strategy": {"oauth_token_google"}, "token": {tok}})
	if st != 200 || !strings.Contains(body, `"transferable"`) {
		t.Fatalf("sign-in of someone new: %d %s", st, body)
	}
	st, body = call(fx, "/v1/client/sign_ups", url.Values{"transfer": {"true"}})
	if st != 200 || !strings.Contains(body, `"status":"complete"`) || !strings.Contains(body, "native+clerk_test@example.com") {
		t.Fatalf("sign-up transfer: %d %s", st, body)
	}
	again := newShapeFixture(t, h, false)
	if st, body := call(again, "/v1/client/sign_ins", url.Values{"strategy": {"oauth_token_google"}, "token": {tok}}); st != 200 || !strings.Contains(body, `"status":"complete"`) {
		t.Fatalf("sign-in again: %d %s", st, body)
	}
	// The same person signing up again is transferable to a sign-in.
	if st, body := call(newShapeFixture(t, h, false), "/v1/client/sign_ups", url.Values{"strategy": {"oauth_token_google"}, "token": {tok}}); st != 200 || !strings.Contains(body, "external_account_exists") {
		t.Errorf("sign-up of an existing user: %d %s", st, body)
	}

	oneTap := nativeToken(t, h, "google", url.Values{"choice": {"new"}, "email": {"onetap+clerk_test@example.com"}})
	fx = newShapeFixture(t, h, false)
	if st, body := call(fx, "/v1/client/sign_ins", url.Values{"strategy": {"google_one_tap"}, "token": {oneTap}}); st != 422 || !strings.Contains(body, "external_account_not_found") {
		t.Fatalf("One Tap for someone new: %d %s", st, body)
	}
	if st, body := call(fx, "/v1/client/sign_ups", url.Values{"strategy": {"google_one_tap"}, "token": {oneTap}}); st != 200 || !strings.Contains(body, `"status":"complete"`) {
		t.Fatalf("One Tap sign-up: %d %s", st, body)
	}
	if st, body := call(newShapeFixture(t, h, false), "/v1/client/sign_ins", url.Values{"strategy": {"google_one_tap"}, "token": {oneTap}}); st != 200 || !strings.Contains(body, `"status":"complete"`) {
		t.Fatalf("One Tap sign-in: %d %s", st, body)
	}

	// An existing user by their verified address (Alice), through Apple.
	apple := nativeToken(t, h, "apple", url.Values{"choice": {"user:user_demo_alice"}})
	if st, body := call(newShapeFixture(t, h, false), "/v1/client/sign_ins", url.Values{"strategy": {"oauth_token_apple"}, "token": {apple}}); st != 200 || !strings.Contains(body, `"status":"complete"`) {
		t.Errorf("Apple sign-in of Alice: %d %s", st, body)
	}
	for name, form := range map[string]url.Values{
		"another provider's token": {"strategy": {"oauth_token_google"}, "token": {apple}},
		"a forged token":           {"strategy": {"oauth_token_google"}, "token": {tok[:len(tok)-4] + "AAAA"}},
		"no token":                 {"strategy": {"oauth_token_google"}},
		"a provider that is off":   {"strategy": {"oauth_token_github"}, "token": {tok}},
	} {
		if st, body := call(newShapeFixture(t, h, false), "/v1/client/sign_ins", form); st != 422 {
			t.Errorf("%s: %d %s", name, st, body)
		}
	}
	h.clock.Advance(2 * nativeTokenTTL)
	if st, body := call(newShapeFixture(t, h, false), "/v1/client/sign_ins", url.Values{"strategy": {"oauth_token_google"}, "token": {tok}}); st != 422 {
		t.Errorf("an expired token: %d %s", st, body)
	}
}
