package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/goclerk/clerk"
	"github.com/goclerk/clerk/backend"
	"github.com/goclerk/clerk/localclerk"
)

// clerkSetup is everything the app needs from the Clerk instance it uses.
type clerkSetup struct {
	opts      clerk.Options
	client    *backend.Client
	signInURL string // hosted sign-in page; redirect_url is appended
	signUpURL string
	local     bool
	demo      *localclerk.DemoInfo
	close     func()
}

// setupClerk uses the instance named by CLERK_PUBLISHABLE_KEY and
// CLERK_SECRET_KEY, or starts localclerk when neither is set.
func setupClerk(ctx context.Context, appURL string, out io.Writer) (*clerkSetup, error) {
	pk, sk := os.Getenv("CLERK_PUBLISHABLE_KEY"), os.Getenv("CLERK_SECRET_KEY")
	switch {
	case pk != "" && sk != "":
		return remoteSetup(pk, sk, out)
	case pk != "" || sk != "":
		return nil, fmt.Errorf("set both CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY to use your Clerk instance, or neither to use localclerk")
	}
	return localSetup(ctx, appURL, out)
}

func localSetup(ctx context.Context, appURL string, out io.Writer) (*clerkSetup, error) {
	dir := os.Getenv("QUICKSTART_DATA_DIR")
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("no user cache directory (set QUICKSTART_DATA_DIR): %w", err)
		}
		dir = filepath.Join(cache, "goclerk-quickstart")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create the data directory %s: %w", dir, err)
	}
	lifetime := 60 * time.Second
	if v := os.Getenv("QUICKSTART_TOKEN_LIFETIME"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("QUICKSTART_TOKEN_LIFETIME=%q is not a positive duration", v)
		}
		lifetime = d
	}
	dataFile := filepath.Join(dir, "localclerk.db")
	inst, err := localclerk.Start(ctx, localclerk.Options{
		DataFile:       dataFile,
		Addr:           envOr("LOCALCLERK_ADDR", "localhost:3100"),
		Seed:           true,
		TokenLifetime:  lifetime,
		AllowedOrigins: []string{appURL},
	})
	if err != nil {
		return nil, fmt.Errorf("start localclerk with %s: %w\n(delete that file to start from a fresh demo instance)", dataFile, err)
	}
	client, err := backend.NewClient(backend.Config{SecretKey: inst.SecretKey, APIURL: inst.BackendAPIURL})
	if err != nil {
		inst.Close()
		return nil, err
	}
	s := &clerkSetup{
		opts: clerk.Options{
			PublishableKey: inst.PublishableKey,
			SecretKey:      inst.SecretKey,
			JWTKey:         inst.PublicKeyPEM,
			APIURL:         inst.BackendAPIURL,
			Client:         client,
		},
		client:    client,
		signInURL: inst.FrontendAPIURL + "/sign-in",
		signUpURL: inst.FrontendAPIURL + "/sign-up",
		local:     true,
		demo:      inst.Demo,
		close:     func() { inst.Close() },
	}
	fmt.Fprintf(out, "quickstart: localclerk (offline Clerk) at %s, data in %s\n", inst.FrontendAPIURL, dataFile)
	if d := inst.Demo; d != nil {
		fmt.Fprintln(out, "quickstart: demo users:")
		for _, u := range d.Users {
			if u.Password != "" {
				fmt.Fprintf(out, "  %-28s password %s\n", u.Email, u.Password)
			}
		}
		if d.APIKey != "" {
			fmt.Fprintf(out, "quickstart: demo API key: curl -H 'Authorization: Bearer %s' %s/api/items\n", d.APIKey, appURL)
		}
	}
	fmt.Fprintln(out, "quickstart: to use your own Clerk instance, set CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY")
	return s, nil
}

func remoteSetup(pk, sk string, out io.Writer) (*clerkSetup, error) {
	client, err := backend.NewClient(backend.Config{SecretKey: sk})
	if err != nil {
		return nil, err
	}
	accounts, err := accountPortal(pk)
	if err != nil {
		return nil, err
	}
	signIn := envOr("CLERK_SIGN_IN_URL", accounts+"/sign-in")
	fmt.Fprintf(out, "quickstart: using the Clerk instance of %s…; sign-in at %s\n", pk[:min(len(pk), 12)], signIn)
	return &clerkSetup{
		opts:      clerk.Options{PublishableKey: pk, SecretKey: sk, Client: client},
		client:    client,
		signInURL: signIn,
		signUpURL: envOr("CLERK_SIGN_UP_URL", accounts+"/sign-up"),
		close:     func() {},
	}, nil
}

// accountPortal derives the Account Portal origin from the publishable key's
// Frontend API host (clerk.example.com → accounts.example.com).
func accountPortal(pk string) (string, error) {
	parts := strings.Split(pk, "_")
	if len(parts) != 3 {
		return "", fmt.Errorf("CLERK_PUBLISHABLE_KEY is not a publishable key")
	}
	host, err := decodeKeyHost(parts[2])
	if err != nil {
		return "", err
	}
	switch {
	case strings.Contains(host, "clerk.accounts."):
		host = strings.Replace(host, "clerk.accounts.", "accounts.", 1)
	case strings.HasPrefix(host, "clerk."):
		host = "accounts." + strings.TrimPrefix(host, "clerk.")
	}
	u := url.URL{Scheme: "https", Host: host}
	return u.String(), nil
}
