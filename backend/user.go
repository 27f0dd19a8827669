package backend

// PrimaryEmailAddress returns the address of the user's primary email
// address, or "" when there is none; it saves every caller (webhook
// handlers, mostly) the same lookup.
func (u *User) PrimaryEmailAddress() string {
	if u == nil || u.PrimaryEmailAddressID == nil {
		return ""
	}
	for _, e := range u.EmailAddresses {
		if e.ID == *u.PrimaryEmailAddressID {
			return e.EmailAddress
		}
	}
	return ""
}
