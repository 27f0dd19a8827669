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
)

// apiError is a Clerk-style API error: one entry of the "errors" array plus
// the HTTP status it travels with.
type apiError struct {
	Status  int
	Code    string
	Message string
	Long    string
	Meta    map[string]any
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Long) }

func errNotFoundResource(what string) *apiError {
	return &apiError{Status: http.StatusNotFound, Code: "resource_not_found", Message: "not found",
		Long: what + " not found"}
}

func errParam(status int, code, param, long string) *apiError {
	return &apiError{Status: status, Code: code, Message: "is invalid", Long: long,
		Meta: map[string]any{"param_name": param}}
}

func errMissing(param string) *apiError {
	return &apiError{Status: http.StatusUnprocessableEntity, Code: "form_param_missing", Message: param + " must be included",
		Long: param + " must be included.", Meta: map[string]any{"param_name": param}}
}

func errInvalid(param, long string) *apiError {
	return errParam(http.StatusUnprocessableEntity, "form_param_value_invalid", param, long)
}

func errTaken(param, long string) *apiError {
	return &apiError{Status: http.StatusUnprocessableEntity, Code: "form_identifier_exists", Message: "That identifier is taken.",
		Long: long, Meta: map[string]any{"param_name": param}}
}

var errUnauthorized = &apiError{Status: http.StatusUnauthorized, Code: "clerk_key_invalid",
	Message: "Secret Key is invalid",
	Long:    "The request was not authenticated with this instance's secret key (Authorization: Bearer sk_test_...)."}

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
			ae = &apiError{Status: http.StatusInternalServerError, Code: "internal_clerk_error", Message: "Oops, an unexpected error occurred",
				Long: "localclerk hit an internal error; see its log."}
		}
	}
	e := map[string]any{"code": ae.Code, "message": ae.Message, "long_message": ae.Long}
	if ae.Meta != nil {
		e["meta"] = ae.Meta
	} else {
		e["meta"] = map[string]any{}
	}
	writeJSON(w, ae.Status, map[string]any{"errors": []any{e}, "clerk_trace_id": randString(32)})
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
			return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "request_body_too_large", Message: "Request body too large",
				Long: fmt.Sprintf("The request body exceeds the limit of %d bytes.", maxBody)}
		}
		return &apiError{Status: http.StatusBadRequest, Code: "request_body_invalid", Message: "could not read request body", Long: "The request body could not be read."}
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
			return errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", te.Field,
				fmt.Sprintf("%s has the wrong type: expected %s.", te.Field, te.Type))
		}
		return &apiError{Status: http.StatusBadRequest, Code: "malformed_request", Message: "malformed request",
			Long: "The request body is not valid JSON: " + err.Error()}
	}
	if dec.More() {
		return &apiError{Status: http.StatusBadRequest, Code: "malformed_request", Message: "malformed request",
			Long: "The request body has data after the JSON value."}
	}
	return nil
}

// decodeForm maps a form-encoded body onto v via JSON: single values
// become strings, repeated or name[] values become arrays, and "true" /
// "false" / integers are passed as such so typed fields accept them.
func decodeForm(body string, v any) error {
	vals, err := url.ParseQuery(body)
	if err != nil {
		return &apiError{Status: http.StatusBadRequest, Code: "malformed_request", Message: "malformed request",
			Long: "The form-encoded request body could not be parsed."}
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
