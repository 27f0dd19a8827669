// Package localtest starts an in-memory localclerk for tests. It is apart
// from clerktest so that tests which only mint tokens do not compile SQLite.
package localtest

import (
	"context"
	"testing"

	"github.com/goclerk/clerk"
	"github.com/goclerk/clerk/localclerk"
)

// Start starts an in-memory localclerk instance for the test (closed
// when the test ends) and returns it with clerk.Options pointing at it:
// real hosted sign-in pages, handshakes and a Backend API, with no network.
// opts may set Seed, TokenLifetime, Now or AllowedOrigins; DataFile is left
// empty so nothing touches the disk.
func Start(tb testing.TB, opts localclerk.Options) (*localclerk.Instance, clerk.Options) {
	tb.Helper()
	opts.DataFile = ""
	inst, err := localclerk.Start(context.Background(), opts)
	if err != nil {
		tb.Fatalf("localtest: start localclerk: %v", err)
	}
	tb.Cleanup(func() { _ = inst.Close() })
	return inst, clerk.Options{
		PublishableKey: inst.PublishableKey,
		SecretKey:      inst.SecretKey,
		JWTKey:         inst.PublicKeyPEM,
		APIURL:         inst.BackendAPIURL,
		Now:            opts.Now,
	}
}
