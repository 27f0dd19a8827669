// Package localclerk is an offline, Clerk-compatible development instance.
//
// It serves the parts of Clerk's Frontend API that server-side SDKs depend
// on (JWKS, dev browser, the handshake), hosted sign-in/sign-up/user pages,
// and a subset of the Backend API, all backed by SQLite. Start one in a
// test or a development server and point any Clerk SDK at it: the
// publishable key encodes the instance's own address, so SDKs find it
// without extra configuration.
//
//	inst, err := localclerk.Start(ctx, localclerk.Options{Seed: true})
//	...
//	defer inst.Close()
//	for _, line := range inst.EnvLines() { fmt.Println(line) }
//
// # URL layout
//
// One listener serves everything:
//
//   - Frontend API at the root: /v1/client/handshake, /.well-known/jwks.json,
//     /v1/jwks, /v1/dev_browser, /v1/client, /v1/client/sessions/{id}/tokens,
//     /v1/tickets/accept, and what clerk-js calls: /v1/environment,
//     /v1/client/sign_ins, /v1/client/sign_ups, session touch, tokens,
//     reverification (/v1/client/sessions/{id}/verify...) and sign-out,
//     /v1/me/... (see docs/clerkjs.md). The same paths under
//     /__clerk are accepted, for apps that proxy the Frontend API.
//   - Clerk's browser bundles: /npm/@clerk/clerk-js@<v>/dist/... and
//     /npm/@clerk/ui@<v>/dist/..., from packages unpacked by
//     InstallBundles (ClerkJSVersion, ClerkUIVersion).
//   - Hosted pages: /sign-in, /sign-up, /user (profile and active
//     organization), /sign-out, and with Options.SocialProviders the page
//     that stands in for each provider, /oauth/<provider>/authorize, whose
//     answer comes back through /v1/oauth_callback.
//   - Backend API under /api: CLERK_API_URL is <FrontendAPIURL>/api, so
//     /api/v1/users and the version-less machine endpoints
//     /api/api_keys/verify, /api/m2m_tokens/verify and
//     /api/oauth_applications/access_tokens/verify both work. COVERAGE.md
//     lists the operations served; any other operation of Clerk's Backend
//     API answers 501 with the error code
//     operation_not_available_in_localclerk naming it, and a path Clerk
//     does not have answers 404.
//
// # Pointing SDKs at it
//
// A goclerk app needs CLERK_PUBLISHABLE_KEY, CLERK_SECRET_KEY and
// CLERK_API_URL from EnvLines; goclerk talks plain HTTP to loopback
// Frontend API hosts. Clerk's JavaScript SDKs build https:// handshake URLs
// from the publishable key, so give them proxyUrl = FrontendAPIURL as
// well, e.g. clerkMiddleware({ proxyUrl: inst.FrontendAPIURL }) with
// CLERK_API_URL set.
//
// clerk-js in the browser needs proxyUrl = FrontendAPIURL and an app on
// the same loopback host (same-site): it then keeps its client in
// localclerk's cookie and writes __session and __client_uat on the app's
// origin itself, where goclerk reads them; see examples/clerkjs.
//
// In development Clerk hands the session to the app through the dev
// browser: after sign-in the browser returns to redirect_url with
// __clerk_db_jwt in the query, the app's middleware performs a handshake
// against /v1/client/handshake, and the handshake answers with the
// session cookies, exactly as on a Clerk development instance.
//
// # Data
//
// Options.Seed (or a JSON Fixture in Options.SeedFile, with fixed ids)
// creates demo users, an organization with roles, permissions and a billing
// plan, a machine and an API key once per data file; DemoInfo lists them.
// Export and Import move a whole instance as JSON. Addresses containing
// +clerk_test are Clerk test identities: their e-mail code is 424242.
// Options.WebhookURL receives Svix-signed user.*, organization.*,
// organizationMembership.* and session.* events.
package localclerk

import (
	"context"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configures an instance. The zero value is a usable in-memory,
// unseeded instance on a random loopback port.
type Options struct {
	// DataFile is the SQLite database path; empty keeps everything in
	// memory (lost on Close). It holds the keys and password hashes, so it
	// and its -wal/-shm files are kept at mode 0600.
	DataFile string
	// Addr is the listen address; default "127.0.0.1:0". Non-loopback
	// addresses expose the instance's unauthenticated pages to the network.
	Addr string
	// TokenLifetime is the session token lifetime; default 60 s as on Clerk.
	TokenLifetime time.Duration
	// RefreshCookie makes the handshake also set __refresh_<suffix>, so
	// that an SDK seeing an expired session token refreshes it through the
	// Backend API (RefreshSession) instead of a handshake redirect. Off by
	// default, as on Clerk development instances, which answer an expired
	// token with a handshake.
	RefreshCookie bool
	// Seed adds demo users, an organization with roles and permissions, a
	// machine and an API key the first time the data file is used.
	Seed bool
	// SeedFile is a JSON fixture (see Fixture) applied once instead of the
	// built-in demo data; ids in it are kept, so seeds are deterministic.
	SeedFile string
	// AllowedOrigins lists extra origins (scheme://host[:port]) that
	// redirect_url may point to. http(s) on localhost, 127.0.0.1 and [::1]
	// (any port) are always allowed. Requests are answered only when their
	// Host is one of those, the listener's address or an allowed origin's
	// host (DNS rebinding protection).
	AllowedOrigins []string
	// AfterSignInURL is where a user who signed in or up without a
	// redirect_url is sent (with the dev browser id, so the app's
	// middleware picks the session up), as Clerk sends them to the
	// application's home URL. It must be on an allowed origin. Empty keeps
	// them on the account page (/user).
	AfterSignInURL string
	// Now is the clock; default time.Now. Tests inject one to control
	// token expiry exactly.
	Now func() time.Time
	// Logger receives request errors; default slog.Default().
	Logger *slog.Logger
	// Listener, when set, is used instead of listening on Addr.
	Listener net.Listener
	// WebhookURL, when set, receives Clerk-style webhook deliveries
	// (user.*, organization.*, organizationMembership.*, session.*),
	// signed with WebhookSecret the way Svix signs Clerk's.
	WebhookURL string
	// WebhookSecret is the signing secret ("whsec_<base64>"); empty
	// generates one, kept in the data file (see Instance.WebhookSecret).
	WebhookSecret string
	// Settings, when set, replace the instance's sign-in settings at
	// start (identifiers, factors, sign-up mode, password rules,
	// organizations; see Settings and ReadSettingsFile).
	Settings *Settings
	// BundleDir holds the unpacked @clerk/clerk-js and @clerk/ui packages
	// served under /npm/ (see InstallBundles); default DefaultBundleDir().
	BundleDir string
	// SocialProviders enables social sign-in with these OAuth providers
	// ("google", "github", or Clerk's strategy names "oauth_google"...):
	// "Continue with ..." in the components leads to localclerk's own
	// provider page, where the developer picks who to be. Empty: none.
	SocialProviders []string

	testKey      *rsa.PrivateKey // tests reuse one key to keep -race runs fast
	testMaxPages int             // tests cap the data file to see a full disk
}

// Instance is a running localclerk.
type Instance struct {
	// FrontendAPIURL is the Frontend API and hosted pages base URL, e.g.
	// http://127.0.0.1:4401.
	FrontendAPIURL string
	// Issuer is the iss claim of session and JWT template tokens, e.g.
	// https://clerk.localhost:4401 (see issuer.go): a claim value that
	// clerk-sdk-go's issuer rule accepts, not an address to fetch from.
	Issuer string
	// BackendAPIURL is the value for CLERK_API_URL.
	BackendAPIURL string
	// PublishableKey encodes the Frontend API host (pk_test_...).
	PublishableKey string
	// SecretKey authenticates Backend API calls (sk_test_...).
	SecretKey string
	// PublicKeyPEM is the session token verification key (CLERK_JWT_KEY),
	// for networkless verification.
	PublicKeyPEM string
	// KeyID is the kid of the signing key.
	KeyID string
	// CookieSuffix is the suffix of suffixed cookie names for this
	// publishable key.
	CookieSuffix string
	// Demo describes the seeded demo data, when any was seeded.
	Demo *DemoInfo
	// WebhookSecret verifies webhook deliveries (CLERK_WEBHOOK_SIGNING_SECRET)
	// when Options.WebhookURL is set.
	WebhookSecret string

	opts     Options
	now      func() time.Time
	lifetime time.Duration
	log      *slog.Logger
	store    *store
	srv      *http.Server
	ln       net.Listener
	allowed  map[string]bool
	handler  http.Handler
	mux      *routeMux // what routes registered; tests enumerate it
	bapiMux  *routeMux // the Backend API's routes, relative to /v1
	done     chan struct{}
	serveErr error

	// live holds the UpdateInstance settings (bapi_instance.go).
	live atomic.Pointer[liveSettings]
	// env is the encoded /v1/environment of settings generation envGen
	// (fapi_environment.go).
	env    atomic.Pointer[environmentCache]
	envGen atomic.Uint64

	mu       sync.RWMutex
	keys     *keyMaterial
	webhooks *webhookSender

	closeOnce sync.Once
	closeErr  error
}

// Start opens (or creates) the data file, listens, and serves until Close.
// ctx bounds only the start-up work.
func Start(ctx context.Context, opts Options) (*Instance, error) {
	inst := &Instance{opts: opts, now: opts.Now, lifetime: opts.TokenLifetime, log: opts.Logger, done: make(chan struct{})}
	if inst.now == nil {
		inst.now = time.Now
	}
	if inst.lifetime <= 0 {
		inst.lifetime = 60 * time.Second
	}
	if inst.log == nil {
		inst.log = slog.Default()
	}
	allowed, err := parseAllowedOrigins(opts.AllowedOrigins)
	if err != nil {
		return nil, err
	}
	inst.allowed = allowed
	if _, err := parseSocialProviders(opts.SocialProviders); err != nil {
		return nil, err
	}
	if opts.AfterSignInURL != "" {
		if _, aerr := checkRedirectURL(opts.AfterSignInURL, allowed, ""); aerr != nil {
			return nil, fmt.Errorf("localclerk: AfterSignInURL %q: %s", opts.AfterSignInURL, longMessage(aerr))
		}
	}

	var lock *os.File
	if opts.DataFile != "" {
		// Lock first: a second instance, or a file this user cannot
		// write, is reported before anything reads or changes the file.
		if lock, err = lockDataFile(opts.DataFile); err != nil {
			return nil, err
		}
		err := checkDataFile(opts.DataFile)
		if err == nil {
			err = privateDataFile(opts.DataFile)
		}
		if err != nil {
			lock.Close()
			return nil, err
		}
	}
	st, err := openStore(ctx, opts.DataFile, lock, opts.testMaxPages)
	if err != nil {
		if errors.Is(err, ErrDataFileInUse) || errors.Is(err, ErrDataFileReadOnly) || errors.Is(err, ErrDiskFull) {
			return nil, err
		}
		if opts.DataFile != "" {
			return nil, fmt.Errorf("localclerk: data file %s is unusable (corrupt, or not a localclerk database): %w", opts.DataFile, err)
		}
		return nil, fmt.Errorf("localclerk: open in-memory database: %w", err)
	}
	inst.store = st
	if err := inst.applyStartSettings(ctx); err != nil {
		st.close()
		return nil, err
	}
	if err := inst.loadLiveSettings(ctx); err != nil {
		st.close()
		return nil, fmt.Errorf("localclerk: read instance settings: %w", err)
	}

	ln := opts.Listener
	if ln == nil {
		addr := opts.Addr
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		ln, err = net.Listen("tcp", addr)
		if err != nil {
			st.close()
			return nil, fmt.Errorf("localclerk: listen on %s: %w", addr, err)
		}
	}
	inst.ln = ln
	if ta, ok := ln.Addr().(*net.TCPAddr); ok && !ta.IP.IsLoopback() {
		inst.log.Warn("localclerk: listening on a non-loopback address; anyone on the network can use its sign-in pages", "addr", ta.String())
	}
	host := ln.Addr().String()
	if ta, ok := ln.Addr().(*net.TCPAddr); ok && ta.IP.IsUnspecified() {
		host = net.JoinHostPort("localhost", fmt.Sprint(ta.Port))
	}
	inst.FrontendAPIURL = "http://" + host
	inst.BackendAPIURL = inst.FrontendAPIURL + "/api"
	inst.Issuer = issuerFor(ln.Addr())
	inst.PublishableKey = "pk_test_" + base64.StdEncoding.EncodeToString([]byte(host+"$"))
	inst.CookieSuffix = cookieSuffix(inst.PublishableKey)

	if err := inst.prepare(ctx); err != nil {
		ln.Close()
		if inst.webhooks != nil {
			inst.webhooks.close()
		}
		st.close()
		return nil, classifyStoreError(opts.DataFile, err)
	}

	inst.handler = inst.hostCheck(inst.routes())
	inst.srv = &http.Server{
		Handler:           inst.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(inst.log.Handler(), slog.LevelWarn),
	}
	go func() {
		defer close(inst.done)
		if err := inst.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			inst.serveErr = err
		}
	}()
	return inst, nil
}

// DefaultDataFile is a per-user data file location
// (<user cache dir>/goclerk/localclerk.db), creating its directory, for
// tools that want data to survive restarts without asking for a path.
func DefaultDataFile() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("localclerk: no user cache directory: %w", err)
	}
	dir = filepath.Join(dir, "goclerk")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("localclerk: create %s: %w", dir, err)
	}
	return filepath.Join(dir, "localclerk.db"), nil
}

// prepare loads keys, starts webhook delivery and seeds: the start-up
// steps that need the store but not the server.
func (inst *Instance) prepare(ctx context.Context) error {
	if err := inst.loadOrCreateKeys(ctx); err != nil {
		return err
	}
	if inst.opts.WebhookURL != "" {
		if err := inst.startWebhooks(ctx); err != nil {
			return err
		}
	}
	if inst.opts.Seed || inst.opts.SeedFile != "" {
		if err := inst.seed(ctx); err != nil {
			return err
		}
	}
	return inst.loadDemoInfo(ctx)
}

// checkDataFile rejects a data file that exists but is clearly not SQLite,
// before the driver gets to it.
func checkDataFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("localclerk: cannot read data file %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("localclerk: cannot read data file %s: %w", path, err)
	}
	if st.IsDir() {
		return fmt.Errorf("localclerk: data file %s is a directory", path)
	}
	if st.Size() == 0 {
		return nil
	}
	head := make([]byte, 16)
	n, _ := f.Read(head)
	if n < 16 || string(head) != "SQLite format 3\x00" {
		return fmt.Errorf("localclerk: data file %s is not a SQLite database (corrupt or wrong file); move it away to start fresh", path)
	}
	return nil
}

// Handler returns the instance's HTTP handler (the same one it serves),
// for mounting in a test server or behind a proxy.
func (inst *Instance) Handler() http.Handler { return inst.handler }

// Close stops the server and closes the data file. In-memory data is lost.
func (inst *Instance) Close() error {
	inst.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := inst.srv.Shutdown(ctx)
		<-inst.done
		if inst.webhooks != nil {
			inst.webhooks.close()
		}
		if err2 := inst.store.close(); err == nil && err2 != nil {
			err = fmt.Errorf("localclerk: close data file: %w", err2)
		}
		if err == nil {
			err = inst.serveErr
		}
		inst.closeErr = err
	})
	return inst.closeErr
}

// EnvLines returns the environment lines that point a Clerk SDK (goclerk,
// @clerk/express, @clerk/backend, a Vite or Next.js frontend) at this
// instance. CLERK_FAPI_URL is
// where a Frontend API proxy forwards to; CLERK_MACHINE_SECRET_KEY is
// present when a machine was seeded. Values are unquoted (for os.Setenv
// and the like; CLERK_JWT_KEY spans three lines); cmd/localclerk prints
// them shell-quoted.
func (inst *Instance) EnvLines() []string {
	lines := []string{
		"CLERK_PUBLISHABLE_KEY=" + inst.PublishableKey,
		"CLERK_SECRET_KEY=" + inst.SecretKey,
		"CLERK_API_URL=" + inst.BackendAPIURL,
		"CLERK_FAPI_URL=" + inst.FrontendAPIURL,
		"CLERK_SIGN_IN_URL=" + inst.FrontendAPIURL + "/sign-in",
		"CLERK_SIGN_UP_URL=" + inst.FrontendAPIURL + "/sign-up",
		// The publishable key under the names Vite and Next.js expose to
		// the browser (and @clerk/testing's clerkSetup reads). A frontend
		// reaches the Frontend API through its dev server's proxy, forwarding
		// a relative proxyUrl such as /__clerk to CLERK_FAPI_URL (docs/react.md).
		"VITE_CLERK_PUBLISHABLE_KEY=" + inst.PublishableKey,
		"NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=" + inst.PublishableKey,
		// The PEM with its line breaks, as Clerk's dashboard shows it: the
		// only form every SDK parses. clerk-sdk-go hands the value to
		// encoding/pem, which needs the armour on lines of their own
		// (one-line PEM and literal \n fail there); goclerk and
		// @clerk/backend drop the line breaks themselves. cmd/localclerk
		// prints it single-quoted, which shells and dotenv loaders read
		// back across lines unchanged.
		"CLERK_JWT_KEY=" + strings.TrimSpace(inst.PublicKeyPEM),
	}
	if inst.WebhookSecret != "" {
		lines = append(lines, "CLERK_WEBHOOK_SIGNING_SECRET="+inst.WebhookSecret)
	}
	if inst.Demo != nil && inst.Demo.MachineSecretKey != "" {
		lines = append(lines, "CLERK_MACHINE_SECRET_KEY="+inst.Demo.MachineSecretKey)
	}
	return lines
}

func (inst *Instance) key() *keyMaterial {
	inst.mu.RLock()
	defer inst.mu.RUnlock()
	return inst.keys
}

func (inst *Instance) secretKey() string {
	inst.mu.RLock()
	defer inst.mu.RUnlock()
	return inst.SecretKey
}

// loadOrCreateKeys reads the signing key and secret key from the data
// file, creating and persisting them on first use.
func (inst *Instance) loadOrCreateKeys(ctx context.Context) error {
	var km *keyMaterial
	var secret string
	err := inst.store.update(ctx, func(t *txn) error {
		kid, err := t.getMeta("kid")
		if errors.Is(err, errNotFound) {
			priv := inst.opts.testKey
			if priv == nil {
				if priv, err = generateKey(); err != nil {
					return err
				}
			}
			p, err := encodePrivateKey(priv)
			if err != nil {
				return err
			}
			kid = newID("ins")
			if err := t.setMeta("kid", kid); err != nil {
				return err
			}
			if err := t.setMeta("signing_key", p); err != nil {
				return err
			}
			if err := t.setMeta("secret_key", "sk_test_"+randString(40)); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		p, err := t.getMeta("signing_key")
		if err != nil {
			return fmt.Errorf("signing key: %w", err)
		}
		priv, err := decodePrivateKey(p)
		if err != nil {
			return err
		}
		if km, err = newKeyMaterial(kid, priv); err != nil {
			return err
		}
		secret, err = t.getMeta("secret_key")
		if err != nil {
			return fmt.Errorf("secret key: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("localclerk: load keys: %w", err)
	}
	inst.mu.Lock()
	inst.keys = km
	inst.SecretKey = secret
	inst.PublicKeyPEM = km.pem
	inst.KeyID = km.kid
	inst.mu.Unlock()
	return nil
}

// startWebhooks loads or creates the signing secret and starts delivery.
func (inst *Instance) startWebhooks(ctx context.Context) error {
	secret := inst.opts.WebhookSecret
	err := inst.store.update(ctx, func(t *txn) error {
		if secret != "" {
			return t.setMeta("webhook_secret", secret)
		}
		v, err := t.getMeta("webhook_secret")
		if errors.Is(err, errNotFound) {
			secret = newWebhookSecret()
			return t.setMeta("webhook_secret", secret)
		}
		secret = v
		return err
	})
	if err != nil {
		return fmt.Errorf("localclerk: webhook secret: %w", err)
	}
	ws, err := newWebhookSender(inst.opts.WebhookURL, secret, inst.log, inst.now)
	if err != nil {
		return err
	}
	inst.webhooks = ws
	inst.WebhookSecret = secret
	kid := inst.KeyID
	inst.store.onCommit = func(evts []webhookEvent) { ws.enqueue(kid, evts) }
	return nil
}

// cookieSuffix is the first 8 characters of the URL-safe base64 SHA-1 of
// the publishable key, as Clerk's SDKs compute it.
func cookieSuffix(pk string) string {
	sum := sha1.Sum([]byte(pk))
	return base64.URLEncoding.EncodeToString(sum[:])[:8]
}
