package localclerk

import (
	"net/http"
	"regexp"
)

// PATCH /beta_features/instance_settings (UpdateInstanceAuthConfig):
// restricted_to_allowlist is the allow-list restriction (bapi_identifiers.go),
// test_mode the instance's test mode (bapi_instance.go); from_email_address
// and progressive_sign_up are kept and answered (localclerk sends no mail,
// and its sign-ups are progressive either way).

const metaAuthConfig = "instance_auth_config"

// localPartRe is an e-mail address's local part.
var localPartRe = regexp.MustCompile(`^[A-Za-z0-9!#$%&'*+/=?^_{|}~.-]{1,64}$`)

// authConfig is the part of UpdateInstanceAuthConfig with no other home.
type authConfig struct {
	FromEmailAddress  string `json:"from_email_address"`
	ProgressiveSignUp bool   `json:"progressive_sign_up"`
}

// instanceSettingsWire is the InstanceSettings object.
type instanceSettingsWire struct {
	Object                      string `json:"object"` // "instance_settings"
	ID                          string `json:"id"`
	RestrictedToAllowlist       bool   `json:"restricted_to_allowlist"`
	FromEmailAddress            string `json:"from_email_address"`
	ProgressiveSignUp           bool   `json:"progressive_sign_up"`
	EnhancedEmailDeliverability bool   `json:"enhanced_email_deliverability"`
}

func (inst *Instance) bapiUpdateAuthConfig(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		RestrictedToAllowlist *bool   `json:"restricted_to_allowlist"`
		FromEmailAddress      *string `json:"from_email_address"`
		ProgressiveSignUp     *bool   `json:"progressive_sign_up"`
		TestMode              *bool   `json:"test_mode"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if p.FromEmailAddress != nil && *p.FromEmailAddress != "" && !localPartRe.MatchString(*p.FromEmailAddress) {
		return nil, 0, errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "from_email_address",
			"from_email_address is the local part of the sender's address, e.g. notifications.")
	}
	out := &instanceSettingsWire{Object: "instance_settings", ID: inst.KeyID}
	err := inst.store.update(r.Context(), func(t *txn) error {
		ac := authConfig{ProgressiveSignUp: true}
		if err := t.settings().load(metaAuthConfig, &ac); err != nil {
			return err
		}
		setIf(pair[string]{&ac.FromEmailAddress, p.FromEmailAddress})
		setIf(pair[bool]{&ac.ProgressiveSignUp, p.ProgressiveSignUp})
		rs, err := loadRestrictions(t)
		if err != nil {
			return err
		}
		setIf(pair[bool]{&rs.Allowlist, p.RestrictedToAllowlist})
		s := defaultInstanceSettings()
		if err := t.settings().load(metaInstance, &s); err != nil {
			return err
		}
		setIf(pair[bool]{&s.TestMode, p.TestMode})
		out.RestrictedToAllowlist, out.FromEmailAddress, out.ProgressiveSignUp = rs.Allowlist, ac.FromEmailAddress, ac.ProgressiveSignUp
		if err := t.settings().save(metaRestrictions, rs); err != nil {
			return err
		}
		if err := t.settings().save(metaInstance, &s); err != nil {
			return err
		}
		return t.settings().save(metaAuthConfig, &ac)
	})
	if err != nil {
		return nil, 0, err
	}
	if err := inst.loadLiveSettings(r.Context()); err != nil {
		return nil, 0, err
	}
	return out, 0, nil
}
