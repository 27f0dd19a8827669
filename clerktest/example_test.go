package clerktest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	clerk "github.com/goclerk/clerk"
	"github.com/goclerk/clerk/backend"
	"github.com/goclerk/clerk/clerktest"
)

// dashboard is the application handler under test.
var dashboard = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	fmt.Fprint(w, "hello ", clerk.GetAuth(r).UserID)
})

// Testing a protected handler: a fake instance, its options for the real
// middleware, and a minted session token. In a test function, use
// clerktest.New(t, clerktest.Options{}), which also closes the instance.
func Example() {
	inst, _ := clerktest.NewInstance(clerktest.Options{})
	defer inst.Close()
	mw, _ := clerk.Middleware(inst.Options())
	req := httptest.NewRequest("GET", "/dashboard", nil)
	req.Header.Set("Authorization", "Bearer "+inst.SessionToken(clerktest.Session{UserID: "user_123"}))
	rec := httptest.NewRecorder()
	mw(clerk.RequireAuth(clerk.RequireAuthOptions{SignInURL: "/sign-in"})(dashboard)).ServeHTTP(rec, req)

	fmt.Println(rec.Code, rec.Body)
	// Output: 200 hello user_123
}

// A session in an organization, with permissions, for Auth.Has checks.
func ExampleInstance_SessionToken() {
	inst, _ := clerktest.NewInstance(clerktest.Options{})
	defer inst.Close()
	mw, _ := clerk.Middleware(inst.Options())
	token := inst.SessionToken(clerktest.Session{
		UserID: "user_1",
		Org:    &clerktest.Org{ID: "org_1", Role: "admin", Permissions: []string{"org:invoices:read"}},
	})
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := clerk.GetAuth(r)
		fmt.Println(auth.OrgID, auth.OrgRole, auth.Has(clerk.Permission("org:invoices:read")), auth.Has(clerk.Role("member")))
	})).ServeHTTP(httptest.NewRecorder(), req)
	// Output: org_1 org:admin true false
}

// API keys (and M2M and OAuth tokens) are verified by the fake Backend API.
func ExampleInstance_APIKey() {
	inst, _ := clerktest.NewInstance(clerktest.Options{})
	defer inst.Close()
	mw, _ := clerk.Middleware(inst.Options())
	key := inst.APIKey(clerktest.APIKeySpec{Subject: "user_1", Scopes: []string{"reports:read"}})
	req := httptest.NewRequest("GET", "/reports", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := clerk.GetAuth(r, clerk.AcceptsToken(clerk.TokenTypeAPIKey))
		fmt.Println(auth.TokenType, auth.IsAuthenticated, auth.UserID, auth.Scopes)
	})).ServeHTTP(httptest.NewRecorder(), req)
	// Output: api_key true user_1 [reports:read]
}

// Code under test that calls the Backend API can be pointed at the fake;
// Handle adds an endpoint it does not serve, or replaces one of its own
// (here the in-memory GET /v1/users/{user_id}).
func ExampleInstance_Handle() {
	inst, _ := clerktest.NewInstance(clerktest.Options{})
	defer inst.Close()
	inst.Handle("GET /v1/users/{id}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"object":"user","id":%q,"first_name":"Ada"}`, r.PathValue("id"))
	}))

	client, _ := backend.NewClient(backend.Config{SecretKey: inst.SecretKey, APIURL: inst.APIURL})
	user, err := client.Users.Get(context.Background(), "user_1")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(user.ID, *user.FirstName)
	// Output: user_1 Ada
}

// Client is a Backend API client for the fake, whose users, organizations
// and memberships live in memory: code under test that takes a
// *backend.Client needs no hand-written handlers.
func ExampleInstance_Client() {
	inst, _ := clerktest.NewInstance(clerktest.Options{})
	defer inst.Close()
	client, ctx := inst.Client(), context.Background()

	ada, _ := client.Users.Create(ctx, &backend.UserCreateParams{EmailAddress: []string{"ada@example.com"}})
	org, _ := client.Organizations.Create(ctx, &backend.OrganizationCreateParams{Name: "Acme", CreatedBy: &ada.ID})
	members, err := client.OrganizationMemberships.List(ctx, org.ID, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	users, _ := client.Users.List(ctx, nil)
	fmt.Println(org.Slug, members.TotalCount, members.Data[0].Role, users.TotalCount)
	// Output: acme 1 org:admin 1
}
