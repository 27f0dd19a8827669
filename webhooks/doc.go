// Package webhooks verifies the webhooks Clerk delivers (through Svix) and
// decodes them into typed events. It is the Go counterpart of the Express
// SDK's verifyWebhook.
//
// Clerk signs every delivery with the endpoint's signing secret
// ("whsec_…", shown in the Clerk Dashboard and conventionally stored in
// CLERK_WEBHOOK_SIGNING_SECRET). Three headers travel with the body:
//
//	svix-id         unique message id (stable across retries)
//	svix-timestamp  Unix seconds at which the message was signed
//	svix-signature  space-separated "v1,<base64 HMAC-SHA256>" entries
//
// The signature covers "<svix-id>.<svix-timestamp>.<body>", so the body must
// be verified exactly as received: read the raw bytes before any JSON
// decoding. Deliveries whose timestamp lies more than five minutes away from
// the local clock are refused, which bounds replay of captured requests.
//
// Within the tolerance a captured delivery still verifies, so an attacker
// who records one can send it again. Reject replays by deduplicating on the
// message id for the tolerance window: after verifying, record
// [Event.MessageID] and acknowledge, without processing, an id already
// recorded. [ReplayGuard] does that in memory for a single process (an
// application with several instances uses a shared store: a unique key on
// the message id kept for twice the tolerance). Svix redelivers a failed
// message under the same id, so forget an id whose processing failed.
//
// Build a [Verifier] once from the secret and use [Verifier.Verify] or
// [Verifier.Handler]; [Verify] is a one-shot shortcut. A verified [Event]
// exposes the raw payload in [Event.Data] plus typed decoders such as
// [Event.User] and [Event.Session] for the common event families. The
// decoders return package backend's models (a user.created event decodes
// into the same backend.User that Client.Users.Get returns), so an
// application handles one User type whether it reads it from a webhook or
// from the Backend API.
package webhooks
