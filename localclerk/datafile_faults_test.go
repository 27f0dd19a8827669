package localclerk

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSecondInstanceOnTheDataFileIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lc.db")
	first, err := Start(context.Background(), Options{DataFile: path, testKey: sharedTestKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Start(context.Background(), Options{DataFile: path, testKey: sharedTestKey(t)})
	if !errors.Is(err, ErrDataFileInUse) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "another localclerk") {
		t.Errorf("second instance: %v, want ErrDataFileInUse naming %s", err, path)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	// Closing releases the lock.
	again, err := Start(context.Background(), Options{DataFile: path, testKey: sharedTestKey(t)})
	if err != nil {
		t.Fatalf("after the first closed: %v", err)
	}
	again.Close()
}

// A full disk is simulated with SQLite's max_page_count: SQLite answers
// SQLITE_FULL exactly as when the file system has no room.
func TestFullDiskIsReported(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lc.db")
	_, err := Start(context.Background(), Options{DataFile: path, testKey: sharedTestKey(t), testMaxPages: 2})
	if !errors.Is(err, ErrDiskFull) || !strings.Contains(err.Error(), path) {
		t.Fatalf("full disk on first start: %v, want ErrDiskFull naming %s", err, path)
	}
	// The lock went with the failed start: with room, the same file works.
	inst, err := Start(context.Background(), Options{DataFile: path, testKey: sharedTestKey(t)})
	if err != nil {
		t.Fatalf("after freeing space: %v", err)
	}
	inst.Close()
}

func TestTruncatedDataFileIsRefused(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lc.db")
	inst, err := Start(context.Background(), Options{DataFile: path, Seed: true, testKey: sharedTestKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	inst.Close()
	whole, err := os.ReadFile(path)
	if err != nil || len(whole) < 8192 {
		t.Fatalf("data file: %d bytes, %v", len(whole), err)
	}
	for _, n := range []int{len(whole) / 2, 4096, 100, 10} {
		cut := filepath.Join(dir, "cut.db")
		os.Remove(cut + "-wal")
		os.Remove(cut + "-shm")
		if err := os.WriteFile(cut, whole[:n], 0o600); err != nil {
			t.Fatal(err)
		}
		inst, err := Start(context.Background(), Options{DataFile: cut, testKey: sharedTestKey(t)})
		if err == nil {
			inst.Close()
			t.Errorf("truncated to %d bytes: started", n)
			continue
		}
		t.Logf("truncated to %d bytes: %v", n, err)
		if !strings.Contains(err.Error(), cut) {
			t.Errorf("truncated to %d bytes: %v does not name the file", n, err)
		}
		if b, _ := os.ReadFile(cut); string(b) != string(whole[:n]) {
			t.Errorf("truncated to %d bytes: the file was changed", n)
		}
	}
}

func TestReadOnlyDataFileIsReported(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes any file; cmd/localclerk's TestDataFileFaults runs this case as an unprivileged user")
	}
	path := filepath.Join(t.TempDir(), "lc.db")
	inst, err := Start(context.Background(), Options{DataFile: path, testKey: sharedTestKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	inst.Close()
	os.Chmod(path, 0o400)
	_, err = Start(context.Background(), Options{DataFile: path, testKey: sharedTestKey(t)})
	if !errors.Is(err, ErrDataFileReadOnly) || !strings.Contains(err.Error(), path) {
		t.Errorf("read-only file: %v, want ErrDataFileReadOnly", err)
	}
}
