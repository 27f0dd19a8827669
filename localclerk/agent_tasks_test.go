package localclerk

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestAgentTask: an agent task created through the Backend API signs its
// user in when its URL is opened, once: the browser lands on the
// redirect URL with a handshake whose session token names the user, and
// the ticket does not work again; a revoked task's ticket never works.
func TestAgentTask(t *testing.T) {
	h := start(t, Options{Seed: true})
	create := func() agentTaskWire {
		t.Helper()
		var a agentTaskWire
		st := h.bapi("POST", "/v1/agents/tasks", map[string]any{"on_behalf_of": map[string]any{"user_id": "user_demo_bob"},
			"permissions": "*", "agent_name": "e2e bot", "task_description": "check the dashboard",
			"redirect_url": "http://localhost:3000/dashboard", "session_max_duration_in_seconds": 600}, &a)
		if st != 200 || a.URL == "" || a.AgentTaskID == "" || a.AgentID != h.inst.agentID("e2e bot") {
			t.Fatalf("create: %d %+v", st, a)
		}
		return a
	}
	open := func(raw string) *http.Response {
		t.Helper()
		req, err := http.NewRequest("GET", raw, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := h.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	a := create()
	resp := open(a.URL)
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != 307 || err != nil || loc.Host != "localhost:3000" || loc.Path != "/dashboard" || loc.Query().Get("__clerk_handshake") == "" {
		t.Fatalf("open: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	payload, err := h.inst.verifiedPayload(loc.Query().Get("__clerk_handshake"))
	if err != nil || !strings.Contains(string(payload), "__session=") {
		t.Fatalf("handshake: %v %s", err, payload)
	}
	var session string
	for _, part := range strings.Split(string(payload), `"`) {
		if v, ok := strings.CutPrefix(part, "__session="); ok {
			session, _, _ = strings.Cut(v, ";")
			break
		}
	}
	_, claims := h.verifyJWT(session)
	if claims["sub"] != "user_demo_bob" {
		t.Errorf("session token: %v", claims)
	}
	if resp := open(a.URL); resp.StatusCode != 404 {
		t.Errorf("the ticket again: %d", resp.StatusCode)
	}
	b := create()
	if st := h.bapi("POST", "/v1/agents/tasks/"+b.AgentTaskID+"/revoke", nil, nil); st != 200 {
		t.Fatalf("revoke: %d", st)
	}
	if resp := open(b.URL); resp.StatusCode != 404 {
		t.Errorf("a revoked ticket: %d", resp.StatusCode)
	}
	if st := h.bapi("POST", "/v1/agents/tasks/"+b.AgentTaskID+"/revoke", nil, nil); st != 400 {
		t.Errorf("revoke twice: %d", st)
	}
}
