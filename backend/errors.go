package backend

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// APIError is Clerk's error answer: the one error type of this module for
// a non-2xx Backend API response. Every method of Client returns it
// (wrapped or not) for such answers, the authentication middleware
// branches on it, and localclerk answers with it. Use errors.As:
//
//	var apiErr *backend.APIError
//	if errors.As(err, &apiErr) && apiErr.HasCode("resource_not_found") { ... }
//
// Transport failures (DNS, TLS, timeouts) are other errors.
type APIError struct {
	// Method and Path identify the call (path without query or origin);
	// empty when the error was built outside a call.
	Method string
	Path   string
	// StatusCode is the HTTP status, Status its text ("404 Not Found").
	StatusCode int
	Status     string
	// Errors are the entries of the body's "errors" array: each has a
	// code, messages and its own meta (param_name, for instance).
	Errors []ClerkError
	// Meta is the body's top-level "meta" object, when present.
	Meta map[string]any
	// TraceID is clerk_trace_id from the body, else the cf-ray header.
	TraceID string
	// RetryAfter is the server's Retry-After hint, zero when absent.
	RetryAfter time.Duration
	// Body is the raw response body, for diagnostics.
	Body []byte
}

// Error summarises the failure. It contains the status, the Clerk error
// codes and messages and the trace id, never request headers or keys.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("clerk: ")
	if e.Method != "" {
		fmt.Fprintf(&b, "%s %s: ", e.Method, e.Path)
	}
	if e.Status != "" {
		b.WriteString(e.Status)
	} else {
		fmt.Fprintf(&b, "status %d", e.StatusCode)
	}
	for i, d := range e.Errors {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(d.Code)
		msg := d.LongMessage
		if msg == "" {
			msg = d.Message
		}
		if msg != "" {
			b.WriteString(" (" + msg + ")")
		}
	}
	if e.TraceID != "" {
		b.WriteString(" [trace " + e.TraceID + "]")
	}
	return b.String()
}

// Code is the code of the first Clerk error, "" when the body had none.
func (e *APIError) Code() string {
	if len(e.Errors) == 0 {
		return ""
	}
	return e.Errors[0].Code
}

// HasCode reports whether any of the Clerk errors carries code.
func (e *APIError) HasCode(code string) bool {
	for _, d := range e.Errors {
		if d.Code == code {
			return true
		}
	}
	return false
}

// Temporary reports whether the failure is worth retrying later (429/5xx).
func (e *APIError) Temporary() bool { return retryableStatus(e.StatusCode) }

func newAPIError(method, path string, resp *http.Response, body []byte, keys ...string) *APIError {
	e := &APIError{
		Method:     method,
		Path:       path,
		StatusCode: resp.StatusCode,
		Status:     resp.Status,
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
		Body:       body,
	}
	if e.Status == "" {
		e.Status = fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	var payload struct {
		Errors       []ClerkError   `json:"errors"`
		Meta         map[string]any `json:"meta"`
		ClerkTraceID string         `json:"clerk_trace_id"`
	}
	if json.Unmarshal(body, &payload) == nil {
		e.Errors, e.Meta, e.TraceID = payload.Errors, payload.Meta, payload.ClerkTraceID
	}
	if e.TraceID == "" {
		e.TraceID = resp.Header.Get("cf-ray")
	}
	// Defence in depth: never let a key echoed by a server reach an error.
	for i := range e.Errors {
		e.Errors[i].Message = redact(e.Errors[i].Message, keys...)
		e.Errors[i].LongMessage = redact(e.Errors[i].LongMessage, keys...)
	}
	e.Body = []byte(redact(string(e.Body), keys...))
	return e
}

// parseRetryAfter accepts delta-seconds or an HTTP date; invalid or past
// values yield zero.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
