package specshape

import (
	"strings"
	"testing"
)

// clerkJSNeeds are the operations clerk-js 6 calls for load, sign-in,
// sign-up, organization switching, token refresh and sign-out.
var clerkJSNeeds = []string{
	"POST /v1/dev_browser",
	"GET /v1/environment",
	"GET /v1/client",
	"DELETE /v1/client",
	"POST /v1/client/sign_ins",
	"POST /v1/client/sign_ins/{sign_in_id}/prepare_first_factor",
	"POST /v1/client/sign_ins/{sign_in_id}/attempt_first_factor",
	"POST /v1/client/sign_ups",
	"PATCH /v1/client/sign_ups/{sign_up_id}",
	"POST /v1/client/sign_ups/{sign_up_id}/prepare_verification",
	"POST /v1/client/sign_ups/{sign_up_id}/attempt_verification",
	"POST /v1/client/sessions/{session_id}/touch",
	"POST /v1/client/sessions/{session_id}/tokens",
	"POST /v1/client/sessions/{session_id}/tokens/{template_name}",
	"POST /v1/client/sessions/{session_id}/end",
	"POST /v1/client/sessions/{session_id}/remove",
	"DELETE /v1/client/sessions",
	"GET /v1/me/organization_memberships",
	"GET /v1/me/organization_invitations",
	"GET /v1/me/organization_suggestions",
	"GET /.well-known/jwks.json",
}

// TestCommittedFactsAreUsable runs in every clone: the committed FAPI file
// parses, every reference resolves, and the operations clerk-js needs are
// there with a schema for their success answer where the spec gives one.
func TestCommittedFactsAreUsable(t *testing.T) {
	f, err := FAPI()
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]*Operation{}
	for _, op := range f.Operations {
		key := op.Method + " " + op.Path
		if ops[key] != nil {
			t.Errorf("%s listed twice", key)
		}
		ops[key] = op
	}
	for _, need := range clerkJSNeeds {
		op := ops[need]
		if op == nil {
			t.Errorf("facts lack %s", need)
			continue
		}
		if len(op.Responses) == 0 {
			t.Errorf("%s has no responses", need)
		}
	}
	// Spot-check facts the localclerk shape test relies on.
	cl := f.Schemas["Client.Client"]
	if cl == nil || !cl.Nullable || len(cl.Required) < 5 || cl.Props["sessions"] == nil || cl.Props["sessions"].Items.Ref != "Client.Session" {
		t.Errorf("Client.Client is not the nullable object with sessions it is in the spec: %+v", cl)
	}
	if s := f.Schemas["Client.Session"]; s == nil || s.Type != "object" || len(s.Required) < 8 {
		t.Errorf("Client.Session's allOf is not merged: %+v", s)
	}
}

// TestCommittedBackendFacts: the Backend API facts list every operation
// once, each with an operationId and a resource group, which localclerk's
// 501 answers and coverage table name.
func TestCommittedBackendFacts(t *testing.T) {
	f, err := BAPI()
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Operations) != 249 {
		t.Errorf("%d operations, the 2026-05-12 specification has 249", len(f.Operations))
	}
	ids := map[string]bool{}
	for _, op := range f.Operations {
		if op.ID == "" || op.Tag == "" || ids[op.ID] {
			t.Errorf("%s %s: id %q (duplicate: %v), tag %q", op.Method, op.Path, op.ID, ids[op.ID], op.Tag)
		}
		ids[op.ID] = true
		if strings.HasPrefix(op.Path, "/v1/") {
			t.Errorf("%s: Backend API paths are relative to /v1", op.Path)
		}
	}
	if u := f.Schemas["User"]; u == nil || u.Props["email_addresses"] == nil || u.Props["email_addresses"].Items.Ref != "EmailAddress" {
		t.Errorf("User schema: %+v", u)
	}
}
