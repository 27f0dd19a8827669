package backend_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/goclerk/clerk/backend"
)

// opFact is one row of testdata/operations.json, written by tools/bapigen
// from the specification's structure.
type opFact struct {
	ID          string   `json:"id"`
	Method      string   `json:"method"`
	Path        string   `json:"path"`
	PathParams  []string `json:"path_params"`
	Query       []string `json:"query"`
	BodyKind    string   `json:"body_kind"`
	Body        []string `json:"body"`
	SkipVersion bool     `json:"skip_version"`
	MachineKey  bool     `json:"machine_key"`
	Service     string   `json:"service"`
	GoMethod    string   `json:"go_method"`
	Hand        bool     `json:"hand"`
	AliasOf     string   `json:"alias_of"`
}

const specOperationCount = 249

func loadFacts(t *testing.T) []opFact {
	t.Helper()
	data, err := os.ReadFile("testdata/operations.json")
	if err != nil {
		t.Fatal(err)
	}
	var facts []opFact
	if err := json.Unmarshal(data, &facts); err != nil {
		t.Fatal(err)
	}
	return facts
}

type recorded struct {
	method, path, contentType, auth, apiVersion, userAgent string
	query                                                  map[string][]string
	body                                                   []byte
}

type recorder struct {
	mu   sync.Mutex
	last *recorded
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.last != nil {
		// A call's first request is its operation's; Users.List's count
		// call (GET /users/count, checked in its own row) follows it.
		io.WriteString(w, "null")
		return
	}
	rec.last = &recorded{
		method: r.Method, path: r.URL.EscapedPath(), query: r.URL.Query(), body: body,
		contentType: r.Header.Get("Content-Type"), auth: r.Header.Get("Authorization"),
		apiVersion: r.Header.Get("Clerk-API-Version"), userAgent: r.Header.Get("User-Agent"),
	}
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, "null")
}

func (rec *recorder) take() *recorded {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	r := rec.last
	rec.last = nil
	return r
}

// fill sets every exported field of v (recursively for top-level pointers
// to scalars) to a non-zero value, so that every parameter is sent.
func fill(v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("v")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(7)
	case reflect.Float64, reflect.Float32:
		v.SetFloat(1.5)
	case reflect.Interface:
		v.Set(reflect.ValueOf("v"))
	case reflect.Pointer:
		if v.Type() == reflect.TypeFor[*backend.File]() {
			v.Set(reflect.ValueOf(&backend.File{Name: "logo.png", ContentType: "image/png", Content: strings.NewReader("PNG")}))
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		if depth < 1 {
			fill(v.Elem(), depth+1)
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		if depth < 1 {
			fill(s.Index(0), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		e := reflect.New(v.Type().Elem()).Elem()
		if depth < 1 {
			fill(e, depth+1)
		}
		m.SetMapIndex(reflect.ValueOf("k"), e)
		v.Set(m)
	case reflect.Struct:
		if depth > 1 {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), depth)
			}
		}
	}
}

// extraQuery lists query parameters the hand-written operations send
// beyond the specification, following the Express SDK.
var extraQuery = map[string][]string{
	"RefreshSession": {"suffixed_cookies"},
}

func TestCoverageEveryOperation(t *testing.T) {
	facts := loadFacts(t)
	if len(facts) != specOperationCount {
		t.Fatalf("facts table has %d operations, want %d", len(facts), specOperationCount)
	}
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	c, err := backend.NewClient(backend.Config{SecretKey: testSecret, MachineSecretKey: "ak_test_machine", APIURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	cv := reflect.ValueOf(c).Elem()
	ctxType := reflect.TypeFor[context.Context]()

	passed := 0
	seen := map[string]bool{}
	byID := map[string]opFact{}
	for _, f := range facts {
		byID[f.ID] = f
	}
	for _, f := range facts {
		if seen[f.ID] {
			t.Errorf("duplicate operationId %s", f.ID)
		}
		seen[f.ID] = true
		ok := t.Run(f.ID, func(t *testing.T) {
			if f.AliasOf != "" {
				// A legacy path is served by the method of its current
				// path, checked in that operation's row; it must take
				// every input the legacy one does.
				cur, ok := byID[f.AliasOf]
				if !ok || cur.Method != f.Method || cur.Service != f.Service || cur.GoMethod != f.GoMethod || cur.BodyKind != f.BodyKind {
					t.Fatalf("alias of %s: %+v does not match %+v", f.AliasOf, f, cur)
				}
				for _, in := range append(slices.Clone(f.Query), f.Body...) {
					if !slices.Contains(cur.Query, in) && !slices.Contains(cur.Body, in) {
						t.Errorf("input %s of the legacy path is not sent by %s", in, f.AliasOf)
					}
				}
				return
			}
			svc := cv.FieldByName(f.Service)
			if !svc.IsValid() || svc.IsNil() {
				t.Fatalf("Client has no service %s", f.Service)
			}
			m := svc.MethodByName(f.GoMethod)
			if !m.IsValid() {
				t.Fatalf("%s has no method %s", f.Service, f.GoMethod)
			}
			mt := m.Type()
			if mt.NumIn() == 0 || mt.In(0) != ctxType {
				t.Fatalf("%s.%s does not take a context first", f.Service, f.GoMethod)
			}
			if !mt.IsVariadic() || mt.In(mt.NumIn()-1) != reflect.TypeFor[[]backend.CallOption]() {
				t.Fatalf("%s.%s does not take ...CallOption last", f.Service, f.GoMethod)
			}
			args := []reflect.Value{reflect.ValueOf(context.Background())}
			strN := 0
			for i := 1; i < mt.NumIn()-1; i++ {
				at := mt.In(i)
				switch {
				case at.Kind() == reflect.String:
					strN++
					args = append(args, reflect.ValueOf(fmt.Sprintf("pv%d", strN)))
				case at.Kind() == reflect.Pointer && at.Elem().Kind() == reflect.Struct:
					p := reflect.New(at.Elem())
					fill(p.Elem(), 0)
					args = append(args, p)
				case at.Kind() == reflect.Struct:
					p := reflect.New(at).Elem()
					fill(p, 0)
					args = append(args, p)
				default:
					t.Fatalf("unexpected argument type %s", at)
				}
			}
			if strN < len(f.PathParams) {
				t.Fatalf("method takes %d string arguments, spec has %d path parameters", strN, len(f.PathParams))
			}
			res := m.Call(args)
			if errV := res[len(res)-1]; !errV.IsNil() {
				t.Fatalf("call failed: %v", errV.Interface())
			}
			got := rec.take()
			if got == nil {
				t.Fatal("no request recorded")
			}
			checkRequest(t, f, got)
		})
		if ok {
			passed++
		}
	}
	t.Logf("coverage: %d of %d operations called and checked against the spec facts", passed, len(facts))
	if passed != specOperationCount {
		t.Errorf("coverage: %d of %d operations pass", passed, specOperationCount)
	}
}

func checkRequest(t *testing.T, f opFact, got *recorded) {
	t.Helper()
	if got.method != f.Method {
		t.Errorf("method = %s, want %s", got.method, f.Method)
	}
	want := f.Path
	for i, p := range f.PathParams {
		want = strings.Replace(want, "{"+p+"}", fmt.Sprintf("pv%d", i+1), 1)
	}
	if !f.SkipVersion {
		want = "/v1" + want
	}
	if got.path != want {
		t.Errorf("path = %s, want %s", got.path, want)
	}
	wantAuth := "Bearer " + testSecret
	if f.MachineKey {
		wantAuth = "Bearer ak_test_machine"
	}
	if got.auth != wantAuth {
		t.Errorf("authorization = %q, want %q", got.auth, wantAuth)
	}
	if got.apiVersion != backend.SupportedAPIVersion || got.userAgent != "goclerk/"+backend.Version {
		t.Errorf("headers: Clerk-API-Version=%q User-Agent=%q", got.apiVersion, got.userAgent)
	}

	var gotQ []string
	for k := range got.query {
		gotQ = append(gotQ, k)
	}
	wantQ := append(slices.Clone(f.Query), extraQuery[f.ID]...)
	if !sameSet(gotQ, wantQ) {
		t.Errorf("query keys = %v, want %v", sorted(gotQ), sorted(wantQ))
	}

	switch f.BodyKind {
	case "none":
		if len(got.body) != 0 {
			t.Errorf("unexpected body %s", got.body)
		}
	case "json":
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(got.body, &obj); err != nil {
			t.Fatalf("body %q is not a JSON object: %v", got.body, err)
		}
		var keys []string
		for k := range obj {
			keys = append(keys, k)
		}
		if f.Hand {
			// Hand-written wrappers send the fields the middleware needs: a
			// non-empty subset of the spec's properties.
			for _, k := range keys {
				if !slices.Contains(f.Body, k) {
					t.Errorf("body key %q not in spec %v", k, f.Body)
				}
			}
			if len(keys) == 0 {
				t.Errorf("empty body, spec has %v", f.Body)
			}
		} else if !sameSet(keys, f.Body) {
			t.Errorf("body keys = %v, want %v", sorted(keys), sorted(f.Body))
		}
		if !strings.HasPrefix(got.contentType, "application/json") {
			t.Errorf("content type %q", got.contentType)
		}
	case "array":
		var arr []json.RawMessage
		if err := json.Unmarshal(got.body, &arr); err != nil || len(arr) == 0 {
			t.Errorf("body %q is not a non-empty JSON array", got.body)
		}
	case "multipart":
		mt, params, err := mime.ParseMediaType(got.contentType)
		if err != nil || mt != "multipart/form-data" {
			t.Fatalf("content type %q", got.contentType)
		}
		r := multipart.NewReader(bytes.NewReader(got.body), params["boundary"])
		var names []string
		for {
			p, err := r.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			names = append(names, p.FormName())
		}
		if !sameSet(names, f.Body) {
			t.Errorf("multipart fields = %v, want %v", names, f.Body)
		}
	case "raw":
		if len(got.body) == 0 {
			t.Error("empty body")
		}
	default:
		t.Errorf("unknown body kind %q", f.BodyKind)
	}
}

func sameSet(a, b []string) bool {
	return slices.Equal(sorted(a), sorted(b))
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return slices.Compact(s)
}
