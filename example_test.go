package clerk_test

import (
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	clerk "github.com/goclerk/clerk"
	"github.com/goclerk/clerk/clerktest"
)

// The examples run against clerktest, a fake Clerk instance in the test
// process; a real application passes its keys (or sets CLERK_* variables).

// exServe sends req through h and prints the status and, if any, the
// redirect target and body.
func exServe(h http.Handler, req *http.Request) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Print(rec.Code)
	if loc := rec.Header().Get("Location"); loc != "" {
		fmt.Print(" -> ", loc)
	}
	if rec.Body.Len() > 0 {
		fmt.Print(" ", rec.Body)
	}
	fmt.Println()
}

func exRequest(target, token string) *http.Request {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

// Middleware authenticates every request; handlers read the result with
// GetAuth. Options left empty come from the CLERK_* environment variables.
func ExampleMiddleware() {
	inst, _ := clerktest.NewInstance(clerktest.Options{})
	defer inst.Close()

	withClerk, err := clerk.Middleware(clerk.Options{
		PublishableKey:    inst.PublishableKey, // else CLERK_PUBLISHABLE_KEY
		SecretKey:         inst.SecretKey,      // else CLERK_SECRET_KEY
		JWTKey:            inst.JWTKey,         // networkless verification
		AuthorizedParties: []string{"https://app.example.com"},
	})
	if err != nil {
		log.Fatal(err) // an invalid option is reported by name
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if auth := clerk.GetAuth(r); auth.IsAuthenticated {
			fmt.Fprint(w, "signed in as ", auth.UserID)
			return
		}
		status, reason := clerk.State(r)
		fmt.Fprintf(w, "%s (%s)", status, reason)
	})
	app := withClerk(mux)

	ok := inst.SessionToken(clerktest.Session{UserID: "user_1", AuthorizedParty: "https://app.example.com"})
	other := inst.SessionToken(clerktest.Session{UserID: "user_1", AuthorizedParty: "https://evil.example"})
	exServe(app, exRequest("/", ok))
	exServe(app, exRequest("/", other))
	// Output:
	// 200 signed in as user_1
	// 200 signed-out (token-invalid-authorized-parties)
}

// GetAuth returns the request's auth object: by default for session tokens.
func ExampleGetAuth() {
	inst, _ := clerktest.NewInstance(clerktest.Options{})
	defer inst.Close()
	withClerk, _ := clerk.Middleware(inst.Options())

	app := withClerk(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := clerk.GetAuth(r)
		if !auth.IsAuthenticated {
			http.Error(w, "sign in first", http.StatusUnauthorized)
			return
		}
		fmt.Fprintf(w, "user=%s session=%s org=%s", auth.UserID, auth.SessionID, auth.OrgID)
	}))
	token := inst.SessionToken(clerktest.Session{UserID: "user_1", SessionID: "sess_1", Org: &clerktest.Org{ID: "org_1"}})
	exServe(app, exRequest("/", token))
	exServe(app, exRequest("/", ""))
	// Output:
	// 200 user=user_1 session=sess_1 org=org_1
	// 401 sign in first
}

// RequireAuth redirects requests without a signed-in user to the sign-in
// page (302), as requireAuth() does.
func ExampleRequireAuth() {
	inst, _ := clerktest.NewInstance(clerktest.Options{})
	defer inst.Close()
	withClerk, _ := clerk.Middleware(inst.Options())

	dashboard := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "dashboard of ", clerk.GetAuth(r).UserID)
	})
	app := withClerk(clerk.RequireAuth(clerk.RequireAuthOptions{SignInURL: "/sign-in"})(dashboard))

	exServe(app, exRequest("/dashboard", inst.SessionToken(clerktest.Session{UserID: "user_1"})))
	exServe(app, exRequest("/dashboard", ""))
	// Output:
	// 200 dashboard of user_1
	// 302 -> /sign-in
}

// Has checks organization roles and permissions, billing features and
// plans, and how recently the user verified.
func ExampleAuth_Has() {
	inst, _ := clerktest.NewInstance(clerktest.Options{})
	defer inst.Close()
	withClerk, _ := clerk.Middleware(inst.Options())

	app := withClerk(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := clerk.GetAuth(r)
		fmt.Fprintln(w, "admin:", auth.Has(clerk.Role("org:admin")))
		fmt.Fprintln(w, "invoices:", auth.Has(clerk.Permission("org:invoices:manage")))
		fmt.Fprintln(w, "pro plan:", auth.Has(clerk.Plan("pro")))
		fmt.Fprint(w, "verified in the last 10 minutes: ", auth.Has(clerk.Check{Reverification: &clerk.Reverification{Preset: "strict"}}))
	}))
	token := inst.SessionToken(clerktest.Session{
		Org:   &clerktest.Org{Role: "admin", Permissions: []string{"org:invoices:manage"}},
		Plans: "u:free",
	})
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, exRequest("/", token))
	fmt.Println(rec.Body)
	// Output:
	// admin: true
	// invoices: true
	// pro plan: false
	// verified in the last 10 minutes: true
}

// Machine tokens: API keys, M2M tokens and OAuth access tokens. The
// middleware accepts every type; AcceptsToken picks the ones a route takes.
func ExampleAcceptsToken() {
	inst, _ := clerktest.NewInstance(clerktest.Options{})
	defer inst.Close()
	withClerk, _ := clerk.Middleware(inst.Options())

	reports := withClerk(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := clerk.GetAuth(r, clerk.AcceptsToken(clerk.TokenTypeAPIKey, clerk.TokenTypeM2MToken))
		if !auth.IsAuthenticated {
			http.Error(w, "machine credentials required", http.StatusUnauthorized)
			return
		}
		fmt.Fprintf(w, "%s %s %v", auth.TokenType, auth.Subject, auth.Scopes)
	}))
	apiKey := inst.APIKey(clerktest.APIKeySpec{Subject: "user_1", Scopes: []string{"reports:read"}})
	m2m := inst.M2MToken(clerktest.M2MTokenSpec{Subject: "mch_billing", Scopes: []string{"mch_reports"}})
	session := inst.SessionToken(clerktest.Session{UserID: "user_1"})

	exServe(reports, exRequest("/reports", apiKey))
	exServe(reports, exRequest("/reports", m2m))
	exServe(reports, exRequest("/reports", session))
	// Output:
	// 200 api_key user_1 [reports:read]
	// 200 m2m_token mch_billing [mch_reports]
	// 401 machine credentials required
}

// State tells a handler why a request is signed out; the reasons are
// constants, so a switch needs no string literals.
func ExampleState() {
	inst, _ := clerktest.NewInstance(clerktest.Options{Production: true})
	defer inst.Close()
	withClerk, err := clerk.Middleware(inst.Options())
	if err != nil {
		log.Fatal(err)
	}
	app := withClerk(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch status, reason := clerk.State(r); {
		case status == clerk.StatusSignedIn:
			fmt.Fprint(w, "welcome")
		case reason.Base() == clerk.ReasonSessionTokenExpired:
			fmt.Fprint(w, "your session expired: ", reason)
		case reason == clerk.ReasonSessionTokenAndUATMissing:
			fmt.Fprint(w, "please sign in")
		default:
			fmt.Fprint(w, "signed out: ", reason)
		}
	}))
	exServe(app, exRequest("/", inst.SessionToken(clerktest.Session{})))
	exServe(app, exRequest("/", inst.SessionToken(clerktest.Session{TTL: -time.Minute})))
	exServe(app, exRequest("/", ""))
	exServe(app, exRequest("/", "not-a-jwt"))
	// Output:
	// 200 welcome
	// 200 your session expired: session-token-expired-refresh-non-eligible-no-refresh-cookie
	// 200 please sign in
	// 200 signed out: token-invalid
}

// ErrorHandler answers the requests the middleware cannot decide, here a
// development handshake signed by another instance's key.
func ExampleOptions_errorHandler() {
	inst, _ := clerktest.NewInstance(clerktest.Options{})
	defer inst.Close()
	other, _ := clerktest.NewInstance(clerktest.Options{})
	defer other.Close()

	opts := inst.Options()
	opts.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
		var me *clerk.MiddlewareError
		if errors.As(err, &me) {
			fmt.Println("reason:", me.Reason)
		}
		http.Error(w, "sign-in is unavailable", http.StatusServiceUnavailable)
	}
	withClerk, err := clerk.Middleware(opts)
	if err != nil {
		log.Fatal(err)
	}
	app := withClerk(http.NotFoundHandler())
	forged := other.HandshakeToken(other.HandshakeDirectives(other.SessionToken(clerktest.Session{}))...)
	exServe(app, exRequest("/?__clerk_handshake="+forged, ""))
	// Output:
	// reason: token-invalid-signature
	// 503 sign-in is unavailable
}
