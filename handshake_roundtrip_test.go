package clerk_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// stubFAPI is a Frontend API that answers /v1/client/handshake by sending
// the browser back to redirect_url with a signed handshake token (or a
// nonce) carrying the session cookies.
type stubFAPI struct {
	t      *testing.T
	srv    *httptest.Server
	host   string // 127.0.0.1:port
	token  string // the session token it hands out
	nonce  bool   // answer with __clerk_handshake_nonce instead of a token
	mu     sync.Mutex
	params []url.Values // query of each handshake request
}

func newStubFAPI(t *testing.T) *stubFAPI {
	s := &stubFAPI{t: t}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	s.host = strings.TrimPrefix(s.srv.URL, "http://")
	return s
}

func (s *stubFAPI) directives() []string {
	iat := strconv.FormatInt(rtNow.Unix()-30, 10)
	return []string{
		"__session=" + s.token + "; Path=/; SameSite=Lax",
		"__client_uat=" + iat + "; Path=/; Max-Age=315360000; SameSite=Lax",
		"__clerk_db_jwt=dvb_from_stub; Path=/; Max-Age=315360000; SameSite=Lax",
	}
}

func (s *stubFAPI) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/client/handshake" {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	s.mu.Lock()
	s.params = append(s.params, q)
	s.mu.Unlock()
	back, err := url.Parse(q.Get("redirect_url"))
	if err != nil || q.Get("format") != "nonce" || q.Get("__clerk_api_version") == "" {
		http.Error(w, "bad handshake request", http.StatusBadRequest)
		return
	}
	bq := back.Query()
	if s.nonce {
		bq.Set("__clerk_handshake_nonce", "nonce_rt")
	} else {
		hs := rtSign(s.t, nil, map[string]any{"handshake": s.directives()})
		bq.Set("__clerk_handshake", hs)
	}
	back.RawQuery = bq.Encode()
	http.Redirect(w, r, back.String(), http.StatusTemporaryRedirect)
}

// rtBrowser is an http.Client with a cookie jar that records every hop.
type rtBrowser struct {
	*http.Client
	hops []string
}

func newBrowser(t *testing.T) *rtBrowser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &rtBrowser{}
	b.Client = &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		b.hops = append(b.hops, req.Response.Status+" -> "+req.URL.String())
		if len(via) > 10 {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	return b
}

func (b *rtBrowser) navigate(t *testing.T, u string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Sec-Fetch-Dest", "document")
	req.Header.Set("Accept", "text/html")
	resp, err := b.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func TestHandshakeRoundTripDevelopment(t *testing.T) {
	rtClearEnv(t)
	fapi := newStubFAPI(t)
	fapi.token = rtSession(t, map[string]any{"iss": "http://" + fapi.host, "azp": ""})

	o := rtOptions(t)
	o.PublishableKey = rtPK("pk_test_", fapi.host) // a loopback Frontend API is reached over http
	app := rtServe(t, o, rtAuthJSON())
	appURL := strings.Replace(app.URL, "127.0.0.1", "localhost", 1) // its own cookie host

	b := newBrowser(t)
	resp, body := b.navigate(t, appURL+"/dashboard?tab=1")
	if resp.StatusCode != 200 {
		t.Fatalf("final status %d, hops %v", resp.StatusCode, b.hops)
	}
	if len(b.hops) != 3 {
		t.Fatalf("hops = %d, want 3:\n%s", len(b.hops), strings.Join(b.hops, "\n"))
	}
	if want := "307 Temporary Redirect -> " + fapi.srv.URL + "/v1/client/handshake?"; !strings.HasPrefix(b.hops[0], want) {
		t.Errorf("hop 1 = %q, want the Frontend API handshake", b.hops[0])
	}
	if !strings.HasPrefix(b.hops[1], "307 Temporary Redirect -> "+appURL+"/dashboard?") || !strings.Contains(b.hops[1], "__clerk_handshake=") {
		t.Errorf("hop 2 = %q, want back to the app with a handshake token", b.hops[1])
	}
	if b.hops[2] != "307 Temporary Redirect -> "+appURL+"/dashboard?tab=1" {
		t.Errorf("hop 3 = %q, want the clean URL", b.hops[2])
	}
	if len(fapi.params) != 1 {
		t.Fatalf("handshake requests = %d", len(fapi.params))
	}
	p := fapi.params[0]
	if p.Get("redirect_url") != appURL+"/dashboard?tab=1" || p.Get("__clerk_hs_reason") != "dev-browser-missing" ||
		p.Get("suffixed_cookies") != "false" || p.Get("__clerk_api_version") != "2026-05-12" {
		t.Errorf("handshake query = %v", p)
	}
	var a map[string]any
	if err := json.Unmarshal([]byte(body), &a); err != nil || a["userId"] != "user_1" || a["isAuthenticated"] != true {
		t.Fatalf("final page auth = %s", body)
	}

	// The cookies stay: the next navigation is signed in without a hop.
	b.hops = nil
	u, _ := url.Parse(appURL)
	names := map[string]bool{}
	for _, c := range b.Jar.Cookies(u) {
		names[c.Name] = true
	}
	for _, n := range []string{"__session", "__client_uat", "__clerk_db_jwt"} {
		if !names[n] {
			t.Errorf("cookie %s not set by the handshake (have %v)", n, names)
		}
	}
	resp, body = b.navigate(t, appURL+"/other")
	if resp.StatusCode != 200 || len(b.hops) != 0 || !strings.Contains(body, `"userId":"user_1"`) {
		t.Errorf("second navigation: status %d hops %v body %s", resp.StatusCode, b.hops, body)
	}
	if resp.Header.Get("X-Clerk-Auth-Status") != "" {
		t.Errorf("signed-in response carries %q", resp.Header.Get("X-Clerk-Auth-Status"))
	}
}

func TestHandshakeRoundTripProductionNonce(t *testing.T) {
	rtClearEnv(t)
	fapi := newStubFAPI(t)
	fapi.nonce = true
	fapi.token = rtSession(t, map[string]any{"iss": "https://" + "clerk.example.com"})

	var nonceCalls []string
	bapi := rtServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/clients/handshake_payload" || r.Header.Get("Authorization") != "Bearer sk_live_rt" {
			http.Error(w, `{"errors":[{"code":"not_found"}]}`, 404)
			return
		}
		nonceCalls = append(nonceCalls, r.URL.Query().Get("nonce"))
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"directives": fapi.directives()[:2]})
	}))

	o := rtOptions(t)
	o.SecretKey, o.APIURL = "sk_live_rt", bapi.URL
	// The instance's Frontend API is clerk.example.com (the token's issuer);
	// the handshake goes through ProxyURL, which points at the stub.
	o.PublishableKey = rtPKLive
	o.ProxyURL = fapi.srv.URL
	app := rtServe(t, o, rtAuthJSON())
	appURL := strings.Replace(app.URL, "127.0.0.1", "localhost", 1)

	b := newBrowser(t)
	u, _ := url.Parse(appURL)
	b.Jar.SetCookies(u, []*http.Cookie{{Name: "__client_uat", Value: "1", Path: "/"}})
	resp, body := b.navigate(t, appURL+"/reports")
	if resp.StatusCode != 200 || len(b.hops) != 2 {
		t.Fatalf("status %d hops:\n%s", resp.StatusCode, strings.Join(b.hops, "\n"))
	}
	if !strings.Contains(b.hops[1], "/reports?__clerk_handshake_nonce=nonce_rt") {
		t.Errorf("hop 2 = %q", b.hops[1])
	}
	if fapi.params[0].Get("__clerk_hs_reason") != "client-uat-but-no-session-token" {
		t.Errorf("reason = %q", fapi.params[0].Get("__clerk_hs_reason"))
	}
	if len(nonceCalls) != 1 || nonceCalls[0] != "nonce_rt" {
		t.Errorf("nonce calls = %v", nonceCalls)
	}
	if !strings.Contains(body, `"userId":"user_1"`) {
		t.Errorf("not signed in after the nonce: %s", body)
	}
	b.hops = nil
	resp, body = b.navigate(t, appURL+"/reports")
	if resp.StatusCode != 200 || len(b.hops) != 0 || !strings.Contains(body, `"userId":"user_1"`) {
		t.Errorf("second navigation: status %d hops %v body %s", resp.StatusCode, b.hops, body)
	}
}

// TestHandshakeRoundTripForgedToken: a handshake token not signed by the
// instance never becomes cookies.
func TestHandshakeRoundTripForgedToken(t *testing.T) {
	rtClearEnv(t)
	o := rtOptions(t)
	o.SecretKey, o.PublishableKey = "sk_live_rt", rtPKLive
	app := rtServe(t, o, rtAuthJSON())
	hs := rtSign(t, nil, map[string]any{"handshake": []string{"__session=x; Path=/"}})
	parts := strings.Split(hs, ".")
	forgedPayload := rtB64([]byte(`{"handshake":["__session=evil; Path=/","__client_uat=1; Path=/"]}`))
	forged := parts[0] + "." + forgedPayload + "." + parts[2]
	resp, body := rtGet(t, app.URL+"/?__clerk_handshake="+forged, "Sec-Fetch-Dest: document")
	if sc := resp.Header.Values("Set-Cookie"); len(sc) != 0 {
		t.Errorf("forged directives applied: %v", sc)
	}
	if !strings.Contains(body, `"isAuthenticated":false`) {
		t.Errorf("body = %s", body)
	}
}
