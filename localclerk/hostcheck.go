package localclerk

import (
	"net"
	"net/http"
	"strings"
)

// hostCheck refuses requests whose Host names none of the hosts localclerk
// is reachable under. A web page on an attacker's domain can make that
// domain resolve to 127.0.0.1 (DNS rebinding) and then read localclerk's
// answers as same-origin; such requests carry the attacker's host name, so
// checking Host shuts them out.
func (inst *Instance) hostCheck(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !allowedHost(r.Host, inst.ln.Addr(), inst.allowed) {
			http.Error(w, "localclerk: this Host is not served (DNS rebinding protection); "+
				"use localhost or 127.0.0.1, or add the origin to the allowed origins", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// allowedHost reports whether hostport (a Host header) is a loopback name
// or address (any port), the listener's own address, an IP address when
// the listener is bound to all interfaces (an IP literal cannot be
// rebound), or the host of an allowed origin.
func allowedHost(hostport string, ln net.Addr, allowed map[string]bool) bool {
	if hostport == "" || len(hostport) > 300 {
		return false
	}
	hostport = strings.ToLower(hostport)
	h := hostport
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		h = host
	}
	if isLoopbackHost(h) {
		return true
	}
	if ta, ok := ln.(*net.TCPAddr); ok {
		if ip := net.ParseIP(strings.Trim(h, "[]")); ip != nil && (ta.IP.IsUnspecified() || ta.IP.Equal(ip)) {
			return true
		}
	}
	for o := range allowed {
		if _, host, _ := strings.Cut(o, "://"); host == hostport {
			return true
		}
	}
	return false
}
