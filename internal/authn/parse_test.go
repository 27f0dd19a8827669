package authn

import (
	"encoding/base64"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

func TestTokenInHeader(t *testing.T) {
	for in, want := range map[string]string{
		"":                   "",
		"Bearer abc":         "abc",
		"Bearer abc def":     "abc",
		"Bearer  abc":        "Bearer",
		"Bearer ":            "Bearer",
		"Bearer":             "Bearer",
		"bearer abc":         "",
		"BEARER abc":         "",
		"Basic dXNlcjpwYXNz": "",
		"abc.def.ghi":        "abc.def.ghi",
		" abc":               "",
		"Bearer\tabc":        "Bearer\tabc",
	} {
		if got := TokenInHeader(in); got != want {
			t.Errorf("TokenInHeader(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseCookies(t *testing.T) {
	rows := []struct {
		in   string
		want Cookies
	}{
		{"", nil},
		{"a", nil},
		{"a=1", Cookies{"a": "1"}},
		{"a=1; b=2", Cookies{"a": "1", "b": "2"}},
		{"a=1;b=2", Cookies{"a": "1", "b": "2"}},
		{" a = 1 ;\tb=\t2\t", Cookies{"a": "1", "b": "2"}},
		{"a=1; a=2", Cookies{"a": "1"}},
		{"a=%20x%3D", Cookies{"a": " x="}},
		{"a=%zz", Cookies{"a": "%zz"}},
		{"a=%E0%A4%A", Cookies{"a": "%E0%A4%A"}},
		{"a=%C3%28", Cookies{"a": "%C3%28"}},
		{"a=1+2", Cookies{"a": "1+2"}},
		{"flag; a=1", Cookies{"a": "1"}},
		{"a==b=c", Cookies{"a": "=b=c"}},
		{"=v; a=1", Cookies{"": "v", "a": "1"}},
		{`a="quoted"`, Cookies{"a": `"quoted"`}},
	}
	for _, r := range rows {
		if got := ParseCookies(r.in); !reflect.DeepEqual(got, r.want) {
			t.Errorf("ParseCookies(%q) = %#v, want %#v", r.in, got, r.want)
		}
	}
	if got := ParseCookies(strings.Repeat("x", maxCookieHeader) + "; a=1"); got.Get("a") != "" {
		t.Error("a cookie beyond the size bound was parsed")
	}
}

func TestParseParams(t *testing.T) {
	rows := []struct {
		in   string
		want Params
	}{
		{"", nil},
		{"a=1&b=2", Params{{"a", "1"}, {"b", "2"}}},
		{"a&&b=", Params{{"a", ""}, {"b", ""}}},
		{"a=1&a=2", Params{{"a", "1"}, {"a", "2"}}},
		{"q=a+b%20c", Params{{"q", "a b c"}}},
		{"q=%E0%A4%A&r=%&s=100%25", Params{{"q", "\uFFFD%A"}, {"r", "%"}, {"s", "100%"}}},
		{"k%3D=v%26", Params{{"k=", "v&"}}},
		{"x=%FF%FE", Params{{"x", "\uFFFD\uFFFD"}}},
		{"x=%F0%9F%98%80", Params{{"x", "😀"}}},
	}
	for _, r := range rows {
		if got := ParseParams(r.in); !reflect.DeepEqual(got, r.want) {
			t.Errorf("ParseParams(%q) = %q, want %q", r.in, got, r.want)
		}
	}
	p := Params{{"a", "x y"}, {"b", "ü&="}, {"c", "*-._~"}}
	if got := p.Encode(); got != "a=x+y&b=%C3%BC%26%3D&c=*-._%7E" {
		t.Errorf("Encode = %q", got)
	}
	if got := ParseParams(p.Encode()); !reflect.DeepEqual(got, p) {
		t.Errorf("round trip = %q", got)
	}
	if got := (Params{{"a", "1"}, {"b", "2"}, {"a", "3"}}).Set("a", "9"); !reflect.DeepEqual(got, Params{{"a", "9"}, {"b", "2"}}) {
		t.Errorf("Set = %v", got)
	}
	if got := (Params{{"a", "1"}, {"b", "2"}, {"a", "3"}}).Without("a", "c"); !reflect.DeepEqual(got, Params{{"b", "2"}}) {
		t.Errorf("Without = %v", got)
	}
}

func TestDeriveURL(t *testing.T) {
	rows := []struct {
		scheme, host, fwdHost, fwdProto, target string
		want                                    string
	}{
		{"http", "localhost:3000", "", "", "/a?b=1", "http://localhost:3000/a?b=1"},
		{"http", "example.com:80", "", "", "/", "http://example.com/"},
		{"https", "Example.COM:443", "", "", "/", "https://example.com/"},
		{"http", "internal:8080", "app.example.com", "https", "/x", "https://app.example.com/x"},
		{"http", "internal", "a.example.com, b.example.com", "https, http", "/", "https://a.example.com/"},
		{"http", "internal", "", "HTTPS", "/", "https://internal/"},
		{"http", "h", "", "", "", "http://h/"},
		{"http", "h", "", "", "/p#frag", "http://h/p"},
		{"http", "h", "", "", "/p?q=1#frag", "http://h/p?q=1"},
		{"http", "h", "bad host/with/slash", "", "/", "http://h/"},
		{"http", "h", "", "1nvalid", "/", "http://h/"},
		{"http", "", "", "", "/", "http://clerk-dummy/"},
		{"http", ":80", " ", "0", "/p", "http://clerk-dummy/p"},
		{"http", ":80:80", "", "", "/p", "http://clerk-dummy/p"},
		{"http", "h", ":8080", "", "/p", "http://h/p"},
		// Percent-encoding as the WHATWG URL parser does (path and query
		// sets differ); existing escapes stay.
		{"http", "h", "", "", "/a{b}|`^<>\"\u00e9?q={x}|`'\u00e9\"<>", "http://h/a%7Bb%7D|%60^%3C%3E%22%C3%A9?q={x}|`%27%C3%A9%22%3C%3E"},
		{"http", "h", "", "", "/a%20b?c=%zz&d=\x7f", "http://h/a%20b?c=%zz&d=%7F"},
	}
	for _, r := range rows {
		u := DeriveURL(r.scheme, r.host, r.fwdHost, r.fwdProto, r.target)
		if got := u.String(); got != r.want {
			t.Errorf("DeriveURL(%q, %q, %q, %q, %q) = %q, want %q", r.scheme, r.host, r.fwdHost, r.fwdProto, r.target, got, r.want)
		}
	}
	u := DeriveURL("http", "h", "", "", "/p?a=1&b=x+y")
	if v, _ := u.Params.Get("b"); v != "x y" || u.Origin() != "http://h" || u.Path != "/p" {
		t.Errorf("Params/Origin = %v %q", u.Params, u.Origin())
	}
}

func TestParsePublishableKey(t *testing.T) {
	enc := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	good := []struct {
		key, fapi, typ string
	}{
		{"pk_test_" + enc("clerk.example.com$"), "clerk.example.com", Development},
		{"pk_live_" + enc("clerk.example.com$"), "clerk.example.com", Production},
		{"pk_test_" + strings.TrimRight(enc("happy-cat-1.clerk.accounts.dev$"), "="), "happy-cat-1.clerk.accounts.dev", Development},
		{"pk_test_" + enc("127.0.0.1:4000$"), "127.0.0.1:4000", Development},
		{"pk_test_Y2xl cmsuZXhhbXBsZS5jb20k", "clerk.example.com", Development},
		{"pk_live_" + enc("clerk.ab.io$"), "clerk.ab.io", Production},
	}
	for _, g := range good {
		pk, err := ParsePublishableKey(g.key)
		if err != nil {
			t.Errorf("ParsePublishableKey(%q): %v", g.key, err)
			continue
		}
		if pk.FrontendAPI != g.fapi || pk.InstanceType != g.typ || pk.Key != g.key || pk.CookieSuffix != CookieSuffix(g.key) || len(pk.CookieSuffix) != 8 {
			t.Errorf("ParsePublishableKey(%q) = %+v", g.key, pk)
		}
	}
	bad := []string{
		"",
		"pk_prod_" + enc("clerk.example.com$"),
		"sk_test_" + enc("clerk.example.com$"),
		"pk_test_",
		"pk_test_" + enc("clerk.example.com"),
		"pk_test_" + enc("clerk.example.com$$"),
		"pk_test_" + enc("clerk$example.com$"),
		"pk_test_" + enc("localhost$"),
		"pk_test_!!!notbase64",
		"pk_test_" + enc("clerk.example.com$") + "_extra",
		"pk_test_" + base64.URLEncoding.EncodeToString([]byte("clerk.ex~~~~ample.com?$")),
		// Padding as atob accepts it: only '=' that completes a multiple of 4.
		"pk_test_Y2xlcmsuZXhhbXBsZS5jb20k===",
		"pk_test_Y2xlcmsuZXhhbXBsZS5jb20k=",
		"pk_test_" + enc("clerk.example.com$$")[:len(enc("clerk.example.com$$"))-1] + "==",
	}
	for _, k := range bad {
		if pk, err := ParsePublishableKey(k); err == nil {
			t.Errorf("ParsePublishableKey(%q) = %+v, want an error", k, pk)
		}
	}
}

func TestCookieSuffix(t *testing.T) {
	// The suffix is the first 8 characters of URL-safe base64(SHA-1(key)).
	if got := CookieSuffix("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k"); got != CookieSuffix("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k") || len(got) != 8 || strings.ContainsAny(got, "+/=") {
		t.Errorf("CookieSuffix = %q", got)
	}
	if CookieSuffix(pkTest) == CookieSuffix(pkLive) {
		t.Error("suffixes of different keys collide")
	}
	if !IsDevelopmentSecretKey("sk_test_x") || !IsDevelopmentSecretKey("test_x") || IsDevelopmentSecretKey("sk_live_x") {
		t.Error("IsDevelopmentSecretKey")
	}
}

func TestPathPatterns(t *testing.T) {
	rows := []struct {
		patterns []string
		path     string
		ok       bool
		params   map[string]string
	}{
		{[]string{"/orgs/:slug"}, "/orgs/acme", true, map[string]string{"slug": "acme"}},
		{[]string{"/orgs/:slug"}, "/orgs/acme/", true, map[string]string{"slug": "acme"}},
		{[]string{"/orgs/:slug"}, "/ORGS/Acme", true, map[string]string{"slug": "Acme"}},
		{[]string{"/orgs/:slug"}, "/orgs/acme/settings", false, nil},
		{[]string{"/orgs/:slug"}, "/orgs/", false, nil},
		{[]string{"/orgs/:slug"}, "/prefix/orgs/acme", false, nil},
		{[]string{"/orgs/:slug/(.*)"}, "/orgs/acme/settings/team", true, map[string]string{"slug": "acme", "0": "settings/team"}},
		{[]string{"/orgs/:id", "/orgs/:id/(.*)"}, "/orgs/org_1/x", true, map[string]string{"id": "org_1", "0": "x"}},
		{[]string{"/me", "/me/(.*)"}, "/me", true, map[string]string{}},
		{[]string{"/a{/:b}?"}, "/a", true, map[string]string{}},
		{[]string{"/a{/:b}?"}, "/a/x", true, map[string]string{"b": "x"}},
		{[]string{"/files/:path+"}, "/files/a/b/c", true, map[string]string{"path": "a/b/c"}},
		{[]string{"/files/:path*"}, "/files", true, map[string]string{}},
		{[]string{"/n/:num(\\d+)"}, "/n/42", true, map[string]string{"num": "42"}},
		{[]string{"/n/:num(\\d+)"}, "/n/x", false, nil},
		{[]string{"/a.b"}, "/aXb", false, nil},
		{[]string{"/a\\:b"}, "/a:b", true, map[string]string{}},
	}
	for _, r := range rows {
		m, err := CompilePatterns(r.patterns)
		if err != nil {
			t.Errorf("CompilePatterns(%q): %v", r.patterns, err)
			continue
		}
		params, ok := m.Match(r.path)
		if ok != r.ok {
			t.Errorf("%q.Match(%q) = %v, want %v", r.patterns, r.path, ok, r.ok)
			continue
		}
		if ok && !reflect.DeepEqual(params, r.params) {
			t.Errorf("%q.Match(%q) params = %v, want %v", r.patterns, r.path, params, r.params)
		}
	}

	if m, err := CompilePatterns(nil); m != nil || err != nil {
		t.Errorf("CompilePatterns(nil) = %v, %v", m, err)
	}
	var nilMatcher *PathMatcher
	if _, ok := nilMatcher.Match("/x"); ok {
		t.Error("nil matcher matched")
	}
	for _, bad := range []string{"/orgs/:", "/a/(", "/a/(b(c))", "/a/(?x)", "/a\\", "/a/()", "/{a"} {
		if _, err := CompilePatterns([]string{"/ok", bad}); err == nil {
			t.Errorf("CompilePatterns(%q) accepted", bad)
		}
	}
}

func TestFactsFromRequest(t *testing.T) {
	r := httptest.NewRequest("GET", "https://shop.example.com/a/b?x=1&y=%20", nil)
	r.Header.Add("Cookie", "a=1; b=2")
	r.Header.Add("Cookie", "a=3; c=4")
	r.Header.Add("X-Forwarded-Host", "one.example.com")
	r.Header.Add("X-Forwarded-Host", "two.example.com")
	r.Header.Set("Authorization", "Bearer tok")
	r.Header.Set("Sec-Fetch-Dest", "document")
	r.Header.Set("Accept", "text/html")
	r.Header.Set("Origin", "https://o.example.com")
	r.Header.Set("Referer", "https://r.example.com/x")
	f := FactsFromRequest(r, false)
	if f.URL.String() != "https://one.example.com/a/b?x=1&y=%20" {
		t.Errorf("URL = %q (TLS scheme, first forwarded host)", f.URL.String())
	}
	if f.Cookies.Get("a") != "1" || f.Cookies.Get("b") != "2" || f.Cookies.Get("c") != "4" {
		t.Errorf("cookies = %v", f.Cookies)
	}
	if f.Authorization != "Bearer tok" || f.SecFetchDest != "document" || f.Accept != "text/html" ||
		f.Origin != "https://o.example.com" || f.Referrer != "https://r.example.com/x" || f.Method != "GET" {
		t.Errorf("facts = %+v", f)
	}
	r = httptest.NewRequest("GET", "/p", nil)
	r.Host = "EXAMPLE.com:80"
	r.Header.Set("X-Forwarded-Proto", "https")
	if got := FactsFromRequest(r, false).URL.String(); got != "https://example.com:80/p" {
		t.Errorf("URL = %q", got)
	}
}
