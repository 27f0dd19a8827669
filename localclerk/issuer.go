package localclerk

import (
	"net"
	"strconv"
)

// issuerFor is the iss claim of the instance's session tokens.
//
// Clerk's SDKs disagree on what an issuer must look like. clerk-sdk-go v2
// accepts only an iss that starts with "https://clerk." or contains
// ".clerk.accounts" (unless the app configures a proxy URL), so the plain
// Frontend API URL (http://127.0.0.1:4401) is refused there. goclerk and
// @clerk/backend do not verify iss; they compare it, without its scheme,
// with the publishable key's Frontend API host only to decide which cookie
// set to read: a token from another issuer makes them read the suffixed
// cookies (__session_<suffix>), as for a proxied Clerk instance, so the
// handshake hands out both sets (see directives).
//
// https://clerk.localhost:<port> satisfies clerk-sdk-go, names the instance
// by its port (two instances on one machine issue different issuers, which
// is what the suffixed cookies tell apart) and is never fetched: every SDK
// gets the keys from the Backend API or CLERK_JWT_KEY.
func issuerFor(addr net.Addr) string {
	if ta, ok := addr.(*net.TCPAddr); ok {
		return "https://clerk.localhost:" + strconv.Itoa(ta.Port)
	}
	return "https://clerk.localhost"
}
