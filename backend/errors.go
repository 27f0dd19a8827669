package backend

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// APIError is a non-2xx answer from the Backend API. Use errors.As to get
// at it:
//
//	var apiErr *backend.APIError
//	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound { ... }
type APIError struct {
	// Method and Path identify the call (path without query or origin).
	Method string
	Path   string
	// StatusCode is the HTTP status, Status its text ("404 Not Found").
	StatusCode int
	Status     string
	// Errors are the Clerk errors from the response body, if any.
	Errors []ErrorDetail
	// TraceID is clerk_trace_id from the body, else the cf-ray header.
	TraceID string
	// RetryAfter is the server's Retry-After hint, zero when absent.
	RetryAfter time.Duration
	// Body is the raw response body, for diagnostics.
	Body []byte
}

// ErrorDetail is one entry of a Clerk error response.
type ErrorDetail struct {
	Code        string         `json:"code"`
	Message     string         `json:"message"`
	LongMessage string         `json:"long_message,omitempty"`
	Meta        map[string]any `json:"meta,omitempty"`
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
		Errors       []ErrorDetail `json:"errors"`
		ClerkTraceID string        `json:"clerk_trace_id"`
	}
	if json.Unmarshal(body, &payload) == nil {
		e.Errors = payload.Errors
		e.TraceID = payload.ClerkTraceID
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
