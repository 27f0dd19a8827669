package backend

import (
	"strings"
	"testing"
)

// TestRouteNamesEveryOperation instantiates every template with IDs and
// expects its own operation back: no two templates of the specification
// are ambiguous under the most-literal-segments rule.
func TestRouteNamesEveryOperation(t *testing.T) {
	for _, e := range routeTable {
		segs := strings.Split(e.path, "/")
		for i, s := range segs {
			if strings.HasPrefix(s, "{") {
				segs[i] = PathEscape("id_" + s[1:len(s)-1] + "/x")
			}
		}
		p := strings.Join(segs, "/")
		if id, tmpl := route(e.method, p); id != e.id || tmpl != e.path {
			t.Errorf("route(%s %s) = %q %q, want %q %q", e.method, p, id, tmpl, e.id, e.path)
		}
	}
}

func TestRouteUnknown(t *testing.T) {
	for _, c := range []struct{ method, path string }{
		{"GET", "/users/user_1/nothing_here"},
		{"GET", ""},
		{"GET", "users"},
		{"PURGE", "/users"},
		{"GET", "/users//ban"},
	} {
		if id, tmpl := route(c.method, c.path); id != "" || tmpl != "" {
			t.Errorf("route(%s %q) = %q %q, want none", c.method, c.path, id, tmpl)
		}
	}
	if id, tmpl := route("GET", "/users/count"); id != "GetUsersCount" || tmpl != "/users/count" {
		t.Errorf("GET /users/count = %q %q: a literal segment must beat a parameter", id, tmpl)
	}
	if id, tmpl := route("GET", "/users/count_me"); id != "GetUser" || tmpl != "/users/{user_id}" {
		t.Errorf("GET /users/count_me = %q %q", id, tmpl)
	}
}
