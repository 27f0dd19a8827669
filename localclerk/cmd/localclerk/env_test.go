package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goclerk/clerk"
)

// TestMain lets the test binary double as a goclerk app configured only by
// its environment (see runEnvApp), so a test can start it from bash, and
// as the localclerk command itself (faults_test.go), so a test sees its
// exit code.
func TestMain(m *testing.M) {
	if os.Getenv("LOCALCLERK_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	if os.Getenv("LOCALCLERK_TEST_APP") == "1" {
		if err := runEnvApp(); err != nil {
			fmt.Fprintln(os.Stderr, "env app:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runEnvApp is the README's net/http app: every key from CLERK_*, a
// protected route, GetAuth as JSON. It prints its URL and serves until its
// standard input closes.
func runEnvApp() error {
	withClerk, err := clerk.Middleware(clerk.Options{})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/me", clerk.RequireAuth(clerk.RequireAuthOptions{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(clerk.GetAuth(r))
	})))
	srv := &http.Server{Handler: withClerk(mux)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("app http://%s\n", ln.Addr())
	go srv.Serve(ln)
	io.Copy(io.Discard, os.Stdin)
	return srv.Close()
}

// startLocalclerk runs the command with args and returns its banner.
func startLocalclerk(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, args, pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		go io.Copy(io.Discard, pr)
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	var got strings.Builder
	buf := make([]byte, 4096)
	for !strings.Contains(got.String(), "Press Ctrl+C") {
		n, err := pr.Read(buf)
		if err != nil {
			t.Fatalf("read banner: %v (%s)", err, got.String())
		}
		got.Write(buf[:n])
	}
	return got.String()
}

// The lines localclerk prints, pasted into a file and loaded by a real
// bash with `set -a; . file`, and the -env-file it writes, both configure
// a goclerk app (CLERK_JWT_KEY across three lines included) that accepts a
// session token localclerk minted.
func TestPrintedEnvironmentStartsAGoclerkApp(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatalf("this test needs bash: %v", err)
	}
	dir := t.TempDir()
	envFile := filepath.Join(dir, "my app", ".env") // a space, to test the hint's quoting
	os.MkdirAll(filepath.Dir(envFile), 0o700)
	banner := startLocalclerk(t, "-addr", "127.0.0.1:0", "-data", filepath.Join(dir, "lc.db"), "-seed", "-env-file", envFile)

	exports := exportStatements(banner)
	env := map[string]string{}
	for _, l := range exports {
		name, value, _ := strings.Cut(strings.TrimPrefix(l, "export "), "=")
		env[name] = strings.Trim(value, "'")
	}
	if len(exports) < 7 || env["CLERK_JWT_KEY"] == "" {
		t.Fatalf("banner has no export lines with CLERK_JWT_KEY:\n%s", banner)
	}
	// clerk-sdk-go reads CLERK_JWT_KEY with encoding/pem, which needs the
	// armour on lines of its own.
	if b, rest := pem.Decode([]byte(env["CLERK_JWT_KEY"])); b == nil || b.Type != "PUBLIC KEY" || len(bytes.TrimSpace(rest)) != 0 {
		t.Errorf("CLERK_JWT_KEY is not a PEM public key encoding/pem reads:\n%s", env["CLERK_JWT_KEY"])
	}
	// Clerk's machine secret keys start with ak_, as the docs say.
	if !strings.HasPrefix(env["CLERK_MACHINE_SECRET_KEY"], "ak_") {
		t.Errorf("CLERK_MACHINE_SECRET_KEY %q does not start with ak_", env["CLERK_MACHINE_SECRET_KEY"])
	}
	if !strings.Contains(banner, "set -a; . '"+envFile+"'; set +a") {
		t.Errorf("banner does not say how to load %s:\n%s", envFile, banner)
	}
	if fi, err := os.Stat(envFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("env file: %v (mode %v), want 0600", err, fi.Mode())
	}
	pasted := filepath.Join(dir, "pasted.sh")
	if err := os.WriteFile(pasted, []byte(strings.Join(exports, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	token := mintToken(t, env["CLERK_API_URL"], env["CLERK_SECRET_KEY"])

	for name, file := range map[string]string{"printed lines": pasted, "-env-file": envFile} {
		t.Run(name, func(t *testing.T) {
			loaded, err := exec.Command(bash, "-c", `set -a; . "$1"; set +a; printf %s "$CLERK_JWT_KEY"`, "bash", file).Output()
			if err != nil || string(loaded) != env["CLERK_JWT_KEY"] {
				t.Errorf("bash loaded CLERK_JWT_KEY as %q (%v), want %q", loaded, err, env["CLERK_JWT_KEY"])
			}
			app := startEnvApp(t, bash, file)
			client := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			req, _ := http.NewRequest("GET", app+"/me", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(body), `"userId":"user_demo_alice"`) {
				t.Fatalf("token refused: %d %s (reason %q)", resp.StatusCode, body, resp.Header.Get("X-Clerk-Auth-Reason"))
			}
			resp, err = client.Get(app + "/me")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || loc != env["CLERK_SIGN_IN_URL"] {
				t.Errorf("signed out: %d to %q, want 302 to CLERK_SIGN_IN_URL %q", resp.StatusCode, loc, env["CLERK_SIGN_IN_URL"])
			}
		})
	}
}

// exportStatements returns the banner's export statements, each whole: a
// single-quoted value may span lines (CLERK_JWT_KEY), so a statement ends
// on the line where its quotes balance.
func exportStatements(banner string) []string {
	var out []string
	var cur []string
	for _, l := range strings.Split(banner, "\n") {
		if cur == nil {
			if l = strings.TrimSpace(l); !strings.HasPrefix(l, "export ") {
				continue
			}
		}
		cur = append(cur, l)
		stmt := strings.Join(cur, "\n")
		if strings.Count(strings.ReplaceAll(stmt, `'\''`, ""), "'")%2 == 0 {
			out = append(out, stmt)
			cur = nil
		}
	}
	return out
}

// startEnvApp starts this test binary as the env app from bash, with only
// PATH inherited and everything else loaded from file.
func startEnvApp(t *testing.T, bash, file string) string {
	t.Helper()
	cmd := exec.Command(bash, "-c", `set -a; . "$1"; set +a; exec "$2"`, "bash", file, os.Args[0])
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "LOCALCLERK_TEST_APP=1"}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("env app: %v\n%s", err, stderr.String())
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if !strings.HasPrefix(line, "app http://") {
		stdin.Close()
		cmd.Wait()
		t.Fatalf("the app did not start from %s: %q %v\n%s", filepath.Base(file), line, err, stderr.String())
	}
	return strings.TrimSpace(strings.TrimPrefix(line, "app "))
}

// mintToken creates a session for the demo user through the Backend API
// and returns a session token for it.
func mintToken(t *testing.T, apiURL, secret string) string {
	t.Helper()
	post := func(path, body string, out any) {
		req, _ := http.NewRequest("POST", apiURL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+secret)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || json.Unmarshal(data, out) != nil {
			t.Fatalf("POST %s: %d %s", path, resp.StatusCode, data)
		}
	}
	var sess struct{ ID string }
	post("/v1/sessions", `{"user_id":"user_demo_alice"}`, &sess)
	var tok struct{ JWT string }
	post("/v1/sessions/"+sess.ID+"/tokens", `{}`, &tok)
	if tok.JWT == "" {
		t.Fatal("no token minted")
	}
	return tok.JWT
}

func TestEnvFileNeverClobbersAnAppsOwnFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(path, []byte("DATABASE_URL=postgres://x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := writeEnvFile(path, []string{"CLERK_SECRET_KEY=sk_test_1"}); err == nil {
		t.Fatal("an existing .env that localclerk did not write was overwritten")
	}
	if b, _ := os.ReadFile(path); string(b) != "DATABASE_URL=postgres://x\n" {
		t.Fatalf("the app's .env changed: %q", b)
	}
	os.Remove(path)
	for _, v := range []string{"sk_test_1", "sk_test_2"} { // rewriting its own file is fine
		if err := writeEnvFile(path, []string{"CLERK_SECRET_KEY=" + v}); err != nil {
			t.Fatal(err)
		}
	}
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), "CLERK_SECRET_KEY='sk_test_2'\n") {
		t.Fatalf("env file: %q", b)
	}
}

func TestShellQuoteRoundTripsThroughBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatalf("this test needs bash: %v", err)
	}
	value := "it's -----BEGIN PUBLIC KEY-----MII $HOME `x` \"q\" ; & | -----END"
	out, err := exec.Command(bash, "-c", "eval \"export $1\"; printf %s \"$V\"", "bash", shellLine("V="+value)).Output()
	if err != nil || string(out) != value {
		t.Fatalf("bash read %q (%v), want %q", out, err, value)
	}
}
