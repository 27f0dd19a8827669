package clerk_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	clerk "github.com/goclerk/clerk"
	"github.com/goclerk/clerk/clerktest"
)

func TestRegisteredClaims(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	inst := clerktest.New(t, clerktest.Options{Now: func() time.Time { return now }})
	a, err := clerk.NewAuthenticator(inst.Options())
	if err != nil {
		t.Fatal(err)
	}
	tok := inst.SessionToken(clerktest.Session{UserID: "user_1", AuthorizedParty: "https://app.example.com",
		Claims: map[string]any{"jti": "id_1", "nbf": now.Unix() - 10, "aud": []string{"a", "b"}}})
	rc := a.Authenticate(context.Background(), tok).RegisteredClaims()
	if rc.Subject != "user_1" || rc.AuthorizedParty != "https://app.example.com" || rc.ID != "id_1" ||
		rc.Issuer != "https://"+inst.FrontendAPI || !slices.Equal(rc.Audience, []string{"a", "b"}) {
		t.Fatalf("string claims: %+v", rc)
	}
	if !rc.IssuedAt.Equal(now) || !rc.ExpiresAt.Equal(now.Add(time.Hour)) || !rc.NotBefore.Equal(now.Add(-10*time.Second)) {
		t.Fatalf("times: iat %v exp %v nbf %v", rc.IssuedAt, rc.ExpiresAt, rc.NotBefore)
	}
	if got := a.Authenticate(context.Background(), "").RegisteredClaims(); got.Subject != "" || !got.ExpiresAt.IsZero() {
		t.Fatalf("signed out: %+v", got)
	}
	exp := now.Add(time.Hour).Truncate(time.Millisecond)
	key := inst.APIKey(clerktest.APIKeySpec{Subject: "user_2", Expiration: exp})
	mc := a.Authenticate(context.Background(), key, clerk.AcceptsAnyToken()).RegisteredClaims()
	if mc.Subject != "user_2" || mc.ID == "" || !mc.ExpiresAt.Equal(exp) {
		t.Fatalf("API key: %+v, want expiry %v", mc, exp)
	}
}

func TestDecodeClaims(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	a, err := clerk.NewAuthenticator(inst.Options())
	if err != nil {
		t.Fatal(err)
	}
	type custom struct {
		Plan  string   `json:"plan"`
		Roles []string `json:"roles"`
		Sub   string   `json:"sub"`
	}
	s := a.Authenticate(context.Background(), inst.SessionToken(clerktest.Session{UserID: "user_1",
		Claims: map[string]any{"plan": "pro", "roles": []string{"x", "y"}}}))
	c, err := clerk.DecodeClaims[custom](s)
	if err != nil || c.Plan != "pro" || !slices.Equal(c.Roles, []string{"x", "y"}) || c.Sub != "user_1" {
		t.Fatalf("session: %+v, %v", c, err)
	}
	if _, err := clerk.DecodeClaims[struct{ Plan int }](s); err == nil {
		t.Fatal("claims of the wrong type decoded")
	}
	m := a.Authenticate(context.Background(), inst.APIKey(clerktest.APIKeySpec{Claims: map[string]any{"plan": "team"}}), clerk.AcceptsAnyToken())
	if c, err := clerk.DecodeClaims[custom](m); err != nil || c.Plan != "team" {
		t.Fatalf("API key: %+v, %v", c, err)
	}
	bare := a.Authenticate(context.Background(), inst.APIKey(clerktest.APIKeySpec{}), clerk.AcceptsAnyToken())
	if _, err := clerk.DecodeClaims[custom](bare); !errors.Is(err, clerk.ErrNoClaims) {
		t.Fatalf("API key without claims: %v", err)
	}
	if _, err := clerk.DecodeClaims[custom](a.Authenticate(context.Background(), "x")); !errors.Is(err, clerk.ErrNoClaims) {
		t.Fatalf("signed out: %v", err)
	}
}
