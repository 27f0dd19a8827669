package main

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// readmeBlock returns the first fenced block of README.md after the line
// heading that contains marker.
func readmeBlock(t *testing.T, heading, fence, marker string) string {
	t.Helper()
	b, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, "\n"+heading+"\n")
	if i < 0 {
		t.Fatalf("README.md has no %q section", heading)
	}
	s = s[i:]
	for {
		start := strings.Index(s, "\n```"+fence+"\n")
		if start < 0 {
			t.Fatalf("README.md %q: no ```%s block containing %q", heading, fence, marker)
		}
		s = s[start+len("\n```"+fence+"\n"):]
		end := strings.Index(s, "\n```\n")
		if end < 0 {
			t.Fatal("unterminated block in README.md")
		}
		if block := s[:end+1]; strings.Contains(block, marker) {
			return block
		}
		s = s[end:]
	}
}

// The README's path from the quickstart to one's own app, run as written:
// localclerk started with -env-file, the env loaded by bash, the net/http
// sample built as copied, a browser sent to sign in and back to the
// protected page (no loop through localclerk's account page), and the
// curl tip answering as the demo user.
func TestReadmeOwnAppWithLocalclerk(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatalf("this test needs bash: %v", err)
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("this test needs go: %v", err)
	}
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	appAddr := "localhost:" + itoa(port)
	appURL := "http://" + appAddr

	// The sample exactly as in the README but for its port.
	sample := readmeBlock(t, "## Use it with net/http", "go", "package main")
	if !strings.Contains(sample, `"localhost:8080"`) {
		t.Fatalf("the README sample no longer listens on localhost:8080:\n%s", sample)
	}
	sample = strings.Replace(sample, `"localhost:8080"`, `"`+appAddr+`"`, 1)
	src := filepath.Join(dir, "main.go")
	if err := os.WriteFile(src, []byte(sample), 0o600); err != nil {
		t.Fatal(err)
	}
	app := filepath.Join(dir, "app")
	build := exec.Command(gobin, "build", "-o", app, src)
	build.Dir = "../../.." // resolve github.com/goclerk/clerk from the repository root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("the README's net/http sample does not build: %v\n%s", err, out)
	}

	envFile := filepath.Join(dir, ".env")
	startLocalclerk(t, "-addr", "127.0.0.1:0", "-data", filepath.Join(dir, "lc.db"), "-seed", "-env-file", envFile,
		"-after-sign-in-url", appURL+"/")
	cmd := exec.Command(bash, "-c", `set -a; . "$1"; set +a; exec "$2"`, "bash", envFile, app)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	var appLog bytes.Buffer
	cmd.Stdout, cmd.Stderr = &appLog, &appLog
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitListening(t, "127.0.0.1:"+itoa(port), &appLog)

	// A browser: cookie jar, document navigations.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 20 * time.Second, CheckRedirect: func(r *http.Request, via []*http.Request) error {
		if len(via) > 15 {
			return http.ErrUseLastResponse
		}
		r.Header.Set("Sec-Fetch-Dest", "document")
		r.Header.Set("Accept", "text/html")
		return nil
	}}
	nav := func(req *http.Request) (*http.Response, string) {
		req.Header.Set("Sec-Fetch-Dest", "document")
		req.Header.Set("Accept", "text/html")
		resp, err := browser.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", req.Method, req.URL, err, appLog.String())
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	req, _ := http.NewRequest("GET", appURL+"/dashboard", nil)
	resp, _ := nav(req)
	signIn := resp.Request.URL
	if resp.StatusCode != 200 || signIn.Path != "/sign-in" || signIn.Query().Get("redirect_url") != appURL+"/dashboard" {
		t.Fatalf("/dashboard signed out did not reach the sign-in page with a return URL: %d %s", resp.StatusCode, signIn)
	}
	form := strings.NewReader("email=alice%40example.com&password=alice-password&redirect_url=" +
		signIn.Query().Get("redirect_url") + "&__clerk_db_jwt=" + signIn.Query().Get("__clerk_db_jwt"))
	req, _ = http.NewRequest("POST", signIn.Scheme+"://"+signIn.Host+"/sign-in", form)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body := nav(req)
	if resp.StatusCode != 200 || resp.Request.URL.Host != appAddr || resp.Request.URL.Path != "/dashboard" || body != "hello user_demo_alice" {
		t.Fatalf("after signing in: %d at %s: %q (reason %q)\n%s", resp.StatusCode, resp.Request.URL, body,
			resp.Header.Get("X-Clerk-Auth-Reason"), appLog.String())
	}

	// Another browser signs in on localclerk's page directly, with no
	// redirect_url: it is sent to the app (-after-sign-in-url) with its dev
	// browser, and the app picks the session up — no stop on the account
	// page, no loop.
	jar, _ = cookiejar.New(nil)
	browser.Jar = jar
	req, _ = http.NewRequest("POST", signIn.Scheme+"://"+signIn.Host+"/sign-in",
		strings.NewReader("email=alice%40example.com&password=alice-password"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, _ = nav(req); resp.Request.URL.Host != appAddr {
		t.Fatalf("signing in without redirect_url ended at %s, not in the app", resp.Request.URL)
	}
	req, _ = http.NewRequest("GET", appURL+"/dashboard", nil)
	if resp, body = nav(req); resp.Request.URL.Host != appAddr || body != "hello user_demo_alice" {
		t.Fatalf("after signing in without redirect_url, /dashboard: %d at %s: %q", resp.StatusCode, resp.Request.URL, body)
	}

	// The curl tip, with the environment loaded the same way.
	tip := strings.ReplaceAll(readmeBlock(t, "## Use localclerk with your own app", "sh", "curl"), "http://localhost:8080", appURL)
	curl := exec.Command(bash, "-euo", "pipefail", "-c", `set -a; . "$1"; set +a; eval "$2"`, "bash", envFile, tip)
	curl.Env = []string{"PATH=" + os.Getenv("PATH")}
	out, err := curl.CombinedOutput()
	if err != nil || !strings.Contains(string(out), `"userId":"user_demo_alice"`) {
		t.Fatalf("the README's curl tip: %v\n%s", err, out)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// waitListening polls until addr accepts connections.
func waitListening(t *testing.T, addr string, log *bytes.Buffer) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the app did not listen on %s: %v\n%s", addr, err, log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
