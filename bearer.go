package clerk

import "github.com/goclerk/clerk/internal/authn"

// BearerToken reads a token from an Authorization value exactly as the
// middleware reads the header: "Bearer <token>" yields the token, a value
// without a space is taken whole, and any other scheme yields "" (no
// token). Transports that carry the header elsewhere (gRPC metadata, a
// Connect header, a message field) use it to agree with the middleware.
func BearerToken(authorization string) string {
	return authn.TokenInHeader(authorization)
}
