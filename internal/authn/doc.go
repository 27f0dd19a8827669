// Package authn decides one request exactly as @clerk/backend's
// authenticateRequest does (packages/backend/src/tokens/request.ts in
// clerk/javascript, which @clerk/express's clerkMiddleware calls): Facts
// read from the request, plus a validated Config, give a State (signed in,
// signed out with a reason, or a handshake redirect). Authenticate is the
// entry point; it writes no response and keeps no global state. Package
// clerk turns the State into the response and the auth object.
//
// Comments here compare the code with "Express" or "@clerk/backend": the
// JavaScript function named in the table below for the file at hand, read
// for facts (never copied).
//
//	File            Part of the decision                   @clerk/backend (tokens/ unless noted)
//	facts.go        what is read from the request, once    ClerkRequest / createClerkRequest (clerkRequest.ts)
//	url.go          the URL as the client saw it           createClerkUrl, ClerkUrl (clerkUrl.ts); WHATWG URLSearchParams
//	cookies.go      cookie parsing, protocol names         ClerkRequest.parseCookies (the cookie package's parse);
//	                                                        Cookies, QueryParameters (constants.ts, in src/)
//	config.go       options and the Backend API calls      AuthenticateRequestOptions (types.ts)
//	keys.go         publishable key, cookie suffix         parsePublishableKey, getCookieSuffix (@clerk/shared keys.ts)
//	decide.go       the decision itself: token in the      authenticateRequest and, inside it,
//	                header or cookies, client_uat and dev   authenticateRequestWithTokenInHeader,
//	                browser rules, satellite sync,          authenticateAnyRequestWithTokenInHeader,
//	                error → reason, handshake or not        authenticateMachineRequestWithTokenInHeader,
//	                                                        authenticateRequestWithTokenInCookie,
//	                                                        handleSessionTokenError, handleMaybeHandshakeStatus,
//	                                                        convertTokenVerificationErrorReasonToAuthErrorReason;
//	                                                        the per-request values of AuthenticateContext
//	                                                        (authenticateContext.ts: usesSuffixedCookies,
//	                                                        isCrossOriginReferrer, isKnownClerkReferrer)
//	handshake.go    handshake redirect and resolution,      HandshakeService (handshake.ts): buildRedirectToHandshake,
//	                primary answering a satellite's sync,   resolveHandshake, getCookiesFromHandshake; verifyHandshakeToken;
//	                organization activation                 handleMaybeOrganizationSyncHandshake (request.ts)
//	redirect.go     where a sync redirect may go            goclerk's own rule (AllowedRedirectOrigins); none in Express
//	refresh.go      refresh of an expired session token     refreshToken, attemptRefresh (request.ts), RefreshTokenErrorReason
//	verify.go       session and handshake token checks      verifyToken (verify.ts); loadClerkJwkFromPem,
//	                                                        loadClerkJWKFromRemote (keys.ts)
//	machine.go      API keys, M2M and OAuth tokens          verifyMachineAuthToken (verify.ts); isMachineToken,
//	                                                        getMachineTokenType (machine.ts); jwtCategories.ts
//	pathmatch.go    organizationSyncOptions patterns        OrganizationMatcher (organizationMatcher.ts) over
//	                                                        path-to-regexp (@clerk/shared pathToRegexp.ts)
//	props.go        session claims → auth object fields     signedInAuthObject (authObjects.ts);
//	                                                        __experimental_JWTPayloadToAuthObjectProperties
//	                                                        (@clerk/shared jwtPayloadParser.ts)
//	session.go      a verified session as cached, with the  the members and order of signedInAuthObject
//	                auth object's JSON encoded once         (authObjects.ts), as JSON.stringify prints them
//	signin.go       redirect to sign-in with a return URL   createRedirect (createRedirect.ts), as Next.js's
//	                                                        redirectToSignIn uses it
//	state.go        the outcome and its debug headers       RequestState, signedIn, signedOut, handshake,
//	                                                        AuthStatus, AuthErrorReason, withDebugHeaders (authStatus.ts)
//	jsnum.go        cookie numbers read as JavaScript does  Number(), Number.parseInt (the language, not the SDK)
//	cache.go        verified session tokens, per Config     goclerk's own (performance); none in Express
//	machinecache.go shared machine-token verifications      goclerk's own (performance); none in Express
//	quiet.go        requests decided by the configuration   goclerk's own (performance); none in Express
//	                alone (no token, cookie or query)
//
// Token decoding and verification rules live in internal/jwt, key sources
// (PEM, remote JWKS) in internal/jwks.
package authn
