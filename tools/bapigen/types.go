package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// typeRename names the component schemas whose derived Go name (see
// modelName) is taken by the package's own API or by another schema.
var typeRename = map[string]string{
	"Client": "ClientObject",
	// The answer of creating a test run is the URL that starts it, not the
	// run (EnterpriseConnectionTestRun).
	"EnterpriseConnectionTestRunResponse": "EnterpriseConnectionTestRunURL",
	// The newer spelling of CommerceDiscountsResponse, with a
	// BillingProrationDiscountDetail; the variant merge keeps the older one.
	"BillingDiscountsResponse": "BillingDiscountsDetail",
}

// modelName is the Go name of a component schema. The specification names
// one product two ways, Commerce… (older schemas) and Billing… (its tag,
// and what Clerk's documentation calls it): every model says Billing. A
// schema named …Response describes a model, not an answer (it is embedded
// in other models), so the suffix is dropped: CommerceMoneyResponse is
// BillingMoney.
func modelName(schema string) string {
	if r, ok := typeRename[schema]; ok {
		return r
	}
	n := strings.ReplaceAll(pascal(schema), "Commerce", "Billing")
	if t := strings.TrimSuffix(n, "Response"); t != "" {
		n = t
	}
	return n
}

// typeDecl is one generated Go struct type.
type typeDecl struct {
	name   string
	file   string // output file stem ("models" or a service)
	origin string // what it was made from, for the doc comment
	fields []*field
	// queryOnly marks a parameter struct without body fields.
	hasBody bool
}

type field struct {
	goName   string
	jsonName string
	goType   string
	tag      string
	// in is "query", "body" or "" (response field).
	in       string
	explode  bool
	required bool
}

type typeGen struct {
	sp     *spec
	decls  map[string]*typeDecl
	order  []string
	byComp map[string]string // component schema name -> Go type name
	bySig  map[string]string // inline struct signature -> Go type name
	taken  map[string]bool   // names declared by hand-written code
}

// resolve follows $ref chains to the underlying schema.
func (g *typeGen) resolve(s *schema) (*schema, error) {
	for i := 0; s != nil && s.Ref != ""; i++ {
		if i > 20 {
			return nil, fmt.Errorf("$ref loop at %s", s.Ref)
		}
		_, t, err := g.sp.schemaRef(s.Ref)
		if err != nil {
			return nil, err
		}
		s = t
	}
	return s, nil
}

// objectLike reports whether s becomes a Go struct.
func (g *typeGen) objectLike(s *schema) bool {
	s, err := g.resolve(s)
	if err != nil || s == nil {
		return false
	}
	if len(s.Properties.Keys) > 0 {
		return true
	}
	if len(s.AllOf) == 1 && len(s.OneOf) == 0 && len(s.AnyOf) == 0 {
		return g.objectLike(s.AllOf[0])
	}
	variants := append(append(slices.Clone(s.AllOf), s.OneOf...), s.AnyOf...)
	if len(variants) == 0 {
		return false
	}
	for _, v := range variants {
		if !g.objectLike(v) {
			return false
		}
	}
	return true
}

type prop struct {
	name     string
	sc       *schema
	required bool
}

// props flattens an object-like schema into its properties, merging allOf
// (keeping required) and oneOf/anyOf (all optional).
func (g *typeGen) props(s *schema) ([]prop, error) {
	s, err := g.resolve(s)
	if err != nil {
		return nil, err
	}
	var out []prop
	seen := map[string]int{}
	add := func(p prop) {
		if i, ok := seen[p.name]; ok {
			out[i].required = out[i].required && p.required
			return
		}
		seen[p.name] = len(out)
		out = append(out, p)
	}
	for _, k := range s.Properties.Keys {
		add(prop{name: k, sc: s.Properties.Vals[k], required: slices.Contains(s.Required, k)})
	}
	for _, sub := range s.AllOf {
		ps, err := g.props(sub)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			p.required = p.required || slices.Contains(s.Required, p.name)
			add(p)
		}
	}
	union := append(slices.Clone(s.OneOf), s.AnyOf...)
	for _, sub := range union {
		ps, err := g.props(sub)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			p.required = len(union) == 1 && p.required
			add(p)
		}
	}
	return out, nil
}

// newDecl registers a fresh type name, adding a numeric suffix on clash.
func (g *typeGen) newDecl(name, file, origin string) *typeDecl {
	base := name
	for i := 2; g.decls[name] != nil || g.taken[name]; i++ {
		name = fmt.Sprintf("%s%d", base, i)
	}
	d := &typeDecl{name: name, file: file, origin: origin}
	g.decls[name] = d
	g.order = append(g.order, name)
	return d
}

// goType returns the Go type for s. ctx names any inline struct that must
// be created; file is where such a struct goes; req selects request-side
// field rules (pointers for optional scalars).
func (g *typeGen) goType(s *schema, ctx, file string, req bool) (string, error) {
	if s == nil {
		return "any", nil
	}
	if s.Ref != "" {
		name, target, err := g.sp.schemaRef(s.Ref)
		if err != nil {
			return "", err
		}
		if g.objectLike(target) {
			return g.component(name)
		}
		return g.goType(target, ctx, file, req)
	}
	if len(s.AllOf) == 1 && len(s.Properties.Keys) == 0 && len(s.OneOf) == 0 && len(s.AnyOf) == 0 {
		return g.goType(s.AllOf[0], ctx, file, req)
	}
	if len(s.OneOf)+len(s.AnyOf) == 1 && len(s.Properties.Keys) == 0 && len(s.AllOf) == 0 {
		return g.goType(append(slices.Clone(s.OneOf), s.AnyOf...)[0], ctx, file, req)
	}
	if g.objectLike(s) {
		return g.structFor(s, ctx, file, req, "an inline object")
	}
	if len(s.AllOf)+len(s.OneOf)+len(s.AnyOf) > 0 {
		return "any", nil
	}
	switch s.Type {
	case "string":
		return "string", nil
	case "integer":
		return "int64", nil
	case "number":
		return "float64", nil
	case "boolean":
		return "bool", nil
	case "array":
		et, err := g.goType(s.Items, ctx+"Item", file, req)
		if err != nil {
			return "", err
		}
		if g.isStructType(et) {
			// Slices hold values; a nil element is never meaningful.
			et = strings.TrimPrefix(et, "*")
		}
		return "[]" + et, nil
	case "object", "":
		if s.AdditionalProperties != nil && s.AdditionalProperties.Schema != nil {
			vt, err := g.goType(s.AdditionalProperties.Schema, ctx+"Value", file, req)
			if err != nil {
				return "", err
			}
			return "map[string]" + vt, nil
		}
		if s.Type == "object" {
			return "map[string]any", nil
		}
		if len(s.Enum) > 0 {
			return "string", nil
		}
		return "any", nil
	}
	return "", fmt.Errorf("unsupported schema type %q", s.Type)
}

func (g *typeGen) isStructType(t string) bool {
	t = strings.TrimPrefix(t, "*")
	return g.decls[t] != nil
}

var variantRe = regexp.MustCompile(`^(.+)-[0-9]+$`)

// component generates (once) the struct for a named component schema.
//
// The specification declares a few schemas twice, the second time as
// "Name-2" with a slightly different field set (older and newer shapes of
// the same billing object). They describe one object, so they become one
// Go type: Name, holding the fields of every variant. A field both
// variants declare with different shapes stops the generator.
func (g *typeGen) component(name string) (string, error) {
	if t, ok := g.byComp[name]; ok {
		return t, nil
	}
	if m := variantRe.FindStringSubmatch(name); m != nil {
		if _, ok := g.sp.Components.Schemas.Vals[m[1]]; ok {
			t, err := g.component(m[1])
			g.byComp[name] = t
			return t, err
		}
	}
	sc := g.sp.Components.Schemas.Vals[name]
	goName := modelName(name)
	if g.decls[goName] != nil || g.taken[goName] {
		return "", fmt.Errorf("schema %s: Go name %s is taken; name it in typeRename", name, goName)
	}
	d := g.newDecl(goName, "models", "the "+name+" schema")
	g.byComp[name] = d.name
	if err := g.fillStruct(d, sc, false); err != nil {
		return "", fmt.Errorf("schema %s: %w", name, err)
	}
	for _, v := range g.sp.Components.Schemas.Keys {
		if m := variantRe.FindStringSubmatch(v); m == nil || m[1] != name {
			continue
		}
		d.origin += " and its " + v + " variant"
		if err := g.mergeVariant(d, g.sp.Components.Schemas.Vals[v]); err != nil {
			return "", fmt.Errorf("schema %s: %w", v, err)
		}
	}
	return d.name, nil
}

// mergeVariant adds the fields of variant schema s that d lacks, as
// optional fields, and checks that shared fields have the same shape.
func (g *typeGen) mergeVariant(d *typeDecl, s *schema) error {
	ps, err := g.props(s)
	if err != nil {
		return err
	}
	for _, p := range ps {
		p.required = false
		f, err := g.propField(d, p, false)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(d.fields, func(o *field) bool { return o.jsonName == p.name })
		if i < 0 {
			addField(d, f)
			continue
		}
		if !g.sameShape(d.fields[i].goType, f.goType) {
			return fmt.Errorf("property %s is %s in one variant and %s in another", p.name, d.fields[i].goType, f.goType)
		}
	}
	return nil
}

// sameShape reports whether Go types a and b decode the same JSON,
// ignoring pointers (null and absent decode alike) and comparing
// generated structs field by field.
func (g *typeGen) sameShape(a, b string) bool {
	a, b = strings.TrimPrefix(a, "*"), strings.TrimPrefix(b, "*")
	if a == b {
		return true
	}
	for _, pre := range []string{"[]", "map[string]"} {
		if strings.HasPrefix(a, pre) || strings.HasPrefix(b, pre) {
			return strings.HasPrefix(a, pre) && strings.HasPrefix(b, pre) && g.sameShape(a[len(pre):], b[len(pre):])
		}
	}
	da, db := g.decls[a], g.decls[b]
	if da == nil || db == nil || len(da.fields) != len(db.fields) {
		return false
	}
	for i, fa := range da.fields {
		fb := db.fields[i]
		if fa.jsonName != fb.jsonName || !g.sameShape(fa.goType, fb.goType) {
			return false
		}
	}
	return true
}

var identRe = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)

// prune drops the generated types no method signature, no kept type and
// no hand-written file refers to: a list answer's wrapper object, for
// one, is replaced by Page and would only be noise in the package.
func (g *typeGen) prune(ops []*opInfo, used map[string]bool) {
	keep := map[string]bool{}
	var visit func(t string)
	visit = func(t string) {
		for _, id := range identRe.FindAllString(t, -1) {
			d := g.decls[id]
			if d == nil || keep[id] {
				continue
			}
			keep[id] = true
			for _, f := range d.fields {
				visit(f.goType)
			}
		}
	}
	for _, o := range ops {
		visit(o.ParamsType + " " + o.RetType + " " + o.ItemType)
	}
	for n := range used {
		visit(n)
	}
	g.order = slices.DeleteFunc(g.order, func(n string) bool {
		if keep[n] {
			return false
		}
		delete(g.decls, n)
		return true
	})
}

// structFor generates the struct for an inline object schema. The spec
// repeats many inline objects verbatim (the API key object appears in
// every API key answer), so a struct identical to an earlier inline one is
// replaced by it.
func (g *typeGen) structFor(s *schema, ctx, file string, req bool, origin string) (string, error) {
	if target, ok := inlineAs[ctx]; ok {
		return g.useModel(s, ctx, target)
	}
	name := ctx
	if r, ok := inlineRename[ctx]; ok {
		name = r
		if g.decls[name] != nil || g.taken[name] {
			return "", fmt.Errorf("%s: name %s is taken", ctx, name)
		}
	}
	d := g.newDecl(name, file, origin)
	if err := g.fillStruct(d, s, req); err != nil {
		return "", fmt.Errorf("%s: %w", ctx, err)
	}
	sig := signature(d)
	if prev, ok := g.bySig[sig]; ok {
		delete(g.decls, d.name)
		g.order = slices.DeleteFunc(g.order, func(n string) bool { return n == d.name })
		return prev, nil
	}
	g.bySig[sig] = d.name
	return d.name, nil
}

// inlineRename gives an inline object (the first occurrence of a repeated
// one) a resource name instead of its positional one. Every answer object
// has one: no generated type is named …Response.
var inlineRename = map[string]string{
	"APIKeyListResponseDataItem":                "APIKey",
	"APIKeyCreateResponse":                      "CreatedAPIKey",
	"APIKeyGetSecretResponse":                   "APIKeySecret",
	"M2MTokenListResponseM2MTokensItem":         "M2MToken",
	"M2MTokenCreateResponse":                    "CreatedM2MToken",
	"MachineCreateResponse":                     "CreatedMachine",
	"MachineDeleteScopeResponse":                "DeletedMachineScope",
	"MachineGetSecretKeyResponse":               "MachineSecretKey",
	"AdminPortalLinkTokenCreateResponse":        "AdminPortalLinkToken",
	"AdminPortalLinkTokenRevokeResponse":        "RevokedAdminPortalLinkToken",
	"BetaFeatureUpdateInstanceSettingsResponse": "BetaInstanceSettings",
	"InvitationRevokeResponse":                  "RevokedInvitation",
	"EmailAddressPrepareVerificationResponse":   "VerificationStatus",
	"UserDisableMFAResponse":                    "UserIDResult",
	"UserVerifyPasswordResponse":                "PasswordVerification",
	"UserVerifyTOTPResponse":                    "TOTPVerification",
	"UserListOAuthAccessTokensResponseItem":     "ProviderOAuthAccessToken",
}

// inlineAs answers an inline object with an existing model whose fields
// include all of its own: the deletion answers the specification spells
// inline are the DeletedObject every other deletion answers.
var inlineAs = map[string]string{
	"MachineDeleteResponse":                   "DeletedObject",
	"APIKeyDeleteResponse":                    "DeletedObject",
	"DirectoryDeleteGroupRoleMappingResponse": "DeletedObject",
}

// useModel returns model (a component schema's Go name) for the inline
// object s, after checking that every property of s is a field of model
// with the same JSON shape, so that nothing the server sends is lost.
func (g *typeGen) useModel(s *schema, ctx, model string) (string, error) {
	if g.decls[model] == nil {
		for _, n := range g.sp.Components.Schemas.Keys {
			if modelName(n) == model {
				if _, err := g.component(n); err != nil {
					return "", err
				}
				break
			}
		}
	}
	md := g.decls[model]
	if md == nil {
		return "", fmt.Errorf("%s: no model %s", ctx, model)
	}
	probe := &typeDecl{name: ctx}
	if err := g.fillStruct(probe, s, false); err != nil {
		return "", fmt.Errorf("%s: %w", ctx, err)
	}
	for _, f := range probe.fields {
		i := slices.IndexFunc(md.fields, func(o *field) bool { return o.jsonName == f.jsonName })
		if i < 0 || !g.sameShape(md.fields[i].goType, f.goType) {
			return "", fmt.Errorf("%s: property %s (%s) is not a field of %s", ctx, f.jsonName, f.goType, model)
		}
	}
	return model, nil
}

func signature(d *typeDecl) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v|", d.hasBody)
	for _, f := range d.fields {
		fmt.Fprintf(&b, "%s %s %s %s;", f.goName, f.goType, f.tag, f.in)
	}
	return b.String()
}

// fillStruct adds the schema's properties as fields of d.
func (g *typeGen) fillStruct(d *typeDecl, s *schema, req bool) error {
	ps, err := g.props(s)
	if err != nil {
		return err
	}
	for _, p := range ps {
		f, err := g.propField(d, p, req)
		if err != nil {
			return err
		}
		f.in = ""
		if req {
			f.in = "body"
			d.hasBody = true
		}
		addField(d, f)
	}
	return nil
}

func (g *typeGen) propField(d *typeDecl, p prop, req bool) (*field, error) {
	fname := pascal(p.name)
	t, err := g.goType(p.sc, d.name+fname, d.file, req)
	if err != nil {
		return nil, fmt.Errorf("property %s: %w", p.name, err)
	}
	rs, err := g.resolve(p.sc)
	if err != nil {
		return nil, err
	}
	nullable := p.sc.Nullable || (rs != nil && rs.Nullable)
	scalar := t == "string" || t == "int64" || t == "float64" || t == "bool"
	switch {
	case g.isStructType(t):
		t = "*" + strings.TrimPrefix(t, "*")
	case scalar && req && !p.required:
		t = "*" + t
	case scalar && !req && nullable:
		t = "*" + t
	}
	tag := p.name
	switch {
	case req && !p.required && strings.HasPrefix(t, "map["):
		// An empty object is a value to send (PUT …/metadata replaces a
		// field with it); only an unset (nil) map is left out.
		tag += ",omitzero"
	case !p.required || (!req && strings.HasPrefix(t, "*")):
		tag += ",omitempty"
	}
	return &field{goName: fname, jsonName: p.name, goType: t, tag: fmt.Sprintf("json:%q", tag), required: p.required}, nil
}

// addField appends f, renaming it if its Go name is already used.
func addField(d *typeDecl, f *field) {
	base := f.goName
	for i := 2; ; i++ {
		clash := false
		for _, o := range d.fields {
			if o.goName == f.goName {
				clash = true
				break
			}
		}
		if !clash {
			break
		}
		f.goName = fmt.Sprintf("%s%d", base, i)
	}
	d.fields = append(d.fields, f)
}
