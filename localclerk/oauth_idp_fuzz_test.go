package localclerk

import (
	"net/url"
	"slices"
	"strings"
	"testing"
)

// FuzzParseAuthorizeParams: any query parses without panicking; a request
// it accepts names a client, asks only for supported scopes, carries a
// valid S256 challenge or none, and never takes a parameter twice.
func FuzzParseAuthorizeParams(f *testing.F) {
	ch := pkceS256(verifier)
	for _, s := range []string{
		"response_type=code&client_id=abc&redirect_uri=http%3A%2F%2Flocalhost%2Fcb&scope=openid+profile&state=12345678&code_challenge=" + ch + "&code_challenge_method=S256",
		"response_type=code&client_id=abc&code_challenge=" + ch + "&code_challenge_method=plain",
		"response_type=token&client_id=abc",
		"client_id=a&client_id=b",
		"response_type=code&client_id=abc&prompt=none+consent",
		"response_type=code&client_id=abc&scope=admin",
		"response_type=code&client_id=abc&redirect_uri=%2Frelative",
		"response_type=code&client_id=%00",
		"%zz",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		req, aerr := parseAuthorizeParams(v)
		if aerr != nil {
			if aerr.Code == "" || aerr.Description == "" {
				t.Fatalf("error without code or description: %+v", aerr)
			}
			if aerr.Redirect && req == nil {
				t.Fatalf("a redirectable error without the request to redirect for")
			}
			return
		}
		if req.ClientID == "" || len(v["client_id"]) != 1 || v.Get("response_type") != "code" {
			t.Fatalf("accepted %q as %+v", raw, req)
		}
		for _, s := range req.Scopes {
			if !slices.Contains(oauthScopesSupported, s) {
				t.Fatalf("accepted scope %q", s)
			}
		}
		if req.CodeChallenge != "" && (!validPKCEValue(req.CodeChallenge) || v.Get("code_challenge_method") != "S256") {
			t.Fatalf("accepted challenge %q (%s)", req.CodeChallenge, v.Get("code_challenge_method"))
		}
		if req.State != "" && len(req.State) < 8 {
			t.Fatalf("accepted state %q", req.State)
		}
		// What the client gets back is its registered URI plus parameters.
		out, err := url.Parse(authorizeRedirect("http://localhost/cb?keep=1", url.Values{"code": {"c"}, "state": {req.State}}))
		if err != nil || out.Query().Get("keep") != "1" || out.Query().Get("state") != req.State || out.Host != "localhost" {
			t.Fatalf("redirect %v %v", out, err)
		}
	})
}

// FuzzParseTokenForm: any body and Authorization header parse without
// panicking; an accepted request always names its client, and Basic
// credentials never mix with a posted secret.
func FuzzParseTokenForm(f *testing.F) {
	for _, s := range []struct{ body, auth string }{
		{"grant_type=authorization_code&code=abc&redirect_uri=http%3A%2F%2Flocalhost%2Fcb&code_verifier=" + verifier, basicHeader("id", "secret")},
		{"grant_type=refresh_token&refresh_token=x&client_id=id&client_secret=s", ""},
		{"grant_type=authorization_code&client_id=id", ""},
		{"token=oat_x&token_type_hint=access_token", basicHeader("a:b", "c")},
		{"client_secret=s", basicHeader("id", "secret")},
		{"code=a&code=b&client_id=x", ""},
		{"client_id=x", "Basic !!!"},
		{"client_id=x", "Basic " + "aWQ="},
		{"%zz", ""},
		{"", ""},
	} {
		f.Add(s.body, s.auth)
	}
	f.Fuzz(func(t *testing.T, body, auth string) {
		tr, e := parseTokenForm(body, auth)
		if e != nil {
			if e.Code == "" || e.Status < 400 || e.Status > 499 {
				t.Fatalf("bad error %+v", e)
			}
			return
		}
		if tr.ClientID == "" {
			t.Fatalf("accepted without a client: %q %q", body, auth)
		}
		v, _ := url.ParseQuery(body)
		if tr.BasicAuth && v.Get("client_secret") != "" {
			t.Fatalf("Basic and client_secret_post together: %q %q", body, auth)
		}
		if !tr.BasicAuth && (tr.ClientID != v.Get("client_id") || tr.ClientSecret != v.Get("client_secret")) {
			t.Fatalf("credentials %q/%q not the form's", tr.ClientID, tr.ClientSecret)
		}
		if tr.BasicAuth && !strings.HasPrefix(strings.ToLower(auth), "basic ") {
			t.Fatalf("Basic credentials from %q", auth)
		}
		for _, p := range tokenFormParams {
			if len(v[p]) > 1 {
				t.Fatalf("accepted %s twice", p)
			}
		}
	})
}
