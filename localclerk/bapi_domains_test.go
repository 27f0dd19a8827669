package localclerk

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goclerk/clerk"
)

type domainList struct {
	Data []struct {
		ID                string  `json:"id"`
		Name              string  `json:"name"`
		IsSatellite       bool    `json:"is_satellite"`
		FrontendAPIURL    string  `json:"frontend_api_url"`
		DevelopmentOrigin string  `json:"development_origin"`
		ProxyURL          *string `json:"proxy_url"`
	} `json:"data"`
	TotalCount int `json:"total_count"`
}

func TestDomainsPrimaryAndSatellites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lc.db")
	h := start(t, Options{DataFile: path, AfterSignInURL: "http://localhost:3000/dashboard"})
	var list domainList
	if st := h.bapi("GET", "/v1/domains", nil, &list); st != 200 || list.TotalCount != 1 || len(list.Data) != 1 {
		t.Fatalf("%d %+v", st, list)
	}
	primary := list.Data[0]
	if primary.IsSatellite || primary.Name != strings.TrimPrefix(h.inst.FrontendAPIURL, "http://") ||
		primary.FrontendAPIURL != h.inst.FrontendAPIURL || primary.DevelopmentOrigin != "http://localhost:3000" ||
		!strings.HasPrefix(primary.ID, "dmn_") {
		t.Fatalf("primary %+v", primary)
	}

	var sat map[string]any
	if st := h.bapi("POST", "/v1/domains", map[string]any{"name": "Localhost:3001", "is_satellite": true}, &sat); st != 200 ||
		sat["name"] != "localhost:3001" || sat["is_satellite"] != true || sat["development_origin"] != "http://localhost:3001" {
		t.Fatalf("add: %d %v", st, sat)
	}
	var other map[string]any
	if st := h.bapi("POST", "/v1/domains", map[string]any{"name": "sat.example.org", "is_satellite": true, "proxy_url": "https://sat.example.org/__clerk"}, &other); st != 200 ||
		other["development_origin"] != "https://sat.example.org" || other["proxy_url"] != "https://sat.example.org/__clerk" {
		t.Fatalf("add: %d %v", st, other)
	}

	for _, name := range []string{"myhost:3000", "[::1]:3002", "127.0.0.1:3003"} {
		if st := h.bapi("POST", "/v1/domains", map[string]any{"name": name, "is_satellite": true}, nil); st != 200 {
			t.Errorf("add %s: %d", name, st)
		}
	}
	for _, tc := range []struct {
		body        map[string]any
		status      int
		code, param string
	}{
		{map[string]any{"is_satellite": true}, 422, "form_param_missing", "name"},
		{map[string]any{"name": "x.example.org"}, 422, "form_param_missing", "is_satellite"},
		{map[string]any{"name": "x.example.org", "is_satellite": false}, 422, "primary_domain_already_exists", "is_satellite"},
		{map[string]any{"name": "x.example.org", "is_satellite": "yes"}, 422, "form_param_value_invalid", "is_satellite"},
		{map[string]any{"name": "https://x.example.org", "is_satellite": true}, 422, "form_param_format_invalid", "name"},
		{map[string]any{"name": "x.example.org/path", "is_satellite": true}, 422, "form_param_format_invalid", "name"},
		{map[string]any{"name": "x.example.org:99999", "is_satellite": true}, 422, "form_param_format_invalid", "name"},
		{map[string]any{"name": "x.example.org:+1", "is_satellite": true}, 422, "form_param_format_invalid", "name"},
		{map[string]any{"name": "::1", "is_satellite": true}, 422, "form_param_format_invalid", "name"},
		{map[string]any{"name": "x.example.org", "is_satellite": true, "proxy_url": "ftp://x"}, 422, "form_param_value_invalid", "proxy_url"},
		{map[string]any{"name": "LOCALHOST:3001", "is_satellite": true}, 422, "form_identifier_exists", "name"},
		{map[string]any{"name": primary.Name, "is_satellite": true}, 422, "form_identifier_exists", "name"},
	} {
		var e clerkErrors
		st := h.bapi("POST", "/v1/domains", tc.body, &e)
		h.wantError(tc.status, tc.code, st, e)
		if len(e.Errors) == 1 && e.Errors[0].Meta["param_name"] != tc.param {
			t.Errorf("%v: meta %v, want param_name %s", tc.body, e.Errors[0].Meta, tc.param)
		}
	}

	// Rename, and a rename onto a taken name.
	var upd map[string]any
	if st := h.bapi("PATCH", "/v1/domains/"+other["id"].(string), map[string]any{"name": "sat2.example.org"}, &upd); st != 200 || upd["name"] != "sat2.example.org" {
		t.Fatalf("update: %d %v", st, upd)
	}
	var e clerkErrors
	h.wantError(422, "form_identifier_exists", h.bapi("PATCH", "/v1/domains/"+other["id"].(string), map[string]any{"name": "localhost:3001"}, &e), e)
	e = clerkErrors{}
	h.wantError(422, "form_param_value_invalid", h.bapi("PATCH", "/v1/domains/"+primary.ID, map[string]any{"name": "elsewhere:1"}, &e), e)
	e = clerkErrors{}
	h.wantError(403, "operation_not_allowed_on_primary_domain", h.bapi("DELETE", "/v1/domains/"+primary.ID, nil, &e), e)

	// The data file keeps satellites, and the primary keeps its id.
	if err := h.inst.Close(); err != nil {
		t.Fatal(err)
	}
	h = start(t, Options{DataFile: path})
	list = domainList{}
	if h.bapi("GET", "/v1/domains", nil, &list); list.TotalCount != 6 || list.Data[0].ID != primary.ID ||
		list.Data[1].Name != "localhost:3001" || list.Data[2].Name != "sat2.example.org" || list.Data[3].DevelopmentOrigin != "https://myhost:3000" ||
		list.Data[4].DevelopmentOrigin != "http://[::1]:3002" {
		t.Fatalf("after restart: %+v", list)
	}
	var del map[string]any
	if st := h.bapi("DELETE", "/v1/domains/"+other["id"].(string), nil, &del); st != 200 || del["deleted"] != true {
		t.Fatalf("delete: %d %v", st, del)
	}
	// The name is free again.
	if st := h.bapi("POST", "/v1/domains", map[string]any{"name": "sat2.example.org", "is_satellite": true}, nil); st != 200 {
		t.Fatalf("re-add: %d", st)
	}
}

// TestDevPrimaryRedirectsToLocalclerkSatellite: goclerk's middleware on a
// development primary lets a satellite's sync request return to a
// satellite registered in localclerk, and to nothing else.
func TestDevPrimaryRedirectsToLocalclerkSatellite(t *testing.T) {
	h := start(t, Options{})
	if st := h.bapi("POST", "/v1/domains", map[string]any{"name": "satellite.example.org", "is_satellite": true}, nil); st != 200 {
		t.Fatalf("add satellite: %d", st)
	}
	mw, err := clerk.Middleware(clerk.Options{PublishableKey: h.inst.PublishableKey, SecretKey: h.inst.SecretKey,
		JWTKey: h.inst.PublicKeyPEM, APIURL: h.inst.BackendAPIURL, Now: h.clock.Now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	app := mw(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	sync := func(back string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "https://app.example.com/sign-in?__clerk_redirect_url="+url.QueryEscape(back), nil)
		r.Header.Set("Sec-Fetch-Dest", "document")
		r.Header.Set("Cookie", "__clerk_db_jwt=dvb_x")
		w := httptest.NewRecorder()
		app.ServeHTTP(w, r)
		return w
	}
	if w := sync("https://satellite.example.org/page"); w.Code != http.StatusTemporaryRedirect ||
		!strings.HasPrefix(w.Header().Get("Location"), "https://satellite.example.org/page?") {
		t.Fatalf("satellite: %d %q", w.Code, w.Header().Get("Location"))
	}
	if w := sync("https://evil.example/collect"); w.Header().Get("Location") != "" {
		t.Fatalf("unknown origin: redirected to %q", w.Header().Get("Location"))
	}
}
