package localclerk

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Phone numbers: the domain functions the Frontend API (fapi_me_phones.go,
// sign-in and sign-up) and the Backend API (bapi_phone_numbers.go) share.
// A number is stored in E.164 form and is unique across users, like an
// e-mail address. Its verification is a one-time code tracked by the same
// record as an address's (emailVerification, keyed by the identifier's
// id). Clerk's test numbers, +1 XXX 555-0100 to 555-0199, take 424242 and
// nothing is sent; any other number gets a random code, written to the
// outbox as a text message.

// maxPhoneInput bounds what parsePhoneNumber reads: an E.164 number has at
// most 15 digits; the rest is room for spaces and punctuation.
const maxPhoneInput = 64

// errPhoneFormat is Clerk's answer to a number that is not E.164.
func errPhoneFormat(param string) *apiError {
	return errParam(http.StatusUnprocessableEntity, "form_param_format_invalid", param,
		param+" must be a valid phone number according to E.164 international standard.")
}

// parsePhoneNumber normalises a phone number to E.164: spaces, dashes,
// dots and parentheses are dropped, and what remains must be a + and 7 to
// 15 digits, the first not 0 (+1 and ten digits for the North American
// numbering plan, Clerk's test numbers among them). A number without its + (and country code)
// is refused rather than guessed at: the components always send one.
func parsePhoneNumber(raw string) (string, bool) {
	if len(raw) > maxPhoneInput {
		return "", false
	}
	var b strings.Builder
	for i, r := range strings.TrimSpace(raw) {
		switch {
		case r == '+' && i == 0:
			b.WriteByte('+')
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return "", false
		}
	}
	n := b.String()
	if len(n) < 8 || len(n) > 16 || n[0] != '+' || n[1] == '0' {
		return "", false
	}
	if n[1] == '1' && len(n) != 12 {
		return "", false // the North American plan: +1 and ten digits
	}
	return n, true
}

// isTestPhone reports one of Clerk's test numbers, +1 (XXX) 555-0100 to
// 555-0199, whose code is always 424242 in development.
func isTestPhone(e164 string) bool {
	if len(e164) != 12 || !strings.HasPrefix(e164, "+1") || e164[5:10] != "55501" {
		return false
	}
	for _, r := range e164[2:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// phone returns u's number with id, or nil.
func (u *user) phone(id string) *phoneNumber {
	for i := range u.Phones {
		if u.Phones[i].ID == id {
			return &u.Phones[i]
		}
	}
	return nil
}

// secondFactorPhone is the verified number u's SMS second factor texts:
// the default one, else the first reserved one; nil when u has none.
func (u *user) secondFactorPhone() *phoneNumber {
	var first *phoneNumber
	for i := range u.Phones {
		p := &u.Phones[i]
		if !p.Verified || !p.ReservedSecondFactor {
			continue
		}
		if p.DefaultSecondFactor {
			return p
		}
		if first == nil {
			first = p
		}
	}
	return first
}

// mfaEnabled reports any second factor on u: an authenticator app, backup
// codes or a number reserved for SMS codes.
func (u *user) mfaEnabled() bool {
	return u.totpEnabled() || len(u.BackupCodes) > 0 || u.secondFactorPhone() != nil
}

// addPhone gives u the number raw (parsed; the caller stores u) and
// claims it; param names the form field in errors. Adding a number u
// already has changes nothing.
func addPhone(t *txn, u *user, raw, param string, verified bool, now time.Time) (*phoneNumber, error) {
	number, ok := parsePhoneNumber(raw)
	if !ok {
		return nil, errPhoneFormat(param)
	}
	err := t.identifiers().claimPhone(number, u.ID)
	if errors.Is(err, errConflict) {
		return nil, errTaken(param, "That phone number is taken. Please try another.")
	}
	if err != nil {
		return nil, err
	}
	if i := slices.IndexFunc(u.Phones, func(p phoneNumber) bool { return p.Number == number }); i >= 0 {
		return &u.Phones[i], nil
	}
	u.Phones = append(u.Phones, phoneNumber{ID: newID("idn"), Number: number, Verified: verified,
		CreatedAt: ms(now), UpdatedAt: ms(now)})
	if u.PrimaryPhoneID == "" && verified {
		u.PrimaryPhoneID = u.Phones[len(u.Phones)-1].ID
	}
	return &u.Phones[len(u.Phones)-1], nil
}

// removePhone takes u's number id off u (the caller stores u) and frees
// it for other users.
func removePhone(t *txn, u *user, id string) error {
	i := slices.IndexFunc(u.Phones, func(p phoneNumber) bool { return p.ID == id })
	if i < 0 {
		return errNotFoundResource("phone number")
	}
	u.Phones = slices.Delete(u.Phones, i, i+1)
	if u.PrimaryPhoneID == id {
		u.PrimaryPhoneID = ""
		for _, p := range u.Phones {
			if p.Verified {
				u.PrimaryPhoneID = p.ID
				break
			}
		}
	}
	if err := t.identifiers().releasePhones(u.ID); err != nil {
		return err
	}
	for _, p := range u.Phones {
		if err := t.identifiers().claimPhone(p.Number, u.ID); err != nil {
			return errors.Join(errors.New("reclaim phone key"), err)
		}
	}
	return nil
}

// setPhoneSecondFactor applies reserved_for_second_factor and
// default_second_factor to p (either may be nil): only a verified number
// is reserved, and one default at a time.
func setPhoneSecondFactor(u *user, p *phoneNumber, reserved, def *bool) error {
	if reserved != nil {
		if *reserved && !p.Verified {
			return newAPIError(http.StatusBadRequest, "phone_number_not_verified", "not verified",
				"Verify this phone number before using it for two-step verification.", paramMeta("reserved_for_second_factor"))
		}
		p.ReservedSecondFactor = *reserved
		if !*reserved {
			p.DefaultSecondFactor = false
		}
	}
	if def != nil && *def {
		if !p.ReservedSecondFactor {
			return newAPIError(http.StatusBadRequest, "phone_number_not_reserved_for_second_factor", "not a second factor",
				"Reserve this phone number for two-step verification before making it the default.", paramMeta("default_second_factor"))
		}
		for i := range u.Phones {
			u.Phones[i].DefaultSecondFactor = false
		}
		p.DefaultSecondFactor = true
	} else if def != nil {
		p.DefaultSecondFactor = false
	}
	return nil
}

// newSMSCode returns a code for the E.164 number: 424242 for a test
// number, which is not sent, else a random six digits written to the
// outbox as a text message with text.
func (inst *Instance) newSMSCode(t *txn, now time.Time, number, text string) (string, error) {
	if inst.isTestIdentity(number) {
		return testVerificationCode, nil
	}
	n, err := rand.Int(rand.Reader, big.NewInt(1000000))
	if err != nil {
		return "", fmt.Errorf("verification code: %w", err)
	}
	code := fmt.Sprintf("%06d", n.Int64())
	return code, inst.send(t, now, outboxMessage{Kind: msgSMS, To: number, Subject: code + " " + text, Code: code})
}

// preparePhoneVerification texts a fresh code to p and records its
// verification.
func (inst *Instance) preparePhoneVerification(t *txn, p *phoneNumber, now time.Time) (*emailVerification, error) {
	code, err := inst.newSMSCode(t, now, p.Number, "is your verification code.")
	if err != nil {
		return nil, err
	}
	v := &emailVerification{ID: newID("ver"), EmailID: p.ID, Code: code, Status: "unverified",
		ExpireAt: ms(now.Add(codeTTL)), CreatedAt: ms(now)}
	if err := t.emailVerifications().purgeOlder(ms(now.Add(-24 * time.Hour))); err != nil {
		return nil, err
	}
	return v, t.emailVerifications().put(v)
}

// attemptPhoneVerification checks code against p's pending verification;
// a match verifies p (the caller stores u). A wrong code is an error, so
// that, as every failed Frontend API step, it changes nothing.
func attemptPhoneVerification(t *txn, u *user, p *phoneNumber, code string, now time.Time) error {
	if code == "" {
		return errMissing("code")
	}
	v, err := latestVerification(t, p.ID)
	if err != nil {
		return err
	}
	switch {
	case v == nil || v.Status != "unverified":
		return newAPIError(http.StatusBadRequest, "verification_not_sent", "not sent",
			"Prepare the phone_code verification before attempting it.", paramMeta("code"))
	case v.statusAt(now) == "expired":
		return newAPIError(http.StatusUnprocessableEntity, "verification_expired", "expired",
			"This code has expired; request a new one.", paramMeta("code"))
	case subtle.ConstantTimeCompare([]byte(code), []byte(v.Code)) != 1:
		return errCodeIncorrect
	}
	v.Status, v.Attempts, p.Verified, p.UpdatedAt = "verified", v.Attempts+1, true, ms(now)
	if u.PrimaryPhoneID == "" {
		u.PrimaryPhoneID = p.ID
	}
	return t.emailVerifications().put(v)
}

// userByPhoneID finds the user holding the number with id.
func userByPhoneID(t *txn, id string) (*user, *phoneNumber, error) {
	var found *user
	err := t.users().each(func(u *user) bool {
		if u.phone(id) != nil {
			found = u
		}
		return found == nil
	})
	if err != nil {
		return nil, nil, err
	}
	if found == nil {
		return nil, nil, errNotFoundResource("phone number")
	}
	return found, found.phone(id), nil
}

// phoneByNumber returns u's number equal to the E.164 number, or nil.
func (u *user) phoneByNumber(number string) *phoneNumber {
	for i := range u.Phones {
		if u.Phones[i].Number == number {
			return &u.Phones[i]
		}
	}
	return nil
}
