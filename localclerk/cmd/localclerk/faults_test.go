//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goclerk/clerk/localclerk"
)

// runCommand runs this test binary as the localclerk command with args
// (see TestMain) and returns its exit code and standard error. cred, when
// set, runs it as that user.
func runCommand(t *testing.T, bin string, cred *syscall.Credential, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "LOCALCLERK_TEST_MAIN=1", "HOME=" + t.TempDir()}
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("run localclerk: %v", err)
	}
	return cmd.ProcessState.ExitCode(), stderr.String()
}

// seededDataFile writes a real data file at path.
func seededDataFile(t *testing.T, path string) []byte {
	t.Helper()
	inst, err := localclerk.Start(context.Background(), localclerk.Options{DataFile: path, Seed: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := inst.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDataFileFaults: each data file a laptop can end up with gives a
// clear message naming the file and exit status 1, never a panic or a
// fresh instance over the file. (A full disk is TestFullDiskIsReported in
// the localclerk package, which can cap the file's size.)
func TestDataFileFaults(t *testing.T) {
	dir := t.TempDir()
	// Reachable by an unprivileged user, for the read-only case as root
	// (t.TempDir makes both levels 0700).
	os.Chmod(filepath.Dir(dir), 0o755)
	os.Chmod(dir, 0o755)
	bin := filepath.Join(dir, "localclerk.test")
	self, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, self, 0o755); err != nil {
		t.Fatal(err)
	}
	good := seededDataFile(t, filepath.Join(dir, "good.db"))

	inUse := filepath.Join(dir, "inuse.db")
	startLocalclerk(t, "-addr", "127.0.0.1:0", "-data", inUse)

	cases := []struct {
		name, file string
		content    []byte // written with mode 0600 first, unless nil
		mode       os.FileMode
		want       string
	}{
		{"second instance", inUse, nil, 0, "is open in another localclerk"},
		{"not SQLite", "notes.db", []byte("# my notes\nnot a database at all, but long enough\n"), 0o600, "is not a SQLite database"},
		{"truncated", "cut.db", good[:len(good)/2], 0o600, "is unusable (corrupt"},
		{"read-only", "ro.db", good, 0o444, "cannot be written"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := c.file
			if !filepath.IsAbs(path) {
				path = filepath.Join(dir, c.file)
				if err := os.WriteFile(path, c.content, 0o600); err != nil {
					t.Fatal(err)
				}
				os.Chmod(path, c.mode)
			}
			before, _ := os.ReadFile(path)
			var cred *syscall.Credential
			if c.mode == 0o444 && os.Geteuid() == 0 {
				cred = &syscall.Credential{Uid: 65534, Gid: 65534} // nobody: root writes any file
			}
			code, stderr := runCommand(t, bin, cred, "-addr", "127.0.0.1:0", "-data", path)
			if code != 1 || !strings.Contains(stderr, "localclerk: ") || !strings.Contains(stderr, path) || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want exit 1 and a message naming %s with %q", code, stderr, path, c.want)
			}
			if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
				t.Errorf("panicked: %s", stderr)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
				t.Errorf("the data file changed (%d → %d bytes)", len(before), len(after))
			}
		})
	}
}
