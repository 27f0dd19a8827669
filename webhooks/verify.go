package webhooks

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// Header names Clerk (via Svix) sets on every webhook delivery. They are the
// only names read, as in the Express SDK.
const (
	HeaderID        = "svix-id"
	HeaderTimestamp = "svix-timestamp"
	HeaderSignature = "svix-signature"
)

// SecretEnv is the environment variable read when no secret is passed, the
// same one the Express SDK reads.
const SecretEnv = "CLERK_WEBHOOK_SIGNING_SECRET"

// SecretPrefix marks a Svix signing secret. It is stripped before the
// base64-encoded key is decoded; a secret without it is accepted too, as
// the standardwebhooks library (which @clerk/backend's verifyWebhook uses) does.
const SecretPrefix = "whsec_"

// DefaultTolerance is how far a delivery's timestamp may lie from the local
// clock, in either direction, before it is refused as a possible replay.
const DefaultTolerance = 5 * time.Minute

// DefaultMaxBodyBytes bounds the body [Verifier.Handler] and
// [Verifier.VerifyRequest] read, so a hostile client cannot make the server
// buffer an arbitrarily large request before the signature is checked.
const DefaultMaxBodyBytes int64 = 1 << 20

// signatureVersion is the only signature scheme understood; entries with any
// other version are skipped.
const signatureVersion = "v1"

// Errors returned by this package. Callers branch on them with errors.Is;
// the returned errors wrap them with details (never the secret).
var (
	// ErrMissingSecret: no secret was passed and SecretEnv is empty.
	ErrMissingSecret = errors.New("webhooks: missing signing secret")
	// ErrInvalidSecret: the secret does not decode to a usable key.
	ErrInvalidSecret = errors.New("webhooks: invalid signing secret")
	// ErrMissingHeaders: one or more of the svix-* headers is absent or blank.
	ErrMissingHeaders = errors.New("webhooks: missing required webhook headers")
	// ErrInvalidTimestamp: svix-timestamp is not a decimal Unix time.
	ErrInvalidTimestamp = errors.New("webhooks: invalid webhook timestamp")
	// ErrTimestampTooOld: the delivery was signed longer ago than the tolerance.
	ErrTimestampTooOld = errors.New("webhooks: webhook timestamp too old")
	// ErrTimestampTooNew: the delivery claims a time further ahead than the tolerance.
	ErrTimestampTooNew = errors.New("webhooks: webhook timestamp too new")
	// ErrInvalidSignature: no v1 signature in svix-signature matches the message.
	ErrInvalidSignature = errors.New("webhooks: no matching signature")
	// ErrInvalidPayload: the signature is valid but the body is not a JSON event object.
	ErrInvalidPayload = errors.New("webhooks: invalid webhook payload")
	// ErrBodyTooLarge: the request body exceeds the configured maximum.
	ErrBodyTooLarge = errors.New("webhooks: request body too large")
)

// Verifier checks webhook deliveries against one signing secret. Build it
// once (the secret is decoded and validated then) and share it: it is safe
// for concurrent use.
type Verifier struct {
	key          []byte
	now          func() time.Time
	tolerance    time.Duration
	maxBodyBytes int64
}

// VerifierOptions configures a [Verifier]. The zero value is the defaults.
type VerifierOptions struct {
	// Tolerance is the accepted distance between a delivery's timestamp and
	// the clock, in either direction (zero means [DefaultTolerance]). It is
	// truncated to whole seconds, the resolution of svix-timestamp; it must
	// not be negative.
	Tolerance time.Duration
	// MaxBodyBytes bounds the body read from a request (zero means
	// [DefaultMaxBodyBytes]); it must not be negative.
	MaxBodyBytes int64
	// Now is the clock the timestamps are checked against; nil means
	// time.Now. Tests pin it to get exact tolerance behaviour.
	Now func() time.Time
}

// NewVerifier decodes secret ("whsec_<base64>") and returns a Verifier for
// it, configured by o. An empty secret falls back to the SecretEnv
// environment variable. The returned error says what is wrong with the
// secret without repeating it, or names the option that is invalid.
func NewVerifier(secret string, o VerifierOptions) (*Verifier, error) {
	if o.Tolerance < 0 {
		return nil, fmt.Errorf("webhooks: VerifierOptions.Tolerance: negative tolerance %v", o.Tolerance)
	}
	if o.MaxBodyBytes < 0 {
		return nil, fmt.Errorf("webhooks: VerifierOptions.MaxBodyBytes: negative limit %d", o.MaxBodyBytes)
	}
	if secret == "" {
		secret = os.Getenv(SecretEnv)
	}
	key, err := decodeSecret(secret)
	if err != nil {
		return nil, err
	}
	v := &Verifier{key: key, now: o.Now, tolerance: o.Tolerance, maxBodyBytes: o.MaxBodyBytes}
	if v.now == nil {
		v.now = time.Now
	}
	if v.tolerance == 0 {
		v.tolerance = DefaultTolerance
	}
	if v.maxBodyBytes == 0 {
		v.maxBodyBytes = DefaultMaxBodyBytes
	}
	return v, nil
}

// decodeSecret turns a signing secret into the HMAC key.
func decodeSecret(secret string) ([]byte, error) {
	secret = strings.TrimSpace(secret)
	if secret == "" {
		return nil, fmt.Errorf("%w: pass one or set %s to the signing secret from the Clerk Dashboard", ErrMissingSecret, SecretEnv)
	}
	if strings.HasPrefix(secret, "sk_") || strings.HasPrefix(secret, "pk_") {
		return nil, fmt.Errorf("%w: this looks like a Clerk API key; use the webhook endpoint's signing secret (%s…)", ErrInvalidSecret, SecretPrefix)
	}
	encoded := strings.TrimPrefix(secret, SecretPrefix)
	// Svix secrets are padded standard base64; accept them unpadded too,
	// as standardwebhooks' decoder does.
	key, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(encoded, "="))
	if err != nil {
		return nil, fmt.Errorf("%w: the part after %q is not valid base64", ErrInvalidSecret, SecretPrefix)
	}
	if len(key) == 0 {
		return nil, fmt.Errorf("%w: the key after %q is empty", ErrInvalidSecret, SecretPrefix)
	}
	return key, nil
}

// Verify checks a delivery made with secret and decodes it, with the default
// [VerifierOptions]. It is a shortcut for NewVerifier followed by
// [Verifier.Verify]; build a Verifier once when handling many deliveries.
func Verify(secret string, header http.Header, body []byte) (Event, error) {
	v, err := NewVerifier(secret, VerifierOptions{})
	if err != nil {
		return Event{}, err
	}
	return v.Verify(header, body)
}

// Verify checks the svix-* headers and the signature over body, then decodes
// body into an Event. body must be the request body exactly as received.
// Checks run in standardwebhooks' order: headers present, timestamp well-formed
// and within tolerance, signature, payload.
func (v *Verifier) Verify(header http.Header, body []byte) (Event, error) {
	id := strings.TrimSpace(header.Get(HeaderID))
	rawTS := strings.TrimSpace(header.Get(HeaderTimestamp))
	sigs := strings.TrimSpace(header.Get(HeaderSignature))
	if id == "" || rawTS == "" || sigs == "" {
		var missing []string
		for _, h := range []struct{ name, value string }{
			{HeaderID, id}, {HeaderTimestamp, rawTS}, {HeaderSignature, sigs},
		} {
			if h.value == "" {
				missing = append(missing, h.name)
			}
		}
		return Event{}, fmt.Errorf("%w: %s", ErrMissingHeaders, strings.Join(missing, ", "))
	}

	ts, err := strconv.ParseInt(rawTS, 10, 64)
	if err != nil {
		return Event{}, fmt.Errorf("%w: %s is not a decimal Unix time", ErrInvalidTimestamp, HeaderTimestamp)
	}
	now := v.now().Unix()
	tol := int64(v.tolerance / time.Second)
	// Compare against now±tol rather than subtracting ts, which could
	// overflow for hostile values near the int64 limits.
	switch {
	case ts < now-tol:
		return Event{}, fmt.Errorf("%w: signed %ds ago, tolerance is %ds", ErrTimestampTooOld, now-ts, tol)
	case ts > now+tol:
		return Event{}, fmt.Errorf("%w: signed %ds in the future, tolerance is %ds", ErrTimestampTooNew, ts-now, tol)
	}

	expected := []byte(v.sign(id, ts, body))
	candidates := parseSignatureHeader(sigs)
	if len(candidates) == 0 {
		return Event{}, fmt.Errorf("%w: %s holds no %s signature", ErrInvalidSignature, HeaderSignature, signatureVersion)
	}
	matched := false
	for _, c := range candidates {
		// Compare every candidate so the time taken does not depend on
		// which one matched.
		if subtle.ConstantTimeCompare([]byte(c), expected) == 1 {
			matched = true
		}
	}
	if !matched {
		return Event{}, fmt.Errorf("%w: none of %d %s signature(s) is valid for this message", ErrInvalidSignature, len(candidates), signatureVersion)
	}

	evt, err := decodeEvent(body)
	if err != nil {
		return Event{}, err
	}
	evt.MessageID = id
	return evt, nil
}

// Sign returns an svix-signature entry ("v1,<base64>") for a message, as
// Clerk would produce it. It lets tests and local development tools (such as
// localclerk) send deliveries this Verifier accepts.
func (v *Verifier) Sign(id string, timestamp time.Time, body []byte) string {
	return signatureVersion + "," + v.sign(id, timestamp.Unix(), body)
}

// sign computes the base64 HMAC-SHA256 of "<id>.<ts>.<body>". The timestamp
// is formatted from its parsed value, as standardwebhooks does, so the signed
// content never depends on odd spellings of the header.
func (v *Verifier) sign(id string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, v.key)
	mac.Write([]byte(id))
	mac.Write([]byte{'.'})
	mac.Write(strconv.AppendInt(nil, ts, 10))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// parseSignatureHeader returns the signatures of the v1 entries in an
// svix-signature value. Entries are separated by whitespace and shaped
// "<version>,<signature>"; entries of other versions or without a comma are
// skipped, and anything after a second comma is ignored, as in
// standardwebhooks. Signatures are returned still base64-encoded: they are
// compared as text against the expected encoding, so malformed base64
// simply fails to match.
func parseSignatureHeader(value string) []string {
	var out []string
	for _, entry := range strings.Fields(value) {
		version, rest, ok := strings.Cut(entry, ",")
		if !ok || version != signatureVersion {
			continue
		}
		sig, _, _ := strings.Cut(rest, ",")
		if sig == "" {
			continue
		}
		out = append(out, sig)
	}
	return out
}

// decodeEvent parses a verified body. Like the Express SDK, it reports the
// object as "event" whatever the body says.
func decodeEvent(body []byte) (Event, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return Event{}, fmt.Errorf("%w: body is not a JSON object", ErrInvalidPayload)
	}
	var evt Event
	if err := json.Unmarshal(trimmed, &evt); err != nil {
		return Event{}, fmt.Errorf("%w: %w", ErrInvalidPayload, err)
	}
	evt.Object = "event"
	return evt, nil
}
