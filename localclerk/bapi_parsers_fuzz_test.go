package localclerk

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// wantParamError fails unless err answers 422 naming param, as the
// Backend API writes it.
func wantParamError(t *testing.T, err error, param string) {
	t.Helper()
	rec := httptest.NewRecorder()
	(&Instance{}).writeError(rec, httptest.NewRequest("POST", "/", nil), err)
	var e clerkErrors
	if json.Unmarshal(rec.Body.Bytes(), &e) != nil || rec.Code != http.StatusUnprocessableEntity || len(e.Errors) != 1 ||
		e.Errors[0].Meta["param_name"] != param {
		t.Fatalf("error %v answers %d %s, want a 422 for %s", err, rec.Code, rec.Body, param)
	}
}

// FuzzClassifyIdentifier: an accepted identifier is normalized (classified
// again it is unchanged) and is one of the three types; anything else is a
// 422 naming the parameter.
func FuzzClassifyIdentifier(f *testing.F) {
	for _, s := range []string{"Dana@Example.com", "*@example.com", "*@", "+1 555 555 0100", "+0123", "0xABCDEF0123456789abcdef0123456789abcdef01", "dana", "a@b@c.d", " "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		norm, typ, err := classifyIdentifier(s)
		if err != nil {
			wantParamError(t, err, "identifier")
			return
		}
		if typ != "email_address" && typ != "phone_number" && typ != "web3_wallet" {
			t.Fatalf("%q: type %q", s, typ)
		}
		again, typ2, err := classifyIdentifier(norm)
		if err != nil || again != norm || typ2 != typ {
			t.Fatalf("%q → %q (%s) → %q (%s), %v", s, norm, typ, again, typ2, err)
		}
		if strings.ContainsAny(norm, " \t\n") || norm != strings.ToLower(norm) {
			t.Fatalf("%q: not normalized: %q", s, norm)
		}
	})
}

// FuzzCheckDomainName: an accepted name is a bare host[:port] that a URL
// carries unchanged as its host.
func FuzzCheckDomainName(f *testing.F) {
	for _, s := range []string{"localhost:3001", "sat.example.org", "https://x.example", "x.example/p", "x:99999", "[::1]:3000", ".x", "a..b", "user@x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, err := checkDomainName(s)
		if err != nil {
			wantParamError(t, err, "name")
			return
		}
		u, err := url.Parse("https://" + name + "/")
		if err != nil || u.Host != name || u.User != nil || u.Path != "/" {
			t.Fatalf("%q accepted as %q, which is not a bare host: %v", s, name, err)
		}
		if again, err := checkDomainName(name); err != nil || again != name {
			t.Fatalf("%q → %q → %q, %v", s, name, again, err)
		}
	})
}

// FuzzCheckRedirectURLParam: an accepted URL parses with a scheme, and an
// http(s) one has a host.
func FuzzCheckRedirectURLParam(f *testing.F) {
	for _, s := range []string{"https://app.example.com/cb", "myapp://callback", "http:///x", "/relative", "javascript:", "https://a b/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := checkRedirectURLParam(s)
		if err != nil {
			wantParamError(t, err, "url")
			return
		}
		u, err := url.Parse(got)
		if err != nil || u.Scheme == "" || ((u.Scheme == "http" || u.Scheme == "https") && u.Host == "") {
			t.Fatalf("%q accepted: %v", s, err)
		}
	})
}
