package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestReactOrganizations drives examples/react's organization pages in
// Chromium through Clerk's components: Alice creates an organization with
// <CreateOrganization/>, invites a new address from <OrganizationProfile/>,
// the invitee opens the link from localclerk's outbox in another browser
// and signs up with <SignUp/>, Alice makes them an admin and removes them,
// and Bob leaves Acme from <OrganizationList/> and <OrganizationProfile/>.
func TestReactOrganizations(t *testing.T) {
	st := startReactExample(t)
	admin := newClerkJSBrowser(t, "react-organization")
	reactSignIn(admin, st, "alice@example.com", "alice-password", "user_demo_alice")

	admin.run("create-organization", chromedp.Navigate(st.app+"/create-organization"),
		chromedp.WaitVisible(`input[name="name"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="name"]`, "Orbit Labs", chromedp.ByQuery),
		chromedp.WaitEnabled(`.cl-formButtonPrimary`, chromedp.ByQuery))
	admin.run("organization-created", chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-organizationProfile-root`, chromedp.ByQuery),
		jsClick(`document.querySelector('.cl-navbarButton__members')`),
		waitContains(".cl-organizationProfile-root", "alice@example.com"))
	orgID := apiOrgByName(t, st, "Orbit Labs")

	invitee := "nova@example.com"
	admin.run("invite-form", jsClick(`document.querySelector('.cl-membersPageInviteButton')`),
		chromedp.WaitVisible(`input[data-testid="tag-input"]`, chromedp.ByQuery),
		// Leaving the field makes the address a tag, as a click elsewhere does.
		chromedp.SendKeys(`input[data-testid="tag-input"]`, invitee, chromedp.ByQuery),
		chromedp.Evaluate(`document.activeElement.blur()`, nil),
		waitContains(".cl-organizationProfile-root", invitee),
		chromedp.WaitEnabled(`.cl-formButtonPrimary`, chromedp.ByQuery))
	// The form can be sent once the role picker has its default role.
	admin.run("invitation-sent", waitTrue(`document.querySelector('.cl-organizationProfile-root form input[name="role"]')?.value`),
		jsClick(`[...document.querySelectorAll('.cl-organizationProfile-root form button')].find(b => b.textContent.trim() === 'Send invitations' && !b.disabled)`),
		waitOutbox(st.fapi, invitee))
	link := outboxLink(t, st.fapi, invitee)

	// The invitee: a fresh browser, the link from the outbox, <SignUp/>.
	guest := newClerkJSBrowser(t, "react-organization-invitee")
	guest.run("invitation-link", chromedp.Navigate(link),
		chromedp.WaitVisible(`#invited`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[name="password"]`, chromedp.ByQuery),
		fillIfPresent(`input[name="firstName"]`, "Nova"),
		fillIfPresent(`input[name="lastName"]`, "Stern"),
		chromedp.SendKeys(`input[name="password"]`, "nova-password-1", chromedp.ByQuery))
	guest.run("invitee-signed-up", chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		chromedp.WaitVisible(`#signed-in`, chromedp.ByQuery))
	novaID := apiMemberID(t, st, orgID, invitee)
	if novaID == "" {
		t.Fatalf("%s signed up but is no member of Orbit Labs", invitee)
	}

	// Alice makes Nova an admin, then removes her.
	row := fmt.Sprintf(`[...document.querySelectorAll('.cl-organizationProfile-root tr')].find(r => r.textContent.includes(%q))`, invitee)
	admin.run("members-with-invitee", chromedp.Navigate(st.app+"/organization"),
		chromedp.WaitVisible(`.cl-organizationProfile-root`, chromedp.ByQuery),
		jsClick(`document.querySelector('.cl-navbarButton__members')`),
		waitTrue(row),
		jsClick(row+`.querySelector('.cl-selectButton__role')`),
		jsClick(`[...document.querySelectorAll('.cl-selectOption__role')].find(o => o.textContent.trim() === 'Admin')`),
		waitTrue(row+`.querySelector('.cl-selectButton__role').textContent.includes('Admin')`),
		waitAPI(t, st, func() bool { return apiMemberRole(t, st, orgID, invitee) == "org:admin" }))
	admin.shot("organization-members")
	admin.run("member-removed", jsClick(row+`.querySelector('.cl-menuButton__member')`),
		jsClick(`[...document.querySelectorAll('[role="menuitem"], .cl-menuItem, button')].find(b => b.textContent.trim() === 'Remove member')`),
		waitTrue(`!(`+row+`)`),
		waitAPI(t, st, func() bool { return apiMemberID(t, st, orgID, invitee) == "" }))

	// Bob leaves Acme: he picks it in <OrganizationList/>, then "Leave
	// organization" on its profile's General page.
	bob := newClerkJSBrowser(t, "react-organization-leave")
	reactSignIn(bob, st, "bob@example.com", "bob-password", "user_demo_bob")
	bob.run("organization-list", chromedp.Navigate(st.app+"/organizations"),
		waitContains("body", "Acme Inc"),
		jsClick(`[...document.querySelectorAll('.cl-organizationList-root button')].find(b => b.textContent.includes('Acme Inc'))`),
		chromedp.WaitVisible(`.cl-organizationProfile-root`, chromedp.ByQuery))
	bob.run("leave-organization", jsClick(`document.querySelector('.cl-navbarButton__general')`),
		jsClick(`document.querySelector('.cl-profileSectionPrimaryButton__organizationDanger')`),
		chromedp.WaitVisible(`input[name="deleteOrganizationConfirmation"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="deleteOrganizationConfirmation"]`, "Acme Inc", chromedp.ByQuery),
		chromedp.WaitEnabled(`.cl-formButtonPrimary`, chromedp.ByQuery))
	bob.run("left-organization", chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		waitAPI(t, st, func() bool { return apiMemberID(t, st, "org_demo_acme", "bob@example.com") == "" }),
		chromedp.WaitVisible(`.cl-organizationList-root`, chromedp.ByQuery))
	for _, b := range []*clerkJSBrowser{admin, guest, bob} {
		b.checkOffline()
	}
}

// jsClick clicks the element the JavaScript expression el names, once it
// exists, as a user's click does (React's handlers run).
func jsClick(el string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		if err := waitTrue(el).Do(ctx); err != nil {
			return fmt.Errorf("waiting for %s: %w", el, err)
		}
		return chromedp.Evaluate(fmt.Sprintf(`(%s).click()`, el), nil).Do(ctx)
	})
}

// waitTrue waits until the JavaScript expression cond is truthy.
func waitTrue(cond string) chromedp.Action {
	return chromedp.Poll(fmt.Sprintf(`!!(%s)`, cond), nil, chromedp.WithPollingTimeout(20*time.Second))
}

// fillIfPresent types value into sel when the form has that field.
func fillIfPresent(sel, value string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		var n int
		if err := chromedp.Evaluate(fmt.Sprintf(`document.querySelectorAll(%q).length`, sel), &n).Do(ctx); err != nil || n == 0 {
			return err
		}
		return chromedp.SendKeys(sel, value, chromedp.ByQuery).Do(ctx)
	})
}

// waitAPI polls cond (a Backend API check) until it holds.
func waitAPI(t *testing.T, st *reactStack, cond func() bool) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
			if cond() {
				return nil
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(200 * time.Millisecond):
			}
		}
		return fmt.Errorf("the Backend API never showed the change")
	})
}

// waitOutbox waits for a message to addr in localclerk's outbox.
func waitOutbox(fapi, addr string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
			if msgs, _ := outboxMessages(fapi, addr); len(msgs) > 0 {
				return nil
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(200 * time.Millisecond):
			}
		}
		return fmt.Errorf("no message to %s in the outbox", addr)
	})
}

// apiClient is how the test reads localclerk's outbox and Backend API.
var apiClient = &http.Client{Timeout: 10 * time.Second}

type outboxMessage struct {
	Kind, Code, Link string
}

func outboxMessages(fapi, addr string) ([]outboxMessage, error) {
	resp, err := apiClient.Get(fapi + "/outbox.json?to=" + url.QueryEscape(addr))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var page struct{ Data []outboxMessage }
	err = json.NewDecoder(resp.Body).Decode(&page)
	return page.Data, err
}

// outboxLink is the link of the newest organization invitation to addr.
func outboxLink(t *testing.T, fapi, addr string) string {
	t.Helper()
	msgs, err := outboxMessages(fapi, addr)
	for _, m := range msgs {
		if m.Kind == "organization_invitation" && m.Link != "" {
			return m.Link
		}
	}
	t.Fatalf("no organization invitation to %s in the outbox: %v %v", addr, msgs, err)
	return ""
}

// bapiGet reads a Backend API resource with the example's secret key.
func bapiGet(t *testing.T, st *reactStack, path string, out any) {
	t.Helper()
	req, _ := http.NewRequest("GET", st.env["CLERK_API_URL"]+path, nil)
	req.Header.Set("Authorization", "Bearer "+st.env["CLERK_SECRET_KEY"])
	resp, err := apiClient.Do(req)
	if err != nil {
		t.Error(err)
		return
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil || resp.StatusCode != 200 {
		t.Errorf("GET %s: %d %v", path, resp.StatusCode, err)
	}
}

func apiOrgByName(t *testing.T, st *reactStack, name string) string {
	t.Helper()
	var page struct {
		Data []struct{ ID, Name string }
	}
	bapiGet(t, st, "/v1/organizations?query="+url.QueryEscape(name), &page)
	for _, o := range page.Data {
		if o.Name == name {
			return o.ID
		}
	}
	t.Fatalf("no organization %q in the Backend API: %+v", name, page)
	return ""
}

type apiMembership struct {
	Role           string
	PublicUserData struct {
		UserID     string `json:"user_id"`
		Identifier string
	} `json:"public_user_data"`
}

func apiMember(t *testing.T, st *reactStack, orgID, email string) *apiMembership {
	var page struct{ Data []apiMembership }
	bapiGet(t, st, "/v1/organizations/"+orgID+"/memberships?limit=100", &page)
	for i, m := range page.Data {
		if m.PublicUserData.Identifier == email {
			return &page.Data[i]
		}
	}
	return nil
}

func apiMemberID(t *testing.T, st *reactStack, orgID, email string) string {
	if m := apiMember(t, st, orgID, email); m != nil {
		return m.PublicUserData.UserID
	}
	return ""
}

func apiMemberRole(t *testing.T, st *reactStack, orgID, email string) string {
	if m := apiMember(t, st, orgID, email); m != nil {
		return m.Role
	}
	return ""
}
