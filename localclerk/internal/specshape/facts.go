package specshape

// Facts is the part of a Clerk API specification the checker needs: every
// operation's response schemas and the named schemas they refer to.
// It is generated (see ./gen) and committed as fapi.json and bapi.json.
type Facts struct {
	// Spec names the specification file the facts were extracted from.
	Spec string `json:"spec"`
	// Operations are in the specification's order.
	Operations []*Operation `json:"operations"`
	// Schemas are the named component schemas reachable from a response,
	// with allOf already merged.
	Schemas map[string]*Schema `json:"schemas"`
}

// Operation is one method on one path template.
type Operation struct {
	Method string `json:"method"` // upper case
	Path   string `json:"path"`   // template, e.g. /v1/client/sessions/{session_id}/end
	ID     string `json:"id,omitempty"`
	Tag    string `json:"tag,omitempty"` // the specification's first tag: the resource group
	// Responses maps a status code ("200") to the JSON body schema; a nil
	// schema is a documented status without a JSON body (a redirect).
	Responses map[string]*Schema `json:"responses"`
}

// Schema is a normalized OpenAPI schema: $refs are names in
// Facts.Schemas, allOf is merged, oneOf and anyOf become AnyOf.
type Schema struct {
	Ref      string             `json:"ref,omitempty"`
	Type     string             `json:"type,omitempty"` // object, array, string, integer, number, boolean; "" = any
	Nullable bool               `json:"nullable,omitempty"`
	Required []string           `json:"required,omitempty"`
	Props    map[string]*Schema `json:"props,omitempty"`
	Values   *Schema            `json:"values,omitempty"` // additionalProperties schema
	Items    *Schema            `json:"items,omitempty"`
	Enum     []string           `json:"enum,omitempty"` // allowed values of a string
	AnyOf    []*Schema          `json:"any_of,omitempty"`
}
