package backend

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Defaults for the resilience settings of a Config.
const (
	// DefaultTimeout bounds a single HTTP attempt.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxRetries is how many times an idempotent request is retried.
	DefaultMaxRetries = 3
	// DefaultMaxRetryElapsed bounds the total time spent on one call,
	// including all attempts and waits.
	DefaultMaxRetryElapsed = time.Minute
	// DefaultMinBackoff is the first backoff step before jitter.
	DefaultMinBackoff = 250 * time.Millisecond
	// DefaultMaxBackoff caps a single computed backoff step.
	DefaultMaxBackoff = 8 * time.Second
)

// Config configures a Client. The zero value is usable: empty fields are
// filled from the environment or from the package defaults by NewClient.
type Config struct {
	// SecretKey authenticates requests (sk_...). Defaults to
	// CLERK_SECRET_KEY. It may stay empty when the caller never makes a
	// request that needs it; such requests fail with ErrMissingSecretKey.
	SecretKey string
	// MachineSecretKey (ak_..., as Clerk issues machine secret keys) authenticates M2M token endpoints when
	// set. Defaults to CLERK_MACHINE_SECRET_KEY.
	MachineSecretKey string
	// APIURL is the Backend API origin. Defaults to CLERK_API_URL, then
	// https://api.clerk.com.
	APIURL string
	// APIVersion is the path version segment. Defaults to
	// CLERK_API_VERSION, then v1.
	APIVersion string
	// HTTPClient sends the requests. Defaults to a client without its own
	// timeout (Timeout below bounds each attempt instead).
	HTTPClient *http.Client
	// Timeout bounds each HTTP attempt. Zero means DefaultTimeout; a
	// negative value disables the per-attempt timeout.
	Timeout time.Duration
	// MaxRetries is the number of retries after the first attempt for
	// idempotent requests. Zero means DefaultMaxRetries; negative disables
	// retries.
	MaxRetries int
	// MaxRetryElapsed bounds the total duration of one call including
	// retries and waits. Zero means DefaultMaxRetryElapsed.
	MaxRetryElapsed time.Duration
	// MinBackoff and MaxBackoff shape the exponential backoff. Zero means
	// DefaultMinBackoff and DefaultMaxBackoff.
	MinBackoff, MaxBackoff time.Duration
	// UserAgent overrides the User-Agent header (default goclerk/Version).
	UserAgent string
	// Logger receives debug records for each attempt (method, path,
	// status, attempt). Keys are never logged. Nil disables logging.
	Logger *slog.Logger
	// Observer reports each call (operation, path template, status,
	// latency), for metrics and traces. Nil, the default, observes
	// nothing at no cost.
	Observer *Observer
}

// core holds a Client's resolved configuration; the Client type itself is
// generated together with its resource groups (services_gen.go).
type core struct {
	secretKey        string
	machineSecretKey string
	baseURL          string // APIURL without trailing slash
	apiVersion       string
	httpClient       *http.Client
	timeout          time.Duration
	maxRetries       int
	maxElapsed       time.Duration
	minBackoff       time.Duration
	maxBackoff       time.Duration
	userAgent        string
	logger           *slog.Logger
	// observe is Config.Observer.Call, nil when unset.
	observe func(context.Context, CallInfo) (context.Context, func(CallResult))
	// The clock, the wait between retries and the jitter are fixed by
	// NewClient; the package's tests replace them (export_test.go).
	sleep  func(ctx context.Context, d time.Duration) error
	now    func() time.Time
	jitter func(max time.Duration) time.Duration
}

// ErrMissingSecretKey is returned (wrapped) by any request made without a
// secret key, before anything is sent over the network.
var ErrMissingSecretKey = errors.New("missing secret key (set Config.SecretKey or CLERK_SECRET_KEY)")

// ErrEmptyPathParam is returned (wrapped) when an ID or other path
// parameter is empty: "/users/" + "" would address a different endpoint.
var ErrEmptyPathParam = errors.New("empty path parameter")

// NewClient validates cfg, fills empty fields from the environment and the
// defaults, and returns a ready Client.
func NewClient(cfg Config) (*Client, error) {
	orEnv := func(v, env, def string) string {
		if v != "" {
			return v
		}
		if e := strings.TrimSpace(os.Getenv(env)); e != "" {
			return e
		}
		return def
	}
	c := &Client{core: core{
		secretKey:        orEnv(cfg.SecretKey, "CLERK_SECRET_KEY", ""),
		machineSecretKey: orEnv(cfg.MachineSecretKey, "CLERK_MACHINE_SECRET_KEY", ""),
		baseURL:          strings.TrimRight(orEnv(cfg.APIURL, "CLERK_API_URL", DefaultAPIURL), "/"),
		apiVersion:       strings.Trim(orEnv(cfg.APIVersion, "CLERK_API_VERSION", DefaultAPIVersion), "/"),
		httpClient:       cfg.HTTPClient,
		timeout:          cfg.Timeout,
		maxRetries:       cfg.MaxRetries,
		maxElapsed:       cfg.MaxRetryElapsed,
		minBackoff:       cfg.MinBackoff,
		maxBackoff:       cfg.MaxBackoff,
		userAgent:        cfg.UserAgent,
		sleep:            sleepContext,
		logger:           cfg.Logger,
		now:              time.Now,
		jitter:           randomJitter,
	}}
	u, err := url.Parse(c.baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("clerk: invalid API URL %q: want an absolute http(s) URL", c.baseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("clerk: invalid API URL %q: must not carry a query or fragment", c.baseURL)
	}
	if c.httpClient == nil {
		c.httpClient = &http.Client{}
	}
	if c.timeout == 0 {
		c.timeout = DefaultTimeout
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	if c.maxElapsed <= 0 {
		c.maxElapsed = DefaultMaxRetryElapsed
	}
	if c.minBackoff <= 0 {
		c.minBackoff = DefaultMinBackoff
	}
	if c.maxBackoff <= 0 {
		c.maxBackoff = DefaultMaxBackoff
	}
	if c.maxBackoff < c.minBackoff {
		c.maxBackoff = c.minBackoff
	}
	if c.userAgent == "" {
		c.userAgent = "goclerk/" + Version
	}
	if cfg.Observer != nil {
		c.observe = cfg.Observer.Call
	}
	c.initServices()
	return c, nil
}

// APIURL returns the Backend API origin the client talks to.
func (c *Client) APIURL() string { return c.baseURL }

// APIVersion returns the path version segment (for example "v1").
func (c *Client) APIVersion() string { return c.apiVersion }

// HasSecretKey reports whether a secret key is configured, so callers can
// choose a networkless path without triggering ErrMissingSecretKey.
func (c *Client) HasSecretKey() bool { return c.secretKey != "" }

// Request describes one Backend API call for Client.Do.
type Request struct {
	// Method is the HTTP method (GET, POST, ...).
	Method string
	// Path is the path below the version segment, e.g. "/users/user_1".
	// Callers escape path parameters (see PathEscape).
	Path string
	// Query holds the query parameters, if any.
	Query url.Values
	// Body is marshalled as JSON, unless it is a *Multipart, []byte or an
	// io.Reader (sent as is with ContentType). It is ignored for GET and
	// HEAD, and an empty JSON object is not sent, as in the Express SDK.
	Body any
	// ContentType overrides the Content-Type for raw bodies.
	ContentType string
	// SkipVersion omits the version segment: the API keys, M2M tokens and
	// OAuth access-token verification endpoints live at the URL root.
	SkipVersion bool
	// UseMachineKey authenticates with the machine secret key when one is
	// configured, else with the secret key.
	UseMachineKey bool
	// Header carries extra request headers.
	Header http.Header
}

// Do sends req, retrying idempotent requests on transient failures, and
// decodes a successful JSON response into out (which may be nil). A
// non-2xx answer is returned as an *APIError. opts override the Client's
// Config for this call.
func (c *Client) Do(ctx context.Context, req Request, out any, opts ...CallOption) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if c.observe == nil {
		_, _, err := c.do(ctx, req, out, opts)
		return err
	}
	return c.observedDo(ctx, req, out, opts)
}

// observedDo is Do with Config.Observer told of the call and its outcome.
func (c *Client) observedDo(ctx context.Context, req Request, out any, opts []CallOption) error {
	info := CallInfo{Method: strings.ToUpper(req.Method)}
	if info.Method == "" {
		info.Method = http.MethodGet
	}
	info.Operation, info.Route = route(info.Method, req.Path)
	start := c.now()
	octx, done := c.observe(ctx, info)
	if octx == nil {
		octx = ctx
	}
	status, attempts, err := c.do(octx, req, out, opts)
	if done != nil {
		done(CallResult{StatusCode: status, Attempts: attempts, Duration: c.now().Sub(start), Err: err})
	}
	return err
}

// do is Do, also answering the last attempt's status (0 without an
// answer) and the number of attempts, for the Observer.
func (c *Client) do(ctx context.Context, req Request, out any, opts []CallOption) (status, attempts int, _ error) {
	method := strings.ToUpper(req.Method)
	if method == "" {
		method = http.MethodGet
	}
	op := method + " " + req.Path
	key := c.secretKey
	if req.UseMachineKey && c.machineSecretKey != "" {
		key = c.machineSecretKey
	}
	if key == "" {
		return 0, 0, fmt.Errorf("clerk: %s: %w", op, ErrMissingSecretKey)
	}
	if !strings.HasPrefix(req.Path, "/") {
		return 0, 0, fmt.Errorf("clerk: %s: path must start with /", op)
	}
	if strings.Contains(req.Path, "//") || (len(req.Path) > 1 && strings.HasSuffix(req.Path, "/")) {
		return 0, 0, fmt.Errorf("clerk: %s: %w", op, ErrEmptyPathParam)
	}
	fullURL := c.baseURL
	if !req.SkipVersion && c.apiVersion != "" {
		fullURL += "/" + c.apiVersion
	}
	fullURL += req.Path
	if len(req.Query) > 0 {
		fullURL += "?" + req.Query.Encode()
	}
	body, contentType, err := encodeBody(method, req)
	if err != nil {
		return 0, 0, fmt.Errorf("clerk: %s: encode body: %w", op, err)
	}

	set := c.settings(opts)
	start := c.now()
	for attempt := 0; ; attempt++ {
		resp, respBody, err := c.attempt(ctx, set, method, fullURL, key, contentType, body, req.Header)
		attempts, status = attempt+1, 0
		if resp != nil {
			status = resp.StatusCode
		}
		var apiErr *APIError
		if err == nil && resp.StatusCode >= 300 {
			apiErr = newAPIError(method, req.Path, resp, respBody, c.secretKey, c.machineSecretKey)
		}
		c.log(ctx, method, req.Path, attempt, resp, err)
		if err == nil && apiErr == nil {
			return status, attempts, decodeResponse(op, resp, respBody, out)
		}
		if ctx.Err() != nil {
			// The caller gave up: stop at once, no further attempt.
			if apiErr != nil {
				return status, attempts, apiErr
			}
			return status, attempts, fmt.Errorf("clerk: %s: %w", op, ctx.Err())
		}
		retryable := isIdempotent(method) && (err != nil || retryableStatus(resp.StatusCode))
		var wait time.Duration
		if retryable && attempt < set.maxRetries {
			wait = c.backoff(attempt)
			if apiErr != nil && apiErr.RetryAfter > 0 {
				wait = apiErr.RetryAfter
			}
			if c.now().Sub(start)+wait > c.maxElapsed {
				retryable = false
			}
		} else {
			retryable = false
		}
		if !retryable {
			if apiErr != nil {
				return status, attempts, apiErr
			}
			return status, attempts, fmt.Errorf("clerk: %s: %w", op, err)
		}
		if serr := c.sleep(ctx, wait); serr != nil {
			return status, attempts, fmt.Errorf("clerk: %s: %w", op, serr)
		}
	}
}

// attempt performs one HTTP exchange and reads the whole response body.
func (c *Client) attempt(ctx context.Context, set callSettings, method, fullURL, key, contentType string, body []byte, extra http.Header) (*http.Response, []byte, error) {
	if set.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, set.timeout)
		defer cancel()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	hreq, err := http.NewRequestWithContext(ctx, method, fullURL, rd)
	if err != nil {
		return nil, nil, err
	}
	for k, vs := range extra {
		for _, v := range vs {
			hreq.Header.Add(k, v)
		}
	}
	hreq.Header.Set("Authorization", "Bearer "+key)
	hreq.Header.Set("Clerk-API-Version", SupportedAPIVersion)
	hreq.Header.Set("User-Agent", c.userAgent)
	hreq.Header.Set("Content-Type", contentType)
	resp, err := c.httpClient.Do(hreq)
	if err != nil {
		return nil, nil, redactErr(err, c.secretKey, c.machineSecretKey)
	}
	defer resp.Body.Close()
	var data []byte
	if limit := set.maxResponseBytes; limit > 0 {
		if resp.ContentLength > limit {
			return nil, nil, &ResponseTooLargeError{Limit: limit}
		}
		data, err = readLimited(resp.Body, limit)
	} else {
		data, err = io.ReadAll(resp.Body)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read response: %w", err)
	}
	return resp, data, nil
}

func (c *Client) log(ctx context.Context, method, path string, attempt int, resp *http.Response, err error) {
	if c.logger == nil {
		return
	}
	attrs := []slog.Attr{slog.String("method", method), slog.String("path", path), slog.Int("attempt", attempt)}
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "clerk backend request", attrs...)
}

func encodeBody(method string, req Request) ([]byte, string, error) {
	ct := req.ContentType
	if ct == "" {
		ct = "application/json"
	}
	if req.Body == nil || method == http.MethodGet || method == http.MethodHead {
		return nil, ct, nil
	}
	switch b := req.Body.(type) {
	case *Multipart:
		data, mct, err := b.encode()
		return data, mct, err
	case []byte:
		return b, ct, nil
	case io.Reader:
		data, err := io.ReadAll(b)
		return data, ct, err
	}
	data, err := json.Marshal(req.Body)
	if err != nil {
		return nil, ct, err
	}
	if s := string(data); s == "null" || s == "{}" {
		return nil, ct, nil
	}
	return data, ct, nil
}

func decodeResponse(op string, resp *http.Response, body []byte, out any) error {
	if out == nil || resp.StatusCode == http.StatusNoContent || len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if raw, ok := out.(*json.RawMessage); ok {
		*raw = append((*raw)[:0], body...)
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("clerk: %s: decode response (status %d): %w", op, resp.StatusCode, err)
	}
	return nil
}

// PathEscape escapes one path parameter so that IDs containing '/', '?',
// '%' or dot segments cannot change the path of the request.
func PathEscape(s string) string {
	if s == "." || s == ".." {
		return strings.Repeat("%2E", len(s))
	}
	return url.PathEscape(s)
}

// redactErr removes any configured key from an error's text. Transport
// errors do not normally contain headers, but a custom RoundTripper might.
func redactErr(err error, keys ...string) error {
	msg := err.Error()
	red := redact(msg, keys...)
	if red == msg {
		return err
	}
	return &redactedError{msg: red, err: err}
}

type redactedError struct {
	msg string
	err error
}

// Error returns the redacted message.
func (e *redactedError) Error() string { return e.msg }

// Unwrap keeps errors.Is/As working (timeouts, net errors).
func (e *redactedError) Unwrap() error { return e.err }

func redact(s string, keys ...string) string {
	for _, k := range keys {
		if k != "" {
			s = strings.ReplaceAll(s, k, "[redacted]")
		}
	}
	return s
}
