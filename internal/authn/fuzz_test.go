package authn

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/goclerk/clerk/internal/reasons"
)

func FuzzTokenInHeader(f *testing.F) {
	for _, s := range []string{"", "Bearer abc", "Bearer  abc", "Bearer ", "bearer x", "Basic dXNlcg==", "abc.def.ghi", " ", "Bearer a b c", "Bearer\tx"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		tok := TokenInHeader(h)
		if !strings.Contains(h, tok) {
			t.Fatalf("TokenInHeader(%q) = %q, not part of the header", h, tok)
		}
		if strings.Contains(tok, " ") {
			t.Fatalf("TokenInHeader(%q) = %q contains a space", h, tok)
		}
		if h != "" && !strings.Contains(h, " ") && tok != h {
			t.Fatalf("a header without a space must be taken whole: %q -> %q", h, tok)
		}
	})
}

func FuzzParseCookies(f *testing.F) {
	for _, s := range []string{
		"", "a=1", "a=1; b=2", "a=1;a=2", "__session=eyJ.eyJ.sig; __client_uat=1795638463",
		" a = %20x ;\tb=%zz", "flag; x=%E0%A4%A", "=v", "a==b", "%=%; ;;=;",
		"__session_abcdefgh=x; __session=y; __clerk_db_jwt=dvb_1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		c := ParseCookies(h)
		if len(c) > strings.Count(h, ";")+1 {
			t.Fatalf("%d cookies from %d parts", len(c), strings.Count(h, ";")+1)
		}
		for name, value := range c {
			if strings.ContainsAny(name, ";=") || strings.Contains(value, ";") && !strings.Contains(h, value) {
				t.Fatalf("cookie %q=%q escapes its pair in %q", name, value, h)
			}
			if strings.HasPrefix(name, " ") || strings.HasSuffix(name, " ") {
				t.Fatalf("untrimmed name %q", name)
			}
			if c.Get(name) != value {
				t.Fatal("Get disagrees with the map")
			}
		}
	})
}

func FuzzParseParams(f *testing.F) {
	for _, s := range []string{"", "a=1&b=2", "q=a+b%20c", "q=%E0%A4%A&r=%&s=100%25", "a&&=&b", "x=%FF%FE%F0%9F", "__clerk_handshake=eyJ.x.y&__clerk_db_jwt=dvb"} {
		f.Add(s, "localhost:3000", "", "")
	}
	f.Add("a=1", "internal:8080", "app.example.com, x", "https,http")
	f.Add("", "", "bad host", "1nvalid")
	f.Add("x#frag?y", "H:80", "", "HTTP")
	f.Fuzz(func(t *testing.T, query, host, fwdHost, fwdProto string) {
		p := ParseParams(query)
		for _, kv := range p {
			if !utf8.ValidString(kv.Name) || !utf8.ValidString(kv.Value) {
				t.Fatalf("invalid UTF-8 in %q", kv)
			}
		}
		// Serializing and parsing again is the identity on parsed params.
		if again := ParseParams(p.Encode()); !reflect.DeepEqual(again, p) && len(p) > 0 {
			t.Fatalf("round trip of %q: %q -> %q", query, p, again)
		}
		u := DeriveURL("http", host, fwdHost, fwdProto, "/p?"+query)
		if u.Scheme == "" || u.Host == "" || !strings.HasPrefix(u.Path, "/") {
			t.Fatalf("DeriveURL gave %+v", u)
		}
		if strings.ContainsAny(u.Host, "/?#@ \t\r\n") {
			t.Fatalf("host %q can change the URL's meaning", u.Host)
		}
		s := u.String()
		if !strings.HasPrefix(s, u.Origin()+"/") {
			t.Fatalf("String() = %q, origin %q", s, u.Origin())
		}
		_ = u.WithParams(u.Params.Without(ParamDevBrowser).Set(ParamClerkSynced, "true"))
		if abs, ok := parseAbsolute(s); ok && abs.Origin() != u.Origin() {
			t.Fatalf("re-parsing %q changes its origin: %q vs %q", s, abs.Origin(), u.Origin())
		}
	})
}

func FuzzParsePublishableKey(f *testing.F) {
	enc := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	for _, s := range []string{
		pkTest, pkLive, "", "pk_test_", "pk_live_" + enc("localhost$"), "pk_test_" + enc("a.b$$"),
		"pk_test_" + enc("clerk.example.com$") + "_x", "pk_test_!!", "pk_test_" + strings.TrimRight(enc("x.y$"), "="),
		"sk_test_abc", "pk_test_ Y2xlcmsuZXhhbXBsZS5jb20k ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		pk, err := ParsePublishableKey(key)
		if err != nil {
			return
		}
		if pk.Key != key || pk.FrontendAPI == "" || strings.Contains(pk.FrontendAPI, "$") || !strings.Contains(pk.FrontendAPI, ".") {
			t.Fatalf("ParsePublishableKey(%q) = %+v", key, pk)
		}
		if pk.InstanceType != Development && pk.InstanceType != Production {
			t.Fatalf("instance type %q", pk.InstanceType)
		}
		if len(pk.CookieSuffix) != 8 || pk.CookieSuffix != CookieSuffix(key) {
			t.Fatalf("suffix %q", pk.CookieSuffix)
		}
	})
}

func FuzzPathPatterns(f *testing.F) {
	for _, s := range [][2]string{
		{"/orgs/:slug", "/orgs/acme"}, {"/orgs/:slug/(.*)", "/orgs/acme/x/y"}, {"/org-by-id/:id", "/org-by-id/org_1/"},
		{"/a{/:b}?", "/a/x"}, {"/files/:p+", "/files/a/b"}, {"/n/:n(\\d+)", "/n/42"}, {"/a\\:b", "/a:b"},
		{"/(?x)", "/"}, {"/a/((b))", "/a/b"}, {"{{{", "/"}, {"/:a:b", "/1/2"}, {"/x)(", "/x"}, {"/:a*", "/"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, path string) {
		m, err := CompilePatterns([]string{pattern, "/fixed/:slug"})
		if err != nil {
			if m != nil {
				t.Fatal("matcher and error")
			}
			return
		}
		params, ok := m.Match(path)
		if !ok {
			if params != nil {
				t.Fatal("params without a match")
			}
			return
		}
		for name, v := range params {
			if !strings.Contains(path, v) {
				t.Fatalf("param %s=%q is not part of %q", name, v, path)
			}
		}
		// The first alternative wins: alone it matches the same way.
		single, err := CompilePatterns([]string{pattern})
		if err != nil {
			t.Fatalf("%q compiles with another pattern but not alone: %v", pattern, err)
		}
		if alone, ok := single.Match(path); ok && !reflect.DeepEqual(alone, params) {
			t.Fatalf("%q on %q: alone %v, as the first alternative %v", pattern, path, alone, params)
		}
	})
}

// FuzzHandshakePayload signs arbitrary payloads as handshake tokens: the
// decision never panics, applies only string directives from a verified
// token, and signs in only with the session directive's token.
func FuzzHandshakePayload(f *testing.F) {
	tok := sessionToken(f, nil)
	seed := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	f.Add(seed(map[string]any{"handshake": signedInDirectives(tok)}), false)
	f.Add(seed(map[string]any{"handshake": signedOutDirectives}), true)
	f.Add(`{"handshake":[]}`, false)
	f.Add(`{"handshake":"__session=x"}`, false)
	f.Add(`{"handshake":[1,null,{"a":1}]}`, true)
	f.Add(`{"handshake":["__session","__session==;=","__session_x=a=b"]}`, false)
	f.Add(`[1,2]`, false)
	f.Add(`"str"`, true)
	f.Add(`{"handshake":["__session=`+tok+`"],"handshake":["x=1"]}`, false)
	main, _ := testKeys(f)
	f.Fuzz(func(t *testing.T, payload string, prod bool) {
		if !json.Valid([]byte(payload)) {
			return
		}
		input := jsonB64(t, map[string]any{"alg": "RS256", "kid": testKid, "typ": "JWT"}) + "." + b64([]byte(payload))
		hh := crypto256(input)
		sig, err := rsaSign(main, hh)
		if err != nil {
			t.Fatal(err)
		}
		hs := input + "." + b64(sig)
		c := devConfig(t)
		if prod {
			c = prodConfig(t)
		}
		st := Authenticate(context.Background(), facts(t, "GET", "/p?__clerk_handshake="+hs, docDest), c)
		if st.Err != nil {
			return
		}
		var p struct {
			Handshake []json.RawMessage `json:"handshake"`
		}
		_ = json.Unmarshal([]byte(payload), &p)
		var directives []string
		for _, raw := range p.Handshake {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				directives = append(directives, s)
			}
		}
		for _, sc := range st.Headers.Values("Set-Cookie") {
			if !slices.Contains(directives, sc) && !strings.HasPrefix(sc, CookieRedirectCount+"=") {
				t.Fatalf("Set-Cookie %q is not a directive of %s", sc, payload)
			}
		}
		if st.Status == StatusSignedIn {
			found := false
			for _, d := range directives {
				if strings.Contains(d, st.Token) && strings.HasPrefix(d, CookieSession) {
					found = true
				}
			}
			if !found || st.Token != tok {
				t.Fatalf("signed in with %q, not from a session directive of %s", st.Token, payload)
			}
		}
	})
}

// FuzzAuthenticate runs the whole decision on arbitrary request input.
func FuzzAuthenticate(f *testing.F) {
	tok := sessionToken(f, nil)
	expired := sessionToken(f, map[string]any{"exp": testNow.Unix() - 600, "iat": testNow.Unix() - 1200})
	f.Add("GET", "Bearer "+tok, "", "", "", "", uint8(0))
	f.Add("GET", "", "__clerk_db_jwt=dvb; __client_uat=1; __session="+tok, "", "document", "", uint8(0))
	f.Add("GET", "", "__client_uat=1795638000; __session="+expired+"; __refresh_"+testSuffix()+"=r", "", "", "text/html", uint8(1))
	f.Add("POST", "Bearer ak_user", "", "a=1", "", "", uint8(2))
	f.Add("GET", "Bearer mt_x", "", "", "", "", uint8(3))
	f.Add("GET", "", "__clerk_redirect_count=3; __clerk_db_jwt=x", "__clerk_db_jwt=q&__clerk_redirect_url=http%3A%2F%2Fs.example.org%2F", "document", "", uint8(4))
	f.Add("GET", "", "__clerk_db_jwt=x", "__clerk_redirect_url=https%3A%2F%2Fevil.example%2F", "document", "", uint8(0))
	f.Add("GET", "", "__clerk_db_jwt=x", "__clerk_redirect_url=http%3A%2F%2F127.0.0.1.evil%3A80%2F", "document", "", uint8(0))
	f.Add("GET", "", "", "__clerk_synced=false&__clerk_handshake=a.b.c", "document", "", uint8(5))
	f.Add("GET", "", "__clerk_handshake_nonce=n", "__clerk_handshake_nonce=n", "iframe", "", uint8(6))
	f.Add("HEAD", "Basic x", "__session=garbage; __client_uat=0x10", "%zz=%", "document", "text/html", uint8(7))
	f.Fuzz(func(t *testing.T, method, auth, cookies, query, dest, accept string, mode uint8) {
		var c *Config
		switch mode % 4 {
		case 0:
			c = devConfig(t)
			c.SatelliteDomains = (&domainsStub{domains: []Domain{{Name: "s.example.org", IsSatellite: true}}}).source(c.Now)
		case 1:
			c = prodConfig(t)
		case 2:
			c = satDev(t)
		default:
			c = orgConfig(t)
		}
		c.Backend = machineBackend()
		c.Backend.(*fakeBackend).nonces = map[string][]string{"n": signedInDirectives(tok)}
		c.Backend.(*fakeBackend).refresh = func(string, RefreshRequest) ([]string, error) { return []string{"__session=" + tok}, nil }
		switch mode / 4 % 4 {
		case 1:
			c.Accepts = acceptsSession
		case 2:
			c.Accepts = Accepts{Types: []string{TokenAPIKey}}
		case 3:
			c.Accepts = Accepts{List: true, Types: []string{TokenSession, TokenM2M}}
		}
		c.DisableHandshake = mode&16 != 0
		fa := &Facts{
			Method:        method,
			URL:           DeriveURL("http", "localhost:3000", "", "", "/p?"+query),
			Authorization: auth,
			SecFetchDest:  dest,
			Accept:        accept,
			Referrer:      query,
			Cookies:       ParseCookies(cookies),
			Header:        http.Header{"Cookie": {cookies}},
		}
		st := Authenticate(context.Background(), fa, c)
		if st.Err != nil {
			return
		}
		switch st.Status {
		case StatusSignedIn:
			if (st.Session == nil) == (st.Machine == nil) || st.Token == "" {
				t.Fatalf("signed in without exactly one principal: %+v", st)
			}
		case StatusHandshake:
			if st.Headers.Get("Location") == "" || c.DisableHandshake {
				t.Fatalf("handshake without a redirect (disabled=%v): %+v", c.DisableHandshake, st)
			}
		case StatusSignedOut:
			if st.Reason == "" || st.Session != nil || st.Machine != nil {
				t.Fatalf("signed out without a reason, or with a principal: %+v", st)
			}
		default:
			t.Fatalf("status %q", st.Status)
		}
		if loc := st.Headers.Get("Location"); loc != "" && !strings.HasPrefix(loc, "http://") && !strings.HasPrefix(loc, "https://") {
			t.Fatalf("relative Location %q", loc)
		}
		if loc := st.Headers.Get("Location"); loc != "" && st.Reason == reasons.PrimaryRespondsToSyncing {
			// The dev browser goes only to the app itself, loopback or the
			// instance's satellite.
			u, err := url.Parse(loc)
			h := ""
			if err == nil {
				h = u.Hostname()
			}
			ip := net.ParseIP(h)
			if !(h == "localhost" || strings.HasSuffix(h, ".localhost") || ip != nil && ip.IsLoopback() || h == "s.example.org") {
				t.Fatalf("sync redirect to %q", loc)
			}
		}
		for k, vs := range st.ResponseHeader() {
			for _, v := range vs {
				if strings.ContainsAny(v, "\r\n\x00") {
					t.Fatalf("header %s carries a control character: %q", k, v)
				}
			}
		}
	})
}

// FuzzFactsFromRequest: with ignoreForwarded the client-facing URL comes
// from Host alone, whatever X-Forwarded-* say; and isLoopbackHost agrees
// with the IP parser on the result.
func FuzzFactsFromRequest(f *testing.F) {
	f.Add("app.example.com", "evil.example", "https", "/p?a=1")
	f.Add("localhost:3000", "", "", "/")
	f.Add("[::1]:8080", "127.0.0.1.evil, x", "http,https", "/x#y")
	f.Add("127.0.0.1", "bad host", "1nvalid", "/?__clerk_redirect_url=http%3A%2F%2Flocalhost")
	f.Fuzz(func(t *testing.T, host, fwdHost, fwdProto, target string) {
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		r := &http.Request{Method: "GET", Host: host, RequestURI: target, URL: &url.URL{Path: "/"},
			Header: http.Header{"X-Forwarded-Host": {fwdHost}, "X-Forwarded-Proto": {fwdProto}}}
		ignored := FactsFromRequest(r, true).URL
		direct := DeriveURL("http", host, "", "", target)
		if ignored.Origin() != direct.Origin() {
			t.Fatalf("ignoring forwarded headers: origin %q, want %q from Host", ignored.Origin(), direct.Origin())
		}
		_ = FactsFromRequest(r, false)
		h := ignored.Host
		if u, err := url.Parse("http://" + h); err == nil {
			name := u.Hostname()
			ip := net.ParseIP(name)
			want := name == "localhost" || strings.HasSuffix(name, ".localhost") || (ip != nil && ip.IsLoopback() && !strings.Contains(name, "%"))
			if got := isLoopbackHost(h); got != want && !strings.HasSuffix(name, ".") {
				t.Fatalf("isLoopbackHost(%q) = %v, want %v", h, got, want)
			}
		}
	})
}
