package localclerk

import (
	"net/http"
	"strings"
	"testing"

	"github.com/goclerk/clerk/backend"
)

// The agent tasks' operations through goclerk's backend client.
var _ = addClientCases(map[string]clientCase{
	"CreateAgentTask": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			a, err := f.c.AgentTasks.Create(f.ctx, &backend.AgentTaskCreateParams{OnBehalfOf: &backend.AgentTaskCreateParamsOnBehalfOf{UserID: backend.Ptr(u.ID)},
				Permissions: "*", AgentName: "client bot", TaskDescription: "a case", RedirectURL: "http://localhost:3000/"})
			if err != nil {
				t.Fatal(err)
			}
			if a.Object != "agent_task" || a.AgentTaskID == "" || a.TaskID != a.AgentTaskID || !strings.Contains(a.URL, "/v1/agents/tasks?ticket=") {
				t.Errorf("agent task = %+v", a)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.AgentTasks.Create(f.ctx, &backend.AgentTaskCreateParams{OnBehalfOf: &backend.AgentTaskCreateParamsOnBehalfOf{UserID: backend.Ptr("user_nope")},
				Permissions: "*", AgentName: "client bot", TaskDescription: "a case", RedirectURL: "http://localhost:3000/"})
			wantAPIError(t, err, http.StatusNotFound, "resource_not_found")
		},
	},
	"RevokeAgentTask": {
		ok: func(t *testing.T, f *clientFixture) {
			u := f.user(t)
			a, err := f.c.AgentTasks.Create(f.ctx, &backend.AgentTaskCreateParams{OnBehalfOf: &backend.AgentTaskCreateParamsOnBehalfOf{UserID: backend.Ptr(u.ID)},
				Permissions: "*", AgentName: "client bot", TaskDescription: "a case", RedirectURL: "http://localhost:3000/"})
			if err != nil {
				t.Fatal(err)
			}
			r, err := f.c.AgentTasks.Revoke(f.ctx, a.AgentTaskID)
			if err != nil || r.AgentTaskID != a.AgentTaskID || r.URL != "" {
				t.Errorf("revoke = %+v, %v", r, err)
			}
		},
		fail: func(t *testing.T, f *clientFixture) {
			_, err := f.c.AgentTasks.Revoke(f.ctx, "agt_nope")
			wantAPIError(t, err, http.StatusNotFound, "")
		},
	},
})
