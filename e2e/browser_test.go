package e2e

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// tokenLifetime is set short so that the test can wait past it.
const tokenLifetime = 4 * time.Second

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return "localhost:" + port
}

func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	if p := findChromium(); p != "" {
		return p
	}
	// The README's test command works on a fresh machine: as root (CI, a
	// fresh development container) install Debian's package once.
	installChromium.Do(func() {
		if os.Geteuid() != 0 {
			return
		}
		t.Log("no Chromium found: installing Debian's chromium package")
		for _, args := range [][]string{{"update", "-qq"}, {"install", "-y", "-qq", "chromium"}} {
			cmd := exec.Command("apt-get", args...)
			cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Logf("apt-get %s: %v\n%s", strings.Join(args, " "), err, out)
				return
			}
		}
	})
	if p := findChromium(); p != "" {
		return p
	}
	t.Fatal("no Chromium found: install Debian's chromium package (apt-get install chromium) or set CHROMIUM")
	return ""
}

var installChromium sync.Once

// artifactsDir is where the browser tests write screenshots:
// $E2E_ARTIFACTS, or artifacts/ in the e2e directory.
func artifactsDir() string {
	if d := os.Getenv("E2E_ARTIFACTS"); d != "" {
		return d
	}
	return "artifacts"
}

func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// startQuickstart builds and runs the quickstart on a fresh data directory.
func startQuickstart(t *testing.T) string {
	t.Helper()
	bin := buildProgram(t, "./examples/quickstart")
	cmd := exec.Command(bin)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CLERK_") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "QUICKSTART_DATA_DIR="+t.TempDir(), "ADDR="+freePort(t), "LOCALCLERK_ADDR="+freePort(t),
		"QUICKSTART_TOKEN_LIFETIME="+tokenLifetime.String())
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM); _ = cmd.Wait() })
	re := regexp.MustCompile(`open (http://\S+) \(listening\)`)
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
	}()
	select {
	case u := <-urls:
		return u
	case <-time.After(2 * time.Minute):
		t.Fatal("the quickstart did not start")
	}
	return ""
}

// step is one action of the scenario and the screenshot taken after it.
type step struct {
	name   string
	action chromedp.Tasks
	check  func(url, body string) error
}

func TestBrowserSignInRefreshOrganizationSignOut(t *testing.T) {
	app := startQuickstart(t)
	artifacts := artifactsDir()
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true), // CI runs as root
		chromedp.Flag("disable-gpu", true),
		chromedp.WindowSize(1200, 850),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	defer cancelTimeout()

	text := func(sel string) func(string, string) error {
		return func(_, body string) error {
			if !strings.Contains(body, sel) {
				return fmt.Errorf("page does not contain %q", sel)
			}
			return nil
		}
	}
	steps := []step{
		{"open-dashboard-redirects-to-sign-in", chromedp.Tasks{chromedp.Navigate(app + "/dashboard"), chromedp.WaitVisible("#password", chromedp.ByQuery)},
			func(u, _ string) error {
				if !strings.Contains(u, "/sign-in") {
					return fmt.Errorf("not on the sign-in page: %s", u)
				}
				return nil
			}},
		{"sign-in-form-filled", chromedp.Tasks{
			chromedp.SendKeys("#email", "alice@example.com", chromedp.ByQuery),
			chromedp.SendKeys("#password", "alice-password", chromedp.ByQuery),
		}, nil},
		{"dashboard-shows-user", chromedp.Tasks{chromedp.Submit("#password", chromedp.ByQuery), chromedp.WaitVisible("#user-id", chromedp.ByQuery)},
			text("user_demo_alice")},
		{"still-signed-in-after-token-expiry", chromedp.Tasks{chromedp.Sleep(tokenLifetime + 2*time.Second), chromedp.Navigate(app + "/dashboard"), chromedp.WaitVisible("#user-id", chromedp.ByQuery)},
			text("Hello Alice")},
		{"personal-account-url-switches-to-personal", chromedp.Tasks{chromedp.Navigate(app + "/me"), chromedp.WaitVisible("#org-status", chromedp.ByQuery)},
			text("No organization is active")},
		{"organization-url-switches-to-acme", chromedp.Tasks{chromedp.Navigate(app + "/orgs/acme"), chromedp.WaitVisible("#org-status", chromedp.ByQuery)},
			text("acme is your active organization")},
		{"permission-page-allowed-in-acme", chromedp.Tasks{chromedp.Navigate(app + "/billing"), chromedp.WaitVisible("#billing", chromedp.ByQuery)},
			text("You may manage billing")},
		{"signed-out", chromedp.Tasks{chromedp.Navigate(app + "/"), chromedp.WaitVisible("#sign-out", chromedp.ByQuery), chromedp.Click("#sign-out", chromedp.ByQuery), chromedp.WaitVisible("#sign-in", chromedp.ByQuery)},
			text("You are signed out")},
		{"dashboard-redirects-to-sign-in-again", chromedp.Tasks{chromedp.Navigate(app + "/dashboard"), chromedp.WaitVisible("#password", chromedp.ByQuery)},
			func(u, _ string) error {
				if !strings.Contains(u, "/sign-in") {
					return fmt.Errorf("not on the sign-in page after sign-out: %s", u)
				}
				return nil
			}},
	}
	for i, s := range steps {
		var url, body string
		var shot []byte
		err := chromedp.Run(ctx, s.action, chromedp.Location(&url), chromedp.OuterHTML("html", &body, chromedp.ByQuery), chromedp.FullScreenshot(&shot, 100))
		if err != nil {
			t.Fatalf("step %d %s: %v (at %s)", i+1, s.name, err, url)
		}
		file := filepath.Join(artifacts, fmt.Sprintf("%02d-%s.png", i+1, s.name))
		if err := os.WriteFile(file, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		if s.check != nil {
			if err := s.check(url, body); err != nil {
				t.Fatalf("step %d %s: %v (screenshot %s)", i+1, s.name, err, file)
			}
		}
		t.Logf("step %d %s: ok, %s", i+1, s.name, file)
	}
}
