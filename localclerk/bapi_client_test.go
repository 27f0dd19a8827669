package localclerk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/goclerk/clerk/backend"
	"github.com/goclerk/clerk/localclerk/internal/specshape"
)

// clientCase drives one Backend API operation through the typed backend
// client against a running localclerk: ok must succeed and check what it
// got back, fail must provoke one of Clerk's errors (an unknown id, a
// missing parameter, a duplicate) and check its status and code.
type clientCase struct {
	ok   func(t *testing.T, f *clientFixture)
	fail func(t *testing.T, f *clientFixture)
}

// clientCases holds a case per served operation, keyed by operationId.
// Each bapi_client_<group>_test.go file adds its group's cases with
// addClientCases, so the groups do not share one long table.
var clientCases = map[string]clientCase{}

func addClientCases(cases map[string]clientCase) bool {
	for op, c := range cases {
		if _, dup := clientCases[op]; dup {
			panic("two client cases for " + op)
		}
		clientCases[op] = c
	}
	return true
}

// clientFixture is what a case works with: the instance, a backend client
// authenticated with its secret key, and helpers that create fresh records
// so cases never depend on each other.
type clientFixture struct {
	h   *harness
	c   *backend.Client
	ctx context.Context
	seq atomic.Int64
}

// unique returns a string no other call in this run returns.
func (f *clientFixture) unique(prefix string) string {
	return fmt.Sprintf("%s%d", prefix, f.seq.Add(1))
}

// user creates a user with a fresh e-mail address and a password.
func (f *clientFixture) user(t *testing.T) *backend.User {
	t.Helper()
	u, err := f.c.Users.Create(f.ctx, &backend.UserCreateParams{
		EmailAddress: []string{f.unique("user") + "@example.com"},
		Password:     backend.Ptr("correct-horse-battery"),
		FirstName:    backend.Ptr("Case"),
	})
	if err != nil {
		t.Fatalf("create user: %v", err)
	}
	return u
}

// organization creates an organization owned by a fresh user.
func (f *clientFixture) organization(t *testing.T) (*backend.Organization, *backend.User) {
	t.Helper()
	owner := f.user(t)
	o, err := f.c.Organizations.Create(f.ctx, &backend.OrganizationCreateParams{
		Name:      f.unique("Org "),
		CreatedBy: backend.Ptr(owner.ID),
	})
	if err != nil {
		t.Fatalf("create organization: %v", err)
	}
	return o, owner
}

// wantAPIError fails t unless err is a *backend.APIError with this status
// and, when code is not empty, this first error code.
func wantAPIError(t *testing.T, err error, status int, code string) *backend.APIError {
	t.Helper()
	var apiErr *backend.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want a *backend.APIError with status %d", err, status)
	}
	if apiErr.StatusCode != status {
		t.Errorf("status = %d, want %d (%v)", apiErr.StatusCode, status, err)
	}
	if code != "" && (len(apiErr.Errors) == 0 || apiErr.Errors[0].Code != code) {
		t.Errorf("error = %v, want code %q", err, code)
	}
	return apiErr
}

// TestEveryServedOperationThroughTheBackendClient calls every Backend API
// operation localclerk serves through goclerk's typed client against one
// running instance: a success and a failure each. A served operation with
// no case fails the test, so the coverage table cannot outrun this test.
func TestEveryServedOperationThroughTheBackendClient(t *testing.T) {
	h := start(t, Options{})
	facts, err := specshape.BAPI()
	if err != nil {
		t.Fatal(err)
	}
	c, err := backend.NewClient(backend.Config{SecretKey: h.inst.SecretKey, APIURL: h.inst.BackendAPIURL, MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	f := &clientFixture{h: h, c: c, ctx: context.Background()}

	var served []string
	for _, p := range h.inst.bapiMux.bapiRoutes() {
		if op := facts.ForPattern(p); op != nil {
			served = append(served, op.ID)
		}
	}
	slices.Sort(served)
	for _, op := range served {
		cc, ok := clientCases[op]
		if !ok || cc.ok == nil || cc.fail == nil {
			t.Errorf("%s is served but has no success and failure case through the backend client", op)
			continue
		}
		t.Run(op+"/ok", func(t *testing.T) { cc.ok(t, f) })
		t.Run(op+"/fail", func(t *testing.T) { cc.fail(t, f) })
	}
	for op := range clientCases {
		if !slices.Contains(served, op) {
			t.Errorf("client case for %s, which localclerk does not serve", op)
		}
	}
}

// wantErrParam checks the first error entry's meta.param_name.
func wantErrParam(t *testing.T, e *backend.APIError, param string) {
	t.Helper()
	if len(e.Errors) == 0 || e.Errors[0].Meta["param_name"] != param {
		t.Errorf("error = %v, want meta.param_name %q", e, param)
	}
}
