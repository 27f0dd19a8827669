package webhooks

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/goclerk/clerk/backend"
)

// loadEvent signs and verifies testdata/<name>.json, so each fixture goes
// through the same path a real delivery takes.
func loadEvent(t *testing.T, name string) Event {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	v := newTestVerifier(t, testTime)
	evt, err := v.Verify(signed(v, "msg_"+name, testTime, string(body)), body)
	if err != nil {
		t.Fatalf("Verify %s: %v", name, err)
	}
	if string(evt.Type) != name {
		t.Fatalf("Type = %q, want %q", evt.Type, name)
	}
	return evt
}

func TestEventUser(t *testing.T) {
	evt := loadEvent(t, "user.created")
	if evt.InstanceID != "ins_2inst" || evt.EventAttributes.HTTPRequest.ClientIP != "198.51.100.7" {
		t.Errorf("envelope = %+v", evt)
	}
	u, err := evt.User()
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != "user_2xQjT0rH9aVb8mWc" || *u.FirstName != "Ada" || u.LastName != nil || *u.Username != "ada" {
		t.Errorf("names: %+v", u)
	}
	if got := u.PrimaryEmailAddress(); got != "ada@example.test" {
		t.Errorf("PrimaryEmailAddress = %q", got)
	}
	if len(u.ExternalAccounts) != 1 || u.ExternalAccounts[0].Provider != "oauth_google" || u.ExternalAccounts[0].Verification.ExpireAt != 1764100590000 {
		t.Errorf("external accounts: %+v", u.ExternalAccounts)
	}
	if u.EmailAddresses[1].LinkedTo[0].Type != "oauth_google" || u.EmailAddresses[0].Verification.Status != "unverified" {
		t.Errorf("email addresses: %+v", u.EmailAddresses)
	}
	if *u.VerificationAttemptsRemaining != 100 || u.LastSignInAt != nil || *u.LastActiveAt != 1764099995000 || u.CreatedAt != 1764099990000 {
		t.Errorf("numbers: %+v", u)
	}
	if u.PublicMetadata["plan"] != "pro" {
		t.Errorf("public metadata %v", u.PublicMetadata)
	}

	// Decoding into a caller-defined struct reaches any field.
	var own struct {
		Locale       string            `json:"locale"`
		SAMLAccounts []json.RawMessage `json:"saml_accounts"`
	}
	if err := evt.DecodeData(&own); err != nil || own.Locale != "en-GB" || own.SAMLAccounts == nil {
		t.Errorf("DecodeData: %+v, %v", own, err)
	}

	if _, err := evt.Session(); !errors.Is(err, ErrUnexpectedEventType) {
		t.Errorf("Session() on a user event: err = %v", err)
	}
}

func TestEventDeleted(t *testing.T) {
	evt := loadEvent(t, "user.deleted")
	d, err := evt.Deleted()
	if err != nil {
		t.Fatal(err)
	}
	if !d.Deleted || d.ID != "user_2xQjT0rH9aVb8mWc" || d.ExternalID != "crm-42" || d.Object != "user" {
		t.Errorf("deleted = %+v", d)
	}
	if _, err := evt.User(); !errors.Is(err, ErrUnexpectedEventType) {
		t.Errorf("User() on user.deleted: err = %v", err)
	}
}

func TestEventSession(t *testing.T) {
	s, err := loadEvent(t, "session.created").Session()
	if err != nil {
		t.Fatal(err)
	}
	if s.ID != "sess_2abc" || s.Status != "active" || s.UserID != "user_2xQjT0rH9aVb8mWc" || s.ExpireAt != 1764704795000 {
		t.Errorf("session = %+v", s)
	}
	if s.LatestActivity == nil || s.LatestActivity.City != "Lisbon" || s.LatestActivity.IsMobile {
		t.Errorf("latest activity = %+v", s.LatestActivity)
	}
	if s.User == nil || *s.User.FirstName != "Ada" {
		t.Errorf("user = %+v", s.User)
	}
	if s.Actor != nil {
		t.Errorf("actor = %v", s.Actor)
	}
}

func TestEventOrganizations(t *testing.T) {
	org, err := loadEvent(t, "organization.created").Organization()
	if err != nil {
		t.Fatal(err)
	}
	if org.Slug != "acme" || org.MembersCount != 1 || org.MaxAllowedMemberships != 5 || org.RoleSetKey != nil || org.CreatedBy != "user_2xQjT0rH9aVb8mWc" {
		t.Errorf("organization = %+v", org)
	}

	m, err := loadEvent(t, "organizationMembership.created").OrganizationMembership()
	if err != nil {
		t.Fatal(err)
	}
	if m.Role != "org:admin" || len(m.Permissions) != 2 || m.Organization.ID != "org_2acme" ||
		m.PublicUserData == nil || m.PublicUserData.UserID != "user_2xQjT0rH9aVb8mWc" || m.PublicUserData.LastName != nil {
		t.Errorf("membership = %+v", m)
	}

	inv, err := loadEvent(t, "organizationInvitation.accepted").OrganizationInvitation()
	if err != nil {
		t.Fatal(err)
	}
	if inv.Status != "accepted" || inv.UserID != "user_2grace" || inv.OrganizationID != "org_2acme" || inv.URL != nil {
		t.Errorf("invitation = %+v", inv)
	}
}

func TestEventMessages(t *testing.T) {
	email, err := loadEvent(t, "email.created").Email()
	if err != nil {
		t.Fatal(err)
	}
	if email.ToEmailAddress != "ada@example.test" || *email.Slug != "verification_code" || email.DeliveredByClerk || email.UserID != nil {
		t.Errorf("email = %+v", email)
	}
	var data struct {
		OTPCode string `json:"otp_code"`
	}
	if err := json.Unmarshal(email.Data, &data); err != nil || data.OTPCode != "123456" {
		t.Errorf("email data %s: %v", email.Data, err)
	}

	sms, err := loadEvent(t, "sms.created").SMS()
	if err != nil {
		t.Fatal(err)
	}
	if sms.ToPhoneNumber != "+15555550123" || *sms.PhoneNumberID != "idn_2phone" || sms.Status != "queued" {
		t.Errorf("sms = %+v", sms)
	}
}

func TestEventRolesAndPermissions(t *testing.T) {
	role, err := loadEvent(t, "role.created").Role()
	if err != nil {
		t.Fatal(err)
	}
	if role.Key != "org:billing" || role.Description != nil || len(role.Permissions) != 1 || role.Permissions[0].Key != "org:invoices:read" {
		t.Errorf("role = %+v", role)
	}
	perm, err := loadEvent(t, "permission.deleted").Permission()
	if err != nil {
		t.Fatal(err)
	}
	if perm.Key != "org:invoices:read" || perm.Type != "user" || perm.UpdatedAt != 1764100600000 {
		t.Errorf("permission = %+v", perm)
	}
}

func TestEventDecodeErrors(t *testing.T) {
	if err := (Event{Type: UserCreated}).DecodeData(&struct{}{}); !errors.Is(err, ErrInvalidPayload) {
		t.Errorf("no data: err = %v", err)
	}
	if _, err := (Event{Type: UserCreated, Data: json.RawMessage(`{"id":5}`)}).User(); !errors.Is(err, ErrInvalidPayload) {
		t.Errorf("wrong field type: err = %v", err)
	}
	if _, err := (Event{Type: "user.exploded", Data: json.RawMessage(`{}`)}).User(); !errors.Is(err, ErrUnexpectedEventType) {
		t.Errorf("unknown type: err = %v", err)
	}
}

func TestEventTypeResource(t *testing.T) {
	for in, want := range map[EventType]string{
		UserCreated:                     "user",
		OrganizationMembershipDeleted:   "organizationMembership",
		SubscriptionItemFreeTrialEnding: "subscriptionItem",
		"nodot":                         "nodot",
		"":                              "",
	} {
		if got := in.Resource(); got != want {
			t.Errorf("%q.Resource() = %q, want %q", in, got, want)
		}
	}
}

func TestEventTime(t *testing.T) {
	evt := Event{Timestamp: 1764099995123}
	if want := time.Date(2025, 11, 25, 19, 46, 35, 123e6, time.UTC); !evt.Time().Equal(want) {
		t.Errorf("Time() = %v, want %v", evt.Time().UTC(), want)
	}
}

// TestFixturesDecodeIntoTheModels checks that each fixture's data is the
// object its decoder claims: every field of the payload is a field of the
// model (strict decoding), so no webhook field is silently dropped.
func TestFixturesDecodeIntoTheModels(t *testing.T) {
	models := map[string]any{
		"user.created":                    &backend.User{},
		"user.deleted":                    &backend.DeletedObject{},
		"session.created":                 &Session{},
		"organization.created":            &backend.Organization{},
		"organizationMembership.created":  &backend.OrganizationMembership{},
		"organizationInvitation.accepted": &OrganizationInvitation{},
		"role.created":                    &backend.Role{},
		"permission.deleted":              &backend.Permission{},
		"email.created":                   &Email{},
		"sms.created":                     &SMSMessage{},
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	if len(files) != len(models) {
		t.Errorf("%d fixtures, %d models listed", len(files), len(models))
	}
	for name, v := range models {
		evt := loadEvent(t, name)
		dec := json.NewDecoder(bytes.NewReader(evt.Data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			t.Errorf("%s does not fit %T: %v", name, v, err)
		}
	}
}
