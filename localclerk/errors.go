package localclerk

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/goclerk/clerk/backend"
)

// apiError is the error localclerk answers with: the backend package's
// APIError, so that what localclerk sends and what the client decodes
// are one type and one shape.
type apiError = backend.APIError

// newAPIError is an error answer with one entry in its "errors" array.
func newAPIError(status int, code, message, long string, meta map[string]any) *apiError {
	return &apiError{StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Errors: []backend.ClerkError{{Code: code, Message: message, LongMessage: long, Meta: meta}}}
}

// longMessage is the first entry's long message, the text pages show.
func longMessage(e *apiError) string {
	if len(e.Errors) == 0 {
		return ""
	}
	return e.Errors[0].LongMessage
}

func errNotFoundResource(what string) *apiError {
	return newAPIError(http.StatusNotFound, "resource_not_found", "not found", what+" not found", nil)
}

func errParam(status int, code, param, long string) *apiError {
	return newAPIError(status, code, "is invalid", long, paramMeta(param))
}

func errMissing(param string) *apiError {
	return newAPIError(http.StatusUnprocessableEntity, "form_param_missing", param+" must be included", param+" must be included.", paramMeta(param))
}

func errInvalid(param, long string) *apiError {
	return errParam(http.StatusUnprocessableEntity, "form_param_value_invalid", param, long)
}

func errTaken(param, long string) *apiError {
	return newAPIError(http.StatusUnprocessableEntity, "form_identifier_exists", "That identifier is taken.", long, paramMeta(param))
}

var errUnauthorized = newAPIError(http.StatusUnauthorized, "clerk_key_invalid", "Secret Key is invalid", "The request was not authenticated with this instance's secret key (Authorization: Bearer sk_test_...).", nil)

// writeJSON writes v with the exact content type @clerk/backend checks for.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"errors":[{"code":"internal_clerk_error","message":"encode response","long_message":"encode response"}]}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b)
}

// writeError answers with Clerk's error envelope. Errors that are not
// apiErrors are server faults: logged and answered with a generic 500.
func (inst *Instance) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		switch {
		case errors.Is(err, errNotFound):
			ae = errNotFoundResource("resource")
		default:
			inst.log.Error("localclerk: request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
			ae = newAPIError(http.StatusInternalServerError, "internal_clerk_error", "Oops, an unexpected error occurred", "localclerk hit an internal error; see its log.", nil)
		}
	}
	writeJSON(w, ae.StatusCode, errorBody(ae, randString(32)))
}

// errorBody is Clerk's error envelope for e, the shape the backend
// client decodes into an APIError. Each entry carries a meta object, as
// Clerk's do, even an empty one.
func errorBody(e *apiError, traceID string) any {
	type entry struct {
		Code        string         `json:"code"`
		Message     string         `json:"message"`
		LongMessage string         `json:"long_message"`
		Meta        map[string]any `json:"meta"`
	}
	body := struct {
		Errors       []entry        `json:"errors"`
		Meta         map[string]any `json:"meta,omitempty"`
		ClerkTraceID string         `json:"clerk_trace_id"`
	}{Errors: []entry{}, Meta: e.Meta, ClerkTraceID: traceID}
	for _, d := range e.Errors {
		m := d.Meta
		if m == nil {
			m = map[string]any{}
		}
		body.Errors = append(body.Errors, entry{d.Code, d.Message, d.LongMessage, m})
	}
	return body
}

// maxBody bounds every request body; larger ones get 413.
const maxBody = 1 << 20

// decodeBody decodes a JSON (or, for tolerance, form-encoded) request body
// into v. An empty body decodes as {}.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return newAPIError(http.StatusRequestEntityTooLarge, "request_body_too_large", "Request body too large", fmt.Sprintf("The request body exceeds the limit of %d bytes.", maxBody), nil)
		}
		return newAPIError(http.StatusBadRequest, "request_body_invalid", "could not read request body", "The request body could not be read.", nil)
	}
	ct := r.Header.Get("Content-Type")
	trimmed := strings.TrimSpace(string(data))
	looksJSON := strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "[")
	// curl -d sends JSON labelled as a form; accept what the body is.
	if strings.HasPrefix(ct, "application/x-www-form-urlencoded") && !looksJSON {
		return decodeForm(string(data), v)
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		data = []byte("{}")
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return errInvalid(te.Field, fmt.Sprintf("%s is invalid. Received %s, must be of type %s.", te.Field, te.Value, te.Type))
		}
		return newAPIError(http.StatusBadRequest, "malformed_request", "malformed request", "The request body is not valid JSON: "+err.Error(), nil)
	}
	if dec.More() {
		return newAPIError(http.StatusBadRequest, "malformed_request", "malformed request", "The request body has data after the JSON value.", nil)
	}
	return nil
}

// decodeForm maps a form-encoded body onto v via JSON: single values
// become strings, repeated or name[] values become arrays, and "true" /
// "false" / integers are passed as such so typed fields accept them.
func decodeForm(body string, v any) error {
	vals, err := url.ParseQuery(body)
	if err != nil {
		return newAPIError(http.StatusBadRequest, "malformed_request", "malformed request", "The form-encoded request body could not be parsed.", nil)
	}
	m := map[string]any{}
	for k, vs := range vals {
		name := strings.TrimSuffix(k, "[]")
		if len(vs) > 1 || name != k {
			m[name] = vs
			continue
		}
		s := vs[0]
		if s == "true" || s == "false" {
			m[name] = s == "true"
		} else if n, err := strconv.ParseInt(s, 10, 64); err == nil && len(s) < 16 {
			m[name] = n
		} else {
			m[name] = s
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("re-encode form: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "", "A form parameter has the wrong type.")
	}
	return nil
}

// paramMeta is an error's meta naming the request parameter at fault.
func paramMeta(name string) map[string]any { return map[string]any{"param_name": name} }
