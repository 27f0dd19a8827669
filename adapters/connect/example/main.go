// Command example serves a small Connect procedure guarded by goclerk.
//
//	go run .        # demo mode: an in-process fake Clerk instance (clerktest)
//	                # and ready-made tokens; prints curl commands to try
//
// /demo.v1.Who/Am answers who calls it (a string message, so no generated
// code is needed and curl can call it with the Connect protocol's JSON);
// it needs a signed-in session with the permission org:reports:read. With
// CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY set, the program uses that
// Clerk instance instead.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"

	"connectrpc.com/connect"
	clerk "github.com/goclerk/clerk"
	clerkconnect "github.com/goclerk/clerk/adapters/connect"
	"github.com/goclerk/clerk/clerktest"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// whoAmI is the procedure's path.
const whoAmI = "/demo.v1.Who/Am"

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	opts := clerk.Options{} // keys and settings from CLERK_* variables
	if os.Getenv("CLERK_SECRET_KEY") == "" {
		inst, err := clerktest.NewInstance(clerktest.Options{})
		if err != nil {
			log.Fatal(err)
		}
		defer inst.Close()
		opts = inst.Options()
		printDemo(*addr, inst)
	}
	h, err := newHandler(opts)
	if err != nil {
		log.Fatal(err)
	}
	// HTTP/1.1 for curl and the Connect protocol, unencrypted HTTP/2 for
	// gRPC clients.
	p := new(http.Protocols)
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(true)
	srv := &http.Server{Addr: *addr, Handler: h, Protocols: p}
	log.Printf("Connect on http://%s", *addr)
	log.Fatal(srv.ListenAndServe())
}

// newHandler serves whoAmI behind the interceptor.
func newHandler(opts clerk.Options) (http.Handler, error) {
	a, err := clerk.NewAuthenticator(opts)
	if err != nil {
		return nil, fmt.Errorf("configure Clerk: %w", err)
	}
	guard, err := clerkconnect.NewInterceptor(a, clerkconnect.Options{
		Checks: []clerk.Check{clerk.Permission("org:reports:read")},
	})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle(whoAmI, connect.NewUnaryHandler(whoAmI,
		func(ctx context.Context, _ *connect.Request[wrapperspb.StringValue]) (*connect.Response[wrapperspb.StringValue], error) {
			auth, _ := clerk.AuthFromContext(ctx)
			return connect.NewResponse(wrapperspb.String(auth.UserID + " in " + auth.OrgSlug)), nil
		},
		connect.WithInterceptors(guard)))
	return mux, nil
}

func printDemo(addr string, inst *clerktest.Instance) {
	acme := func(perms ...string) *clerktest.Org {
		return &clerktest.Org{ID: "org_demo", Slug: "acme", Role: "member", Permissions: perms}
	}
	reader := inst.SessionToken(clerktest.Session{UserID: "user_reader", Org: acme("org:reports:read")})
	member := inst.SessionToken(clerktest.Session{UserID: "user_member", Org: acme()})
	call := `curl -H "Content-Type: application/json" -d '""'`
	fmt.Printf(`Demo mode: a fake Clerk instance runs in this process.
  %[2]s http://%[1]s%[5]s                                       # unauthenticated
  %[2]s -H "Authorization: Bearer %[4]s" http://%[1]s%[5]s     # permission_denied
  %[2]s -H "Authorization: Bearer %[3]s" http://%[1]s%[5]s     # "user_reader in acme"
`, addr, call, reader, member, whoAmI)
}
