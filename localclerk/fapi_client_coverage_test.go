package localclerk

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goclerk/clerk/localclerk/internal/specshape"
)

// TestClientOperationsServed checks every /v1/client operation of the
// Frontend API specification against the routes: each is served, or
// answers 501 naming its feature (clientUnsupported).
func TestClientOperationsServed(t *testing.T) {
	h := start(t, Options{Seed: true})
	facts, err := specshape.FAPI()
	if err != nil {
		t.Fatal(err)
	}
	param := regexp.MustCompile(`\{[a-z_]+\}`)
	routes := h.inst.mux.fapiRoutes()
	n := 0
	for _, op := range facts.Operations {
		if !strings.HasPrefix(op.Path, "/v1/client") {
			continue
		}
		n++
		key := op.Method + " " + op.Path
		req, err := http.NewRequest(op.Method, h.inst.FrontendAPIURL+param.ReplaceAllString(op.Path, "x_1"), nil)
		if err != nil {
			t.Fatal(err)
		}
		_, route := h.inst.mux.Handler(req)
		if !slices.Contains(routes, route) {
			route = "" // the hosted pages' catch-all
		}
		if route == "" {
			t.Errorf("%s is not routed", key)
		}
	}
	if n < 30 {
		t.Fatalf("only %d /v1/client operations in the specification", n)
	}
}

// TestClientUnsupportedOperations: the /v1/client operations of features
// localclerk lacks answer 501 with Clerk's error body naming the feature,
// and each is an operation of the specification.
func TestClientUnsupportedOperations(t *testing.T) {
	h := start(t, Options{Seed: true})
	facts, err := specshape.FAPI()
	if err != nil {
		t.Fatal(err)
	}
	fx := newShapeFixture(t, h, true)
	for pattern, feature := range clientUnsupported {
		method, path, _ := strings.Cut(pattern, " ")
		path = strings.ReplaceAll(path, "{sid}", fx.sid)
		if _, err := facts.Match(method, path); err != nil {
			t.Errorf("%s is not in the specification: %v", pattern, err)
		}
		st, body := meCall(t, h, fx, method, path, url.Values{})
		if st != http.StatusNotImplemented || !strings.Contains(body, feature) || !strings.Contains(body, "feature_not_supported_by_localclerk") {
			t.Errorf("%s: %d %s", pattern, st, body)
		}
		if err := facts.CheckSchema("ClerkErrors", []byte(body)); err != nil {
			t.Errorf("%s: %v", pattern, err)
		}
	}
}
