package main

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// specOperationCount is the number of operations in the specification.
const specOperationCount = 249

// opFact is the part of a row of backend/testdata/operations.json this
// test compares.
type opFact struct {
	ID         string   `json:"id"`
	Method     string   `json:"method"`
	Path       string   `json:"path"`
	PathParams []string `json:"path_params"`
	Query      []string `json:"query"`
}

func loadFacts(t *testing.T) []opFact {
	t.Helper()
	data, err := os.ReadFile("../../backend/testdata/operations.json")
	if err != nil {
		t.Fatal(err)
	}
	var facts []opFact
	if err := json.Unmarshal(data, &facts); err != nil {
		t.Fatal(err)
	}
	return facts
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// TestFactsMatchSpec re-reads the committed specification with a decoder
// of its own and checks package backend's facts table against it,
// independently of the generator: operationIds, methods, paths and
// parameter names.
func TestFactsMatchSpec(t *testing.T) {
	raw, err := os.ReadFile(specFromPackage)
	if err != nil {
		t.Fatal(err)
	}
	type param struct {
		Ref  string `yaml:"$ref"`
		Name string `yaml:"name"`
		In   string `yaml:"in"`
	}
	type op struct {
		OperationID string  `yaml:"operationId"`
		Parameters  []param `yaml:"parameters"`
	}
	var sp struct {
		Paths      map[string]map[string]yaml.Node `yaml:"paths"`
		Components struct {
			Parameters map[string]param `yaml:"parameters"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(raw, &sp); err != nil {
		t.Fatal(err)
	}
	byID := map[string]opFact{}
	for _, f := range loadFacts(t) {
		byID[f.ID] = f
	}
	n := 0
	for path, item := range sp.Paths {
		for method, node := range item {
			if method == "parameters" {
				continue
			}
			var o op
			if err := node.Decode(&o); err != nil {
				t.Fatal(err)
			}
			n++
			f, ok := byID[o.OperationID]
			if !ok {
				t.Errorf("%s missing from the facts table", o.OperationID)
				continue
			}
			if f.Method != strings.ToUpper(method) || f.Path != path {
				t.Errorf("%s: facts say %s %s, spec %s %s", o.OperationID, f.Method, f.Path, method, path)
			}
			var q, p []string
			for _, prm := range o.Parameters {
				if prm.Ref != "" {
					prm = sp.Components.Parameters[strings.TrimPrefix(prm.Ref, "#/components/parameters/")]
				}
				switch prm.In {
				case "query":
					q = append(q, prm.Name)
				case "path":
					p = append(p, prm.Name)
				}
			}
			if !sameSet(q, f.Query) || !sameSet(p, f.PathParams) {
				t.Errorf("%s: params query=%v path=%v, facts %v %v", o.OperationID, q, p, f.Query, f.PathParams)
			}
		}
	}
	if n != specOperationCount || len(byID) != n {
		t.Errorf("spec has %d operations, facts %d, want %d", n, len(byID), specOperationCount)
	}
}
