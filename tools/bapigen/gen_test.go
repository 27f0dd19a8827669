package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
