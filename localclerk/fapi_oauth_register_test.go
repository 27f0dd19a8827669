package localclerk

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/goclerk/clerk/localclerk/internal/specshape"
)

// TestOAuthDynamicClientRegistration: POST /oauth/register is refused
// while the instance's dynamic registration setting is off and not
// advertised; once on, it is advertised, registers public and confidential
// clients whose answers match the specification, and the Backend API
// lists them as dynamically registered.
func TestOAuthDynamicClientRegistration(t *testing.T) {
	h := start(t, Options{Seed: true})
	facts, err := specshape.FAPI()
	if err != nil {
		t.Fatal(err)
	}
	register := func(body string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest("POST", h.inst.FrontendAPIURL+"/oauth/register", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, b := h.do(req)
		if err := facts.Check("POST", "/oauth/register", resp.StatusCode, b); err != nil {
			t.Errorf("%s: %v\nbody: %s", body, err, b)
		}
		return resp.StatusCode, b
	}
	metadata := func() map[string]any {
		t.Helper()
		resp, b := h.do(h.fapiRequest("GET", "/.well-known/oauth-authorization-server", nil))
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil || resp.StatusCode != 200 {
			t.Fatalf("metadata: %d %s", resp.StatusCode, b)
		}
		return m
	}
	public := `{"redirect_uris":["http://localhost:6274/oauth/callback"],"token_endpoint_auth_method":"none","client_name":"MCP Inspector"}`
	if st, b := register(public); st != 400 || !strings.Contains(string(b), "invalid_client_metadata") {
		t.Fatalf("registration while off: %d %s", st, b)
	}
	if _, ok := metadata()["registration_endpoint"]; ok {
		t.Error("the metadata advertises registration while it is off")
	}

	if st := h.bapi("PATCH", "/v1/instance/oauth_application_settings", map[string]any{"dynamic_oauth_client_registration": true}, nil); st != 200 {
		t.Fatalf("turn dynamic registration on: %d", st)
	}
	if got := metadata()["registration_endpoint"]; got != h.inst.FrontendAPIURL+"/oauth/register" {
		t.Errorf("registration_endpoint = %v", got)
	}
	st, b := register(public)
	var pub clientRegistrationWire
	if err := json.Unmarshal(b, &pub); st != 201 || err != nil || pub.ClientID == "" || pub.ClientSecret != "" || pub.TokenEndpointAuthMethod != "none" {
		t.Fatalf("public client: %d %s", st, b)
	}
	st, b = register(`{"redirect_uris":["https://tool.example.com/cb"],"scope":"openid email"}`)
	var conf clientRegistrationWire
	if err := json.Unmarshal(b, &conf); st != 201 || err != nil || conf.ClientSecret == "" || conf.TokenEndpointAuthMethod != "client_secret_basic" || conf.Scope != "openid email" {
		t.Fatalf("confidential client: %d %s", st, b)
	}
	for body, code := range map[string]string{
		`{"redirect_uris":[]}`:                                                                     "invalid_redirect_uri",
		`{"redirect_uris":["/relative"]}`:                                                          "invalid_redirect_uri",
		`{"redirect_uris":["http://x.example/cb#frag"]}`:                                           "invalid_redirect_uri",
		`{"redirect_uris":["http://x.example/cb"],"scope":"all"}`:                                  "invalid_client_metadata",
		`{"redirect_uris":["http://x.example/cb"],"token_endpoint_auth_method":"private_key_jwt"}`: "invalid_client_metadata",
		`{"redirect_uris":["http://x.example/cb"],"software_statement":"x"}`:                       "invalid_client_metadata",
		`not json`: "invalid_client_metadata",
	} {
		if st, b := register(body); st != 400 || !strings.Contains(string(b), `"`+code+`"`) {
			t.Errorf("%s: %d %s, want 400 %s", body, st, b, code)
		}
	}

	var list struct {
		Data []oauthAppWire `json:"data"`
	}
	if st := h.bapi("GET", "/v1/oauth_applications", nil, &list); st != 200 {
		t.Fatalf("list: %d", st)
	}
	i := slices.IndexFunc(list.Data, func(a oauthAppWire) bool { return a.ClientID == pub.ClientID })
	if i < 0 || !list.Data[i].DynamicallyRegistered || !list.Data[i].Public || !list.Data[i].PKCERequired || list.Data[i].Name != "MCP Inspector" {
		t.Errorf("the Backend API's view of the registered client: %+v", list.Data)
	}
}

// TestWebAuthnRelatedOrigins: GET /.well-known/webauthn lists the
// instance's origin and its allowed origins, in the specification's shape.
func TestWebAuthnRelatedOrigins(t *testing.T) {
	h := start(t, Options{AllowedOrigins: []string{"https://app.example.com"}})
	facts, err := specshape.FAPI()
	if err != nil {
		t.Fatal(err)
	}
	resp, b := h.do(h.fapiRequest("GET", "/.well-known/webauthn", nil))
	if err := facts.Check("GET", "/.well-known/webauthn", resp.StatusCode, b); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %v %s", resp.StatusCode, err, b)
	}
	var got webauthnOriginsWire
	if err := json.Unmarshal(b, &got); err != nil || !slices.Contains(got.Origins, "https://app.example.com") || !slices.Contains(got.Origins, h.inst.FrontendAPIURL) {
		t.Errorf("origins %s", b)
	}
}

// FuzzParseClientRegistration: any body gets an answer, never a panic,
// and an accepted one names only valid redirect URIs.
func FuzzParseClientRegistration(f *testing.F) {
	for _, s := range []string{`{"redirect_uris":["http://localhost/cb"]}`, `{"redirect_uris":["x"],"token_endpoint_auth_method":"none"}`,
		`{"redirect_uris":null}`, `[]`, `{"client_name":` + strings.Repeat("a", 300) + `}`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req, oerr := parseClientRegistration([]byte(body))
		if (req == nil) == (oerr == nil) {
			t.Fatalf("%q: request %v and error %v", body, req, oerr)
		}
		if req != nil {
			for _, u := range req.RedirectURIs {
				if checkRegisteredRedirect(u) != nil {
					t.Fatalf("%q: accepted %q", body, u)
				}
			}
		}
	})
}
