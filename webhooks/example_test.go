package webhooks_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"log"
	"net/http"
	"strconv"
	"time"

	"github.com/goclerk/clerk/webhooks"
)

func ExampleVerify() {
	// In production the secret comes from the Clerk Dashboard (usually via
	// CLERK_WEBHOOK_SIGNING_SECRET) and the headers and body from the
	// incoming request. Here a delivery is signed locally.
	secret := "whsec_" + base64.StdEncoding.EncodeToString([]byte("example signing key"))
	sentAt := time.Now()
	body := []byte(`{"type":"user.created","object":"event","timestamp":1764100000000,` +
		`"instance_id":"ins_123","data":{"id":"user_123","object":"user","first_name":"Ada"}}`)

	signer, err := webhooks.NewVerifier(secret, webhooks.VerifierOptions{})
	if err != nil {
		log.Fatal(err)
	}
	header := http.Header{}
	header.Set(webhooks.HeaderID, "msg_123")
	header.Set(webhooks.HeaderTimestamp, strconv.FormatInt(sentAt.Unix(), 10))
	header.Set(webhooks.HeaderSignature, signer.Sign("msg_123", sentAt, body))

	evt, err := webhooks.Verify(secret, header, body)
	if err != nil {
		log.Fatal(err)
	}
	user, err := evt.User()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(evt.Type, evt.MessageID, user.ID, *user.FirstName)

	// A body changed in transit is refused.
	_, err = webhooks.Verify(secret, header, append(body, ' '))
	fmt.Println(err)
	// Output:
	// user.created msg_123 user_123 Ada
	// webhooks: no matching signature: none of 1 v1 signature(s) is valid for this message
}

func ExampleVerifier_Handler() {
	// NewVerifier("") reads CLERK_WEBHOOK_SIGNING_SECRET.
	v, err := webhooks.NewVerifier("", webhooks.VerifierOptions{})
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("POST /webhooks/clerk", v.Handler(func(w http.ResponseWriter, r *http.Request, evt webhooks.Event) {
		switch evt.Type {
		case webhooks.UserCreated, webhooks.UserUpdated:
			user, err := evt.User()
			if err != nil {
				http.Error(w, "bad user payload", http.StatusBadRequest)
				return
			}
			log.Printf("sync user %s <%s>", user.ID, user.PrimaryEmailAddress())
		case webhooks.UserDeleted:
			deleted, _ := evt.Deleted()
			log.Printf("delete user %s", deleted.ID)
		}
		// Any 2xx tells Clerk the delivery succeeded; see ReplayGuard to
		// skip deliveries you have already processed.
		w.WriteHeader(http.StatusNoContent)
	}))
}

func ExampleReplayGuard() {
	v, err := webhooks.NewVerifier("", webhooks.VerifierOptions{})
	if err != nil {
		log.Fatal(err)
	}
	// Same tolerance as the Verifier (the default here).
	guard, err := webhooks.NewReplayGuard(webhooks.ReplayGuardOptions{})
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("POST /webhooks/clerk", v.Handler(func(w http.ResponseWriter, r *http.Request, evt webhooks.Event) {
		switch err := guard.Check(evt.MessageID); {
		case errors.Is(err, webhooks.ErrReplayed):
			w.WriteHeader(http.StatusNoContent) // already handled: acknowledge only
			return
		case err != nil:
			http.Error(w, "busy", http.StatusServiceUnavailable) // Clerk retries later
			return
		}
		if err := process(evt); err != nil {
			guard.Forget(evt.MessageID) // let Clerk's retry through
			http.Error(w, "could not process", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
}

func process(webhooks.Event) error { return nil }
