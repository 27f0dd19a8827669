package clerk

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestMiddlewareUsesTypedBackendMethods keeps the promise of package
// backend's doc: the middleware (this package and internal/authn) reaches
// the Backend API only through typed methods, never through Client.Do
// with a literal path.
func TestMiddlewareUsesTypedBackendMethods(t *testing.T) {
	var files []string
	for _, dir := range []string{".", "internal/authn"} {
		fs, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if !strings.HasSuffix(f, "_test.go") {
				files = append(files, f)
			}
		}
	}
	if len(files) < 10 {
		t.Fatalf("found only %d source files", len(files))
	}
	fset := token.NewFileSet()
	for _, f := range files {
		af, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CompositeLit:
				if sel, ok := n.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "Request" {
					if id, ok := sel.X.(*ast.Ident); ok && id.Name == "backend" {
						t.Errorf("%s: builds a backend.Request; call the typed method instead", fset.Position(n.Pos()))
					}
				}
			case *ast.SelectorExpr:
				if n.Sel.Name == "Do" {
					if inner, ok := n.X.(*ast.SelectorExpr); ok && (inner.Sel.Name == "c" || inner.Sel.Name == "Client") {
						t.Errorf("%s: calls Client.Do; call the typed method instead", fset.Position(n.Pos()))
					}
					if id, ok := n.X.(*ast.Ident); ok && id.Name == "c" {
						t.Errorf("%s: calls Client.Do; call the typed method instead", fset.Position(n.Pos()))
					}
				}
			}
			return true
		})
	}
}
