package clerkconnect_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"connectrpc.com/connect"
	clerk "github.com/goclerk/clerk"
	clerkconnect "github.com/goclerk/clerk/adapters/connect"
	"github.com/goclerk/clerk/clerktest"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// A Connect procedure that needs the permission org:invoices:read, and a
// client calling it without a token, with a member's and with a reader's.
func ExampleNewInterceptor() {
	inst, _ := clerktest.NewInstance(clerktest.Options{}) // a fake Clerk instance
	defer inst.Close()

	a, err := clerk.NewAuthenticator(inst.Options()) // clerk.Options{} reads CLERK_* variables
	if err != nil {
		panic(err)
	}
	guard, err := clerkconnect.NewInterceptor(a, clerkconnect.Options{
		Checks: []clerk.Check{clerk.Permission("org:invoices:read")},
	})
	if err != nil {
		panic(err)
	}
	const procedure = "/invoices.v1.Invoices/Owner"
	mux := http.NewServeMux()
	mux.Handle(procedure, connect.NewUnaryHandler(procedure,
		func(ctx context.Context, _ *connect.Request[wrapperspb.StringValue]) (*connect.Response[wrapperspb.StringValue], error) {
			auth, _ := clerk.AuthFromContext(ctx)
			return connect.NewResponse(wrapperspb.String(auth.UserID + " in " + auth.OrgSlug)), nil
		},
		connect.WithInterceptors(guard)))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	client := connect.NewClient[wrapperspb.StringValue, wrapperspb.StringValue](srv.Client(), srv.URL+procedure)
	call := func(token string) {
		req := connect.NewRequest(wrapperspb.String(""))
		if token != "" {
			req.Header().Set("Authorization", "Bearer "+token)
		}
		res, err := client.CallUnary(context.Background(), req)
		var ce *connect.Error
		if errors.As(err, &ce) {
			fmt.Println(ce.Code(), ce.Message())
			return
		}
		fmt.Println(res.Msg.GetValue())
	}
	acme := func(perms ...string) *clerktest.Org {
		return &clerktest.Org{ID: "org_1", Slug: "acme", Role: "member", Permissions: perms}
	}
	call("")
	call(inst.SessionToken(clerktest.Session{UserID: "user_member", Org: acme()}))
	call(inst.SessionToken(clerktest.Session{UserID: "user_reader", Org: acme("org:invoices:read")}))
	// Output:
	// unauthenticated clerk: the call carries no token: send it in the Authorization header, "Bearer <token>" (reason No token in header)
	// permission_denied clerk: this requires permission org:invoices:read
	// user_reader in acme
}
