package localclerk

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// userParams is the body of POST/PATCH /users. Pointers distinguish
// "absent" from "set to empty".
type userParams struct {
	ExternalID              *string         `json:"external_id"`
	FirstName               *string         `json:"first_name"`
	LastName                *string         `json:"last_name"`
	Username                *string         `json:"username"`
	EmailAddress            []string        `json:"email_address"`
	PrimaryEmailAddressID   *string         `json:"primary_email_address_id"`
	PhoneNumber             []string        `json:"phone_number"`
	Password                *string         `json:"password"`
	SkipPasswordChecks      *bool           `json:"skip_password_checks"`
	SkipPasswordRequirement *bool           `json:"skip_password_requirement"`
	PublicMetadata          json.RawMessage `json:"public_metadata"`
	PrivateMetadata         json.RawMessage `json:"private_metadata"`
	UnsafeMetadata          json.RawMessage `json:"unsafe_metadata"`
	Banned                  *bool           `json:"banned"`
	Locked                  *bool           `json:"locked"`
	ID                      string          `json:"-"` // fixtures only
	// passwordHash is Password hashed by hashPassword before the write
	// transaction, so that bcrypt never runs inside one.
	passwordHash string

	// Settings beyond identity and metadata (applySettings).
	Locale                    *string `json:"locale"`
	CreatedAt                 *string `json:"created_at"`
	LegalAcceptedAt           *string `json:"legal_accepted_at"`
	DeleteSelfEnabled         *bool   `json:"delete_self_enabled"`
	CreateOrganizationEnabled *bool   `json:"create_organization_enabled"`
	CreateOrganizationsLimit  *int64  `json:"create_organizations_limit"`

	// beforeStore, when set, completes the new user in the same
	// transaction before it is stored and announced: a social sign-up's
	// external account.
	beforeStore func(*user) error
}

var emailRe = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
var usernameRe = regexp.MustCompile(`^[a-zA-Z0-9_.-]{3,64}$`)

// isTestEmail reports a Clerk test identity (…+clerk_test@…), whose
// verification code is always 424242 in development.
func isTestEmail(addr string) bool {
	local, _, _ := strings.Cut(strings.ToLower(addr), "@")
	return strings.Contains(local, "+clerk_test")
}

const testVerificationCode = "424242"

func validatePassword(p *string, skip *bool) error {
	if p == nil {
		return nil
	}
	if len(*p) > maxPasswordBytes {
		return errPasswordTooLong
	}
	if (skip == nil || !*skip) && len(*p) < 8 {
		return newAPIError(http.StatusUnprocessableEntity, "form_password_length_too_short", "Passwords must be 8 characters or more.", "Passwords must be 8 characters or more.", paramMeta("password"))
	}
	return nil
}

// prehashPassword hashes a valid p.Password before the transaction that
// stores it; an invalid one is left for the transaction to refuse, in the
// order of its other checks.
func (p *userParams) prehashPassword() error {
	if validatePassword(p.Password, p.SkipPasswordChecks) != nil {
		return nil
	}
	return p.hashPassword()
}

// hashPassword validates and hashes p.Password (when set) into
// p.passwordHash.
func (p *userParams) hashPassword() error {
	if p.Password == nil || p.passwordHash != "" {
		return nil
	}
	if err := validatePassword(p.Password, p.SkipPasswordChecks); err != nil {
		return err
	}
	h, err := hashPassword(*p.Password)
	if err != nil {
		return err
	}
	p.passwordHash = h
	return nil
}

// createUser validates p and inserts a new user (verified e-mail
// addresses unless verified is false).
func (inst *Instance) createUser(t *txn, p *userParams, now time.Time, verified bool) (*user, error) {
	if len(p.EmailAddress) == 0 && len(p.PhoneNumber) == 0 && (p.Username == nil || *p.Username == "") {
		return nil, errMissing("email_address")
	}
	for _, m := range []struct {
		n string
		v json.RawMessage
	}{{"public_metadata", p.PublicMetadata}, {"private_metadata", p.PrivateMetadata}, {"unsafe_metadata", p.UnsafeMetadata}} {
		if err := checkMetadata(m.n, m.v); err != nil {
			return nil, err
		}
	}
	if err := validatePassword(p.Password, p.SkipPasswordChecks); err != nil {
		return nil, err
	}
	id := p.ID
	if id == "" {
		id = newID("user")
	}
	u := &user{ID: id, ExternalID: p.ExternalID, FirstName: p.FirstName, LastName: p.LastName,
		PublicMeta: p.PublicMetadata, PrivateMeta: p.PrivateMetadata, UnsafeMeta: p.UnsafeMetadata,
		Emails: []emailAddress{}, CreatedAt: ms(now), UpdatedAt: ms(now)}
	if p.Banned != nil {
		u.Banned = *p.Banned
	}
	if p.Locked != nil {
		u.Locked = *p.Locked
	}
	if err := applySettings(u, p); err != nil {
		return nil, err
	}
	if err := t.users().load(id, &user{}); err == nil {
		return nil, errTaken("id", "A user with id "+id+" already exists.")
	}
	if err := inst.setUsername(t, u, p.Username); err != nil {
		return nil, err
	}
	if err := setExternalID(t, u, p.ExternalID); err != nil {
		return nil, err
	}
	for _, addr := range p.EmailAddress {
		if err := addEmail(t, u, addr, verified, now); err != nil {
			return nil, err
		}
	}
	if len(u.Emails) > 0 {
		u.PrimaryEmailID = u.Emails[0].ID
	}
	for _, n := range p.PhoneNumber {
		if _, err := addPhone(t, u, n, "phone_number", verified, now); err != nil {
			return nil, err
		}
	}
	if len(u.Phones) > 0 {
		u.PrimaryPhoneID = u.Phones[0].ID
	}
	if p.Password != nil {
		if err := p.hashPassword(); err != nil { // callers on hot paths hash before the transaction
			return nil, err
		}
		u.PasswordHash = p.passwordHash
	}
	if p.beforeStore != nil {
		if err := p.beforeStore(u); err != nil {
			return nil, err
		}
	}
	if err := t.users().put(u); err != nil {
		return nil, err
	}
	t.emit("user.created", userJSON(u))
	return u, nil
}

func addEmail(t *txn, u *user, addr string, verified bool, now time.Time) error {
	addr = strings.TrimSpace(addr)
	if len(addr) > 254 || !emailRe.MatchString(addr) {
		return errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "email_address", "email_address must be a valid email address.")
	}
	err := t.identifiers().claimEmail(addr, u.ID)
	if errors.Is(err, errConflict) {
		return errTaken("email_address", "That email address is taken. Please try another.")
	}
	if err != nil {
		return err
	}
	for _, e := range u.Emails {
		if normEmail(e.Address) == normEmail(addr) {
			return nil
		}
	}
	u.Emails = append(u.Emails, emailAddress{ID: newID("idn"), Address: addr, Verified: verified, CreatedAt: ms(now)})
	return nil
}

func (inst *Instance) setUsername(t *txn, u *user, name *string) error {
	if name == nil {
		return nil
	}
	if err := t.identifiers().releaseUsername(u.ID); err != nil {
		return err
	}
	if *name == "" {
		u.Username = nil
		return nil
	}
	if !usernameRe.MatchString(*name) {
		return errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "username", "username must be 3-64 letters, digits, '_', '.' or '-'.")
	}
	err := t.identifiers().claimUsername(*name, u.ID)
	if errors.Is(err, errConflict) {
		return errTaken("username", "That username is taken. Please try another.")
	}
	if err != nil {
		return err
	}
	n := *name
	u.Username = &n
	return nil
}

func setExternalID(t *txn, u *user, ext *string) error {
	if ext == nil {
		return nil
	}
	if err := t.identifiers().releaseExternalID(u.ID); err != nil {
		return err
	}
	if *ext == "" {
		u.ExternalID = nil
		return nil
	}
	err := t.identifiers().claimExternalID(*ext, u.ID)
	if errors.Is(err, errConflict) {
		return errTaken("external_id", "That external_id is taken.")
	}
	if err != nil {
		return err
	}
	e := *ext
	u.ExternalID = &e
	return nil
}

func (inst *Instance) bapiCreateUser(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p userParams
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if err := p.prehashPassword(); err != nil {
		return nil, 0, err
	}
	var u *user
	err := inst.store.update(r.Context(), func(t *txn) error {
		var err error
		u, err = inst.createUser(t, &p, inst.now(), true)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return userJSON(u), 0, nil
}

func (inst *Instance) bapiGetUser(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var u user
	err := inst.store.view(r.Context(), func(t *txn) error { return t.users().load(r.PathValue("id"), &u) })
	if err != nil {
		return nil, 0, notFoundAs(err, "user")
	}
	return userJSON(&u), 0, nil
}

// filterUsers applies the list/count filters of GET /users.
func filterUsers(t *txn, q url.Values) ([]*user, error) {
	emails := multi(q, "email_address")
	ids := multi(q, "user_id")
	exts := multi(q, "external_id")
	names := multi(q, "username")
	orgs := multi(q, "organization_id")
	query := strings.ToLower(strings.TrimSpace(q.Get("query")))
	text, err := parseUserTextFilters(q, false)
	if err != nil {
		return nil, err
	}
	inOrg := map[string]bool{}
	if len(orgs) > 0 {
		ms, err := t.memberships().list()
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			for _, o := range orgs {
				if m.OrgID == o {
					inOrg[m.UserID] = true
				}
			}
		}
	}
	var out []*user
	err = t.users().each(func(u *user) bool {
		if len(ids) > 0 && !contains(ids, u.ID) {
			return true
		}
		if len(exts) > 0 && (u.ExternalID == nil || !contains(exts, *u.ExternalID)) {
			return true
		}
		if len(names) > 0 && (u.Username == nil || !containsFold(names, *u.Username)) {
			return true
		}
		if len(emails) > 0 {
			ok := false
			for _, e := range u.Emails {
				ok = ok || containsFold(emails, e.Address)
			}
			if !ok {
				return true
			}
		}
		if len(orgs) > 0 && !inOrg[u.ID] {
			return true
		}
		if query != "" {
			hay := []string{u.ID, deref(u.FirstName), deref(u.LastName), deref(u.Username), deref(u.ExternalID)}
			for _, e := range u.Emails {
				hay = append(hay, e.Address)
			}
			for _, p := range u.Phones {
				hay = append(hay, p.Number)
			}
			if !strings.Contains(strings.ToLower(strings.Join(hay, "\x00")), query) {
				return true
			}
		}
		if b := q.Get("banned"); b != "" && (b == "true") != u.Banned {
			return true
		}
		if !text.match(u) {
			return true
		}
		out = append(out, u)
		return true
	})

	return out, err
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(strings.TrimSpace(v), s) {
			return true
		}
	}
	return false
}

func (inst *Instance) bapiListUsers(w http.ResponseWriter, r *http.Request) (any, int, error) {
	q := r.URL.Query()
	limit, offset, err := paging(q)
	if err != nil {
		return nil, 0, err
	}
	field, desc, err := orderBy(q, "-created_at", "created_at", "updated_at", "email_address", "web3wallet", "first_name",
		"last_name", "phone_number", "username", "last_active_at", "last_sign_in_at")
	if err != nil {
		return nil, 0, err
	}
	var users []*user
	if err := inst.store.view(r.Context(), func(t *txn) error {
		users, err = filterUsers(t, q)
		return err
	}); err != nil {
		return nil, 0, err
	}
	num := func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	}
	sortBy(users, desc, func(a, b *user) int {
		switch field {
		case "updated_at":
			return cmpInt(a.UpdatedAt, b.UpdatedAt)
		case "email_address":
			return cmpStr(a.primaryEmail(), b.primaryEmail())
		case "first_name":
			return cmpStr(deref(a.FirstName), deref(b.FirstName))
		case "last_name":
			return cmpStr(deref(a.LastName), deref(b.LastName))
		case "username":
			return cmpStr(deref(a.Username), deref(b.Username))
		case "last_active_at":
			return cmpInt(num(a.LastActiveAt), num(b.LastActiveAt))
		case "last_sign_in_at":
			return cmpInt(num(a.LastSignInAt), num(b.LastSignInAt))
		}
		return cmpInt(a.CreatedAt, b.CreatedAt)
	})
	out, _ := pageJSON(users, limit, offset, infallible(userJSON))
	return out, 0, nil
}

func (inst *Instance) bapiCountUsers(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var n int
	err := inst.store.view(r.Context(), func(t *txn) error {
		users, err := filterUsers(t, r.URL.Query())
		n = len(users)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return &totalCountWire{Object: "total_count", TotalCount: n}, 0, nil
}

func (inst *Instance) bapiUpdateUser(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p userParams
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	if err := p.prehashPassword(); err != nil {
		return nil, 0, err
	}
	now := inst.now()
	var u user
	err := inst.store.update(r.Context(), func(t *txn) error {
		if err := t.users().load(r.PathValue("id"), &u); err != nil {
			return notFoundAs(err, "user")
		}
		for _, m := range []struct {
			n string
			v json.RawMessage
		}{{"public_metadata", p.PublicMetadata}, {"private_metadata", p.PrivateMetadata}, {"unsafe_metadata", p.UnsafeMetadata}} {
			if err := checkMetadata(m.n, m.v); err != nil {
				return err
			}
		}
		if err := validatePassword(p.Password, p.SkipPasswordChecks); err != nil {
			return err
		}
		if p.FirstName != nil {
			u.FirstName = p.FirstName
		}
		if p.LastName != nil {
			u.LastName = p.LastName
		}
		if err := applySettings(&u, &p); err != nil {
			return err
		}
		if err := inst.setUsername(t, &u, p.Username); err != nil {
			return err
		}
		if err := setExternalID(t, &u, p.ExternalID); err != nil {
			return err
		}
		if p.PrimaryEmailAddressID != nil {
			ok := false
			for _, e := range u.Emails {
				ok = ok || e.ID == *p.PrimaryEmailAddressID
			}
			if !ok {
				return errInvalid("primary_email_address_id", "primary_email_address_id must be one of the user's email address ids.")
			}
			u.PrimaryEmailID = *p.PrimaryEmailAddressID
		}
		if p.Password != nil {
			u.PasswordHash = p.passwordHash // hashed before the transaction
			u.PasswordCompromised = false   // a new password is not compromised
		}
		if len(p.PublicMetadata) > 0 {
			u.PublicMeta = p.PublicMetadata
		}
		if len(p.PrivateMetadata) > 0 {
			u.PrivateMeta = p.PrivateMetadata
		}
		if len(p.UnsafeMetadata) > 0 {
			u.UnsafeMeta = p.UnsafeMetadata
		}
		u.UpdatedAt = ms(now)
		t.emit("user.updated", userJSON(&u))
		return t.users().put(&u)
	})
	if err != nil {
		return nil, 0, err
	}
	return userJSON(&u), 0, nil
}

func (inst *Instance) bapiUserMetadata(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		PublicMetadata  json.RawMessage `json:"public_metadata"`
		PrivateMetadata json.RawMessage `json:"private_metadata"`
		UnsafeMetadata  json.RawMessage `json:"unsafe_metadata"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	var u user
	err := inst.store.update(r.Context(), func(t *txn) error {
		if err := t.users().load(r.PathValue("id"), &u); err != nil {
			return notFoundAs(err, "user")
		}
		if err := mergeMetadataFields(metadataPatch{"public_metadata", p.PublicMetadata, &u.PublicMeta}, metadataPatch{"private_metadata", p.PrivateMetadata, &u.PrivateMeta}, metadataPatch{"unsafe_metadata", p.UnsafeMetadata, &u.UnsafeMeta}); err != nil {
			return err
		}
		u.UpdatedAt = ms(inst.now())
		t.emit("user.updated", userJSON(&u))
		return t.users().put(&u)
	})
	if err != nil {
		return nil, 0, err
	}
	return userJSON(&u), 0, nil
}

func (inst *Instance) bapiBanUser(ban bool) func(w http.ResponseWriter, r *http.Request) (any, int, error) {
	return func(w http.ResponseWriter, r *http.Request) (any, int, error) {
		// updateUser sends user.updated, as the bulk form does.
		return inst.updateUser(r, func(t *txn, u *user, now time.Time) error {
			u.Banned = ban
			if ban {
				return revokeUserSessions(t, u.ID, now)
			}
			return nil
		})
	}
}

func (inst *Instance) bapiVerifyPassword(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		Password string `json:"password"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	var u user
	if err := inst.store.view(r.Context(), func(t *txn) error { return t.users().load(r.PathValue("id"), &u) }); err != nil {
		return nil, 0, notFoundAs(err, "user")
	}
	if u.PasswordHash == "" {
		return nil, 0, errNoPasswordSet
	}
	pc := checkPassword(&u, p.Password) // outside any transaction
	if !pc.ok {
		return nil, 0, newAPIError(http.StatusUnprocessableEntity, "incorrect_password", "Password is incorrect.", "Password is incorrect.", paramMeta("password"))
	}
	inst.upgradePasswordHash(r.Context(), u.ID, u.PasswordHash, pc.upgraded)
	return &passwordVerifiedWire{Verified: true}, 0, nil
}

// errNoPasswordSet is Clerk's answer to a password operation on a user
// without one.
var errNoPasswordSet = newAPIError(http.StatusBadRequest, "no_password_set", "no password set",
	"This user does not have a password set for their account.", nil)

func revokeUserSessions(t *txn, userID string, now time.Time) error {
	return revokeSessionsExcept(t, userID, "", now)
}

// revokeSessionsExcept revokes userID's active and pending sessions, all
// but keep, each with a session.revoked webhook.
func revokeSessionsExcept(t *txn, userID, keep string, now time.Time) error {
	ss, err := t.sessions().list()
	if err != nil {
		return err
	}
	for _, s := range ss {
		if s.UserID == userID && s.ID != keep && (s.Status == "active" || s.Status == "pending") {
			s.Status = "revoked"
			s.UpdatedAt = ms(now)
			if err := t.sessions().put(s); err != nil {
				return err
			}
			t.emit("session.revoked", sessionJSON(s))
		}
	}
	return nil
}

func (inst *Instance) bapiDeleteUser(w http.ResponseWriter, r *http.Request) (any, int, error) {
	id := r.PathValue("id")
	now := inst.now()
	err := inst.store.update(r.Context(), func(t *txn) error {
		u, err := t.users().get(id)
		if err != nil {
			return notFoundAs(err, "user")
		}
		return deleteUser(t, u, now)
	})
	if err != nil {
		return nil, 0, err
	}
	return deletedJSON("user", id), 0, nil
}

// deleteUser deletes u with its image, credits and memberships, and
// revokes its sessions: the Backend API's DeleteUser and the Frontend
// API's DELETE /v1/me.
func deleteUser(t *txn, u *user, now time.Time) error {
	if err := dropImage(t, u.ImageID); err != nil {
		return err
	}
	if err := dropCredits(t, u.ID); err != nil {
		return err
	}
	if err := revokeUserSessions(t, u.ID, now); err != nil {
		return err
	}
	mems, err := userMemberships(t, u.ID)
	if err != nil {
		return err
	}
	for _, m := range mems {
		if err := t.memberships().del(m.ID); err != nil {
			return err
		}
	}
	t.emit("user.deleted", deletedJSON("user", u.ID))
	return t.users().del(u.ID)
}

// updateUser loads the user the path names, applies change and stores
// the result with a user.updated webhook, all in one transaction.
func (inst *Instance) updateUser(r *http.Request, change func(t *txn, u *user, now time.Time) error) (any, int, error) {
	now := inst.now()
	var u user
	err := inst.store.update(r.Context(), func(t *txn) error {
		if err := t.users().load(r.PathValue("id"), &u); err != nil {
			return notFoundAs(err, "user")
		}
		if err := change(t, &u, now); err != nil {
			return err
		}
		u.UpdatedAt = ms(now)
		t.emit("user.updated", userJSON(&u))
		return t.users().put(&u)
	})
	if err != nil {
		return nil, 0, err
	}
	return userJSON(&u), 0, nil
}

// bapiLockUser locks or unlocks a user: a locked user cannot sign in
// (the hosted pages and the Frontend API refuse), sessions stay.
func (inst *Instance) bapiLockUser(lock bool) bapiFunc {
	return func(w http.ResponseWriter, r *http.Request) (any, int, error) {
		return inst.updateUser(r, func(_ *txn, u *user, _ time.Time) error {
			u.Locked = lock
			return nil
		})
	}
}

func (inst *Instance) bapiReplaceUserMetadata(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		PublicMetadata  json.RawMessage `json:"public_metadata"`
		PrivateMetadata json.RawMessage `json:"private_metadata"`
		UnsafeMetadata  json.RawMessage `json:"unsafe_metadata"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	for _, m := range []struct {
		n string
		v json.RawMessage
	}{{"public_metadata", p.PublicMetadata}, {"private_metadata", p.PrivateMetadata}, {"unsafe_metadata", p.UnsafeMetadata}} {
		if err := checkMetadata(m.n, m.v); err != nil {
			return nil, 0, err
		}
	}
	return inst.updateUser(r, func(_ *txn, u *user, _ time.Time) error {
		// A field the body leaves out keeps its value; one it sends
		// (null included, which empties it) replaces it whole.
		for _, m := range []struct {
			v   json.RawMessage
			dst *json.RawMessage
		}{{p.PublicMetadata, &u.PublicMeta}, {p.PrivateMetadata, &u.PrivateMeta}, {p.UnsafeMetadata, &u.UnsafeMeta}} {
			if m.v != nil {
				*m.dst = rawOrEmpty(m.v)
			}
		}
		return nil
	})
}

func (inst *Instance) bapiRemoveUserPassword(w http.ResponseWriter, r *http.Request) (any, int, error) {
	return inst.updateUser(r, func(_ *txn, u *user, _ time.Time) error {
		if u.PasswordHash == "" {
			return errNoPasswordSet
		}
		u.PasswordHash, u.PasswordCompromised = "", false
		return nil
	})
}

// bapiBanUsers bans or unbans up to 50 users at once, all or none.
func (inst *Instance) bapiBanUsers(ban bool) bapiFunc {
	return func(w http.ResponseWriter, r *http.Request) (any, int, error) {
		var p struct {
			UserIDs []string `json:"user_ids"`
		}
		if err := decodeBody(w, r, &p); err != nil {
			return nil, 0, err
		}
		if len(p.UserIDs) == 0 {
			return nil, 0, errMissing("user_ids")
		}
		if len(p.UserIDs) > 50 {
			return nil, 0, newAPIError(http.StatusBadRequest, "bulk_size_exceeded", "bulk size exceeded",
				"Parameters exceed the maximum allowed bulk processing size of 50.", nil)
		}
		now := inst.now()
		out := []any{}
		err := inst.store.update(r.Context(), func(t *txn) error {
			for _, id := range p.UserIDs {
				var u user
				if err := t.users().load(id, &u); err != nil {
					return notFoundAs(err, "user "+id)
				}
				u.Banned, u.UpdatedAt = ban, ms(now)
				if ban {
					if err := revokeUserSessions(t, u.ID, now); err != nil {
						return err
					}
				}
				if err := t.users().put(&u); err != nil {
					return err
				}
				t.emit("user.updated", userJSON(&u))
				out = append(out, userJSON(&u))
			}
			return nil
		})
		if err != nil {
			return nil, 0, err
		}
		return out, 0, nil
	}
}
