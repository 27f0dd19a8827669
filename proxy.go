package clerk

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
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

// newFrontendAPIProxy forwards requests under proxyPath to the Frontend
// API, streaming both ways, with the headers Clerk's proxy protocol needs
// (Clerk-Proxy-Url, Clerk-Secret-Key, X-Forwarded-*). Location headers that
// point at the Frontend API are rewritten to the proxy.
func newFrontendAPIProxy(proxyPath, frontendAPI, secretKey string) http.Handler {
	base, err := url.Parse(fapiURLFor(frontendAPI))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			proxyError(w, "proxy_configuration_error", "the Frontend API URL is not a valid http(s) URL", http.StatusInternalServerError)
		})
	}
	publicProxyURL := func(r *http.Request) string {
		proto := firstValue(r.Header.Get("X-Forwarded-Proto"))
		host := firstValue(r.Header.Get("X-Forwarded-Host"))
		if proto != "" && host != "" {
			return proto + "://" + host + proxyPath
		}
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		return authn.DeriveURL(scheme, r.Host, host, proto, "/").Origin() + proxyPath
	}
	rp := &httputil.ReverseProxy{
		FlushInterval: -1,
		Rewrite: func(pr *httputil.ProxyRequest) {
			in := pr.In
			target := *base
			target.Path = strings.TrimRight(base.Path, "/") + strings.TrimPrefix(in.URL.Path, proxyPath)
			if target.Path == "" {
				target.Path = "/"
			}
			target.RawPath = ""
			target.RawQuery = in.URL.RawQuery
			pr.Out.URL = &target
			pr.Out.Host = base.Host
			h := pr.Out.Header
			h.Set("Clerk-Proxy-Url", publicProxyURL(in))
			h.Set("Clerk-Secret-Key", secretKey)
			h.Set("Accept-Encoding", "identity")
			// Rewrite runs after ReverseProxy removed the inbound
			// X-Forwarded-* headers; forward an upstream proxy's values as
			// the reference does, else describe this hop.
			if v := in.Header.Values("X-Forwarded-Host"); len(v) > 0 {
				h.Set("X-Forwarded-Host", strings.Join(v, ", "))
			} else {
				h.Set("X-Forwarded-Host", in.Host)
			}
			if v := in.Header.Values("X-Forwarded-Proto"); len(v) > 0 {
				h.Set("X-Forwarded-Proto", strings.Join(v, ", "))
			} else {
				proto := "http"
				if in.TLS != nil {
					proto = "https"
				}
				h.Set("X-Forwarded-Proto", proto)
			}
			if ip := clientIP(in); ip != "" {
				h.Set("X-Forwarded-For", ip)
			}
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
	return rp
}

func firstValue(v string) string {
	v, _, _ = strings.Cut(v, ",")
	return strings.TrimSpace(v)
}

// clientIP is the originating client address as reverse proxies report it.
func clientIP(r *http.Request) string {
	for _, h := range []string{"Cf-Connecting-Ip", "X-Real-Ip"} {
		if v := r.Header.Get(h); v != "" {
			return v
		}
	}
	if v := r.Header.Get("X-Forwarded-For"); v != "" {
		return firstValue(v)
	}
	return ""
}

func proxyError(w http.ResponseWriter, code, message string, status int) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]string{{"code": code, "message": message}}})
}
