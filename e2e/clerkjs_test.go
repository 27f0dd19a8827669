package e2e

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// clerkJSTokenLifetime is short so that the test sees clerk-js refresh the
// session token (it refreshes shortly before expiry) without waiting a
// minute.
const clerkJSTokenLifetime = 15 * time.Second

// clerkJSApp is the running examples/clerkjs with its localclerk.
type clerkJSApp struct {
	url, fapi string
}

func loopbackPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startClerkJSExample builds and runs examples/clerkjs on a fresh data
// directory. The clerk-js and ui packages must already be installed
// (.ci/run does it); the test fails with the install command otherwise.
func startClerkJSExample(t *testing.T, extraEnv ...string) *clerkJSApp {
	t.Helper()
	return runClerkJSExample(t, buildClerkJSExample(t), extraEnv...)
}

// buildClerkJSExample builds examples/clerkjs into a temporary directory
// of t and installs Clerk's bundles; tests that start several instances
// build once.
func buildClerkJSExample(t *testing.T) string {
	t.Helper()
	bin := buildProgram(t, "./examples/clerkjs")
	if out, err := exec.Command(bin, "-install-bundles").CombinedOutput(); err != nil {
		t.Fatalf("Clerk's browser bundles are not installed and could not be installed with npm: %v\n%s", err, out)
	}
	return bin
}

// runClerkJSExample runs a built examples/clerkjs (on a fresh data
// directory) until t ends.
func runClerkJSExample(t *testing.T, bin string, extraEnv ...string) *clerkJSApp {
	t.Helper()
	cmd := exec.Command(bin)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CLERK_") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "CLERKJS_DATA_DIR="+t.TempDir(), "ADDR="+loopbackPort(t), "LOCALCLERK_ADDR="+loopbackPort(t),
		"CLERKJS_TOKEN_LIFETIME="+clerkJSTokenLifetime.String())
	cmd.Env = append(cmd.Env, extraEnv...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM); _ = cmd.Wait() })
	appRe := regexp.MustCompile(`open (http://\S+) \(listening\)`)
	fapiRe := regexp.MustCompile(`localclerk \(offline Clerk\) at (http://\S+),`)
	ready := make(chan *clerkJSApp, 1)
	go func() {
		a := &clerkJSApp{}
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := fapiRe.FindStringSubmatch(sc.Text()); m != nil {
				a.fapi = m[1]
			}
			if m := appRe.FindStringSubmatch(sc.Text()); m != nil {
				a.url = m[1]
				ready <- a
			}
		}
	}()
	select {
	case a := <-ready:
		return a
	case <-time.After(2 * time.Minute):
		t.Fatal("examples/clerkjs did not start")
	}
	return nil
}

// browserLog records every request and console message of a page.
type browserLog struct {
	mu       sync.Mutex
	requests []string
	console  []string
}

func (b *browserLog) listen(ctx context.Context) {
	chromedp.ListenTarget(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			b.requests = append(b.requests, ev.Request.URL)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.APITypeError || ev.Type == runtime.APITypeWarning {
				var parts []string
				for _, a := range ev.Args {
					s := string(a.Value)
					if s == "" {
						s = a.Description
					}
					parts = append(parts, s)
				}
				b.console = append(b.console, string(ev.Type)+": "+strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			b.console = append(b.console, "exception: "+ev.ExceptionDetails.Error())
		}
	})
}

// nonLoopback returns requests that left the machine's loopback.
func (b *browserLog) nonLoopback() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, raw := range b.requests {
		u, err := url.Parse(raw)
		if err != nil {
			out = append(out, raw)
			continue
		}
		if u.Scheme == "data" || u.Scheme == "blob" || u.Scheme == "about" {
			continue
		}
		h := u.Hostname()
		if ip := net.ParseIP(h); (ip == nil || !ip.IsLoopback()) && h != "localhost" {
			out = append(out, raw)
		}
	}
	return out
}

// unexpectedConsole returns console errors, warnings and exceptions other
// than Clerk's development-keys warning.
func (b *browserLog) unexpectedConsole() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, m := range b.console {
		if strings.HasPrefix(m, "warning: ") && strings.Contains(m, "loaded with development keys") {
			continue // Clerk's development-keys warning, expected on a development instance
		}
		out = append(out, m)
	}
	return out
}

// serverAuth reads the protected page's server-rendered session fields.
type serverAuth struct{ UserID, Email, SessionID, OrgID, OrgRole string }

func readServerAuth(a *serverAuth) chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.WaitVisible("#user-id", chromedp.ByQuery),
		chromedp.Text("#user-id", &a.UserID, chromedp.ByQuery),
		chromedp.Text("#user-email", &a.Email, chromedp.ByQuery),
		chromedp.Text("#session-id", &a.SessionID, chromedp.ByQuery),
		chromedp.Text("#org-id", &a.OrgID, chromedp.ByQuery),
		chromedp.Text("#org-role", &a.OrgRole, chromedp.ByQuery),
	}
}

// clerkLoaded waits until app.js has run Clerk.load and mounted components.
func clerkLoaded() chromedp.Action {
	return chromedp.WaitVisible(`body[data-clerk-loaded="true"]`, chromedp.ByQuery)
}

// clerkJSBrowser is a headless Chromium in which only loopback resolves,
// recording requests and console output, screenshotting every step into
// $E2E_ARTIFACTS/<dir>.
type clerkJSBrowser struct {
	t         *testing.T
	ctx       context.Context
	log       *browserLog
	artifacts string
	n         int
}

func newClerkJSBrowser(t *testing.T, dir string) *clerkJSBrowser {
	t.Helper()
	artifacts := filepath.Join(artifactsDir(), dir)
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true), // CI runs as root
		chromedp.Flag("disable-gpu", true),
		// Every host but loopback is unresolvable: nothing may come from a CDN.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"),
		chromedp.WindowSize(1200, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(cancelTimeout)
	b := &clerkJSBrowser{t: t, ctx: ctx, log: &browserLog{}, artifacts: artifacts}
	b.log.listen(ctx)
	if err := chromedp.Run(ctx, network.Enable(), runtime.Enable()); err != nil {
		t.Fatal(err)
	}
	return b
}

func (b *clerkJSBrowser) shot(name string) {
	b.t.Helper()
	b.n++
	var png []byte
	if err := chromedp.Run(b.ctx, chromedp.FullScreenshot(&png, 100)); err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	file := filepath.Join(b.artifacts, fmt.Sprintf("%02d-%s.png", b.n, name))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("%s: %s", name, file)
}

// run performs one step and screenshots it (also when it fails).
func (b *clerkJSBrowser) run(name string, tasks ...chromedp.Action) {
	b.t.Helper()
	// A step that hangs fails on its own, leaving time for the screenshot.
	ctx, cancel := context.WithTimeout(b.ctx, 90*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, tasks...); err != nil {
		var loc string
		_ = chromedp.Run(b.ctx, chromedp.Location(&loc))
		b.shot(name + "-failed")
		b.t.Fatalf("%s: %v (at %s)\nconsole: %v", name, err, loc, b.log.unexpectedConsole())
	}
	b.shot(name)
}

// checkOffline asserts that every request stayed on loopback and the
// console showed nothing but Clerk's development-keys warning.
func (b *clerkJSBrowser) checkOffline() {
	b.t.Helper()
	if bad := b.log.nonLoopback(); len(bad) > 0 {
		b.t.Errorf("the browser requested non-loopback URLs: %v", bad)
	}
	if bad := b.log.unexpectedConsole(); len(bad) > 0 {
		b.t.Errorf("console errors: %v", bad)
	}
}

func TestClerkJSComponentsAgainstLocalclerk(t *testing.T) {
	start := time.Now()
	app := startClerkJSExample(t)
	br := newClerkJSBrowser(t, "clerkjs")
	ctx, run := br.ctx, br.run
	var loc string

	// 1. The protected page redirects a signed-out browser to <SignIn/>.
	run("protected-redirects-to-sign-in", chromedp.Navigate(app.url+"/protected"), clerkLoaded(),
		chromedp.WaitVisible(`input[name="identifier"]`, chromedp.ByQuery), chromedp.Location(&loc))
	if !strings.HasPrefix(loc, app.url+"/sign-in") {
		t.Fatalf("signed-out /protected went to %s, want the sign-in page", loc)
	}

	// 2. Identifier first, then password.
	run("sign-in-identifier", chromedp.SendKeys(`input[name="identifier"]`, "alice@example.com", chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[name="password"]`, chromedp.ByQuery))
	var signedIn serverAuth
	run("sign-in-password-then-protected-page", chromedp.SendKeys(`input[name="password"]`, "alice-password", chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		chromedp.WaitVisible(`#server-auth`, chromedp.ByQuery), readServerAuth(&signedIn))
	if signedIn.UserID != "user_demo_alice" || !strings.Contains(signedIn.Email, "alice@example.com") || signedIn.SessionID == "" {
		t.Fatalf("protected page after sign-in: %+v", signedIn)
	}

	// 3. Past a token refresh: clerk-js replaces __session before it
	// expires; the server still sees the same session.
	// clerk-js rewrites __session as it loads on each page; wait for it.
	firstIat := sessionIat(t, ctx)
	for wait := time.Now().Add(10 * time.Second); firstIat == 0 && time.Now().Before(wait); firstIat = sessionIat(t, ctx) {
		chromedp.Run(ctx, chromedp.Sleep(200*time.Millisecond))
	}
	if firstIat == 0 {
		var names string
		chromedp.Run(ctx, chromedp.Evaluate(`document.cookie.split('; ').map(c => c.split('=')[0]).join(',') + ' @ ' + location.href`, &names))
		t.Fatalf("no __session cookie (cookies %s) on the app's origin after sign-in", names)
	}
	deadline := time.Now().Add(3 * clerkJSTokenLifetime)
	for iat := sessionIat(t, ctx); iat == firstIat || iat == 0; iat = sessionIat(t, ctx) {
		if time.Now().After(deadline) {
			t.Fatalf("clerk-js did not refresh the session token within %s", 3*clerkJSTokenLifetime)
		}
		chromedp.Run(ctx, chromedp.Sleep(time.Second))
	}
	for time.Since(time.Unix(firstIat, 0)) < clerkJSTokenLifetime+time.Second {
		chromedp.Run(ctx, chromedp.Sleep(time.Second)) // the first token has now expired
	}
	t.Logf("session token refreshed: iat %d, then %d", firstIat, sessionIat(t, ctx))
	var refreshed serverAuth
	run("still-signed-in-after-refresh", chromedp.Navigate(app.url+"/protected"), readServerAuth(&refreshed))
	if refreshed.UserID != signedIn.UserID || refreshed.SessionID != signedIn.SessionID {
		t.Fatalf("after the token refresh the server sees %+v, want session %s", refreshed, signedIn.SessionID)
	}

	// 4. Organizations through OrganizationSwitcher: Alice's session starts
	// in Acme; switch to the personal account, then back to Acme. The
	// switcher navigates to /protected, rendered from the new token.
	var personal, acme serverAuth
	run("org-switcher-open", clerkLoaded(), chromedp.Click(`.cl-organizationSwitcherTrigger`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-organizationSwitcherPreviewButton`, chromedp.ByQuery))
	run("switched-to-personal-account", chromedp.Click(`.cl-organizationSwitcherPreviewButton`, chromedp.ByQuery),
		waitText("#org-id", ""), readServerAuth(&personal))
	if personal.OrgID != "" || personal.SessionID != signedIn.SessionID {
		t.Fatalf("after switching to the personal account the server sees %+v", personal)
	}
	run("switched-to-acme", clerkLoaded(), chromedp.Click(`.cl-organizationSwitcherTrigger`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-organizationSwitcherPreviewButton`, chromedp.ByQuery),
		chromedp.Click(`.cl-organizationSwitcherPreviewButton`, chromedp.ByQuery),
		waitText("#org-id", "org_demo_acme"), readServerAuth(&acme))
	if acme.OrgID != "org_demo_acme" || acme.OrgRole != "org:admin" {
		t.Fatalf("after switching to Acme the server sees %+v, want org_demo_acme as org:admin", acme)
	}

	// 5. Sign out from UserButton: the protected page redirects again.
	signOut := func(name string) {
		t.Helper()
		run(name+"-user-button-open", clerkLoaded(), chromedp.Click(`.cl-userButtonTrigger`, chromedp.ByQuery),
			chromedp.WaitVisible(`.cl-userButtonPopoverActionButton__signOut`, chromedp.ByQuery))
		run(name+"-signed-out", chromedp.Click(`.cl-userButtonPopoverActionButton__signOut`, chromedp.ByQuery),
			chromedp.WaitVisible(`#status`, chromedp.ByQuery), chromedp.WaitNotPresent(`.cl-userButtonTrigger`, chromedp.ByQuery))
		run(name+"-protected-redirects-to-sign-in", chromedp.Navigate(app.url+"/protected"), clerkLoaded(),
			chromedp.WaitVisible(`input[name="identifier"]`, chromedp.ByQuery), chromedp.Location(&loc))
		if !strings.HasPrefix(loc, app.url+"/sign-in") {
			t.Fatalf("after sign-out /protected went to %s, want the sign-in page", loc)
		}
	}
	signOut("alice")

	// 6. Sign up a Clerk test identity through <SignUp/>, code 424242.
	email := "dave+clerk_test@example.com"
	run("sign-up-form", chromedp.Navigate(app.url+"/sign-up"), clerkLoaded(),
		chromedp.WaitVisible(`input[name="emailAddress"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="emailAddress"]`, email, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="password"]`, "dave-password-1", chromedp.ByQuery))
	run("sign-up-code", chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[autocomplete="one-time-code"]`, chromedp.ByQuery))
	var dave serverAuth
	run("signed-up-protected-page", chromedp.SendKeys(`input[autocomplete="one-time-code"]`, "424242", chromedp.ByQuery),
		chromedp.WaitVisible(`#server-auth`, chromedp.ByQuery), readServerAuth(&dave))
	if !strings.HasPrefix(dave.UserID, "user_") || dave.UserID == signedIn.UserID || !strings.Contains(dave.Email, email) {
		t.Fatalf("protected page after sign-up: %+v", dave)
	}
	var users string
	run("backend-api-lists-new-user", chromedp.Navigate(app.url+"/users"), chromedp.Text("#users", &users, chromedp.ByQuery))
	if !strings.Contains(users, dave.UserID) || !strings.Contains(users, email) {
		t.Fatalf("the Backend API does not list %s (%s): %q", email, dave.UserID, users)
	}
	signOut("dave")

	br.checkOffline()
	t.Logf("clerk-js browser test took %s", time.Since(start).Round(time.Second))
}

// waitText waits until the element's text is want, across the
// navigations clerk-js makes meanwhile.
func waitText(sel, want string) chromedp.Action {
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); return !!e && e.textContent.trim() === %q; })()`, sel, want)
	return chromedp.ActionFunc(func(ctx context.Context) error {
		deadline := time.Now().Add(20 * time.Second)
		for {
			var ok bool
			if err := chromedp.Evaluate(js, &ok).Do(ctx); err == nil && ok {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s never showed %q", sel, want)
			}
			if err := chromedp.Sleep(200 * time.Millisecond).Do(ctx); err != nil {
				return err
			}
		}
	})
}

// sessionIat reads the iat of the __session cookie clerk-js wrote on the
// app's origin.
func sessionIat(t *testing.T, ctx context.Context) int64 {
	t.Helper()
	var iat int64
	err := chromedp.Run(ctx, chromedp.Evaluate(`(() => {
		const c = document.cookie.split('; ').find(c => c.startsWith('__session='));
		if (!c) return 0;
		const p = c.slice('__session='.length).split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
		return JSON.parse(atob(p)).iat;
	})()`, &iat))
	if err != nil {
		t.Fatalf("read __session: %v", err)
	}
	return iat
}

// TestClerkJSThroughFrontendAPIProxy runs sign-in and sign-out with the
// browser reaching localclerk only through the app's /__clerk proxy (a
// relative proxyUrl): scripts, Frontend API calls and the handshake all go
// to the app's origin.
func TestClerkJSThroughFrontendAPIProxy(t *testing.T) {
	app := startClerkJSExample(t, "CLERKJS_PROXY=1")
	br := newClerkJSBrowser(t, "clerkjs-proxy")
	var loc string
	br.run("protected-redirects-to-sign-in", chromedp.Navigate(app.url+"/protected"), clerkLoaded(),
		chromedp.WaitVisible(`input[name="identifier"]`, chromedp.ByQuery), chromedp.Location(&loc))
	if !strings.HasPrefix(loc, app.url+"/sign-in") {
		t.Fatalf("signed-out /protected went to %s", loc)
	}
	br.run("sign-in-identifier", chromedp.SendKeys(`input[name="identifier"]`, "bob@example.com", chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery), chromedp.WaitVisible(`input[name="password"]`, chromedp.ByQuery))
	var bob serverAuth
	br.run("protected-page", chromedp.SendKeys(`input[name="password"]`, "bob-password", chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery), readServerAuth(&bob))
	if bob.UserID != "user_demo_bob" || bob.OrgID != "org_demo_acme" || bob.OrgRole != "org:member" {
		t.Fatalf("protected page through the proxy: %+v", bob)
	}
	br.run("user-button-open", clerkLoaded(), chromedp.Click(`.cl-userButtonTrigger`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonPopoverActionButton__signOut`, chromedp.ByQuery))
	br.run("signed-out", chromedp.Click(`.cl-userButtonPopoverActionButton__signOut`, chromedp.ByQuery),
		chromedp.WaitVisible(`#status`, chromedp.ByQuery), chromedp.WaitNotPresent(`.cl-userButtonTrigger`, chromedp.ByQuery))
	br.run("protected-redirects-after-sign-out", chromedp.Navigate(app.url+"/protected"), clerkLoaded(),
		chromedp.WaitVisible(`input[name="identifier"]`, chromedp.ByQuery), chromedp.Location(&loc))
	if !strings.HasPrefix(loc, app.url+"/sign-in") {
		t.Fatalf("after sign-out /protected went to %s", loc)
	}
	br.checkOffline()
	br.log.mu.Lock()
	defer br.log.mu.Unlock()
	for _, u := range br.log.requests {
		if strings.HasPrefix(u, app.fapi) {
			t.Errorf("the browser called localclerk directly in proxy mode: %s", u)
		}
	}
}
