package localclerk

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/goclerk/clerk/localclerk/internal/specshape"
)

// shapeCase is one Frontend API request and the answer localclerk must
// give; its JSON body is checked against the FAPI specification's schema.
type shapeCase struct {
	name string
	// method and path of the request. {dvb}, {sid} and {ticket} become the
	// fixture's dev browser, session and a fresh sign-in token for Alice,
	// {sia} and {sua} a sign-in (Alice) and a sign-up started on the dev
	// browser; clerk-js's version parameters are added.
	method, path string
	form         url.Values // form-encoded body, as clerk-js sends
	signedIn     bool       // Alice signed in on the dev browser; else a fresh dev browser
	status       int
	// notInSpec marks routes the specification does not list (the test
	// proves it still does not). Their error answers are checked against
	// Clerk's error schema, their other answers against schema if set.
	notInSpec bool
	schema    string
	// notJSON marks answers that are pages, images or redirects: only the
	// status is checked.
	notJSON bool
}

const clerkJSQuery = "__clerk_api_version=2026-05-12&_clerk_js_version=6.40.0"

var shapeCases = []shapeCase{
	{name: "jwks", method: "GET", path: "/.well-known/jwks.json", status: 200},
	{name: "jwks under v1", method: "GET", path: "/v1/jwks", status: 200, notInSpec: true, schema: "JWKS"},
	{name: "health", method: "GET", path: "/v1/health", status: 200},

	{name: "create dev browser", method: "POST", path: "/v1/dev_browser", status: 200},
	{name: "get dev browser", method: "GET", path: "/v1/dev_browser?__clerk_db_jwt={dvb}", status: 200, notInSpec: true},
	{name: "get dev browser without id", method: "GET", path: "/v1/dev_browser", status: 401, notInSpec: true},
	{name: "get unknown dev browser", method: "GET", path: "/v1/dev_browser?__clerk_db_jwt=dvb_nope", status: 404, notInSpec: true},

	{name: "handshake signed in", method: "GET", signedIn: true, status: 307,
		path: "/v1/client/handshake?redirect_url=http%3A%2F%2Flocalhost%3A3000%2F&format=nonce&__clerk_db_jwt={dvb}"},
	{name: "handshake to a foreign origin", method: "GET", status: 400,
		path: "/v1/client/handshake?redirect_url=https%3A%2F%2Fevil.example%2F&__clerk_db_jwt={dvb}"},

	{name: "client signed in", method: "GET", path: "/v1/client?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "client signed out", method: "GET", path: "/v1/client?__clerk_db_jwt={dvb}", status: 200},
	// clerk-js identifies its client by localclerk's cookie (its key's host
	// is no Clerk development suffix): a first request gets a new client.
	{name: "client without dev browser", method: "GET", path: "/v1/client", status: 200},
	{name: "create client", method: "PUT", path: "/v1/client", status: 200},
	{name: "create client by POST", method: "POST", path: "/v1/client", status: 200},
	{name: "get session", method: "GET", path: "/v1/client/sessions/{sid}?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "get unknown session", method: "GET", path: "/v1/client/sessions/sess_nope?__clerk_db_jwt={dvb}", signedIn: true, status: 404},

	{name: "token", method: "POST", path: "/v1/client/sessions/{sid}/tokens?__clerk_db_jwt={dvb}",
		form: url.Values{"organization_id": {"org_demo_acme"}}, signedIn: true, status: 200},
	{name: "token for personal account", method: "POST", path: "/v1/client/sessions/{sid}/tokens?__clerk_db_jwt={dvb}",
		form: url.Values{"organization_id": {""}}, signedIn: true, status: 200},
	{name: "token for unknown session", method: "POST", path: "/v1/client/sessions/sess_nope/tokens?__clerk_db_jwt={dvb}",
		signedIn: true, status: 401},
	{name: "token without client", method: "POST", path: "/v1/client/sessions/sess_nope/tokens", status: 401},
	{name: "template token", method: "POST", path: "/v1/client/sessions/{sid}/tokens/demo?__clerk_db_jwt={dvb}",
		signedIn: true, status: 200},
	{name: "unknown template", method: "POST", path: "/v1/client/sessions/{sid}/tokens/nope?__clerk_db_jwt={dvb}",
		signedIn: true, status: 404},

	{name: "end session", method: "POST", path: "/v1/client/sessions/{sid}/end?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "end unknown session", method: "POST", path: "/v1/client/sessions/sess_nope/end?__clerk_db_jwt={dvb}", signedIn: true, status: 404},
	{name: "remove session", method: "POST", path: "/v1/client/sessions/{sid}/remove?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "remove session without client", method: "POST", path: "/v1/client/sessions/sess_nope/remove", status: 404},
	{name: "remove all sessions", method: "DELETE", path: "/v1/client/sessions?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "sign out everywhere", method: "DELETE", path: "/v1/client?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "sign out without client", method: "DELETE", path: "/v1/client", status: 200},

	// What clerk-js calls from Clerk.load and its components.
	{name: "environment", method: "GET", path: "/v1/environment", status: 200},
	{name: "environment update", method: "POST", path: "/v1/environment?_method=PATCH", status: 200},
	{name: "avatar", method: "GET", path: "/v1/avatar.svg", status: 200, notJSON: true},
	{name: "touch session", method: "POST", path: "/v1/client/sessions/{sid}/touch?__clerk_db_jwt={dvb}",
		form: url.Values{"active_organization_id": {"org_demo_acme"}}, signedIn: true, status: 200},
	{name: "touch session into a foreign organization", method: "POST", path: "/v1/client/sessions/{sid}/touch?__clerk_db_jwt={dvb}",
		form: url.Values{"active_organization_id": {"org_nope"}}, signedIn: true, status: 404},
	{name: "start sign-in", method: "POST", path: "/v1/client/sign_ins?__clerk_db_jwt={dvb}",
		form: url.Values{"identifier": {"alice@example.com"}}, status: 200},
	{name: "start sign-in for an unknown identifier", method: "POST", path: "/v1/client/sign_ins?__clerk_db_jwt={dvb}",
		form: url.Values{"identifier": {"nobody@example.com"}}, status: 422},
	{name: "start sign-in while signed in (single-session)", method: "POST", path: "/v1/client/sign_ins?__clerk_db_jwt={dvb}",
		form: url.Values{"identifier": {"bob@example.com"}}, signedIn: true, status: 400},
	{name: "touch session to select it", method: "POST", path: "/v1/client/sessions/{sid}/touch?__clerk_db_jwt={dvb}",
		form: url.Values{"intent": {"select_session"}}, signedIn: true, status: 200},
	{name: "get sign-in", method: "GET", path: "/v1/client/sign_ins/{sia}?__clerk_db_jwt={dvb}", status: 200},
	{name: "prepare e-mail code", method: "POST", path: "/v1/client/sign_ins/{sia}/prepare_first_factor?__clerk_db_jwt={dvb}",
		form: url.Values{"strategy": {"email_code"}}, status: 200},
	{name: "attempt password", method: "POST", path: "/v1/client/sign_ins/{sia}/attempt_first_factor?__clerk_db_jwt={dvb}",
		form: url.Values{"strategy": {"password"}, "password": {"alice-password"}}, status: 200},
	{name: "attempt a wrong password", method: "POST", path: "/v1/client/sign_ins/{sia}/attempt_first_factor?__clerk_db_jwt={dvb}",
		form: url.Values{"strategy": {"password"}, "password": {"wrong"}}, status: 422},
	{name: "start a password reset", method: "POST", path: "/v1/client/sign_ins?__clerk_db_jwt={dvb}",
		form: url.Values{"identifier": {"alice@example.com"}, "strategy": {"reset_password_email_code"}}, status: 200},
	{name: "prepare a reset code", method: "POST", path: "/v1/client/sign_ins/{sia}/prepare_first_factor?__clerk_db_jwt={dvb}",
		form: url.Values{"strategy": {"reset_password_email_code"}}, status: 200},
	{name: "attempt a wrong reset code", method: "POST", path: "/v1/client/sign_ins/{sia_reset}/attempt_first_factor?__clerk_db_jwt={dvb}",
		form: url.Values{"strategy": {"reset_password_email_code"}, "code": {"000000"}}, status: 422},
	{name: "reset the password", method: "POST", path: "/v1/client/sign_ins/{sia_new_password}/reset_password?__clerk_db_jwt={dvb}",
		form: url.Values{"password": {"reset-password-1"}, "sign_out_of_other_sessions": {"true"}}, status: 200},
	{name: "reset the password before the code", method: "POST", path: "/v1/client/sign_ins/{sia}/reset_password?__clerk_db_jwt={dvb}",
		form: url.Values{"password": {"reset-password-1"}}, status: 400},
	{name: "reset to the current password", method: "POST", path: "/v1/client/sign_ins/{sia_new_password}/reset_password?__clerk_db_jwt={dvb}",
		form: url.Values{"password": {"shape-password-1"}}, status: 422},
	{name: "start sign-up", method: "POST", path: "/v1/client/sign_ups?__clerk_db_jwt={dvb}",
		form: url.Values{"email_address": {"shape+clerk_test@example.com"}, "password": {"shape-password-1"}}, status: 200},
	{name: "start sign-up with a taken address", method: "POST", path: "/v1/client/sign_ups?__clerk_db_jwt={dvb}",
		form: url.Values{"email_address": {"alice@example.com"}, "password": {"shape-password-1"}}, status: 422},
	{name: "get sign-up", method: "GET", path: "/v1/client/sign_ups/{sua}?__clerk_db_jwt={dvb}", status: 200},
	{name: "update sign-up", method: "POST", path: "/v1/client/sign_ups/{sua}?_method=PATCH&__clerk_db_jwt={dvb}",
		form: url.Values{"first_name": {"Shape"}}, status: 200},
	{name: "prepare sign-up verification", method: "POST", path: "/v1/client/sign_ups/{sua}/prepare_verification?__clerk_db_jwt={dvb}",
		form: url.Values{"strategy": {"email_code"}}, status: 200},
	{name: "attempt sign-up verification", method: "POST", path: "/v1/client/sign_ups/{sua}/attempt_verification?__clerk_db_jwt={dvb}",
		form: url.Values{"strategy": {"email_code"}, "code": {"424242"}}, status: 200},
	{name: "attempt a wrong sign-up code", method: "POST", path: "/v1/client/sign_ups/{sua}/attempt_verification?__clerk_db_jwt={dvb}",
		form: url.Values{"strategy": {"email_code"}, "code": {"000000"}}, status: 422},
	{name: "me", method: "GET", path: "/v1/me?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "me signed out", method: "GET", path: "/v1/me?__clerk_db_jwt={dvb}", status: 401},
	{name: "my memberships", method: "GET", path: "/v1/me/organization_memberships?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "accept my organization invitation", method: "POST", path: "/v1/me/organization_invitations/{alice_invitation}/accept?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "accept an unknown organization invitation", method: "POST", path: "/v1/me/organization_invitations/orginv_nope/accept?__clerk_db_jwt={dvb}", signedIn: true, status: 404},
	{name: "my invitations", method: "GET", path: "/v1/me/organization_invitations?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "my suggestions", method: "GET", path: "/v1/me/organization_suggestions?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "update me", method: "POST", path: "/v1/me?_method=PATCH&__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"first_name": {"Alice"}, "unsafe_metadata": {`{"theme":"dark"}`}}, status: 200},
	{name: "update me with a foreign primary address", method: "POST", path: "/v1/me?_method=PATCH&__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"primary_email_address_id": {"idn_nope"}}, status: 422},
	{name: "update me signed out", method: "POST", path: "/v1/me?_method=PATCH&__clerk_db_jwt={dvb}",
		form: url.Values{"first_name": {"X"}}, status: 401},
	{name: "merge my metadata", method: "POST", path: "/v1/me/metadata?_method=PATCH&__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"unsafe_metadata": {`{"theme":null,"seen":true}`}}, status: 200},
	{name: "merge my metadata with a list", method: "POST", path: "/v1/me/metadata?_method=PATCH&__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"unsafe_metadata": {`[1]`}}, status: 422},
	// Alice keeps her password: the rows after this one sign in with it.
	{name: "change my password", method: "POST", path: "/v1/me/change_password?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"current_password": {"alice-password"}, "new_password": {"alice-password"}}, status: 200},
	{name: "change my password with a wrong current one", method: "POST", path: "/v1/me/change_password?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"current_password": {"wrong"}, "new_password": {"another-password-1"}}, status: 422},
	{name: "remove my password where one is required", method: "POST", path: "/v1/me/remove_password?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"current_password": {"alice-password"}}, status: 422},
	{name: "remove my profile image", method: "DELETE", path: "/v1/me/profile_image?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "remove my profile image signed out", method: "DELETE", path: "/v1/me/profile_image?__clerk_db_jwt={dvb}", status: 401},
	{name: "my email addresses", method: "GET", path: "/v1/me/email_addresses?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "my email addresses signed out", method: "GET", path: "/v1/me/email_addresses?__clerk_db_jwt={dvb}", status: 401},
	{name: "add an email address", method: "POST", path: "/v1/me/email_addresses?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"email_address": {"{new_email}"}}, status: 200},
	{name: "add a taken email address", method: "POST", path: "/v1/me/email_addresses?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"email_address": {"bob@example.com"}}, status: 422},
	{name: "my email address", method: "GET", path: "/v1/me/email_addresses/{extra_email}?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "an email address I do not have", method: "GET", path: "/v1/me/email_addresses/idn_nope?__clerk_db_jwt={dvb}", signedIn: true, status: 404},
	{name: "prepare my email verification", method: "POST", path: "/v1/me/email_addresses/{extra_email}/prepare_verification?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"strategy": {"email_code"}}, status: 200},
	{name: "prepare my email verification by phone", method: "POST", path: "/v1/me/email_addresses/{extra_email}/prepare_verification?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"strategy": {"phone_code"}}, status: 422},
	{name: "attempt my email verification", method: "POST", path: "/v1/me/email_addresses/{prepared_email}/attempt_verification?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"code": {"424242"}}, status: 200},
	{name: "attempt my email verification with a wrong code", method: "POST", path: "/v1/me/email_addresses/{prepared_email}/attempt_verification?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"code": {"000000"}}, status: 422},
	{name: "remove my email address", method: "DELETE", path: "/v1/me/email_addresses/{extra_email}?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "remove my primary email address", method: "DELETE", path: "/v1/me/email_addresses/{alice_email}?__clerk_db_jwt={dvb}", signedIn: true, status: 403},
	// Phone numbers: the shared fixture's settings leave them off, so
	// adding and texting one is refused here; TestMePhoneNumbers checks
	// those answers with phone numbers on. Alice's number comes from the
	// Backend API.
	{name: "my phone numbers", method: "GET", path: "/v1/me/phone_numbers?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "my phone numbers signed out", method: "GET", path: "/v1/me/phone_numbers?__clerk_db_jwt={dvb}", status: 401},
	{name: "add a phone number while they are off", method: "POST", path: "/v1/me/phone_numbers?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"phone_number": {"+12015550100"}}, status: 403},
	{name: "my phone number", method: "GET", path: "/v1/me/phone_numbers/{alice_phone}?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "a phone number I do not have", method: "GET", path: "/v1/me/phone_numbers/idn_nope?__clerk_db_jwt={dvb}", signedIn: true, status: 404},
	{name: "update my phone number", method: "POST", path: "/v1/me/phone_numbers/{alice_phone}?_method=PATCH&__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"reserved_for_second_factor": {"false"}}, status: 200},
	{name: "reserve my phone number while SMS codes are off", method: "POST", path: "/v1/me/phone_numbers/{alice_phone}?_method=PATCH&__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"reserved_for_second_factor": {"true"}}, status: 403},
	{name: "prepare my phone verification while phone numbers are off", method: "POST", path: "/v1/me/phone_numbers/{alice_phone}/prepare_verification?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"strategy": {"phone_code"}}, status: 403},
	{name: "attempt my phone verification unprepared", method: "POST", path: "/v1/me/phone_numbers/{alice_phone}/attempt_verification?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"code": {"424242"}}, status: 400},
	{name: "remove my phone number", method: "DELETE", path: "/v1/me/phone_numbers/{alice_phone}?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "remove a phone number I do not have", method: "DELETE", path: "/v1/me/phone_numbers/idn_nope?__clerk_db_jwt={dvb}", signedIn: true, status: 404},
	{name: "my sessions", method: "GET", path: "/v1/me/sessions?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "create totp while it is off", method: "POST", path: "/v1/me/totp?__clerk_db_jwt={dvb}", signedIn: true, status: 403},
	{name: "verify totp while it is off", method: "POST", path: "/v1/me/totp/attempt_verification?__clerk_db_jwt={dvb}",
		form: url.Values{"code": {"123456"}}, signedIn: true, status: 403},
	{name: "delete a missing totp", method: "DELETE", path: "/v1/me/totp?__clerk_db_jwt={dvb}", signedIn: true, status: 404},
	{name: "backup codes while they are off", method: "POST", path: "/v1/me/backup_codes?__clerk_db_jwt={dvb}", signedIn: true, status: 403},
	{name: "prepare a second factor too early", method: "POST", path: "/v1/client/sign_ins/{sia}/prepare_second_factor?__clerk_db_jwt={dvb}",
		form: url.Values{"strategy": {"totp"}}, status: 400},
	{name: "attempt a second factor too early", method: "POST", path: "/v1/client/sign_ins/{sia}/attempt_second_factor?__clerk_db_jwt={dvb}",
		form: url.Values{"strategy": {"totp"}, "code": {"123456"}}, status: 400},
	{name: "my active sessions", method: "GET", path: "/v1/me/sessions/active?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "my active sessions signed out", method: "GET", path: "/v1/me/sessions/active?__clerk_db_jwt={dvb}", status: 401},
	{name: "revoke my session", method: "POST", path: "/v1/me/sessions/{sid}/revoke?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "revoke an unknown session", method: "POST", path: "/v1/me/sessions/sess_nope/revoke?__clerk_db_jwt={dvb}", signedIn: true, status: 404},

	// The ticket link is a hosted page a person follows in a browser: an
	// unknown ticket gets an HTML page with 422, where the spec documents a
	// Clerk error body with 400 or 404.
	{name: "accept ticket", method: "GET", status: 303, notJSON: true,
		path: "/v1/tickets/accept?ticket={ticket}&redirect_url=http%3A%2F%2Flocalhost%3A3000%2F&__clerk_db_jwt={dvb}"},
	// Organization logos are images localclerk serves itself.
	{name: "organization logo", method: "GET", path: "/v1/organization_logos/{logo}", status: 200, notInSpec: true, notJSON: true},
	{name: "unknown organization logo", method: "GET", path: "/v1/organization_logos/img_nope", status: 404, notInSpec: true},
	{name: "accept unknown ticket", method: "GET", path: "/v1/tickets/accept?ticket=nope&redirect_url=http%3A%2F%2Flocalhost%3A3000%2F", status: 422, notJSON: true},
	// Social sign-in through the provider page (fapi_oauth.go).
	{name: "start an OAuth sign-in", method: "POST", path: "/v1/client/sign_ins?__clerk_db_jwt={dvb}",
		form: url.Values{"strategy": {"oauth_google"}, "redirect_url": {"http://localhost:3000/sso-callback"}}, status: 200},
	{name: "start an OAuth sign-up", method: "POST", path: "/v1/client/sign_ups?__clerk_db_jwt={dvb}",
		form: url.Values{"strategy": {"oauth_google"}, "redirect_url": {"http://localhost:3000/sso-callback"}}, status: 200},
	{name: "transfer nothing", method: "POST", path: "/v1/client/sign_ups?__clerk_db_jwt={dvb}", form: url.Values{"transfer": {"true"}}, status: 422},
	{name: "OAuth callback", method: "GET", path: "/v1/oauth_callback?{oauth_callback}&__clerk_db_jwt={dvb}", status: 303, notJSON: true},
	{name: "OAuth callback with an unknown state", method: "GET", path: "/v1/oauth_callback?state=nope&code=nope", status: 400},
	{name: "OAuth form_post callback", method: "POST", path: "/v1/oauth_callback", form: url.Values{"state": {"s"}, "code": {"c"}}, status: 303, notJSON: true},
	{name: "connect an external account", method: "POST", path: "/v1/me/external_accounts?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"strategy": {"oauth_google"}, "redirect_url": {"http://localhost:3000/user"}}, status: 200},
	{name: "connect a disabled provider", method: "POST", path: "/v1/me/external_accounts?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"strategy": {"oauth_apple"}, "redirect_url": {"http://localhost:3000/user"}}, status: 422},
	{name: "reauthorize an external account", method: "POST", path: "/v1/me/external_accounts/{eac}/reauthorize?_method=PATCH&__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"redirect_url": {"http://localhost:3000/user"}}, status: 200},
	{name: "revoke an external account's tokens", method: "DELETE", path: "/v1/me/external_accounts/{eac}/tokens?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "remove an external account", method: "DELETE", path: "/v1/me/external_accounts/{eac}?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
	{name: "remove an unknown external account", method: "DELETE", path: "/v1/me/external_accounts/eac_nope?__clerk_db_jwt={dvb}", signedIn: true, status: 404},
	// Session reverification (fapi_session_reverification.go); the steps
	// after the start need one in progress: TestSessionReverification*.
	{name: "start a reverification", method: "POST", path: "/v1/client/sessions/{sid}/verify?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"level": {"first_factor"}}, status: 200},
	{name: "start a reverification at no level", method: "POST", path: "/v1/client/sessions/{sid}/verify?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"level": {"zeroth_factor"}}, status: 422},
	{name: "reverify signed out", method: "POST", path: "/v1/client/sessions/sess_nope/verify?__clerk_db_jwt={dvb}",
		form: url.Values{"level": {"first_factor"}}, status: 401},
	{name: "prepare a reverification not started", method: "POST", path: "/v1/client/sessions/{sid}/verify/prepare_first_factor?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"strategy": {"email_code"}}, status: 400},
	{name: "attempt a reverification not started", method: "POST", path: "/v1/client/sessions/{sid}/verify/attempt_first_factor?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"strategy": {"password"}, "password": {"alice-password"}}, status: 400},
	{name: "prepare a reverification's second factor not started", method: "POST", path: "/v1/client/sessions/{sid}/verify/prepare_second_factor?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"strategy": {"totp"}}, status: 400},
	{name: "attempt a reverification's second factor not started", method: "POST", path: "/v1/client/sessions/{sid}/verify/attempt_second_factor?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"strategy": {"totp"}, "code": {"123456"}}, status: 400},
	// E-mail links and the waitlist are off on the shared fixture; their
	// successful answers are checked in emaillink_test.go.
	{name: "prepare an email link while links are off", method: "POST", path: "/v1/client/sign_ins/{sia}/prepare_first_factor?__clerk_db_jwt={dvb}",
		form: url.Values{"strategy": {"email_link"}, "redirect_url": {"http://localhost:3000/sign-in/verify"}}, status: 422},
	// The link is a page a person opens: an unknown token gets an HTML page.
	{name: "open an unknown email link", method: "GET", path: "/v1/verify?token=nope", status: 400, notJSON: true},
	{name: "join a waitlist that is off", method: "POST", path: "/v1/waitlist?__clerk_db_jwt={dvb}",
		form: url.Values{"email_address": {"wait@example.com"}}, status: 403},
	// Passkeys are off in this fixture; TestPasskeyRegisterAndSignIn
	// checks the successful answers.
	{name: "create a passkey while they are off", method: "POST", path: "/v1/me/passkeys?__clerk_db_jwt={dvb}", signedIn: true, status: 403},
	{name: "verify a passkey while they are off", method: "POST", path: "/v1/me/passkeys/idn_nope/attempt_verification?__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"strategy": {"passkey"}, "public_key_credential": {"{}"}}, status: 403},
	{name: "read an unknown passkey", method: "GET", path: "/v1/me/passkeys/idn_nope?__clerk_db_jwt={dvb}", signedIn: true, status: 404},
	{name: "rename an unknown passkey", method: "POST", path: "/v1/me/passkeys/idn_nope?_method=PATCH&__clerk_db_jwt={dvb}", signedIn: true,
		form: url.Values{"name": {"x"}}, status: 404},
	{name: "delete an unknown passkey", method: "DELETE", path: "/v1/me/passkeys/idn_nope?__clerk_db_jwt={dvb}", signedIn: true, status: 404},
	{name: "start a passkey sign-in while they are off", method: "POST", path: "/v1/client/sign_ins?__clerk_db_jwt={dvb}",
		form: url.Values{"strategy": {"passkey"}}, status: 422},
	// The smaller instance operations (fapi_instance_misc.go).
	{name: "account portal", method: "GET", path: "/v1/account_portal", status: 200},
	{name: "proxy health without a domain", method: "GET", path: "/v1/proxy-health", status: 400},
	{name: "redirect", method: "GET", path: "/v1/redirect?redirect_url=http%3A%2F%2Flocalhost%3A3000%2Fhome", status: 307, notJSON: true},
	{name: "redirect home", method: "GET", path: "/v1/redirect", status: 307, notJSON: true},
	{name: "redirect to a foreign origin", method: "GET", path: "/v1/redirect?redirect_url=https%3A%2F%2Fevil.example%2F", status: 400},
	{name: "clear site data", method: "GET", path: "/v1/clear-site-data", status: 200, notJSON: true},
	{name: "dev browser cookie", method: "POST", path: "/v1/dev_browser/set_first_party_cookie?__clerk_db_jwt={dvb}", status: 200, notJSON: true},
	{name: "dev browser cookie without one", method: "POST", path: "/v1/dev_browser/set_first_party_cookie", status: 401},
	{name: "dev browser init", method: "GET", path: "/v1/dev_browser/init?origin=http%3A%2F%2Flocalhost%3A3000", status: 200, notJSON: true},
	{name: "dev browser init for a foreign origin", method: "GET", path: "/v1/dev_browser/init?origin=https%3A%2F%2Fevil.example", status: 400},
	{name: "service token", method: "POST", path: "/v1/me/tokens?__clerk_db_jwt={dvb}", form: url.Values{"service": {"demo"}}, signedIn: true, status: 200},
	{name: "unknown service token", method: "POST", path: "/v1/me/tokens?__clerk_db_jwt={dvb}", form: url.Values{"service": {"nope"}}, signedIn: true, status: 404},
	{name: "service token signed out", method: "POST", path: "/v1/me/tokens?__clerk_db_jwt={dvb}", form: url.Values{"service": {"demo"}}, status: 401},
	{name: "sync a satellite", method: "GET", path: "/v1/client/sync?link_domain=sat.localhost&redirect_url=http%3A%2F%2Flocalhost%3A3000%2F&__clerk_db_jwt={dvb}", status: 307, notJSON: true},
	{name: "sync to a foreign origin", method: "GET", path: "/v1/client/sync?redirect_url=https%3A%2F%2Fevil.example%2F", status: 400},
	{name: "link with a bad token", method: "GET", path: "/v1/client/link?__clerk_token=nope", status: 422},
	{name: "agent task with an unknown ticket", method: "GET", path: "/v1/agents/tasks?ticket=nope", status: 404},
	// Last: the rows before sign Alice in.
	{name: "delete me signed out", method: "DELETE", path: "/v1/me?__clerk_db_jwt={dvb}", status: 401},
	{name: "delete me", method: "DELETE", path: "/v1/me?__clerk_db_jwt={dvb}", signedIn: true, status: 200},
}

// fapiRoutesWithoutSuccessRow are routes the shape table cannot answer
// with success, and why.
var fapiRoutesWithoutSuccessRow = map[string]string{
	"GET /.well-known/webauthn":   "checked against the spec in TestWebAuthnRelatedOrigins",
	"POST /v1/me/remove_password": "localclerk's instance requires a password, so removing it always fails",
	"POST /v1/me/profile_image":   "a multipart upload: checked against the spec in TestMeProfileImage",
	// The second factors need instance settings the shared fixture does
	// not have; TestTOTPEnrolmentAndSignIn checks their answers.
	"POST /v1/me/totp":                                            "checked against the spec in TestTOTPEnrolmentAndSignIn",
	"POST /v1/me/totp/attempt_verification":                       "checked against the spec in TestTOTPEnrolmentAndSignIn",
	"DELETE /v1/me/totp":                                          "checked against the spec in TestTOTPEnrolmentAndSignIn",
	"POST /v1/me/backup_codes":                                    "checked against the spec in TestTOTPEnrolmentAndSignIn",
	"POST /v1/client/sign_ins/{id}/prepare_second_factor":         "checked against the spec in TestTOTPEnrolmentAndSignIn",
	"POST /v1/client/sign_ins/{id}/attempt_second_factor":         "checked against the spec in TestTOTPEnrolmentAndSignIn",
	"POST /v1/client/sessions/{sid}/verify/prepare_first_factor":  "needs a verification in progress: checked against the spec in TestSessionReverificationWithEmailCode",
	"POST /v1/client/sessions/{sid}/verify/attempt_first_factor":  "needs a verification in progress: checked against the spec in TestSessionReverificationWithPassword",
	"POST /v1/client/sessions/{sid}/verify/prepare_second_factor": "needs a verification in progress: checked against the spec in TestSessionReverificationWithSecondFactor",
	"POST /v1/client/sessions/{sid}/verify/attempt_second_factor": "needs a verification in progress: checked against the spec in TestSessionReverificationWithSecondFactor",
	"PUT /v1/organizations/{id}/logo":                             "a multipart upload: checked against the spec in TestFAPIOrgLogo",
	// Off on the shared fixture: they need e-mail links or the waitlist
	// sign-up mode.
	"GET /v1/verify":    "needs email_link on: followed and checked in TestEmailLinkSignIn",
	"POST /v1/waitlist": "needs the waitlist mode: checked against the spec in TestWaitlistJoinAndInvite",
	// Passkeys need instance settings and an authenticator.
	"POST /v1/me/passkeys":                           "checked against the spec in TestPasskeyRegisterAndSignIn",
	"GET /v1/me/passkeys/{id}":                       "checked against the spec in TestPasskeyRegisterAndSignIn",
	"PATCH /v1/me/passkeys/{id}":                     "checked against the spec in TestPasskeyRegisterAndSignIn",
	"DELETE /v1/me/passkeys/{id}":                    "checked against the spec in TestPasskeyRegisterAndSignIn",
	"POST /v1/me/passkeys/{id}/attempt_verification": "checked against the spec in TestPasskeyRegisterAndSignIn",
	// Phone numbers are off in the shared fixture's settings.
	"POST /v1/me/phone_numbers":                           "checked against the spec in TestMePhoneNumbers",
	"POST /v1/me/phone_numbers/{id}/prepare_verification": "checked against the spec in TestMePhoneNumbers",
	"POST /v1/me/phone_numbers/{id}/attempt_verification": "checked against the spec in TestMePhoneNumbers",
	"GET /v1/proxy-health":                                "needs the proxy's headers: checked against the spec in TestFAPIProxyHealth",
	"GET /v1/client/link":                                 "needs a token from /v1/client/sync: checked in TestFAPIClientSyncAndLink",
	"GET /v1/agents/tasks":                                "needs a ticket from the Backend API: checked in TestAgentTask",
	// Trusted devices need the setting and a device key.
	"GET /v1/me/trusted_devices":               "checked against the spec in TestTrustedDevices",
	"POST /v1/me/trusted_devices/prepare":      "checked against the spec in TestTrustedDevices",
	"POST /v1/me/trusted_devices/attempt":      "checked against the spec in TestTrustedDevices",
	"DELETE /v1/me/trusted_devices/{id}":       "checked against the spec in TestTrustedDevices",
	"POST /v1/client/trusted_devices/validate": "checked against the spec in TestTrustedDevices",
	// JSON bodies with the session token as Bearer, and settings the
	// shared fixture does not have.
	"GET /api_keys":              "checked against the spec in TestFAPIAPIKeys",
	"POST /api_keys":             "checked against the spec in TestFAPIAPIKeys",
	"PATCH /api_keys/{id}":       "checked against the spec in TestFAPIAPIKeys",
	"POST /api_keys/{id}/revoke": "checked against the spec in TestFAPIAPIKeys",
}

// TestFAPIShapesMatchTheSpec drives every Frontend API route localclerk
// registers and checks each JSON answer, errors included, against the
// schema the specification gives for that operation and status. A route
// without a row for a successful answer fails the test, so the check
// keeps up with the routes.
func TestFAPIShapesMatchTheSpec(t *testing.T) {
	h := start(t, Options{Seed: true, SocialProviders: []string{"google"}})
	facts, err := specshape.FAPI()
	if err != nil {
		t.Fatal(err)
	}
	exercised := map[string]bool{} // route pattern -> a row got a non-error answer
	for _, tc := range slices.Concat(oauthIdPShapeCases, orgShapeCases, shapeCases) {
		t.Run(tc.name, func(t *testing.T) {
			fx := newShapeFixture(t, h, tc.signedIn)
			tc := orgShapeRow(t, h, fx.dvb, tc)
			if strings.Contains(tc.path, "{ticket}") {
				var st struct{ Token string }
				if code := h.bapi("POST", "/v1/sign_in_tokens", map[string]any{"user_id": "user_demo_alice"}, &st); code != 200 || st.Token == "" {
					t.Fatalf("sign-in token: %d", code)
				}
				fx.ticket = st.Token
			}
			if strings.Contains(tc.path, "{sia}") {
				fx.sia = fx.start(t, h, "/v1/client/sign_ins", url.Values{"identifier": {"alice@example.com"}})
			}
			if strings.Contains(tc.path, "{sia_reset}") || strings.Contains(tc.path, "{sia_new_password}") {
				fx.sia = fx.startReset(t, h, strings.Contains(tc.path, "{sia_new_password}"))
			}
			if strings.Contains(tc.path, "{alice_invitation}") {
				fx.aliceInvitation = inviteAlice(t, h)
			}
			if strings.Contains(tc.path, "{logo}") {
				fx.logo = uploadTestLogo(t, h)
			}
			if strings.Contains(tc.path, "{extra_email}") || strings.Contains(tc.path, "{prepared_email}") {
				fx.extraEmail = addAliceEmail(t, h)
				if strings.Contains(tc.path, "{prepared_email}") {
					resp, body := h.do(h.fapiRequest("POST", "/v1/me/email_addresses/"+fx.extraEmail+"/prepare_verification?__clerk_db_jwt="+fx.dvb+"&"+clerkJSQuery, url.Values{"strategy": {"email_code"}}))
					if resp.StatusCode != 200 {
						t.Fatalf("prepare: %d %s", resp.StatusCode, body)
					}
				}
			}
			if strings.Contains(tc.path, "{alice_phone}") {
				fx.alicePhone = addAlicePhone(t, h)
			}
			if strings.Contains(tc.path, "{alice_email}") {
				var u struct {
					PrimaryEmailAddressID string `json:"primary_email_address_id"`
				}
				h.bapi("GET", "/v1/users/user_demo_alice", nil, &u)
				fx.aliceEmail = u.PrimaryEmailAddressID
			}
			if strings.Contains(tc.path, "{sua}") {
				fx.sua = fx.start(t, h, "/v1/client/sign_ups", url.Values{"email_address": {"shape-" + strings.ToLower(randString(8)) + "+clerk_test@example.com"}, "password": {"shape-password-1"}})
			}
			tc = oauthIdPShapeFixture(t, h, tc)
			oauthCallback, eac := oauthShapeFixtures(t, h, fx, tc.path)
			path := strings.NewReplacer("{oauth_callback}", oauthCallback, "{eac}", eac, "{dvb}", fx.dvb, "{sid}", fx.sid, "{ticket}", url.QueryEscape(fx.ticket),
				"{sia}", fx.sia, "{sia_reset}", fx.sia, "{sia_new_password}", fx.sia, "{sua}", fx.sua, "{logo}", fx.logo, "{alice_invitation}", fx.aliceInvitation,
				"{extra_email}", fx.extraEmail, "{prepared_email}", fx.extraEmail, "{alice_email}", fx.aliceEmail,
				"{alice_phone}", fx.alicePhone).Replace(tc.path)
			form := tc.form
			if form.Get("email_address") == "{new_email}" {
				form = url.Values{"email_address": {"shape-" + strings.ToLower(randString(8)) + "@example.com"}}
			}
			if strings.Contains(path, "?") {
				path += "&" + clerkJSQuery
			} else {
				path += "?" + clerkJSQuery
			}
			req := h.fapiRequest(tc.method, path, form)
			// clerk-js sends PATCH and DELETE as POST with _method; the
			// operation is the overriding method's.
			method := tc.method
			if m := req.URL.Query().Get("_method"); m != "" && method == http.MethodPost {
				method = strings.ToUpper(m)
			}
			lookup := req.Clone(req.Context())
			lookup.Method = method
			_, route := h.inst.mux.Handler(lookup) // the pattern that serves the request
			if _, ok := exercised[route]; !ok {
				exercised[route] = false
			}
			resp, body := h.do(req)
			if resp.StatusCode != tc.status {
				t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, tc.status, body)
			}
			exercised[route] = exercised[route] || resp.StatusCode < 400
			if resp.StatusCode/100 == 3 && resp.Header.Get("Location") == "" {
				t.Errorf("redirect without Location")
			}
			if tc.notJSON {
				return
			}
			if ct := resp.Header.Get("Content-Type"); resp.StatusCode/100 != 3 && ct != "application/json" {
				t.Errorf("content-type %q: %s", ct, body)
			}
			var err error
			switch {
			case !tc.notInSpec:
				err = facts.Check(method, path, resp.StatusCode, body)
			default:
				if op, err := facts.Match(method, path); err == nil {
					t.Errorf("the spec lists %s %s now: drop notInSpec", op.Method, op.Path)
				}
				schema := tc.schema
				if resp.StatusCode >= 400 {
					schema = "ClerkErrors"
				}
				if schema != "" {
					err = facts.CheckSchema(schema, body)
				} else if !json.Valid(body) {
					err = errors.New("not JSON")
				}
			}
			if err != nil {
				t.Errorf("%v\nbody: %s", err, body)
			}
		})
	}
	routes := h.inst.mux.fapiRoutes()
	if len(routes) < 10 {
		t.Fatalf("only %d FAPI routes registered: %v", len(routes), routes)
	}
	for _, r := range routes {
		if slices.Contains(orgUnsupported, r) {
			continue // TestOrgUnsupportedOperations
		}
		ok, seen := exercised[r]
		switch {
		case !seen && fapiRoutesWithoutSuccessRow[r] != "":
			// tested elsewhere, as the map says
		case !seen:
			t.Errorf("FAPI route %q has no row in shapeCases", r)
		case !ok && fapiRoutesWithoutSuccessRow[r] == "":
			t.Errorf("FAPI route %q has no row for a successful answer", r)
		}
	}
	for r := range exercised {
		if !slices.Contains(routes, r) {
			t.Errorf("a row's request is served by %q, not a Frontend API route", r)
		}
	}
}

type shapeFixture struct {
	dvb, sid, ticket, sia, sua, logo, aliceInvitation string
	extraEmail, aliceEmail                            string
	alicePhone                                        string
}

// addAliceEmail gives Alice another, unverified, test address through the
// Backend API and returns its id.
func addAliceEmail(t *testing.T, h *harness) string {
	t.Helper()
	var e struct{ ID string }
	addr := "extra-" + strings.ToLower(randString(8)) + "+clerk_test@example.com"
	if st := h.bapi("POST", "/v1/email_addresses", map[string]any{"user_id": "user_demo_alice", "email_address": addr}, &e); st != 200 || e.ID == "" {
		t.Fatalf("add an address: %d", st)
	}
	return e.ID
}

// start creates a sign-in or sign-up (path "/v1/client/sign_ins" or
// "/v1/client/sign_ups") on the fixture's dev browser and returns its id.
func (fx shapeFixture) start(t *testing.T, h *harness, path string, form url.Values) string {
	t.Helper()
	resp, body := h.do(h.fapiRequest("POST", path+"?__clerk_db_jwt="+fx.dvb+"&"+clerkJSQuery, form))
	var out struct{ Response struct{ ID string } }
	mustJSON(t, body, &out)
	if resp.StatusCode != 200 || out.Response.ID == "" {
		t.Fatalf("POST %s: %d %s", path, resp.StatusCode, body)
	}
	return out.Response.ID
}

// startReset starts a password reset on the fixture's browser for a new
// test user with the password shape-password-1, its code sent (and
// verified, when verified is set), and returns the sign-in's id.
func (fx shapeFixture) startReset(t *testing.T, h *harness, verified bool) string {
	t.Helper()
	addr := "reset-" + strings.ToLower(randString(8)) + "+clerk_test@example.com"
	if st := h.bapi("POST", "/v1/users", map[string]any{"email_address": []string{addr}, "password": "shape-password-1"}, nil); st != 200 {
		t.Fatalf("create user: %d", st)
	}
	id := fx.start(t, h, "/v1/client/sign_ins", url.Values{"identifier": {addr}, "strategy": {"reset_password_email_code"}})
	if verified {
		resp, body := h.do(h.fapiRequest("POST", "/v1/client/sign_ins/"+id+"/attempt_first_factor?__clerk_db_jwt="+fx.dvb+"&"+clerkJSQuery,
			url.Values{"strategy": {"reset_password_email_code"}, "code": {testVerificationCode}}))
		if resp.StatusCode != 200 || !strings.Contains(string(body), `"needs_new_password"`) {
			t.Fatalf("attempt the reset code: %d %s", resp.StatusCode, body)
		}
	}
	return id
}

// newShapeFixture returns a dev browser, with Alice signed in on it when
// signedIn is set.
func newShapeFixture(t *testing.T, h *harness, signedIn bool) shapeFixture {
	t.Helper()
	// Each row is a fresh browser: no client cookie from an earlier row.
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	h.http.Jar = jar
	if !signedIn {
		resp, body := h.do(h.fapiRequest("POST", "/v1/dev_browser", nil))
		if resp.StatusCode != 200 {
			t.Fatalf("dev browser: %d %s", resp.StatusCode, body)
		}
		var db struct{ ID string }
		mustJSON(t, body, &db)
		return shapeFixture{dvb: db.ID}
	}
	dvb := signInAlice(t, h)
	resp, body := h.do(h.fapiRequest("GET", "/v1/client?__clerk_db_jwt="+dvb, nil))
	if resp.StatusCode != 200 {
		t.Fatalf("client: %d %s", resp.StatusCode, body)
	}
	var c struct {
		Response struct {
			LastActiveSessionID string `json:"last_active_session_id"`
		}
	}
	mustJSON(t, body, &c)
	if c.Response.LastActiveSessionID == "" {
		t.Fatalf("Alice has no session: %s", body)
	}
	return shapeFixture{dvb: dvb, sid: c.Response.LastActiveSessionID}
}

// fapiRequest builds a Frontend API request the way clerk-js sends it
// (form body, the app's Origin).
func (h *harness) fapiRequest(method, path string, form url.Values) *http.Request {
	h.t.Helper()
	var rd io.Reader
	if form != nil {
		rd = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, h.inst.FrontendAPIURL+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Origin", "http://localhost:3000")
	return req
}

// do sends req and returns the answer with its body.
func (h *harness) do(req *http.Request) (*http.Response, []byte) {
	h.t.Helper()
	resp, err := h.http.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp, body
}

func mustJSON(t *testing.T, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
}
