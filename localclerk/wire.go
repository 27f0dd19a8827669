package localclerk

// The wire shapes: the Backend and Frontend API objects as Go types, one
// file per resource (wire_<resource>.go). Handlers turn records into
// these; their field sets are checked against Clerk's specifications by
// the shape tests (bapi_shapes_test.go, fapi_shapes_test.go).

// placeholderImage is the image_url of a user or organization without an
// uploaded image, as Clerk answers it.
const placeholderImage = "https://img.clerk.com/placeholder.png"

// emptyList is a list localclerk never has items for (phone numbers,
// passkeys, …): always [].
type emptyList struct{}

// MarshalJSON implements json.Marshaler.
func (emptyList) MarshalJSON() ([]byte, error) { return []byte("[]"), nil }

// strOrNil is s, or nil (JSON null) when s is empty.
func strOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// pageWire is a page of a paginated list.
type pageWire struct {
	Data       any `json:"data"`
	TotalCount int `json:"total_count"`
}

// alwaysNull is a field localclerk never has a value for: always null.
type alwaysNull struct{}

// MarshalJSON implements json.Marshaler.
func (alwaysNull) MarshalJSON() ([]byte, error) { return []byte("null"), nil }

// deletedWire is the DeletedObject answer of a deletion.
type deletedWire struct {
	Object  string  `json:"object"`
	ID      string  `json:"id"`
	Deleted bool    `json:"deleted"`
	Slug    *string `json:"slug,omitempty"` // a deleted organization's
}

// deletedJSON answers the deletion of the object id.
func deletedJSON(object, id string) *deletedWire {
	return &deletedWire{Object: object, ID: id, Deleted: true}
}

// deletedOrgJSON answers the deletion of an organization, naming its slug.
func deletedOrgJSON(o *organization) *deletedWire {
	d := deletedJSON("organization", o.ID)
	d.Slug = &o.Slug
	return d
}
