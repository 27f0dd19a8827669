package integration

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/goclerk/clerk/backend"
	"github.com/goclerk/clerk/localclerk"
)

// filterCase is one list query and the ids it must return.
type filterCase struct {
	name string
	list func() ([]string, error)
	want []string
}

func runFilterCases(t *testing.T, cases []filterCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.list()
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestBackendListFilters checks the list filters of users and memberships
// with a controlled clock, so creation and sign-in times are known.
func TestBackendListFilters(t *testing.T) {
	clock := newFakeClock()
	seeded := clock.Now()
	inst := startLocalclerk(t, localclerk.Options{Now: clock.Now})
	c := newBackendClient(t, inst, inst.SecretKey, "")
	ctx := context.Background()

	clock.Advance(time.Hour)
	dora, err := c.Users.Create(ctx, &backend.UserCreateParams{EmailAddress: []string{"dora@example.com"}, FirstName: ptr("Dora"), LastName: ptr("Explorer"), Username: ptr("dora")})
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	if _, err := c.Sessions.Create(ctx, &backend.SessionCreateParams{UserID: "user_demo_bob"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Users.Ban(ctx, "user_demo_carol"); err != nil {
		t.Fatal(err)
	}
	ms := func(d time.Duration) *int64 { v := seeded.Add(d).UnixMilli(); return &v }

	users := func(p backend.UserListParams) func() ([]string, error) {
		return func() ([]string, error) {
			p.OrderBy = "+created_at"
			list, err := c.Users.List(ctx, &p)
			if err != nil {
				return nil, err
			}
			return userIDs(list.Data), nil
		}
	}
	count := func(p backend.UserCountParams) func() ([]string, error) {
		return func() ([]string, error) {
			n, err := c.Users.Count(ctx, &p)
			if err != nil {
				return nil, err
			}
			return []string{strconv.FormatInt(n.TotalCount, 10)}, nil
		}
	}
	n := func(k int) []string { return []string{strconv.Itoa(k)} }
	runFilterCases(t, []filterCase{
		{"users/email_address", users(backend.UserListParams{EmailAddress: []string{"bob@example.com", "dora@example.com"}}), []string{"user_demo_bob", dora.ID}},
		{"users/username", users(backend.UserListParams{Username: []string{"alice"}}), []string{"user_demo_alice"}},
		{"users/query", users(backend.UserListParams{Query: "explorer"}), []string{dora.ID}},
		{"users/banned", users(backend.UserListParams{Banned: ptr(true)}), []string{"user_demo_carol"}},
		{"users/email_address_query", users(backend.UserListParams{EmailAddressQuery: "bob@"}), []string{"user_demo_bob"}},
		{"users/username_query", users(backend.UserListParams{UsernameQuery: "ali"}), []string{"user_demo_alice"}},
		{"users/name_query", users(backend.UserListParams{NameQuery: "explorer"}), []string{dora.ID}},
		{"users/created_at_after", users(backend.UserListParams{CreatedAtAfter: ms(30 * time.Minute)}), []string{dora.ID}},
		{"users/created_at_before", users(backend.UserListParams{CreatedAtBefore: ms(30 * time.Minute)}), []string{"user_demo_alice", "user_demo_bob", "user_demo_carol"}},
		{"users/last_sign_in_at_after", users(backend.UserListParams{LastSignInAtAfter: ms(90 * time.Minute)}), []string{"user_demo_bob"}},
		{"count/email_address", count(backend.UserCountParams{EmailAddress: []string{"dora@example.com"}}), n(1)},
		{"count/name_query", count(backend.UserCountParams{NameQuery: "explorer"}), n(1)},
		{"count/created_at_after", count(backend.UserCountParams{CreatedAtAfter: ms(30 * time.Minute)}), n(1)},
	})

	members := func(p backend.OrganizationMembershipListParams) func() ([]string, error) {
		return func() ([]string, error) {
			list, err := c.OrganizationMemberships.List(ctx, "org_demo_acme", &p)
			if err != nil {
				return nil, err
			}
			var ids []string
			for _, m := range list.Data {
				if m.PublicUserData != nil {
					ids = append(ids, m.PublicUserData.UserID)
				}
			}
			slices.Sort(ids)
			return ids, nil
		}
	}
	runFilterCases(t, []filterCase{
		{"memberships/role", members(backend.OrganizationMembershipListParams{Role: []string{"org:admin"}}), []string{"user_demo_alice"}},
		{"memberships/user_id", members(backend.OrganizationMembershipListParams{UserID: []string{"user_demo_bob"}}), []string{"user_demo_bob"}},
		// Newest first: the seed adds bob's membership after alice's (in the same millisecond).
		{"memberships/limit", members(backend.OrganizationMembershipListParams{Limit: ptr[int64](1)}), []string{"user_demo_bob"}},
		{"memberships/email_address", members(backend.OrganizationMembershipListParams{EmailAddress: []string{"bob@example.com"}}), []string{"user_demo_bob"}},
		{"memberships/username", members(backend.OrganizationMembershipListParams{Username: []string{"alice"}}), []string{"user_demo_alice"}},
		{"memberships/query", members(backend.OrganizationMembershipListParams{Query: "bob"}), []string{"user_demo_bob"}},
		{"memberships/email_address_query", members(backend.OrganizationMembershipListParams{EmailAddressQuery: "alice@"}), []string{"user_demo_alice"}},
	})
}
