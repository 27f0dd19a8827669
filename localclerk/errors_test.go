package localclerk

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/goclerk/clerk/backend"
)

// What localclerk answers decodes, through the backend client, into the
// very APIError it was built from: one type, one shape.
func TestErrorAnswerRoundTrips(t *testing.T) {
	inst := &Instance{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, sent := range []*apiError{
		errTaken("email_address", "That email address is taken."),
		errNotFoundResource("user"),
		newAPIError(http.StatusForbidden, "user_locked", "", "This account is locked.", nil),
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { inst.writeError(w, r, sent) }))
		c, err := backend.NewClient(backend.Config{SecretKey: "sk_test_x", APIURL: srv.URL, MaxRetries: 0})
		if err != nil {
			t.Fatal(err)
		}
		err = c.Do(context.Background(), backend.Request{Method: "POST", Path: "/users"}, nil)
		srv.Close()
		var got *backend.APIError
		if !errors.As(err, &got) {
			t.Fatalf("%v is not an *APIError", err)
		}
		want := sent.Errors
		for i := range want {
			if want[i].Meta == nil {
				want[i].Meta = map[string]any{} // Clerk always sends a meta object
			}
		}
		if got.StatusCode != sent.StatusCode || got.Status != sent.Status || !reflect.DeepEqual(got.Errors, want) || got.TraceID == "" {
			t.Errorf("sent %d %+v, decoded %d %q %+v (trace %q)", sent.StatusCode, sent.Errors, got.StatusCode, got.Status, got.Errors, got.TraceID)
		}
	}
}
