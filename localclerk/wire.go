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
