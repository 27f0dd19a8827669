package localtest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/goclerk/clerk"
	"github.com/goclerk/clerk/localclerk"
	"github.com/goclerk/clerk/localclerk/localtest"
)

func TestStart(t *testing.T) {
	inst, opts := localtest.Start(t, localclerk.Options{Seed: true})
	sid, _, err := inst.CreateSession(context.Background(), "user_demo_alice", "")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := inst.SessionToken(context.Background(), sid, "")
	if err != nil {
		t.Fatal(err)
	}
	mw, err := clerk.Middleware(opts)
	if err != nil {
		t.Fatal(err)
	}
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(clerk.GetAuth(r))
	}))
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var auth map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &auth)
	if auth["userId"] != "user_demo_alice" || auth["sessionId"] != sid {
		t.Fatalf("auth = %v, want user_demo_alice in %s", auth, sid)
	}
}
