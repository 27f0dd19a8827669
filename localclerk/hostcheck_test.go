package localclerk

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

func TestHostCheckRefusesForeignHosts(t *testing.T) {
	h := start(t, Options{AllowedOrigins: []string{"https://app.test:8443"}})
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(h.inst.FrontendAPIURL, "http://"))
	for host, want := range map[string]int{
		"127.0.0.1:" + port:              200,
		"localhost:" + port:              200,
		"[::1]:" + port:                  200,
		"localhost":                      200,
		"app.localhost:3000":             200,
		"app.test:8443":                  200,
		"evil.example:" + port:           403,
		"evil.example":                   403,
		"app.test":                       403, // the allowed origin has a port
		"127.0.0.1.evil.example:" + port: 403,
		"10.1.2.3:" + port:               403, // not the listener's address
	} {
		req, _ := http.NewRequest("GET", h.inst.FrontendAPIURL+"/v1/health", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %s: %d %s, want %d", host, resp.StatusCode, body, want)
		}
	}
}

func TestAllowedHostUnspecifiedListener(t *testing.T) {
	all := &net.TCPAddr{IP: net.IPv4zero, Port: 4401}
	if !allowedHost("192.168.1.20:4401", all, nil) || !allowedHost("[fe80::1]:4401", all, nil) {
		t.Error("an IP literal is refused on an all-interfaces listener")
	}
	if allowedHost("rebind.example:4401", all, nil) {
		t.Error("a foreign name is accepted on an all-interfaces listener")
	}
}

// FuzzAllowedHost: no panic, and a Host is accepted only when it is a
// loopback name, an IP literal (all-interfaces listener) or the allowed
// origin's host.
func FuzzAllowedHost(f *testing.F) {
	for _, s := range []string{"localhost:4401", "127.0.0.1", "[::1]:80", "evil.example", "app.test:8443", "[", "]:", "a.localhost",
		"127.0.0.1.nip.io", "LOCALHOST", "[::ffff:127.0.0.1]:1", "::1", "%zz", ""} {
		f.Add(s, true)
	}
	allowed := map[string]bool{"https://app.test:8443": true}
	f.Fuzz(func(t *testing.T, host string, unspecified bool) {
		ln := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 4401}
		if unspecified {
			ln.IP = net.IPv6unspecified
		}
		if !allowedHost(host, ln, allowed) {
			return
		}
		h := strings.ToLower(host)
		if hh, _, err := net.SplitHostPort(h); err == nil {
			h = hh
		}
		bare := strings.Trim(h, "[]")
		ip := net.ParseIP(bare)
		switch {
		case h == "localhost" || strings.HasSuffix(h, ".localhost"):
		case ip != nil && (ip.IsLoopback() || unspecified):
		case strings.ToLower(host) == "app.test:8443":
		default:
			t.Fatalf("allowedHost(%q, unspecified=%v) = true", host, unspecified)
		}
	})
}
