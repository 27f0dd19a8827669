package localclerk

// phoneNumberWire is the PhoneNumber object, the Backend API's and the
// Frontend API's alike.
type phoneNumberWire struct {
	ID                      string           `json:"id"`
	Object                  string           `json:"object"` // "phone_number"
	PhoneNumber             string           `json:"phone_number"`
	ReservedForSecondFactor bool             `json:"reserved_for_second_factor"`
	DefaultSecondFactor     bool             `json:"default_second_factor"`
	Reserved                bool             `json:"reserved"`
	Verification            verificationWire `json:"verification"`
	LinkedTo                emptyList        `json:"linked_to"`
	BackupCodes             []string         `json:"backup_codes"`
	CreatedAt               int64            `json:"created_at"`
	UpdatedAt               int64            `json:"updated_at"`
}

// phoneJSON renders a phone number: verified by its test code (a Clerk
// test number), by a code or an admin, or not yet.
func phoneJSON(p phoneNumber) *phoneNumberWire {
	// A code verification always has an expiry; the stored number keeps
	// only when it last changed, which stands in for it.
	exp := p.UpdatedAt
	ver := verificationWire{Object: "verification_otp", Status: "unverified", Strategy: "phone_code", Attempts: new(int), ExpireAt: &exp}
	switch {
	case p.Verified && isTestPhone(p.Number):
		ver = verificationWire{Object: "verification_otp", Status: "verified", Strategy: "phone_code", ExpireAt: &exp}
	case p.Verified:
		ver = verificationWire{Object: "verification_admin", Status: "verified", Strategy: "admin"}
	}
	return &phoneNumberWire{ID: p.ID, Object: "phone_number", PhoneNumber: p.Number,
		ReservedForSecondFactor: p.ReservedSecondFactor, DefaultSecondFactor: p.DefaultSecondFactor,
		Verification: ver, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

// phonesJSON renders u's numbers.
func phonesJSON(u *user) []phoneNumberWire {
	out := make([]phoneNumberWire, 0, len(u.Phones))
	for _, p := range u.Phones {
		out = append(out, *phoneJSON(p))
	}
	return out
}
