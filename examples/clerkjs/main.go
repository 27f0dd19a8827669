// Command clerkjs is a Go web application whose pages use Clerk's own
// browser SDK, clerk-js, with its prebuilt components (SignIn, SignUp,
// UserButton, UserProfile, OrganizationSwitcher), while its server routes are protected
// by goclerk. It runs fully offline against localclerk, which also serves
// the clerk-js and @clerk/ui bundles from locally installed npm packages.
//
//	go run ./examples/clerkjs                  # installs the bundles with npm on first run
//	go run ./examples/clerkjs -install-bundles # only install them, then exit
//
// Environment: ADDR (default 127.0.0.1:3010), LOCALCLERK_ADDR (default
// 127.0.0.1:3110), CLERKJS_DATA_DIR (default <user cache dir>/goclerk-clerkjs),
// CLERKJS_TOKEN_LIFETIME (session token lifetime, default 60s),
// LOCALCLERK_BUNDLE_DIR (where the npm packages are unpacked), CLERKJS_PROXY=1
// (the browser talks to localclerk only through the app's /__clerk proxy),
// LOCALCLERK_SETTINGS (an instance settings file, docs/clerkjs.md),
// LOCALCLERK_SOCIAL (social providers for the provider page, e.g. google,github).
//
// Without the proxy the app and localclerk must be on the same loopback host
// (both 127.0.0.1, or both localhost): clerk-js identifies its client by
// localclerk's cookie, which the browser sends only to a same-site Frontend API.
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

	"github.com/goclerk/clerk/localclerk"
)

func main() {
	install := flag.Bool("install-bundles", false, "install the pinned clerk-js and @clerk/ui packages with npm, then exit")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if *install {
		err = installBundles(ctx, os.Stdout)
	} else {
		err = run(ctx, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "clerkjs:", err)
		os.Exit(1)
	}
}

func installBundles(ctx context.Context, out io.Writer) error {
	dir := localclerk.DefaultBundleDir()
	if localclerk.BundlesInstalled(dir) {
		fmt.Fprintf(out, "clerkjs: @clerk/clerk-js@%s and @clerk/ui@%s are installed in %s\n", localclerk.ClerkJSVersion, localclerk.ClerkUIVersion, dir)
		return nil
	}
	fmt.Fprintf(out, "clerkjs: installing @clerk/clerk-js@%s and @clerk/ui@%s into %s (npm pack)\n", localclerk.ClerkJSVersion, localclerk.ClerkUIVersion, dir)
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	return localclerk.InstallBundles(ctx, dir)
}

func run(ctx context.Context, out io.Writer) error {
	if err := installBundles(ctx, out); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", envOr("ADDR", "127.0.0.1:3010"))
	if err != nil {
		return fmt.Errorf("listen: %w (set ADDR to use another address)", err)
	}
	appURL := "http://" + ln.Addr().String()

	inst, err := startLocalclerk(ctx, appURL, out)
	if err != nil {
		ln.Close()
		return err
	}
	defer inst.Close()

	proxy := os.Getenv("CLERKJS_PROXY") == "1"
	handler, err := newApp(inst, appURL, proxy)
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(out, "\nclerkjs: open %s (listening)\n", appURL)

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

func startLocalclerk(ctx context.Context, appURL string, out io.Writer) (*localclerk.Instance, error) {
	dir := os.Getenv("CLERKJS_DATA_DIR")
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("no user cache directory (set CLERKJS_DATA_DIR): %w", err)
		}
		dir = filepath.Join(cache, "goclerk-clerkjs")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create the data directory %s: %w", dir, err)
	}
	lifetime := 60 * time.Second
	if v := os.Getenv("CLERKJS_TOKEN_LIFETIME"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("CLERKJS_TOKEN_LIFETIME=%q is not a positive duration", v)
		}
		lifetime = d
	}
	dataFile := filepath.Join(dir, "localclerk.db")
	opts := localclerk.Options{
		DataFile:        dataFile,
		Addr:            envOr("LOCALCLERK_ADDR", "127.0.0.1:3110"),
		Seed:            true,
		TokenLifetime:   lifetime,
		AllowedOrigins:  []string{appURL},
		SocialProviders: strings.FieldsFunc(os.Getenv("LOCALCLERK_SOCIAL"), func(r rune) bool { return r == ',' }),
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
	fmt.Fprintf(out, "clerkjs: localclerk (offline Clerk) at %s, data in %s\n", inst.FrontendAPIURL, dataFile)
	if d := inst.Demo; d != nil {
		fmt.Fprintln(out, "clerkjs: demo users:")
		for _, u := range d.Users {
			if u.Password != "" {
				fmt.Fprintf(out, "  %-28s password %s\n", u.Email, u.Password)
			}
		}
	}
	return inst, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
