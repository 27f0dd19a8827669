// Command localclerk runs an offline, Clerk-compatible development
// instance and prints the environment lines that point an app at it.
//
//	go run ./cmd/localclerk -seed -env-file .env
//	set -a; . ./.env; set +a     # then start your app in this shell
//
// The data file defaults to localclerk/localclerk.db in the user's cache
// directory, so nothing lands in the project you run it from.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/goclerk/clerk/localclerk"
)

func main() {
	addPasswordProcs()
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "localclerk:", err)
		os.Exit(1)
	}
}

// addPasswordProcs gives the runtime one more P per core, unless
// GOMAXPROCS is set in the environment. localclerk runs bcrypt on
// low-priority threads in at most GOMAXPROCS-1 slots (see the library's
// password gate); at the default GOMAXPROCS, one check at a time would
// run on a 2-core machine. With the extra Ps, checks from parallel test
// workers use every core, while the kernel still runs request threads
// before the low-priority bcrypt threads.
func addPasswordProcs() {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(runtime.GOMAXPROCS(0) + runtime.NumCPU())
	}
}

// config is the parsed command line.
type config struct {
	opts       localclerk.Options
	exportPath string
	importPath string
	envFile    string
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("localclerk", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	var origins, settingsFile, social string
	fs.StringVar(&c.opts.Addr, "addr", "127.0.0.1:4401", "listen address (loopback by default; use :0 for a random port)")
	fs.StringVar(&c.opts.DataFile, "data", defaultDataFile(), "SQLite data file; empty keeps data in memory")
	fs.StringVar(&c.envFile, "env-file", "", "also write the environment lines to this file (NAME='value', for set -a; . FILE or a dotenv loader)")
	fs.StringVar(&c.opts.AfterSignInURL, "after-sign-in-url", "http://localhost:8080/", "where a user who signs in without a redirect_url goes (your app); empty: the account page")
	fs.BoolVar(&c.opts.Seed, "seed", false, "seed demo users, an organization, a machine and an API key on first run")
	fs.StringVar(&c.opts.SeedFile, "seed-file", "", "JSON fixture to seed instead of the demo data (fixed ids)")
	fs.DurationVar(&c.opts.TokenLifetime, "token-lifetime", 60*time.Second, "session token lifetime")
	fs.BoolVar(&c.opts.RefreshCookie, "refresh-cookie", false, "handshakes also set __refresh, so SDKs refresh expired tokens through the Backend API instead of a handshake")
	fs.StringVar(&origins, "allowed-origins", "", "comma-separated extra redirect origins (localhost is always allowed)")
	fs.StringVar(&c.opts.WebhookURL, "webhook-url", "", "send Svix-signed Clerk webhooks (user.*, organization.*, session.*) to this URL")
	fs.StringVar(&c.opts.WebhookSecret, "webhook-secret", "", "webhook signing secret (whsec_...); generated and kept in the data file when empty")
	fs.StringVar(&social, "social", "", "comma-separated OAuth providers for social sign-in through localclerk's provider page (e.g. google,github)")
	fs.StringVar(&c.exportPath, "export", "", "write the instance as JSON to this file (- for stdout) and exit")
	fs.StringVar(&settingsFile, "settings", "", "JSON settings file (identifiers, factors, sign-up mode, password rules, organizations; see docs/clerkjs.md), applied at every start")
	fs.StringVar(&c.importPath, "import", "", "replace the instance's records with this JSON export before serving")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if c.opts.TokenLifetime < time.Second {
		return nil, fmt.Errorf("-token-lifetime must be at least 1s")
	}
	if settingsFile != "" {
		s, err := localclerk.ReadSettingsFile(settingsFile)
		if err != nil {
			return nil, err
		}
		c.opts.Settings = &s
	}
	for _, o := range strings.Split(origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.opts.AllowedOrigins = append(c.opts.AllowedOrigins, o)
		}
	}
	for _, p := range strings.Split(social, ",") {
		if p = strings.TrimSpace(p); p != "" {
			c.opts.SocialProviders = append(c.opts.SocialProviders, p)
		}
	}
	return &c, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	c.opts.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	if d := filepath.Dir(c.opts.DataFile); c.opts.DataFile != "" && d != "." {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("create the data directory: %w", err)
		}
	}
	inst, err := localclerk.Start(ctx, c.opts)
	if err != nil {
		return err
	}
	defer inst.Close()

	if c.importPath != "" {
		f, err := os.Open(c.importPath)
		if err != nil {
			return fmt.Errorf("open import file: %w", err)
		}
		err = inst.Import(ctx, f)
		f.Close()
		if err != nil {
			return err
		}
		if c.opts.Settings != nil { // the settings file wins over the export's
			if err := inst.SetSettings(ctx, *c.opts.Settings); err != nil {
				return err
			}
		}
	}
	if c.exportPath != "" {
		return export(ctx, inst, c.exportPath, stdout)
	}
	if c.envFile != "" {
		if err := writeEnvFile(c.envFile, inst.EnvLines()); err != nil {
			return err
		}
	}

	printBanner(stdout, inst, c)
	<-ctx.Done()
	fmt.Fprintln(stdout, "\nlocalclerk: shutting down")
	return inst.Close()
}

func export(ctx context.Context, inst *localclerk.Instance, path string, stdout io.Writer) error {
	if path == "-" {
		return inst.Export(ctx, stdout)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("create export file: %w", err)
	}
	if err := inst.Export(ctx, f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func printBanner(w io.Writer, inst *localclerk.Instance, c *config) {
	fmt.Fprintf(w, "localclerk is running (development instance)\n\n")
	fmt.Fprintf(w, "  Frontend API   %s\n", inst.FrontendAPIURL)
	fmt.Fprintf(w, "  Backend API    %s\n", inst.BackendAPIURL)
	fmt.Fprintf(w, "  Sign in        %s/sign-in\n", inst.FrontendAPIURL)
	fmt.Fprintf(w, "  Sign up        %s/sign-up\n", inst.FrontendAPIURL)
	fmt.Fprintf(w, "  Account        %s/user\n", inst.FrontendAPIURL)
	fmt.Fprintf(w, "  Outbox         %s/outbox (codes and invitations; nothing is e-mailed)\n", inst.FrontendAPIURL)
	if c.opts.AfterSignInURL != "" {
		fmt.Fprintf(w, "  After sign-in  %s (-after-sign-in-url, when no redirect_url is given)\n", c.opts.AfterSignInURL)
	}
	data := "in memory (lost on exit)"
	if c.opts.DataFile != "" {
		data = c.opts.DataFile + " (delete it to start over)"
	}
	fmt.Fprintf(w, "  Data           %s\n", data)
	fmt.Fprintf(w, "  Session tokens live %s; pages refresh them through a handshake\n\n", c.opts.TokenLifetime)
	if c.envFile != "" {
		fmt.Fprintf(w, "Environment for your app, also written to %s (load it with: set -a; . %s; set +a):\n\n", c.envFile, shellPath(c.envFile))
	} else {
		fmt.Fprintf(w, "Environment for your app (paste into your shell, or run with -env-file .env):\n\n")
	}
	for _, l := range inst.EnvLines() {
		fmt.Fprintf(w, "  export %s\n", shellLine(l))
	}
	if d := inst.Demo; d != nil {
		fmt.Fprintf(w, "\nDemo data:\n\n")
		for _, u := range d.Users {
			fmt.Fprintf(w, "  %-32s %-22s %s\n", u.Email, u.Password, u.ID)
		}
		if d.OrganizationID != "" {
			fmt.Fprintf(w, "  organization   %s (/%s)\n", d.OrganizationID, d.OrganizationSlug)
		}
		if d.APIKey != "" {
			fmt.Fprintf(w, "  API key        %s\n", d.APIKey)
		}
		if d.MachineID != "" {
			fmt.Fprintf(w, "  machine        %s  secret %s\n", d.MachineID, d.MachineSecretKey)
		}
	}
	fmt.Fprintf(w, "\nPress Ctrl+C to stop.\n")
}
