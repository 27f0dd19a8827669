package clerksdkgo

import (
	"bufio"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// docSample is the first ```go block of the section heading of
// docs/first-app.md.
func docSample(t *testing.T, heading string) string {
	t.Helper()
	doc, err := os.ReadFile("../../docs/first-app.md")
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(doc), "\n## "+heading+"\n")
	if !ok {
		t.Fatalf("docs/first-app.md has no section %q", heading)
	}
	sec, _, _ = strings.Cut(sec, "\n## ")
	_, code, ok := strings.Cut(sec, "\n```go\n")
	if !ok {
		t.Fatalf("section %q has no go block", heading)
	}
	code, _, _ = strings.Cut(code, "\n```\n")
	return code + "\n"
}

func TestDocAppMatchesTheDocument(t *testing.T) {
	src, err := os.ReadFile("docapp/main.go")
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := strings.Cut(string(src), "\npackage main\n")
	if want := "package main\n" + body; docSample(t, "An app on clerk-sdk-go") != want {
		t.Errorf("docs/first-app.md's clerk-sdk-go main.go differs from docapp/main.go (copy it, without the file's doc comment)")
	}
}

// TestDocAppAgainstLocalclerk builds the document's app and starts it
// with nothing but localclerk's environment lines, with and without
// CLERK_JWT_KEY, then calls /me with a session token.
func TestDocAppAgainstLocalclerk(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a program")
	}
	bin := filepath.Join(t.TempDir(), "docapp")
	if out, err := exec.Command("go", "build", "-o", bin, "./docapp").CombinedOutput(); err != nil {
		t.Fatalf("go build ./docapp: %v\n%s", err, out)
	}
	token, sid := sdkToken(t)
	for _, withKey := range []bool{true, false} {
		name := map[bool]string{true: "CLERK_JWT_KEY", false: "JWKS"}[withKey]
		t.Run(name, func(t *testing.T) {
			cmdEnv := []string{"PATH=" + os.Getenv("PATH"), "ADDR=127.0.0.1:0"}
			for _, l := range inst.EnvLines() {
				if withKey || !strings.HasPrefix(l, "CLERK_JWT_KEY=") {
					cmdEnv = append(cmdEnv, l)
				}
			}
			base := startDocApp(t, bin, cmdEnv)
			call := func(bearer string) (int, map[string]string) {
				req, _ := http.NewRequest("GET", base+"/me", nil)
				if bearer != "" {
					req.Header.Set("Authorization", "Bearer "+bearer)
				}
				resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				var out map[string]string
				json.NewDecoder(resp.Body).Decode(&out)
				return resp.StatusCode, out
			}
			if code, out := call(token); code != http.StatusOK || out["user_id"] != alice || out["session_id"] != sid {
				t.Errorf("/me with a session token: %d %v", code, out)
			}
			if code, _ := call(""); code != http.StatusForbidden {
				t.Errorf("/me without a token: %d, want 403", code)
			}
		})
	}
}

// startDocApp runs the app on a free port and returns its base URL. ADDR
// 127.0.0.1:0 would not tell us the port, so one is picked first.
func startDocApp(t *testing.T, bin string, env []string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	for i, kv := range env {
		if strings.HasPrefix(kv, "ADDR=") {
			env[i] = "ADDR=" + addr
		}
	}
	cmd := exec.Command(bin)
	cmd.Env = env
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan string, 1)
	go func() {
		var log strings.Builder
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
		}
		exited <- log.String()
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			return "http://" + addr
		}
		select {
		case log := <-exited:
			t.Fatalf("the app exited: %s", log)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the app did not listen on %s", addr)
		}
		time.Sleep(20 * time.Millisecond) // polling a child process's listener; no clock to inject
	}
}
