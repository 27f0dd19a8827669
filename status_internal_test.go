package clerk

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
)

// notReported are the decision's reasons State never reports, so package
// clerk does not export them.
var notReported = map[string]string{
	"token-expired":           "a session token's expiry is reported as session-token-expired-refresh-…",
	"token-not-active-yet":    "reported as session-token-nbf",
	"token-iat-in-the-future": "reported as session-token-iat-in-the-future",
	"token-invalid-issuer":    "defined for @clerk/backend parity; no check produces it",
	"jwk-local-missing":       "defined for @clerk/backend parity; no check produces it",
}

// Every status and reason the decision can report (the string constants
// of internal/authn's state.go and machine.go and internal/jwt's
// errors.go) is exported from package clerk with the same value, unless
// notReported says why not; and every exported one is a value the
// decision uses, or goclerk's own ReasonMiddlewareMissing.
func TestReasonsExported(t *testing.T) {
	exported := stringConsts(t, "status.go")
	values := map[string]bool{}
	for _, v := range exported {
		values[v] = true
	}
	internal := map[string]bool{}
	for _, f := range []string{"internal/authn/state.go", "internal/authn/machine.go", "internal/jwt/errors.go"} {
		for name, v := range stringConsts(t, f) {
			if !strings.HasPrefix(name, "Status") && !strings.HasPrefix(name, "Reason") && !strings.HasPrefix(name, "code") {
				continue
			}
			internal[v] = true
			if _, skip := notReported[v]; !values[v] && !skip {
				t.Errorf("%s: %s = %q is not exported from package clerk (status.go)", f, name, v)
			}
		}
	}
	for name, v := range exported {
		if !internal[v] && name != "ReasonMiddlewareMissing" {
			t.Errorf("status.go: %s = %q is no value of the decision", name, v)
		}
	}
	for v := range notReported {
		if !internal[v] {
			t.Errorf("notReported lists %q, which the decision does not define", v)
		}
	}
}

// stringConsts returns the string constants declared in a Go file.
func stringConsts(t *testing.T, file string) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if i >= len(vs.Values) {
					continue
				}
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					v, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatal(err)
					}
					out[n.Name] = v
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s declares no string constants", file)
	}
	return out
}
