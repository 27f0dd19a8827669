package webhooks

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/goclerk/clerk/backend"
)

// EventType names what happened, e.g. "user.created". It is a string type so
// handlers can switch over the constants below and still see types Clerk adds
// later.
type EventType string

// Event types Clerk delivers (those declared by @clerk/backend).
const (
	UserCreated EventType = "user.created"
	UserUpdated EventType = "user.updated"
	UserDeleted EventType = "user.deleted"

	SessionCreated EventType = "session.created"
	SessionEnded   EventType = "session.ended"
	SessionRemoved EventType = "session.removed"
	SessionRevoked EventType = "session.revoked"

	EmailCreated EventType = "email.created"
	SMSCreated   EventType = "sms.created"

	OrganizationCreated EventType = "organization.created"
	OrganizationUpdated EventType = "organization.updated"
	OrganizationDeleted EventType = "organization.deleted"

	OrganizationDomainCreated EventType = "organizationDomain.created"
	OrganizationDomainUpdated EventType = "organizationDomain.updated"
	OrganizationDomainDeleted EventType = "organizationDomain.deleted"

	OrganizationMembershipCreated EventType = "organizationMembership.created"
	OrganizationMembershipUpdated EventType = "organizationMembership.updated"
	OrganizationMembershipDeleted EventType = "organizationMembership.deleted"

	OrganizationInvitationCreated  EventType = "organizationInvitation.created"
	OrganizationInvitationAccepted EventType = "organizationInvitation.accepted"
	OrganizationInvitationRevoked  EventType = "organizationInvitation.revoked"

	RoleCreated EventType = "role.created"
	RoleUpdated EventType = "role.updated"
	RoleDeleted EventType = "role.deleted"

	PermissionCreated EventType = "permission.created"
	PermissionUpdated EventType = "permission.updated"
	PermissionDeleted EventType = "permission.deleted"

	WaitlistEntryCreated EventType = "waitlistEntry.created"
	WaitlistEntryUpdated EventType = "waitlistEntry.updated"

	PaymentAttemptCreated EventType = "paymentAttempt.created"
	PaymentAttemptUpdated EventType = "paymentAttempt.updated"

	SubscriptionCreated EventType = "subscription.created"
	SubscriptionUpdated EventType = "subscription.updated"
	SubscriptionActive  EventType = "subscription.active"
	SubscriptionPastDue EventType = "subscription.pastDue"

	SubscriptionItemCreated         EventType = "subscriptionItem.created"
	SubscriptionItemUpdated         EventType = "subscriptionItem.updated"
	SubscriptionItemActive          EventType = "subscriptionItem.active"
	SubscriptionItemCanceled        EventType = "subscriptionItem.canceled"
	SubscriptionItemUpcoming        EventType = "subscriptionItem.upcoming"
	SubscriptionItemEnded           EventType = "subscriptionItem.ended"
	SubscriptionItemAbandoned       EventType = "subscriptionItem.abandoned"
	SubscriptionItemIncomplete      EventType = "subscriptionItem.incomplete"
	SubscriptionItemPastDue         EventType = "subscriptionItem.pastDue"
	SubscriptionItemFreeTrialEnding EventType = "subscriptionItem.freeTrialEnding"
)

// Resource returns the part before the dot ("user" for "user.created"), which
// selects the shape of the event's data.
func (t EventType) Resource() string {
	r, _, _ := strings.Cut(string(t), ".")
	return r
}

// ErrUnexpectedEventType is returned by the typed decoders ([Event.User] and
// the like) when the event's type does not carry that kind of data, so a
// mis-routed event fails loudly instead of decoding into zero values.
var ErrUnexpectedEventType = errors.New("webhooks: unexpected event type")

// Event is a verified webhook delivery.
type Event struct {
	// Type is what happened, e.g. [UserCreated].
	Type EventType `json:"type"`
	// Object is always "event".
	Object string `json:"object"`
	// Data is the affected resource as JSON; decode it with DecodeData or a
	// typed decoder.
	Data json.RawMessage `json:"data"`
	// Timestamp is when Clerk produced the event, in Unix milliseconds.
	Timestamp int64 `json:"timestamp"`
	// InstanceID is the Clerk instance the event belongs to.
	InstanceID string `json:"instance_id"`
	// EventAttributes describes the request that caused the event, when any.
	EventAttributes EventAttributes `json:"event_attributes"`
	// MessageID is the svix-id header. Svix retries a failed delivery with
	// the same id, so handlers use it to process each message once.
	MessageID string `json:"-"`
}

// EventAttributes carries context about what triggered an event.
type EventAttributes struct {
	HTTPRequest HTTPRequestAttributes `json:"http_request"`
}

// HTTPRequestAttributes describes the HTTP request that triggered an event.
type HTTPRequestAttributes struct {
	ClientIP  string `json:"client_ip"`
	UserAgent string `json:"user_agent"`
}

// Time returns Timestamp as a time.Time.
func (e Event) Time() time.Time {
	return time.UnixMilli(e.Timestamp)
}

// DecodeData unmarshals the event's data into v: use it for event types
// without a typed decoder, or to decode into your own struct (metadata
// fields, for instance).
func (e Event) DecodeData(v any) error {
	if len(e.Data) == 0 {
		return fmt.Errorf("%w: %s event has no data", ErrInvalidPayload, e.Type)
	}
	if err := json.Unmarshal(e.Data, v); err != nil {
		return fmt.Errorf("%w: decoding %s data: %w", ErrInvalidPayload, e.Type, err)
	}
	return nil
}

// decodeAs decodes e.Data into a T after checking e.Type is one of types.
func decodeAs[T any](e Event, what string, types ...EventType) (T, error) {
	var v T
	if !slices.Contains(types, e.Type) {
		return v, fmt.Errorf("%w: %s event does not carry %s data", ErrUnexpectedEventType, e.Type, what)
	}
	err := e.DecodeData(&v)
	return v, err
}

// User decodes the data of user.created and user.updated events.
func (e Event) User() (backend.User, error) {
	return decodeAs[backend.User](e, "user", UserCreated, UserUpdated)
}

// Deleted decodes the data of events that only report a deletion
// (user.deleted, organization.deleted, organizationDomain.deleted).
func (e Event) Deleted() (backend.DeletedObject, error) {
	return decodeAs[backend.DeletedObject](e, "deleted-object", UserDeleted, OrganizationDeleted, OrganizationDomainDeleted)
}

// Session decodes the data of session.* events.
func (e Event) Session() (Session, error) {
	return decodeAs[Session](e, "session", SessionCreated, SessionEnded, SessionRemoved, SessionRevoked)
}

// Organization decodes the data of organization.created and
// organization.updated events.
func (e Event) Organization() (backend.Organization, error) {
	return decodeAs[backend.Organization](e, "organization", OrganizationCreated, OrganizationUpdated)
}

// OrganizationMembership decodes the data of organizationMembership.* events.
func (e Event) OrganizationMembership() (backend.OrganizationMembership, error) {
	return decodeAs[backend.OrganizationMembership](e, "organization membership",
		OrganizationMembershipCreated, OrganizationMembershipUpdated, OrganizationMembershipDeleted)
}

// OrganizationInvitation decodes the data of organizationInvitation.* events.
func (e Event) OrganizationInvitation() (OrganizationInvitation, error) {
	return decodeAs[OrganizationInvitation](e, "organization invitation",
		OrganizationInvitationCreated, OrganizationInvitationAccepted, OrganizationInvitationRevoked)
}

// Email decodes the data of email.created events (sent when Clerk hands
// email delivery to the application).
func (e Event) Email() (Email, error) {
	return decodeAs[Email](e, "email", EmailCreated)
}

// SMS decodes the data of sms.created events.
func (e Event) SMS() (SMSMessage, error) {
	return decodeAs[SMSMessage](e, "SMS", SMSCreated)
}

// Role decodes the data of role.* events.
func (e Event) Role() (backend.Role, error) {
	return decodeAs[backend.Role](e, "role", RoleCreated, RoleUpdated, RoleDeleted)
}

// Permission decodes the data of permission.* events.
func (e Event) Permission() (backend.Permission, error) {
	return decodeAs[backend.Permission](e, "permission", PermissionCreated, PermissionUpdated, PermissionDeleted)
}
