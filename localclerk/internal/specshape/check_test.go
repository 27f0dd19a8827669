package specshape

import (
	"errors"
	"strings"
	"testing"
)

// toy is a hand-made facts file: one operation whose schema exercises
// every rule the checker applies.
const toy = `{"spec":"toy.yml","operations":[
{"method":"POST","path":"/v1/things/{thing_id}","responses":{"200":{"ref":"Wrapped"},"307":null,"404":{"ref":"ClerkErrors"}}},
{"method":"GET","path":"/v1/things/special","responses":{"200":{"type":"string"}}},
{"method":"GET","path":"/.well-known/doc.json","responses":{"200":{"type":"object"}}},
{"method":"GET","path":"/v1/files/{name}.xml","responses":{"200":{"type":"string"}}}
],"schemas":{
"Wrapped":{"type":"object","required":["response","client"],"props":{"response":{"ref":"Thing"},"client":{"ref":"Client"}}},
"Client":{"type":"object","nullable":true,"required":["id"],"props":{"id":{"type":"string"}}},
"Thing":{"type":"object","required":["id","count","ratio","tags","status","owner","meta"],"props":{
 "id":{"type":"string"},"count":{"type":"integer"},"ratio":{"type":"number"},
 "tags":{"type":"array","items":{"type":"string"}},
 "status":{"type":"string","enum":["active","ended"]},
 "owner":{"type":"string","nullable":true},
 "meta":{"type":"object","values":{"type":"boolean"}},
 "factor":{"any_of":[{"ref":"Password"},{"ref":"Code"}]}}},
"Password":{"type":"object","required":["strategy"],"props":{"strategy":{"type":"string","enum":["password"]}}},
"Code":{"type":"object","required":["strategy","email_address_id"],"props":{"strategy":{"type":"string","enum":["email_code"]},"email_address_id":{"type":"string"}}},
"ClerkErrors":{"type":"object","required":["errors"],"props":{"errors":{"type":"array","items":{"ref":"ClerkError"}}}},
"ClerkError":{"type":"object","required":["message","long_message","code"],"props":{"message":{"type":"string"},"long_message":{"type":"string"},"code":{"type":"string"}}}
}}`

const goodThing = `{"response":{"id":"t_1","count":3,"ratio":0.5,"tags":["a"],"status":"active","owner":null,"meta":{"x":true},
"factor":{"strategy":"email_code","email_address_id":"idn_1"}},"client":null}`

func toyFacts(t *testing.T) *Facts {
	t.Helper()
	f, err := Parse([]byte(toy))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestCheckAcceptsAConformingBody(t *testing.T) {
	if err := toyFacts(t).Check("POST", "/v1/things/t_1?_clerk_js_version=6", 200, []byte(goodThing)); err != nil {
		t.Fatal(err)
	}
}

func TestCheckReportsEachViolation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		want   []Violation // pointer and kind; Detail is not compared
	}{
		{"missing required", 200, strings.Replace(goodThing, `"count":3,`, "", 1), []Violation{{Pointer: "/response/count", Kind: Missing}}},
		{"integer as string", 200, strings.Replace(goodThing, `"count":3`, `"count":"3"`, 1), []Violation{{Pointer: "/response/count", Kind: WrongType}}},
		{"fraction for integer", 200, strings.Replace(goodThing, `"count":3`, `"count":3.5`, 1), []Violation{{Pointer: "/response/count", Kind: WrongType}}},
		{"array item type", 200, strings.Replace(goodThing, `["a"]`, `["a",1]`, 1), []Violation{{Pointer: "/response/tags/1", Kind: WrongType}}},
		{"null not nullable", 200, strings.Replace(goodThing, `"id":"t_1"`, `"id":null`, 1), []Violation{{Pointer: "/response/id", Kind: Null}}},
		{"null object not nullable", 200, strings.Replace(goodThing, `{"id":"t_1"`, `null,"x":{"id":"t_1"`, 1), []Violation{{Pointer: "/response", Kind: Null}}},
		{"enum", 200, strings.Replace(goodThing, `"active"`, `"pass"`, 1), []Violation{{Pointer: "/response/status", Kind: NotInEnum}}},
		{"map values", 200, strings.Replace(goodThing, `"x":true`, `"x":"yes"`, 1), []Violation{{Pointer: "/response/meta/x", Kind: WrongType}}},
		{"no alternative", 200, strings.Replace(goodThing, `"email_address_id":"idn_1"`, `"email_address":"a@b"`, 1), []Violation{
			{Pointer: "/response/factor", Kind: NoVariant}, {Pointer: "/response/factor/strategy", Kind: NotInEnum}}},
		{"several at once", 200, `{"response":{"id":1,"count":1,"ratio":1,"tags":[],"status":"ended","owner":"u","meta":{}},"client":{}}`, []Violation{
			{Pointer: "/client/id", Kind: Missing}, {Pointer: "/response/id", Kind: WrongType}}},
		{"null matching no alternative", 200, strings.Replace(goodThing, `"factor":{"strategy":"email_code","email_address_id":"idn_1"}`, `"factor":null`, 1), []Violation{
			{Pointer: "/response/factor", Kind: NoVariant}, {Pointer: "/response/factor", Kind: Null}}},
		{"not an object", 200, `[]`, []Violation{{Pointer: "", Kind: WrongType}}},
		{"not JSON", 200, `{"response":`, []Violation{{Kind: BadBody}}},
		{"trailing data", 200, goodThing + `{}`, []Violation{{Kind: BadBody}}},
		{"undocumented success status", 201, goodThing, []Violation{{Kind: BadBody}}},
		{"documented error", 404, `{"errors":[{"code":"resource_not_found","message":"not found"}]}`, []Violation{{Pointer: "/errors/0/long_message", Kind: Missing}}},
		{"undocumented error falls back to ClerkErrors", 422, `{"error":"bad"}`, []Violation{{Pointer: "/errors", Kind: Missing}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := toyFacts(t).Check("POST", "/v1/things/t_1", tc.status, []byte(tc.body))
			var me *MismatchError
			if !errors.As(err, &me) {
				t.Fatalf("want a *MismatchError, got %v", err)
			}
			if len(me.Violations) != len(tc.want) {
				t.Fatalf("got %d violations, want %d:\n%v", len(me.Violations), len(tc.want), err)
			}
			for i, w := range tc.want {
				if g := me.Violations[i]; g.Pointer != w.Pointer || g.Kind != w.Kind {
					t.Errorf("violation %d = %v, want pointer %q kind %s", i, g, w.Pointer, w.Kind)
				}
			}
			if !strings.Contains(err.Error(), "POST /v1/things/{thing_id}") {
				t.Errorf("error does not name the operation: %v", err)
			}
		})
	}
}

func TestCheckNullAlternative(t *testing.T) {
	f := toyFacts(t)
	f.Schemas["Code"].Nullable = true
	body := strings.Replace(goodThing, `"factor":{"strategy":"email_code","email_address_id":"idn_1"}`, `"factor":null`, 1)
	if err := f.Check("POST", "/v1/things/t_1", 200, []byte(body)); err != nil {
		t.Fatal(err)
	}
}

func TestCheckRedirectHasNoBodySchema(t *testing.T) {
	if err := toyFacts(t).Check("POST", "/v1/things/t_1", 307, nil); err != nil {
		t.Fatal(err)
	}
}

func TestMatch(t *testing.T) {
	f := toyFacts(t)
	for path, want := range map[string]string{
		"/v1/things/t_1":           "/v1/things/{thing_id}",
		"/v1/things/special":       "/v1/things/special", // a literal beats a parameter
		"/v1/.well-known/doc.json": "/.well-known/doc.json",
		"/things/t_1":              "/v1/things/{thing_id}",
		"/v1/files/meta.xml":       "/v1/files/{name}.xml",
	} {
		method := "GET"
		if want == "/v1/things/{thing_id}" {
			method = "POST"
		}
		op, err := f.Match(method, path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if op.Path != want {
			t.Errorf("%s matched %s, want %s", path, op.Path, want)
		}
	}
	for _, bad := range []string{"/v1/things", "/v1/things/t_1/x", "/v1/files/.xml", "/v1/files/meta.json"} {
		if op, err := f.Match("GET", bad); err == nil && op.Path != "/v1/things/special" {
			t.Errorf("%s matched %s", bad, op.Path)
		}
	}
	if _, err := f.Match("DELETE", "/v1/things/t_1"); err == nil {
		t.Error("DELETE matched an operation only POST has")
	}
}

func TestParseRejectsDanglingReference(t *testing.T) {
	bad := strings.Replace(toy, `"client":{"ref":"Client"}`, `"client":{"ref":"Nope"}`, 1)
	if _, err := Parse([]byte(bad)); err == nil || !strings.Contains(err.Error(), "Nope") {
		t.Fatalf("got %v", err)
	}
}

// The committed facts know the real error shape: a body without
// long_message fails, as it would in clerk-js's error parsing.
func TestCommittedFactsCheckClerkErrors(t *testing.T) {
	good := `{"errors":[{"code":"resource_not_found","message":"not found","long_message":"session not found","meta":{}}],"clerk_trace_id":"x"}`
	for _, tc := range []struct {
		load func() (*Facts, error)
		path string
	}{{FAPI, "/v1/client"}, {BAPI, "/v1/users/user_1"}} {
		f, err := tc.load()
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Check("GET", tc.path, 401, []byte(good)); err != nil {
			t.Fatal(err)
		}
		err = f.Check("GET", tc.path, 401, []byte(`{"errors":[{"code":"x","message":"y"}]}`))
		var me *MismatchError
		if !errors.As(err, &me) || len(me.Violations) != 1 || me.Violations[0].Pointer != "/errors/0/long_message" {
			t.Fatalf("%s: got %v", f.Spec, err)
		}
	}
}

func TestCheckSchema(t *testing.T) {
	f, err := FAPI()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.CheckSchema("ClerkErrors", []byte(`{"errors":[]}`)); err != nil {
		t.Fatal(err)
	}
	var me *MismatchError
	if err := f.CheckSchema("ClerkErrors", []byte(`{"errors":{}}`)); !errors.As(err, &me) || me.Violations[0].Kind != WrongType {
		t.Fatalf("got %v", err)
	}
	if err := f.CheckSchema("NoSuchSchema", []byte(`{}`)); err == nil {
		t.Fatal("unknown schema accepted")
	}
}

func TestLookupAndForPattern(t *testing.T) {
	f, err := BAPI()
	if err != nil {
		t.Fatal(err)
	}
	if op := f.Lookup("GET", "/users/count"); op == nil || op.ID != "GetUsersCount" {
		t.Errorf("GET /users/count: %+v", op)
	}
	if op := f.Lookup("GET", "/users/user_1"); op == nil || op.ID != "GetUser" {
		t.Errorf("GET /users/user_1: %+v", op)
	}
	if op := f.Lookup("GET", "/v1/users/user_1"); op != nil {
		t.Errorf("Lookup juggled /v1: %+v", op)
	}
	for pattern, want := range map[string]string{
		"GET /users/{id}":                           "GetUser",
		"GET /users/count":                          "GetUsersCount",
		"POST /sessions/{id}/tokens/{tmpl}":         "CreateSessionTokenFromTemplate",
		"DELETE /organizations/{a}/memberships/{b}": "DeleteOrganizationMembership",
		"GET /users/{id}/count":                     "",
		"GET /users/{rest...}":                      "",
		"/users":                                    "",
		"PUT /users/{id}":                           "",
	} {
		got := ""
		if op := f.ForPattern(pattern); op != nil {
			got = op.ID
		}
		if got != want {
			t.Errorf("ForPattern(%q) = %q, want %q", pattern, got, want)
		}
	}
}
