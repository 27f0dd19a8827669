// Package clerksdkgo tests Clerk's official Go SDK, clerk-sdk-go v2, against
// localclerk: its Backend API client, its JWKS client, jwt.Verify and its
// net/http middleware, configured only with what an app on a real Clerk
// instance sets (the secret key, the Backend API URL with its /v1 suffix,
// and CLERK_JWT_KEY or the JWKS). It is a module of its own so that neither
// goclerk nor localclerk depends on clerk-sdk-go.
package clerksdkgo
