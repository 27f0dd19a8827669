package localclerk

import (
	"fmt"
	"net/http"

	"github.com/goclerk/clerk/localclerk/internal/specshape"
)

// codeNotInLocalclerk is the error code of a Backend API operation Clerk
// has and localclerk does not serve. It is deliberately not
// resource_not_found: "no such user" and "no such feature here" must not
// read the same.
const codeNotInLocalclerk = "operation_not_available_in_localclerk"

// bapiUnserved answers every Backend API request no route serves. An
// operation of Clerk's specification gets 501 naming it (operationId,
// method and path template, in meta too, so scripts can branch on it); a
// path the specification does not have gets Clerk's 404.
func (inst *Instance) bapiUnserved(w http.ResponseWriter, r *http.Request) {
	facts, err := specshape.BAPI()
	if err != nil {
		inst.writeError(w, r, fmt.Errorf("load Backend API operations: %w", err))
		return
	}
	op := facts.Lookup(r.Method, r.URL.Path)
	if op == nil && r.Method == http.MethodHead {
		op = facts.Lookup(http.MethodGet, r.URL.Path)
	}
	if op == nil {
		inst.writeError(w, r, newAPIError(http.StatusNotFound, "resource_not_found", "not found",
			fmt.Sprintf("%s %s is not an operation of Clerk's Backend API.", r.Method, r.URL.Path), nil))
		return
	}
	inst.writeError(w, r, newAPIError(http.StatusNotImplemented, codeNotInLocalclerk, "not available in localclerk",
		fmt.Sprintf("%s (%s %s) is an operation of Clerk's Backend API that localclerk does not serve; "+
			"localclerk/COVERAGE.md lists the operations it does.", op.ID, op.Method, op.Path),
		map[string]any{"operation_id": op.ID, "method": op.Method, "path": op.Path}))
}

// bapiRoutes are the Backend API's registered patterns ("METHOD /path",
// relative to /v1), without the catch-all.
func (m *routeMux) bapiRoutes() []string {
	var out []string
	for _, p := range m.patterns {
		if p != "/" {
			out = append(out, p)
		}
	}
	return out
}
