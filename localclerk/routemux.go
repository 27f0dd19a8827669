package localclerk

import (
	"net/http"
	"strings"
)

// routeMux is an http.ServeMux that remembers its patterns, so that tests
// can enumerate the Frontend API routes and demand a shape check for each.
type routeMux struct {
	*http.ServeMux
	patterns []string
}

func newRouteMux() *routeMux { return &routeMux{ServeMux: http.NewServeMux()} }

func (m *routeMux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, h)
}

func (m *routeMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.HandleFunc(pattern, h)
}

// fapiRoutes are the registered patterns ("METHOD /path") that belong to
// the Frontend API: everything under /v1/ and /.well-known/, and the
// unversioned /api_keys operations.
func (m *routeMux) fapiRoutes() []string {
	var out []string
	for _, p := range m.patterns {
		_, path, ok := strings.Cut(p, " ")
		if !ok {
			path = p
		}
		if strings.HasPrefix(path, "/v1/") || strings.HasPrefix(path, "/.well-known/") || isAPIKeysPath(path) {
			out = append(out, p)
		}
	}
	return out
}
