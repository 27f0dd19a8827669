package localclerk

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/goclerk/clerk/localclerk/internal/specshape"
)

// TestFAPIProxyHealth: a proxy that forwards the secret key, its own
// allowed URL and X-Forwarded-For is healthy; one without the secret key
// is not.
func TestFAPIProxyHealth(t *testing.T) {
	h := start(t, Options{Seed: true})
	facts, err := specshape.FAPI()
	if err != nil {
		t.Fatal(err)
	}
	check := func(secret, proxy, domainID string) (int, string) {
		req := h.fapiRequest("GET", "/v1/proxy-health?domain_id="+url.QueryEscape(domainID), nil)
		req.Header.Set("Clerk-Secret-Key", secret)
		req.Header.Set("Clerk-Proxy-Url", proxy)
		req.Header.Set("X-Forwarded-For", "203.0.113.7")
		resp, body := h.do(req)
		if err := facts.Check("GET", "/v1/proxy-health", resp.StatusCode, body); err != nil {
			t.Errorf("%v\nbody: %s", err, body)
		}
		return resp.StatusCode, string(body)
	}
	dmn := h.inst.primaryDomainID()
	if st, body := check(h.inst.SecretKey, "http://localhost:3000/__clerk", dmn); st != 200 || !strings.Contains(body, `"healthy"`) || !strings.Contains(body, "203.0.113.7") {
		t.Errorf("healthy proxy: %d %s", st, body)
	}
	if st, body := check("sk_test_wrong", "http://localhost:3000/__clerk", dmn); st != 200 || !strings.Contains(body, `"unhealthy"`) {
		t.Errorf("wrong secret key: %d %s", st, body)
	}
	if st, body := check(h.inst.SecretKey, "https://evil.example/__clerk", dmn); st != 200 || !strings.Contains(body, `"unhealthy"`) {
		t.Errorf("foreign proxy: %d %s", st, body)
	}
	if st, body := check(h.inst.SecretKey, "http://localhost:3000/__clerk", "dmn_nope"); st != 400 {
		t.Errorf("unknown domain: %d %s", st, body)
	}
}

// TestFAPIClientSyncAndLink: a satellite's sync hands the browser's
// client to /v1/client/link, which returns to the app marked as synced
// with the same dev browser; a token is good once per minute only.
func TestFAPIClientSyncAndLink(t *testing.T) {
	h := start(t, Options{Seed: true})
	fx := newShapeFixture(t, h, true)
	get := func(path string) *http.Response {
		req := h.fapiRequest("GET", path, nil)
		resp, err := h.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	resp := get("/v1/client/sync?link_domain=sat.localhost&redirect_url=" + url.QueryEscape("http://localhost:3000/app?x=1") + "&__clerk_db_jwt=" + fx.dvb)
	link, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != 307 || err != nil || link.Path != "/v1/client/link" || link.Query().Get("__clerk_token") == "" {
		t.Fatalf("sync: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp = get(link.RequestURI())
	back, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != 307 || err != nil || back.Host != "localhost:3000" || back.Query().Get("x") != "1" ||
		back.Query().Get("__clerk_synced") != "true" || back.Query().Get("__clerk_db_jwt") != fx.dvb {
		t.Fatalf("link: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	h.clock.Advance(2 * syncTokenTTL)
	if resp := get(link.RequestURI()); resp.StatusCode != 422 {
		t.Errorf("expired token: %d", resp.StatusCode)
	}
}
