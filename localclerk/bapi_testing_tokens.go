package localclerk

import (
	"fmt"
	"net/http"
	"time"
)

// Testing tokens are what @clerk/testing's clerkSetup asks the Backend API
// for (POST /v1/testing_tokens) and setupClerkTestingToken appends to
// Frontend API requests as __clerk_testing_token, to get past Clerk's bot
// protection. localclerk has no bot protection, so the Frontend API accepts
// the parameter and needs nothing from it; the token is minted in Clerk's
// shape ("<expiry>-<random>", an hour long) and not stored.

// testingTokenTTL is how long a testing token is said to last, as Clerk's.
const testingTokenTTL = time.Hour

// testingToken is the TestingToken object of the Backend API.
type testingToken struct {
	Object    string `json:"object"`
	Token     string `json:"token"`
	ExpiresAt int64  `json:"expires_at"` // Unix seconds
}

func (inst *Instance) bapiCreateTestingToken(w http.ResponseWriter, r *http.Request) (any, int, error) {
	exp := inst.now().Add(testingTokenTTL).Unix()
	return testingToken{Object: "testing_token", Token: fmt.Sprintf("%d-%s", exp, randString(40)), ExpiresAt: exp}, 0, nil
}
