package localclerk

import (
	"net/http"
	"time"
)

// The hosted pages sign in the browser's own client: the one localclerk's
// first-party cookie names. A dev browser id in a page's URL or form says
// which app sent the browser, not whose browser it is: it may come from a
// link someone else made, and signing in on their dev browser would hand
// them the session (session fixation). So the id is never adopted, and
// localclerk never sets its cookie from one. After sign-in the browser goes
// back to the app with its own client's dev browser, which the app adopts
// as it does after any sign-in on a Clerk development instance.

// browserClient returns the client localclerk's cookie names, or nil.
func (inst *Instance) browserClient(t *txn, r *http.Request) (*client, error) {
	return inst.findClient(t, r, "")
}

// signInClient returns the client a sign-in on the hosted pages starts its
// session on: the browser's own, else a new one.
func (inst *Instance) signInClient(t *txn, r *http.Request, now time.Time) (*client, error) {
	c, err := inst.browserClient(t, r)
	if err != nil || c != nil {
		return c, err
	}
	return inst.newClient(t, now)
}
