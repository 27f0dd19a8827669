package webhooks

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Test fixtures. The known-answer signature was produced by the
// standardwebhooks library that @clerk/backend's verifyWebhook uses, for
// this secret, id, timestamp and body.
const (
	testSecret    = "whsec_Z29jbGVyay13ZWJob29rcy10ZXN0LWtleS0wMTIzNDU2Nzg5"
	testMessageID = "msg_2test"
	testUnix      = 1764100000
	testBody      = `{"data":{"id":"user_2abc","object":"user"},"object":"event","type":"user.created","timestamp":1764100000123,"instance_id":"ins_123","event_attributes":{"http_request":{"client_ip":"192.0.2.1","user_agent":"curl/8"}}}`
	testSignature = "v1,p+CVtXKp/Cma1gDXdu2dqF7OYLPuumUZXFpigGwgrso="
)

var testTime = time.Unix(testUnix, 0)

// fixedClock returns a clock stuck at t.
func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

// headers builds the three svix headers.
func headers(id, ts, sig string) http.Header {
	h := http.Header{}
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderSignature, sig)
	return h
}

// newTestVerifier returns a verifier for testSecret whose clock is at now.
func newTestVerifier(t *testing.T, now time.Time, opts ...VerifierOptions) *Verifier {
	t.Helper()
	var o VerifierOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	o.Now = fixedClock(now)
	v, err := NewVerifier(testSecret, o)
	if err != nil {
		t.Fatalf("NewVerifier: %v", err)
	}
	return v
}

// signed returns headers carrying a valid signature of body at ts.
func signed(v *Verifier, id string, ts time.Time, body string) http.Header {
	return headers(id, strconv.FormatInt(ts.Unix(), 10), v.Sign(id, ts, []byte(body)))
}

func TestVerifyKnownAnswer(t *testing.T) {
	v := newTestVerifier(t, testTime)
	if got := v.Sign(testMessageID, testTime, []byte(testBody)); got != testSignature {
		t.Fatalf("Sign = %q, want the standardwebhooks signature %q", got, testSignature)
	}
	evt, err := v.Verify(headers(testMessageID, strconv.Itoa(testUnix), testSignature), []byte(testBody))
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if evt.Type != UserCreated || evt.Object != "event" || evt.InstanceID != "ins_123" ||
		evt.Timestamp != 1764100000123 || evt.MessageID != testMessageID {
		t.Errorf("event = %+v", evt)
	}
	if evt.EventAttributes.HTTPRequest.ClientIP != "192.0.2.1" || evt.EventAttributes.HTTPRequest.UserAgent != "curl/8" {
		t.Errorf("event attributes = %+v", evt.EventAttributes)
	}
	if !evt.Time().Equal(time.UnixMilli(1764100000123)) {
		t.Errorf("Time() = %v", evt.Time())
	}
	if string(evt.Data) != `{"id":"user_2abc","object":"user"}` {
		t.Errorf("Data = %s", evt.Data)
	}
}

func TestVerifyPackageFunction(t *testing.T) {
	h := headers(testMessageID, strconv.Itoa(testUnix), testSignature)
	if _, err := Verify(testSecret, signed(newTestVerifier(t, testTime), testMessageID, time.Now(), testBody), []byte(testBody)); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	// Real clock: the 2025 timestamp is far outside the tolerance.
	if _, err := Verify(testSecret, h, []byte(testBody)); !errors.Is(err, ErrTimestampTooOld) {
		t.Fatalf("Verify with real clock: err = %v, want ErrTimestampTooOld", err)
	}
	if _, err := Verify("whsec_!!!", h, []byte(testBody)); !errors.Is(err, ErrInvalidSecret) {
		t.Fatalf("Verify with bad secret: err = %v, want ErrInvalidSecret", err)
	}
}

func TestVerifyRejects(t *testing.T) {
	v := newTestVerifier(t, testTime)
	ts := strconv.Itoa(testUnix)
	other, err := NewVerifier("whsec_"+base64.StdEncoding.EncodeToString([]byte("some other key")), VerifierOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wrongSig := other.Sign(testMessageID, testTime, []byte(testBody))

	tests := []struct {
		name   string
		header http.Header
		body   string
		want   error
	}{
		{"tampered body", headers(testMessageID, ts, testSignature), strings.Replace(testBody, "user_2abc", "user_2abd", 1), ErrInvalidSignature},
		{"body with trailing newline", headers(testMessageID, ts, testSignature), testBody + "\n", ErrInvalidSignature},
		{"wrong secret", headers(testMessageID, ts, wrongSig), testBody, ErrInvalidSignature},
		{"different id", headers("msg_other", ts, testSignature), testBody, ErrInvalidSignature},
		{"different timestamp", headers(testMessageID, strconv.Itoa(testUnix+1), testSignature), testBody, ErrInvalidSignature},
		{"missing all headers", http.Header{}, testBody, ErrMissingHeaders},
		{"missing id", headers("", ts, testSignature), testBody, ErrMissingHeaders},
		{"blank timestamp", headers(testMessageID, "   ", testSignature), testBody, ErrMissingHeaders},
		{"missing signature", headers(testMessageID, ts, ""), testBody, ErrMissingHeaders},
		{"non-numeric timestamp", headers(testMessageID, "yesterday", testSignature), testBody, ErrInvalidTimestamp},
		{"timestamp with trailing junk", headers(testMessageID, ts+"abc", testSignature), testBody, ErrInvalidTimestamp},
		{"fractional timestamp", headers(testMessageID, ts+".5", testSignature), testBody, ErrInvalidTimestamp},
		{"timestamp overflow", headers(testMessageID, "99999999999999999999", testSignature), testBody, ErrInvalidTimestamp},
		{"minimum int64 timestamp", headers(testMessageID, "-9223372036854775808", testSignature), testBody, ErrTimestampTooOld},
		{"maximum int64 timestamp", headers(testMessageID, "9223372036854775807", testSignature), testBody, ErrTimestampTooNew},
		{"only v2 signatures", headers(testMessageID, ts, "v2,"+strings.TrimPrefix(testSignature, "v1,")), testBody, ErrInvalidSignature},
		{"only v1a and unversioned", headers(testMessageID, ts, "v1a,abc "+strings.TrimPrefix(testSignature, "v1,")), testBody, ErrInvalidSignature},
		{"garbage signature list", headers(testMessageID, ts, ",,, v1 v1, ,v1 \x00"), testBody, ErrInvalidSignature},
		{"bad base64 signature", headers(testMessageID, ts, "v1,not*base64!"), testBody, ErrInvalidSignature},
		{"signature of raw bytes not base64", headers(testMessageID, ts, "v1,"+strings.Repeat("A", 44)), testBody, ErrInvalidSignature},
		{"signature with changed case", headers(testMessageID, ts, strings.ToUpper(testSignature)), testBody, ErrInvalidSignature},
		{"truncated signature", headers(testMessageID, ts, testSignature[:len(testSignature)-2]), testBody, ErrInvalidSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Verify(tt.header, []byte(tt.body))
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if strings.Contains(err.Error(), strings.TrimPrefix(testSecret, SecretPrefix)) {
				t.Fatalf("error leaks the secret: %v", err)
			}
		})
	}
}

func TestVerifyMissingHeadersNamed(t *testing.T) {
	v := newTestVerifier(t, testTime)
	_, err := v.Verify(headers("id", "", ""), []byte(testBody))
	if !errors.Is(err, ErrMissingHeaders) {
		t.Fatalf("err = %v", err)
	}
	msg := err.Error()
	if strings.Contains(msg, HeaderID) || !strings.Contains(msg, HeaderTimestamp+", "+HeaderSignature) {
		t.Errorf("error %q should name exactly the missing headers", msg)
	}
}

func TestVerifyTolerance(t *testing.T) {
	v := newTestVerifier(t, testTime)
	body := []byte(testBody)
	tests := []struct {
		name   string
		signed time.Time
		want   error
	}{
		{"now", testTime, nil},
		{"exactly 5m old", testTime.Add(-5 * time.Minute), nil},
		{"5m1s old", testTime.Add(-5*time.Minute - time.Second), ErrTimestampTooOld},
		{"an hour old", testTime.Add(-time.Hour), ErrTimestampTooOld},
		{"exactly 5m ahead", testTime.Add(5 * time.Minute), nil},
		{"5m1s ahead", testTime.Add(5*time.Minute + time.Second), ErrTimestampTooNew},
		{"a day ahead", testTime.Add(24 * time.Hour), ErrTimestampTooNew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Verify(signed(v, testMessageID, tt.signed, testBody), body)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}

	// The clock's sub-second part is dropped, as in standardwebhooks (Unix
	// seconds, floored).
	late := newTestVerifier(t, testTime.Add(5*time.Minute+999*time.Millisecond))
	if _, err := late.Verify(signed(v, testMessageID, testTime, testBody), body); err != nil {
		t.Errorf("5m0.999s later: %v", err)
	}

	strict := newTestVerifier(t, testTime, VerifierOptions{Tolerance: time.Second})
	if _, err := strict.Verify(signed(v, testMessageID, testTime.Add(-time.Second), testBody), body); err != nil {
		t.Errorf("1s tolerance, 1s old: %v", err)
	}
	if _, err := strict.Verify(signed(v, testMessageID, testTime.Add(-2*time.Second), testBody), body); !errors.Is(err, ErrTimestampTooOld) {
		t.Errorf("1s tolerance, 2s old: err = %v", err)
	}
	wide := newTestVerifier(t, testTime, VerifierOptions{Tolerance: time.Hour})
	if _, err := wide.Verify(signed(v, testMessageID, testTime.Add(-59*time.Minute), testBody), body); err != nil {
		t.Errorf("1h tolerance, 59m old: %v", err)
	}
}

func TestVerifyMultipleSignatures(t *testing.T) {
	v := newTestVerifier(t, testTime)
	ts := strconv.Itoa(testUnix)
	bogus := "v1," + base64.StdEncoding.EncodeToString(make([]byte, 32))
	good := testSignature
	old, err := NewVerifier("whsec_"+base64.StdEncoding.EncodeToString([]byte("previous key")), VerifierOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for name, sig := range map[string]string{
		"match first":             good + " " + bogus,
		"match last":              bogus + " " + bogus + " " + good,
		"mixed versions":          "v2,abc " + good + " v1a,xyz",
		"extra spaces":            "  " + bogus + "   " + good + "  ",
		"tab separated":           bogus + "\t" + good,
		"extra field after comma": good + ",ignored",
		"secret rotation":         old.Sign(testMessageID, testTime, []byte(testBody)) + " " + good,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := v.Verify(headers(testMessageID, ts, sig), []byte(testBody)); err != nil {
				t.Fatalf("Verify: %v", err)
			}
		})
	}
}

func TestVerifyHeaderValuesTrimmed(t *testing.T) {
	v := newTestVerifier(t, testTime)
	h := headers(" "+testMessageID+" ", " "+strconv.Itoa(testUnix)+"\t", " "+testSignature+" ")
	if _, err := v.Verify(h, []byte(testBody)); err != nil {
		t.Fatalf("Verify: %v", err)
	}
}

func TestVerifyPayload(t *testing.T) {
	v := newTestVerifier(t, testTime)
	for name, tc := range map[string]struct {
		body string
		want error
	}{
		"empty":          {"", ErrInvalidPayload},
		"null":           {"null", ErrInvalidPayload},
		"array":          {"[]", ErrInvalidPayload},
		"string":         {`"event"`, ErrInvalidPayload},
		"truncated":      {`{"type":"user.created"`, ErrInvalidPayload},
		"wrong types":    {`{"type":5}`, ErrInvalidPayload},
		"minimal object": {`{}`, nil},
		"object forced":  {`{"object":"not-event","type":"x.y"}`, nil},
	} {
		t.Run(name, func(t *testing.T) {
			evt, err := v.Verify(signed(v, "msg", testTime, tc.body), []byte(tc.body))
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if err == nil && evt.Object != "event" {
				t.Errorf("Object = %q, want event", evt.Object)
			}
		})
	}
}

func TestNewVerifierSecret(t *testing.T) {
	raw := base64.StdEncoding.EncodeToString([]byte("goclerk-webhooks-test-key-0123456789"))
	tests := []struct {
		name   string
		secret string
		want   error
	}{
		{"prefixed", testSecret, nil},
		{"without prefix", raw, nil},
		{"unpadded", "whsec_" + strings.TrimRight(base64.StdEncoding.EncodeToString([]byte("ab")), "="), nil},
		{"surrounding whitespace", " " + testSecret + "\n", nil},
		{"bad base64", "whsec_not base64!", ErrInvalidSecret},
		{"url-safe alphabet", "whsec_" + base64.URLEncoding.EncodeToString([]byte{0xfb, 0xff, 0xfe}), ErrInvalidSecret},
		{"prefix only", "whsec_", ErrInvalidSecret},
		{"clerk secret key", "sk_test_abcdefghijklmnop", ErrInvalidSecret},
		{"clerk publishable key", "pk_test_Y2xlcmsuZXhhbXBsZS5jb20k", ErrInvalidSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(SecretEnv, "")
			_, err := NewVerifier(tt.secret, VerifierOptions{})
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if rest := strings.TrimPrefix(strings.TrimSpace(tt.secret), SecretPrefix); err != nil && rest != "" && strings.Contains(err.Error(), rest) {
				t.Fatalf("error repeats the secret: %v", err)
			}
		})
	}

	t.Run("without prefix verifies the same", func(t *testing.T) {
		v, err := NewVerifier(raw, VerifierOptions{Now: fixedClock(testTime)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.Verify(headers(testMessageID, strconv.Itoa(testUnix), testSignature), []byte(testBody)); err != nil {
			t.Fatalf("Verify: %v", err)
		}
	})
}

func TestNewVerifierEnv(t *testing.T) {
	t.Setenv(SecretEnv, "")
	if _, err := NewVerifier("", VerifierOptions{}); !errors.Is(err, ErrMissingSecret) {
		t.Fatalf("no secret, no env: err = %v, want ErrMissingSecret", err)
	} else if !strings.Contains(err.Error(), SecretEnv) {
		t.Errorf("error %q should point at %s", err, SecretEnv)
	}

	t.Setenv(SecretEnv, testSecret)
	v, err := NewVerifier("", VerifierOptions{Now: fixedClock(testTime)})
	if err != nil {
		t.Fatalf("secret from env: %v", err)
	}
	if _, err := v.Verify(headers(testMessageID, strconv.Itoa(testUnix), testSignature), []byte(testBody)); err != nil {
		t.Fatalf("Verify: %v", err)
	}

	// An explicit secret wins over the environment.
	t.Setenv(SecretEnv, "whsec_!!!")
	if _, err := NewVerifier(testSecret, VerifierOptions{}); err != nil {
		t.Fatalf("explicit secret: %v", err)
	}
}

func TestNewVerifierOptions(t *testing.T) {
	for name, o := range map[string]VerifierOptions{
		"negative tolerance": {Tolerance: -time.Second},
		"negative limit":     {MaxBodyBytes: -1},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := NewVerifier(testSecret, o)
			if err == nil || !strings.Contains(err.Error(), "VerifierOptions.") {
				t.Fatalf("err = %v, want one naming the option", err)
			}
		})
	}
	// The zero value is the defaults.
	v, err := NewVerifier(testSecret, VerifierOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if v.now == nil || v.tolerance != DefaultTolerance || v.maxBodyBytes != DefaultMaxBodyBytes {
		t.Errorf("zero options: tolerance %v, body limit %d, clock set %v", v.tolerance, v.maxBodyBytes, v.now != nil)
	}
}

func TestParseSignatureHeader(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"v1,abc", []string{"abc"}},
		{"v1,abc v1,def", []string{"abc", "def"}},
		{"v2,abc v1,def v1a,ghi", []string{"def"}},
		{"v1,abc,extra", []string{"abc"}},
		{"v1 v1, ,abc V1,abc", nil},
		{"  v1,a\t\nv1,b  ", []string{"a", "b"}},
	}
	for _, tt := range tests {
		got := parseSignatureHeader(tt.in)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
			t.Errorf("parseSignatureHeader(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
