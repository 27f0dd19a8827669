package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/goclerk/clerk/localclerk/internal/specshape"
)

// referenceDir is ../shared/reference seen from this directory.
const referenceDir = "../../../../../shared/reference/"

// outputs pairs each committed facts file with its specification.
var outputs = []struct{ spec, committed string }{
	{referenceDir + "fapi-2026-05-12.yml", "../fapi.json"},
	{referenceDir + "bapi-2026-05-12.yml", "../bapi.json"},
}

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

// TestCommittedFactsAreUsable runs in every clone: the committed file
// parses, every reference resolves, and the operations clerk-js needs are
// there with a schema for their success answer where the spec gives one.
func TestCommittedFactsAreUsable(t *testing.T) {
	data, err := os.ReadFile(outputs[0].committed)
	if err != nil {
		t.Fatal(err)
	}
	f, err := specshape.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]*specshape.Operation{}
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

// TestOutputIsCurrentAndDeterministic regenerates from the specification
// when ../shared/reference is present and compares with the committed file.
// Without the specification it checks that the generator fails cleanly
// and that the committed file survives its own encoder byte for byte, the
// property regeneration relies on.
func TestOutputIsCurrentAndDeterministic(t *testing.T) {
	for _, o := range outputs {
		t.Run(o.committed, func(t *testing.T) { checkOutput(t, o.spec, o.committed) })
	}
}

func checkOutput(t *testing.T, specPath, committed string) {
	want, err := os.ReadFile(committed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(specPath); errors.Is(err, fs.ErrNotExist) {
		if _, err := generate(specPath); err == nil {
			t.Error("generate succeeded without a specification")
		}
		f, err := specshape.Parse(want)
		if err != nil {
			t.Fatal(err)
		}
		got, err := encode(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not in the generator's canonical form: run go generate ./localclerk/internal/specshape", committed)
		}
		return
	}
	first, err := generate(specPath)
	if err != nil {
		t.Fatal(err)
	}
	second, err := generate(specPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Fatal("two runs of the generator differ")
	}
	if !bytes.Equal(first, want) {
		t.Errorf("%s is stale: run go generate ./localclerk/internal/specshape", committed)
	}
}

// TestCommittedBackendFacts: the Backend API facts list every operation
// once, each with an operationId and a resource group, which localclerk's
// 501 answers and coverage table name.
func TestCommittedBackendFacts(t *testing.T) {
	data, err := os.ReadFile(outputs[1].committed)
	if err != nil {
		t.Fatal(err)
	}
	f, err := specshape.Parse(data)
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

// TestAllOfAndAlternatives pins the normalization rules on a small spec.
func TestAllOfAndAlternatives(t *testing.T) {
	const y = `
paths:
  /v1/x:
    get:
      responses:
        '200':
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Both'
        '302':
          description: redirect
  /v1/empty: {}
components:
  schemas:
    Base:
      type: object
      properties:
        id: {type: string}
      required: [id]
    Both:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          properties:
            kind: {type: string, enum: [a, b]}
            wrapped:
              type: object
              nullable: true
              allOf:
                - $ref: '#/components/schemas/Base'
            alt:
              oneOf:
                - $ref: '#/components/schemas/Base'
                - type: integer
          required: [kind]
    ClerkErrors:
      type: object
`
	f, err := extract([]byte(y), "t.yml")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Operations) != 1 || f.Operations[0].Method != "GET" || f.Operations[0].Responses["302"] != nil {
		t.Fatalf("operations: %+v", f.Operations)
	}
	b := f.Schemas["Both"]
	if b.Type != "object" || len(b.Required) != 2 || b.Props["id"] == nil || b.Props["kind"].Enum[1] != "b" {
		t.Errorf("allOf not merged: %+v", b)
	}
	if w := b.Props["wrapped"]; w.Ref != "Base" || !w.Nullable {
		t.Errorf("nullable wrapper: %+v", w)
	}
	if a := b.Props["alt"]; len(a.AnyOf) != 2 || a.AnyOf[1].Type != "integer" {
		t.Errorf("oneOf: %+v", a)
	}
	if _, err := specshape.Parse(mustEncode(t, f)); err != nil {
		t.Error(err)
	}
}

func mustEncode(t *testing.T, f *specshape.Facts) []byte {
	t.Helper()
	b, err := encode(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
