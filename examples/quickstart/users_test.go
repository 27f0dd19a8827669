package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/goclerk/clerk/backend"
)

// The users page lists what Users.List answers (a page of users).
func TestUsersPageListsUsers(t *testing.T) {
	bapi := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/users/count" {
			io.WriteString(w, `{"object":"total_count","total_count":1}`)
			return
		}
		if r.URL.Path != "/v1/users" || r.URL.Query().Get("limit") != "20" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `[{"id":"user_a","first_name":"Ada","email_addresses":[{"id":"e1","email_address":"ada@example.test"}]}]`)
	}))
	defer bapi.Close()
	client, err := backend.NewClient(backend.Config{SecretKey: "sk_test_x", APIURL: bapi.URL})
	if err != nil {
		t.Fatal(err)
	}
	a := &app{setup: &clerkSetup{client: client}, appURL: "http://app.test"}
	rec := httptest.NewRecorder()
	a.users(rec, httptest.NewRequest("GET", "/users", nil))
	body := rec.Body.String()
	for _, want := range []string{"user_a", "Ada", "ada@example.test"} {
		if !strings.Contains(body, want) {
			t.Errorf("users page lacks %q:\n%s", want, body)
		}
	}
}
