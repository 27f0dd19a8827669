package backend

import (
	"context"
	"time"
)

// Observer reports a Client's calls, for metrics, traces or logs (the
// github.com/goclerk/clerk/otel module bridges it to OpenTelemetry). Set it
// in Config.Observer.
//
// It is a struct of optional functions, as net/http/httptrace's
// ClientTrace is, rather than an interface: a nil Observer, or a nil
// field, costs one comparison and nothing else; an observer sets only the
// hooks it needs; and hooks can be added later without breaking anyone's
// implementation.
type Observer struct {
	// Call, when set, is called once per call of Do (hence of every typed
	// method), whatever its retries, before anything is sent. It returns the
	// context the call's attempts run with (a span's, say; nil keeps ctx)
	// and a function, which may be nil, called once with the outcome when
	// the call returns. It runs on the caller's goroutine and must be safe
	// for concurrent use.
	Call func(ctx context.Context, call CallInfo) (context.Context, func(CallResult))
}

// CallInfo describes one Backend API call. It never carries a key, a
// token, a query or a body.
type CallInfo struct {
	// Operation is the specification's operation id ("GetUser",
	// "verifyApiKey"), "" for a path no operation of the specification has.
	Operation string
	// Method is the HTTP method, upper-case.
	Method string
	// Route is the operation's path template ("/users/{user_id}"), without
	// the IDs the request's path holds; "" when Operation is "". A
	// Request's own Path is not reported, since it may hold IDs: key
	// metrics by Route.
	Route string
}

// CallResult is the outcome of one call.
type CallResult struct {
	// StatusCode is the HTTP status of the last attempt's answer, 0 when
	// none was received (a transport failure, a timeout, or a call refused
	// before sending, such as one without a secret key).
	StatusCode int
	// Attempts is how many HTTP attempts were made (0 for a call refused
	// before sending).
	Attempts int
	// Duration is the call's time from start to end, retries and waits
	// included.
	Duration time.Duration
	// Err is what Do returns: nil, an *APIError for an error status, or
	// another error.
	Err error
}
