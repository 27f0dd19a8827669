package backend_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/goclerk/clerk/backend"
)

// fixtureServer answers every request with the same body.
func fixtureServer(t *testing.T, body []byte) *backend.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	c, err := backend.NewClient(backend.Config{SecretKey: testSecret, APIURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// callByName calls c.<service>.<method> with placeholder arguments and
// returns its result value (nil for error-only methods).
func callByName(t *testing.T, c *backend.Client, service, method string) reflect.Value {
	t.Helper()
	svc := reflect.ValueOf(c).Elem().FieldByName(service)
	if !svc.IsValid() {
		t.Fatalf("no service %s", service)
	}
	m := svc.MethodByName(method)
	if !m.IsValid() {
		t.Fatalf("no method %s.%s", service, method)
	}
	args := []reflect.Value{reflect.ValueOf(context.Background())}
	for i := 1; i < m.Type().NumIn()-1; i++ { // the last is ...CallOption
		at := m.Type().In(i)
		switch at.Kind() {
		case reflect.String:
			args = append(args, reflect.ValueOf("x_1"))
		default:
			args = append(args, reflect.Zero(at))
		}
	}
	res := m.Call(args)
	if err := res[len(res)-1]; !err.IsNil() {
		t.Fatalf("%s.%s: %v", service, method, err.Interface())
	}
	if len(res) < 2 {
		t.Fatalf("%s.%s returns no value", service, method)
	}
	return res[0]
}

// TestDecodeFixtures decodes one realistic response per resource group
// through the real method, then checks that the typed model knows every
// field of the fixture (strict decoding) and loses none of its values (a
// JSON round trip).
func TestDecodeFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/fixtures/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	covered := map[string]bool{}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		service, method, ok := strings.Cut(name, ".")
		if !ok {
			t.Fatalf("fixture %s: want Service.Method.json", f)
		}
		covered[service] = true
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			c := fixtureServer(t, body)
			res := callByName(t, c, service, method)

			typ := res.Type()
			if typ.Kind() == reflect.Pointer {
				typ = typ.Elem()
			}
			var want, got any
			if err := json.Unmarshal(body, &want); err != nil {
				t.Fatal(err)
			}
			// A Page decodes its answer itself, so strict decoding
			// applies to each item; the items are a bare array, "data",
			// or the answer's only array (m2m_tokens).
			strictBody := [][]byte{body}
			strictType := typ
			if strings.HasPrefix(typ.Name(), "Page[") {
				strictType = typ.Field(0).Type.Elem()
				items, ok := want.([]any)
				if m, isObj := want.(map[string]any); isObj {
					for k, v := range m {
						if a, isArr := v.([]any); isArr {
							items, ok = a, true
							if k != "data" {
								m["data"] = a
								delete(m, k)
							}
						}
					}
				}
				if !ok {
					t.Fatalf("fixture for %s holds no items", typ)
				}
				strictBody = nil
				for _, it := range items {
					b, _ := json.Marshal(it)
					strictBody = append(strictBody, b)
				}
			}
			for _, b := range strictBody {
				dec := json.NewDecoder(bytes.NewReader(b))
				dec.DisallowUnknownFields()
				if err := dec.Decode(reflect.New(strictType).Interface()); err != nil {
					t.Fatalf("fixture does not match %s: %v", strictType, err)
				}
			}

			out, err := json.Marshal(res.Interface())
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatal(err)
			}
			if m, ok := got.(map[string]any); ok {
				if _, isArray := want.([]any); isArray {
					got = m["data"] // a Page decoded from a bare array
				}
			}
			if err := containsJSON("$", want, got); err != nil {
				t.Errorf("round trip through %s lost data: %v", typ, err)
			}
		})
	}
	// Every resource group with a JSON answer has a fixture.
	ct := reflect.TypeFor[backend.Client]()
	for i := 0; i < ct.NumField(); i++ {
		f := ct.Field(i)
		if !f.IsExported() || f.Name == "Miscellaneous" { // Miscellaneous only serves HTML
			continue
		}
		if !covered[f.Name] {
			t.Errorf("resource group %s has no fixture in testdata/fixtures", f.Name)
		}
	}
}

// containsJSON checks that got holds every value of want; zero values
// (false, 0, "", null, empty collections) may be omitted.
func containsJSON(path string, want, got any) error {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: got %T, want object", path, got)
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				if isZeroJSON(wv) {
					continue
				}
				return fmt.Errorf("%s.%s: missing", path, k)
			}
			if err := containsJSON(path+"."+k, wv, gv); err != nil {
				return err
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			if len(w) == 0 && got == nil {
				return nil
			}
			return fmt.Errorf("%s: got %v, want %d elements", path, got, len(w))
		}
		for i := range w {
			if err := containsJSON(fmt.Sprintf("%s[%d]", path, i), w[i], g[i]); err != nil {
				return err
			}
		}
	default:
		if !reflect.DeepEqual(want, got) {
			return fmt.Errorf("%s: got %v, want %v", path, got, want)
		}
	}
	return nil
}

func isZeroJSON(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case bool:
		return !v
	case float64:
		return v == 0
	case string:
		return v == ""
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}
