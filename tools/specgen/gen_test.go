package main

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

// specDir holds the specifications' structure, committed (tools/spec).
const specDir = "../spec/"

// outputs pairs each committed facts file with its specification.
var outputs = []struct{ spec, committed string }{
	{specDir + "fapi-2026-05-12.yml", "../../localclerk/internal/specshape/fapi.json"},
	{specDir + "bapi-2026-05-12.yml", "../../localclerk/internal/specshape/bapi.json"},
}

// TestOutputIsCurrentAndDeterministic regenerates each facts file from the
// committed specification structure and compares it with the committed
// file, so a stale file or a nondeterministic generator fails in any clone.
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
	// The encoding round-trips.
	first, err := encode(f)
	if err != nil {
		t.Fatal(err)
	}
	var back facts
	if err := json.Unmarshal(first, &back); err != nil {
		t.Fatal(err)
	}
	if again, err := encode(&back); err != nil || !bytes.Equal(again, first) {
		t.Errorf("encoding does not round-trip: %v\n%s\n%s", err, first, again)
	}
}
