package clerk_test

import (
	"context"
	"fmt"
	"log"
	"net/http"

	clerk "github.com/goclerk/clerk"
	"github.com/goclerk/clerk/clerktest"
)

// RequireAPIAuth refuses, with 401 or 403 and a JSON error, what
// Middleware alone would let through signed out.
func ExampleRequireAPIAuth() {
	inst, _ := clerktest.NewInstance(clerktest.Options{Production: true})
	defer inst.Close()
	withClerk, _ := clerk.Middleware(inst.Options())
	readInvoices := clerk.RequireAPIAuth(clerk.APIGuardOptions{
		Checks: []clerk.Check{clerk.Permission("org:invoices:read")},
	})
	api := withClerk(readInvoices(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "invoices of ", clerk.GetAuth(r).OrgID)
	})))

	reader := inst.SessionToken(clerktest.Session{Org: &clerktest.Org{ID: "org_1", Permissions: []string{"org:invoices:read"}}})
	member := inst.SessionToken(clerktest.Session{Org: &clerktest.Org{ID: "org_1"}})
	exServe(api, exRequest("/invoices", reader))
	exServe(api, exRequest("/invoices", ""))
	exServe(api, exRequest("/invoices", member))
	// Output:
	// 200 invoices of org_1
	// 401 {"errors":[{"code":"authentication_invalid","message":"Unauthorized","long_message":"the request carries no token: send it as Authorization: Bearer <token>","meta":{"reason":"session-token-and-uat-missing"}}]}
	//
	// 403 {"errors":[{"code":"authorization_invalid","message":"Forbidden","long_message":"this requires permission org:invoices:read"}]}
}

// A websocket upgrade cannot carry an Authorization header from a
// browser, so the token comes in the query string: TokenFromRequest hands
// it to the middleware, and RequireAPIAuth refuses the upgrade without
// it. HeaderOnly keeps cookies and handshakes out of the API.
func ExampleOptions_tokenFromRequest() {
	inst, _ := clerktest.NewInstance(clerktest.Options{})
	defer inst.Close()
	opts := inst.Options()
	opts.HeaderOnly = true
	opts.TokenFromRequest = func(r *http.Request) string { return r.URL.Query().Get("token") }
	withClerk, err := clerk.Middleware(opts)
	if err != nil {
		log.Fatal(err)
	}
	ws := withClerk(clerk.RequireAPIAuth(clerk.APIGuardOptions{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Here a websocket library would upgrade the connection.
		fmt.Fprint(w, "upgrading for ", clerk.GetAuth(r).UserID)
	})))

	token := inst.SessionToken(clerktest.Session{UserID: "user_ws"})
	exServe(ws, exRequest("/ws?token="+token, ""))
	exServe(ws, exRequest("/ws?token=forged", ""))
	// Output:
	// 200 upgrading for user_ws
	// 401 {"errors":[{"code":"authentication_invalid","message":"Unauthorized","long_message":"the token is invalid","meta":{"reason":"token-invalid"}}]}
}

// An Authenticator verifies tokens that arrive outside an HTTP request —
// a websocket message, gRPC metadata, a queue message — with the
// middleware's decision and caches; its Middleware method serves HTTP
// from the same value.
func ExampleAuthenticator_Authenticate() {
	inst, _ := clerktest.NewInstance(clerktest.Options{})
	defer inst.Close()
	authn, err := clerk.NewAuthenticator(inst.Options())
	if err != nil {
		log.Fatal(err)
	}
	// mux := http.NewServeMux(); http.ListenAndServe(":8080", authn.Middleware(mux))

	type claims struct {
		Plan string `json:"plan"`
	}
	msg := struct{ Token, Body string }{inst.SessionToken(clerktest.Session{UserID: "user_1", Claims: map[string]any{"plan": "pro"}}), "hello"}
	auth := authn.Authenticate(context.Background(), msg.Token)
	c, _ := clerk.DecodeClaims[claims](auth)
	fmt.Println(auth.IsAuthenticated, auth.UserID, c.Plan, auth.RegisteredClaims().ExpiresAt.Sub(auth.RegisteredClaims().IssuedAt))

	machine := inst.M2MToken(clerktest.M2MTokenSpec{Subject: "mch_worker"})
	m := authn.Authenticate(context.Background(), machine, clerk.AcceptsToken(clerk.TokenTypeM2MToken))
	fmt.Println(m.IsAuthenticated, m.MachineID)

	bad := authn.Authenticate(context.Background(), "forged")
	fmt.Println(bad.IsAuthenticated, bad.Reason())
	// Output:
	// true user_1 pro 1h0m0s
	// true mch_worker
	// false token-invalid
}
