package clerksdkgo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/clerk/clerk-sdk-go/v2"
	clerkhttp "github.com/clerk/clerk-sdk-go/v2/http"
	"github.com/clerk/clerk-sdk-go/v2/jwks"
	"github.com/clerk/clerk-sdk-go/v2/jwt"
	"github.com/clerk/clerk-sdk-go/v2/organization"
	"github.com/clerk/clerk-sdk-go/v2/organizationmembership"
	"github.com/clerk/clerk-sdk-go/v2/session"
	"github.com/clerk/clerk-sdk-go/v2/user"

	"github.com/goclerk/clerk/localclerk"
)

// The seeded demo data of localclerk (-seed).
const (
	alice   = "user_demo_alice"
	acme    = "org_demo_acme"
	appSite = "http://localhost:8080"
)

// inst is one seeded in-memory localclerk for the whole package; env is
// what it prints for an app (EnvLines), the only thing the SDK is
// configured from.
var (
	inst *localclerk.Instance
	env  map[string]string
)

func TestMain(m *testing.M) {
	var err error
	inst, err = localclerk.Start(context.Background(), localclerk.Options{Seed: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, "start localclerk:", err)
		os.Exit(1)
	}
	env = map[string]string{}
	for _, l := range inst.EnvLines() {
		k, v, _ := strings.Cut(l, "=")
		env[k] = v
	}
	code := m.Run()
	inst.Close()
	os.Exit(code)
}

// backend is configured as an app on a real instance with a custom API
// URL configures it: clerk-sdk-go's base URL carries the API version, so
// it is CLERK_API_URL + "/v1".
func backend() clerk.Backend {
	return clerk.NewBackend(&clerk.BackendConfig{
		URL: clerk.String(env["CLERK_API_URL"] + "/v1"),
		Key: clerk.String(env["CLERK_SECRET_KEY"]),
	})
}

func config() *clerk.ClientConfig {
	return &clerk.ClientConfig{BackendConfig: clerk.BackendConfig{
		URL: clerk.String(env["CLERK_API_URL"] + "/v1"),
		Key: clerk.String(env["CLERK_SECRET_KEY"]),
	}}
}

func TestBackendAPIUsersAndOrganizations(t *testing.T) {
	ctx := context.Background()
	users := user.NewClient(config())
	list, err := users.List(ctx, &user.ListParams{OrderBy: clerk.String("+created_at")})
	if err != nil {
		t.Fatalf("users.List: %v", err)
	}
	var ids []string
	for _, u := range list.Users {
		ids = append(ids, u.ID)
	}
	if list.TotalCount != 3 || strings.Join(ids, ",") != "user_demo_alice,user_demo_bob,user_demo_carol" {
		t.Errorf("users.List: total %d, ids %v", list.TotalCount, ids)
	}
	filtered, err := users.List(ctx, &user.ListParams{EmailAddresses: []string{"bob@example.com"}})
	if err != nil || filtered.TotalCount != 1 || filtered.Users[0].ID != "user_demo_bob" {
		t.Errorf("users.List by e-mail: %+v, %v", filtered, err)
	}

	u, err := users.Get(ctx, alice)
	if err != nil {
		t.Fatalf("users.Get: %v", err)
	}
	if u.FirstName == nil || *u.FirstName != "Alice" || u.PrimaryEmailAddressID == nil || len(u.EmailAddresses) == 0 ||
		u.EmailAddresses[0].EmailAddress != "alice@example.com" || !u.PasswordEnabled {
		t.Errorf("users.Get: %+v", u)
	}

	_, err = users.Get(ctx, "user_doesnotexist")
	var apiErr *clerk.APIErrorResponse
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != http.StatusNotFound || len(apiErr.Errors) == 0 ||
		apiErr.Errors[0].Code != "resource_not_found" {
		t.Errorf("users.Get(unknown): %v, want a 404 APIErrorResponse with resource_not_found", err)
	}

	orgs := organization.NewClient(config())
	ol, err := orgs.List(ctx, &organization.ListParams{})
	if err != nil || ol.TotalCount != 1 || ol.Organizations[0].ID != acme {
		t.Fatalf("organizations.List: %+v, %v", ol, err)
	}
	o, err := orgs.Get(ctx, "acme") // by slug
	if err != nil || o.ID != acme || o.Slug != "acme" {
		t.Errorf("organizations.Get(slug): %+v, %v", o, err)
	}
	ml, err := organizationmembership.NewClient(config()).List(ctx, &organizationmembership.ListParams{OrganizationID: acme})
	if err != nil || ml.TotalCount == 0 {
		t.Fatalf("organization memberships: %+v, %v", ml, err)
	}
	roles := map[string]string{}
	for _, m := range ml.OrganizationMemberships {
		if m.PublicUserData != nil {
			roles[m.PublicUserData.UserID] = m.Role
		}
	}
	if roles[alice] != "org:admin" {
		t.Errorf("alice's role in acme: %q (memberships %v)", roles[alice], roles)
	}
}

func TestJWKSThroughTheClient(t *testing.T) {
	set, err := jwks.NewClient(config()).Get(context.Background(), &jwks.GetParams{})
	if err != nil {
		t.Fatalf("jwks.Get: %v", err)
	}
	if len(set.Keys) != 1 || set.Keys[0].KeyID != inst.KeyID || set.Keys[0].Algorithm != "RS256" || set.Keys[0].Key == nil {
		t.Fatalf("jwks.Get: %+v", set.Keys)
	}
}

// sdkToken signs alice in through the SDK's own Backend API calls.
func sdkToken(t *testing.T) (token, sessionID string) {
	t.Helper()
	ctx := context.Background()
	sessions := session.NewClient(config())
	s, err := sessions.Create(ctx, &session.CreateParams{UserID: alice})
	if err != nil {
		t.Fatalf("sessions.Create: %v", err)
	}
	tok, err := sessions.CreateToken(ctx, &session.CreateTokenParams{ID: s.ID})
	if err != nil || tok.JWT == "" {
		t.Fatalf("sessions.CreateToken: %+v, %v", tok, err)
	}
	return tok.JWT, s.ID
}

// orgToken is a session token with acme active, minted the way the
// hosted pages and the Frontend API mint them for a browser.
func orgToken(t *testing.T) (token, sessionID string) {
	t.Helper()
	ctx := context.Background()
	sid, _, err := inst.CreateSession(ctx, alice, acme)
	if err != nil {
		t.Fatal(err)
	}
	token, err = inst.SessionToken(ctx, sid, appSite)
	if err != nil {
		t.Fatal(err)
	}
	return token, sid
}

func TestVerifyASessionToken(t *testing.T) {
	ctx := context.Background()
	token, sid := sdkToken(t)
	fromPEM, err := clerk.JSONWebKeyFromPEM(env["CLERK_JWT_KEY"])
	if err != nil {
		t.Fatalf("clerk.JSONWebKeyFromPEM(CLERK_JWT_KEY): %v", err)
	}
	fromJWKS, err := jwt.GetJSONWebKey(ctx, &jwt.GetJSONWebKeyParams{
		KeyID:      inst.KeyID,
		JWKSClient: jwks.NewClient(config()),
	})
	if err != nil {
		t.Fatalf("jwt.GetJSONWebKey: %v", err)
	}
	for name, jwk := range map[string]*clerk.JSONWebKey{"CLERK_JWT_KEY": fromPEM, "JWKS": fromJWKS} {
		t.Run(name, func(t *testing.T) {
			claims, err := jwt.Verify(ctx, &jwt.VerifyParams{Token: token, JWK: jwk})
			if err != nil {
				t.Fatalf("jwt.Verify: %v", err)
			}
			if claims.Subject != alice || claims.SessionID != sid || claims.Issuer != inst.Issuer || claims.Version != 2 {
				t.Errorf("claims: sub %q sid %q iss %q v %d", claims.Subject, claims.SessionID, claims.Issuer, claims.Version)
			}
		})
	}

	// The v2 organization claims, which clerk-sdk-go decodes itself.
	ot, _ := orgToken(t)
	claims, err := jwt.Verify(ctx, &jwt.VerifyParams{Token: ot, JWK: fromPEM,
		AuthorizedPartyHandler: func(azp string) bool { return azp == appSite }})
	if err != nil {
		t.Fatalf("jwt.Verify(org token): %v", err)
	}
	if claims.ActiveOrganizationID != acme || claims.ActiveOrganizationSlug != "acme" || claims.ActiveOrganizationRole != "org:admin" ||
		!claims.HasPermission("org:reports:read") {
		t.Errorf("org claims: id %q slug %q role %q permissions %v", claims.ActiveOrganizationID, claims.ActiveOrganizationSlug,
			claims.ActiveOrganizationRole, claims.ActiveOrganizationPermissions)
	}

	// What must still fail does.
	if _, err := jwt.Verify(ctx, &jwt.VerifyParams{Token: forge(token), JWK: fromPEM}); err == nil {
		t.Error("jwt.Verify accepted a forged signature")
	}
	later := fixedClock(time.Now().Add(10 * time.Minute))
	if _, err := jwt.Verify(ctx, &jwt.VerifyParams{Token: token, JWK: fromPEM, Clock: later}); err == nil {
		t.Error("jwt.Verify accepted an expired token")
	}
}

// TestMiddleware runs clerk-sdk-go's middleware on a net/http handler in
// the three ways an app configures it: with CLERK_JWT_KEY, with a JWKS
// client, and with the package's default backend (clerk.SetBackend), from
// which it fetches the JWKS itself.
func TestMiddleware(t *testing.T) {
	token, sid := sdkToken(t)
	ot, _ := orgToken(t)
	whoami := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := clerk.SessionClaimsFromContext(r.Context())
		if !ok {
			http.Error(w, "no claims", http.StatusInternalServerError)
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"sub": c.Subject, "sid": c.SessionID, "org": c.ActiveOrganizationID})
	})
	clerk.SetBackend(backend())
	t.Cleanup(func() { clerk.SetBackend(nil) })
	for name, opts := range map[string][]clerkhttp.AuthorizationOption{
		"JSONWebKey(CLERK_JWT_KEY)": {clerkhttp.JSONWebKey(env["CLERK_JWT_KEY"])},
		"JWKSClient":                {clerkhttp.JWKSClient(jwks.NewClient(config()))},
		"default backend":           nil,
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(clerkhttp.RequireHeaderAuthorization(opts...)(whoami))
			defer srv.Close()
			get := func(bearer string) (int, map[string]string) {
				req, _ := http.NewRequest("GET", srv.URL, nil)
				if bearer != "" {
					req.Header.Set("Authorization", "Bearer "+bearer)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				var out map[string]string
				json.Unmarshal(body, &out)
				return resp.StatusCode, out
			}
			if code, out := get(token); code != http.StatusOK || out["sub"] != alice || out["sid"] != sid {
				t.Errorf("session token: %d %v", code, out)
			}
			if code, out := get(ot); code != http.StatusOK || out["org"] != acme {
				t.Errorf("org session token: %d %v", code, out)
			}
			if code, _ := get(forge(token)); code != http.StatusUnauthorized {
				t.Errorf("forged token: %d, want 401", code)
			}
			if code, _ := get(""); code != http.StatusForbidden {
				t.Errorf("no token: %d, want 403", code)
			}
		})
	}
}

// forge changes the token's signature.
func forge(token string) string {
	i := strings.LastIndexByte(token, '.')
	sig := []byte(token[i+1:])
	if sig[0] == 'A' {
		sig[0] = 'B'
	} else {
		sig[0] = 'A'
	}
	return token[:i+1] + string(sig)
}

type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }
