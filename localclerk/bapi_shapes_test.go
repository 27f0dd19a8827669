package localclerk

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/goclerk/clerk/localclerk/internal/specshape"
)

// bapiShapeCase is one Backend API request and the status localclerk must
// answer with; the JSON body is checked against the schema the Backend
// API specification gives for that operation and status.
type bapiShapeCase struct {
	name         string
	method, path string // path and body may hold {placeholders}, see bapiShapeFixture
	body         string // JSON
	auth         string // "" the secret key, "none", or "machine" (the demo machine's secret)
	status       int
	contentType  string // of the body; "" is application/json
}

var bapiShapeCases = []bapiShapeCase{
	{name: "jwks", method: "GET", path: "/v1/jwks", status: 200},
	{name: "jwks without key", method: "GET", path: "/v1/jwks", auth: "none", status: 401},

	{name: "list users", method: "GET", path: "/v1/users?limit=2&order_by=-created_at", status: 200},
	{name: "list users bad limit", method: "GET", path: "/v1/users?limit=9999", status: 400},
	{name: "count users", method: "GET", path: "/v1/users/count?query=alice", status: 200},
	{name: "count users without key", method: "GET", path: "/v1/users/count", auth: "none", status: 401},
	{name: "create user", method: "POST", path: "/v1/users", body: `{"email_address":["{unique}@example.com"],"password":"correct-horse-battery","first_name":"Dana","public_metadata":{"a":1}}`, status: 200},
	{name: "create user taken e-mail", method: "POST", path: "/v1/users", body: `{"email_address":["alice@example.com"]}`, status: 422},
	{name: "get user", method: "GET", path: "/v1/users/user_demo_alice", status: 200},
	{name: "get unknown user", method: "GET", path: "/v1/users/user_nope", status: 404},
	{name: "update user", method: "PATCH", path: "/v1/users/{user}", body: `{"last_name":"Lee","username":"user{unique}"}`, status: 200},
	{name: "update unknown user", method: "PATCH", path: "/v1/users/user_nope", body: `{}`, status: 404},
	{name: "delete user", method: "DELETE", path: "/v1/users/{user}", status: 200},
	{name: "delete unknown user", method: "DELETE", path: "/v1/users/user_nope", status: 404},
	{name: "merge user metadata", method: "PATCH", path: "/v1/users/{user}/metadata", body: `{"public_metadata":{"seats":3}}`, status: 200},
	{name: "merge metadata of unknown user", method: "PATCH", path: "/v1/users/user_nope/metadata", body: `{}`, status: 404},
	{name: "ban user", method: "POST", path: "/v1/users/{user}/ban", status: 200},
	{name: "ban unknown user", method: "POST", path: "/v1/users/user_nope/ban", status: 404},
	{name: "unban user", method: "POST", path: "/v1/users/{user}/unban", status: 200},
	{name: "unban unknown user", method: "POST", path: "/v1/users/user_nope/unban", status: 404},
	{name: "lock user", method: "POST", path: "/v1/users/{user}/lock", status: 200},
	{name: "lock unknown user", method: "POST", path: "/v1/users/user_nope/lock", status: 404},
	{name: "unlock user", method: "POST", path: "/v1/users/{user}/unlock", status: 200},
	{name: "unlock unknown user", method: "POST", path: "/v1/users/user_nope/unlock", status: 404},
	{name: "replace user metadata", method: "PUT", path: "/v1/users/{user}/metadata", body: `{"public_metadata":{"seats":3},"private_metadata":null}`, status: 200},
	{name: "replace metadata with a list", method: "PUT", path: "/v1/users/{user}/metadata", body: `{"public_metadata":[1]}`, status: 422},
	{name: "remove password", method: "POST", path: "/v1/users/{user_with_password}/remove_password", status: 200},
	{name: "remove a missing password", method: "POST", path: "/v1/users/{user}/remove_password", status: 400},
	{name: "ban users", method: "POST", path: "/v1/users/ban", body: `{"user_ids":["{user}"]}`, status: 200},
	{name: "ban users without ids", method: "POST", path: "/v1/users/ban", body: `{}`, status: 422},
	{name: "unban users", method: "POST", path: "/v1/users/unban", body: `{"user_ids":["{user}","user_demo_bob"]}`, status: 200},
	{name: "unban unknown users", method: "POST", path: "/v1/users/unban", body: `{"user_ids":["user_nope"]}`, status: 404},
	{name: "verify password", method: "POST", path: "/v1/users/user_demo_alice/verify_password", body: `{"password":"alice-password"}`, status: 200},
	{name: "verify wrong password", method: "POST", path: "/v1/users/user_demo_alice/verify_password", body: `{"password":"nope"}`, status: 422},
	{name: "user's memberships", method: "GET", path: "/v1/users/user_demo_alice/organization_memberships", status: 200},
	{name: "user's memberships bad limit", method: "GET", path: "/v1/users/user_demo_alice/organization_memberships?limit=0", status: 400},

	{name: "set profile image", method: "POST", path: "/v1/users/{user}/profile_image", body: "{logo_upload}", contentType: shapeLogoType, status: 200},
	{name: "set profile image that is no image", method: "POST", path: "/v1/users/{user}/profile_image", body: "{text_upload}", contentType: shapeLogoType, status: 400},
	{name: "delete profile image", method: "DELETE", path: "/v1/users/{user}/profile_image", status: 200},
	{name: "delete profile image of unknown user", method: "DELETE", path: "/v1/users/user_nope/profile_image", status: 404},
	{name: "oauth access tokens", method: "GET", path: "/v1/users/{user}/oauth_access_tokens/oauth_google", status: 200},
	{name: "oauth access tokens of unknown user", method: "GET", path: "/v1/users/user_nope/oauth_access_tokens/oauth_google", status: 404},
	{name: "verify totp of a user without one", method: "POST", path: "/v1/users/{user}/verify_totp", body: `{"code":"123456"}`, status: 422},
	{name: "verify totp without code", method: "POST", path: "/v1/users/{user}/verify_totp", body: `{}`, status: 422},
	{name: "disable mfa", method: "DELETE", path: "/v1/users/{user}/mfa", status: 200},
	{name: "disable mfa of unknown user", method: "DELETE", path: "/v1/users/user_nope/mfa", status: 404},
	{name: "delete backup codes", method: "DELETE", path: "/v1/users/{user}/backup_code", status: 200},
	{name: "delete backup codes of unknown user", method: "DELETE", path: "/v1/users/user_nope/backup_code", status: 404},
	{name: "delete totp", method: "DELETE", path: "/v1/users/{user}/totp", status: 200},
	{name: "delete totp of unknown user", method: "DELETE", path: "/v1/users/user_nope/totp", status: 404},
	{name: "delete unknown passkey", method: "DELETE", path: "/v1/users/{user}/passkeys/idn_nope", status: 404},
	{name: "delete unknown web3 wallet", method: "DELETE", path: "/v1/users/{user}/web3_wallets/idn_nope", status: 404},
	{name: "delete unknown external account", method: "DELETE", path: "/v1/users/{user}/external_accounts/eac_nope", status: 404},
	{name: "delete external account", method: "DELETE", path: "/v1/users/{ea_user}/external_accounts/{external_account}", status: 200},
	{name: "list trusted devices", method: "GET", path: "/v1/users/{user}/trusted_devices", status: 200},
	{name: "list trusted devices of unknown user", method: "GET", path: "/v1/users/user_nope/trusted_devices", status: 404},
	{name: "revoke unknown trusted device", method: "DELETE", path: "/v1/users/{user}/trusted_devices/td_nope", status: 404},
	{name: "set password compromised", method: "POST", path: "/v1/users/{user_with_password}/password/set_compromised", body: `{"revoke_all_sessions":true}`, status: 200},
	{name: "set compromised without a password", method: "POST", path: "/v1/users/{user}/password/set_compromised", body: `{}`, status: 400},
	{name: "unset password compromised", method: "POST", path: "/v1/users/{user_with_password}/password/unset_compromised", status: 200},
	{name: "unset compromised of unknown user", method: "POST", path: "/v1/users/user_nope/password/unset_compromised", status: 404},
	{name: "user billing subscription", method: "GET", path: "/v1/users/user_demo_alice/billing/subscription", status: 200},
	{name: "billing subscription of unknown user", method: "GET", path: "/v1/users/user_nope/billing/subscription", status: 404},
	{name: "user credit balance", method: "GET", path: "/v1/users/{user}/billing/credits", status: 200},
	{name: "credit balance of unknown user", method: "GET", path: "/v1/users/user_nope/billing/credits", status: 404},
	{name: "adjust user credits", method: "POST", path: "/v1/users/{user}/billing/credits", body: `{"amount":500,"action":"increase","idempotency_key":"k{unique}","note":"welcome"}`, status: 200},
	{name: "adjust user credits without action", method: "POST", path: "/v1/users/{user}/billing/credits", body: `{"amount":500,"idempotency_key":"k"}`, status: 422},
	{name: "organization billing subscription", method: "GET", path: "/v1/organizations/{org}/billing/subscription", status: 200},
	{name: "billing subscription of unknown organization", method: "GET", path: "/v1/organizations/org_nope/billing/subscription", status: 404},
	{name: "organization credit balance", method: "GET", path: "/v1/organizations/{org}/billing/credits", status: 200},
	{name: "credit balance of unknown organization", method: "GET", path: "/v1/organizations/org_nope/billing/credits", status: 404},
	{name: "adjust organization credits", method: "POST", path: "/v1/organizations/{org}/billing/credits", body: `{"amount":1,"action":"increase","currency":"usd","idempotency_key":"k"}`, status: 200},
	{name: "decrease organization credits below zero", method: "POST", path: "/v1/organizations/{org}/billing/credits", body: `{"amount":1,"action":"decrease","idempotency_key":"k"}`, status: 422},
	{name: "replace user email address", method: "PUT", path: "/v1/users/{user}/email_address", body: `{"email_address":"r{unique}@example.com","identification_status":"reserved"}`, status: 200},
	{name: "replace with a taken email address", method: "PUT", path: "/v1/users/{user}/email_address", body: `{"email_address":"alice@example.com"}`, status: 422},
	{name: "prepare email verification", method: "POST", path: "/v1/email_addresses/{email_address}/prepare_verification", status: 200},
	{name: "prepare verification of unknown address", method: "POST", path: "/v1/email_addresses/idn_nope/prepare_verification", status: 404},
	{name: "attempt email verification", method: "POST", path: "/v1/email_addresses/{email_address}/attempt_verification", body: `{"verification_id":"{email_verification}","code":"000000"}`, status: 200},
	{name: "attempt unknown verification", method: "POST", path: "/v1/email_addresses/{email_address}/attempt_verification", body: `{"verification_id":"ver_nope","code":"000000"}`, status: 404},
	{name: "create email address", method: "POST", path: "/v1/email_addresses", body: `{"user_id":"{user}","email_address":"e{unique}@example.com","verified":true,"primary":true}`, status: 200},
	{name: "create a taken email address", method: "POST", path: "/v1/email_addresses", body: `{"user_id":"{user}","email_address":"alice@example.com"}`, status: 422},
	{name: "get email address", method: "GET", path: "/v1/email_addresses/{email_address}", status: 200},
	{name: "get unknown email address", method: "GET", path: "/v1/email_addresses/idn_nope", status: 404},
	{name: "update email address", method: "PATCH", path: "/v1/email_addresses/{email_address}", body: `{"verified":true,"primary":true}`, status: 200},
	{name: "update unknown email address", method: "PATCH", path: "/v1/email_addresses/idn_nope", body: `{}`, status: 404},
	{name: "delete email address", method: "DELETE", path: "/v1/email_addresses/{email_address}", status: 200},
	{name: "delete unknown email address", method: "DELETE", path: "/v1/email_addresses/idn_nope", status: 404},
	{name: "create phone number", method: "POST", path: "/v1/phone_numbers", body: `{"user_id":"{user}","phone_number":"+4420700{unique}","verified":true,"primary":true,"reserved_for_second_factor":true}`, status: 200},
	{name: "create a malformed phone number", method: "POST", path: "/v1/phone_numbers", body: `{"user_id":"{user}","phone_number":"0207 946"}`, status: 422},
	{name: "get phone number", method: "GET", path: "/v1/phone_numbers/{phone_number}", status: 200},
	{name: "get unknown phone number", method: "GET", path: "/v1/phone_numbers/idn_nope", status: 404},
	{name: "update phone number", method: "PATCH", path: "/v1/phone_numbers/{phone_number}", body: `{"verified":true,"primary":true,"reserved_for_second_factor":true}`, status: 200},
	{name: "update unknown phone number", method: "PATCH", path: "/v1/phone_numbers/idn_nope", body: `{}`, status: 404},
	{name: "prepare phone verification", method: "POST", path: "/v1/phone_numbers/{phone_number}/prepare_verification", status: 200},
	{name: "prepare verification of unknown number", method: "POST", path: "/v1/phone_numbers/idn_nope/prepare_verification", status: 404},
	{name: "attempt phone verification", method: "POST", path: "/v1/phone_numbers/{phone_number}/attempt_verification", body: `{"verification_id":"{phone_verification}","code":"000000"}`, status: 200},
	{name: "attempt unknown phone verification", method: "POST", path: "/v1/phone_numbers/{phone_number}/attempt_verification", body: `{"verification_id":"ver_nope","code":"000000"}`, status: 404},
	{name: "replace user phone number", method: "PUT", path: "/v1/users/{user}/phone_number", body: `{"phone_number":"+4420701{unique}","identification_status":"unverified"}`, status: 200},
	{name: "replace phone number of unknown user", method: "PUT", path: "/v1/users/user_nope/phone_number", body: `{"phone_number":"+4420702{unique}"}`, status: 404},
	{name: "delete phone number", method: "DELETE", path: "/v1/phone_numbers/{phone_number}", status: 200},
	{name: "delete unknown phone number", method: "DELETE", path: "/v1/phone_numbers/idn_nope", status: 404},

	{name: "list organizations", method: "GET", path: "/v1/organizations?include_members_count=true", status: 200},
	{name: "list organizations bad limit", method: "GET", path: "/v1/organizations?limit=0", status: 400},
	{name: "create organization", method: "POST", path: "/v1/organizations", body: `{"name":"Org {unique}","created_by":"user_demo_alice","public_metadata":{"tier":"gold"}}`, status: 200},
	{name: "create organization without name", method: "POST", path: "/v1/organizations", body: `{}`, status: 422},
	{name: "get organization", method: "GET", path: "/v1/organizations/org_demo_acme", status: 200},
	{name: "get organization by slug", method: "GET", path: "/v1/organizations/acme", status: 200},
	{name: "get unknown organization", method: "GET", path: "/v1/organizations/org_nope", status: 404},
	{name: "update organization", method: "PATCH", path: "/v1/organizations/{org}", body: `{"name":"Renamed {unique}"}`, status: 200},
	{name: "update unknown organization", method: "PATCH", path: "/v1/organizations/org_nope", body: `{}`, status: 404},
	{name: "delete organization", method: "DELETE", path: "/v1/organizations/{org}", status: 200},
	{name: "delete unknown organization", method: "DELETE", path: "/v1/organizations/org_nope", status: 404},
	{name: "merge organization metadata", method: "PATCH", path: "/v1/organizations/{org}/metadata", body: `{"private_metadata":{"k":"v"}}`, status: 200},
	{name: "merge metadata of unknown organization", method: "PATCH", path: "/v1/organizations/org_nope/metadata", body: `{}`, status: 404},
	{name: "replace organization metadata", method: "PUT", path: "/v1/organizations/{org}/metadata", body: `{"public_metadata":{"tier":"gold"},"private_metadata":null}`, status: 200},
	{name: "replace metadata of unknown organization", method: "PUT", path: "/v1/organizations/org_nope/metadata", body: `{}`, status: 404},
	{name: "merge membership metadata", method: "PATCH", path: "/v1/organizations/org_demo_acme/memberships/user_demo_bob/metadata", body: `{"public_metadata":{"team":"core"}}`, status: 200},
	{name: "merge metadata of unknown membership", method: "PATCH", path: "/v1/organizations/org_demo_acme/memberships/user_nope/metadata", body: `{}`, status: 404},
	{name: "list every membership", method: "GET", path: "/v1/organization_memberships?order_by=-created_at&limit=5", status: 200},
	{name: "list every membership bad order", method: "GET", path: "/v1/organization_memberships?order_by=shoe_size", status: 422},
	{name: "list memberships", method: "GET", path: "/v1/organizations/org_demo_acme/memberships", status: 200},
	{name: "list memberships of unknown organization", method: "GET", path: "/v1/organizations/org_nope/memberships", status: 404},
	{name: "create membership", method: "POST", path: "/v1/organizations/{org}/memberships", body: `{"user_id":"user_demo_carol","role":"org:member"}`, status: 200},
	{name: "create membership bad role", method: "POST", path: "/v1/organizations/{org}/memberships", body: `{"user_id":"user_demo_carol","role":"org:boss"}`, status: 422},
	{name: "update membership", method: "PATCH", path: "/v1/organizations/{org}/memberships/user_demo_alice", body: `{"role":"org:member"}`, status: 200},
	{name: "update unknown membership", method: "PATCH", path: "/v1/organizations/{org}/memberships/user_nope", body: `{"role":"org:member"}`, status: 404},
	{name: "delete membership", method: "DELETE", path: "/v1/organizations/{org}/memberships/user_demo_alice", status: 200},
	{name: "delete unknown membership", method: "DELETE", path: "/v1/organizations/{org}/memberships/user_demo_bob", status: 404},

	{name: "upload organization logo", method: "PUT", path: "/v1/organizations/{org}/logo", body: "{logo_upload}", contentType: shapeLogoType, status: 200},
	{name: "upload a text file as a logo", method: "PUT", path: "/v1/organizations/{org}/logo", body: "{text_upload}", contentType: shapeLogoType, status: 400},
	{name: "delete organization logo", method: "DELETE", path: "/v1/organizations/{org_with_logo}/logo", status: 200},
	{name: "delete a missing organization logo", method: "DELETE", path: "/v1/organizations/{org}/logo", status: 404},
	{name: "create organization invitation", method: "POST", path: "/v1/organizations/{org}/invitations", body: `{"email_address":"oi{unique}@example.com","role":"org:member","inviter_user_id":"user_demo_alice","public_metadata":{"a":1},"expires_in_days":3}`, status: 200},
	{name: "create organization invitation with a bad role", method: "POST", path: "/v1/organizations/{org}/invitations", body: `{"email_address":"oi{unique}@example.com","role":"org:boss"}`, status: 422},
	{name: "create organization invitations in bulk", method: "POST", path: "/v1/organizations/{org}/invitations/bulk", body: `[{"email_address":"ob{unique}@example.com","role":"org:member"},{"email_address":"oc{unique}@example.com","role":"org:admin"}]`, status: 200},
	{name: "create organization invitations in bulk for a member", method: "POST", path: "/v1/organizations/{org}/invitations/bulk", body: `[{"email_address":"alice@example.com","role":"org:member"}]`, status: 400},
	{name: "list organization invitations", method: "GET", path: "/v1/organizations/{org_invitation_org}/invitations?status=pending&order_by=email_address", status: 200},
	{name: "list organization invitations of an unknown organization", method: "GET", path: "/v1/organizations/org_nope/invitations", status: 404},
	{name: "list pending organization invitations", method: "GET", path: "/v1/organizations/{org_invitation_org}/invitations/pending?limit=5", status: 200},
	{name: "list pending organization invitations bad limit", method: "GET", path: "/v1/organizations/{org}/invitations/pending?limit=0", status: 400},
	{name: "get organization invitation", method: "GET", path: "/v1/organizations/{org_invitation_org}/invitations/{org_invitation}", status: 200},
	{name: "get unknown organization invitation", method: "GET", path: "/v1/organizations/{org}/invitations/orginv_nope", status: 404},
	{name: "revoke organization invitation", method: "POST", path: "/v1/organizations/{org_invitation_org}/invitations/{org_invitation}/revoke", body: `{"requesting_user_id":"user_demo_alice"}`, status: 200},
	{name: "revoke organization invitation twice", method: "POST", path: "/v1/organizations/{org_invitation_org}/invitations/{revoked_org_invitation}/revoke", status: 400},
	{name: "list instance organization invitations", method: "GET", path: "/v1/organization_invitations?query={org_invitation_email}&order_by=-email_address", status: 200},
	{name: "list instance organization invitations bad status", method: "GET", path: "/v1/organization_invitations?status=sent", status: 422},
	{name: "user's organization invitations", method: "GET", path: "/v1/users/{invited_user}/organization_invitations?status=pending", status: 200},
	{name: "unknown user's organization invitations", method: "GET", path: "/v1/users/user_nope/organization_invitations", status: 404},
	{name: "create organization domain", method: "POST", path: "/v1/organizations/{org}/domains", body: `{"name":"d{unique}.example.com","enrollment_mode":"automatic_invitation"}`, status: 200},
	{name: "create a common e-mail domain", method: "POST", path: "/v1/organizations/{org}/domains", body: `{"name":"gmail.com"}`, status: 422},
	{name: "list organization domains", method: "GET", path: "/v1/organizations/{org_domain_org}/domains?verified=true&enrollment_mode=-enterprise_sso", status: 200},
	{name: "list organization domains bad verified", method: "GET", path: "/v1/organizations/{org}/domains?verified=maybe", status: 422},
	{name: "update organization domain", method: "PATCH", path: "/v1/organizations/{org_domain_org}/domains/{org_domain}", body: `{"enrollment_mode":"automatic_suggestion","verified":false}`, status: 200},
	{name: "update unknown organization domain", method: "PATCH", path: "/v1/organizations/{org}/domains/orgdmn_nope", body: `{}`, status: 404},
	{name: "delete organization domain", method: "DELETE", path: "/v1/organizations/{org_domain_org}/domains/{org_domain}", status: 200},
	{name: "delete unknown organization domain", method: "DELETE", path: "/v1/organizations/{org}/domains/orgdmn_nope", status: 404},
	{name: "verify organization domain ownership", method: "POST", path: "/v1/organizations/{org_domain_org}/domains/{org_domain}/verify_ownership", status: 200},
	{name: "verify unknown organization domain ownership", method: "POST", path: "/v1/organizations/{org}/domains/orgdmn_nope/verify_ownership", status: 404},
	{name: "list all organization domains", method: "GET", path: "/v1/organization_domains?organization_id={org_domain_org}&order_by=name&domains={org_domain_name}", status: 200},
	{name: "list all organization domains empty query", method: "GET", path: "/v1/organization_domains?query=", status: 422},

	{name: "list roles", method: "GET", path: "/v1/organization_roles", status: 200},
	{name: "list roles bad limit", method: "GET", path: "/v1/organization_roles?limit=x", status: 400},
	{name: "create role", method: "POST", path: "/v1/organization_roles", body: `{"name":"Role {unique}","key":"org:r{unique}","permissions":["org:sys_memberships:read"]}`, status: 200},
	{name: "create role without key", method: "POST", path: "/v1/organization_roles", body: `{"name":"x"}`, status: 422},
	{name: "get role", method: "GET", path: "/v1/organization_roles/{role}", status: 200},
	{name: "get unknown role", method: "GET", path: "/v1/organization_roles/role_nope", status: 404},
	{name: "delete role", method: "DELETE", path: "/v1/organization_roles/{role}", status: 200},
	{name: "delete unknown role", method: "DELETE", path: "/v1/organization_roles/role_nope", status: 404},
	{name: "update role", method: "PATCH", path: "/v1/organization_roles/{role}", body: `{"name":"Renamed","key":"org:renamed{unique}","permissions":["{permission}","org:sys_memberships:read"]}`, status: 200},
	{name: "update role with an unknown permission", method: "PATCH", path: "/v1/organization_roles/{role}", body: `{"permissions":["org:nope:nope"]}`, status: 422},
	{name: "add a permission to a role", method: "POST", path: "/v1/organization_roles/{role}/permissions/{permission}", status: 200},
	{name: "add an unknown permission to a role", method: "POST", path: "/v1/organization_roles/{role}/permissions/perm_nope", status: 404},
	{name: "remove a permission from a role", method: "DELETE", path: "/v1/organization_roles/{role_with_perm}/permissions/{perm_of_role}", status: 200},
	{name: "remove a permission a role lacks", method: "DELETE", path: "/v1/organization_roles/{role}/permissions/{permission}", status: 404},
	{name: "get permission", method: "GET", path: "/v1/organization_permissions/{permission}", status: 200},
	{name: "get unknown permission", method: "GET", path: "/v1/organization_permissions/perm_nope", status: 404},
	{name: "update permission", method: "PATCH", path: "/v1/organization_permissions/{permission}", body: `{"name":"Ship","key":"org:ship{unique}:create","description":"d"}`, status: 200},
	{name: "update permission to a system key", method: "PATCH", path: "/v1/organization_permissions/{permission}", body: `{"key":"org:sys_x:y"}`, status: 422},
	{name: "delete permission", method: "DELETE", path: "/v1/organization_permissions/{permission}", status: 200},
	{name: "delete unknown permission", method: "DELETE", path: "/v1/organization_permissions/perm_nope", status: 404},
	{name: "list permissions", method: "GET", path: "/v1/organization_permissions", status: 200},
	{name: "list permissions bad limit", method: "GET", path: "/v1/organization_permissions?limit=x", status: 400},
	{name: "create permission", method: "POST", path: "/v1/organization_permissions", body: `{"name":"Deploy {unique}","key":"org:deploys{unique}:create"}`, status: 200},
	{name: "create permission without key", method: "POST", path: "/v1/organization_permissions", body: `{"name":"x"}`, status: 422},

	{name: "list sessions", method: "GET", path: "/v1/sessions?user_id=user_demo_alice&status=active", status: 200},
	{name: "list sessions bad status", method: "GET", path: "/v1/sessions?user_id=user_demo_alice&status=asleep", status: 422},
	{name: "create session", method: "POST", path: "/v1/sessions", body: `{"user_id":"user_demo_alice","active_organization_id":"org_demo_acme"}`, status: 200},
	{name: "create session without user", method: "POST", path: "/v1/sessions", body: `{}`, status: 422},
	{name: "get session", method: "GET", path: "/v1/sessions/{session}", status: 200},
	{name: "get unknown session", method: "GET", path: "/v1/sessions/sess_nope", status: 404},
	{name: "revoke session", method: "POST", path: "/v1/sessions/{session}/revoke", status: 200},
	{name: "revoke unknown session", method: "POST", path: "/v1/sessions/sess_nope/revoke", status: 404},
	{name: "session token", method: "POST", path: "/v1/sessions/{session}/tokens", body: `{}`, status: 200},
	{name: "token of unknown session", method: "POST", path: "/v1/sessions/sess_nope/tokens", status: 404},
	{name: "template token", method: "POST", path: "/v1/sessions/{session}/tokens/demo", body: `{}`, status: 200},
	{name: "unknown template token", method: "POST", path: "/v1/sessions/{session}/tokens/nope", status: 404},
	{name: "handshake payload", method: "GET", path: "/v1/clients/handshake_payload?nonce={nonce}", status: 200},
	{name: "handshake payload unknown nonce", method: "GET", path: "/v1/clients/handshake_payload?nonce=nope", status: 404},
	{name: "get client", method: "GET", path: "/v1/clients/{client}", status: 200},
	{name: "get unknown client", method: "GET", path: "/v1/clients/client_nope", status: 404},
	{name: "list clients", method: "GET", path: "/v1/clients?limit=2", status: 200},
	{name: "list clients paginated", method: "GET", path: "/v1/clients?paginated=true&offset=1", status: 200},
	{name: "list clients bad offset", method: "GET", path: "/v1/clients?offset=-1", status: 400},
	{name: "verify client", method: "POST", path: "/v1/clients/verify", body: `{"token":"{dvb}"}`, status: 200},
	{name: "verify client with a forged token", method: "POST", path: "/v1/clients/verify", body: `{"token":"a.b.c"}`, status: 400},
	{name: "refresh session", method: "POST", path: "/v1/sessions/{refresh_sid}/refresh", body: `{"expired_token":"{refresh_jwt}","refresh_token":"{refresh_token}","request_origin":"http://localhost:3000"}`, status: 200},
	{name: "refresh session as cookies", method: "POST", path: "/v1/sessions/{refresh_sid}/refresh?suffixed_cookies=true", body: `{"expired_token":"{refresh_jwt}","refresh_token":"{refresh_token}","request_origin":"http://localhost:3000","format":"cookie"}`, status: 200},
	{name: "refresh session with a wrong refresh token", method: "POST", path: "/v1/sessions/{refresh_sid}/refresh", body: `{"expired_token":"{refresh_jwt}","refresh_token":"nope","request_origin":"http://localhost:3000"}`, status: 401},
	{name: "refresh session without expired token", method: "POST", path: "/v1/sessions/{session}/refresh", body: `{"refresh_token":"x","request_origin":"http://localhost:3000"}`, status: 400},

	{name: "list jwt templates", method: "GET", path: "/v1/jwt_templates", status: 200},
	{name: "list jwt templates paginated", method: "GET", path: "/v1/jwt_templates?paginated=true", status: 200},
	{name: "list jwt templates without key", method: "GET", path: "/v1/jwt_templates", auth: "none", status: 401},
	{name: "create jwt template", method: "POST", path: "/v1/jwt_templates", body: `{"name":"t{unique}","claims":{"role":"{{org.role}}"},"lifetime":120}`, status: 200},
	{name: "create jwt template without name", method: "POST", path: "/v1/jwt_templates", body: `{"claims":{}}`, status: 422},
	{name: "get jwt template", method: "GET", path: "/v1/jwt_templates/{template}", status: 200},
	{name: "get unknown jwt template", method: "GET", path: "/v1/jwt_templates/jtmp_nope", status: 404},
	{name: "update jwt template", method: "PATCH", path: "/v1/jwt_templates/{template}", body: `{"name":"t{unique}b","claims":{"x":1}}`, status: 200},
	{name: "update unknown jwt template", method: "PATCH", path: "/v1/jwt_templates/jtmp_nope", body: `{"name":"x","claims":{}}`, status: 404},
	{name: "delete jwt template", method: "DELETE", path: "/v1/jwt_templates/{template}", status: 200},
	{name: "delete unknown jwt template", method: "DELETE", path: "/v1/jwt_templates/jtmp_nope", status: 404},

	{name: "create testing token", method: "POST", path: "/v1/testing_tokens", status: 200},
	{name: "create testing token without key", method: "POST", path: "/v1/testing_tokens", auth: "none", status: 401},
	{name: "create sign-in token", method: "POST", path: "/v1/sign_in_tokens", body: `{"user_id":"user_demo_alice","expires_in_seconds":600}`, status: 200},
	{name: "create sign-in token without user", method: "POST", path: "/v1/sign_in_tokens", body: `{}`, status: 422},
	{name: "revoke sign-in token", method: "POST", path: "/v1/sign_in_tokens/{sign_in_token}/revoke", status: 200},
	{name: "revoke unknown sign-in token", method: "POST", path: "/v1/sign_in_tokens/sit_nope/revoke", status: 404},
	{name: "create agent task", method: "POST", path: "/v1/agents/tasks", body: `{"on_behalf_of":{"user_id":"user_demo_alice"},"permissions":"*","agent_name":"bot","task_description":"test","redirect_url":"http://localhost:3000/"}`, status: 200},
	{name: "create agent task by identifier", method: "POST", path: "/v1/agents/tasks", body: `{"on_behalf_of":{"identifier":"alice@example.com"},"permissions":"*","agent_name":"bot","task_description":"test","redirect_url":"http://localhost:3000/"}`, status: 200},
	{name: "create agent task without permissions", method: "POST", path: "/v1/agents/tasks", body: `{"on_behalf_of":{"user_id":"user_demo_alice"},"agent_name":"bot","task_description":"test","redirect_url":"http://localhost:3000/"}`, status: 422},
	{name: "create agent task for nobody", method: "POST", path: "/v1/agents/tasks", body: `{"on_behalf_of":{"user_id":"user_nope"},"permissions":"*","agent_name":"bot","task_description":"test","redirect_url":"http://localhost:3000/"}`, status: 404},
	{name: "revoke agent task", method: "POST", path: "/v1/agents/tasks/{agent_task}/revoke", status: 200},
	{name: "revoke unknown agent task", method: "POST", path: "/v1/agents/tasks/agt_nope/revoke", status: 404},

	{name: "list domains", method: "GET", path: "/v1/domains", status: 200},
	{name: "list domains without key", method: "GET", path: "/v1/domains", auth: "none", status: 401},
	{name: "add satellite domain", method: "POST", path: "/v1/domains", body: `{"name":"sat{unique}.example.com","is_satellite":true}`, status: 200},
	{name: "add primary domain", method: "POST", path: "/v1/domains", body: `{"name":"sat{unique}.example.com","is_satellite":false}`, status: 422},
	{name: "update satellite domain", method: "PATCH", path: "/v1/domains/{domain}", body: `{"name":"localhost:4{unique}"}`, status: 200},
	{name: "update unknown domain", method: "PATCH", path: "/v1/domains/dmn_nope", body: `{}`, status: 404},
	{name: "delete satellite domain", method: "DELETE", path: "/v1/domains/{domain}", status: 200},
	{name: "delete unknown domain", method: "DELETE", path: "/v1/domains/dmn_nope", status: 404},

	{name: "create actor token", method: "POST", path: "/v1/actor_tokens", body: `{"user_id":"user_demo_bob","actor":{"sub":"user_demo_alice"},"expires_in_seconds":600}`, status: 200},
	{name: "create actor token without actor", method: "POST", path: "/v1/actor_tokens", body: `{"user_id":"user_demo_bob"}`, status: 422},
	{name: "revoke actor token", method: "POST", path: "/v1/actor_tokens/{actor_token}/revoke", status: 200},
	{name: "revoke unknown actor token", method: "POST", path: "/v1/actor_tokens/act_nope/revoke", status: 404},

	{name: "list invitations", method: "GET", path: "/v1/invitations?status=pending&order_by=email_address", status: 200},
	{name: "list invitations paginated", method: "GET", path: "/v1/invitations?paginated=true", status: 200},
	{name: "list invitations bad status", method: "GET", path: "/v1/invitations?status=sent", status: 422},
	{name: "create invitation", method: "POST", path: "/v1/invitations", body: `{"email_address":"i{unique}@example.com","public_metadata":{"plan":"pro"},"redirect_url":"http://localhost:3000/welcome","expires_in_days":7}`, status: 200},
	{name: "invite an existing user", method: "POST", path: "/v1/invitations", body: `{"email_address":"alice@example.com"}`, status: 422},
	{name: "create invitations in bulk", method: "POST", path: "/v1/invitations/bulk", body: `[{"email_address":"b{unique}@example.com"},{"email_address":"c{unique}@example.com","notify":false}]`, status: 200},
	{name: "create invitations in bulk without an address", method: "POST", path: "/v1/invitations/bulk", body: `[{"email_address":"d{unique}@example.com"},{}]`, status: 422},
	{name: "revoke invitation", method: "POST", path: "/v1/invitations/{invitation}/revoke", status: 200},
	{name: "revoke unknown invitation", method: "POST", path: "/v1/invitations/inv_nope/revoke", status: 404},

	{name: "list redirect urls", method: "GET", path: "/v1/redirect_urls", status: 200},
	{name: "list redirect urls paginated", method: "GET", path: "/v1/redirect_urls?paginated=true", status: 200},
	{name: "list redirect urls bad offset", method: "GET", path: "/v1/redirect_urls?offset=-1", status: 400},
	{name: "create redirect url", method: "POST", path: "/v1/redirect_urls", body: `{"url":"myapp{unique}://callback"}`, status: 200},
	{name: "create redirect url without url", method: "POST", path: "/v1/redirect_urls", body: `{}`, status: 422},
	{name: "get redirect url", method: "GET", path: "/v1/redirect_urls/{redirect_url}", status: 200},
	{name: "get unknown redirect url", method: "GET", path: "/v1/redirect_urls/ru_nope", status: 404},
	{name: "delete redirect url", method: "DELETE", path: "/v1/redirect_urls/{redirect_url}", status: 200},
	{name: "delete unknown redirect url", method: "DELETE", path: "/v1/redirect_urls/ru_nope", status: 404},

	{name: "list allowlist", method: "GET", path: "/v1/allowlist_identifiers?limit=5", status: 200},
	{name: "list allowlist paginated", method: "GET", path: "/v1/allowlist_identifiers?paginated=true", status: 200},
	{name: "list allowlist bad limit", method: "GET", path: "/v1/allowlist_identifiers?limit=501", status: 400},
	{name: "add to allowlist", method: "POST", path: "/v1/allowlist_identifiers", body: `{"identifier":"a{unique}@example.com","notify":false}`, status: 200},
	{name: "add a bad identifier to allowlist", method: "POST", path: "/v1/allowlist_identifiers", body: `{"identifier":"not an identifier"}`, status: 422},
	{name: "remove from allowlist", method: "DELETE", path: "/v1/allowlist_identifiers/{allowlist_identifier}", status: 200},
	{name: "remove unknown from allowlist", method: "DELETE", path: "/v1/allowlist_identifiers/alid_nope", status: 404},
	{name: "list blocklist", method: "GET", path: "/v1/blocklist_identifiers", status: 200},
	{name: "list blocklist without key", method: "GET", path: "/v1/blocklist_identifiers", auth: "none", status: 401},
	{name: "add to blocklist", method: "POST", path: "/v1/blocklist_identifiers", body: `{"identifier":"*@spam{unique}.example"}`, status: 200},
	{name: "add to blocklist without identifier", method: "POST", path: "/v1/blocklist_identifiers", body: `{}`, status: 422},
	{name: "remove from blocklist", method: "DELETE", path: "/v1/blocklist_identifiers/{blocklist_identifier}", status: 200},
	{name: "remove unknown from blocklist", method: "DELETE", path: "/v1/blocklist_identifiers/blid_nope", status: 404},
	{name: "get instance", method: "GET", path: "/v1/instance", status: 200},
	{name: "get instance without key", method: "GET", path: "/v1/instance", auth: "none", status: 401},
	{name: "update instance", method: "PATCH", path: "/v1/instance", body: `{"support_email":"help@example.com","allowed_origins":["http://localhost:5173"]}`, status: 204},
	{name: "update instance with a bad origin", method: "PATCH", path: "/v1/instance", body: `{"allowed_origins":["not an origin"]}`, status: 422},
	{name: "get instance protect", method: "GET", path: "/v1/instance/protect", status: 200},
	{name: "get instance protect without key", method: "GET", path: "/v1/instance/protect", auth: "none", status: 401},
	{name: "update instance protect", method: "PATCH", path: "/v1/instance/protect", body: `{"rules_enabled":true}`, status: 200},
	{name: "update instance protect with a wrong type", method: "PATCH", path: "/v1/instance/protect", body: `{"rules_enabled":"yes"}`, status: 422},
	{name: "get instance communication", method: "GET", path: "/v1/instance/communication", status: 200},
	{name: "get instance communication without key", method: "GET", path: "/v1/instance/communication", auth: "none", status: 401},
	{name: "update instance communication", method: "PATCH", path: "/v1/instance/communication", body: `{"blocked_country_codes":["RU","KP"]}`, status: 200},
	{name: "update instance communication bad code", method: "PATCH", path: "/v1/instance/communication", body: `{"blocked_country_codes":["ru"]}`, status: 422},
	{name: "get oauth application settings", method: "GET", path: "/v1/instance/oauth_application_settings", status: 200},
	{name: "get oauth application settings without key", method: "GET", path: "/v1/instance/oauth_application_settings", auth: "none", status: 401},
	{name: "update oauth application settings", method: "PATCH", path: "/v1/instance/oauth_application_settings", body: `{"dynamic_oauth_client_registration":true,"default_scopes":["email","profile","openid"]}`, status: 200},
	{name: "update oauth application settings bad scopes", method: "PATCH", path: "/v1/instance/oauth_application_settings", body: `{"default_scopes":"email"}`, status: 422},
	{name: "get organization settings", method: "GET", path: "/v1/instance/organization_settings", status: 200},
	{name: "get organization settings without key", method: "GET", path: "/v1/instance/organization_settings", auth: "none", status: 401},
	{name: "update organization settings", method: "PATCH", path: "/v1/instance/organization_settings", body: `{"admin_delete_enabled":true,"domains_enrollment_modes":["automatic_invitation"]}`, status: 200},
	{name: "update organization settings unknown role", method: "PATCH", path: "/v1/instance/organization_settings", body: `{"creator_role_id":"role_nope"}`, status: 422},
	{name: "update restrictions", method: "PATCH", path: "/v1/instance/restrictions", body: `{"allowlist":false,"blocklist":false}`, status: 200},
	{name: "update restrictions with a wrong type", method: "PATCH", path: "/v1/instance/restrictions", body: `{"allowlist":"yes"}`, status: 422},
	{name: "update auth config", method: "PATCH", path: "/v1/beta_features/instance_settings", body: `{"progressive_sign_up":true,"from_email_address":"hello"}`, status: 200},
	{name: "update auth config with a bad sender", method: "PATCH", path: "/v1/beta_features/instance_settings", body: `{"from_email_address":"a@b"}`, status: 422},

	{name: "list api keys", method: "GET", path: "/api_keys?subject=user_demo_alice", status: 200},
	{name: "list api keys without key", method: "GET", path: "/api_keys", auth: "none", status: 401},
	{name: "create api key", method: "POST", path: "/api_keys", body: `{"name":"ci-key","subject":"user_demo_bob","scopes":["write"]}`, status: 200},
	{name: "create api key for unknown subject", method: "POST", path: "/api_keys", body: `{"name":"xyz","subject":"user_nope"}`, status: 422},
	{name: "verify api key", method: "POST", path: "/api_keys/verify", body: `{"secret":"{api_key_secret}"}`, status: 200},
	{name: "verify unknown api key", method: "POST", path: "/api_keys/verify", body: `{"secret":"ak_nope"}`, status: 404},
	{name: "get api key", method: "GET", path: "/api_keys/{api_key}", status: 200},
	{name: "get unknown api key", method: "GET", path: "/api_keys/ak_nope", status: 404},
	{name: "api key secret", method: "GET", path: "/api_keys/{api_key}/secret", status: 200},
	{name: "secret of unknown api key", method: "GET", path: "/api_keys/ak_nope/secret", status: 404},
	{name: "revoke api key", method: "POST", path: "/api_keys/{api_key}/revoke", body: `{"revocation_reason":"leaked"}`, status: 200},
	{name: "revoke unknown api key", method: "POST", path: "/api_keys/ak_nope/revoke", body: `{}`, status: 404},
	{name: "delete api key", method: "DELETE", path: "/api_keys/{api_key}", status: 200},
	{name: "delete unknown api key", method: "DELETE", path: "/api_keys/ak_nope", status: 404},
	{name: "update api key", method: "PATCH", path: "/api_keys/{api_key}", body: `{"description":"rotated","scopes":["read"],"claims":{"tier":1},"subject":"{machine}","seconds_until_expiration":600}`, status: 200},
	{name: "update api key with an unknown parameter", method: "PATCH", path: "/api_keys/{api_key}", body: `{"name":"renamed"}`, status: 422},

	{name: "list machines", method: "GET", path: "/v1/machines?order_by=name&limit=5", status: 200},
	{name: "list machines bad order", method: "GET", path: "/v1/machines?order_by=secret", status: 422},
	{name: "create machine", method: "POST", path: "/v1/machines", body: `{"name":"svc {unique}","scoped_machines":["{machine}"],"default_token_ttl":120}`, status: 200},
	{name: "create machine scoped to an unknown machine", method: "POST", path: "/v1/machines", body: `{"name":"svc","scoped_machines":["mch_nope"]}`, status: 422},
	{name: "get machine", method: "GET", path: "/v1/machines/{scoped_machine}", status: 200},
	{name: "get unknown machine", method: "GET", path: "/v1/machines/mch_nope", status: 404},
	{name: "update machine", method: "PATCH", path: "/v1/machines/{machine}", body: `{"name":"renamed {unique}","default_token_ttl":60}`, status: 200},
	{name: "update machine bad ttl", method: "PATCH", path: "/v1/machines/{machine}", body: `{"default_token_ttl":0}`, status: 422},
	{name: "delete machine", method: "DELETE", path: "/v1/machines/{machine}", status: 200},
	{name: "delete unknown machine", method: "DELETE", path: "/v1/machines/mch_nope", status: 404},
	{name: "machine secret key", method: "GET", path: "/v1/machines/{machine}/secret_key", status: 200},
	{name: "secret key of unknown machine", method: "GET", path: "/v1/machines/mch_nope/secret_key", status: 404},
	{name: "rotate machine secret key", method: "POST", path: "/v1/machines/{machine}/secret_key/rotate", body: `{"previous_token_ttl":60}`, status: 200},
	{name: "rotate machine secret key without ttl", method: "POST", path: "/v1/machines/{machine}/secret_key/rotate", body: `{}`, status: 422},
	{name: "create machine scope", method: "POST", path: "/v1/machines/{machine}/scopes", body: `{"to_machine_id":"{machine2}"}`, status: 200},
	{name: "scope a machine to itself", method: "POST", path: "/v1/machines/{machine}/scopes", body: `{"to_machine_id":"{machine}"}`, status: 422},
	{name: "delete machine scope", method: "DELETE", path: "/v1/machines/{scoped_machine}/scopes/{machine}", status: 200},
	{name: "delete missing machine scope", method: "DELETE", path: "/v1/machines/{machine}/scopes/{machine2}", status: 404},

	{name: "list waitlist", method: "GET", path: "/v1/waitlist_entries?status=invited&order_by=-invited_at&query={invited_waitlist_entry}", status: 200},
	{name: "list waitlist bad status", method: "GET", path: "/v1/waitlist_entries?status=asleep", status: 422},
	{name: "create waitlist entry", method: "POST", path: "/v1/waitlist_entries", body: `{"email_address":"w{unique}@example.com","notify":false}`, status: 200},
	{name: "create waitlist entry for a user", method: "POST", path: "/v1/waitlist_entries", body: `{"email_address":"alice@example.com"}`, status: 422},
	{name: "create waitlist entries in bulk", method: "POST", path: "/v1/waitlist_entries/bulk", body: `[{"email_address":"x{unique}@example.com"},{"email_address":"y{unique}@example.com","notify":true}]`, status: 200},
	{name: "create waitlist entries in bulk with a bad address", method: "POST", path: "/v1/waitlist_entries/bulk", body: `[{"email_address":"z{unique}@example.com"},{"email_address":"nope"}]`, status: 422},
	{name: "delete waitlist entry", method: "DELETE", path: "/v1/waitlist_entries/{waitlist_entry}", status: 200},
	{name: "delete unknown waitlist entry", method: "DELETE", path: "/v1/waitlist_entries/wle_nope", status: 404},
	{name: "invite waitlist entry", method: "POST", path: "/v1/waitlist_entries/{waitlist_entry}/invite", body: `{"ignore_existing":true}`, status: 200},
	{name: "invite an invited waitlist entry", method: "POST", path: "/v1/waitlist_entries/{invited_waitlist_entry}/invite", body: `{}`, status: 409},
	{name: "reject waitlist entry", method: "POST", path: "/v1/waitlist_entries/{invited_waitlist_entry}/reject", status: 200},
	{name: "reject unknown waitlist entry", method: "POST", path: "/v1/waitlist_entries/wle_nope/reject", status: 404},

	{name: "list m2m tokens", method: "GET", path: "/m2m_tokens?subject={demo_machine}&revoked=true&expired=true&limit=5", status: 200},
	{name: "list m2m tokens without subject", method: "GET", path: "/m2m_tokens", status: 422},
	{name: "list m2m tokens without key", method: "GET", path: "/m2m_tokens?subject={demo_machine}", auth: "none", status: 401},
	{name: "create m2m token", method: "POST", path: "/m2m_tokens", auth: "machine", body: `{"seconds_until_expiration":60}`, status: 201},
	{name: "create m2m token with a wrong key", method: "POST", path: "/m2m_tokens", auth: "none", body: `{}`, status: 401},
	{name: "verify m2m token", method: "POST", path: "/m2m_tokens/verify", auth: "machine", body: `{"token":"{m2m_token}"}`, status: 200},
	{name: "verify unknown m2m token", method: "POST", path: "/m2m_tokens/verify", auth: "machine", body: `{"token":"mt_nope"}`, status: 404},
	{name: "revoke m2m token", method: "POST", path: "/m2m_tokens/{m2m}/revoke", body: `{}`, status: 200},
	{name: "revoke unknown m2m token", method: "POST", path: "/m2m_tokens/mt_nope/revoke", body: `{}`, status: 404},
	{name: "verify oauth access token", method: "POST", path: "/oauth_applications/access_tokens/verify", body: `{"access_token":"{oauth_token}"}`, status: 200},
	{name: "verify unknown oauth access token", method: "POST", path: "/oauth_applications/access_tokens/verify", body: `{"access_token":"oat_nope"}`, status: 404},
	{name: "list oauth applications", method: "GET", path: "/v1/oauth_applications?name_query=x", status: 200},
	{name: "list oauth applications bad limit", method: "GET", path: "/v1/oauth_applications?limit=9999", status: 400},
	{name: "create oauth application", method: "POST", path: "/v1/oauth_applications", body: `{"name":"App","redirect_uris":["http://localhost:5005/cb"],"scopes":"openid email"}`, status: 200},
	{name: "create oauth application without name", method: "POST", path: "/v1/oauth_applications", body: `{"redirect_uris":["http://localhost:5005/cb"]}`, status: 422},
	{name: "get oauth application", method: "GET", path: "/v1/oauth_applications/{oauth_app}", status: 200},
	{name: "get unknown oauth application", method: "GET", path: "/v1/oauth_applications/oa_nope", status: 404},
	{name: "update oauth application", method: "PATCH", path: "/v1/oauth_applications/{oauth_app}", body: `{"consent_screen_enabled":false}`, status: 200},
	{name: "update unknown oauth application", method: "PATCH", path: "/v1/oauth_applications/oa_nope", body: `{"name":"x"}`, status: 404},
	{name: "rotate oauth application secret", method: "POST", path: "/v1/oauth_applications/{oauth_app}/rotate_secret", status: 200},
	{name: "rotate unknown oauth application secret", method: "POST", path: "/v1/oauth_applications/oa_nope/rotate_secret", status: 404},
	{name: "delete oauth application", method: "DELETE", path: "/v1/oauth_applications/{oauth_app}", status: 200},
	{name: "delete unknown oauth application", method: "DELETE", path: "/v1/oauth_applications/oa_nope", status: 404},
}

// TestBAPIShapesMatchTheSpec drives every Backend API route localclerk
// registers, with raw HTTP, and checks each JSON answer, errors included,
// against the schema the Backend API specification gives for that
// operation and status. A route without a row for a successful answer and
// one for an error fails the test, so the check keeps up with the routes.
func TestBAPIShapesMatchTheSpec(t *testing.T) {
	h := start(t, Options{Seed: true, RefreshCookie: true})
	facts, err := specshape.BAPI()
	if err != nil {
		t.Fatal(err)
	}
	type seen struct{ ok, failed bool }
	exercised := map[string]*seen{}
	for _, tc := range bapiShapeCases {
		t.Run(tc.name, func(t *testing.T) {
			fx := &bapiShapeFixture{t: t, h: h, vals: map[string]string{}}
			path, body := fx.fill(tc.path), fx.fill(tc.body)
			rel := strings.TrimPrefix(path, "/v1")
			_, route := h.inst.bapiMux.Handler(httptest.NewRequest(tc.method, rel, nil))
			if exercised[route] == nil {
				exercised[route] = &seen{}
			}
			auth := "Bearer " + h.inst.SecretKey
			switch tc.auth {
			case "none":
				auth = ""
			case "machine":
				auth = "Bearer " + h.inst.Demo.MachineSecretKey
			}
			status, got := h.rawBAPIType(tc.method, path, auth, tc.contentType, body)
			if status != tc.status {
				t.Fatalf("%s %s: status %d, want %d: %s", tc.method, path, status, tc.status, got)
			}
			if status < 400 {
				exercised[route].ok = true
			} else {
				exercised[route].failed = true
			}
			op := facts.ForPattern(route)
			switch {
			case op != nil && status < 400 && strings.Contains(rel, "paginated=true"):
				err = checkPaginated(facts, op, got)
			case op != nil:
				err = facts.Check(tc.method, rel, status, got)
			case !slices.Contains(bapiRoutesNotInSpec, route):
				t.Fatalf("%s %s is served by %q, no operation of the spec", tc.method, path, route)
			case status >= 400:
				err = facts.CheckSchema("ClerkErrors", got)
			case !json.Valid(got):
				err = errors.New("not JSON")
			}
			if err != nil {
				t.Errorf("%v\nbody: %s", err, got)
			}
		})
	}
	routes := h.inst.bapiMux.bapiRoutes()
	if len(routes) < 50 {
		t.Fatalf("only %d Backend API routes registered: %v", len(routes), routes)
	}
	for _, r := range routes {
		switch s := exercised[r]; {
		case s == nil:
			t.Errorf("Backend API route %q has no row in bapiShapeCases", r)
		case !s.ok && !slices.Contains(bapiRoutesAnsweringOnlyErrors, r):
			t.Errorf("Backend API route %q has no row for a successful answer", r)
		case !s.failed:
			t.Errorf("Backend API route %q has no row for an error answer", r)
		}
	}
	for r := range exercised {
		if !slices.Contains(routes, r) {
			t.Errorf("a row's request is served by %q, not a Backend API route", r)
		}
	}
}

// checkPaginated checks a list answered with paginated=true: the
// specification documents the bare array; the page then comes as
// {data, total_count}, each item of the array's schema.
func checkPaginated(facts *specshape.Facts, op *specshape.Operation, body []byte) error {
	var page struct {
		Data       []json.RawMessage `json:"data"`
		TotalCount *int              `json:"total_count"`
	}
	if err := json.Unmarshal(body, &page); err != nil || page.Data == nil || page.TotalCount == nil {
		return fmt.Errorf("paginated answer is not {data, total_count}: %v", err)
	}
	items := op.Responses["200"]
	if items == nil || items.Type != "array" || items.Items == nil || items.Items.Ref == "" {
		return fmt.Errorf("%s does not answer an array of named items", op.ID)
	}
	for _, it := range page.Data {
		if err := facts.CheckSchema(items.Items.Ref, it); err != nil {
			return err
		}
	}
	return nil
}

// bapiShapeFixture makes what a row's {placeholders} name, fresh for
// each row: {unique} is a new number, {user} a new user, {org} a new
// organization created by Alice, {session} and {client} a new session of
// Alice's, and so on.
type bapiShapeFixture struct {
	t    *testing.T
	h    *harness
	vals map[string]string
}

var (
	placeholder = regexp.MustCompile(`\{[a-z0-9_]+\}`)
	uniqueSeq   atomic.Int64
)

func (fx *bapiShapeFixture) fill(s string) string {
	return placeholder.ReplaceAllStringFunc(s, func(m string) string {
		name := m[1 : len(m)-1]
		if v, ok := fx.vals[name]; ok {
			return v
		}
		v := fx.make(name)
		fx.vals[name] = v
		return v
	})
}

func (fx *bapiShapeFixture) make(name string) string {
	t, h := fx.t, fx.h
	t.Helper()
	create := func(method, path, auth string, body any, idField string) string {
		t.Helper()
		var out map[string]any
		if st := h.bapiAuth(method, path, auth, body, &out); st/100 != 2 {
			t.Fatalf("fixture %s: %s %s: %d %v", name, method, path, st, out)
		}
		s, _ := out[idField].(string)
		if s == "" {
			t.Fatalf("fixture %s: no %s in %v", name, idField, out)
		}
		return s
	}
	secret := "Bearer " + h.inst.SecretKey
	switch name {
	case "unique":
		return fmt.Sprint(uniqueSeq.Add(1))
	case "user":
		return create("POST", "/v1/users", secret, map[string]any{"email_address": []string{"u" + fx.fill("{unique}") + "@example.com"}}, "id")
	case "user_with_password":
		return create("POST", "/v1/users", secret, map[string]any{"email_address": []string{"p" + fx.fill("{unique}") + "@example.com"}, "password": "correct-horse-battery"}, "id")
	case "email_address":
		return create("POST", "/v1/email_addresses", secret, map[string]any{"user_id": fx.fill("{user}"), "email_address": "x" + fx.fill("{unique}") + "@example.com"}, "id")
	case "org":
		return create("POST", "/v1/organizations", secret, map[string]any{"name": "Org " + fx.fill("{unique}"), "created_by": "user_demo_alice"}, "id")
	case "session":
		var out map[string]any
		if st := h.bapi("POST", "/v1/sessions", map[string]any{"user_id": "user_demo_alice"}, &out); st != 200 {
			t.Fatalf("fixture session: %d %v", st, out)
		}
		fx.vals["client"], _ = out["client_id"].(string)
		return out["id"].(string)
	case "client":
		fx.fill("{session}")
		return fx.vals["client"]
	case "role":
		u := fx.fill("{unique}")
		return create("POST", "/v1/organization_roles", secret, map[string]any{"name": "Role " + u, "key": "org:role" + u}, "id")
	case "permission":
		u := fx.fill("{unique}")
		return create("POST", "/v1/organization_permissions", secret, map[string]any{"name": "Perm " + u, "key": "org:feat" + u + ":run"}, "id")
	case "role_with_perm":
		perm := fx.fill("{permission}")
		fx.vals["perm_of_role"] = perm
		u := fx.fill("{unique}")
		return create("POST", "/v1/organization_roles", secret, map[string]any{"name": "Role " + u, "key": "org:rp" + u, "permissions": []string{perm}}, "id")
	case "template":
		return create("POST", "/v1/jwt_templates", secret, map[string]any{"name": "tmpl" + fx.fill("{unique}"), "claims": map[string]any{"a": 1}}, "id")
	case "sign_in_token":
		return create("POST", "/v1/sign_in_tokens", secret, map[string]any{"user_id": "user_demo_alice"}, "id")
	case "agent_task":
		return create("POST", "/v1/agents/tasks", secret, map[string]any{"on_behalf_of": map[string]any{"user_id": "user_demo_alice"},
			"permissions": "*", "agent_name": "bot", "task_description": "test", "redirect_url": "http://localhost:3000/"}, "agent_task_id")
	case "domain":
		return create("POST", "/v1/domains", secret, map[string]any{"name": "sat" + fx.fill("{unique}") + ".example.com", "is_satellite": true}, "id")
	case "actor_token":
		return create("POST", "/v1/actor_tokens", secret, map[string]any{"user_id": "user_demo_bob", "actor": map[string]any{"sub": "user_demo_alice"}}, "id")
	case "org_invitation", "org_invitation_org", "org_invitation_email", "invited_user", "revoked_org_invitation",
		"org_domain", "org_domain_org", "org_domain_name", "org_with_logo", "logo_upload", "text_upload":
		return fx.makeOrgChild(name)
	case "invitation":
		return create("POST", "/v1/invitations", secret, map[string]any{"email_address": "inv" + fx.fill("{unique}") + "@example.com"}, "id")
	case "redirect_url":
		return create("POST", "/v1/redirect_urls", secret, map[string]any{"url": "https://app.example.com/cb" + fx.fill("{unique}")}, "id")
	case "allowlist_identifier":
		return create("POST", "/v1/allowlist_identifiers", secret, map[string]any{"identifier": "al" + fx.fill("{unique}") + "@example.com"}, "id")
	case "blocklist_identifier":
		return create("POST", "/v1/blocklist_identifiers", secret, map[string]any{"identifier": "bl" + fx.fill("{unique}") + "@example.com"}, "id")
	case "api_key":
		return create("POST", "/api_keys", secret, map[string]any{"name": "key", "subject": "user_demo_alice"}, "id")
	case "api_key_secret":
		return create("POST", "/api_keys", secret, map[string]any{"name": "key", "subject": "user_demo_alice"}, "secret")
	case "m2m":
		return create("POST", "/m2m_tokens", "Bearer "+h.inst.Demo.MachineSecretKey, map[string]any{"seconds_until_expiration": 60}, "id")
	case "m2m_token":
		return create("POST", "/m2m_tokens", "Bearer "+h.inst.Demo.MachineSecretKey, map[string]any{"seconds_until_expiration": 60}, "token")
	case "demo_machine":
		return h.inst.Demo.MachineID
	case "machine", "machine2":
		return create("POST", "/v1/machines", secret, map[string]any{"name": name + " " + fx.fill("{unique}")}, "id")
	case "scoped_machine":
		return create("POST", "/v1/machines", secret, map[string]any{"name": "scoped", "scoped_machines": []string{fx.fill("{machine}")}}, "id")
	case "waitlist_entry":
		return create("POST", "/v1/waitlist_entries", secret, map[string]any{"email_address": "wl" + fx.fill("{unique}") + "@example.com"}, "id")
	case "invited_waitlist_entry":
		id := fx.fill("{waitlist_entry}")
		create("POST", "/v1/waitlist_entries/"+id+"/invite", secret, map[string]any{}, "id")
		return id
	case "ea_user", "external_account":
		fx.vals["ea_user"], fx.vals["external_account"] = addTestExternalAccount(t, h)
		return fx.vals[name]
	case "oauth_app":
		return create("POST", "/v1/oauth_applications", secret, map[string]any{"name": "Shape app", "redirect_uris": []string{"http://localhost:5005/cb"}}, "id")
	case "oauth_token":
		tok, err := h.inst.CreateOAuthAccessToken(t.Context(), "user_demo_alice", []string{"profile"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	case "dvb":
		return freshSignIn(t, h, "alice@example.com", "alice-password")
	case "phone_number":
		return create("POST", "/v1/phone_numbers", secret, map[string]any{"user_id": fx.fill("{user}"), "phone_number": "+4420703" + fx.fill("{unique}")}, "id")
	case "phone_verification":
		return create("POST", "/v1/phone_numbers/"+fx.fill("{phone_number}")+"/prepare_verification", secret, nil, "id")
	case "email_verification":
		return create("POST", "/v1/email_addresses/"+fx.fill("{email_address}")+"/prepare_verification", secret, nil, "id")
	case "refresh_sid":
		sid, jwt, refresh := refreshableSession(t, h, "alice@example.com", "alice-password")
		fx.vals["refresh_jwt"], fx.vals["refresh_token"] = jwt, refresh
		return sid
	case "refresh_jwt", "refresh_token":
		fx.fill("{refresh_sid}")
		return fx.vals[name]
	case "nonce":
		dvb := signInAlice(t, h)
		resp := h.get(h.handshakeURL(app, "nonce", dvb, false))
		loc, err := url.Parse(resp.Header.Get("Location"))
		if err != nil || resp.StatusCode != http.StatusTemporaryRedirect {
			t.Fatalf("fixture nonce: handshake %d %v", resp.StatusCode, err)
		}
		return loc.Query().Get("__clerk_handshake_nonce")
	}
	t.Fatalf("no fixture for {%s}", name)
	return ""
}

// bapiRoutesAnsweringOnlyErrors are routes whose every answer here is an
// error: the items they act on (Web3 wallets, trusted devices) never
// exist in localclerk (see bapi_user_security.go), and the fixture's users
// have no TOTP (TestBackendAPIVerifiesTOTP checks verify_totp's successful
// answer) and no passkey (TestPasskeyRegisterAndSignIn checks the
// successful deletion).
var bapiRoutesAnsweringOnlyErrors = []string{
	"POST /users/{id}/verify_totp",
	"DELETE /users/{id}/passkeys/{item}",
	"DELETE /users/{id}/web3_wallets/{item}",
	"DELETE /users/{id}/trusted_devices/{item}",
}
