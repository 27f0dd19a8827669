package localclerk

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

func TestDataFileIsPrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX permissions")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "lc.db")
	// A file left world-readable by an earlier version is tightened too.
	stale := filepath.Join(dir, "old.db")
	for _, p := range []string{path, stale} {
		h := start(t, Options{DataFile: p, Seed: true})
		h.bapi("POST", "/v1/users", map[string]any{"email_address": []string{"perm@example.com"}}, nil)
		for _, f := range []string{p, p + "-wal", p + "-shm"} {
			st, err := os.Stat(f)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if m := st.Mode().Perm(); m != 0o600 {
				t.Errorf("%s mode %s, want 0600", filepath.Base(f), strconv.FormatUint(uint64(m), 8))
			}
		}
		h.inst.Close()
		if p == path {
			for _, f := range []string{stale, stale + "-wal", stale + "-shm"} {
				os.Rename(strings.Replace(f, "old.db", "lc.db", 1), f)
				os.Chmod(f, 0o644)
			}
		}
	}
}
