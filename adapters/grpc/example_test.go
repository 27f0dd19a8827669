package clerkgrpc_test

import (
	"context"
	"fmt"
	"net"

	clerk "github.com/goclerk/clerk"
	clerkgrpc "github.com/goclerk/clerk/adapters/grpc"
	"github.com/goclerk/clerk/clerktest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// greeter answers a health check with who is calling, read from the Auth
// the guard put in the context.
type greeter struct {
	healthpb.UnimplementedHealthServer
}

func (greeter) Check(ctx context.Context, _ *healthpb.HealthCheckRequest) (*healthpb.HealthCheckResponse, error) {
	auth, _ := clerk.AuthFromContext(ctx)
	fmt.Println("handler: called by", auth.UserID, "in", auth.OrgSlug)
	return &healthpb.HealthCheckResponse{Status: healthpb.HealthCheckResponse_SERVING}, nil
}

// A gRPC server whose methods need the permission org:invoices:read, and a
// client calling it without a token, with a member's and with a reader's.
func ExampleNewGuard() {
	inst, _ := clerktest.NewInstance(clerktest.Options{}) // a fake Clerk instance
	defer inst.Close()

	a, err := clerk.NewAuthenticator(inst.Options()) // clerk.Options{} reads CLERK_* variables
	if err != nil {
		panic(err)
	}
	g, err := clerkgrpc.NewGuard(a, clerkgrpc.Options{
		Checks: []clerk.Check{clerk.Permission("org:invoices:read")},
	})
	if err != nil {
		panic(err)
	}
	srv := grpc.NewServer(g.ServerOptions()...)
	healthpb.RegisterHealthServer(srv, greeter{})
	lis, _ := net.Listen("tcp", "127.0.0.1:0")
	go func() { _ = srv.Serve(lis) }()
	defer srv.Stop()

	conn, _ := grpc.NewClient("passthrough:///"+lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	defer conn.Close()
	client := healthpb.NewHealthClient(conn)
	call := func(token string) {
		ctx := context.Background()
		if token != "" {
			ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
		}
		res, err := client.Check(ctx, &healthpb.HealthCheckRequest{})
		if err != nil {
			st := status.Convert(err)
			fmt.Println(st.Code(), st.Message())
			return
		}
		fmt.Println(res.GetStatus())
	}
	acme := func(perms ...string) *clerktest.Org {
		return &clerktest.Org{ID: "org_1", Slug: "acme", Role: "member", Permissions: perms}
	}
	call("")
	call(inst.SessionToken(clerktest.Session{UserID: "user_member", Org: acme()}))
	call(inst.SessionToken(clerktest.Session{UserID: "user_reader", Org: acme("org:invoices:read")}))
	// Output:
	// Unauthenticated clerk: the call carries no token: send it as authorization metadata, "Bearer <token>" (reason No token in header)
	// PermissionDenied clerk: this requires permission org:invoices:read
	// handler: called by user_reader in acme
	// SERVING
}
