package localclerk

import (
	"fmt"
	"net/http"
)

// The /v1/client operations of features localclerk does not have answer
// 501 naming the feature, never a 404 that reads as a missing sign-in or
// session; the environment does not advertise them.

// clientUnsupported maps each unsupported operation to the feature it
// needs.
var clientUnsupported = map[string]string{
	"POST /v1/client/sessions/{sid}/verify":                       "session reverification",
	"POST /v1/client/sessions/{sid}/verify/prepare_first_factor":  "session reverification",
	"POST /v1/client/sessions/{sid}/verify/attempt_first_factor":  "session reverification",
	"POST /v1/client/sessions/{sid}/verify/prepare_second_factor": "session reverification",
	"POST /v1/client/sessions/{sid}/verify/attempt_second_factor": "session reverification",
}

func (inst *Instance) clientUnsupportedRoutes(mux *routeMux) {
	for pattern, feature := range clientUnsupported {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			inst.writeError(w, r, newAPIError(http.StatusNotImplemented, "feature_not_supported_by_localclerk", "not supported",
				fmt.Sprintf("%s is not supported by localclerk yet (%s %s).", feature, r.Method, r.URL.Path), nil))
		})
	}
}
