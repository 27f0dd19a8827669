package localclerk

// newAPIError is an error answer with one entry in its "errors" array.
// (The backend-types work gives errors.go a constructor of this name and
// signature; when both meet, keep that one and delete this file.)
func newAPIError(status int, code, message, long string, meta map[string]any) *apiError {
	return &apiError{Status: status, Code: code, Message: message, Long: long, Meta: meta}
}
