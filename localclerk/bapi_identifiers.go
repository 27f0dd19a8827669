package localclerk

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Allow-list and block-list identifiers, and the instance restrictions
// that switch them on. As on Clerk, an identifier on a list has an effect
// only while its list is enabled (PATCH /v1/instance/restrictions); the
// lists apply to sign-ups and sign-ins through the hosted pages, never to
// users the Backend API creates.
const (
	kindAllowlist = "allowlist_identifier"
	kindBlocklist = "blocklist_identifier"
	nsAllowlist   = "allowlist_identifier:identifier"
	nsBlocklist   = "blocklist_identifier:identifier"

	metaRestrictions = "restrictions"
)

// listIdentifier is one entry of the allow-list or the block-list.
type listIdentifier struct {
	ID         string `json:"id"`
	Identifier string `json:"identifier"`
	Type       string `json:"identifier_type"`
	CreatedAt  int64  `json:"created_at"`
	UpdatedAt  int64  `json:"updated_at"`
}

// identifierList describes one of the two lists.
type identifierList struct {
	kind, ns, object, idPrefix string
}

var (
	allowlist = identifierList{kindAllowlist, nsAllowlist, "allowlist_identifier", "alid"}
	blocklist = identifierList{kindBlocklist, nsBlocklist, "blocklist_identifier", "blid"}
)

// restrictions are the instance's sign-up and sign-in restrictions.
type restrictions struct {
	Allowlist                          bool `json:"allowlist"`
	Blocklist                          bool `json:"blocklist"`
	AllowlistBlocklistDisabledOnSignIn bool `json:"allowlist_blocklist_disabled_on_sign_in"`
	BlockEmailSubaddresses             bool `json:"block_email_subaddresses"`
	BlockDisposableEmailDomains        bool `json:"block_disposable_email_domains"`
}

var (
	phoneRe  = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	walletRe = regexp.MustCompile(`^0x[0-9a-f]{40}$`)
	domainRe = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$`)
)

// classifyIdentifier normalizes an identifier and names its type: an
// e-mail address, a whole e-mail domain written *@example.com, an E.164
// phone number or a Web3 wallet address.
func classifyIdentifier(s string) (norm, typ string, err error) {
	norm = strings.ToLower(strings.TrimSpace(s))
	switch {
	case strings.HasPrefix(norm, "*@") && domainRe.MatchString(norm[2:]):
		return norm, "email_address", nil
	case strings.Contains(norm, "@") && len(norm) <= 254 && emailRe.MatchString(norm):
		return norm, "email_address", nil
	case phoneRe.MatchString(strings.NewReplacer(" ", "", "-", "").Replace(norm)):
		return strings.NewReplacer(" ", "", "-", "").Replace(norm), "phone_number", nil
	case walletRe.MatchString(norm):
		return norm, "web3_wallet", nil
	}
	return "", "", errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", "identifier",
		"identifier must be an e-mail address, a domain as *@example.com, a phone number in E.164 format (+15555550100) or a Web3 wallet address.")
}

func (inst *Instance) bapiListIdentifiers(l identifierList) bapiFunc {
	return func(w http.ResponseWriter, r *http.Request) (any, int, error) {
		limit, offset, err := paging(r.URL.Query())
		if err != nil {
			return nil, 0, err
		}
		var items []*listIdentifier
		if err := inst.store.view(r.Context(), func(t *txn) error {
			items, err = t.listIdentifiers(l).list()
			return err
		}); err != nil {
			return nil, 0, err
		}
		slices.Reverse(items) // newest first, as Clerk lists them
		data, err := pageJSON(items, limit, offset, infallible(func(e *listIdentifier) *listIdentifierWire { return inst.identifierJSON(l, e) }))
		if err != nil {
			return nil, 0, err
		}
		if l.kind == kindAllowlist {
			return listAnswer(r.URL.Query(), data, len(items)), 0, nil
		}
		return &pageWire{Data: data, TotalCount: len(items)}, 0, nil
	}
}

func (inst *Instance) bapiCreateIdentifier(l identifierList) bapiFunc {
	return func(w http.ResponseWriter, r *http.Request) (any, int, error) {
		var p struct {
			Identifier *string `json:"identifier"`
			Notify     *bool   `json:"notify"` // localclerk sends no invitations
		}
		if err := decodeBody(w, r, &p); err != nil {
			return nil, 0, err
		}
		if p.Identifier == nil || strings.TrimSpace(*p.Identifier) == "" {
			return nil, 0, errMissing("identifier")
		}
		norm, typ, err := classifyIdentifier(*p.Identifier)
		if err != nil {
			return nil, 0, err
		}
		now := ms(inst.now())
		e := &listIdentifier{ID: newID(l.idPrefix), Identifier: norm, Type: typ, CreatedAt: now, UpdatedAt: now}
		err = inst.store.update(r.Context(), func(t *txn) error {
			if err := t.listIdentifierKeys(l).claim(norm, e.ID); err != nil {
				return conflictAs(err, newAPIError(http.StatusBadRequest, "duplicate_record", "duplicate record",
					fmt.Sprintf("%s is already on the %s.", norm, strings.TrimSuffix(l.object, "_identifier")), paramMeta("identifier")))
			}
			return t.listIdentifiers(l).put(e)
		})
		if err != nil {
			return nil, 0, err
		}
		return inst.identifierJSON(l, e), 0, nil
	}
}

func (inst *Instance) bapiDeleteIdentifier(l identifierList) bapiFunc {
	return func(w http.ResponseWriter, r *http.Request) (any, int, error) {
		id := r.PathValue("id")
		if err := inst.store.update(r.Context(), func(t *txn) error { return t.listIdentifiers(l).del(id) }); err != nil {
			return nil, 0, notFoundAs(err, "identifier")
		}
		return deletedJSON(l.object, id), 0, nil
	}
}

func loadRestrictions(t *txn) (*restrictions, error) {
	var rs restrictions
	if err := t.settings().load(metaRestrictions, &rs); err != nil {
		return nil, err
	}
	return &rs, nil
}

func restrictionsJSON(rs *restrictions) *instanceRestrictionsWire {
	return &instanceRestrictionsWire{Object: "instance_restrictions", restrictions: *rs}
}

func (inst *Instance) bapiUpdateRestrictions(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		Allowlist                          *bool `json:"allowlist"`
		Blocklist                          *bool `json:"blocklist"`
		AllowlistBlocklistDisabledOnSignIn *bool `json:"allowlist_blocklist_disabled_on_sign_in"`
		BlockEmailSubaddresses             *bool `json:"block_email_subaddresses"`
		BlockDisposableEmailDomains        *bool `json:"block_disposable_email_domains"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	var rs *restrictions
	err := inst.store.update(r.Context(), func(t *txn) error {
		var err error
		if rs, err = loadRestrictions(t); err != nil {
			return err
		}
		for _, f := range []struct {
			dst *bool
			src *bool
		}{{&rs.Allowlist, p.Allowlist}, {&rs.Blocklist, p.Blocklist}, {&rs.AllowlistBlocklistDisabledOnSignIn, p.AllowlistBlocklistDisabledOnSignIn},
			{&rs.BlockEmailSubaddresses, p.BlockEmailSubaddresses}, {&rs.BlockDisposableEmailDomains, p.BlockDisposableEmailDomains}} {
			if f.src != nil {
				*f.dst = *f.src
			}
		}
		return t.settings().save(metaRestrictions, rs)
	})
	if err != nil {
		return nil, 0, err
	}
	return restrictionsJSON(rs), 0, nil
}

// errNotAllowedAccess is Clerk's answer to a sign-up or sign-in the
// allow-list or block-list refuses.
func errNotAllowedAccess(param string) *apiError {
	return newAPIError(http.StatusForbidden, "not_allowed_access", "Access not allowed.",
		"You are not allowed to access this application: this identifier is not on its allow-list, or is on its block-list.",
		paramMeta(param))
}

// checkIdentifierAccess applies the enabled lists to the identifiers
// (e-mail addresses, phone numbers) a person signs up or signs in with:
// any identifier on the block-list refuses, and with the allow-list on, at
// least one must be on it. Sign-ins are exempt when the instance says so.
// An invited address passes the allow-list. A refusal names param, the
// form field the identifiers came from.
func checkIdentifierAccess(t *txn, identifiers []string, signIn bool, param string, now time.Time) error {
	rs, err := loadRestrictions(t)
	if err != nil {
		return err
	}
	if !signIn {
		if err := checkEmailRestrictions(rs, identifiers, param); err != nil {
			return err
		}
	}
	if signIn && rs.AllowlistBlocklistDisabledOnSignIn || !rs.Allowlist && !rs.Blocklist {
		return nil
	}
	onList := func(l identifierList, id string) (bool, error) {
		keys := []string{id}
		if at := strings.LastIndexByte(id, '@'); at >= 0 {
			keys = append(keys, "*"+id[at:])
		}
		for _, k := range keys {
			_, err := t.listIdentifierKeys(l).owner(k)
			if err == nil {
				return true, nil
			}
			if !errors.Is(err, errNotFound) {
				return false, err
			}
		}
		return false, nil
	}
	allowed := !rs.Allowlist
	for _, raw := range identifiers {
		id := strings.ToLower(strings.TrimSpace(raw))
		if id == "" {
			continue
		}
		if rs.Blocklist {
			blocked, err := onList(blocklist, id)
			if err != nil {
				return err
			}
			if blocked {
				return errNotAllowedAccess(param)
			}
		}
		if !allowed {
			if allowed, err = onList(allowlist, id); err != nil {
				return err
			}
		}
		if !allowed {
			if allowed, err = invited(t, id, now); err != nil {
				return err
			}
		}
	}
	if !allowed {
		return errNotAllowedAccess(param)
	}
	return nil
}

// userIdentifiers are the identifiers a user signs in with.
func userIdentifiers(u *user) []string {
	var out []string
	for _, e := range u.Emails {
		out = append(out, e.Address)
	}
	for _, p := range u.Phones {
		out = append(out, p.Number)
	}
	return out
}
