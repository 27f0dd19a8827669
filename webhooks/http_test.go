package webhooks

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

// recorder is an EventHandlerFunc that remembers what it was given.
type recorder struct {
	called bool
	evt    Event
}

func (rec *recorder) handle(w http.ResponseWriter, r *http.Request, evt Event) {
	rec.called = true
	rec.evt = evt
	w.WriteHeader(http.StatusNoContent)
}

func TestHandler(t *testing.T) {
	v := newTestVerifier(t, testTime, VerifierOptions{MaxBodyBytes: int64(len(testBody))})
	valid := func() http.Header { return headers(testMessageID, strconv.Itoa(testUnix), testSignature) }

	tests := []struct {
		name       string
		method     string
		header     http.Header
		body       string
		wantStatus int
		wantReason string
	}{
		{"valid", http.MethodPost, valid(), testBody, http.StatusNoContent, ""},
		{"GET", http.MethodGet, valid(), "", http.StatusMethodNotAllowed, "POST only"},
		{"missing headers", http.MethodPost, http.Header{}, testBody, http.StatusBadRequest, "missing webhook headers"},
		{"bad timestamp", http.MethodPost, headers(testMessageID, "soon", testSignature), testBody, http.StatusBadRequest, "invalid webhook timestamp"},
		{"old", http.MethodPost, headers(testMessageID, strconv.Itoa(testUnix-301), testSignature), testBody, http.StatusBadRequest, "too old"},
		{"new", http.MethodPost, headers(testMessageID, strconv.Itoa(testUnix+301), testSignature), testBody, http.StatusBadRequest, "too new"},
		{"tampered", http.MethodPost, valid(), strings.Replace(testBody, "ins_123", "ins_124", 1), http.StatusBadRequest, "invalid webhook signature"},
		{"oversized", http.MethodPost, valid(), testBody + " ", http.StatusRequestEntityTooLarge, "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec recorder
			req := httptest.NewRequest(tt.method, "/webhooks/clerk", strings.NewReader(tt.body))
			req.Header = tt.header
			w := httptest.NewRecorder()
			v.Handler(rec.handle).ServeHTTP(w, req)

			if w.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d (body %q)", w.Code, tt.wantStatus, w.Body)
			}
			if rec.called != (tt.wantStatus == http.StatusNoContent) {
				t.Fatalf("handler called = %v", rec.called)
			}
			if tt.wantReason != "" && !strings.Contains(w.Body.String(), tt.wantReason) {
				t.Errorf("body = %q, want it to mention %q", w.Body, tt.wantReason)
			}
			if tt.method == http.MethodGet && w.Header().Get("Allow") != http.MethodPost {
				t.Errorf("Allow = %q", w.Header().Get("Allow"))
			}
			if rec.called && (rec.evt.Type != UserCreated || rec.evt.MessageID != testMessageID) {
				t.Errorf("event = %+v", rec.evt)
			}
		})
	}
}

func TestHandlerOversizedContentLength(t *testing.T) {
	v := newTestVerifier(t, testTime, VerifierOptions{MaxBodyBytes: 16})
	var rec recorder
	body := &countingReader{r: strings.NewReader(strings.Repeat("x", 1000))}
	req := httptest.NewRequest(http.MethodPost, "/", body)
	req.ContentLength = 1000
	req.Header = headers(testMessageID, strconv.Itoa(testUnix), testSignature)
	w := httptest.NewRecorder()
	v.Handler(rec.handle).ServeHTTP(w, req)
	if w.Code != http.StatusRequestEntityTooLarge || rec.called {
		t.Fatalf("status = %d, called = %v", w.Code, rec.called)
	}
	if body.n != 0 {
		t.Errorf("read %d bytes although Content-Length was over the limit", body.n)
	}
}

func TestHandlerDefaultLimit(t *testing.T) {
	v := newTestVerifier(t, testTime)
	var rec recorder
	// No Content-Length: the limit must hold while streaming.
	req := httptest.NewRequest(http.MethodPost, "/", io.MultiReader(strings.NewReader(strings.Repeat(" ", int(DefaultMaxBodyBytes))), strings.NewReader("{}")))
	req.ContentLength = -1
	req.Header = headers(testMessageID, strconv.Itoa(testUnix), testSignature)
	w := httptest.NewRecorder()
	v.Handler(rec.handle).ServeHTTP(w, req)
	if w.Code != http.StatusRequestEntityTooLarge || rec.called {
		t.Fatalf("status = %d, called = %v", w.Code, rec.called)
	}
}

func TestHandlerBodyAtLimit(t *testing.T) {
	body := `{}`
	v := newTestVerifier(t, testTime, VerifierOptions{MaxBodyBytes: int64(len(body))})
	var rec recorder
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	req.Header = signed(v, "msg", testTime, body)
	w := httptest.NewRecorder()
	v.Handler(rec.handle).ServeHTTP(w, req)
	if w.Code != http.StatusNoContent || !rec.called {
		t.Fatalf("status = %d, called = %v", w.Code, rec.called)
	}
}

func TestHandlerReadError(t *testing.T) {
	v := newTestVerifier(t, testTime)
	var rec recorder
	req := httptest.NewRequest(http.MethodPost, "/", iotest.ErrReader(errors.New("connection reset")))
	req.Header = headers(testMessageID, strconv.Itoa(testUnix), testSignature)
	w := httptest.NewRecorder()
	v.Handler(rec.handle).ServeHTTP(w, req)
	if w.Code != http.StatusBadRequest || rec.called {
		t.Fatalf("status = %d, called = %v", w.Code, rec.called)
	}
	if strings.Contains(w.Body.String(), "connection reset") {
		t.Errorf("response leaks internal error: %q", w.Body)
	}
}

func TestVerifyRequest(t *testing.T) {
	v := newTestVerifier(t, testTime)
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(testBody))
	req.Header = headers(testMessageID, strconv.Itoa(testUnix), testSignature)
	evt, err := v.VerifyRequest(req)
	if err != nil || evt.InstanceID != "ins_123" {
		t.Fatalf("VerifyRequest = %+v, %v", evt, err)
	}

	// No body at all: the signature cannot match a real delivery, and
	// nothing panics on a nil Body.
	req = &http.Request{Method: http.MethodPost, Header: headers(testMessageID, strconv.Itoa(testUnix), testSignature)}
	if _, err := v.VerifyRequest(req); !errors.Is(err, ErrInvalidSignature) {
		t.Fatalf("nil body: err = %v", err)
	}
}

// TestHandlerServer runs the handler behind a real server, as Clerk would
// reach it.
func TestHandlerServer(t *testing.T) {
	v := newTestVerifier(t, testTime)
	got := make(chan Event, 1)
	srv := httptest.NewServer(v.Handler(func(w http.ResponseWriter, r *http.Request, evt Event) {
		got <- evt
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()

	req, err := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(testBody))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = headers(testMessageID, strconv.Itoa(testUnix), testSignature)
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("status = %d", resp.StatusCode)
	}
	if evt := <-got; evt.MessageID != testMessageID {
		t.Errorf("event = %+v", evt)
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
