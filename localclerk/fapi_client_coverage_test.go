package localclerk

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goclerk/clerk/localclerk/internal/specshape"
)

// TestClientOperationsServed checks every /v1/client operation of the
// Frontend API specification against the routes: each is served.
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
