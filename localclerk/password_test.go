package localclerk

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func init() { bcryptCost = bcrypt.MinCost } // keep -race runs fast

// legacyHash is a password hash as earlier localclerk versions stored it.
func legacyHash(t *testing.T, pw string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key, err := pbkdf2.Key(sha256.New, pw, salt, 4096, 32)
	if err != nil {
		t.Fatal(err)
	}
	return "pbkdf2$" + base64.RawStdEncoding.EncodeToString(salt) + "$" + base64.RawStdEncoding.EncodeToString(key)
}

func storedHash(t *testing.T, h *harness, id string) string {
	var u user
	if err := h.inst.store.view(t.Context(), func(tx *txn) error { return tx.get(kindUser, id, &u) }); err != nil {
		t.Fatal(err)
	}
	return u.PasswordHash
}

func TestPasswordsAreBcrypt(t *testing.T) {
	h := start(t, Options{Seed: true})
	hash := storedHash(t, h, "user_demo_alice")
	if c, err := bcrypt.Cost([]byte(hash)); err != nil || c != bcryptCost {
		t.Fatalf("stored hash %.7s… is not bcrypt at cost %d: %v", hash, bcryptCost, err)
	}
	if ok, up := verifyPassword(hash, "alice-password"); !ok || up != "" {
		t.Errorf("verify: %v, upgrade %q", ok, up)
	}
	if ok, _ := verifyPassword(hash, "alice-passwore"); ok {
		t.Error("a wrong password verified")
	}
	var e clerkErrors
	h.wantError(422, "form_password_length_too_long", h.bapi("POST", "/v1/users",
		map[string]any{"email_address": []string{"long@example.com"}, "password": strings.Repeat("p", 73)}, &e), e)
	for _, bad := range []string{"", "pbkdf2$", "pbkdf2$$", "pbkdf2$!!$!!", "$2a$04$short"} {
		if ok, _ := verifyPassword(bad, ""); ok {
			t.Errorf("hash %q verified", bad)
		}
	}
}

func TestLegacyPasswordHashUpgradedOnSignIn(t *testing.T) {
	h := start(t, Options{Seed: true})
	legacy := legacyHash(t, "alice-password")
	if err := h.inst.store.update(t.Context(), func(tx *txn) error {
		var u user
		if err := tx.get(kindUser, "user_demo_alice", &u); err != nil {
			return err
		}
		u.PasswordHash = legacy
		return tx.put(kindUser, u.ID, &u)
	}); err != nil {
		t.Fatal(err)
	}
	resp := h.postForm("/sign-in", url.Values{"email": {"alice@example.com"}, "password": {"wrong-password"}, "redirect_url": {app}})
	if resp.StatusCode != http.StatusUnprocessableEntity || storedHash(t, h, "user_demo_alice") != legacy {
		t.Fatalf("failed sign-in: %d, hash changed", resp.StatusCode)
	}
	resp = h.postForm("/sign-in", url.Values{"email": {"alice@example.com"}, "password": {"alice-password"}, "redirect_url": {app}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in with the legacy hash: %d", resp.StatusCode)
	}
	up := storedHash(t, h, "user_demo_alice")
	if _, err := bcrypt.Cost([]byte(up)); err != nil {
		t.Fatalf("hash not upgraded: %.7s…", up)
	}
	if ok, again := verifyPassword(up, "alice-password"); !ok || again != "" {
		t.Errorf("upgraded hash: verify %v, upgrade %q", ok, again)
	}
	var v map[string]any
	if st := h.bapi("POST", "/v1/users/user_demo_alice/verify_password", map[string]any{"password": "alice-password"}, &v); st != 200 {
		t.Errorf("verify_password after upgrade: %d %v", st, v)
	}
}

// TestPasswordGateBoundsConcurrency checks that no more bcrypt
// computations run at once than passwordSlots allows.
func TestPasswordGateBoundsConcurrency(t *testing.T) {
	var mu sync.Mutex
	running, peak := 0, 0
	var wg sync.WaitGroup
	release := make(chan struct{})
	for range 8 {
		wg.Go(func() {
			withPasswordSlot(func() bool {
				mu.Lock()
				running++
				peak = max(peak, running)
				mu.Unlock()
				<-release
				mu.Lock()
				running--
				mu.Unlock()
				return true
			})
		})
	}
	for range 8 {
		release <- struct{}{}
	}
	wg.Wait()
	if peak < 1 || peak > passwordSlots() {
		t.Fatalf("peak concurrency %d, want 1..%d", peak, passwordSlots())
	}
}
