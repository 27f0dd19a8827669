package clerk_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/goclerk/clerk"
	"github.com/goclerk/clerk/backend"
)

func TestOptionsValidation(t *testing.T) {
	_, goodPEM := rtKeys(t)
	rows := []struct {
		name   string
		mod    func(*clerk.Options)
		option string // "" means valid
	}{
		{"valid", func(*clerk.Options) {}, ""},
		{"missing publishable key", func(o *clerk.Options) { o.PublishableKey = "" }, "PublishableKey"},
		{"malformed publishable key prefix", func(o *clerk.Options) { o.PublishableKey = "pk_prod_abc" }, "PublishableKey"},
		{"malformed publishable key body", func(o *clerk.Options) { o.PublishableKey = "pk_test_bm90LWEtaG9zdA" }, "PublishableKey"},
		{"secret key as publishable key", func(o *clerk.Options) { o.PublishableKey = "sk_test_abc" }, "PublishableKey"},
		{"missing secret key", func(o *clerk.Options) { o.SecretKey = "" }, "SecretKey"},
		{"satellite without domain or proxy", func(o *clerk.Options) {
			o.IsSatellite, o.SignInURL = true, "https://primary.example.com/sign-in"
		}, "Domain"},
		{"satellite with proxy URL", func(o *clerk.Options) {
			o.IsSatellite, o.ProxyURL, o.SignInURL = true, "https://sat.example.org/__clerk", "https://primary.example.com/sign-in"
		}, ""},
		{"dev satellite without sign-in URL", func(o *clerk.Options) { o.IsSatellite, o.Domain = true, "sat.example.org" }, "SignInURL"},
		{"dev satellite with relative sign-in URL", func(o *clerk.Options) {
			o.IsSatellite, o.Domain, o.SignInURL = true, "sat.example.org", "/sign-in"
		}, "SignInURL"},
		{"dev satellite with absolute sign-in URL", func(o *clerk.Options) {
			o.IsSatellite, o.Domain, o.SignInURL = true, "sat.example.org", "https://primary.example.com/sign-in"
		}, ""},
		{"prod satellite without sign-in URL", func(o *clerk.Options) {
			o.SecretKey, o.PublishableKey, o.IsSatellite, o.Domain = "sk_live_x", rtPKLive, true, "sat.example.org"
		}, ""},
		{"bad JWT key", func(o *clerk.Options) { o.JWTKey = "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----" }, "JWTKey"},
		{"JWT key not PEM", func(o *clerk.Options) { o.JWTKey = "not a pem" }, "JWTKey"},
		{"JWT key good", func(o *clerk.Options) { o.JWTKey = goodPEM }, ""},
		{"bad organization pattern", func(o *clerk.Options) {
			o.OrganizationSyncOptions = &clerk.OrganizationSyncOptions{OrganizationPatterns: []string{"/orgs/:slug", "/orgs/("}}
		}, "OrganizationSyncOptions.OrganizationPatterns"},
		{"bad personal pattern", func(o *clerk.Options) {
			o.OrganizationSyncOptions = &clerk.OrganizationSyncOptions{OrganizationPatterns: []string{"/orgs/:slug"}, PersonalAccountPatterns: []string{"/me/:"}}
		}, "OrganizationSyncOptions.PersonalAccountPatterns"},
		{"good patterns", func(o *clerk.Options) {
			o.OrganizationSyncOptions = &clerk.OrganizationSyncOptions{OrganizationPatterns: []string{"/orgs/:slug", "/orgs/:slug/(.*)"}, PersonalAccountPatterns: []string{"/me"}}
		}, ""},
		{"proxy URL not http", func(o *clerk.Options) { o.ProxyURL = "ftp://x.example.com/p" }, "ProxyURL"},
		{"proxy URL protocol-relative", func(o *clerk.Options) { o.ProxyURL = "//x.example.com/p" }, "ProxyURL"},
		{"proxy URL relative", func(o *clerk.Options) { o.ProxyURL = "/__clerk" }, ""},
		{"negative clock skew", func(o *clerk.Options) { o.ClockSkew = -time.Second }, "ClockSkew"},
		{"proxy URL with query", func(o *clerk.Options) { o.ProxyURL = "https://x.example.com/p?a=1" }, "ProxyURL"},
		{"proxy URL with fragment", func(o *clerk.Options) { o.ProxyURL = "/__clerk#x" }, "ProxyURL"},
		{"JWKS fetch timeout over 5s", func(o *clerk.Options) { o.JWKSFetchTimeout = 6 * time.Second }, "JWKSFetchTimeout"},
		{"negative JWKS fetch timeout", func(o *clerk.Options) { o.JWKSFetchTimeout = -time.Second }, "JWKSFetchTimeout"},
		{"JWKS fetch timeout 5s", func(o *clerk.Options) { o.JWKSFetchTimeout = 5 * time.Second }, ""},
		{"JWKS max staleness under the refresh period", func(o *clerk.Options) { o.JWKSMaxStaleness = time.Minute }, "JWKSMaxStaleness"},
		{"negative JWKS max staleness", func(o *clerk.Options) { o.JWKSMaxStaleness = -time.Hour }, "JWKSMaxStaleness"},
		{"JWKS max staleness an hour", func(o *clerk.Options) { o.JWKSMaxStaleness = time.Hour }, ""},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			rtClearEnv(t)
			o := rtOptions(t)
			r.mod(&o)
			mw, err := clerk.Middleware(o)
			if r.option == "" {
				if err != nil || mw == nil {
					t.Fatalf("Middleware: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Middleware accepted the options, want an error naming %s", r.option)
			}
			var oe *clerk.OptionError
			if !errors.As(err, &oe) || oe.Option != r.option {
				t.Fatalf("error %v does not name %s", err, r.option)
			}
			if !strings.Contains(err.Error(), "Options."+r.option) || oe.Unwrap() == nil {
				t.Errorf("message %q does not name the option", err.Error())
			}
		})
	}
}

func TestEnvFallback(t *testing.T) {
	_, goodPEM := rtKeys(t)
	tok := rtSession(t, nil)

	t.Run("keys from the environment", func(t *testing.T) {
		rtClearEnv(t)
		t.Setenv("CLERK_SECRET_KEY", "sk_test_env")
		t.Setenv("CLERK_PUBLISHABLE_KEY", rtPKTest)
		t.Setenv("CLERK_JWT_KEY", goodPEM)
		srv := rtServe(t, clerk.Options{Now: func() time.Time { return rtNow }}, rtAuthJSON())
		_, body := rtGet(t, srv.URL, "Authorization: Bearer "+tok)
		if !strings.Contains(body, `"userId":"user_1"`) {
			t.Errorf("not signed in with the environment's JWT key: %s", body)
		}
	})
	t.Run("option beats environment", func(t *testing.T) {
		rtClearEnv(t)
		t.Setenv("CLERK_PUBLISHABLE_KEY", "pk_test_garbage")
		t.Setenv("CLERK_SECRET_KEY", "")
		t.Setenv("CLERK_JWT_KEY", "garbage")
		if _, err := clerk.Middleware(rtOptions(t)); err != nil {
			t.Fatalf("options did not beat the environment: %v", err)
		}
		t.Setenv("CLERK_PUBLISHABLE_KEY", rtPKTest)
		o := rtOptions(t)
		o.PublishableKey = "pk_test_garbage"
		if _, err := clerk.Middleware(o); err == nil {
			t.Fatal("a bad option was replaced by a good environment value")
		}
		t.Setenv("CLERK_JWT_KEY", goodPEM)
		o = rtOptions(t)
		o.JWTKey = "garbage"
		if _, err := clerk.Middleware(o); err == nil {
			t.Fatal("a bad JWTKey option was replaced by CLERK_JWT_KEY")
		}
	})
	t.Run("missing in both", func(t *testing.T) {
		rtClearEnv(t)
		o := rtOptions(t)
		o.SecretKey = ""
		var oe *clerk.OptionError
		if _, err := clerk.Middleware(o); !errors.As(err, &oe) || oe.Option != "SecretKey" {
			t.Fatalf("err = %v", err)
		}
		t.Setenv("CLERK_SECRET_KEY", "sk_test_env")
		if _, err := clerk.Middleware(o); err != nil {
			t.Fatalf("CLERK_SECRET_KEY not used: %v", err)
		}
	})
	t.Run("missing keys name the variable", func(t *testing.T) {
		for option, env := range map[string]string{"SecretKey": "CLERK_SECRET_KEY", "PublishableKey": "CLERK_PUBLISHABLE_KEY"} {
			rtClearEnv(t)
			o := rtOptions(t)
			if option == "SecretKey" {
				o.SecretKey = ""
			} else {
				o.PublishableKey = ""
			}
			_, err := clerk.Middleware(o)
			var oe *clerk.OptionError
			if !errors.As(err, &oe) || oe.Option != option {
				t.Fatalf("%s: err = %v", option, err)
			}
			want := "clerk: Options." + option + " (" + env + "): missing"
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("%s: message %q, want it to start with %q", option, err, want)
			}
		}
		rtClearEnv(t)
		o := rtOptions(t)
		o.JWTKey = "garbage"
		if _, err := clerk.Middleware(o); err == nil || !strings.Contains(err.Error(), "Options.JWTKey (CLERK_JWT_KEY): ") {
			t.Errorf("JWTKey error %v does not name CLERK_JWT_KEY", err)
		}
	})
	t.Run("satellite from the environment", func(t *testing.T) {
		rtClearEnv(t)
		t.Setenv("CLERK_IS_SATELLITE", "true")
		o := rtOptions(t)
		o.SecretKey, o.PublishableKey = "sk_live_x", rtPKLive
		var oe *clerk.OptionError
		if _, err := clerk.Middleware(o); !errors.As(err, &oe) || oe.Option != "Domain" {
			t.Fatalf("CLERK_IS_SATELLITE ignored: %v", err)
		}
		t.Setenv("CLERK_DOMAIN", "satellite.example.org")
		srv := rtServe(t, o, rtAuthJSON())
		resp, _ := rtGet(t, srv.URL+"/?__clerk_synced=false", "Sec-Fetch-Dest: document")
		if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "https://clerk.satellite.example.org/v1/client/handshake?") {
			t.Errorf("Location = %q", loc)
		}
	})
	t.Run("proxy URL from the environment, option first", func(t *testing.T) {
		rtClearEnv(t)
		t.Setenv("CLERK_PROXY_URL", "https://env.example.com/__clerk")
		srv := rtServe(t, rtOptions(t), rtAuthJSON())
		resp, _ := rtGet(t, srv.URL, "Sec-Fetch-Dest: document")
		if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "https://env.example.com/__clerk/v1/client/handshake?") {
			t.Errorf("Location = %q", loc)
		}
		o := rtOptions(t)
		o.ProxyURL = "https://opt.example.com/p"
		srv = rtServe(t, o, rtAuthJSON())
		resp, _ = rtGet(t, srv.URL, "Sec-Fetch-Dest: document")
		if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "https://opt.example.com/p/v1/client/handshake?") {
			t.Errorf("Location = %q", loc)
		}
	})
}

// TestMiddlewareResponses checks the status codes and headers the
// middleware writes itself.
func TestMiddlewareResponses(t *testing.T) {
	rtClearEnv(t)
	reached := 0
	srv := rtServe(t, rtOptions(t), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached++
		w.WriteHeader(204)
	}))

	t.Run("signed-out debug headers", func(t *testing.T) {
		reached = 0
		resp, _ := rtGet(t, srv.URL, "Accept: application/json")
		if resp.StatusCode != 204 || reached != 1 {
			t.Fatalf("status %d, reached %d", resp.StatusCode, reached)
		}
		if resp.Header.Get("X-Clerk-Auth-Status") != "signed-out" || resp.Header.Get("X-Clerk-Auth-Reason") != "dev-browser-missing" {
			t.Errorf("headers = %v", resp.Header)
		}
	})
	t.Run("signed-in has no debug headers", func(t *testing.T) {
		resp, _ := rtGet(t, srv.URL, "Authorization: Bearer "+rtSession(t, nil))
		if resp.StatusCode != 204 || resp.Header.Get("X-Clerk-Auth-Status") != "" {
			t.Errorf("status %d headers %v", resp.StatusCode, resp.Header)
		}
	})
	t.Run("message header", func(t *testing.T) {
		resp, _ := rtGet(t, srv.URL, "Authorization: Bearer not-a-jwt")
		if resp.Header.Get("X-Clerk-Auth-Reason") != "token-invalid" || !strings.Contains(resp.Header.Get("X-Clerk-Auth-Message"), "token-carrier=header") {
			t.Errorf("headers = %v", resp.Header)
		}
	})
	t.Run("handshake is a 307 that stops the chain", func(t *testing.T) {
		reached = 0
		resp, _ := rtGet(t, srv.URL+"/dash?x=1", "Sec-Fetch-Dest: document")
		if resp.StatusCode != http.StatusTemporaryRedirect || reached != 0 {
			t.Fatalf("status %d reached %d", resp.StatusCode, reached)
		}
		if resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("X-Clerk-Auth-Status") != "handshake" ||
			!strings.HasPrefix(resp.Header.Get("Location"), "https://clerk.example.com/v1/client/handshake?redirect_url=") {
			t.Errorf("headers = %v", resp.Header)
		}
		if sc := resp.Header.Get("Set-Cookie"); !strings.HasPrefix(sc, "__clerk_redirect_count=1;") {
			t.Errorf("Set-Cookie = %q", sc)
		}
	})
	t.Run("bad dev handshake is a 500", func(t *testing.T) {
		reached = 0
		resp, _ := rtGet(t, srv.URL+"/?__clerk_handshake=garbage")
		if resp.StatusCode != 500 || reached != 0 {
			t.Errorf("status %d reached %d", resp.StatusCode, reached)
		}
	})
	t.Run("disabled handshake continues signed out", func(t *testing.T) {
		o := rtOptions(t)
		o.DisableHandshake = true
		srv := rtServe(t, o, rtAuthJSON())
		resp, body := rtGet(t, srv.URL+"/dash", "Sec-Fetch-Dest: document")
		if resp.StatusCode != 200 || resp.Header.Get("Location") != "" || resp.Header.Get("X-Clerk-Auth-Reason") != "dev-browser-missing" {
			t.Errorf("status %d headers %v", resp.StatusCode, resp.Header)
		}
		if !strings.Contains(body, `"isAuthenticated":false`) {
			t.Errorf("body = %s", body)
		}
	})
	t.Run("nested middleware authenticates once", func(t *testing.T) {
		mw, err := clerk.Middleware(rtOptions(t))
		if err != nil {
			t.Fatal(err)
		}
		inner := mw(rtAuthJSON())
		outer := rtServer(t, mw(inner))
		resp, body := rtGet(t, outer.URL, "Accept: application/json")
		if got := resp.Header.Values("X-Clerk-Auth-Status"); len(got) != 1 {
			t.Errorf("X-Clerk-Auth-Status = %v", got)
		}
		if !strings.Contains(body, `"tokenType":"session_token"`) {
			t.Errorf("body = %s", body)
		}
	})
}

func TestOptionsClientAndAcceptsToken(t *testing.T) {
	rtClearEnv(t)
	bapi := rtBAPI(t)
	client, err := backend.NewClient(backend.Config{SecretKey: "sk_test_client", APIURL: bapi.URL})
	if err != nil {
		t.Fatal(err)
	}
	o := rtOptions(t)
	o.SecretKey, o.Client = "", client
	srv := rtServe(t, o, rtAuthJSON())
	_, body := rtGet(t, srv.URL+"/?accepts=api_key", "Authorization: Bearer ak_user")
	if !strings.Contains(body, `"id":"ak_2user"`) {
		t.Errorf("the given Client was not used: %s", body)
	}

	o = rtOptions(t)
	o.APIURL = bapi.URL
	o.AcceptsToken = []clerk.TokenType{clerk.TokenTypeSessionToken}
	srv = rtServe(t, o, rtAuthJSON())
	resp, body := rtGet(t, srv.URL+"/?accepts=any", "Authorization: Bearer ak_user")
	if resp.Header.Get("X-Clerk-Auth-Reason") != "token-type-mismatch" || body != `{"isAuthenticated":false,"tokenType":null}` {
		t.Errorf("reason %q body %s", resp.Header.Get("X-Clerk-Auth-Reason"), body)
	}
	_, body = rtGet(t, srv.URL+"/", "Authorization: Bearer "+rtSession(t, nil))
	if !strings.Contains(body, `"userId":"user_1"`) {
		t.Errorf("session not accepted: %s", body)
	}
}
