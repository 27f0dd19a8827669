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

// TestSettingsFlag: -settings reads the file over the defaults, and a bad
// file stops localclerk naming the setting; the settings win over an
// imported export's.
func TestSettingsFlag(t *testing.T) {
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "good.json"), filepath.Join(dir, "bad.json")
	os.WriteFile(good, []byte(`{"identifiers":{"username":"on"},"second_factors":["totp"]}`), 0o600)
	os.WriteFile(bad, []byte(`{"sign_up_mode":"closed"}`), 0o600)
	c, err := parseFlags([]string{"-settings", good}, io.Discard)
	if err != nil || c.opts.Settings == nil || c.opts.Settings.Identifiers.Username != "on" ||
		c.opts.Settings.Identifiers.EmailAddress != "required" || len(c.opts.Settings.SecondFactors) != 1 {
		t.Fatalf("-settings: %+v %v", c, err)
	}
	if _, err := parseFlags([]string{"-settings", bad}, io.Discard); err == nil || !strings.Contains(err.Error(), "sign_up_mode") {
		t.Errorf("a bad settings file: %v", err)
	}
	if _, err := parseFlags([]string{"-settings", filepath.Join(dir, "missing.json")}, io.Discard); err == nil {
		t.Errorf("a missing settings file was accepted")
	}
	export := filepath.Join(dir, "export.json")
	if err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-data", "", "-export", export}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-data", "", "-import", export, "-settings", good, "-export", "-"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `\"username\":\"on\"`) {
		t.Errorf("the settings file lost to the import: %.300s", out.String())
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
