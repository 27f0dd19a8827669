// Package clerkotel reports what goclerk's middleware, Authenticator and
// Backend API client do as OpenTelemetry metrics and spans: it builds a
// *clerk.Observer (and, in it, a *backend.Observer) from a MeterProvider
// and a TracerProvider.
//
//	obs, err := clerkotel.NewObserver(clerkotel.Options{}) // the global providers
//	mw, err := clerk.Middleware(clerk.Options{Observer: obs})
//	// A Backend API client of your own:
//	client, err := backend.NewClient(backend.Config{Observer: obs.Backend})
//
// It is a module of its own, as go-redis's redisotel is, so that the SDK
// module depends on nothing but the standard library: only an application
// that imports clerkotel gets go.opentelemetry.io/otel.
//
// # Metrics
//
//   - clerk.auth.decisions (counter, {decision}): each decision, by
//     clerk.auth.status, clerk.auth.reason (the reason's Base, "" when
//     signed in) and clerk.token.type; clerk.auth.error is true for a
//     request the middleware could not decide.
//   - clerk.jwks.fetches (counter, {fetch}): each JWKS fetch, by
//     clerk.jwks.outcome ("ok", "timeout", "transport", "status",
//     "invalid-secret-key", "too-large", "empty") and clerk.jwks.background.
//   - clerk.token_cache.lookups (counter, {lookup}): each lookup in the
//     verified-token caches, by clerk.token.type and clerk.cache.hit.
//   - clerk.backend.request.duration (histogram, s): each Backend API call,
//     retries included, by http.request.method, url.template (the path
//     template, never the IDs), clerk.backend.operation (the
//     specification's operation id), http.response.status_code and
//     error.type.
//
// # Spans
//
//   - "{method} {url.template}" (client kind), e.g. "GET /users/{user_id}",
//     per Backend API call, a child of the caller's span, with the metric's
//     attributes and clerk.backend.attempts.
//   - "clerk.jwks.fetch" per JWKS fetch, a child of the span of the request
//     that started it (the fetch outlives it), with clerk.jwks.outcome,
//     clerk.jwks.keys and clerk.jwks.background; its GET /jwks call is its
//     child.
//
// No token, key or secret is ever an attribute.
package clerkotel
