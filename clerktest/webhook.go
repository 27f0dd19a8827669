package clerktest

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/goclerk/clerk/webhooks"
)

// NewWebhookSecret returns a fresh signing secret ("whsec_" and 24 random
// bytes in base64), the form Clerk's dashboard shows.
func NewWebhookSecret() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return webhooks.SecretPrefix + base64.StdEncoding.EncodeToString(b)
}

// WebhookRequest builds the POST a Clerk webhook delivery is: an event of
// eventType whose data is data (any value encoding/json encodes, e.g. a
// backend.User, or a json.RawMessage), with svix-id, svix-timestamp (now)
// and svix-signature signed with secret, exactly as webhooks.Verifier
// checks them. Serve it to the handler under test. It fails tb when secret
// is not a valid signing secret or data does not encode.
func WebhookRequest(tb testing.TB, secret string, eventType webhooks.EventType, data any) *http.Request {
	tb.Helper()
	return webhookRequest(tb, secret, eventType, data, time.Now())
}

// WebhookRequest is the package's WebhookRequest signed at the instance
// clock's time, for a webhooks.Verifier whose Now is that clock.
func (i *Instance) WebhookRequest(tb testing.TB, secret string, eventType webhooks.EventType, data any) *http.Request {
	tb.Helper()
	return webhookRequest(tb, secret, eventType, data, i.now())
}

func webhookRequest(tb testing.TB, secret string, eventType webhooks.EventType, data any, now time.Time) *http.Request {
	tb.Helper()
	v, err := webhooks.NewVerifier(secret, webhooks.VerifierOptions{})
	if err != nil {
		tb.Fatalf("clerktest: webhook secret: %v", err)
	}
	raw, err := json.Marshal(data)
	if err != nil {
		tb.Fatalf("clerktest: encode the webhook data: %v", err)
	}
	body, err := json.Marshal(webhooks.Event{
		Type: eventType, Object: "event", Data: raw, Timestamp: now.UnixMilli(), InstanceID: "ins_clerktest",
		EventAttributes: webhooks.EventAttributes{HTTPRequest: webhooks.HTTPRequestAttributes{ClientIP: "192.0.2.1", UserAgent: "clerktest"}},
	})
	if err != nil {
		tb.Fatalf("clerktest: encode the webhook event: %v", err)
	}
	id := "msg_" + randomHex(12)
	r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("svix-id", id)
	r.Header.Set("svix-timestamp", strconv.FormatInt(now.Unix(), 10))
	r.Header.Set("svix-signature", v.Sign(id, now, body))
	return r
}
