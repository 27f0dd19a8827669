package localclerk

import (
	"errors"
	"slices"
	"strings"
)

// What a Frontend API sign-up needs under the instance settings: the
// required and optional fields, and completing it once nothing is missing.

// signUpFields are the sign-up's required and optional fields and those
// still missing.
func (ss *servedSettings) signUpFields(su *signUpAttempt) (required, optional, missing []string) {
	required, optional, missing = []string{}, []string{"first_name", "last_name"}, []string{}
	field := func(name string, on, req, given bool) {
		switch {
		case req:
			required = append(required, name)
			if !given {
				missing = append(missing, name)
			}
		case on:
			optional = append(optional, name)
		}
	}
	field("email_address", ss.email, ss.emailRequired, su.Email != "")
	field("username", ss.username, ss.usernameReq, su.Username != "")
	field("phone_number", ss.phone, ss.phoneReq, su.Phone.Number != "")
	field("password", ss.password, ss.password, su.PasswordHash != "")
	if su.Email == "" && su.Username == "" && su.Phone.Number == "" && !ss.emailRequired && !ss.usernameReq && !ss.phoneReq {
		// Nothing required, nothing given: one identifier is needed.
		missing = append(missing, ss.identifiers()[0])
	}
	slices.Sort(optional)
	return required, optional, missing
}

// setSignUpUsername applies a sign-up's username field.
func (ss *servedSettings) setSignUpUsername(x *fapiCall, su *signUpAttempt, raw string) error {
	name := strings.TrimSpace(raw)
	if !ss.username {
		return errParamUnknown("username")
	}
	if name == "" {
		su.Username = ""
		return nil
	}
	if err := ss.checkUsername(name); err != nil {
		return err
	}
	if _, err := x.t.identifiers().usernameOwner(name); err == nil {
		return errTaken("username", "That username is taken. Please try another.")
	} else if !errors.Is(err, errNotFound) {
		return err
	}
	su.Username = name
	return nil
}

// maybeCompleteSignUp creates the user and their session once the
// sign-up has every required field and its address is verified.
func (inst *Instance) maybeCompleteSignUp(x *fapiCall, su *signUpAttempt) error {
	ss := inst.settingsNow()
	if _, _, missing := ss.signUpFields(su); len(missing) > 0 || (su.Email != "" && su.VerifyStatus != "verified") ||
		(su.Phone.Number != "" && su.Phone.Status != "verified") {
		return nil
	}
	var emails []string
	if su.Email != "" {
		emails = []string{su.Email}
		if err := maySignUp(x.t, emails, x.now); err != nil {
			return err // the lists changed since the address was given
		}
	}
	p := &userParams{EmailAddress: emails, FirstName: strPtr(su.FirstName), LastName: strPtr(su.LastName)}
	if su.Username != "" {
		p.Username = &su.Username
	}
	if su.Phone.Number != "" {
		p.PhoneNumber = []string{su.Phone.Number}
	}
	u, err := inst.createUser(x.t, p, x.now, true)
	if err != nil {
		return err
	}
	u.PasswordHash = su.PasswordHash
	if err := x.t.users().put(u); err != nil {
		return err
	}
	s, err := inst.startSession(x.t, x.c, u.ID, "", x.now)
	if err != nil {
		return err
	}
	su.Status, su.CreatedUserID, su.CreatedSessionID, su.PasswordHash = "complete", u.ID, s.ID, ""
	return nil
}

func errParamUnknown(p string) error {
	return errParam(422, "form_param_unknown", p, p+" is not used by this instance.")
}
