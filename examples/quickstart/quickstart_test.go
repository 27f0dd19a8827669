package main

import (
	"bufio"
	"context"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// freshEnv is the environment of a new user: no CLERK_* variables, an empty
// home and cache, but the Go build and module caches of this machine.
func freshEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	home := t.TempDir()
	env := []string{"HOME=" + home, "XDG_CACHE_HOME=" + filepath.Join(home, ".cache")}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "CLERK_") || name == "HOME" || name == "XDG_CACHE_HOME" || strings.HasPrefix(name, "QUICKSTART_") {
			continue
		}
		env = append(env, kv)
	}
	for _, v := range []string{"GOCACHE", "GOMODCACHE", "GOPATH"} {
		out, err := exec.Command("go", "env", v).Output()
		if err == nil {
			env = append(env, v+"="+strings.TrimSpace(string(out)))
		}
	}
	return append(env, extra...)
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return "localhost:" + strings.TrimPrefix(l.Addr().String(), "127.0.0.1:")
}

// started is a running quickstart process.
type started struct {
	cmd    *exec.Cmd
	url    string
	output *strings.Builder
}

var listening = regexp.MustCompile(`open (http://\S+) \(listening\)`)

// start runs name args with env and waits for the listening line.
func start(t *testing.T, env []string, name string, args ...string) *started {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		_ = cmd.Wait()
	})
	s := &started{cmd: cmd, output: &strings.Builder{}}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			s.output.WriteString(sc.Text() + "\n")
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		close(found)
	}()
	select {
	case u, ok := <-found:
		if !ok {
			t.Fatalf("the quickstart exited before listening:\n%s\n%s", s.output, stderr.String())
		}
		s.url = u
	case <-time.After(4 * time.Minute):
		t.Fatalf("the quickstart did not start within 4 minutes:\n%s\n%s", s.output, stderr.String())
	}
	return s
}

// browse follows redirects like a browser navigating: a cookie jar and
// Sec-Fetch-Dest: document on every hop.
func browse(t *testing.T, jar http.CookieJar, url string) (*http.Response, string) {
	t.Helper()
	c := &http.Client{Jar: jar, Timeout: 20 * time.Second}
	req, _ := http.NewRequestWithContext(context.Background(), "GET", url, nil)
	req.Header.Set("Sec-Fetch-Dest", "document")
	c.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		r.Header.Set("Sec-Fetch-Dest", "document")
		return nil
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func TestFreshUserGoRun(t *testing.T) {
	env := freshEnv(t, "ADDR="+freePort(t), "LOCALCLERK_ADDR="+freePort(t))
	s := start(t, env, "go", "run", ".")
	if !strings.Contains(s.output.String(), "alice@example.com") {
		t.Errorf("the demo credentials were not printed:\n%s", s.output)
	}
	jar, _ := cookiejar.New(nil)
	resp, body := browse(t, jar, s.url+"/")
	if resp.StatusCode != 200 || !strings.Contains(body, "You are signed out") {
		t.Fatalf("home page: %d\n%s", resp.StatusCode, body)
	}
	// The sign-up link's redirect_url is one encoded query value.
	m := regexp.MustCompile(`href="([^"]*/sign-up\?[^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no sign-up link on the home page:\n%s", body)
	}
	signUp, err := url.Parse(html.UnescapeString(m[1]))
	if err != nil || signUp.Query().Get("redirect_url") != s.url+"/dashboard" || !strings.HasPrefix(signUp.RawQuery, "redirect_url=http%3A%2F%2F") {
		t.Errorf("sign-up link %q: redirect_url is not URL-encoded (%v)", m[1], err)
	}
	resp, body = browse(t, jar, s.url+"/dashboard")
	if resp.StatusCode != 200 || !strings.HasSuffix(resp.Request.URL.Path, "/sign-in") ||
		!strings.Contains(resp.Request.URL.RawQuery, "redirect_url=") || !strings.Contains(body, `name="password"`) {
		t.Fatalf("dashboard did not lead to the sign-in page: %d %s", resp.StatusCode, resp.Request.URL)
	}
}

func buildQuickstart(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "quickstart")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

var apiKeyLine = regexp.MustCompile(`Bearer (ak_\S+)'`)

func TestRestartKeepsData(t *testing.T) {
	bin := buildQuickstart(t)
	data := t.TempDir()
	app, lc := freePort(t), freePort(t)
	env := freshEnv(t, "QUICKSTART_DATA_DIR="+data, "ADDR="+app, "LOCALCLERK_ADDR="+lc)
	keys := make([]string, 2)
	for i := range keys {
		s := start(t, env, bin)
		m := apiKeyLine.FindStringSubmatch(s.output.String())
		if m == nil {
			t.Fatalf("run %d printed no API key:\n%s", i, s.output)
		}
		keys[i] = m[1]
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
		_ = s.cmd.Wait()
	}
	if keys[0] != keys[1] {
		t.Fatalf("the demo API key changed across restarts: %s vs %s", keys[0], keys[1])
	}
}

func TestCorruptDataFileIsAClearError(t *testing.T) {
	bin := buildQuickstart(t)
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "localclerk.db"), []byte("this is not a database, just garbage bytes\x00\x01"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin)
	cmd.Env = freshEnv(t, "QUICKSTART_DATA_DIR="+data, "ADDR="+freePort(t), "LOCALCLERK_ADDR="+freePort(t))
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the quickstart started with a corrupt data file:\n%s", out)
	}
	if strings.Contains(string(out), "panic:") || !strings.Contains(string(out), "localclerk.db") || !strings.Contains(string(out), "delete that file") {
		t.Fatalf("unclear failure for a corrupt data file:\n%s", out)
	}
}
