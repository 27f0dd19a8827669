package e2e

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// reactFrontendFiles are the files of examples/react's Vite app; nothing
// else (no node_modules, no lockfile) is in the repository.
var reactFrontendFiles = []string{"package.json", "index.html", "vite.config.js", "src/main.jsx", "src/App.jsx"}

// reactFrontend is examples/react's frontend with its npm packages.
//
// The app's files are copied into a directory of their own, named by their
// content, beside the shared node_modules (Node and Vite find packages in a
// parent directory): a test of another checkout with other files, running
// at the same time, then never rewrites the files a running dev server
// watches, which would reload its page mid-test. Vite keeps its optimized
// dependencies in that directory too.
func reactFrontend(t *testing.T) string {
	t.Helper()
	src := filepath.Join("..", "examples", "react")
	base := npmProject(t, src, "react-example", reactFrontendFiles, "vite/bin/vite.js")
	h := sha256.New()
	contents := map[string][]byte{}
	for _, f := range reactFrontendFiles {
		b, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		contents[f] = b
		fmt.Fprintf(h, "%s %d\n", f, len(b))
		h.Write(b)
	}
	dir := filepath.Join(base, "app-"+hex.EncodeToString(h.Sum(nil)[:6]))
	for f, b := range contents {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, b) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// npmProject copies files of the npm project in src into a cache directory
// outside the repository, keyed by its package.json, and installs its
// pinned npm packages there on first use (when node_modules/<marker> is
// missing). It returns the directory.
func npmProject(t *testing.T, src, name string, files []string, marker string) string {
	t.Helper()
	pkg, err := os.ReadFile(filepath.Join(src, "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(pkg)
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "goclerk", name, hex.EncodeToString(sum[:6]))
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", filepath.FromSlash(marker))); err == nil {
		return dir
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatalf("%s needs npm (install Node.js 20.19 or later)", name)
	}
	t.Logf("installing %s's npm packages into %s", src, dir)
	cmd := exec.Command(npm, "install", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm install in %s: %v\n%s", dir, err, out)
	}
	return dir
}

// reactStack is examples/react running: the Go API with its localclerk,
// and the Vite dev server.
type reactStack struct {
	app, api, fapi string
	env            map[string]string // what examples/react/api printed
}

// startReactAPI builds and runs examples/react/api and reads the React
// app's environment from its output.
func startReactAPI(t *testing.T, appOrigin string, extraEnv ...string) (env map[string]string) {
	t.Helper()
	bin := buildProgram(t, "./examples/react/api")
	cmd := exec.Command(bin)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CLERK_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "REACT_DATA_DIR="+t.TempDir(), "API_ADDR="+loopbackPort(t),
		"LOCALCLERK_ADDR="+loopbackPort(t), "APP_ORIGIN="+appOrigin)
	cmd.Env = append(cmd.Env, extraEnv...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM); _ = cmd.Wait() })
	envRe := regexp.MustCompile(`^(VITE_CLERK_PUBLISHABLE_KEY|VITE_API_URL|CLERK_FAPI_URL|CLERK_SECRET_KEY|CLERK_API_URL)=(\S+)$`)
	ready := make(chan map[string]string, 1)
	go func() {
		env := map[string]string{}
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := envRe.FindStringSubmatch(sc.Text()); m != nil {
				env[m[1]] = m[2]
			}
			if strings.HasSuffix(sc.Text(), "(listening)") {
				ready <- env
			}
		}
	}()
	select {
	case env := <-ready:
		if len(env) != 5 {
			t.Fatalf("examples/react/api printed %v, want the five environment lines", env)
		}
		return env
	case <-time.After(2 * time.Minute):
		t.Fatal("examples/react/api did not start")
	}
	return nil
}

// startReactExample runs the Go API and the Vite dev server of
// examples/react, the way its README says, on free loopback ports;
// extraEnv (NAME=value) goes to the Go API, e.g. LOCALCLERK_SETTINGS.
func startReactExample(t *testing.T, extraEnv ...string) *reactStack {
	t.Helper()
	return startReactExampleAs(t, "127.0.0.1", extraEnv...)
}

// startReactExampleAs is startReactExample with the app's origin named by
// host ("localhost" for WebAuthn, whose relying party id cannot be an IP
// address); the dev server listens on 127.0.0.1 either way.
func startReactExampleAs(t *testing.T, host string, extraEnv ...string) *reactStack {
	t.Helper()
	dir := reactFrontend(t)
	appAddr := loopbackPort(t)
	_, port, _ := strings.Cut(appAddr, ":")
	appOrigin := "http://" + host + ":" + port
	env := startReactAPI(t, appOrigin, extraEnv...)
	// --bypass-lock: another test process may run a dev server of the same
	// files at the same time (see reactFrontend).
	vite := exec.Command("node", filepath.Join("..", "node_modules", "vite", "bin", "vite.js"), "--host", "127.0.0.1", "--port", port, "--strictPort", "--bypass-lock")
	vite.Dir = dir
	vite.Env = os.Environ()
	for k, v := range env {
		vite.Env = append(vite.Env, k+"="+v)
	}
	vite.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	logFile, err := os.Create(filepath.Join(t.TempDir(), "vite.log"))
	if err != nil {
		t.Fatal(err)
	}
	vite.Stdout, vite.Stderr = logFile, logFile
	if err := vite.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-vite.Process.Pid, syscall.SIGTERM); _ = vite.Wait(); logFile.Close() })
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := http.Get(appOrigin + "/")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			out, _ := os.ReadFile(logFile.Name())
			t.Fatalf("the Vite dev server did not answer on %s: %v\n%s", appOrigin, err, out)
		}
		time.Sleep(200 * time.Millisecond)
	}
	return &reactStack{app: appOrigin, api: env["VITE_API_URL"], fapi: env["CLERK_FAPI_URL"], env: env}
}

// TestReactSignInAndGoAPI drives examples/react in Chromium: @clerk/react's
// <SignIn/> signs a demo user in, the signed-in page renders (UserButton,
// the app's text, no "Invalid state"), and it shows the Go API's answer to
// a Bearer call with getToken()'s token. ClerkProvider gets public props
// only: the publishable key and a relative proxyUrl served by Vite's proxy.
func TestReactSignInAndGoAPI(t *testing.T) {
	start := time.Now()
	st := startReactExample(t)
	br := newClerkJSBrowser(t, "react")
	t.Logf("examples/react up in %s: app %s, API %s, localclerk %s", time.Since(start).Round(time.Millisecond), st.app, st.api, st.fapi)

	br.run("signed-out-sign-in", chromedp.Navigate(st.app+"/"),
		chromedp.WaitVisible(`#signed-out`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[name="identifier"]`, chromedp.ByQuery))
	br.run("sign-in-identifier", chromedp.SendKeys(`input[name="identifier"]`, "alice@example.com", chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		factorOnePassword())
	signInAt := time.Now()
	var userID, email, orgID, heading string
	br.run("signed-in-page", chromedp.SendKeys(`input[name="password"]`, "alice-password", chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonTrigger`, chromedp.ByQuery),
		chromedp.Text(`#signed-in`, &heading, chromedp.ByQuery),
		waitText("#api-user-id", "user_demo_alice"),
		chromedp.Text(`#api-user-id`, &userID, chromedp.ByQuery),
		chromedp.Text(`#api-email`, &email, chromedp.ByQuery),
		chromedp.Text(`#api-org-id`, &orgID, chromedp.ByQuery))
	t.Logf("signed in and the Go API answered in %s", time.Since(signInAt).Round(time.Millisecond))
	if heading != "You are signed in." || userID != "user_demo_alice" || email != "alice@example.com" || orgID != "org_demo_acme" {
		t.Fatalf("signed-in page: heading %q, API user %q, email %q, org %q", heading, userID, email, orgID)
	}
	var body string
	if err := chromedp.Run(br.ctx, chromedp.Text("body", &body, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(body, "Invalid state") {
		t.Fatalf("the page shows Invalid state: %s", body)
	}

	br.run("user-button-open", chromedp.Click(`.cl-userButtonTrigger`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonPopoverActionButton__signOut`, chromedp.ByQuery))
	br.run("signed-out", chromedp.Click(`.cl-userButtonPopoverActionButton__signOut`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[name="identifier"]`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`.cl-userButtonTrigger`, chromedp.ByQuery))

	br.checkOffline()
	for _, m := range br.log.unexpectedConsole() {
		if strings.Contains(m, "Invalid state") {
			t.Errorf("console: %s", m)
		}
	}
	// The relative proxyUrl: the bundles and the Frontend API come from the
	// app's origin; the browser never calls localclerk directly.
	br.log.mu.Lock()
	defer br.log.mu.Unlock()
	var js, ui, fapi bool
	for _, u := range br.log.requests {
		js = js || strings.HasPrefix(u, st.app+"/__clerk/npm/@clerk/clerk-js@6/dist/clerk.browser.js")
		ui = ui || strings.HasPrefix(u, st.app+"/__clerk/npm/@clerk/ui@1/dist/ui.browser.js")
		fapi = fapi || strings.HasPrefix(u, st.app+"/__clerk/v1/client")
		// Images are the exception, as with Clerk, whose image URLs point
		// at its own image host: an <img> needs no cookie or CORS.
		if strings.HasPrefix(u, st.fapi) && !isImageURL(strings.TrimPrefix(u, st.fapi)) {
			t.Errorf("the browser called localclerk directly: %s", u)
		}
	}
	if !js || !ui || !fapi {
		t.Errorf("through the proxy: clerk-js %v, ui %v, Frontend API %v; requests: %s", js, ui, fapi, strings.Join(br.log.requests, "\n"))
	}
	t.Logf("React browser test took %s", time.Since(start).Round(time.Second))
}

// isImageURL reports whether a localclerk path serves an image: avatars,
// uploaded profile images and organization logos.
func isImageURL(path string) bool {
	for _, p := range []string{"/v1/avatar.svg", "/images/", "/v1/organization_logos/"} {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// reactSignIn signs a user in through examples/react's <SignIn/> and waits
// for the Go API to answer with their id.
func reactSignIn(br *clerkJSBrowser, st *reactStack, email, password, userID string) {
	br.run("sign-in", chromedp.Navigate(st.app+"/"),
		chromedp.WaitVisible(`input[name="identifier"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="identifier"]`, email, chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		factorOnePassword(),
		chromedp.WaitEnabled(`input[name="password"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="password"]`, password, chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		waitText("#api-user-id", userID))
}

// outboxCode is the newest code localclerk's outbox holds for addr.
func outboxCode(t *testing.T, fapi, addr string) string {
	t.Helper()
	resp, err := http.Get(fapi + "/outbox.json?to=" + url.QueryEscape(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct {
		Data []struct{ Code string } `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil || len(page.Data) == 0 || page.Data[0].Code == "" {
		t.Fatalf("no code in the outbox for %s: %v", addr, err)
	}
	return page.Data[0].Code
}

// TestReactUserProfile drives <UserProfile/> (UserButton's "Manage
// account") in Chromium: the first name edited there is what the Go API
// reads from the Backend API, and an added e-mail address is verified with
// the code from localclerk's outbox.
func TestReactUserProfile(t *testing.T) {
	st := startReactExample(t)
	br := newClerkJSBrowser(t, "react-profile")
	reactSignIn(br, st, "bob@example.com", "bob-password", "user_demo_bob")
	br.run("user-profile", chromedp.Click(`.cl-userButtonTrigger`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userButtonPopoverActionButton__manageAccount`, chromedp.ByQuery),
		chromedp.Click(`.cl-userButtonPopoverActionButton__manageAccount`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-userProfile-root`, chromedp.ByQuery))
	br.run("update-profile", chromedp.Click(`.cl-profileSectionPrimaryButton__profile`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[name="firstName"]`, chromedp.ByQuery),
		// Typing over the selected text replaces it, as a user does.
		chromedp.Evaluate(`document.querySelector('input[name="firstName"]').select()`, nil),
		chromedp.SendKeys(`input[name="firstName"]`, "Roberto", chromedp.ByQuery),
		chromedp.WaitEnabled(`.cl-formButtonPrimary`, chromedp.ByQuery))
	br.run("profile-saved", chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`input[name="firstName"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cl-profileSectionPrimaryButton__emailAddresses`, chromedp.ByQuery))
	addr := "bob.work@example.com"
	br.run("add-email", chromedp.Click(`.cl-profileSectionPrimaryButton__emailAddresses`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[name="emailAddress"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="emailAddress"]`, addr, chromedp.ByQuery),
		chromedp.Click(`.cl-formButtonPrimary`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[autocomplete="one-time-code"]`, chromedp.ByQuery))
	code := outboxCode(t, st.fapi, addr)
	br.run("email-verified", chromedp.SendKeys(`input[autocomplete="one-time-code"]`, code, chromedp.ByQuery),
		chromedp.WaitNotPresent(`input[autocomplete="one-time-code"]`, chromedp.ByQuery),
		waitContains(".cl-profileSection__emailAddresses", addr))
	br.run("back-in-the-app", chromedp.Click(`.cl-modalCloseButton`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`.cl-userProfile-root`, chromedp.ByQuery),
		chromedp.Click(`#api-refresh`, chromedp.ByQuery),
		waitText("#api-first-name", "Roberto"))
	br.checkOffline()
}

// waitContains waits until the element sel's text contains want.
func waitContains(sel, want string) chromedp.Action {
	return chromedp.Poll(fmt.Sprintf(`(() => { const e = document.querySelector(%q); return !!e && e.textContent.includes(%q); })()`, sel, want),
		nil, chromedp.WithPollingTimeout(20*time.Second))
}
