package clerk

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httputil"
	"net/netip"
	"net/url"
	"os"
	"path"
	"strings"

	"github.com/goclerk/clerk/internal/authn"
)

// Frontend API hosts the proxy forwards to, by instance family.
const (
	prodFAPIURL    = "https://frontend-api.clerk.dev"
	stagingFAPIURL = "https://frontend-api.clerkstage.dev"
	localFAPIURL   = "https://frontend-api.lclclerk.com"
)

// fapiURLFor picks the Frontend API origin for a publishable key's host;
// CLERK_FAPI_URL overrides it, and loopback hosts (localclerk) are used
// directly over plain HTTP.
func fapiURLFor(frontendAPI string) string {
	if v := os.Getenv("CLERK_FAPI_URL"); v != "" {
		return strings.TrimRight(v, "/")
	}
	switch {
	case isLoopback(frontendAPI):
		return "http://" + frontendAPI
	case strings.HasPrefix(frontendAPI, "clerk.") && hasAnySuffix(frontendAPI, ".lcl.dev", ".lclstage.dev", ".lclclerk.com"):
		return prodFAPIURL
	case hasAnySuffix(frontendAPI, ".lcl.dev", "lclstage.dev", ".lclclerk.com", ".accounts.lclclerk.com"):
		return localFAPIURL
	case hasAnySuffix(frontendAPI, ".accountsstage.dev"):
		return stagingFAPIURL
	}
	return prodFAPIURL
}

func hasAnySuffix(s string, suffixes ...string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}

func isLoopback(hostport string) bool {
	h := hostport
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		h = host
	}
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// parseTrustedProxies reads FrontendAPIProxy.TrustedProxies: IP addresses
// and CIDR prefixes.
func parseTrustedProxies(list []string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(list))
	for _, s := range list {
		s = strings.TrimSpace(s)
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return nil, optErr("FrontendAPIProxy.TrustedProxies", "%q is neither an IP address nor a CIDR prefix", s)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// peerAddr is the address of the connection's other end.
func peerAddr(r *http.Request) (netip.Addr, bool) {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		a, err := netip.ParseAddr(r.RemoteAddr)
		return a.Unmap(), err == nil
	}
	return ap.Addr().Unmap(), true
}

// frontendAPIProxy forwards requests under path to the Frontend API,
// streaming both ways, with the headers Clerk's proxy protocol needs
// (Clerk-Proxy-Url, Clerk-Secret-Key, X-Forwarded-*). Location headers that
// point at the Frontend API are rewritten to the proxy. Forwarding headers
// sent by the client (X-Forwarded-*, X-Real-Ip, Cf-Connecting-Ip) count only
// when the peer is one of the trusted proxies; otherwise the request is
// described from the connection alone, so a client can neither pick the
// Clerk-Proxy-Url nor pose as another address.
type frontendAPIProxy struct {
	path    string // e.g. "/__clerk", no trailing slash
	trusted []netip.Prefix
	rp      *httputil.ReverseProxy
}

func newFrontendAPIProxy(proxyPath, frontendAPI, secretKey string, trusted []netip.Prefix) http.Handler {
	base, err := url.Parse(fapiURLFor(frontendAPI))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			proxyError(w, "proxy_configuration_error", "the Frontend API URL is not a valid http(s) URL", http.StatusInternalServerError)
		})
	}
	p := &frontendAPIProxy{path: proxyPath, trusted: trusted}
	p.rp = &httputil.ReverseProxy{
		FlushInterval: -1,
		Rewrite: func(pr *httputil.ProxyRequest) {
			in := pr.In
			target := *base
			target.Path = strings.TrimRight(base.Path, "/") + p.subPath(in.URL.Path)
			target.RawPath = ""
			target.RawQuery = in.URL.RawQuery
			pr.Out.URL = &target
			pr.Out.Host = base.Host
			h := pr.Out.Header
			h.Set("Clerk-Secret-Key", secretKey)
			h.Set("Accept-Encoding", "identity")
			// Rewrite runs after ReverseProxy removed the inbound
			// X-Forwarded-* headers.
			p.setForwarded(in, h)
		},
		ModifyResponse: func(resp *http.Response) error {
			resp.Header.Del("Content-Encoding")
			if loc := resp.Header.Get("Location"); loc != "" {
				if u, err := base.Parse(loc); err == nil && u.Host == base.Host {
					// The public proxy URL computed from the inbound request.
					rewritten := resp.Request.Header.Get("Clerk-Proxy-Url") + u.EscapedPath()
					if u.RawQuery != "" {
						rewritten += "?" + u.RawQuery
					}
					if u.Fragment != "" {
						rewritten += "#" + u.EscapedFragment()
					}
					resp.Header.Set("Location", rewritten)
				}
			}
			return nil
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			proxyError(w, "proxy_request_failed", "failed to reach the Clerk Frontend API", http.StatusBadGateway)
		},
	}
	return p
}

// ServeHTTP refuses a path that leaves the proxy prefix once cleaned
// ("/__clerk/../x"), as the Frontend API would resolve it, then forwards.
func (p *frontendAPIProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if c := path.Clean(r.URL.Path); c != p.path && !strings.HasPrefix(c, p.path+"/") {
		proxyError(w, "proxy_path_mismatch", "the request path does not lie under the proxy path", http.StatusBadRequest)
		return
	}
	p.rp.ServeHTTP(w, r)
}

// subPath is the Frontend API path for a request path under the prefix,
// cleaned of dot segments and repeated slashes; a trailing slash is kept.
func (p *frontendAPIProxy) subPath(reqPath string) string {
	sub := path.Clean("/" + strings.TrimPrefix(path.Clean(reqPath), p.path))
	if strings.HasSuffix(reqPath, "/") && sub != "/" {
		sub += "/"
	}
	return sub
}

func (p *frontendAPIProxy) trustedPeer(r *http.Request) (peer string, trusted bool) {
	a, ok := peerAddr(r)
	if !ok {
		return "", false
	}
	for _, pre := range p.trusted {
		if pre.Contains(a) {
			return a.String(), true
		}
	}
	return a.String(), false
}

// setForwarded sets Clerk-Proxy-Url and the X-Forwarded-* headers of the
// outbound request. X-Forwarded-For gets the peer address appended, as
// httputil.ReverseProxy does, to the chain a trusted proxy sent (or to the
// client address it reported in Cf-Connecting-Ip / X-Real-Ip).
func (p *frontendAPIProxy) setForwarded(in *http.Request, h http.Header) {
	peer, trusted := p.trustedPeer(in)
	scheme := "http"
	if in.TLS != nil {
		scheme = "https"
	}
	fwdHost, fwdProto := []string{in.Host}, []string{scheme}
	var chain []string
	if trusted {
		if v := in.Header.Values("X-Forwarded-Host"); len(v) > 0 {
			fwdHost = v
		}
		if v := in.Header.Values("X-Forwarded-Proto"); len(v) > 0 {
			fwdProto = v
		}
		if chain = in.Header.Values("X-Forwarded-For"); len(chain) == 0 {
			if ip := firstNonEmpty(in.Header.Get("Cf-Connecting-Ip"), in.Header.Get("X-Real-Ip")); ip != "" {
				chain = []string{ip}
			}
		}
	} else {
		// The client made these up; they are not ours to pass on.
		h.Del("X-Real-Ip")
		h.Del("Cf-Connecting-Ip")
		h.Del("Forwarded")
	}
	h.Set("X-Forwarded-Host", strings.Join(fwdHost, ", "))
	h.Set("X-Forwarded-Proto", strings.Join(fwdProto, ", "))
	if peer != "" {
		chain = append(chain, peer)
	}
	if len(chain) > 0 {
		h.Set("X-Forwarded-For", strings.Join(chain, ", "))
	}

	// The public origin, derived as @clerk/backend's clerkFrontendApiProxy does from the first
	// forwarded values.
	host, proto := firstValue(fwdHost[0]), firstValue(fwdProto[0])
	origin := proto + "://" + host
	if host == "" || proto == "" || !trusted {
		origin = authn.DeriveURL(scheme, in.Host, host, proto, "/").Origin()
	}
	h.Set("Clerk-Proxy-Url", origin+p.path)
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func firstValue(v string) string {
	v, _, _ = strings.Cut(v, ",")
	return strings.TrimSpace(v)
}

func proxyError(w http.ResponseWriter, code, message string, status int) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]string{{"code": code, "message": message}}})
}
