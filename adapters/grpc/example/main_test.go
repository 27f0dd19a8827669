package main

import (
	"context"
	"net"
	"testing"

	"github.com/goclerk/clerk/clerktest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

func TestServer(t *testing.T) {
	inst := clerktest.New(t, clerktest.Options{})
	srv, err := newServer(inst.Options())
	if err != nil {
		t.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient("passthrough:///"+lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	c := healthpb.NewHealthClient(conn)
	user := inst.SessionToken(clerktest.Session{UserID: "user_1"})
	key := inst.APIKey(clerktest.APIKeySpec{Subject: "user_1"})
	for _, tc := range []struct {
		name, token string
		code        codes.Code
	}{
		{"no token", "", codes.Unauthenticated},
		{"bad token", "not-a-jwt", codes.Unauthenticated},
		{"api key", key, codes.Unauthenticated},
		{"session", user, codes.OK},
	} {
		ctx := context.Background()
		if tc.token != "" {
			ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+tc.token)
		}
		res, err := c.Check(ctx, &healthpb.HealthCheckRequest{})
		if got := status.Code(err); got != tc.code {
			t.Errorf("%s: Check = %v, want %v", tc.name, err, tc.code)
		}
		if err == nil && res.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			t.Errorf("%s: status %v", tc.name, res.GetStatus())
		}
	}
	if _, err := c.List(context.Background(), &healthpb.HealthListRequest{}); err != nil {
		t.Errorf("List, exempt, without a token: %v", err)
	}
}
