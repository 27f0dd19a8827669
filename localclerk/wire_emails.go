package localclerk

import "time"

// The e-mails Clerk would send, as email.created webhooks carry them.

// codeEmailWire is the email.created payload of a code e-mail Clerk
// would send (slug verification_code, reset_password_code...).
type codeEmailWire struct {
	Object            string        `json:"object"` // "email"
	ID                string        `json:"id"`
	Slug              string        `json:"slug"`
	FromEmailName     string        `json:"from_email_name"`
	ToEmailAddress    string        `json:"to_email_address"`
	EmailAddressID    string        `json:"email_address_id"`
	UserID            string        `json:"user_id"`
	Subject           string        `json:"subject"`
	Body              string        `json:"body"`
	BodyPlain         string        `json:"body_plain"`
	Status            string        `json:"status"`
	DeliveredByClerk  bool          `json:"delivered_by_clerk"`
	SuppressionReason alwaysNull    `json:"suppression_reason"`
	Data              codeEmailData `json:"data"`
}

type codeEmailData struct {
	OTPCode     string `json:"otp_code"`
	RequestedAt string `json:"requested_at"`
}

func codeEmailJSON(u *user, e emailAddress, slug, code, subject string, now time.Time) *codeEmailWire {
	return &codeEmailWire{Object: "email", ID: newID("ema"), Slug: slug, FromEmailName: "notifications",
		ToEmailAddress: e.Address, EmailAddressID: e.ID, UserID: u.ID, Subject: subject,
		Body: "<p>" + subject + ".</p>", BodyPlain: subject + ".", Status: "queued",
		Data: codeEmailData{OTPCode: code, RequestedAt: now.UTC().Format(time.RFC3339)}}
}
