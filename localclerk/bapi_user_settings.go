package localclerk

import (
	"net/http"
	"time"
)

// applySettings validates the user fields POST and PATCH /users share
// beyond identity and metadata (locale, back-dated sign-up and legal
// acceptance, what the user may do for themselves through the Frontend
// API) and sets those s carries on u; absent fields leave u as it is.
// localclerk stores and answers the self-service switches; it does not
// enforce them.
func applySettings(u *user, s *userParams) error {
	at := func(name string, v *string) (*int64, error) {
		if v == nil || *v == "" {
			return nil, nil
		}
		t, err := time.Parse(time.RFC3339, *v)
		if err != nil {
			return nil, errParam(http.StatusUnprocessableEntity, "form_param_invalid_time", name,
				name+" must be a date and time in RFC3339 format, e.g. 2012-10-20T07:15:20.902Z.")
		}
		n := ms(t)
		return &n, nil
	}
	created, err := at("created_at", s.CreatedAt)
	if err != nil {
		return err
	}
	legal, err := at("legal_accepted_at", s.LegalAcceptedAt)
	if err != nil {
		return err
	}
	if s.CreateOrganizationsLimit != nil && *s.CreateOrganizationsLimit < 0 {
		return errInvalid("create_organizations_limit", "create_organizations_limit must be 0 (unlimited) or more.")
	}
	if created != nil {
		u.CreatedAt = *created
	}
	if legal != nil {
		u.LegalAccepted = legal
	}
	if s.Locale != nil {
		u.Locale = s.Locale
		if *s.Locale == "" {
			u.Locale = nil
		}
	}
	if s.DeleteSelfEnabled != nil {
		u.NoDeleteSelf = !*s.DeleteSelfEnabled
	}
	if s.CreateOrganizationEnabled != nil {
		u.NoCreateOrg = !*s.CreateOrganizationEnabled
	}
	if s.CreateOrganizationsLimit != nil {
		u.CreateOrgLimit = s.CreateOrganizationsLimit
		if *s.CreateOrganizationsLimit == 0 {
			u.CreateOrgLimit = nil
		}
	}
	return nil
}
