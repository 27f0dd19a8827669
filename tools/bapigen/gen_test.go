package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// specFromPackage is the committed structure-only specification.
const specFromPackage = "../spec/bapi-2026-05-12.yml"

// TestOutputIsCurrentAndDeterministic regenerates into a scratch copy of
// package backend twice and compares with the committed files.
func TestOutputIsCurrentAndDeterministic(t *testing.T) {
	pkg := "../../backend"
	var outs [2]map[string][]byte
	for i := range outs {
		tmp := t.TempDir()
		hand, _ := filepath.Glob(filepath.Join(pkg, "*.go"))
		for _, f := range hand {
			if strings.HasSuffix(f, "_gen.go") || strings.HasSuffix(f, "_test.go") {
				continue
			}
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(tmp, filepath.Base(f)), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := run(specFromPackage, tmp); err != nil {
			t.Fatal(err)
		}
		outs[i] = map[string][]byte{}
		gens, _ := filepath.Glob(filepath.Join(tmp, "*_gen.go"))
		gens = append(gens, filepath.Join(tmp, "COVERAGE.md"), filepath.Join(tmp, "testdata", "operations.json"))
		for _, g := range gens {
			rel, _ := filepath.Rel(tmp, g)
			data, err := os.ReadFile(g)
			if err != nil {
				t.Fatal(err)
			}
			outs[i][rel] = data
		}
	}
	if len(outs[0]) != len(outs[1]) {
		t.Fatalf("runs produced %d and %d files", len(outs[0]), len(outs[1]))
	}
	for name, data := range outs[0] {
		if !bytes.Equal(data, outs[1][name]) {
			t.Errorf("%s differs between two runs", name)
		}
		committed, err := os.ReadFile(filepath.Join(pkg, name))
		if err != nil {
			t.Errorf("%s: %v (run go generate ./backend)", name, err)
			continue
		}
		if !bytes.Equal(committed, data) {
			t.Errorf("%s is stale: run go generate ./backend", name)
		}
	}
	committed, _ := filepath.Glob(filepath.Join(pkg, "*_gen.go"))
	if len(committed)+2 != len(outs[0]) {
		t.Errorf("package has %d generated Go files, generator writes %d", len(committed), len(outs[0])-2)
	}
}

func TestNames(t *testing.T) {
	for in, want := range map[string]string{
		"user_id": "UserID", "getJWKS": "GetJWKS", "verifyTotp": "VerifyTOTP", "getOAuthAccessToken": "GetOAuthAccessToken",
		"JWKS.rsa.PublicKey": "JWKSRSAPublicKey", "x5t#S256": "X5tS256", "createM2MToken": "CreateM2MToken",
		"CommercePlan-2": "CommercePlan2", "redirect_urls": "RedirectURLs", "Redirect URLs": "RedirectURLs", "user_ids": "UserIDs", "AddRolesToRoleSet": "AddRolesToRoleSet", "rotateApiKey": "RotateAPIKey",
	} {
		if got := pascal(in); got != want {
			t.Errorf("pascal(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"CommercePlan": "BillingPlan", "CommerceMoneyResponse": "BillingMoney", "FeatureResponse": "Feature",
		"PaginatedCommercePlanResponse": "PaginatedBillingPlan", "BillingStatement": "BillingStatement",
		"Client": "ClientObject", "User": "User",
	} {
		if got := modelName(in); got != want {
			t.Errorf("modelName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := camel("role_set_key_or_id"); got != "roleSetKeyOrID" {
		t.Errorf("camel = %q", got)
	}
	if got := camel("type"); got != "typeArg" {
		t.Errorf("camel(type) = %q", got)
	}
	if got := snake("RedirectURLs"); got != "redirect_urls" {
		t.Errorf("snake = %q", got)
	}
}

// TestNamingScheme checks the scheme package backend's doc promises on the
// whole specification: params are <Resource><Method>Params, every list
// answer is a Page, and no type carries a numeric suffix.
func TestNamingScheme(t *testing.T) {
	raw, err := os.ReadFile(specFromPackage)
	if err != nil {
		t.Fatal(err)
	}
	var sp spec
	if err := yaml.Unmarshal(raw, &sp); err != nil {
		t.Fatal(err)
	}
	taken, used, err := handDeclared("../../backend")
	if err != nil {
		t.Fatal(err)
	}
	m, err := build(&sp, taken, used)
	if err != nil {
		t.Fatal(err)
	}
	pages := 0
	for _, o := range m.ops {
		if o.Hand || o.AliasOf != "" {
			continue
		}
		if want := resource(o.Service) + o.GoName + "Params"; o.ParamsType != "" && o.ParamsType != want {
			t.Errorf("%s: params %s, want %s", o.ID, o.ParamsType, want)
		}
		if strings.HasPrefix(o.RetType, "[]") && o.IterName != "" {
			t.Errorf("%s: paged list answers %s, not a Page", o.ID, o.RetType)
		}
		if strings.HasPrefix(o.RetType, "*Page[") {
			pages++
			if o.Method == "GET" && !strings.HasPrefix(o.GoName, "List") {
				t.Errorf("%s: a read answering a list is %s, not List…", o.ID, o.GoName)
			}
		}
		if o.IterName != "" && !strings.HasPrefix(o.RetType, "*Page[") {
			t.Errorf("%s: iterator over a %s", o.ID, o.RetType)
		}
	}
	if pages < 40 {
		t.Errorf("only %d operations answer a Page", pages)
	}
	for _, n := range m.types.order {
		if c := n[len(n)-1]; c >= '0' && c <= '9' {
			t.Errorf("type %s has a numeric suffix", n)
		}
		if strings.HasSuffix(n, "Response") {
			t.Errorf("type %s is named after an answer, not a resource: name it in inlineRename", n)
		}
		if strings.Contains(n, "Commerce") || strings.Contains(n, "SCIMDirector") {
			t.Errorf("type %s uses a name the package spells otherwise (Billing, Directory)", n)
		}
	}
	services := map[string]bool{}
	for _, s := range m.services {
		services[s.Name] = true
	}
	if !services["Directories"] || services["SCIMDirectories"] {
		t.Errorf("services %v: want Directories only for SCIM directories", services)
	}
	aliases := 0
	for _, o := range m.ops {
		if o.AliasOf != "" {
			aliases++
			if !strings.HasPrefix(o.Path, "/scim_directories") || o.Service != "Directories" {
				t.Errorf("%s: alias of %s served by %s.%s", o.ID, o.AliasOf, o.Service, o.GoName)
			}
		}
	}
	if aliases != 10 {
		t.Errorf("%d legacy aliases, want the 10 /scim_directories operations", aliases)
	}
	for in, want := range map[string]string{"Users": "User", "Directories": "Directory", "EmailAddresses": "EmailAddress",
		"JWKS": "JWKS", "Billing": "Billing", "Miscellaneous": "Miscellaneous", "WaitlistEntries": "WaitlistEntry", "RedirectURLs": "RedirectURL"} {
		if got := resource(in); got != want {
			t.Errorf("resource(%s) = %s, want %s", in, got, want)
		}
	}
}

// TestVariantsMerge pins the rule for the spec's "Name-2" schemas: one Go
// type with the fields of both, and a clash of shapes is an error.
func TestVariantsMerge(t *testing.T) {
	const doc = `
paths:
  /plans/{plan_id}:
    get:
      operationId: GetPlan
      tags: [Plans]
      responses:
        '200':
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Wrap'}
components:
  schemas:
    Wrap:
      type: object
      properties:
        a: {$ref: '#/components/schemas/Plan'}
        b: {$ref: '#/components/schemas/Plan-2'}
    Plan:
      type: object
      properties:
        id: {type: string}
        fee: {type: integer, nullable: true}
      required: [id]
    Plan-2:
      type: object
      properties:
        id: {type: string}
        fee: {type: integer}
        period: {type: string}
      required: [id, period]
`
	gen := func(doc string) (*model, error) {
		var sp spec
		if err := yaml.Unmarshal([]byte(doc), &sp); err != nil {
			t.Fatal(err)
		}
		return build(&sp, map[string]bool{}, map[string]bool{})
	}
	m, err := gen(doc)
	if err != nil {
		t.Fatal(err)
	}
	plan := m.types.decls["Plan"]
	if plan == nil || m.types.decls["Plan2"] != nil || len(plan.fields) != 3 {
		t.Fatalf("Plan: %+v; types %v", plan, m.types.order)
	}
	if f := plan.fields[2]; f.jsonName != "period" || f.required || !strings.Contains(f.tag, "omitempty") {
		t.Errorf("a variant-only field must be optional: %+v", f)
	}
	for _, f := range m.types.decls["Wrap"].fields {
		if f.goType != "*Plan" {
			t.Errorf("Wrap.%s is %s, want *Plan", f.goName, f.goType)
		}
	}
	if _, err := gen(strings.Replace(doc, "fee: {type: integer}\n", "fee: {type: string}\n", 1)); err == nil || !strings.Contains(err.Error(), "fee") {
		t.Errorf("a clash of shapes must stop the generator: %v", err)
	}
}

// TestOptionalBodyMapsOmitOnlyNil pins the tag of an optional object in a
// request body: omitzero, so that an empty map is sent as {} (replacing
// metadata with nothing) while a nil one is left out.
func TestOptionalBodyMapsOmitOnlyNil(t *testing.T) {
	const doc = `
paths:
  /things/{id}/metadata:
    put:
      operationId: ReplaceThingMetadata
      tags: [Things]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                public_metadata: {type: object, additionalProperties: true}
                name: {type: string}
      responses:
        '200':
          content:
            application/json:
              schema: {type: object, properties: {public_metadata: {type: object, additionalProperties: true}}}
`
	var sp spec
	if err := yaml.Unmarshal([]byte(doc), &sp); err != nil {
		t.Fatal(err)
	}
	m, err := build(&sp, map[string]bool{}, map[string]bool{})
	if err != nil {
		t.Fatal(err)
	}
	tags := map[string]string{}
	for _, name := range m.types.order {
		d := m.types.decls[name]
		for _, f := range d.fields {
			if d.hasBody {
				tags[f.jsonName] = f.tag
			}
		}
	}
	if tags["public_metadata"] != `json:"public_metadata,omitzero"` || tags["name"] != `json:"name,omitempty"` {
		t.Errorf("request body tags = %v", tags)
	}
}
