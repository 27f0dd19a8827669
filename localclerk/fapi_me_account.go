package localclerk

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
)

// The account operations of <UserProfile/>: the profile (names, username,
// primary address, unsafe metadata), deleting the account, the password,
// and the profile image. Each is one write transaction through meHandler;
// password hashing and checking run before it (mePasswordPrecheck).

func (inst *Instance) meAccountRoutes(mux *routeMux) {
	mux.HandleFunc("PATCH /v1/me", inst.meHandler(inst.meUpdate))
	mux.HandleFunc("DELETE /v1/me", inst.meHandler(inst.meDelete))
	mux.HandleFunc("PATCH /v1/me/metadata", inst.meHandler(inst.meMetadata))
	mux.HandleFunc("POST /v1/me/change_password", inst.meHandlerChecked(inst.mePasswordPrecheck, inst.meChangePassword))
	mux.HandleFunc("POST /v1/me/remove_password", inst.meHandlerChecked(inst.mePasswordPrecheck, inst.meRemovePassword))
	mux.HandleFunc("POST /v1/me/profile_image", inst.meProfileImage)
	mux.HandleFunc("DELETE /v1/me/profile_image", inst.meHandler(inst.meDeleteProfileImage))
}

// formString returns a form field that was sent, or nil.
func formString(form url.Values, name string) *string {
	if _, ok := form[name]; !ok {
		return nil
	}
	v := form.Get(name)
	return &v
}

// formJSON returns a form field holding a JSON object (clerk-js sends
// metadata that way), or nil when it was not sent.
func formJSON(form url.Values, name string) (json.RawMessage, error) {
	v := formString(form, name)
	if v == nil || *v == "" {
		return nil, nil
	}
	raw := json.RawMessage(*v)
	return raw, checkMetadata(name, raw)
}

// saveMe stores u as the signed-in user changed it and emits user.updated.
func (x *fapiCall) saveMe(u *user) error {
	u.UpdatedAt = ms(x.now)
	x.t.emit("user.updated", userJSON(u))
	return x.t.users().put(u)
}

// meUpdate is PATCH /v1/me: first_name, last_name, username,
// primary_email_address_id (a verified address of the user's),
// primary_phone_number_id (a verified number of theirs) and
// unsafe_metadata (replaced, as on Clerk).
func (inst *Instance) meUpdate(x *fapiCall, u *user) (any, error) {
	f := x.form
	if v := formString(f, "first_name"); v != nil {
		u.FirstName = v
	}
	if v := formString(f, "last_name"); v != nil {
		u.LastName = v
	}
	if v := formString(f, "username"); v != nil {
		if ss := inst.settingsNow(); *v != "" && ss.username {
			if err := ss.checkUsername(*v); err != nil {
				return nil, err
			}
		}
		if err := inst.setUsername(x.t, u, v); err != nil {
			return nil, err
		}
	}
	if id := formString(f, "primary_email_address_id"); id != nil {
		e := u.email(*id)
		if e == nil {
			return nil, errInvalid("primary_email_address_id", "primary_email_address_id must be one of your email addresses.")
		}
		if !e.Verified {
			return nil, newAPIError(http.StatusUnprocessableEntity, "form_identifier_not_verified", "is not verified",
				"Verify this email address before making it primary.", map[string]any{"param_name": "primary_email_address_id"})
		}
		u.PrimaryEmailID = e.ID
	}
	if id := formString(f, "primary_phone_number_id"); id != nil {
		p := u.phone(*id)
		if p == nil {
			return nil, errInvalid("primary_phone_number_id", "primary_phone_number_id must be one of your phone numbers.")
		}
		if !p.Verified {
			return nil, newAPIError(http.StatusUnprocessableEntity, "form_identifier_not_verified", "is not verified",
				"Verify this phone number before making it primary.", paramMeta("primary_phone_number_id"))
		}
		u.PrimaryPhoneID = p.ID
	}
	meta, err := formJSON(f, "unsafe_metadata")
	if err != nil {
		return nil, err
	}
	if meta != nil {
		u.UnsafeMeta = meta
	}
	if err := x.saveMe(u); err != nil {
		return nil, err
	}
	return inst.fapiUserJSON(x, u)
}

// meMetadata is PATCH /v1/me/metadata: unsafe_metadata merged into the
// stored object (a null value deletes a key), as the Backend API merges.
func (inst *Instance) meMetadata(x *fapiCall, u *user) (any, error) {
	meta := json.RawMessage(x.form.Get("unsafe_metadata"))
	if len(meta) == 0 {
		return nil, errMissing("unsafe_metadata")
	}
	if err := mergeMetadataFields(metadataPatch{"unsafe_metadata", meta, &u.UnsafeMeta}); err != nil {
		return nil, err
	}
	if err := x.saveMe(u); err != nil {
		return nil, err
	}
	return inst.fapiUserJSON(x, u)
}

// errDeleteSelfDisabled refuses DELETE /v1/me to a user the Backend API
// barred from deleting themselves.
var errDeleteSelfDisabled = newAPIError(http.StatusForbidden, "delete_self_disabled", "cannot delete account",
	"Deleting your own account is disabled for this user.", nil)

// meDelete is DELETE /v1/me: the account and everything that hangs off
// it go, as with the Backend API's DeleteUser, and its sessions end.
func (inst *Instance) meDelete(x *fapiCall, u *user) (any, error) {
	if u.NoDeleteSelf {
		return nil, errDeleteSelfDisabled
	}
	if err := deleteUser(x.t, u, x.now); err != nil {
		return nil, err
	}
	return deletedJSON("user", u.ID), nil
}

// mePasswordPrecheck checks current_password against the signed-in user
// and hashes new_password, before the transaction.
func (inst *Instance) mePasswordPrecheck(r *http.Request, form url.Values) (fapiPre, error) {
	var pre fapiPre
	if np := form.Get("new_password"); np != "" {
		if err := validatePassword(&np, nil); err != nil {
			return pre, renameParam(err, "new_password")
		}
		h, err := hashPassword(np)
		if err != nil {
			return pre, renameParam(err, "new_password")
		}
		pre.newHash = h
	}
	pc, err := inst.checkPasswordOf(r.Context(), form.Get("current_password"), func(t *txn) (*user, error) {
		return inst.meUser(t, r)
	})
	if err != nil {
		return pre, err
	}
	pre.check = pc
	return pre, nil
}

// currentPassword enforces Clerk's rule for changing or removing a
// password: a user who has one must give it as current_password.
func currentPassword(x *fapiCall, u *user) error {
	if u.PasswordHash == "" {
		return nil
	}
	if x.form.Get("current_password") == "" {
		return errMissing("current_password")
	}
	return renameParam(x.pw.apply(x.t, u), "current_password")
}

// meChangePassword is POST /v1/me/change_password: current_password,
// new_password, and sign_out_of_other_sessions=true to revoke the user's
// other sessions.
func (inst *Instance) meChangePassword(x *fapiCall, u *user) (any, error) {
	if x.newPasswordHash == "" {
		return nil, errMissing("new_password")
	}
	if err := currentPassword(x, u); err != nil {
		return nil, err
	}
	u.PasswordHash, u.PasswordCompromised = x.newPasswordHash, false
	if x.form.Get("sign_out_of_other_sessions") == "true" {
		if err := inst.revokeOtherSessions(x, u.ID); err != nil {
			return nil, err
		}
	}
	if err := x.saveMe(u); err != nil {
		return nil, err
	}
	return inst.fapiUserJSON(x, u)
}

// errPasswordRequired refuses to remove the password of an instance that
// requires one (localclerk's always does: e-mail and password sign-up).
var errPasswordRequired = newAPIError(http.StatusUnprocessableEntity, "password_required", "password required",
	"This instance requires a password; it cannot be removed.", nil)

// meRemovePassword is POST /v1/me/remove_password. localclerk's instance
// requires a password, so after checking current_password it refuses, as
// Clerk does for such an instance; UserProfile does not offer it there.
func (inst *Instance) meRemovePassword(x *fapiCall, u *user) (any, error) {
	if err := currentPassword(x, u); err != nil {
		return nil, err
	}
	return nil, errPasswordRequired
}

// meProfileImage is POST /v1/me/profile_image: a multipart upload (part
// "file") read and sniffed before the transaction, as the Backend API's.
func (inst *Instance) meProfileImage(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxLogo+64<<10)
	up, err := parseLogoUpload(r.Header.Get("Content-Type"), r.Body)
	if err != nil {
		inst.writeError(w, r, err)
		return
	}
	r2 := r.Clone(r.Context())
	r2.Body, r2.ContentLength = http.NoBody, 0
	r2.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	inst.meHandler(func(x *fapiCall, u *user) (any, error) {
		img, err := inst.setProfileImage(x.t, u, up, x.now)
		if err != nil {
			return nil, err
		}
		if err := x.saveMe(u); err != nil {
			return nil, err
		}
		return imageJSON(img, u.ImageURL), nil
	})(w, r2)
}

// imageWire is the Frontend API Image object.
type imageWire struct {
	Object    string `json:"object"` // "image"
	ID        string `json:"id"`
	Name      string `json:"name"`
	PublicURL string `json:"public_url"`
}

func imageJSON(img *storedImage, url string) *imageWire {
	return &imageWire{Object: "image", ID: img.ID, Name: img.ID, PublicURL: url}
}

func (inst *Instance) meDeleteProfileImage(x *fapiCall, u *user) (any, error) {
	id := u.ImageID
	if err := dropImage(x.t, id); err != nil {
		return nil, err
	}
	u.ImageID, u.ImageURL = "", ""
	if err := x.saveMe(u); err != nil {
		return nil, err
	}
	return deletedJSON("image", id), nil
}

// renameParam points an error's param_name at param, so that the form
// field the component shows it under is the one that was sent.
func renameParam(err error, param string) error {
	ae, ok := err.(*apiError)
	if !ok || len(ae.Errors) == 0 {
		return err
	}
	out := *ae
	out.Errors = slices.Clone(ae.Errors)
	meta := map[string]any{}
	for k, v := range out.Errors[0].Meta {
		meta[k] = v
	}
	meta["param_name"] = param
	out.Errors[0].Meta = meta
	return &out
}
