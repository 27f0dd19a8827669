// Package clerktest helps test code protected by goclerk without a Clerk
// account and without a network.
//
// An Instance is a fake Clerk instance: an RSA key pair, matching
// publishable and secret keys, and an in-process Backend API (an
// httptest.Server) that serves the instance JWKS and verifies the API keys,
// M2M tokens and OAuth access tokens the Instance minted. Instance.Options
// returns a clerk.Options wired to all of it, so the real middleware runs
// unchanged:
//
//	inst := clerktest.New(t, clerktest.Options{})
//	mw, _ := clerk.Middleware(inst.Options())
//	req := httptest.NewRequest("GET", "/me", nil)
//	req.Header.Set("Authorization", "Bearer "+inst.SessionToken(clerktest.Session{UserID: "user_1"}))
//	mw(handler).ServeHTTP(rec, req)
//
// The fake Backend API also keeps users, organizations and memberships in
// memory (create, get, list with Clerk's main filters and TotalCount,
// update, metadata, delete), answering the JSON package backend decodes:
// Instance.Client returns a *backend.Client for it, so code under test
// that calls the Backend API needs no hand-written handlers. Handle adds
// or overrides endpoints. WebhookRequest builds a webhook delivery signed
// as Clerk (Svix) signs it, for the handler under test:
//
//	req := clerktest.WebhookRequest(t, secret, webhooks.UserCreated, user)
//	handler.ServeHTTP(rec, req)
//
// With Options.LocalFrontendAPI the fake server also answers handshake
// redirects as Clerk's Frontend API would, signing the browser in as the
// session given to SetBrowserSession, so a client with a cookie jar (or a
// real browser) goes through the whole handshake.
//
// Package clerktest/localtest runs a whole localclerk instance in memory,
// for tests that sign users in through its hosted pages.
package clerktest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	clerk "github.com/goclerk/clerk"
)

// DefaultFrontendAPI is the Frontend API host of instances created without
// Options.FrontendAPI. The .invalid top-level domain never resolves, so a
// handshake redirect followed by mistake fails fast instead of leaving the
// machine.
const DefaultFrontendAPI = "clerk.clerktest.invalid"

// Instance is a fake Clerk instance. Create it with New or NewInstance and
// close it when done (New closes it at the end of the test). Its methods
// are safe for concurrent use.
type Instance struct {
	// PublishableKey is pk_test_… (pk_live_… with WithProduction) encoding
	// FrontendAPI.
	PublishableKey string
	// SecretKey authenticates calls to the fake Backend API.
	SecretKey string
	// MachineSecretKey (ak_…, Clerk's prefix for machine secret keys) is
	// also accepted by the M2M verification endpoint. Options does not set
	// it; assign it to clerk.Options.MachineSecretKey to exercise that path.
	MachineSecretKey string
	// FrontendAPI is the instance's Frontend API host.
	FrontendAPI string
	// Production reports a pk_live_/sk_live_ instance.
	Production bool
	// KeyID is the kid of the signing key, as published in the JWKS.
	KeyID string
	// PrivateKey signs every token the instance mints.
	PrivateKey *rsa.PrivateKey
	// JWTKey is the PEM public key, for clerk.Options.JWTKey.
	JWTKey string
	// APIURL is the base URL of the fake Backend API.
	APIURL string

	now    func() time.Time
	issuer string // iss of minted tokens
	server *httptest.Server
	mux    *http.ServeMux
	// custom holds the endpoints registered with Handle; they take
	// precedence over the built-in ones.
	custom *http.ServeMux
	fake   *fakeStore

	mu      sync.Mutex
	tokens  map[string]machineRecord // opaque machine tokens by secret
	nonces  map[string][]string      // handshake nonce → cookie directives
	browser *Session                 // who the fake Frontend API signs in
}

// Options configures NewInstance. The zero value is a development
// instance on DefaultFrontendAPI with a fresh key and the system clock.
type Options struct {
	// Production makes a production instance (pk_live_, sk_live_): no dev
	// browser, and handshakes resolve without a redirect back.
	Production bool
	// FrontendAPI is the Frontend API host encoded in the publishable key
	// (it must contain a dot). Default DefaultFrontendAPI.
	FrontendAPI string
	// LocalFrontendAPI makes the fake server the instance's Frontend API as
	// well: FrontendAPI becomes its 127.0.0.1:port address, so handshake
	// redirects reach it (over plain HTTP, as for any loopback Frontend
	// API) and it answers them like Clerk's, signing the browser in as the
	// session set with SetBrowserSession. A client with a cookie jar that
	// follows redirects then goes through the whole handshake. It overrides
	// FrontendAPI.
	LocalFrontendAPI bool
	// Now is the clock used to mint tokens and, through Instance.Options,
	// the middleware's clock, so tests can pin time. Default time.Now.
	Now func() time.Time
	// Key signs every token. Default: a freshly generated RSA 2048 key.
	Key *rsa.PrivateKey
}

// New is NewInstance for tests: it fails tb on error and closes the
// instance when the test ends.
func New(tb testing.TB, opts Options) *Instance {
	tb.Helper()
	inst, err := NewInstance(opts)
	if err != nil {
		tb.Fatalf("clerktest: %v", err)
	}
	tb.Cleanup(inst.Close)
	return inst
}

// NewInstance generates a key pair and keys, and starts the fake Backend
// API. Call Close to stop it.
func NewInstance(opts Options) (*Instance, error) {
	cfg := opts
	if cfg.FrontendAPI == "" {
		cfg.FrontendAPI = DefaultFrontendAPI
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	key := cfg.Key
	if key == nil {
		var err error
		if key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			return nil, fmt.Errorf("generate the instance key: %w", err)
		}
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("encode the instance public key: %w", err)
	}
	env := "test"
	if cfg.Production {
		env = "live"
	}
	inst := &Instance{
		SecretKey:        "sk_" + env + "_" + randomHex(20),
		MachineSecretKey: "ak_" + randomHex(20),
		FrontendAPI:      cfg.FrontendAPI,
		Production:       cfg.Production,
		KeyID:            "ins_" + randomHex(12),
		PrivateKey:       key,
		JWTKey:           string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
		now:              cfg.Now,
		issuer:           "https://" + cfg.FrontendAPI,
		tokens:           map[string]machineRecord{},
		nonces:           map[string][]string{},
	}
	inst.mux, inst.custom, inst.fake = http.NewServeMux(), http.NewServeMux(), newFakeStore()
	inst.routes()
	inst.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := inst.custom.Handler(r); pattern != "" {
			inst.custom.ServeHTTP(w, r)
			return
		}
		inst.mux.ServeHTTP(w, r)
	}))
	inst.APIURL = inst.server.URL
	if cfg.LocalFrontendAPI {
		inst.FrontendAPI = inst.server.Listener.Addr().String()
		inst.issuer = inst.server.URL
	}
	inst.PublishableKey = PublishableKey(inst.FrontendAPI, cfg.Production)
	return inst, nil
}

// SetBrowserSession sets who the fake Frontend API (see
// Options.LocalFrontendAPI) signs a browser in as when it comes for a
// handshake: each handshake mints a fresh token from s. Nil signs the
// browser out.
func (i *Instance) SetBrowserSession(s *Session) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if s == nil {
		i.browser = nil
		return
	}
	c := *s
	i.browser = &c
}

// Close stops the fake Backend API.
func (i *Instance) Close() { i.server.Close() }

// Now is the instance clock.
func (i *Instance) Now() time.Time { return i.now() }

// Options returns middleware options for this instance: the keys, JWTKey
// (so session tokens verify without a network call), APIURL pointing at the
// fake Backend API (machine tokens, handshake nonces), and the instance
// clock. Adjust the copy as needed; clearing JWTKey makes the middleware
// fetch the JWKS from the fake instead.
func (i *Instance) Options() clerk.Options {
	return clerk.Options{
		PublishableKey: i.PublishableKey,
		SecretKey:      i.SecretKey,
		JWTKey:         i.JWTKey,
		APIURL:         i.APIURL,
		Now:            i.now,
	}
}

// Handle registers an endpoint on the fake Backend API, e.g.
// "GET /v1/users/{id}", for code under test that calls the Backend API
// through the client clerk.Options or backend.NewClient builds. It takes
// precedence over the built-in endpoints (the users and organizations of
// the in-memory fake too), so a test can make one of them answer an error:
// every request the pattern matches, even one a built-in pattern matches
// more precisely ("GET /v1/users/{id}" also takes GET /v1/users/count).
func (i *Instance) Handle(pattern string, h http.Handler) { i.custom.Handle(pattern, h) }

// PublishableKey encodes a publishable key for a Frontend API host, the way
// Clerk does: pk_test_ (or pk_live_) + base64("<host>$").
func PublishableKey(frontendAPI string, production bool) string {
	prefix := "pk_test_"
	if production {
		prefix = "pk_live_"
	}
	return prefix + base64.StdEncoding.EncodeToString([]byte(frontendAPI+"$"))
}

// DevBrowser returns a dev-browser token value for the __clerk_db_jwt
// cookie. A development instance answers document requests without one
// with a handshake redirect.
func (i *Instance) DevBrowser() string { return "dvb_" + randomHex(12) }

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(errors.Join(errors.New("clerktest: read random bytes"), err))
	}
	return hex.EncodeToString(b)
}
