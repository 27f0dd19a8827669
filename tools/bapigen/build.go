package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// serviceByTag names the resource group of each spec tag. Tags not listed
// fall back to their Pascal-cased form.
var serviceByTag = map[string]string{
	"Allow-list / Block-list": "AllowlistIdentifiers",
	"Email & SMS Templates":   "Templates",
	"Instance Settings":       "Instance",
	"Sign-in Tokens":          "SignInTokens",
}

// serviceByOp moves single operations to a better group than their tag.
var serviceByOp = map[string]string{
	"ListBlocklistIdentifiers":  "BlocklistIdentifiers",
	"CreateBlocklistIdentifier": "BlocklistIdentifiers",
	"DeleteBlocklistIdentifier": "BlocklistIdentifiers",
}

// methodByOp fixes method names where the spec's naming hints are missing
// or awkward in Go.
var methodByOp = map[string]string{
	"GetInstanceProtect":                  "GetProtect",
	"UpdateInstanceProtect":               "UpdateProtect",
	"createAdminPortalLinkToken":          "Create",
	"revokeAdminPortalLinkToken":          "Revoke",
	"createApiKey":                        "Create",
	"getApiKeys":                          "List",
	"getApiKey":                           "Get",
	"updateApiKey":                        "Update",
	"deleteApiKey":                        "Delete",
	"getApiKeySecret":                     "GetSecret",
	"revokeApiKey":                        "Revoke",
	"createM2MToken":                      "Create",
	"getM2MTokens":                        "List",
	"revokeM2MToken":                      "Revoke",
	"InstanceGetOrganizationMemberships":  "ListForInstance",
	"ListInstanceOrganizationInvitations": "ListForInstance",
	"ToggleTemplateDelivery":              "ToggleDelivery",
	"ListAllOrganizationDomains":          "ListForInstance",
	"GetPublicInterstitial":               "GetPublicInterstitial",
	// Reads that answer a list are List…, like every other.
	"GetOAuthAccessToken":                "ListOAuthAccessTokens",
	"UsersGetOrganizationMemberships":    "ListOrganizationMemberships",
	"UsersGetOrganizationInvitations":    "ListOrganizationInvitations",
	"GetBillingStatementPaymentAttempts": "ListStatementPaymentAttempts",
}

// legacyPath maps the old spelling of a path to the current one. The
// specification serves SCIM directories under both /scim_directories (the
// legacy name, as its field descriptions say) and /directories: one
// resource gets one service, Client.Directories, and the legacy
// operations are listed as aliases of the current ones, not generated.
var legacyPath = strings.NewReplacer("/scim_directories", "/directories", "{scim_directory_id}", "{directory_id}")

// handWritten operations are implemented in auth_operations.go; the generator
// only lists them in the coverage table and the facts.
var handWritten = map[string][2]string{
	"GetJWKS":                        {"JWKS", "Get"},
	"verifyApiKey":                   {"APIKeys", "Verify"},
	"verifyM2MToken":                 {"M2MTokens", "Verify"},
	"verifyOAuthAccessToken":         {"OAuthAccessTokens", "Verify"},
	"RefreshSession":                 {"Sessions", "Refresh"},
	"CreateSessionToken":             {"Sessions", "CreateToken"},
	"CreateSessionTokenFromTemplate": {"Sessions", "CreateTokenFromTemplate"},
}

type opInfo struct {
	ID, Method, Path     string
	Tag, Service, GoName string
	Hand                 bool
	// AliasOf is the operation a legacy path duplicates (see legacyPath);
	// no method is generated for an alias.
	AliasOf    string
	noTypes    bool // Hand or an alias: no Go types for it
	PathParams []string
	Query      []*field
	BodyKind   string // none, json, array, multipart, raw
	BodyProps  []string
	ParamsType string
	RetType    string // "" when the operation returns nothing
	ItemType   string // element type of a paginated answer
	// ItemsKey is the JSON key of the items of a paginated answer that
	// keeps them somewhere other than "data" (or a bare array).
	ItemsKey string
	IterName string
	// Bare marks a page Clerk answers as a bare array, without a total.
	Bare bool
	// Count is the GET <path>/count operation of a Bare list, which List
	// also calls to fill Page.TotalCount; CountFields are the fields of
	// the list's params that the count's params share (the filters).
	Count       *opInfo
	CountFields []string
	SkipVersion bool
	MachineKey  bool
}

type serviceInfo struct {
	Name string
	Tag  string
	Ops  []*opInfo
}

type model struct {
	ops      []*opInfo
	services []*serviceInfo
	types    *typeGen
}

// handDeclared collects top-level names declared by hand-written files so
// generated names never clash with them, and the identifiers those files
// use, so that the generated types they refer to are kept.
func handDeclared(dir string) (declared, used map[string]bool, err error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, nil, err
	}
	out, used := map[string]bool{}, map[string]bool{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_gen.go") || strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, nil, fmt.Errorf("parse %s: %w", f, err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				used[id.Name] = true
			}
			return true
		})
		for _, d := range af.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						out[s.Name.Name] = true
					case *ast.ValueSpec:
						for _, n := range s.Names {
							out[n.Name] = true
						}
					}
				}
			case *ast.FuncDecl:
				if d.Recv == nil {
					out[d.Name.Name] = true
				}
			}
		}
	}
	return out, used, nil
}

var pathParamRe = regexp.MustCompile(`\{([^}]+)\}`)

func build(sp *spec, taken, used map[string]bool) (*model, error) {
	taken["Client"] = true
	for _, item := range sp.Paths.Vals {
		for _, op := range item.Ops.Vals {
			for _, t := range op.Tags {
				taken[pascal(t)+"Service"] = true
			}
		}
	}
	for _, n := range serviceByTag {
		taken[n+"Service"] = true
	}
	for _, n := range serviceByOp {
		taken[n+"Service"] = true
	}
	tg := &typeGen{sp: sp, decls: map[string]*typeDecl{}, byComp: map[string]string{}, bySig: map[string]string{}, taken: taken}
	m := &model{types: tg}
	svcs := map[string]*serviceInfo{}
	seenIDs := map[string]bool{}
	for _, path := range sp.Paths.Keys {
		item := sp.Paths.Vals[path]
		for _, meth := range item.Ops.Keys {
			op := item.Ops.Vals[meth]
			if op.OperationID == "" {
				return nil, fmt.Errorf("%s %s: no operationId", meth, path)
			}
			if seenIDs[op.OperationID] {
				return nil, fmt.Errorf("duplicate operationId %s", op.OperationID)
			}
			seenIDs[op.OperationID] = true
			alias := legacyPath.Replace(path) != path
			oi, err := buildOp(tg, path, strings.ToUpper(meth), op, item.Parameters, alias)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", op.OperationID, err)
			}
			m.ops = append(m.ops, oi)
			if alias {
				continue
			}
			s := svcs[oi.Service]
			if s == nil {
				s = &serviceInfo{Name: oi.Service, Tag: oi.Tag}
				svcs[oi.Service] = s
				m.services = append(m.services, s)
			}
			s.Ops = append(s.Ops, oi)
		}
	}
	if err := resolveAliases(m.ops); err != nil {
		return nil, err
	}
	sort.Slice(m.services, func(i, j int) bool { return m.services[i].Name < m.services[j].Name })
	if err := linkCounts(m.services, tg); err != nil {
		return nil, err
	}
	// Method names must be unique per service.
	for _, s := range m.services {
		seen := map[string]string{}
		for _, o := range s.Ops {
			for _, n := range []string{o.GoName, o.IterName} {
				if n == "" {
					continue
				}
				if prev, ok := seen[n]; ok {
					return nil, fmt.Errorf("service %s: method %s used by %s and %s", s.Name, n, prev, o.ID)
				}
				seen[n] = o.ID
			}
		}
	}
	tg.prune(m.ops, used)
	return m, nil
}

// linkCounts gives every bare-array list that has a GET <path>/count
// operation in its service (GET /users and /users/count) that operation,
// so that List fills TotalCount as clerk-sdk-go's does. Every query
// parameter of the count must be one of the list's, of the same type: the
// count is then exactly of what the list filters.
func linkCounts(services []*serviceInfo, tg *typeGen) error {
	for _, s := range services {
		for _, o := range s.Ops {
			if !o.Bare || o.Method != "GET" || o.AliasOf != "" || o.Hand {
				continue
			}
			for _, c := range s.Ops {
				if c.Method != "GET" || c.Path != o.Path+"/count" || c.RetType != "*TotalCount" || c.AliasOf != "" {
					continue
				}
				listFields := map[string]string{}
				for _, f := range tg.decls[o.ParamsType].fields {
					if f.in == "query" {
						listFields[f.goName] = f.goType
					}
				}
				o.Count, o.CountFields = c, nil
				if c.ParamsType == "" {
					break
				}
				for _, f := range tg.decls[c.ParamsType].fields {
					if f.in != "query" {
						continue
					}
					if listFields[f.goName] != f.goType {
						return fmt.Errorf("%s: count parameter %s (%s) is not a parameter of %s", c.ID, f.jsonName, f.goType, o.ID)
					}
					o.CountFields = append(o.CountFields, f.goName)
				}
				break
			}
		}
	}
	return nil
}

// resolveAliases points every legacy-path operation at the operation of
// the current path with the same method, which must take every input the
// legacy one takes (it may take more: directory_group_id next to the
// legacy scim_group_id).
func resolveAliases(ops []*opInfo) error {
	byRoute := map[string]*opInfo{}
	for _, o := range ops {
		if legacyPath.Replace(o.Path) == o.Path {
			byRoute[o.Method+" "+o.Path] = o
		}
	}
	for _, o := range ops {
		cur := legacyPath.Replace(o.Path)
		if cur == o.Path {
			continue
		}
		c := byRoute[o.Method+" "+cur]
		if c == nil {
			return fmt.Errorf("%s: legacy path %s has no current %s %s", o.ID, o.Path, o.Method, cur)
		}
		var oq, cq []string
		for _, q := range o.Query {
			oq = append(oq, q.jsonName)
		}
		for _, q := range c.Query {
			cq = append(cq, q.jsonName)
		}
		if o.BodyKind != c.BodyKind || !subset(oq, cq) || !subset(o.BodyProps, c.BodyProps) {
			return fmt.Errorf("%s: legacy path %s takes inputs %s does not", o.ID, o.Path, c.ID)
		}
		o.AliasOf, o.Service, o.GoName, o.IterName = c.ID, c.Service, c.GoName, c.IterName
	}
	return nil
}

func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func buildOp(tg *typeGen, path, method string, op *operation, pathLevel []*param, alias bool) (*opInfo, error) {
	sp := tg.sp
	oi := &opInfo{ID: op.OperationID, Method: method, Path: path}
	if len(op.Tags) > 0 {
		oi.Tag = op.Tags[0]
	}
	oi.Service = serviceByTag[oi.Tag]
	if oi.Service == "" {
		oi.Service = pascal(oi.Tag)
	}
	if s, ok := serviceByOp[op.OperationID]; ok {
		oi.Service = s
	}
	switch {
	case methodByOp[op.OperationID] != "":
		oi.GoName = methodByOp[op.OperationID]
	case op.NameOverride != "":
		oi.GoName = pascal(op.NameOverride)
	default:
		oi.GoName = pascal(op.OperationID)
	}
	oi.SkipVersion = strings.HasPrefix(path, "/api_keys") || strings.HasPrefix(path, "/m2m_tokens") ||
		path == "/oauth_applications/access_tokens/verify"
	oi.MachineKey = strings.HasPrefix(path, "/m2m_tokens")
	for _, mt := range pathParamRe.FindAllStringSubmatch(path, -1) {
		oi.PathParams = append(oi.PathParams, mt[1])
	}
	if h, ok := handWritten[op.OperationID]; ok {
		oi.Service, oi.GoName, oi.Hand = h[0], h[1], true
	}
	oi.noTypes = oi.Hand || alias

	file := snake(oi.Service)
	// The naming scheme (see package backend's doc): Client.Users.List
	// takes *UserListParams; an unnamed answer object is UserListResponse.
	opName := resource(oi.Service) + oi.GoName
	var pd *typeDecl
	params := func() *typeDecl {
		if pd == nil {
			pd = tg.newDecl(opName+"Params", file, "the parameters of "+oi.Service+"."+oi.GoName)
		}
		return pd
	}

	// Query parameters.
	all := append(slices.Clone(pathLevel), op.Parameters...)
	for _, p := range all {
		rp, err := sp.param(p)
		if err != nil {
			return nil, err
		}
		switch rp.In {
		case "path":
			if !slices.Contains(oi.PathParams, rp.Name) {
				return nil, fmt.Errorf("path parameter %s not in template", rp.Name)
			}
			continue
		case "query":
		default:
			return nil, fmt.Errorf("parameter %s in %s unsupported", rp.Name, rp.In)
		}
		if oi.noTypes {
			oi.Query = append(oi.Query, &field{jsonName: rp.Name, in: "query"})
			continue
		}
		d := params()
		t, err := tg.goType(rp.Schema, d.name+pascal(rp.Name), file, true)
		if err != nil {
			return nil, fmt.Errorf("query %s: %w", rp.Name, err)
		}
		if t == "bool" || t == "int64" || t == "float64" {
			t = "*" + t // optional numbers and flags must be able to send 0/false
		}
		goName := pascal(rp.Name)
		if rp.Deprecated {
			// A deprecated spelling of another parameter (frontendApi
			// next to frontend_api) says so in its name.
			for _, other := range all {
				if o, err := sp.param(other); err == nil && o != rp && pascal(o.Name) == goName {
					goName += "Deprecated"
					break
				}
			}
		}
		f := &field{goName: goName, jsonName: rp.Name, goType: t, tag: `json:"-"`, in: "query",
			explode: rp.Explode == nil || *rp.Explode, required: rp.Required}
		addField(d, f)
		oi.Query = append(oi.Query, f)
	}

	// Request body.
	oi.BodyKind = "none"
	if rb := op.RequestBody; rb != nil {
		if rb.Ref != "" {
			return nil, fmt.Errorf("requestBody $ref unsupported")
		}
		ct := ""
		if _, ok := rb.Content.Vals["application/json"]; ok {
			ct = "application/json"
		} else if len(rb.Content.Keys) > 0 {
			ct = rb.Content.Keys[0]
		}
		if ct != "" {
			sc := rb.Content.Vals[ct].Schema
			if err := buildBody(tg, oi, ct, sc, params, file); err != nil {
				return nil, fmt.Errorf("body: %w", err)
			}
		}
	}
	if pd != nil {
		oi.ParamsType = pd.name
	}

	// Response: the first 2xx answer with a JSON schema.
	if !oi.noTypes {
		for _, code := range op.Responses.Keys {
			if !strings.HasPrefix(code, "2") {
				continue
			}
			r, err := sp.response(op.Responses.Vals[code])
			if err != nil {
				return nil, err
			}
			mto, ok := r.Content.Vals["application/json"]
			if !ok || mto.Schema == nil {
				break
			}
			t, err := tg.goType(mto.Schema, opName+"Response", file, false)
			if err != nil {
				return nil, fmt.Errorf("response: %w", err)
			}
			if tg.isStructType(t) {
				t = "*" + strings.TrimPrefix(t, "*")
			}
			oi.RetType = t
			break
		}
		setIterator(tg, oi)
	}
	return oi, nil
}

func buildBody(tg *typeGen, oi *opInfo, ct string, sc *schema, params func() *typeDecl, file string) error {
	rs, err := tg.resolve(sc)
	if err != nil {
		return err
	}
	switch {
	case ct == "multipart/form-data":
		oi.BodyKind = "multipart"
		ps, err := tg.props(rs)
		if err != nil {
			return err
		}
		for _, p := range ps {
			oi.BodyProps = append(oi.BodyProps, p.name)
			if oi.noTypes {
				continue
			}
			d := params()
			prs, _ := tg.resolve(p.sc)
			t := "string"
			if prs != nil && prs.Format == "binary" {
				t = "*File"
			} else if prs != nil && (prs.Type == "boolean" || prs.Type == "integer" || prs.Type == "number") {
				t = map[string]string{"boolean": "*bool", "integer": "*int64", "number": "*float64"}[prs.Type]
			}
			addField(d, &field{goName: pascal(p.name), jsonName: p.name, goType: t, tag: `json:"-"`, in: "multipart"})
		}
	case ct != "application/json":
		return fmt.Errorf("content type %s unsupported", ct)
	case tg.objectLike(rs):
		oi.BodyKind = "json"
		ps, err := tg.props(rs)
		if err != nil {
			return err
		}
		for _, p := range ps {
			oi.BodyProps = append(oi.BodyProps, p.name)
			if oi.noTypes {
				continue
			}
			d := params()
			f, err := tg.propField(d, p, true)
			if err != nil {
				return err
			}
			f.in = "body"
			d.hasBody = true
			addField(d, f)
		}
	case rs.Type == "array":
		oi.BodyKind = "array"
		if oi.noTypes {
			return nil
		}
		d := params()
		t, err := tg.goType(rs, d.name, file, true)
		if err != nil {
			return err
		}
		addField(d, &field{goName: "Items", jsonName: "", goType: t, tag: `json:"-"`, in: "items"})
	default:
		oi.BodyKind = "raw"
		if oi.noTypes {
			return nil
		}
		d := params()
		t, err := tg.goType(rs, d.name+"Body", file, true)
		if err != nil {
			return err
		}
		addField(d, &field{goName: "Body", goType: t, tag: `json:"-"`, in: "rawbody"})
	}
	return nil
}

// setIterator makes an operation whose answer is a list of items (a bare
// array, or an object holding only the items and total_count) answer a
// *Page of them, and gives it an *All iterator when it is paged by
// limit/offset.
func setIterator(tg *typeGen, oi *opInfo) {
	var hasLimit, hasOffset bool
	for _, q := range oi.Query {
		hasLimit = hasLimit || q.jsonName == "limit"
		hasOffset = hasOffset || q.jsonName == "offset"
	}
	paged := hasLimit && hasOffset
	if strings.HasPrefix(oi.RetType, "[]") && paged {
		oi.ItemType = strings.TrimPrefix(oi.RetType, "[]")
		oi.Bare = true
	} else if d := tg.decls[strings.TrimPrefix(oi.RetType, "*")]; d != nil && len(d.fields) <= 2 {
		// The items are under "data", or under another key next to
		// total_count (m2m_tokens).
		var items, total *field
		for _, f := range d.fields {
			switch {
			case f.jsonName == "total_count":
				total = f
			case strings.HasPrefix(f.goType, "[]"):
				items = f
			}
		}
		if items == nil || (total == nil && !paged) || (total == nil && len(d.fields) > 1) {
			return
		}
		oi.ItemType = strings.TrimPrefix(items.goType, "[]")
		if items.jsonName != "data" {
			oi.ItemsKey = items.jsonName
		}
	} else {
		return
	}
	oi.RetType = "*Page[" + oi.ItemType + "]"
	if !paged {
		return
	}
	if oi.GoName == "List" {
		oi.IterName = "ListAll"
	} else {
		oi.IterName = oi.GoName + "All"
	}
}
