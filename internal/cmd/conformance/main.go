// Command conformance is the goclerk target of the differential conformance
// suite (../shared/conformance): a server that authenticates every request
// with clerk.Middleware and answers /has, /protected and the auth object, as
// the suite's Express oracle does. It uses only goclerk's public API.
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/pprof"
	"os"
	"strings"
	"time"

	"github.com/goclerk/clerk"
)

// config is CONFORMANCE_CONFIG.
type config struct {
	Env     map[string]string `json:"env"`
	Options struct {
		SecretKey               string          `json:"secretKey"`
		PublishableKey          string          `json:"publishableKey"`
		MachineSecretKey        string          `json:"machineSecretKey"`
		JWTKey                  string          `json:"jwtKey"`
		APIURL                  string          `json:"apiUrl"`
		APIVersion              string          `json:"apiVersion"`
		AuthorizedParties       []string        `json:"authorizedParties"`
		Audience                json.RawMessage `json:"audience"`
		ClockSkewInMs           *float64        `json:"clockSkewInMs"`
		IsSatellite             bool            `json:"isSatellite"`
		Domain                  string          `json:"domain"`
		ProxyURL                string          `json:"proxyUrl"`
		SignInURL               string          `json:"signInUrl"`
		SignUpURL               string          `json:"signUpUrl"`
		SatelliteAutoSync       bool            `json:"satelliteAutoSync"`
		OrganizationSyncOptions *struct {
			OrganizationPatterns    []string `json:"organizationPatterns"`
			PersonalAccountPatterns []string `json:"personalAccountPatterns"`
		} `json:"organizationSyncOptions"`
		FrontendAPIProxy *struct {
			Enabled bool   `json:"enabled"`
			Path    string `json:"path"`
		} `json:"frontendApiProxy"`
		Debug bool `json:"debug"`
	} `json:"options"`
}

func main() {
	var cfg config
	if err := json.Unmarshal([]byte(os.Getenv("CONFORMANCE_CONFIG")), &cfg); err != nil && os.Getenv("CONFORMANCE_CONFIG") != "" {
		log.Fatalf("conformance: bad CONFORMANCE_CONFIG: %v", err)
	}
	for k, v := range cfg.Env {
		os.Setenv(k, v)
	}
	o := cfg.Options
	opts := clerk.Options{
		SecretKey: o.SecretKey, PublishableKey: o.PublishableKey, MachineSecretKey: o.MachineSecretKey,
		JWTKey: o.JWTKey, APIURL: o.APIURL, APIVersion: o.APIVersion,
		AuthorizedParties: o.AuthorizedParties,
		IsSatellite:       o.IsSatellite, Domain: o.Domain, ProxyURL: o.ProxyURL,
		SignInURL: o.SignInURL, SignUpURL: o.SignUpURL, SatelliteAutoSync: o.SatelliteAutoSync,
		Debug: o.Debug,
	}
	if len(o.Audience) > 0 {
		var one string
		if json.Unmarshal(o.Audience, &one) == nil {
			opts.Audience = []string{one}
		} else {
			_ = json.Unmarshal(o.Audience, &opts.Audience)
		}
	}
	if o.ClockSkewInMs != nil {
		opts.ClockSkew = time.Duration(*o.ClockSkewInMs * float64(time.Millisecond))
	}
	if s := o.OrganizationSyncOptions; s != nil {
		opts.OrganizationSyncOptions = &clerk.OrganizationSyncOptions{OrganizationPatterns: s.OrganizationPatterns, PersonalAccountPatterns: s.PersonalAccountPatterns}
	}
	if p := o.FrontendAPIProxy; p != nil {
		opts.FrontendAPIProxy = &clerk.FrontendAPIProxy{Enabled: p.Enabled, Path: p.Path}
	}

	// A configuration error fails every request with 500, as the oracle's
	// middleware throws on each request.
	var handler http.Handler
	mw, err := clerk.Middleware(opts)
	if err != nil {
		log.Printf("conformance: %v", err)
		handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "internal error", http.StatusInternalServerError)
		})
	} else {
		handler = mw(routes())
	}
	if a := os.Getenv("CONFORMANCE_PPROF"); a != "" {
		// Profiling under load (docs/performance.md): a separate listener,
		// so the served routes stay exactly the oracle's.
		go servePprof(a)
	}
	// Served exactly as shared/perf's peers serve (plain http.ListenAndServe
	// on loopback), so a side-by-side run compares the middleware and not
	// server settings: a read deadline per request costs about 1 µs.
	log.Fatal(http.ListenAndServe("127.0.0.1:"+os.Getenv("PORT"), handler))
}

func servePprof(addr string) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	log.Printf("conformance: pprof on %s: %v", addr, http.ListenAndServe(addr, mux))
}

func routes() http.Handler {
	protect := clerk.RequireAuth(clerk.RequireAuthOptions{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path, rawQuery, _ := strings.Cut(r.RequestURI, "?")
		q := parseQuery(rawQuery)
		isGet := r.Method == http.MethodGet || r.Method == http.MethodHead
		switch {
		case isGet && path == "/has":
			var c clerk.Check
			if v, ok := q["permission"]; ok {
				c.Permission = &v
			}
			if v, ok := q["role"]; ok {
				c.Role = &v
			}
			if v, ok := q["feature"]; ok {
				c.Feature = &v
			}
			if v, ok := q["plan"]; ok {
				c.Plan = &v
			}
			if v, ok := q["reverification"]; ok {
				c.Reverification = &clerk.Reverification{Preset: v}
			}
			writeJSON(w, map[string]bool{"has": clerk.GetAuth(r).Has(c)})
		case isGet && path == "/protected":
			protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				a := clerk.GetAuth(r, clerk.AcceptsAnyToken())
				var id any
				if a.UserID != "" {
					id = a.UserID
				}
				writeJSON(w, map[string]any{"userId": id})
			})).ServeHTTP(w, r)
		default:
			var opts []clerk.AuthOption
			if v, ok := q["accepts"]; ok {
				switch {
				case v == "any":
					opts = append(opts, clerk.AcceptsAnyToken())
				case strings.Contains(v, ","):
					var types []clerk.TokenType
					for _, t := range strings.Split(v, ",") {
						types = append(types, clerk.TokenType(t))
					}
					opts = append(opts, clerk.AcceptsTokenList(types...))
				default:
					opts = append(opts, clerk.AcceptsToken(clerk.TokenType(v)))
				}
			}
			// WriteJSON, not writeJSON: the same bytes without
			// encoding/json's re-scan of a cached session's JSON.
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			_ = clerk.GetAuth(r, opts...).WriteJSON(w)
		}
	})
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(b)
}

// parseQuery keeps the first value of each parameter, decoding as
// URLSearchParams does ('+' is a space, malformed escapes stay as they are).
func parseQuery(raw string) map[string]string {
	if raw == "" {
		return nil // most requests: nothing to allocate
	}
	out := map[string]string{}
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k, v = unescape(k), unescape(v)
		if _, seen := out[k]; !seen {
			out[k] = v
		}
	}
	return out
}

func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b.WriteByte(' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			var n byte
			fmt.Sscanf(s[i+1:i+3], "%02x", &n)
			b.WriteByte(n)
			i += 2
		default:
			b.WriteByte(c)
		}
	}
	return strings.ToValidUTF8(b.String(), "\uFFFD")
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
