// Command api is the Go back end of examples/react: a JSON API protected
// by goclerk, called by the React app with
// Authorization: Bearer <token from getToken()>. It runs an offline Clerk
// (localclerk, seeded with demo users) next to itself and prints the
// environment the React app needs.
//
//	go run ./examples/react/api -env-file examples/react/.env.local
//	cd examples/react && npm install && npm run dev
//
// Environment: API_ADDR (default 127.0.0.1:3020), LOCALCLERK_ADDR (default
// 127.0.0.1:3120), APP_ORIGIN (the React app's origin, the only one CORS
// admits; default http://localhost:5173), REACT_DATA_DIR (default
// <user cache dir>/goclerk-react), LOCALCLERK_BUNDLE_DIR (where Clerk's
// browser bundles are installed with npm), LOCALCLERK_SETTINGS (a
// localclerk settings file: identifiers, factors, two-step verification…),
// API_TEST_CLOCK=1 (tests only: localclerk and the middleware run on a
// clock that POST /api/test/clock?advance=11m moves forward).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/goclerk/clerk"
	"github.com/goclerk/clerk/backend"
	"github.com/goclerk/clerk/localclerk"
)

func main() {
	envFile := flag.String("env-file", "", "also write the React app's environment (VITE_CLERK_PUBLISHABLE_KEY, …) to this file, e.g. examples/react/.env.local")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Stdout, *envFile); err != nil {
		fmt.Fprintln(os.Stderr, "api:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, envFile string) error {
	appOrigin := strings.TrimSuffix(envOr("APP_ORIGIN", "http://localhost:5173"), "/")
	dir := localclerk.DefaultBundleDir()
	if !localclerk.BundlesInstalled(dir) {
		fmt.Fprintf(out, "api: installing @clerk/clerk-js@%s and @clerk/ui@%s into %s (npm pack)\n", localclerk.ClerkJSVersion, localclerk.ClerkUIVersion, dir)
		ictx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		err := localclerk.InstallBundles(ictx, dir)
		cancel()
		if err != nil {
			return err
		}
	}
	var clock *testClock
	var now func() time.Time // nil: time.Now
	if os.Getenv("API_TEST_CLOCK") == "1" {
		clock = &testClock{}
		now = clock.Now
		fmt.Fprintln(out, "api: API_TEST_CLOCK=1: POST /api/test/clock?advance=<duration> moves localclerk's and the API's time forward")
	}
	inst, err := startLocalclerk(ctx, appOrigin, now)
	if err != nil {
		return err
	}
	defer inst.Close()

	client, err := backend.NewClient(backend.Config{SecretKey: inst.SecretKey, APIURL: inst.BackendAPIURL})
	if err != nil {
		return err
	}
	handler, err := newAPI(clerk.Options{
		PublishableKey: inst.PublishableKey,
		SecretKey:      inst.SecretKey,
		JWTKey:         inst.PublicKeyPEM,
		APIURL:         inst.BackendAPIURL,
		Now:            now,
	}, client, appOrigin)
	if err != nil {
		return err
	}
	if clock != nil {
		handler = clock.serve(handler)
	}
	ln, err := net.Listen("tcp", envOr("API_ADDR", "127.0.0.1:3020"))
	if err != nil {
		return fmt.Errorf("listen: %w (set API_ADDR to use another address)", err)
	}
	apiURL := "http://" + ln.Addr().String()

	// The browser sees only the VITE_ lines. CLERK_FAPI_URL is where Vite's
	// proxy forwards /__clerk; CLERK_SECRET_KEY and CLERK_API_URL are for
	// Node-side tools, such as @clerk/testing's clerkSetup, which reads
	// .env.local itself.
	env := fmt.Sprintf("VITE_CLERK_PUBLISHABLE_KEY=%s\nVITE_API_URL=%s\nCLERK_FAPI_URL=%s\nCLERK_SECRET_KEY=%s\nCLERK_API_URL=%s\n",
		inst.PublishableKey, apiURL, inst.FrontendAPIURL, inst.SecretKey, inst.BackendAPIURL)
	if envFile != "" {
		if err := os.WriteFile(envFile, []byte(env), 0o644); err != nil {
			ln.Close()
			return fmt.Errorf("write %s: %w", envFile, err)
		}
		fmt.Fprintf(out, "api: wrote the React app's environment to %s\n", envFile)
	}
	fmt.Fprintf(out, "api: localclerk (offline Clerk) at %s\n", inst.FrontendAPIURL)
	fmt.Fprintf(out, "api: the React app's environment (.env.local):\n%s", env)
	if d := inst.Demo; d != nil {
		fmt.Fprintln(out, "api: demo users:")
		for _, u := range d.Users {
			if u.Password != "" {
				fmt.Fprintf(out, "  %-28s password %s\n", u.Email, u.Password)
			}
		}
	}

	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(out, "api: serving %s/api/me for %s (listening)\n", apiURL, appOrigin)
	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

func startLocalclerk(ctx context.Context, appOrigin string, now func() time.Time) (*localclerk.Instance, error) {
	dir := os.Getenv("REACT_DATA_DIR")
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("no user cache directory (set REACT_DATA_DIR): %w", err)
		}
		dir = filepath.Join(cache, "goclerk-react")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create the data directory %s: %w", dir, err)
	}
	dataFile := filepath.Join(dir, "localclerk.db")
	opts := localclerk.Options{
		DataFile:       dataFile,
		Addr:           envOr("LOCALCLERK_ADDR", "127.0.0.1:3120"),
		Seed:           true,
		AllowedOrigins: []string{appOrigin},
		// The hosted pages (UserButton's "Add account" in multi-session
		// mode goes to the hosted sign-in) send the browser back here.
		AfterSignInURL: appOrigin + "/",
		// LOCALCLERK_SOCIAL=google,github adds "Continue with Google"...,
		// through localclerk's provider page.
		SocialProviders: strings.FieldsFunc(os.Getenv("LOCALCLERK_SOCIAL"), func(r rune) bool { return r == ',' }),
		Now:             now,
	}
	if path := os.Getenv("LOCALCLERK_SETTINGS"); path != "" {
		s, err := localclerk.ReadSettingsFile(path)
		if err != nil {
			return nil, err
		}
		opts.Settings = &s
	}
	inst, err := localclerk.Start(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("start localclerk with %s: %w\n(delete that file to start from a fresh demo instance)", dataFile, err)
	}
	return inst, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
