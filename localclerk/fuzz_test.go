package localclerk

import (
	"net/url"
	"strings"
	"testing"
)

func FuzzHandshakeQuery(f *testing.F) {
	for _, s := range []string{
		"redirect_url=http%3A%2F%2Flocalhost%3A3000%2F&format=nonce&suffixed_cookies=true&__clerk_db_jwt=dvb_x",
		"redirect_url=https%3A%2F%2Fapp.example.com%2Fa%3Fb%3Dc&organization_id=",
		"redirect_url=javascript:alert(1)",
		"redirect_url=http://[::1]:80/&format=token",
		"redirect_url=http://user@localhost/",
		"redirect_url=//evil.example/",
		"redirect_url=http://localhost:99999999999/",
		"redirect_url=http://127.0.0.1.evil.example/",
		"%zz",
	} {
		f.Add(s)
	}
	allowed, _ := parseAllowedOrigins([]string{"https://app.example.com"})
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		hr, aerr := parseHandshakeQuery(q, allowed, "http://127.0.0.1:4401")
		if aerr != nil {
			if aerr.StatusCode < 400 || aerr.StatusCode > 499 || aerr.Code() == "" {
				t.Fatalf("bad error %+v", aerr)
			}
			return
		}
		u := hr.Redirect
		if u.Scheme != "http" && u.Scheme != "https" {
			t.Fatalf("scheme %q accepted", u.Scheme)
		}
		o := strings.ToLower(u.Scheme + "://" + u.Host)
		if !isLoopbackHost(u.Hostname()) && !allowed[o] && o != "http://127.0.0.1:4401" {
			t.Fatalf("origin %q accepted", o)
		}
		if u.User != nil {
			t.Fatalf("user info accepted: %s", u)
		}
		if hr.Format != "token" && hr.Format != "nonce" {
			t.Fatalf("format %q", hr.Format)
		}
		// The redirect we build stays on the same origin.
		back, err := url.Parse(withQuery(u, "__clerk_handshake", "x.y.z", "__clerk_db_jwt", hr.DevBrowser))
		if err != nil || strings.ToLower(back.Scheme+"://"+back.Host) != o {
			t.Fatalf("redirect %v moved origin from %s: %v", back, o, err)
		}
	})
}

func FuzzEncodeOrgPermissions(f *testing.F) {
	f.Add("org:billing:manage,org:billing:read,org:reports:read,org:sys_profile:manage")
	f.Add("org:a:x,org:b:y,org:a:y,bad,org::z")
	f.Fuzz(func(t *testing.T, list string) {
		perms := strings.Split(list, ",")
		feats, per, fpm := encodeOrgPermissions(perms)
		fea := make([]string, len(feats))
		for i, ft := range feats {
			fea[i] = "o:" + ft
		}
		claims := map[string]any{"fea": strings.Join(fea, ","), "o": map[string]any{"per": per, "fpm": fpm}}
		if len(feats) == 0 {
			return
		}
		got := map[string]bool{}
		for _, p := range decodePermissions(t, claims) {
			got[p] = true
		}
		want := map[string]bool{}
		for _, p := range perms {
			parts := strings.SplitN(p, ":", 3)
			if len(parts) == 3 && parts[0] == "org" && !strings.HasPrefix(parts[1], "sys_") &&
				claimWord.MatchString(parts[1]) && claimWord.MatchString(parts[2]) {
				want[p] = true
			}
		}
		for p := range want {
			if !got[p] {
				t.Fatalf("lost %q: got %v", p, got)
			}
		}
		for p := range got {
			if !want[p] {
				t.Fatalf("invented %q: want %v", p, want)
			}
		}
	})
}
