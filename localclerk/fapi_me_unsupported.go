package localclerk

import (
	"fmt"
	"net/http"
)

// The /v1/me operations of features localclerk does not have yet answer
// 501 naming the feature, never a 404 that reads as a missing record; the
// environment does not advertise them, so the components do not offer
// them.

// meUnsupported maps each unsupported operation to the feature it needs.
var meUnsupported = map[string]string{
	"GET /v1/me/phone_numbers":                            "phone numbers",
	"POST /v1/me/phone_numbers":                           "phone numbers",
	"GET /v1/me/phone_numbers/{id}":                       "phone numbers",
	"PATCH /v1/me/phone_numbers/{id}":                     "phone numbers",
	"DELETE /v1/me/phone_numbers/{id}":                    "phone numbers",
	"POST /v1/me/phone_numbers/{id}/prepare_verification": "phone numbers",
	"POST /v1/me/phone_numbers/{id}/attempt_verification": "phone numbers",
	"POST /v1/me/passkeys":                                "passkeys",
	"GET /v1/me/passkeys/{id}":                            "passkeys",
	"PATCH /v1/me/passkeys/{id}":                          "passkeys",
	"DELETE /v1/me/passkeys/{id}":                         "passkeys",
	"POST /v1/me/passkeys/{id}/attempt_verification":      "passkeys",
}

func (inst *Instance) meUnsupportedRoutes(mux *routeMux) {
	for pattern, feature := range meUnsupported {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			inst.writeError(w, r, newAPIError(http.StatusNotImplemented, "feature_not_supported_by_localclerk", "not supported",
				fmt.Sprintf("%s is not supported by localclerk yet (%s %s).", feature, r.Method, r.URL.Path), nil))
		})
	}
}
