package backend_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/goclerk/clerk/backend"
)

func Example() {
	// A stand-in for api.clerk.com.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/users/user_123":
			io.WriteString(w, `{"object":"user","id":"user_123","first_name":"Ada"}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"errors":[{"code":"resource_not_found","message":"not found"}],"clerk_trace_id":"t1"}`)
		}
	}))
	defer srv.Close()

	c, err := backend.NewClient(backend.Config{SecretKey: "sk_test_example", APIURL: srv.URL})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	u, err := c.Users.Get(ctx, "user_123")
	if err != nil {
		panic(err)
	}
	fmt.Println(u.ID, *u.FirstName)

	_, err = c.Users.Get(ctx, "user_missing")
	var apiErr *backend.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.HasCode("resource_not_found"), apiErr.TraceID)
	}
	// Output:
	// user_123 Ada
	// 404 true t1
}

func ExampleClient_Do() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"path":%q,"query":%q}`, r.URL.Path, r.URL.RawQuery)
	}))
	defer srv.Close()
	c, _ := backend.NewClient(backend.Config{SecretKey: "sk_test_example", APIURL: srv.URL})

	var out struct{ Path, Query string }
	err := c.Do(context.Background(), backend.Request{
		Method: http.MethodGet,
		Path:   "/users/" + backend.PathEscape("user_1") + "/organization_memberships",
		Query:  map[string][]string{"limit": {"5"}},
	}, &out)
	fmt.Println(out.Path, out.Query, err)
	// Output: /v1/users/user_1/organization_memberships limit=5 <nil>
}

func ExampleUsersService_ListAll() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("offset") == "0" {
			io.WriteString(w, `[{"id":"user_1"},{"id":"user_2"}]`)
			return
		}
		io.WriteString(w, `[{"id":"user_3"}]`)
	}))
	defer srv.Close()
	c, _ := backend.NewClient(backend.Config{SecretKey: "sk_test_example", APIURL: srv.URL})

	for u, err := range c.Users.ListAll(context.Background(), &backend.UserListParams{Limit: backend.Ptr[int64](2)}) {
		if err != nil {
			fmt.Println("error:", err)
			break
		}
		fmt.Println(u.ID)
	}
	// Output:
	// user_1
	// user_2
	// user_3
}

func ExampleOrganizationsService_List() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"data":[{"id":"org_1","name":"Acme"}],"total_count":7}`)
	}))
	defer srv.Close()
	c, err := backend.NewClient(backend.Config{SecretKey: "sk_test_example", APIURL: srv.URL})
	if err != nil {
		panic(err)
	}
	page, err := c.Organizations.List(context.Background(), &backend.OrganizationListParams{Limit: backend.Ptr[int64](1)})
	if err != nil {
		panic(err)
	}
	fmt.Println(page.Data[0].Name, "of", page.TotalCount)
	// Output: Acme of 7
}

func ExampleAPIError() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnprocessableEntity)
		io.WriteString(w, `{"errors":[{"code":"form_identifier_exists","message":"taken","meta":{"param_name":"email_address"}}]}`)
	}))
	defer srv.Close()
	c, err := backend.NewClient(backend.Config{SecretKey: "sk_test_example", APIURL: srv.URL})
	if err != nil {
		panic(err)
	}
	_, err = c.Users.Create(context.Background(), &backend.UserCreateParams{EmailAddress: []string{"ada@example.test"}})
	var apiErr *backend.APIError
	if errors.As(err, &apiErr) && apiErr.HasCode("form_identifier_exists") {
		fmt.Println(apiErr.StatusCode, apiErr.Errors[0].Meta["param_name"])
	}
	// Output: 422 email_address
}
