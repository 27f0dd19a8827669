package clerk_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goclerk/clerk"
)

type seenRequest struct {
	method, path, rawQuery, host string
	header                       http.Header
	body                         string
}

// stubProxyFAPI records what the proxy forwards and answers per path.
func stubProxyFAPI(t *testing.T, stream *streamSync) (*seenRequestLog, string) {
	log := &seenRequestLog{}
	srv := rtServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen := seenRequest{method: r.Method, path: r.URL.Path, rawQuery: r.URL.RawQuery, host: r.Host, header: r.Header.Clone()}
		switch r.URL.Path {
		case "/v1/stream":
			sc := bufio.NewScanner(r.Body)
			var lines []string
			for sc.Scan() {
				if len(lines) == 0 {
					stream.firstLine <- sc.Text()
				}
				lines = append(lines, sc.Text())
			}
			seen.body = strings.Join(lines, ",")
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "part1:"+seen.body+"\n")
			w.(http.Flusher).Flush()
			select {
			case <-stream.release:
			case <-time.After(10 * time.Second):
			}
			io.WriteString(w, "part2\n")
		case "/v1/redirect":
			http.Redirect(w, r, "http://"+r.Host+"/v1/client/sign_ins?x=1#frag", http.StatusFound)
		case "/v1/elsewhere":
			http.Redirect(w, r, "https://accounts.example.com/sign-in", http.StatusFound)
		default:
			b, _ := io.ReadAll(r.Body)
			seen.body = string(b)
			w.Header().Set("Content-Type", "application/json")
			w.Header().Add("Set-Cookie", "__client=abc; Path=/")
			w.Header().Add("Set-Cookie", "__client_uat=1; Path=/")
			w.WriteHeader(201)
			io.WriteString(w, `{"ok":true}`)
		}
		log.add(seen)
	}))
	return log, srv.URL
}

// streamSync coordinates the streaming exchange: the stub reports the
// first request line, and holds the second response part until the test has
// read the first.
type streamSync struct {
	firstLine chan string
	release   chan struct{}
	once      sync.Once
}

func newStreamSync() *streamSync {
	return &streamSync{firstLine: make(chan string, 1), release: make(chan struct{})}
}

func (s *streamSync) done() { s.once.Do(func() { close(s.release) }) }

type seenRequestLog struct {
	mu   sync.Mutex
	reqs []seenRequest
}

func (l *seenRequestLog) add(s seenRequest) { l.mu.Lock(); l.reqs = append(l.reqs, s); l.mu.Unlock() }

func (l *seenRequestLog) last(t *testing.T) seenRequest {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.reqs) == 0 {
		t.Fatal("the Frontend API saw no request")
	}
	return l.reqs[len(l.reqs)-1]
}

func TestFrontendAPIProxy(t *testing.T) {
	rtClearEnv(t)
	stream := newStreamSync()
	log, fapiURL := stubProxyFAPI(t, stream)
	t.Setenv("CLERK_FAPI_URL", fapiURL)
	fapiHost := strings.TrimPrefix(fapiURL, "http://")

	reached := 0
	o := rtOptions(t)
	o.FrontendAPIProxy = &clerk.FrontendAPIProxy{Enabled: true}
	app := rtServe(t, o, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached++
		w.WriteHeader(204)
	}))
	appHost := strings.TrimPrefix(app.URL, "http://")
	o = rtOptions(t)
	o.FrontendAPIProxy = &clerk.FrontendAPIProxy{Enabled: true, TrustedProxies: []string{"127.0.0.0/8", "::1"}}
	behindProxy := rtServe(t, o, http.NotFoundHandler())
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	t.Run("path, query, headers and body are forwarded", func(t *testing.T) {
		reached = 0
		req, _ := http.NewRequest("POST", app.URL+"/__clerk/v1/client/sign_ins?_clerk_js_version=5.0&x=a%20b&x=2", strings.NewReader("identifier=user%40example.com"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", "__client_uat=0")
		req.Header.Set("X-Real-Ip", "203.0.113.9")
		req.Header.Set("Authorization", "Bearer not-a-session")
		resp, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 201 || string(body) != `{"ok":true}` {
			t.Fatalf("status %d body %s", resp.StatusCode, body)
		}
		if got := resp.Header.Values("Set-Cookie"); len(got) != 2 {
			t.Errorf("Set-Cookie = %v, want both", got)
		}
		for _, h := range []string{"X-Clerk-Auth-Status", "X-Clerk-Auth-Reason", "X-Clerk-Auth-Message"} {
			if v := resp.Header.Get(h); v != "" {
				t.Errorf("proxied response carries %s: %q", h, v)
			}
		}
		if reached != 0 {
			t.Errorf("the application handler ran for a proxied request")
		}
		s := log.last(t)
		if s.method != "POST" || s.path != "/v1/client/sign_ins" || s.rawQuery != "_clerk_js_version=5.0&x=a%20b&x=2" || s.body != "identifier=user%40example.com" {
			t.Errorf("forwarded %s %s ? %s body %q", s.method, s.path, s.rawQuery, s.body)
		}
		if s.host != fapiHost {
			t.Errorf("Host = %q, want %q", s.host, fapiHost)
		}
		want := map[string]string{
			"Clerk-Proxy-Url":   "http://" + appHost + "/__clerk",
			"Clerk-Secret-Key":  "sk_test_rt",
			"X-Forwarded-Host":  appHost,
			"X-Forwarded-Proto": "http",
			"X-Forwarded-For":   "127.0.0.1", // the peer; X-Real-Ip is not trusted
			"X-Real-Ip":         "",
			"Cookie":            "__client_uat=0",
			"Content-Type":      "application/x-www-form-urlencoded",
			"Authorization":     "Bearer not-a-session",
		}
		for k, v := range want {
			if got := s.header.Get(k); got != v {
				t.Errorf("forwarded %s = %q, want %q", k, got, v)
			}
		}
	})
	forwarded := func(t *testing.T, url string, hdr map[string]string) http.Header {
		t.Helper()
		req, _ := http.NewRequest("GET", url, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return log.last(t).header
	}
	upstream := map[string]string{"X-Forwarded-Host": "www.example.com", "X-Forwarded-Proto": "https",
		"X-Forwarded-For": "198.51.100.7, 10.0.0.1", "X-Real-Ip": "198.51.100.7"}
	t.Run("forwarding headers of a trusted proxy", func(t *testing.T) {
		got := forwarded(t, behindProxy.URL+"/__clerk/v1/environment", upstream)
		for k, v := range map[string]string{
			"Clerk-Proxy-Url":   "https://www.example.com/__clerk",
			"X-Forwarded-Host":  "www.example.com",
			"X-Forwarded-Proto": "https",
			"X-Forwarded-For":   "198.51.100.7, 10.0.0.1, 127.0.0.1",
			"X-Real-Ip":         "198.51.100.7",
		} {
			if got := got.Get(k); got != v {
				t.Errorf("forwarded %s = %q, want %q", k, got, v)
			}
		}
		got = forwarded(t, behindProxy.URL+"/__clerk/v1/environment", map[string]string{"X-Real-Ip": "198.51.100.8"})
		if v := got.Get("X-Forwarded-For"); v != "198.51.100.8, 127.0.0.1" {
			t.Errorf("X-Real-Ip of a trusted proxy: X-Forwarded-For = %q", v)
		}
	})
	t.Run("forwarding headers of an untrusted client are ignored", func(t *testing.T) {
		got := forwarded(t, app.URL+"/__clerk/v1/environment", map[string]string{"X-Forwarded-Host": "evil.example",
			"X-Forwarded-Proto": "https", "X-Forwarded-For": "9.9.9.9", "X-Real-Ip": "9.9.9.9", "Cf-Connecting-Ip": "9.9.9.9"})
		for k, v := range map[string]string{
			"Clerk-Proxy-Url":   "http://" + appHost + "/__clerk",
			"X-Forwarded-Host":  appHost,
			"X-Forwarded-Proto": "http",
			"X-Forwarded-For":   "127.0.0.1",
			"X-Real-Ip":         "",
			"Cf-Connecting-Ip":  "",
		} {
			if got := got.Get(k); got != v {
				t.Errorf("forwarded %s = %q, want %q", k, got, v)
			}
		}
	})
	t.Run("dot segments cannot leave the proxy path", func(t *testing.T) {
		n := len(log.reqs)
		for _, p := range []string{"/__clerk/../../x", "/__clerk/%2e%2e/x", "/__clerk/v1/../../admin"} {
			resp, body := rtRawGet(t, appHost, p)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "proxy_path_mismatch") {
				t.Errorf("%s: status %d body %s", p, resp.StatusCode, body)
			}
		}
		if len(log.reqs) != n {
			t.Errorf("forwarded %v", log.reqs[n:])
		}
		resp, _ := rtRawGet(t, appHost, "/__clerk/v1/x/..//client/./sign_ins/")
		if s := log.last(t); resp.StatusCode != 201 || s.path != "/v1/client/sign_ins/" {
			t.Errorf("cleaned path: status %d, forwarded %q", resp.StatusCode, s.path)
		}
	})
	t.Run("the proxy path itself", func(t *testing.T) {
		resp, err := noFollow.Get(app.URL + "/__clerk")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if s := log.last(t); s.path != "/" {
			t.Errorf("forwarded path = %q, want /", s.path)
		}
	})
	t.Run("paths that only share the prefix are not proxied", func(t *testing.T) {
		reached = 0
		n := len(log.reqs)
		resp, err := noFollow.Get(app.URL + "/__clerkish/v1/client")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if reached != 1 || len(log.reqs) != n {
			t.Errorf("reached %d, proxied %d", reached, len(log.reqs)-n)
		}
		if resp.Header.Get("X-Clerk-Auth-Status") != "signed-out" {
			t.Errorf("not authenticated: %v", resp.Header)
		}
	})
	t.Run("Location pointing at the Frontend API is rewritten", func(t *testing.T) {
		resp, err := noFollow.Get(app.URL + "/__clerk/v1/redirect")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got, want := resp.Header.Get("Location"), "http://"+appHost+"/__clerk/v1/client/sign_ins?x=1#frag"; resp.StatusCode != 302 || got != want {
			t.Errorf("status %d Location %q, want %q", resp.StatusCode, got, want)
		}
		req, _ := http.NewRequest("GET", behindProxy.URL+"/__clerk/v1/redirect", nil)
		req.Header.Set("X-Forwarded-Host", "www.example.com")
		req.Header.Set("X-Forwarded-Proto", "https")
		resp, err = noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got, want := resp.Header.Get("Location"), "https://www.example.com/__clerk/v1/client/sign_ins?x=1#frag"; got != want {
			t.Errorf("behind a proxy: Location %q, want %q", got, want)
		}
		resp, err = noFollow.Get(app.URL + "/__clerk/v1/elsewhere")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Location"); got != "https://accounts.example.com/sign-in" {
			t.Errorf("foreign Location rewritten: %q", got)
		}
	})
	t.Run("request and response bodies stream", func(t *testing.T) {
		pr, pw := io.Pipe()
		defer pw.Close()
		defer stream.done()
		req, _ := http.NewRequest("POST", app.URL+"/__clerk/v1/stream", pr)
		type result struct {
			resp *http.Response
			err  error
		}
		done := make(chan result, 1)
		go func() {
			resp, err := noFollow.Do(req)
			done <- result{resp, err}
		}()
		io.WriteString(pw, "one\n")
		// The Frontend API sees the first chunk while the request is open.
		select {
		case line := <-stream.firstLine:
			if line != "one" {
				t.Fatalf("first line %q", line)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the request body was not streamed to the Frontend API")
		}
		io.WriteString(pw, "two\n")
		pw.Close()
		var res result
		select {
		case res = <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("no response")
		}
		if res.err != nil {
			t.Fatal(res.err)
		}
		defer res.resp.Body.Close()
		rd := bufio.NewReader(res.resp.Body)
		// The first part arrives while the Frontend API holds the rest back.
		line, err := rd.ReadString('\n')
		if err != nil || line != "part1:one,two\n" {
			t.Fatalf("first streamed part = %q, %v", line, err)
		}
		stream.done()
		rest, _ := io.ReadAll(rd)
		if string(rest) != "part2\n" {
			t.Errorf("rest = %q", rest)
		}
	})
	t.Run("custom path", func(t *testing.T) {
		o := rtOptions(t)
		o.FrontendAPIProxy = &clerk.FrontendAPIProxy{Enabled: true, Path: "/clerk-fapi/"}
		app := rtServe(t, o, http.NotFoundHandler())
		resp, err := noFollow.Get(app.URL + "/clerk-fapi/v1/environment?a=1")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		s := log.last(t)
		if s.path != "/v1/environment" || s.rawQuery != "a=1" || s.header.Get("Clerk-Proxy-Url") != app.URL+"/clerk-fapi" {
			t.Errorf("forwarded %s?%s proxy url %q", s.path, s.rawQuery, s.header.Get("Clerk-Proxy-Url"))
		}
		// The handshake goes through the proxy path as well.
		resp, _ = rtGet(t, app.URL+"/page", "Sec-Fetch-Dest: document")
		if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, app.URL+"/clerk-fapi/v1/client/handshake?") {
			t.Errorf("handshake Location = %q", loc)
		}
	})
	t.Run("TrustedProxies is validated", func(t *testing.T) {
		o := rtOptions(t)
		o.FrontendAPIProxy = &clerk.FrontendAPIProxy{Enabled: true, TrustedProxies: []string{"10.0.0.0/8", "proxy.internal"}}
		_, err := clerk.Middleware(o)
		var oe *clerk.OptionError
		if !errors.As(err, &oe) || oe.Option != "FrontendAPIProxy.TrustedProxies" || !strings.Contains(err.Error(), "proxy.internal") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("unreachable Frontend API", func(t *testing.T) {
		t.Setenv("CLERK_FAPI_URL", "http://127.0.0.1:1")
		o := rtOptions(t)
		o.FrontendAPIProxy = &clerk.FrontendAPIProxy{Enabled: true}
		app := rtServe(t, o, http.NotFoundHandler())
		resp, body := rtGet(t, app.URL+"/__clerk/v1/client")
		if resp.StatusCode != http.StatusBadGateway || !strings.Contains(body, "proxy_request_failed") {
			t.Errorf("status %d body %s", resp.StatusCode, body)
		}
	})
}

// rtRawGet sends a GET with the request target exactly as given, as a
// hostile client can (http.Client would clean nothing either, but this
// keeps the bytes on the wire explicit).
func rtRawGet(t *testing.T, hostport, target string) (*http.Response, string) {
	t.Helper()
	c, err := net.Dial("tcp", hostport)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET "+target+" HTTP/1.1\r\nHost: "+hostport+"\r\nConnection: close\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}
