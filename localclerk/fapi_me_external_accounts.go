package localclerk

// /v1/me/external_accounts: UserProfile's connected accounts. Connecting
// and reauthorizing go through the provider page like a sign-in (the
// account stays unverified until the callback); removing frees the
// identity.

func (inst *Instance) meExternalAccountRoutes(mux *routeMux) {
	mux.HandleFunc("POST /v1/me/external_accounts", inst.meHandler(inst.meConnectExternalAccount))
	mux.HandleFunc("PATCH /v1/me/external_accounts/{id}/reauthorize", inst.meHandler(inst.meReauthorizeExternalAccount))
	mux.HandleFunc("DELETE /v1/me/external_accounts/{id}", inst.meHandler(inst.meDeleteExternalAccount))
	mux.HandleFunc("DELETE /v1/me/external_accounts/{id}/tokens", inst.meHandler(inst.meRevokeExternalAccountTokens))
}

func (inst *Instance) meConnectExternalAccount(x *fapiCall, u *user) (any, error) {
	strategy := x.form.Get("strategy")
	switch {
	case strategy == "" && x.form.Get("enterprise_connection_id") != "":
		return nil, strategyUnsupported("enterprise_sso")
	case strategy == "":
		return nil, errMissing("strategy")
	case !isOAuthStrategy(strategy):
		return nil, strategyUnsupported(strategy)
	}
	a := externalAccount{ID: newID("eac"), IdentificationID: newID("idn"), CreatedAt: ms(x.now), UpdatedAt: ms(x.now)}
	if err := inst.startAccountFlow(x, u, &a, strategy); err != nil {
		return nil, err
	}
	u.ExternalAccounts = append(u.ExternalAccounts, a)
	u.UpdatedAt = ms(x.now)
	if err := x.t.users().put(u); err != nil {
		return nil, err
	}
	return externalAccountJSON(&a), nil
}

// startAccountFlow sends a connected account through the provider page.
func (inst *Instance) startAccountFlow(x *fapiCall, u *user, a *externalAccount, strategy string) error {
	f := &oauthFlow{Purpose: "connect", UserID: u.ID, AccountID: a.ID}
	at, err := inst.startOAuth(x, strategy, f)
	if err != nil {
		return err
	}
	a.State = f.ID
	a.Provider = strategy[len("oauth_"):]
	if a.Status != "verified" {
		a.Status = "unverified"
	}
	a.ErrorCode, a.VerifyURL, a.ExpireAt = "", at.VerifyURL, at.ExpireAt
	return nil
}

// meExternalAccount is the signed-in user's account named in the path.
func meExternalAccount(x *fapiCall, u *user) (*externalAccount, error) {
	a := u.externalAccount(x.r.PathValue("id"))
	if a == nil {
		return nil, errNotFoundResource("external account")
	}
	return a, nil
}

func (inst *Instance) meReauthorizeExternalAccount(x *fapiCall, u *user) (any, error) {
	a, err := meExternalAccount(x, u)
	if err != nil {
		return nil, err
	}
	if err := inst.startAccountFlow(x, u, a, "oauth_"+a.Provider); err != nil {
		return nil, err
	}
	a.UpdatedAt = ms(x.now)
	out := externalAccountJSON(a)
	// The account stays verified meanwhile; the answer carries the way
	// to the provider as an unverified verification, as Clerk's does.
	out.Verification.Status = "unverified"
	if err := x.t.users().put(u); err != nil {
		return nil, err
	}
	return out, nil
}

func (inst *Instance) meDeleteExternalAccount(x *fapiCall, u *user) (any, error) {
	a, err := meExternalAccount(x, u)
	if err != nil {
		return nil, err
	}
	id := a.ID
	if err := removeExternalAccount(x.t, u, id, x.now); err != nil {
		return nil, err
	}
	if err := x.t.users().put(u); err != nil {
		return nil, err
	}
	x.t.emit("user.updated", userJSON(u))
	return deletedJSON("external_account", id), nil
}

// meRevokeExternalAccountTokens: the provider page issues no tokens, so
// there is nothing to revoke; the answer is the user.
func (inst *Instance) meRevokeExternalAccountTokens(x *fapiCall, u *user) (any, error) {
	if _, err := meExternalAccount(x, u); err != nil {
		return nil, err
	}
	return inst.fapiUserJSON(x, u)
}

// finishOAuthConnect settles a connect or reauthorize flow on the
// account it names.
func (inst *Instance) finishOAuthConnect(x *fapiCall, f *oauthFlow, id *oauthIdentity, status, code string) error {
	u, err := x.t.users().get(f.UserID)
	if err != nil {
		return errOAuthState // the user was deleted meanwhile
	}
	a := u.externalAccount(f.AccountID)
	if a == nil || a.State != f.ID {
		return errOAuthState
	}
	switch {
	case id != nil:
		if owner, err := x.t.users().byOAuthAccount(f.Provider, id.ProviderUserID); err == nil && owner.ID != u.ID {
			status, code = "failed", "external_account_exists"
			break
		}
		for _, o := range u.ExternalAccounts {
			if o.ID != a.ID && o.Provider == f.Provider && o.ProviderUserID == id.ProviderUserID && o.Status == "verified" {
				status, code = "failed", "external_account_exists" // the user has it already
			}
		}
		if code == "" {
			a.applyIdentity(id, x.now)
			if err := addOAuthEmail(x.t, u, "oauth_"+f.Provider, id, x.now); err != nil {
				return err
			}
			if err := claimExternalAccounts(x.t, u); err != nil {
				return err
			}
		}
	}
	if a.Status != "verified" || code != "" {
		if a.Status != "verified" {
			a.Status = status
		}
		a.ErrorCode = code
	}
	a.State, a.VerifyURL, a.ExpireAt, a.UpdatedAt = "", "", 0, ms(x.now)
	u.UpdatedAt = ms(x.now)
	if err := x.t.users().put(u); err != nil {
		return err
	}
	x.t.emit("user.updated", userJSON(u))
	return nil
}
