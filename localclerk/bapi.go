package localclerk

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
)

type ctxKey int

const machineCtxKey ctxKey = 1

// bapiFunc is a Backend API handler: the answer's value and status (0
// means 200), or an error for writeError.
type bapiFunc = func(w http.ResponseWriter, r *http.Request) (any, int, error)

// bapiHandler serves the Backend API. Paths arrive without the /api
// prefix; /v1 is optional, because @clerk/backend calls the machine-token
// endpoints (api_keys, m2m_tokens, oauth_applications) without it.
func (inst *Instance) bapiHandler() http.Handler {
	mux := newRouteMux()
	inst.bapiMux = mux
	h := func(pattern string, fn bapiFunc) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			v, status, err := fn(w, r)
			if err != nil {
				inst.writeError(w, r, err)
				return
			}
			if status == 0 {
				status = http.StatusOK
			}
			if status == http.StatusNoContent {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(status)
				return
			}
			writeJSON(w, status, v)
		})
	}
	h("GET /jwks", func(w http.ResponseWriter, r *http.Request) (any, int, error) { return inst.key().jwks(), 0, nil })

	h("GET /users", inst.bapiListUsers)
	h("GET /users/count", inst.bapiCountUsers)
	h("POST /users", inst.bapiCreateUser)
	h("GET /users/{id}", inst.bapiGetUser)
	h("PATCH /users/{id}", inst.bapiUpdateUser)
	h("DELETE /users/{id}", inst.bapiDeleteUser)
	h("PATCH /users/{id}/metadata", inst.bapiUserMetadata)
	h("POST /users/{id}/ban", inst.bapiBanUser(true))
	h("POST /users/{id}/unban", inst.bapiBanUser(false))
	h("POST /users/{id}/verify_password", inst.bapiVerifyPassword)
	h("GET /users/{id}/organization_memberships", inst.bapiUserMemberships)
	h("POST /users/{id}/lock", inst.bapiLockUser(true))
	h("POST /users/{id}/unlock", inst.bapiLockUser(false))
	h("PUT /users/{id}/metadata", inst.bapiReplaceUserMetadata)
	h("POST /users/{id}/remove_password", inst.bapiRemoveUserPassword)
	h("POST /users/ban", inst.bapiBanUsers(true))
	h("POST /users/unban", inst.bapiBanUsers(false))
	h("POST /users/{id}/profile_image", inst.bapiSetUserProfileImage)
	h("DELETE /users/{id}/profile_image", inst.bapiDeleteUserProfileImage)
	h("GET /users/{id}/oauth_access_tokens/{provider}", inst.bapiOAuthAccessTokens)
	h("POST /users/{id}/verify_totp", inst.bapiVerifyTOTP)
	h("DELETE /users/{id}/mfa", inst.bapiRemoveSecondFactor(true, true))
	h("DELETE /users/{id}/backup_code", inst.bapiRemoveSecondFactor(false, true))
	h("DELETE /users/{id}/totp", inst.bapiRemoveSecondFactor(true, false))
	h("DELETE /users/{id}/passkeys/{item}", inst.bapiDeletePasskey)
	h("DELETE /users/{id}/web3_wallets/{item}", inst.bapiNoSuchUserItem("web3 wallet", "web3_wallet_identification_id"))
	h("DELETE /users/{id}/external_accounts/{item}", inst.bapiDeleteExternalAccount)
	h("GET /users/{id}/trusted_devices", inst.bapiListTrustedDevices)
	h("DELETE /users/{id}/trusted_devices/{item}", inst.bapiNoSuchUserItem("trusted device", "trusted_device_id"))
	h("POST /users/{id}/password/set_compromised", inst.bapiSetPasswordCompromised)
	h("POST /users/{id}/password/unset_compromised", inst.bapiUnsetPasswordCompromised)
	h("GET /users/{id}/billing/subscription", inst.bapiBillingSubscription("user"))
	h("GET /users/{id}/billing/credits", inst.bapiCreditBalance("user"))
	h("POST /users/{id}/billing/credits", inst.bapiAdjustCredits("user"))
	h("PUT /users/{id}/email_address", inst.bapiReplaceUserEmailAddress)
	h("GET /organizations/{id}/billing/subscription", inst.bapiBillingSubscription("org"))
	h("GET /organizations/{id}/billing/credits", inst.bapiCreditBalance("org"))
	h("POST /organizations/{id}/billing/credits", inst.bapiAdjustCredits("org"))

	h("POST /email_addresses", inst.bapiCreateEmailAddress)
	h("GET /email_addresses/{id}", inst.bapiGetEmailAddress)
	h("PATCH /email_addresses/{id}", inst.bapiUpdateEmailAddress)
	h("DELETE /email_addresses/{id}", inst.bapiDeleteEmailAddress)
	h("POST /email_addresses/{id}/prepare_verification", inst.bapiPrepareEmailVerification)
	h("POST /email_addresses/{id}/attempt_verification", inst.bapiAttemptEmailVerification)
	inst.bapiPhoneRoutes(h)

	h("GET /organizations", inst.bapiListOrgs)
	h("POST /organizations", inst.bapiCreateOrg)
	h("GET /organizations/{id}", inst.bapiGetOrg)
	h("PATCH /organizations/{id}", inst.bapiUpdateOrg)
	h("DELETE /organizations/{id}", inst.bapiDeleteOrg)
	h("PATCH /organizations/{id}/metadata", inst.bapiOrgMetadata)
	h("PUT /organizations/{id}/metadata", inst.bapiReplaceOrgMetadata)
	h("PATCH /organizations/{id}/memberships/{uid}/metadata", inst.bapiMembershipMetadata)
	h("GET /organization_memberships", inst.bapiInstanceMemberships)
	h("GET /organizations/{id}/memberships", inst.bapiListMemberships)
	h("POST /organizations/{id}/memberships", inst.bapiCreateMembership)
	h("PATCH /organizations/{id}/memberships/{uid}", inst.bapiUpdateMembership)
	h("DELETE /organizations/{id}/memberships/{uid}", inst.bapiDeleteMembership)
	h("PUT /organizations/{id}/logo", inst.bapiUploadOrgLogo)
	h("DELETE /organizations/{id}/logo", inst.bapiDeleteOrgLogo)
	h("GET /organization_invitations", inst.bapiListInstanceOrgInvitations)
	h("GET /users/{id}/organization_invitations", inst.bapiUserOrgInvitations)
	h("POST /organizations/{id}/invitations", inst.bapiCreateOrgInvitation)
	h("GET /organizations/{id}/invitations", inst.bapiListOrgInvitations)
	h("POST /organizations/{id}/invitations/bulk", inst.bapiCreateOrgInvitationBulk)
	h("GET /organizations/{id}/invitations/pending", inst.bapiListPendingOrgInvitations)
	h("GET /organizations/{id}/invitations/{inv}", inst.bapiGetOrgInvitation)
	h("POST /organizations/{id}/invitations/{inv}/revoke", inst.bapiRevokeOrgInvitation)
	h("GET /organization_domains", inst.bapiListAllOrgDomains)
	h("POST /organizations/{id}/domains", inst.bapiCreateOrgDomain)
	h("GET /organizations/{id}/domains", inst.bapiListOrgDomains)
	h("PATCH /organizations/{id}/domains/{dom}", inst.bapiUpdateOrgDomain)
	h("DELETE /organizations/{id}/domains/{dom}", inst.bapiDeleteOrgDomain)
	h("POST /organizations/{id}/domains/{dom}/verify_ownership", inst.bapiVerifyOrgDomainOwnership)
	h("GET /organization_roles", inst.bapiListRoles)
	h("POST /organization_roles", inst.bapiCreateRole)
	h("GET /organization_roles/{id}", inst.bapiGetRole)
	h("DELETE /organization_roles/{id}", inst.bapiDeleteRole)
	h("GET /organization_permissions", inst.bapiListPermissions)
	h("POST /organization_permissions", inst.bapiCreatePermission)
	h("GET /organization_permissions/{id}", inst.bapiGetPermission)
	h("PATCH /organization_permissions/{id}", inst.bapiUpdatePermission)
	h("DELETE /organization_permissions/{id}", inst.bapiDeletePermission)
	h("PATCH /organization_roles/{id}", inst.bapiUpdateRole)
	h("POST /organization_roles/{id}/permissions/{perm}", inst.bapiRolePermission(true))
	h("DELETE /organization_roles/{id}/permissions/{perm}", inst.bapiRolePermission(false))

	h("GET /sessions", inst.bapiListSessions)
	h("POST /sessions", inst.bapiCreateSession)
	h("GET /sessions/{id}", inst.bapiGetSession)
	h("POST /sessions/{id}/revoke", inst.bapiRevokeSession)
	h("POST /sessions/{id}/refresh", inst.bapiRefreshSession)
	h("POST /sessions/{id}/tokens", inst.bapiSessionToken)
	h("POST /sessions/{id}/tokens/{template}", inst.bapiSessionToken)
	h("GET /clients/handshake_payload", inst.bapiHandshakePayload)
	h("GET /clients", inst.bapiListClients)
	h("POST /clients/verify", inst.bapiVerifyClient)
	h("GET /clients/{id}", inst.bapiGetClient)
	h("GET /jwt_templates", inst.bapiListTemplates)
	h("POST /jwt_templates", inst.bapiCreateTemplate)
	h("GET /jwt_templates/{id}", inst.bapiGetTemplate)
	h("PATCH /jwt_templates/{id}", inst.bapiUpdateTemplate)
	h("DELETE /jwt_templates/{id}", inst.bapiDeleteTemplate)
	h("POST /testing_tokens", inst.bapiCreateTestingToken)
	h("POST /sign_in_tokens", inst.bapiCreateSignInToken)
	h("POST /sign_in_tokens/{id}/revoke", inst.bapiRevokeSignInToken)
	h("POST /agents/tasks", inst.bapiCreateAgentTask)
	h("POST /agents/tasks/{id}/revoke", inst.bapiRevokeAgentTask)

	h("GET /domains", inst.bapiListDomains)
	h("POST /domains", inst.bapiAddDomain)
	h("PATCH /domains/{id}", inst.bapiUpdateDomain)
	h("DELETE /domains/{id}", inst.bapiDeleteDomain)

	h("POST /actor_tokens", inst.bapiCreateActorToken)
	h("POST /actor_tokens/{id}/revoke", inst.bapiRevokeActorToken)

	h("GET /invitations", inst.bapiListInvitations)
	h("POST /invitations", inst.bapiCreateInvitation)
	h("POST /invitations/bulk", inst.bapiCreateBulkInvitations)
	h("POST /invitations/{id}/revoke", inst.bapiRevokeInvitation)

	h("GET /redirect_urls", inst.bapiListRedirectURLs)
	h("POST /redirect_urls", inst.bapiCreateRedirectURL)
	h("GET /redirect_urls/{id}", inst.bapiGetRedirectURL)
	h("DELETE /redirect_urls/{id}", inst.bapiDeleteRedirectURL)
	h("GET /allowlist_identifiers", inst.bapiListIdentifiers(allowlist))
	h("POST /allowlist_identifiers", inst.bapiCreateIdentifier(allowlist))
	h("DELETE /allowlist_identifiers/{id}", inst.bapiDeleteIdentifier(allowlist))
	h("GET /blocklist_identifiers", inst.bapiListIdentifiers(blocklist))
	h("POST /blocklist_identifiers", inst.bapiCreateIdentifier(blocklist))
	h("DELETE /blocklist_identifiers/{id}", inst.bapiDeleteIdentifier(blocklist))
	h("PATCH /instance/restrictions", inst.bapiUpdateRestrictions)
	h("PATCH /beta_features/instance_settings", inst.bapiUpdateAuthConfig)
	h("GET /instance", inst.bapiGetInstance)
	h("PATCH /instance", inst.bapiUpdateInstance)
	h("GET /instance/protect", inst.bapiInstanceProtect)
	h("PATCH /instance/protect", inst.bapiInstanceProtect)
	h("GET /instance/communication", inst.bapiInstanceCommunication)
	h("PATCH /instance/communication", inst.bapiInstanceCommunication)
	h("GET /instance/oauth_application_settings", inst.bapiOAuthApplicationSettings)
	h("PATCH /instance/oauth_application_settings", inst.bapiOAuthApplicationSettings)
	h("GET /instance/organization_settings", inst.bapiOrganizationSettings)
	h("PATCH /instance/organization_settings", inst.bapiOrganizationSettings)

	h("GET /api_keys", inst.bapiListAPIKeys)
	h("POST /api_keys", inst.bapiCreateAPIKey)
	h("POST /api_keys/verify", inst.bapiVerifyAPIKey)
	h("GET /api_keys/{id}", inst.bapiGetAPIKey)
	h("GET /api_keys/{id}/secret", inst.bapiAPIKeySecret)
	h("POST /api_keys/{id}/revoke", inst.bapiRevokeAPIKey)
	h("DELETE /api_keys/{id}", inst.bapiDeleteAPIKey)
	h("PATCH /api_keys/{id}", inst.bapiUpdateAPIKey)
	h("GET /machines", inst.bapiListMachines)
	h("POST /machines", inst.bapiCreateMachine)
	h("GET /machines/{id}", inst.bapiGetMachine)
	h("PATCH /machines/{id}", inst.bapiUpdateMachine)
	h("DELETE /machines/{id}", inst.bapiDeleteMachine)
	h("GET /machines/{id}/secret_key", inst.bapiGetMachineSecretKey)
	h("POST /machines/{id}/secret_key/rotate", inst.bapiRotateMachineSecretKey)
	h("POST /machines/{id}/scopes", inst.bapiCreateMachineScope)
	h("DELETE /machines/{id}/scopes/{other}", inst.bapiDeleteMachineScope)
	h("GET /m2m_tokens", inst.bapiListM2M)
	h("POST /m2m_tokens", inst.bapiCreateM2M)
	h("POST /m2m_tokens/verify", inst.bapiVerifyM2M)
	h("POST /m2m_tokens/{id}/revoke", inst.bapiRevokeM2M)
	h("POST /oauth_applications/access_tokens/verify", inst.bapiVerifyOAuth)
	h("GET /oauth_applications", inst.bapiListOAuthApps)
	h("POST /oauth_applications", inst.bapiCreateOAuthApp)
	h("GET /oauth_applications/{id}", inst.bapiGetOAuthApp)
	h("PATCH /oauth_applications/{id}", inst.bapiUpdateOAuthApp)
	h("DELETE /oauth_applications/{id}", inst.bapiDeleteOAuthApp)
	h("POST /oauth_applications/{id}/rotate_secret", inst.bapiRotateOAuthAppSecret)

	h("GET /waitlist_entries", inst.bapiListWaitlist)
	h("POST /waitlist_entries", inst.bapiCreateWaitlistEntry)
	h("POST /waitlist_entries/bulk", inst.bapiCreateWaitlistEntries)
	h("DELETE /waitlist_entries/{id}", inst.bapiDeleteWaitlistEntry)
	h("POST /waitlist_entries/{id}/invite", inst.bapiInviteWaitlistEntry)
	h("POST /waitlist_entries/{id}/reject", inst.bapiRejectWaitlistEntry)

	mux.HandleFunc("/", inst.bapiUnserved)

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rest, ok := strings.CutPrefix(r.URL.Path, "/v1"); ok && (rest == "" || rest[0] == '/') {
			r2 := r.Clone(r.Context())
			r2.URL.Path = rest
			r2.URL.RawPath = ""
			r = r2
		}
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		tok = strings.TrimSpace(tok)
		if ok && tok != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(inst.secretKey())) == 1 {
			mux.ServeHTTP(w, r)
			return
		}
		if ok && tok != "" && strings.HasPrefix(r.URL.Path, "/m2m_tokens") {
			var mid string
			err := inst.store.view(r.Context(), func(t *txn) error {
				var err error
				mid, err = inst.machineForKey(t, tok)
				return err
			})
			if err == nil {
				mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), machineCtxKey, mid)))
				return
			}
		}
		inst.writeError(w, r, errUnauthorized)
	})
}

// paging reads limit (default 10, 1..500) and offset.
func paging(q url.Values) (limit, offset int, err error) {
	limit, offset = 10, 0
	if s := q.Get("limit"); s != "" {
		n, e := strconv.Atoi(s)
		if e != nil || n < 1 || n > 500 {
			return 0, 0, errParam(http.StatusBadRequest, "form_param_value_invalid", "limit", "limit must be an integer between 1 and 500.")
		}
		limit = n
	}
	if s := q.Get("offset"); s != "" {
		n, e := strconv.Atoi(s)
		if e != nil || n < 0 {
			return 0, 0, errParam(http.StatusBadRequest, "form_param_value_invalid", "offset", "offset must be a non-negative integer.")
		}
		offset = n
	}
	return limit, offset, nil
}

// listAnswer is a list operation's answer: the page as a bare array, as
// the specification documents it, or {data, total_count} when the caller
// asks with paginated=true, as @clerk/backend does.
func listAnswer(q url.Values, data []any, total int) any {
	if q.Get("paginated") == "true" {
		return &pageWire{Data: data, TotalCount: total}
	}
	return data
}

func page[T any](items []T, limit, offset int) []T {
	if offset >= len(items) {
		return []T{}
	}
	end := min(len(items), offset+limit)
	return items[offset:end]
}

// pageJSON converts the requested page of items with toJSON.
func pageJSON[T any](items []T, limit, offset int, toJSON func(T) (any, error)) ([]any, error) {
	out := []any{}
	for _, it := range page(items, limit, offset) {
		j, err := toJSON(it)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, nil
}

// infallible adapts a conversion that cannot fail for pageJSON.
func infallible[T, J any](f func(T) J) func(T) (any, error) {
	return func(v T) (any, error) { return f(v), nil }
}

// multi returns every value of a list parameter, accepting both name and
// name[] spellings and comma-free repetition.
func multi(q url.Values, name string) []string {
	var out []string
	for _, v := range append(q[name], q[name+"[]"]...) {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// orderBy parses "+field"/"-field" against the allowed fields.
func orderBy(q url.Values, def string, allowed ...string) (field string, desc bool, err error) {
	s := q.Get("order_by")
	if s == "" {
		s = def
	}
	desc = strings.HasPrefix(s, "-")
	field = strings.TrimLeft(s, "+-")
	for _, a := range allowed {
		if a == field {
			return field, desc, nil
		}
	}
	return "", false, errParam(http.StatusUnprocessableEntity, "form_param_value_invalid", "order_by",
		fmt.Sprintf("order_by must be one of %s, optionally prefixed with + or -.", strings.Join(allowed, ", ")))
}

// sortBy sorts stably by key. Equal keys keep creation order ascending
// and come newest first descending, so "-created_at" is exactly the
// reverse of "+created_at" even for records made in the same millisecond.
// items must arrive in creation order.
func sortBy[T any](items []T, desc bool, less func(a, b T) int) {
	if desc {
		slices.Reverse(items)
	}
	sort.SliceStable(items, func(i, j int) bool {
		c := less(items[i], items[j])
		if desc {
			return c > 0
		}
		return c < 0
	})
}

func cmpStr(a, b string) int { return strings.Compare(a, b) }

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// checkMetadata requires a JSON object (or absence); anything else is
// Clerk's form_param_value_invalid.
func checkMetadata(name string, m json.RawMessage) error {
	if len(m) == 0 || string(m) == "null" {
		return nil
	}
	var obj map[string]any
	if err := json.Unmarshal(m, &obj); err != nil {
		return errInvalid(name, name+" must be a JSON object.")
	}
	return nil
}

// metadataPatch is one metadata field of a merge request: its parameter
// name, the patch sent, and the stored value it merges into.
type metadataPatch struct {
	name  string
	patch json.RawMessage
	dst   *json.RawMessage
}

// mergeMetadataFields validates and merges each patch that was sent into
// its stored value; absent or null patches leave the value unchanged.
func mergeMetadataFields(fields ...metadataPatch) error {
	for _, f := range fields {
		if len(f.patch) == 0 || string(f.patch) == "null" {
			continue
		}
		if err := checkMetadata(f.name, f.patch); err != nil {
			return err
		}
		merged, err := mergeMetadata(*f.dst, f.patch)
		if err != nil {
			return err
		}
		*f.dst = merged
	}
	return nil
}

// mergeMetadata applies Clerk's metadata merge: top-level keys replace,
// null deletes, nested objects merge recursively.
func mergeMetadata(old, patch json.RawMessage) (json.RawMessage, error) {
	var a, b map[string]any
	if len(old) > 0 {
		if err := json.Unmarshal(old, &a); err != nil {
			return nil, fmt.Errorf("decode stored metadata: %w", err)
		}
	}
	if err := json.Unmarshal(patch, &b); err != nil {
		return nil, fmt.Errorf("decode metadata patch: %w", err)
	}
	if a == nil {
		a = map[string]any{}
	}
	deepMerge(a, b)
	return json.Marshal(a)
}

func deepMerge(dst, src map[string]any) {
	for k, v := range src {
		if v == nil {
			delete(dst, k)
			continue
		}
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				deepMerge(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
}

func notFoundAs(err error, what string) error {
	if errors.Is(err, errNotFound) {
		return errNotFoundResource(what)
	}
	return err
}
