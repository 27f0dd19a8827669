package localclerk

import "net/http"

// The hosted pages under the instance settings (settings_policy.go): a
// turned-off factor or a restricted sign-up is refused on the form, and a
// user with a second factor is sent to <SignIn/>, since the pages ask for
// no second factor (a sign-in ticket still signs them in, as on Clerk).

var errPageSecondFactor = newAPIError(http.StatusForbidden, "second_factor_required", "second factor required",
	"This account uses two-step verification, which these pages do not ask for; sign in through your app's <SignIn/>.", nil)

// pageFactorOff renders the sign-in form with an error when strategy is
// turned off.
func (inst *Instance) pageFactorOff(w http.ResponseWriter, d *pageData, strategy string) bool {
	if err := inst.settingsNow().firstFactorAllowed(strategy); err != nil {
		d.Error = errText(err)
		inst.render(w, http.StatusUnprocessableEntity, "sign-in", d)
		return true
	}
	return false
}

// pageSignUpRefused renders the sign-up form with an error when sign-up
// without an invitation is closed or pw breaks the password rules.
func (inst *Instance) pageSignUpRefused(w http.ResponseWriter, d *pageData, pw string) bool {
	ss := inst.settingsNow()
	err := error(nil)
	if ss.restricted {
		err = ss.errSignUpRestricted()
	} else if pw != "" {
		err = ss.checkNewPassword(pw)
	}
	if err != nil {
		d.Error = errText(err)
		inst.render(w, http.StatusUnprocessableEntity, "sign-up", d)
		return true
	}
	return false
}
