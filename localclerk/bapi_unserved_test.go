package localclerk

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/goclerk/clerk/localclerk/internal/specshape"
)

// rawBAPI sends a Backend API request with the secret key (auth "" sends
// none) and returns the status and body, for tests that must see the
// bytes rather than a client's decoding of them.
func (h *harness) rawBAPI(method, path, auth string, body string) (int, []byte) {
	h.t.Helper()
	req, err := http.NewRequest(method, h.inst.BackendAPIURL+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, data := h.do(req)
	if ct := resp.Header.Get("Content-Type"); method != http.MethodHead && ct != "application/json" {
		h.t.Errorf("%s %s: content-type %q, want application/json", method, path, ct)
	}
	return resp.StatusCode, data
}

// samplePath fills a path template's parameters with an id that exists
// nowhere.
func samplePath(tmpl string) string {
	var b strings.Builder
	for {
		open := strings.IndexByte(tmpl, '{')
		if open < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		end := strings.IndexByte(tmpl[open:], '}')
		b.WriteString(tmpl[:open])
		b.WriteString("zz_sample")
		tmpl = tmpl[open+end+1:]
	}
}

// TestUnservedOperationsAnswer501 sends every Backend API operation that
// localclerk does not route and expects 501 naming that operation, in a
// body of Clerk's error shape.
func TestUnservedOperationsAnswer501(t *testing.T) {
	h := start(t, Options{})
	facts, err := specshape.BAPI()
	if err != nil {
		t.Fatal(err)
	}
	served := map[*specshape.Operation]bool{}
	for _, p := range h.inst.bapiMux.bapiRoutes() {
		if op := facts.ForPattern(p); op != nil {
			served[op] = true
		}
	}
	unserved := 0
	for _, op := range facts.Operations {
		if served[op] {
			continue
		}
		unserved++
		path := samplePath(op.Path)
		for _, prefix := range []string{"/v1", ""} {
			status, body := h.rawBAPI(op.Method, prefix+path, "Bearer "+h.inst.SecretKey, "")
			if status != http.StatusNotImplemented {
				t.Errorf("%s %s%s (%s): status %d, want 501: %s", op.Method, prefix, path, op.ID, status, body)
				continue
			}
			if err := facts.CheckSchema("ClerkErrors", body); err != nil {
				t.Errorf("%s: %v", op.ID, err)
			}
			var e clerkErrors
			mustJSON(t, body, &e)
			if len(e.Errors) != 1 {
				t.Fatalf("%s: %s", op.ID, body)
			}
			got := e.Errors[0]
			if got.Code != codeNotInLocalclerk || got.Meta["operation_id"] != op.ID || got.Meta["path"] != op.Path ||
				got.Meta["method"] != op.Method || !strings.Contains(got.LongMessage, op.ID) {
				t.Errorf("%s: %s", op.ID, body)
			}
		}
	}
	if unserved == 0 || unserved == len(facts.Operations) {
		t.Fatalf("%d of %d operations unserved: the route enumeration is broken", unserved, len(facts.Operations))
	}
}

func TestUnknownBackendPathAnswersClerk404(t *testing.T) {
	h := start(t, Options{})
	for _, tc := range []struct{ method, path string }{
		{"GET", "/v1/no_such_resource"},
		{"GET", "/no_such_resource"},
		{"PUT", "/v1/users/user_1"},        // the path exists, the method does not
		{"GET", "/v1/v1/users"},            // /v1 is stripped once
		{"POST", "/v1/users/user_1/ban/x"}, // one segment too many
	} {
		status, body := h.rawBAPI(tc.method, tc.path, "Bearer "+h.inst.SecretKey, "")
		var e clerkErrors
		if err := json.Unmarshal(body, &e); err != nil || status != http.StatusNotFound || len(e.Errors) != 1 || e.Errors[0].Code != "resource_not_found" {
			t.Errorf("%s %s: %d %s", tc.method, tc.path, status, body)
		}
	}
}

// Unserved operations still demand the secret key, as Clerk does for
// every operation: a caller without it learns nothing about coverage.
func TestUnservedOperationNeedsTheSecretKey(t *testing.T) {
	h := start(t, Options{})
	status, body := h.rawBAPI("GET", "/v1/templates/email/verification_code", "", "")
	if status != http.StatusUnauthorized || !strings.Contains(string(body), "clerk_key_invalid") {
		t.Fatalf("%d %s", status, body)
	}
	status, body = h.rawBAPI("GET", "/v1/templates/email/verification_code", "Bearer "+h.inst.SecretKey, "")
	if status != http.StatusNotImplemented || !strings.Contains(string(body), `"operation_id":"GetTemplate"`) {
		t.Fatalf("%d %s", status, body)
	}
}
