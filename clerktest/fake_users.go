package clerktest

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/goclerk/clerk/backend"
)

// The fake's users: create, get, list and count (with Clerk's main
// filters), update, metadata, ban, delete, and a user's memberships.
func (i *Instance) userRoutes() {
	i.handleFake("POST /v1/users", i.createUser)
	i.handleFake("GET /v1/users", func(r *http.Request) (any, *apiError) {
		users, e := i.filterUsers(r.URL.Query())
		if e != nil {
			return nil, e
		}
		limit, offset, e := paging(r.URL.Query())
		if e != nil {
			return nil, e
		}
		return page(users, limit, offset), nil // a bare array, as Clerk answers it
	})
	i.handleFake("GET /v1/users/count", func(r *http.Request) (any, *apiError) {
		users, e := i.filterUsers(r.URL.Query())
		if e != nil {
			return nil, e
		}
		return backend.TotalCount{Object: "total_count", TotalCount: int64(len(users))}, nil
	})
	i.handleFake("GET /v1/users/{user_id}", func(r *http.Request) (any, *apiError) {
		return i.user(r.PathValue("user_id"))
	})
	i.handleFake("PATCH /v1/users/{user_id}", i.updateUser)
	i.handleFake("PATCH /v1/users/{user_id}/metadata", func(r *http.Request) (any, *apiError) {
		var p backend.UserUpdateMetadataParams
		if e := decode(r, &p); e != nil {
			return nil, e
		}
		return i.changeUser(r.PathValue("user_id"), func(u *backend.User) *apiError {
			u.PublicMetadata = mergeMetadata(u.PublicMetadata, p.PublicMetadata)
			u.PrivateMetadata = mergeMetadata(u.PrivateMetadata, p.PrivateMetadata)
			u.UnsafeMetadata = mergeMetadata(u.UnsafeMetadata, p.UnsafeMetadata)
			return nil
		})
	})
	for _, ban := range []bool{true, false} {
		path := "POST /v1/users/{user_id}/ban"
		if !ban {
			path = "POST /v1/users/{user_id}/unban"
		}
		i.handleFake(path, func(r *http.Request) (any, *apiError) {
			return i.changeUser(r.PathValue("user_id"), func(u *backend.User) *apiError { u.Banned = ban; return nil })
		})
	}
	i.handleFake("DELETE /v1/users/{user_id}", func(r *http.Request) (any, *apiError) {
		id := r.PathValue("user_id")
		if i.fake.users[id] == nil {
			return nil, errNotFound("user")
		}
		delete(i.fake.users, id)
		for org, ms := range i.fake.memberships {
			i.fake.memberships[org] = slices.DeleteFunc(ms, func(m *backend.OrganizationMembership) bool { return m.PublicUserData.UserID == id })
		}
		return backend.DeletedObject{Object: "user", ID: id, Deleted: true}, nil
	})
	i.handleFake("GET /v1/users/{user_id}/organization_memberships", func(r *http.Request) (any, *apiError) {
		id := r.PathValue("user_id")
		if i.fake.users[id] == nil {
			return nil, errNotFound("user")
		}
		var out []backend.OrganizationMembership
		for _, ms := range i.fake.memberships {
			for _, m := range ms {
				if m.PublicUserData.UserID == id {
					out = append(out, *i.membershipJSON(m))
				}
			}
		}
		limit, offset, e := paging(r.URL.Query())
		if e != nil {
			return nil, e
		}
		sortBy(out, "", func(m backend.OrganizationMembership) int64 { return m.CreatedAt }, nil)
		return list[backend.OrganizationMembership]{Data: page(out, limit, offset), TotalCount: int64(len(out))}, nil
	})
}

func (i *Instance) createUser(r *http.Request) (any, *apiError) {
	var p backend.UserCreateParams
	if e := decode(r, &p); e != nil {
		return nil, e
	}
	now := i.now().UnixMilli()
	u := &backend.User{
		ID: "user_" + randomHex(12), Object: "user",
		ExternalID: p.ExternalID, FirstName: p.FirstName, LastName: p.LastName, Username: lowerPtr(p.Username), Locale: p.Locale,
		PublicMetadata: metadataOrEmpty(p.PublicMetadata), PrivateMetadata: metadataOrEmpty(p.PrivateMetadata), UnsafeMetadata: metadataOrEmpty(p.UnsafeMetadata),
		EmailAddresses: []backend.EmailAddress{}, PhoneNumbers: []backend.PhoneNumber{}, Web3Wallets: []backend.Web3Wallet{}, Passkeys: []backend.Passkey{},
		ExternalAccounts: []backend.ExternalAccountWithVerification{}, SAMLAccounts: []backend.SAMLAccount{}, EnterpriseAccounts: []backend.EnterpriseAccount{},
		PasswordEnabled: p.Password != nil || p.PasswordDigest != nil, Banned: p.Banned != nil && *p.Banned, Locked: p.Locked != nil && *p.Locked,
		DeleteSelfEnabled: p.DeleteSelfEnabled == nil || *p.DeleteSelfEnabled, CreateOrganizationEnabled: p.CreateOrganizationEnabled == nil || *p.CreateOrganizationEnabled,
		CreateOrganizationsLimit: p.CreateOrganizationsLimit,
		ImageURL:                 "https://img.clerk.com/clerktest", CreatedAt: now, UpdatedAt: now,
	}
	for _, addr := range p.EmailAddress {
		addr = strings.ToLower(strings.TrimSpace(addr))
		if !strings.Contains(addr, "@") {
			return nil, errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "email_address", "email_address must be a valid email address.")
		}
		u.EmailAddresses = append(u.EmailAddresses, backend.EmailAddress{
			ID: "idn_" + randomHex(12), Object: "email_address", EmailAddress: addr, LinkedTo: []backend.IdentificationLink{},
			Verification: &backend.EmailAddressVerification{Status: "verified", Strategy: "admin"}, CreatedAt: now, UpdatedAt: now,
		})
	}
	if len(u.EmailAddresses) > 0 {
		u.PrimaryEmailAddressID = &u.EmailAddresses[0].ID
	}
	if e := i.checkUnique(u); e != nil {
		return nil, e
	}
	i.fake.users[u.ID] = u
	return clone(u), nil
}

func (i *Instance) updateUser(r *http.Request) (any, *apiError) {
	var p backend.UserUpdateParams
	if e := decode(r, &p); e != nil {
		return nil, e
	}
	return i.changeUser(r.PathValue("user_id"), func(u *backend.User) *apiError {
		set(&u.ExternalID, p.ExternalID)
		set(&u.FirstName, p.FirstName)
		set(&u.LastName, p.LastName)
		set(&u.Locale, p.Locale)
		set(&u.Username, lowerPtr(p.Username))
		set(&u.CreateOrganizationsLimit, p.CreateOrganizationsLimit)
		if p.PrimaryEmailAddressID != nil {
			if !slices.ContainsFunc(u.EmailAddresses, func(e backend.EmailAddress) bool { return e.ID == *p.PrimaryEmailAddressID }) {
				return errParam(http.StatusUnprocessableEntity, "form_param_value_invalid", "primary_email_address_id", "primary_email_address_id is not one of the user's e-mail addresses.")
			}
			u.PrimaryEmailAddressID = p.PrimaryEmailAddressID
		}
		if p.Password != nil || p.PasswordDigest != nil {
			u.PasswordEnabled = true
		}
		if p.DeleteSelfEnabled != nil {
			u.DeleteSelfEnabled = *p.DeleteSelfEnabled
		}
		if p.CreateOrganizationEnabled != nil {
			u.CreateOrganizationEnabled = *p.CreateOrganizationEnabled
		}
		return i.checkUnique(u)
	})
}

// changeUser applies change to a copy of the user and stores it when
// change succeeds, so that a refused update changes nothing.
func (i *Instance) changeUser(id string, change func(*backend.User) *apiError) (any, *apiError) {
	cur := i.fake.users[id]
	if cur == nil {
		return nil, errNotFound("user")
	}
	u := clone(cur)
	if e := change(u); e != nil {
		return nil, e
	}
	u.UpdatedAt = max(i.now().UnixMilli(), cur.UpdatedAt)
	i.fake.users[id] = u
	return clone(u), nil
}

// checkUnique refuses an e-mail address, username or external id that
// another user has, with Clerk's form_identifier_exists.
func (i *Instance) checkUnique(u *backend.User) *apiError {
	for _, o := range i.fake.users {
		if o.ID == u.ID {
			continue
		}
		for _, e := range u.EmailAddresses {
			if slices.ContainsFunc(o.EmailAddresses, func(x backend.EmailAddress) bool { return x.EmailAddress == e.EmailAddress }) {
				return errParam(http.StatusUnprocessableEntity, "form_identifier_exists", "email_address", "That email address is taken. Please try another.")
			}
		}
		if u.Username != nil && o.Username != nil && *u.Username == *o.Username {
			return errParam(http.StatusUnprocessableEntity, "form_identifier_exists", "username", "That username is taken. Please try another.")
		}
		if u.ExternalID != nil && o.ExternalID != nil && *u.ExternalID == *o.ExternalID && *u.ExternalID != "" {
			return errParam(http.StatusUnprocessableEntity, "form_identifier_exists", "external_id", "That external ID is taken.")
		}
	}
	return nil
}

func (i *Instance) user(id string) (*backend.User, *apiError) {
	u := i.fake.users[id]
	if u == nil {
		return nil, errNotFound("user")
	}
	return clone(u), nil
}

// filterUsers applies GET /users's filters: each list filter (email_address,
// user_id, external_id, username, organization_id) keeps the users matching
// any of its values; query matches a substring of the id, names, username
// or an e-mail address; banned; then order_by.
func (i *Instance) filterUsers(q url.Values) ([]backend.User, *apiError) {
	var out []backend.User
	for _, u := range i.fake.users {
		if i.userMatches(u, q) {
			out = append(out, *clone(u))
		}
	}
	if e := sortBy(out, q.Get("order_by"), func(u backend.User) int64 { return u.CreatedAt }, func(u backend.User) int64 { return u.UpdatedAt }); e != nil {
		return nil, e
	}
	return out, nil
}

func (i *Instance) userMatches(u *backend.User, q url.Values) bool {
	emails := make([]string, len(u.EmailAddresses))
	for k, e := range u.EmailAddresses {
		emails[k] = e.EmailAddress
	}
	anyOf := func(param string, have ...string) bool {
		want := q[param]
		return len(want) == 0 || slices.ContainsFunc(want, func(w string) bool { return slices.Contains(have, strings.ToLower(w)) || slices.Contains(have, w) })
	}
	var orgs []string
	for org, ms := range i.fake.memberships {
		if slices.ContainsFunc(ms, func(m *backend.OrganizationMembership) bool { return m.PublicUserData.UserID == u.ID }) {
			orgs = append(orgs, org)
		}
	}
	if !anyOf("email_address", emails...) || !anyOf("user_id", u.ID) || !anyOf("external_id", deref(u.ExternalID)) ||
		!anyOf("username", deref(u.Username)) || !anyOf("organization_id", orgs...) {
		return false
	}
	if b := q.Get("banned"); b != "" && (b == "true") != u.Banned {
		return false
	}
	if s := strings.ToLower(q.Get("query")); s != "" {
		hay := append([]string{u.ID, strings.ToLower(deref(u.FirstName)), strings.ToLower(deref(u.LastName)), deref(u.Username), deref(u.ExternalID)}, emails...)
		if !slices.ContainsFunc(hay, func(h string) bool { return strings.Contains(h, s) }) {
			return false
		}
	}
	return true
}

func set[T any](dst **T, v *T) {
	if v != nil {
		*dst = v
	}
}

func lowerPtr(s *string) *string {
	if s == nil {
		return nil
	}
	l := strings.ToLower(*s)
	return &l
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
