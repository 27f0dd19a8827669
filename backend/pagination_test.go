package backend_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/goclerk/clerk/backend"
)

// pagedServer serves n items from path, as a bare array or as
// {data, total_count}, honouring limit and offset; it records each page
// request as "limit/offset".
type pagedServer struct {
	mu      sync.Mutex
	n       int
	wrapped bool
	failAt  int // offset from which to answer 400
	pages   []string
	query   []string
}

func (p *pagedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	p.mu.Lock()
	p.pages = append(p.pages, fmt.Sprintf("%d/%d", limit, offset))
	p.query = append(p.query, r.URL.RawQuery)
	p.mu.Unlock()
	if p.failAt > 0 && offset >= p.failAt {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"errors":[{"code":"bad_request","message":"boom"}]}`)
		return
	}
	items := []map[string]any{}
	for i := offset; i < p.n && i < offset+limit; i++ {
		items = append(items, map[string]any{"id": fmt.Sprintf("obj_%03d", i), "object": "x"})
	}
	w.Header().Set("Content-Type", "application/json")
	if p.wrapped {
		json.NewEncoder(w).Encode(map[string]any{"data": items, "total_count": p.n})
		return
	}
	json.NewEncoder(w).Encode(items)
}

func TestListAllArrayPages(t *testing.T) {
	ps := &pagedServer{n: 250}
	srv := httptest.NewServer(ps)
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL)
	var ids []string
	for u, err := range c.Users.ListAll(context.Background(), &backend.UserListParams{OrderBy: "-created_at"}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	if len(ids) != 250 || ids[0] != "obj_000" || ids[249] != "obj_249" {
		t.Fatalf("got %d ids (%v...)", len(ids), ids[:min(3, len(ids))])
	}
	want := []string{"100/0", "100/100", "100/200"}
	if fmt.Sprint(ps.pages) != fmt.Sprint(want) {
		t.Errorf("pages = %v, want %v", ps.pages, want)
	}
	for _, q := range ps.query {
		if !contains(q, "order_by=-created_at") {
			t.Errorf("query %q lost the caller's params", q)
		}
	}
}

func TestListAllWrappedStopsAtTotal(t *testing.T) {
	ps := &pagedServer{n: 5, wrapped: true}
	srv := httptest.NewServer(ps)
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL)
	n := 0
	for o, err := range c.Organizations.ListAll(context.Background(), &backend.OrganizationListParams{Limit: backend.Ptr[int64](2)}) {
		if err != nil {
			t.Fatal(err)
		}
		if o.ID != fmt.Sprintf("obj_%03d", n) {
			t.Errorf("item %d = %s", n, o.ID)
		}
		n++
	}
	if n != 5 {
		t.Errorf("got %d items", n)
	}
	// 2+2+1: the short last page ends the walk; total_count would too.
	if fmt.Sprint(ps.pages) != "[2/0 2/2 2/4]" {
		t.Errorf("pages = %v", ps.pages)
	}

	// A full last page ends on total_count without an extra request.
	ps2 := &pagedServer{n: 4, wrapped: true}
	srv2 := httptest.NewServer(ps2)
	defer srv2.Close()
	c2, _ := newTestClient(t, srv2.URL)
	for _, err := range c2.Organizations.ListAll(context.Background(), &backend.OrganizationListParams{Limit: backend.Ptr[int64](2)}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if fmt.Sprint(ps2.pages) != "[2/0 2/2]" {
		t.Errorf("pages = %v", ps2.pages)
	}
}

func TestListAllStartsAtOffsetAndStopsOnBreak(t *testing.T) {
	ps := &pagedServer{n: 1000}
	srv := httptest.NewServer(ps)
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL)
	n := 0
	for u, err := range c.Users.ListAll(context.Background(), &backend.UserListParams{Limit: backend.Ptr[int64](10), Offset: backend.Ptr[int64](30)}) {
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 && u.ID != "obj_030" {
			t.Errorf("first = %s", u.ID)
		}
		n++
		if n == 15 {
			break
		}
	}
	if fmt.Sprint(ps.pages) != "[10/30 10/40]" {
		t.Errorf("pages = %v", ps.pages)
	}
}

func TestListAllYieldsErrorAndStops(t *testing.T) {
	ps := &pagedServer{n: 1000, failAt: 20, wrapped: true}
	srv := httptest.NewServer(ps)
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL)
	n, errs := 0, 0
	for _, err := range c.Invitations.ListAll(context.Background(), &backend.InvitationListParams{Limit: backend.Ptr[int64](10)}) {
		if err != nil {
			errs++
			var apiErr *backend.APIError
			if !errors.As(err, &apiErr) || !apiErr.HasCode("bad_request") {
				t.Errorf("err = %v", err)
			}
			continue
		}
		n++
	}
	if n != 20 || errs != 1 {
		t.Errorf("items=%d errors=%d, want 20 and 1", n, errs)
	}
	for _, q := range ps.query {
		if !contains(q, "paginated=true") {
			t.Errorf("query %q: the iterator must ask for paginated answers", q)
		}
	}
}

func TestListAllCancelledContext(t *testing.T) {
	ps := &pagedServer{n: 10}
	srv := httptest.NewServer(ps)
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, err := range c.Users.ListAll(ctx, nil) {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v", err)
		}
	}
	if len(ps.pages) != 0 {
		t.Errorf("requests sent after cancel: %v", ps.pages)
	}
}

func TestListDecodesBothShapes(t *testing.T) {
	var l backend.Page[struct{ ID string }]
	if err := json.Unmarshal([]byte(`[{"ID":"a"},{"ID":"b"}]`), &l); err != nil || len(l.Data) != 2 || l.TotalCount != -1 {
		t.Errorf("array: %+v %v", l, err)
	}
	if err := json.Unmarshal([]byte(`{"data":[{"ID":"a"}],"total_count":9}`), &l); err != nil || len(l.Data) != 1 || l.TotalCount != 9 {
		t.Errorf("object: %+v %v", l, err)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
