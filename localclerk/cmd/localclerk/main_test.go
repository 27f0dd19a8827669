package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseFlags(t *testing.T) {
	c, err := parseFlags([]string{"-addr", "127.0.0.1:0", "-data", "", "-seed", "-token-lifetime", "5s",
		"-allowed-origins", "https://a.example.com, https://b.example.com"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.opts.Addr != "127.0.0.1:0" || c.opts.DataFile != "" || !c.opts.Seed || c.opts.TokenLifetime != 5*time.Second ||
		len(c.opts.AllowedOrigins) != 2 {
		t.Errorf("parsed %+v", c.opts)
	}
	// By default the data lives in the user's cache directory, not in the
	// directory localclerk is started from (a project's checkout).
	c, err = parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cache, err := os.UserCacheDir(); err != nil || c.opts.DataFile != filepath.Join(cache, "localclerk", "localclerk.db") {
		t.Errorf("default data file %q (cache dir %q, %v)", c.opts.DataFile, cache, err)
	}
	if c.opts.AfterSignInURL != "http://localhost:8080/" {
		t.Errorf("default after-sign-in URL %q", c.opts.AfterSignInURL)
	}
	for _, bad := range [][]string{{"-token-lifetime", "1ms"}, {"extra"}, {"-nope"}} {
		if _, err := parseFlags(bad, io.Discard); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestExportToStdout(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-data", "", "-seed", "-export", "-"}, &out, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || doc["format"] != "localclerk-export" {
		t.Fatalf("export output: %v %.200s", err, out.String())
	}
	if !strings.Contains(out.String(), "alice@example.com") {
		t.Error("seeded user missing from export")
	}
}

func TestRunPrintsBannerAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	data := filepath.Join(t.TempDir(), "lc.db")
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-data", data, "-seed"}, pw, io.Discard)
		pw.Close()
	}()
	var got strings.Builder
	buf := make([]byte, 4096)
	for !strings.Contains(got.String(), "Press Ctrl+C") {
		n, err := pr.Read(buf)
		if err != nil {
			t.Fatalf("read banner: %v (%s)", err, got.String())
		}
		got.Write(buf[:n])
	}
	for _, want := range []string{"export CLERK_PUBLISHABLE_KEY='pk_test_", "export CLERK_SECRET_KEY='sk_test_", "export CLERK_API_URL='http://127.0.0.1:", "Data           " + data, "Outbox         http://127.0.0.1:", "alice@example.com"} {
		if !strings.Contains(got.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, got.String())
		}
	}
	cancel()
	go io.Copy(io.Discard, pr)
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not shut down")
	}
}
