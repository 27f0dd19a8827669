// Command example serves gRPC's health service guarded by goclerk.
//
//	go run .        # demo mode: an in-process fake Clerk instance (clerktest)
//	                # and ready-made tokens; prints grpcurl commands to try
//
// Health/Check and Health/Watch need a signed-in session; server
// reflection (so grpcurl can find the methods) and Health/List are exempt.
// With CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY set, the program uses
// that Clerk instance instead.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"strings"

	clerk "github.com/goclerk/clerk"
	clerkgrpc "github.com/goclerk/clerk/adapters/grpc"
	"github.com/goclerk/clerk/clerktest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:50051", "listen address")
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
	srv, err := newServer(opts)
	if err != nil {
		log.Fatal(err)
	}
	lis, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("gRPC on %s", lis.Addr())
	log.Fatal(srv.Serve(lis))
}

// newServer builds the gRPC server: the guard's interceptors in front of
// the health service, reflection and Health/List exempt.
func newServer(opts clerk.Options) (*grpc.Server, error) {
	a, err := clerk.NewAuthenticator(opts)
	if err != nil {
		return nil, fmt.Errorf("configure Clerk: %w", err)
	}
	g, err := clerkgrpc.NewGuard(a, clerkgrpc.Options{
		Skip: func(method string) bool {
			return method == healthpb.Health_List_FullMethodName ||
				strings.HasPrefix(method, "/grpc.reflection.")
		},
	})
	if err != nil {
		return nil, err
	}
	srv := grpc.NewServer(g.ServerOptions()...)
	healthpb.RegisterHealthServer(srv, &loggedHealth{Server: health.NewServer()})
	reflection.Register(srv)
	return srv, nil
}

// loggedHealth is grpc's health service, logging who calls Check.
type loggedHealth struct {
	*health.Server
}

func (h *loggedHealth) Check(ctx context.Context, req *healthpb.HealthCheckRequest) (*healthpb.HealthCheckResponse, error) {
	auth, _ := clerk.AuthFromContext(ctx)
	log.Printf("Check by %s (session %s)", auth.UserID, auth.SessionID)
	return h.Server.Check(ctx, req)
}

func printDemo(addr string, inst *clerktest.Instance) {
	user := inst.SessionToken(clerktest.Session{UserID: "user_demo"})
	key := inst.APIKey(clerktest.APIKeySpec{Subject: "user_demo"})
	fmt.Printf(`Demo mode: a fake Clerk instance runs in this process.
  grpcurl -plaintext %[1]s grpc.health.v1.Health/Check                         # Unauthenticated
  grpcurl -plaintext -H "authorization: Bearer not-a-jwt" %[1]s grpc.health.v1.Health/Check
  grpcurl -plaintext -H "authorization: Bearer %[3]s" %[1]s grpc.health.v1.Health/Check   # an API key: not accepted
  grpcurl -plaintext -H "authorization: Bearer %[2]s" %[1]s grpc.health.v1.Health/Check
  grpcurl -plaintext %[1]s grpc.health.v1.Health/List                          # exempt
`, addr, user, key)
}
