package clerk

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
)

// notReported are the reasons internal/jwt reports that the decision
// renames before State sees them, so package clerk does not export them.
var notReported = map[string]string{
	"TokenExpired":        "a session token's expiry is reported as session-token-expired-refresh-…",
	"TokenNotActiveYet":   "reported as session-token-nbf",
	"TokenIATInTheFuture": "reported as session-token-iat-in-the-future",
}

// Every reason is defined once, in internal/reasons, and exported from
// package clerk as Reason<Name> = reasons.<Name> (unless notReported says
// why not); status.go defines no reason string of its own.
func TestReasonsExported(t *testing.T) {
	defined := stringConsts(t, "internal/reasons/reasons.go")
	exported := map[string]bool{}
	for constName, value := range constValues(t, "status.go") {
		name, ok := strings.CutPrefix(constName, "Reason")
		if !ok {
			continue
		}
		sel, _ := value.(*ast.SelectorExpr)
		if sel == nil || fmt.Sprint(sel.X) != "reasons" || sel.Sel.Name != name {
			t.Errorf("status.go: %s must be reasons.%s", constName, name)
			continue
		}
		exported[name] = true
	}
	for name := range defined {
		if _, skip := notReported[name]; !exported[name] && !skip {
			t.Errorf("internal/reasons.%s is not exported from package clerk as Reason%s", name, name)
		}
	}
	for name := range notReported {
		if _, ok := defined[name]; !ok {
			t.Errorf("notReported lists %s, which internal/reasons does not define", name)
		}
	}
}

// constValues returns the value expression of every constant declared
// with one in a Go file.
func constValues(t *testing.T, file string) map[string]ast.Expr {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]ast.Expr{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if i < len(vs.Values) {
					out[n.Name] = vs.Values[i]
				}
			}
		}
	}
	return out
}

// stringConsts returns the string constants declared in a Go file.
func stringConsts(t *testing.T, file string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, value := range constValues(t, file) {
		if lit, ok := value.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			v, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			out[name] = v
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s declares no string constants", file)
	}
	return out
}
