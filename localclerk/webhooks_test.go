package localclerk

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

type delivery struct {
	header http.Header
	body   []byte
}

func TestWebhooksSignedAfterCommit(t *testing.T) {
	got := make(chan delivery, 100)
	fail := make(chan struct{}, 1)
	fail <- struct{}{} // the first delivery attempt fails, to exercise the retry
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		select {
		case <-fail:
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		default:
		}
		got <- delivery{r.Header.Clone(), b}
	}))
	defer srv.Close()
	secret := "whsec_" + base64.StdEncoding.EncodeToString([]byte("localclerk webhook test key"))
	h := start(t, Options{WebhookURL: srv.URL, WebhookSecret: secret})
	h.inst.webhooks.retryDelay = time.Millisecond
	if !strings.Contains(strings.Join(h.inst.EnvLines(), "\n"), "CLERK_WEBHOOK_SIGNING_SECRET="+secret) {
		t.Error("EnvLines lacks the webhook secret")
	}

	var u map[string]any
	h.bapi("POST", "/v1/users", map[string]any{"email_address": []string{"hook@example.com"}}, &u)
	// A failed write emits nothing.
	h.bapi("POST", "/v1/users", map[string]any{"email_address": []string{"hook@example.com"}}, nil)
	h.bapi("PATCH", "/v1/users/"+u["id"].(string), map[string]any{"first_name": "Hook"}, nil)
	h.bapi("DELETE", "/v1/users/"+u["id"].(string), nil, nil)

	want := []string{"user.created", "user.updated", "user.deleted"}
	for i, typ := range want {
		var d delivery
		select {
		case d = <-got:
		case <-time.After(10 * time.Second):
			t.Fatalf("no delivery %d (%s)", i, typ)
		}
		mac := hmac.New(sha256.New, []byte("localclerk webhook test key"))
		mac.Write([]byte(d.header.Get("svix-id") + "." + d.header.Get("svix-timestamp") + "." + string(d.body)))
		if sig := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)); d.header.Get("svix-signature") != sig {
			t.Errorf("bad signature on %s", typ)
		}
		var evt struct {
			Type   string         `json:"type"`
			Object string         `json:"object"`
			Data   map[string]any `json:"data"`
		}
		json.Unmarshal(d.body, &evt)
		if evt.Type != typ || evt.Object != "event" || evt.Data["id"] != u["id"] {
			t.Errorf("event %d: %s %v", i, evt.Type, evt.Data["id"])
		}
	}
	select {
	case d := <-got:
		t.Errorf("unexpected extra delivery %s", d.body)
	default:
	}
}
