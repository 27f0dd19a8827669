// Package specshape checks localclerk's answers against the response
// schemas of Clerk's OpenAPI specifications, the Frontend API's and the
// Backend API's, so that localclerk's JSON shapes cannot drift from what
// clerk-js, @clerk/backend and goclerk's backend client expect without a
// test failing. It also gives localclerk the Backend API's list of
// operations, to answer the ones it does not serve clearly.
//
// The facts come from fapi.json and bapi.json, extracted from the
// structure-only specifications in tools/spec by tools/specgen and committed, so the checks run in any clone.
package specshape

//go:generate go run -C ../../../tools ./specgen -spec spec/fapi-2026-05-12.yml -out ../localclerk/internal/specshape/fapi.json
//go:generate go run -C ../../../tools ./specgen -spec spec/bapi-2026-05-12.yml -out ../localclerk/internal/specshape/bapi.json

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
)

var (
	//go:embed fapi.json
	fapiJSON []byte
	//go:embed bapi.json
	bapiJSON []byte

	fapiFacts = sync.OnceValues(func() (*Facts, error) { return Parse(fapiJSON) })
	bapiFacts = sync.OnceValues(func() (*Facts, error) { return Parse(bapiJSON) })
)

// FAPI returns the committed facts of the Frontend API specification.
func FAPI() (*Facts, error) { return fapiFacts() }

// BAPI returns the committed facts of the Backend API specification. Its
// paths are relative to the API's /v1 base.
func BAPI() (*Facts, error) { return bapiFacts() }

// Parse decodes a facts file and checks that every reference resolves.
func Parse(data []byte) (*Facts, error) {
	var f Facts
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("specshape: parse facts: %w", err)
	}
	if len(f.Operations) == 0 {
		return nil, fmt.Errorf("specshape: facts list no operations")
	}
	if _, ok := f.Schemas[errorSchema]; !ok {
		return nil, fmt.Errorf("specshape: facts lack the %s schema", errorSchema)
	}
	var walk func(where string, s *Schema) error
	walk = func(where string, s *Schema) error {
		if s == nil {
			return nil
		}
		if s.Ref != "" {
			if _, ok := f.Schemas[s.Ref]; !ok {
				return fmt.Errorf("specshape: %s refers to unknown schema %q", where, s.Ref)
			}
		}
		for k, p := range s.Props {
			if err := walk(where+"."+k, p); err != nil {
				return err
			}
		}
		for _, a := range s.AnyOf {
			if err := walk(where+"|", a); err != nil {
				return err
			}
		}
		if err := walk(where+"[]", s.Items); err != nil {
			return err
		}
		return walk(where+"{}", s.Values)
	}
	for _, op := range f.Operations {
		for st, s := range op.Responses {
			if err := walk(op.Method+" "+op.Path+" "+st, s); err != nil {
				return nil, err
			}
		}
	}
	for name, s := range f.Schemas {
		if err := walk(name, s); err != nil {
			return nil, err
		}
	}
	return &f, nil
}

// errorSchema is the shape of every Clerk error body.
const errorSchema = "ClerkErrors"

// Kind classifies a violation.
type Kind int

const (
	Missing   Kind = iota + 1 // a required property is absent
	WrongType                 // the value has another JSON type
	Null                      // null where the schema is not nullable
	NotInEnum                 // a string outside the schema's enum
	NoVariant                 // matches none of the oneOf/anyOf alternatives
	BadBody                   // not JSON, or a status the operation does not document
)

var kindNames = map[Kind]string{Missing: "missing required property", WrongType: "wrong type", Null: "null where not nullable",
	NotInEnum: "value not in enum", NoVariant: "matches no alternative", BadBody: "bad body"}

func (k Kind) String() string { return kindNames[k] }

// Violation is one place where a body departs from its schema.
type Violation struct {
	Pointer string // JSON pointer (RFC 6901) into the body; "" is the whole body
	Kind    Kind
	Detail  string
}

func (v Violation) String() string {
	return fmt.Sprintf("%q: %s: %s", v.Pointer, v.Kind, v.Detail)
}

// MismatchError lists every violation of one answer.
type MismatchError struct {
	Method, Path string // the request
	Status       int
	Operation    string // the specification's method and path template
	Violations   []Violation
}

func (e *MismatchError) Error() string {
	var b strings.Builder
	if e.Method != "" {
		fmt.Fprintf(&b, "%s %s -> %d: ", e.Method, e.Path, e.Status)
	}
	fmt.Fprintf(&b, "does not match the spec (%s): %d violation(s)", e.Operation, len(e.Violations))
	for _, v := range e.Violations {
		b.WriteString("\n\t")
		b.WriteString(v.String())
	}
	return b.String()
}

// Match finds the specification's operation for a concrete request path.
// Query strings are ignored, and a path that does not match as given is
// tried with its /v1 prefix added or removed (localclerk serves some
// well-known documents under /v1 as well, and the Backend API's paths are
// relative to /v1). Literal segments win over parameters, so
// /v1/me/sessions/active is not /v1/me/sessions/{id}.
func (f *Facts) Match(method, path string) (*Operation, error) {
	path, _, _ = strings.Cut(path, "?")
	cands := []string{path}
	if rest, ok := strings.CutPrefix(path, "/v1/"); ok {
		cands = append(cands, "/"+rest)
	} else {
		cands = append(cands, "/v1"+path)
	}
	for _, p := range cands {
		if op := f.Lookup(method, p); op != nil {
			return op, nil
		}
	}
	return nil, fmt.Errorf("specshape: no operation in %s for %s %s", f.Spec, method, path)
}

// Lookup returns the operation whose template fits method and path exactly
// (no /v1 juggling), nil if there is none.
func (f *Facts) Lookup(method, path string) *Operation {
	method = strings.ToUpper(method)
	var best *Operation
	var bestScore []bool
	segs := strings.Split(path, "/")
	for _, op := range f.Operations {
		if op.Method != method {
			continue
		}
		score, ok := matchTemplate(op.Path, segs)
		if ok && (best == nil || moreLiteral(score, bestScore)) {
			best, bestScore = op, score
		}
	}
	return best
}

// ForPattern returns the operation an http.ServeMux pattern such as
// "GET /users/{id}/ban" serves: literal segments equal, each {wildcard}
// where the template has a parameter. It returns nil when no operation
// has that shape, or when the pattern has no method.
func (f *Facts) ForPattern(pattern string) *Operation {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		return nil
	}
	segs := strings.Split(path, "/")
	for _, op := range f.Operations {
		ts := strings.Split(op.Path, "/")
		if op.Method != method || len(ts) != len(segs) {
			continue
		}
		fits := true
		for i, t := range ts {
			param := strings.HasPrefix(segs[i], "{") && strings.HasSuffix(segs[i], "}") && !strings.HasSuffix(segs[i], "...}")
			if param != strings.Contains(t, "{") || (!param && t != segs[i]) {
				fits = false
				break
			}
		}
		if fits {
			return op
		}
	}
	return nil
}

// matchTemplate reports whether the path segments fit the template, and
// which template segments were literal.
func matchTemplate(tmpl string, segs []string) ([]bool, bool) {
	ts := strings.Split(tmpl, "/")
	if len(ts) != len(segs) {
		return nil, false
	}
	lit := make([]bool, len(ts))
	for i, t := range ts {
		open := strings.IndexByte(t, '{')
		if open < 0 {
			if t != segs[i] {
				return nil, false
			}
			lit[i] = true
			continue
		}
		end := strings.IndexByte(t, '}')
		if end < open {
			return nil, false
		}
		prefix, suffix := t[:open], t[end+1:]
		s := segs[i]
		if len(s) <= len(prefix)+len(suffix) || !strings.HasPrefix(s, prefix) || !strings.HasSuffix(s, suffix) {
			return nil, false
		}
	}
	return lit, true
}

func moreLiteral(a, b []bool) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i]
		}
	}
	return false
}

// Check decodes body, the answer to method path with status, and checks it
// against the specification's schema for that operation and status. It
// returns a *MismatchError listing every violation, or an error when no
// operation matches. Error statuses the operation does not list are
// checked against Clerk's common error schema; a documented status without
// a JSON schema (a redirect) accepts any body.
func (f *Facts) Check(method, path string, status int, body []byte) error {
	op, err := f.Match(method, path)
	if err != nil {
		return err
	}
	e := &MismatchError{Method: method, Path: path, Status: status, Operation: op.Method + " " + op.Path}
	sch, documented := op.Responses[strconv.Itoa(status)]
	switch {
	case !documented && status >= 400:
		sch = &Schema{Ref: errorSchema}
	case !documented:
		e.Violations = append(e.Violations, Violation{Kind: BadBody, Detail: fmt.Sprintf("status %d is not documented for this operation", status)})
		return e
	case sch == nil:
		return nil
	}
	return f.checkBody(sch, body, e)
}

// CheckSchema checks body against the named component schema, for
// answers to routes the specification does not list (localclerk's
// /v1/jwks serves the JWKS document, for instance).
func (f *Facts) CheckSchema(name string, body []byte) error {
	if _, ok := f.Schemas[name]; !ok {
		return fmt.Errorf("specshape: no schema %q in %s", name, f.Spec)
	}
	return f.checkBody(&Schema{Ref: name}, body, &MismatchError{Operation: "schema " + name})
}

// checkBody decodes body and fills e with its violations of sch.
func (f *Facts) checkBody(sch *Schema, body []byte, e *MismatchError) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		e.Violations = append(e.Violations, Violation{Kind: BadBody, Detail: "not JSON: " + err.Error()})
		return e
	}
	if dec.More() {
		e.Violations = append(e.Violations, Violation{Kind: BadBody, Detail: "data after the JSON value"})
		return e
	}
	e.Violations = f.validate(sch, v, "", nil)
	if len(e.Violations) == 0 {
		return nil
	}
	return e
}

// validate appends to out every violation of v against s at pointer ptr.
func (f *Facts) validate(s *Schema, v any, ptr string, out []Violation) []Violation {
	nullable := s.Nullable
	for s.Ref != "" {
		s = f.Schemas[s.Ref]
		nullable = nullable || s.Nullable
	}
	switch {
	case v != nil:
	case nullable, s.Type == "" && len(s.AnyOf) == 0: // an untyped schema is "anything"
		return out
	case s.Type != "":
		return append(out, Violation{ptr, Null, "want " + describe(s)})
	}
	// null left only for alternatives, one of which may allow it.
	if s.Type != "" && v != nil {
		if got := jsonType(v); !typeFits(s.Type, got) {
			return append(out, Violation{ptr, WrongType, "want " + s.Type + ", got " + got})
		}
	}
	switch v := v.(type) {
	case map[string]any:
		for _, r := range s.Required {
			if _, ok := v[r]; !ok {
				out = append(out, Violation{ptr + "/" + escape(r), Missing, "want " + describe(s.Props[r])})
			}
		}
		for _, k := range slices.Sorted(maps.Keys(v)) {
			if p, ok := s.Props[k]; ok {
				out = f.validate(p, v[k], ptr+"/"+escape(k), out)
			} else if s.Values != nil {
				out = f.validate(s.Values, v[k], ptr+"/"+escape(k), out)
			}
		}
	case []any:
		if s.Items != nil {
			for i, e := range v {
				out = f.validate(s.Items, e, ptr+"/"+strconv.Itoa(i), out)
			}
		}
	case string:
		if len(s.Enum) > 0 && !slices.Contains(s.Enum, v) {
			out = append(out, Violation{ptr, NotInEnum, fmt.Sprintf("%q is not one of %q", v, s.Enum)})
		}
	}
	if len(s.AnyOf) > 0 {
		var best []Violation
		for _, alt := range s.AnyOf {
			vs := f.validate(alt, v, ptr, nil)
			if len(vs) == 0 {
				return out
			}
			if best == nil || len(vs) < len(best) {
				best = vs
			}
		}
		out = append(out, Violation{ptr, NoVariant, fmt.Sprintf("none of %d alternatives fits; the closest fails with:", len(s.AnyOf))})
		out = append(out, best...)
	}
	return out
}

func describe(s *Schema) string {
	switch {
	case s == nil:
		return "a value"
	case s.Ref != "":
		return s.Ref
	case s.Type != "":
		return s.Type
	}
	return "a value"
}

func jsonType(v any) string {
	switch v := v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number:
		if isInteger(v) {
			return "integer"
		}
		return "number"
	}
	return "null"
}

func typeFits(want, got string) bool {
	return want == got || (want == "number" && got == "integer")
}

func isInteger(n json.Number) bool {
	if !strings.ContainsAny(string(n), ".eE") {
		return true
	}
	x, err := n.Float64()
	return err == nil && x == math.Trunc(x) && !math.IsInf(x, 0)
}

// escape encodes a property name as a JSON pointer token.
func escape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
