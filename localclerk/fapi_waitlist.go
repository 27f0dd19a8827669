package localclerk

import "net/http"

// POST /v1/waitlist: <Waitlist/>'s form on an instance whose sign-up mode
// is waitlist. The address joins the waitlist the Backend API lists
// (bapi_waitlist.go), where a developer invites it; the invitation's link
// lets the invitee sign up.

// clientWaitlistEntryWire is the Frontend API's WaitlistEntry: its id only.
type clientWaitlistEntryWire struct {
	Object string `json:"object"` // "waitlist_entry"
	ID     string `json:"id"`
}

var errWaitlistOff = newAPIError(http.StatusForbidden, "waitlist_not_enabled", "Waitlist not enabled",
	"This instance's sign-up mode is not waitlist; set sign_up_mode to waitlist in localclerk's settings.", nil)

func (inst *Instance) handleJoinWaitlist(w http.ResponseWriter, r *http.Request) {
	form, err := fapiForm(w, r)
	if err != nil {
		inst.writeError(w, r, err)
		return
	}
	if !inst.settingsNow().waitlist {
		inst.writeError(w, r, errWaitlistOff)
		return
	}
	email, ok := form["email_address"]
	if !ok {
		inst.writeError(w, r, errMissing("email_address"))
		return
	}
	now := inst.now()
	var out *waitlistEntryWire
	err = inst.store.update(r.Context(), func(t *txn) error {
		out, err = inst.addToWaitlist(t, &waitlistParams{EmailAddress: &email[0]}, now)
		return err
	})
	if err != nil {
		inst.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, clientWaitlistEntryWire{Object: "waitlist_entry", ID: out.ID})
}
