package localclerk

// The Passkey object, its verification, and the WebAuthn options
// clerk-js hands to navigator.credentials (in the verification's nonce,
// as JSON with binary values in base64url).

// passkeyWire is the Frontend API's Passkey.
type passkeyWire struct {
	Object       string                   `json:"object"` // "passkey"
	ID           string                   `json:"id"`
	Name         string                   `json:"name"`
	LastUsedAt   *int64                   `json:"last_used_at"`
	Verification *passkeyVerificationWire `json:"verification"`
	CreatedAt    int64                    `json:"created_at"`
	UpdatedAt    int64                    `json:"updated_at"`
}

// bapiPasskeyWire is the Backend API's Passkey, in a User's passkeys.
type bapiPasskeyWire struct {
	Object       string                   `json:"object"` // "passkey"
	ID           string                   `json:"id"`
	Name         string                   `json:"name"`
	LastUsedAt   int64                    `json:"last_used_at"`
	Verification *passkeyVerificationWire `json:"verification"`
}

// passkeyVerificationWire is a passkey's Verification; Nonce carries
// the WebAuthn options while it is unverified.
type passkeyVerificationWire struct {
	Object   string  `json:"object"` // "verification_passkey"
	Status   string  `json:"status"`
	Strategy string  `json:"strategy"` // "passkey"
	Attempts *int    `json:"attempts"`
	ExpireAt *int64  `json:"expire_at"`
	Nonce    *string `json:"nonce,omitempty"`
}

// credParamWire is one entry of pubKeyCredParams.
type credParamWire struct {
	Type string `json:"type"` // "public-key"
	Alg  int64  `json:"alg"`
}

// credDescriptorWire names a credential (excludeCredentials,
// allowCredentials).
type credDescriptorWire struct {
	Type       string   `json:"type"` // "public-key"
	ID         string   `json:"id"`
	Transports []string `json:"transports,omitempty"`
}

// creationOptionsWire is PublicKeyCredentialCreationOptions in JSON.
type creationOptionsWire struct {
	RP                     rpWire                     `json:"rp"`
	User                   webauthnUserWire           `json:"user"`
	Challenge              string                     `json:"challenge"`
	PubKeyCredParams       []credParamWire            `json:"pubKeyCredParams"`
	Timeout                int64                      `json:"timeout"`
	ExcludeCredentials     []credDescriptorWire       `json:"excludeCredentials"`
	AuthenticatorSelection authenticatorSelectionWire `json:"authenticatorSelection"`
	Attestation            string                     `json:"attestation"`
}

type rpWire struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type webauthnUserWire struct {
	ID          string `json:"id"` // base64url of the user id
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
}

type authenticatorSelectionWire struct {
	ResidentKey        string `json:"residentKey"`
	RequireResidentKey bool   `json:"requireResidentKey"`
	UserVerification   string `json:"userVerification"`
}

// requestOptionsWire is PublicKeyCredentialRequestOptions in JSON.
type requestOptionsWire struct {
	Challenge        string               `json:"challenge"`
	Timeout          int64                `json:"timeout"`
	RPID             string               `json:"rpId"`
	AllowCredentials []credDescriptorWire `json:"allowCredentials"`
	UserVerification string               `json:"userVerification"`
}

// passkeyJSON renders p for the Frontend API.
func passkeyJSON(p *passkey) *passkeyWire {
	return &passkeyWire{Object: "passkey", ID: p.ID, Name: p.Name, LastUsedAt: p.LastUsedAt,
		Verification: p.verificationJSON(), CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

func (p *passkey) verificationJSON() *passkeyVerificationWire {
	v := &passkeyVerificationWire{Object: "verification_passkey", Status: "unverified", Strategy: "passkey"}
	if p.Verified {
		v.Status = "verified"
	} else {
		v.Nonce = &p.Nonce
	}
	if p.ChallengeExpireAt > 0 {
		v.ExpireAt = &p.ChallengeExpireAt
	}
	return v
}

// passkeysJSON lists u's registered passkeys for the Frontend API.
func passkeysJSON(u *user) []*passkeyWire {
	out := []*passkeyWire{}
	for i := range u.Passkeys {
		if u.Passkeys[i].Verified {
			out = append(out, passkeyJSON(&u.Passkeys[i]))
		}
	}
	return out
}

// bapiPasskeysJSON lists u's registered passkeys for the Backend API,
// whose last_used_at is never null: a passkey not used yet shows when it
// was registered.
func bapiPasskeysJSON(u *user) []*bapiPasskeyWire {
	out := []*bapiPasskeyWire{}
	for i := range u.Passkeys {
		p := &u.Passkeys[i]
		if !p.Verified {
			continue
		}
		last := p.CreatedAt
		if p.LastUsedAt != nil {
			last = *p.LastUsedAt
		}
		v := p.verificationJSON()
		v.ExpireAt = nil
		out = append(out, &bapiPasskeyWire{Object: "passkey", ID: p.ID, Name: p.Name, LastUsedAt: last, Verification: v})
	}
	return out
}
