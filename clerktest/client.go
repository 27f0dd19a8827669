package clerktest

import (
	"fmt"

	"github.com/goclerk/clerk/backend"
)

// Client returns a Backend API client for the fake: the instance's secret
// key and APIURL, no retries (the fake never fails transiently, and a test
// that makes it fail with Handle wants the first answer). It calls the
// in-memory users, organizations and memberships, the JWKS and the
// machine-token checks; anything else answers 404 unless registered with
// Handle. Give it to the code under test where it takes a *backend.Client.
func (i *Instance) Client() *backend.Client {
	c, err := backend.NewClient(backend.Config{SecretKey: i.SecretKey, APIURL: i.APIURL, MaxRetries: -1})
	if err != nil {
		// The configuration is the instance's own and always valid.
		panic(fmt.Errorf("clerktest: build the Backend API client: %w", err))
	}
	return c
}
