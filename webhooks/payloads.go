package webhooks

import (
	"encoding/json"

	"github.com/goclerk/clerk/backend"
)

// Webhook events carry the same objects the Backend API answers with, so
// their data decodes into package backend's models: Event.User returns a
// backend.User, Event.Organization a backend.Organization. The types below
// exist only where an event's object differs from the Backend API's, or
// has no Backend API counterpart. Times are Unix milliseconds. Fields Clerk
// adds later are ignored; use [Event.DecodeData] with your own struct to
// reach them.

// Session is the data of session.* events: the Backend API's session and,
// when Clerk includes it, its user.
type Session struct {
	backend.Session
	User *backend.User `json:"user,omitempty"`
}

// OrganizationInvitation is the data of organizationInvitation.* events:
// the Backend API's invitation and, on organizationInvitation.accepted,
// the invitee's user id.
type OrganizationInvitation struct {
	backend.OrganizationInvitation
	UserID string `json:"user_id,omitempty"`
}

// Email is the data of email.created events: a message Clerk would send,
// for the application to deliver itself when delivery is delegated.
type Email struct {
	ID                string          `json:"id"`
	Object            string          `json:"object"`
	Slug              *string         `json:"slug"`
	FromEmailName     string          `json:"from_email_name"`
	ToEmailAddress    string          `json:"to_email_address"`
	EmailAddressID    *string         `json:"email_address_id"`
	UserID            *string         `json:"user_id"`
	Subject           string          `json:"subject"`
	Body              string          `json:"body"`
	BodyPlain         *string         `json:"body_plain"`
	Status            string          `json:"status"`
	Data              json.RawMessage `json:"data"`
	DeliveredByClerk  bool            `json:"delivered_by_clerk"`
	SuppressionReason *string         `json:"suppression_reason"`
}

// SMSMessage is the data of sms.created events.
type SMSMessage struct {
	ID               string          `json:"id"`
	Object           string          `json:"object"`
	Slug             *string         `json:"slug"`
	FromPhoneNumber  string          `json:"from_phone_number"`
	ToPhoneNumber    string          `json:"to_phone_number"`
	PhoneNumberID    *string         `json:"phone_number_id"`
	UserID           string          `json:"user_id"`
	Message          string          `json:"message"`
	Status           string          `json:"status"`
	Data             json.RawMessage `json:"data"`
	DeliveredByClerk bool            `json:"delivered_by_clerk"`
}
