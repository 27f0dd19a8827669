package clerk

import (
	"net/http"
	"net/netip"
	"path"
	"strings"
	"testing"
)

// FuzzFrontendAPIProxyRequest feeds hostile paths, forwarding headers and
// peer addresses to the proxy's request rewriting: it must not panic, the
// forwarded path must stay rooted and free of dot segments, and headers
// from an untrusted peer must not reach the outbound request.
func FuzzFrontendAPIProxyRequest(f *testing.F) {
	f.Add("/__clerk/v1/client", "www.example.com", "https", "198.51.100.7, 10.0.0.1", "203.0.113.9", "127.0.0.1:5555", "app.test", true)
	f.Add("/__clerk/../../x", "evil.example", "https", "9.9.9.9", "9.9.9.9", "192.0.2.1:80", "app.test", false)
	f.Add("/__clerk//..//%2e/./a/", ",", "javascript", "", "", "[::1]:1", "", true)
	f.Add("/__clerk", "", "", "", "", "not-an-address", "h:99999", false)
	trusted := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	p := &frontendAPIProxy{path: "/__clerk", trusted: trusted}
	f.Fuzz(func(t *testing.T, reqPath, xfh, xfp, xff, realIP, remote, host string, tls bool) {
		if !strings.HasPrefix(reqPath, "/__clerk") {
			reqPath = "/__clerk/" + reqPath
		}
		sub := p.subPath(reqPath)
		if !strings.HasPrefix(sub, "/") || path.Clean(sub) != strings.TrimSuffix(sub, "/") && sub != "/" {
			t.Fatalf("subPath(%q) = %q, not clean", reqPath, sub)
		}
		for _, seg := range strings.Split(sub, "/") {
			if seg == ".." || seg == "." {
				t.Fatalf("subPath(%q) = %q keeps a dot segment", reqPath, sub)
			}
		}
		in := &http.Request{Host: host, RemoteAddr: remote, Header: http.Header{}}
		for k, v := range map[string]string{"X-Forwarded-Host": xfh, "X-Forwarded-Proto": xfp, "X-Forwarded-For": xff, "X-Real-Ip": realIP} {
			if v != "" {
				in.Header.Set(k, v)
			}
		}
		out := http.Header{}
		if realIP != "" {
			out.Set("X-Real-Ip", realIP)
		}
		p.setForwarded(in, out)
		if _, ok := p.trustedPeer(in); !ok {
			if out.Get("X-Real-Ip") != "" || out.Get("X-Forwarded-Host") != host {
				t.Fatalf("untrusted peer %q passed on its headers: %v", remote, out)
			}
			if xff != "" && strings.Contains(out.Get("X-Forwarded-For"), xff) && !strings.Contains(remote, xff) {
				t.Fatalf("untrusted peer %q passed on X-Forwarded-For: %v", remote, out)
			}
		}
		if !strings.HasSuffix(out.Get("Clerk-Proxy-Url"), "/__clerk") {
			t.Fatalf("Clerk-Proxy-Url = %q", out.Get("Clerk-Proxy-Url"))
		}
	})
}
