package localclerk

import (
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"
)

// TestHostedSignUpIsOneTransaction checks that the hosted pages create
// the account and start its session in one commit: the commit that
// announces user.created also announces session.created, and a refused
// sign-up commits nothing.
func TestHostedSignUpIsOneTransaction(t *testing.T) {
	h := start(t, Options{})
	var mu sync.Mutex
	var commits [][]string
	h.inst.store.onCommit = func(evs []webhookEvent) {
		mu.Lock()
		defer mu.Unlock()
		var types []string
		for _, ev := range evs {
			types = append(types, ev.Type)
		}
		commits = append(commits, types)
	}
	taken := func() [][]string {
		mu.Lock()
		defer mu.Unlock()
		out := commits
		commits = nil
		return out
	}
	wantOneCommit := func(step string) {
		t.Helper()
		cs := taken()
		for _, c := range cs {
			if slices.Contains(c, "user.created") {
				if !slices.Contains(c, "session.created") {
					t.Errorf("%s: user.created committed without its session: %v", step, cs)
				}
				return
			}
		}
		t.Errorf("%s: no user.created in %v", step, cs)
	}

	resp := h.postForm("/sign-up", url.Values{"email": {"plain@example.com"}, "password": {"correct-horse-battery"}, "redirect_url": {app}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-up: %d", resp.StatusCode)
	}
	wantOneCommit("sign-up")

	resp = h.postForm("/sign-up", url.Values{"email": {"plain@example.com"}, "password": {"correct-horse-battery"}, "redirect_url": {app}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("taken address: %d", resp.StatusCode)
	}
	if cs := taken(); len(cs) != 0 {
		t.Errorf("a refused sign-up committed %v", cs)
	}

	resp = h.postForm("/sign-up", url.Values{"email": {"coded+clerk_test@example.com"}, "password": {"correct-horse-battery"}, "redirect_url": {app}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sign-up with a code: %d", resp.StatusCode)
	}
	var pending []*pendingSignUp
	h.inst.store.view(t.Context(), func(tx *txn) error {
		var err error
		pending, err = tx.pendingSignUps().list()
		return err
	})
	if len(pending) != 1 {
		t.Fatalf("pending sign-ups: %d", len(pending))
	}
	resp = h.postForm("/sign-up/verify", url.Values{"pending_id": {pending[0].ID}, "code": {testVerificationCode}, "redirect_url": {app}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("verify: %d", resp.StatusCode)
	}
	wantOneCommit("verify")
	resp = h.postForm("/sign-up/verify", url.Values{"pending_id": {pending[0].ID}, "code": {testVerificationCode}, "redirect_url": {app}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("spent pending sign-up: %d", resp.StatusCode)
	}
	if cs := taken(); len(cs) != 0 {
		t.Errorf("a refused verification committed %v", cs)
	}
}
