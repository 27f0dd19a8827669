// Package e2e drives the quickstart with headless Chromium, as a person
// would: sign in on the hosted page, stay signed in across a token refresh,
// switch organization by URL, sign out. It is its own module so that the
// browser driver is not a dependency of goclerk.
package e2e
