package webhooks

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

func FuzzParseSignatureHeader(f *testing.F) {
	for _, seed := range []string{
		"", testSignature, testSignature + " v1,abc", "v2,abc v1a,def", ",,, v1 v1, ,v1",
		"v1,abc,def", "\t v1,a \n", "v1,\x00\xff", strings.Repeat("v1,a ", 50),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, header string) {
		for _, sig := range parseSignatureHeader(header) {
			if sig == "" || strings.ContainsAny(sig, ", \t\n") {
				t.Fatalf("parseSignatureHeader(%q) yielded %q", header, sig)
			}
		}
	})
}

// FuzzVerify feeds arbitrary header values and bodies to Verify: it must
// never panic, must only fail with one of the package's errors, and must
// accept a body it signed itself.
func FuzzVerify(f *testing.F) {
	f.Add(testMessageID, strconv.Itoa(testUnix), testSignature, testBody)
	f.Add("", "", "", "")
	f.Add("id", "-9223372036854775808", "v1,", "{}")
	f.Add("id", "1764100000", "v1,abc v2,def", "null")
	f.Add("id", " 0x10 ", "v1,"+strings.Repeat("A", 44), `{"type":"user.created","data":5}`)

	v, err := NewVerifier(testSecret, VerifierOptions{Now: fixedClock(testTime)})
	if err != nil {
		f.Fatal(err)
	}
	known := []error{ErrMissingHeaders, ErrInvalidTimestamp, ErrTimestampTooOld, ErrTimestampTooNew, ErrInvalidSignature, ErrInvalidPayload}
	f.Fuzz(func(t *testing.T, id, ts, sig, body string) {
		_, err := v.Verify(headers(id, ts, sig), []byte(body))
		if err != nil {
			ok := false
			for _, k := range known {
				ok = ok || errors.Is(err, k)
			}
			if !ok {
				t.Fatalf("unexpected error kind: %v", err)
			}
		}

		// Whatever the id and body, a fresh signature of them verifies
		// unless the id is blank or the body is not an object.
		id = strings.TrimSpace(id)
		if id == "" {
			return
		}
		h := headers(id, strconv.Itoa(testUnix), v.Sign(id, time.Unix(testUnix, 0), []byte(body)))
		if _, err := v.Verify(h, []byte(body)); err != nil && !errors.Is(err, ErrInvalidPayload) {
			t.Fatalf("self-signed message rejected: %v", err)
		}
	})
}
