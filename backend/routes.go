package backend

import (
	"strings"
	"sync"
)

// routeEntry is one operation of the specification (routes_gen.go).
type routeEntry struct {
	id, method, path string
}

// routeIndex groups the templates by method and number of segments, split
// once, the first time a call is observed.
var routeIndex = sync.OnceValue(func() map[routeKey][]routeTemplate {
	idx := map[routeKey][]routeTemplate{}
	for _, e := range routeTable {
		segs := strings.Split(strings.TrimPrefix(e.path, "/"), "/")
		k := routeKey{e.method, len(segs)}
		idx[k] = append(idx[k], routeTemplate{entry: e, segs: segs})
	}
	return idx
})

type routeKey struct {
	method string
	n      int
}

type routeTemplate struct {
	entry routeEntry
	segs  []string
}

// route names the operation a request path (below the version segment,
// its parameters escaped by PathEscape) calls: its operation id and path
// template ("GetUser", "/users/{user_id}"). When several templates match,
// the one with the most literal segments wins, so /users/count is
// GetUsersCount and not GetUser. A path no template matches answers "", "".
func route(method, path string) (id, template string) {
	if !strings.HasPrefix(path, "/") {
		return "", ""
	}
	segs := strings.Split(path[1:], "/")
	best, bestScore := -1, -1
	cands := routeIndex()[routeKey{method, len(segs)}]
	for i, t := range cands {
		score := 0
		for j, s := range t.segs {
			if strings.HasPrefix(s, "{") {
				if segs[j] == "" {
					score = -1
					break
				}
				continue
			}
			if s != segs[j] {
				score = -1
				break
			}
			score++
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 {
		return "", ""
	}
	return cands[best].entry.id, cands[best].entry.path
}
