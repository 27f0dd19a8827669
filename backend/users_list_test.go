package backend_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/goclerk/clerk/backend"
)

// usersServer answers GET /v1/users with a bare array of n users (as
// Clerk does) and /v1/users/count with total, recording each request.
func usersServer(t *testing.T, countStatus int) (*backend.Client, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.URL.Path+"?"+r.URL.RawQuery)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v1/users":
			w.Write([]byte(`[{"object":"user","id":"user_1"},{"object":"user","id":"user_2"}]`))
		case "/v1/users/count":
			if countStatus != http.StatusOK {
				w.WriteHeader(countStatus)
				w.Write([]byte(`{"errors":[{"code":"internal_clerk_error","message":"boom"}]}`))
				return
			}
			w.Write([]byte(`{"object":"total_count","total_count":42}`))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	c, err := backend.NewClient(backend.Config{SecretKey: testSecret, APIURL: srv.URL, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return c, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), got...) }
}

// Users.List fills TotalCount from GET /users/count with the list's
// filters (not its limit, offset or order), as clerk-sdk-go does.
func TestUsersListFillsTotalCount(t *testing.T) {
	c, reqs := usersServer(t, http.StatusOK)
	page, err := c.Users.List(context.Background(), &backend.UserListParams{
		EmailAddress: []string{"a@example.com"}, Query: "ann", Limit: backend.Ptr[int64](2), Offset: backend.Ptr[int64](4), OrderBy: "-created_at",
	})
	if err != nil {
		t.Fatal(err)
	}
	if page.TotalCount != 42 || len(page.Data) != 2 {
		t.Errorf("page %+v, want 2 users and TotalCount 42", page)
	}
	want := []string{
		"/v1/users?email_address=a%40example.com&limit=2&offset=4&order_by=-created_at&query=ann",
		"/v1/users/count?email_address=a%40example.com&query=ann",
	}
	if got := reqs(); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("requests %q, want %q", got, want)
	}
	if _, err := c.Users.List(context.Background(), nil); err != nil {
		t.Errorf("List(nil): %v", err)
	}
	if got := reqs(); len(got) != 4 || got[3] != "/v1/users/count?" {
		t.Errorf("List(nil) requests %q", got)
	}
}

func TestUsersListCountErrorIsTheAnswer(t *testing.T) {
	c, _ := usersServer(t, http.StatusInternalServerError)
	page, err := c.Users.List(context.Background(), nil)
	var apiErr *backend.APIError
	if page != nil || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusInternalServerError {
		t.Fatalf("List = %v, %v; want the count's 500", page, err)
	}
}

// ListAll walks pages without counting.
func TestUsersListAllMakesNoCountCall(t *testing.T) {
	c, reqs := usersServer(t, http.StatusOK)
	n := 0
	for _, err := range c.Users.ListAll(context.Background(), &backend.UserListParams{Limit: backend.Ptr[int64](5)}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if got := reqs(); n != 2 || len(got) != 1 || got[0] != "/v1/users?limit=5&offset=0" {
		t.Errorf("%d users from requests %q", n, got)
	}
}
